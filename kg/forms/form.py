"""What the label-driven reader finds in a document before it becomes records: forms of label → value
fields, a funds row, and indicator rows keyed by column."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.cells.model import Cell


@dataclass
class FieldHit:
    """A label and the value found for it."""

    key: str
    text: str
    line: int
    unit: str | None = None  # unit stated in the label (资金总额（万元）)
    distance: int = 0  # label edit distance (OCR noise); 0 = exact
    cell: Cell | None = None


@dataclass
class IndicatorRow:
    """One row of an indicator table: column key → text, and where it was."""

    values: dict[str, str]
    line: int
    line_end: int
    term: str | None = None  # "long" for a long-term (长期/实施期) target
    text: str = ""


@dataclass
class Form:
    """One target form or self-evaluation form."""

    line_start: int
    line_end: int
    fields: dict[str, FieldHit] = field(default_factory=dict)
    funds: dict[str, FieldHit] = field(default_factory=dict)
    indicators: list[IndicatorRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the indicator table's column keys, in order
    title: str | None = None
    money_unit: str | None = None
    notes: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, message, line)

    def text(self, key: str) -> str | None:
        hit = self.fields.get(key)
        return hit.text if hit else None

    @property
    def evaluated(self) -> bool:
        return bool(self.funds) or "actual" in self.columns or "total_score" in self.fields
