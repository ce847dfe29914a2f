"""Typed rows of the standard tables: codes, names, amounts by column meaning, and where each was printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.tables.vocab import KIND_NAMES


@dataclass(frozen=True)
class Amount:
    """A printed amount in its table's unit: the value, the text as printed and its 1-based line."""

    value: Decimal
    text: str
    line: int

    @property
    def half_step(self) -> Decimal:
        """Half the last printed digit: the rounding a printed value may hide (``241.38`` → 0.005)."""
        t = self.text.replace(" ", "")
        if not t or self.value == 0:
            return Decimal(0)  # an empty cell or a printed 0: exactly nothing
        decimals = len(t.split(".", 1)[1]) if "." in t else 0
        return Decimal(1).scaleb(-decimals) / 2


@dataclass
class TRow:
    """One data row: its code (类 3 / 款 5 / 项 7 digits) and name, its amounts by column meaning."""

    line: int
    label: str  # the row's words, squeezed (合计, 一般公共服务支出 …)
    code: str | None = None
    amounts: dict[str, Amount] = field(default_factory=dict)
    numbers: list[Amount] = field(default_factory=list)  # the row's amounts in printed order
    text: str = ""
    unread: tuple[int, ...] = ()  # columns whose header names nothing known, with an amount on this row

    @property
    def level(self) -> str | None:
        return {3: "类", 5: "款", 7: "项"}.get(len(self.code or ""))

    @property
    def is_total(self) -> bool:
        from kg.tables.vocab import TOTAL_LABEL

        return bool(TOTAL_LABEL.match(self.label)) and not self.code


@dataclass
class SideLine:
    """One line of a two-sided 收支 table: the side (income / expense), its label and amount."""

    side: str
    label: str
    amount: Amount | None
    line: int
    raw: str = ""  # the label as printed (numbering 一、 kept)
    group: int = 0  # which column group of its side (the expense by function / by economic class side by side)
    funds: dict[str, Amount] = field(default_factory=dict)  # 财政拨款收支总表: the line by fund (total, general, …)


@dataclass
class StdTable:
    """A recognised standard table. ``positional``: cells keep their columns (tabs, ``|``, native), so
    ``columns`` maps each column to its meaning; otherwise the rows' amounts are in printed order and
    ``meanings`` is the header's sequence of amount meanings (None when a header word was not understood)."""

    kind: str
    title: str
    line: int
    unit: str | None = None
    positional: bool = True
    columns: list[str | None] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # positional: each column's header words, squeezed
    meanings: list[str] | None = None
    rows: list[TRow] = field(default_factory=list)
    sides: list[SideLine] = field(default_factory=list)
    sides_sure: dict[str, bool] = field(default_factory=lambda: {"income": True, "expense": True})
    by: str = "title"  # how it was recognised: "title" or "header"
    coded: bool = False  # token rows: the header names a code column, so a leading 3/5/7-digit number is a code
    layout: str = ""  # "cell_per_line": recognised, but its rows are not read here
    incomplete: str = ""  # why some rows were left out (then no column sum is checked)

    @property
    def name(self) -> str:
        return f"{KIND_NAMES.get(self.kind, self.kind)} ({self.title})" if self.title else KIND_NAMES[self.kind]

    def total_row(self) -> TRow | None:
        return next((r for r in reversed(self.rows) if r.is_total), None)

    def side_line(self, side: str, pattern) -> SideLine | None:  # type: ignore[no-untyped-def]
        return next((s for s in self.sides if s.side == side and pattern.match(s.label)), None)
