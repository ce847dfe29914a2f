"""三公 tables (kinds ``tables.sanggong``, ``tables.sanggong_over``): 合计 = 因公出国(境) + 公务接待 + 公务用车 and
公务用车 = 购置 + 运行 in every column group (上年 / 当年, 预算数 / 决算数), and on final accounts each item's 决算数
above its 预算数 as an info finding.

Items are rows (one value per amount column) or columns; a table of item columns is cut into groups, a new group
starting where an item repeats, each group's 合计 being the 合计 / 小计 column just before its first item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tables_base import checked, doc_tables, mismatch
from kg.tables import vocab as V
from kg.tables.model import Amount, StdTable

SG_TOTALS = ("total", "sg_total")


@dataclass
class SgGroup:
    """One set of 三公 figures: its label (the group's header words, or the column for items as rows) and
    item → amount (an empty positional cell is 0)."""

    label: str
    items: dict[str, Amount] = field(default_factory=dict)

    @property
    def other_year(self) -> bool:
        return bool(V.SANGGONG_LAST_YEAR.search(self.label))


def _column_groups(t: StdTable) -> list[tuple[str, dict[str, int]]]:
    """Item columns cut into groups: (header words of the group's first column, item → column index)."""
    groups: list[tuple[str, dict[str, int]]] = []
    cur: dict[str, int] = {}

    def close() -> None:
        if any(k != "sg_total" for k in cur):
            first = min(cur.values())
            groups.append((t.headers[first] if first < len(t.headers) else "", dict(cur)))
        cur.clear()

    for j, m in enumerate(t.columns):
        if m and m.startswith("sg_") and m != "sg_total":
            if m in cur:
                close()
            if not cur and j and t.columns[j - 1] in SG_TOTALS:
                cur["sg_total"] = j - 1
            cur.setdefault(m, j)
        elif m == "sg_total":
            close()
            cur["sg_total"] = j
        elif cur:
            close()
    close()
    return groups


def sanggong_groups(t: StdTable) -> list[SgGroup]:
    """The table's 三公 figure sets; a token row of uncertain width is left out."""
    out: dict[str, SgGroup] = {}
    col_groups = _column_groups(t) if t.positional else []
    for r in t.rows:
        label = V.SANGGONG_NUMBER.sub("", r.label)
        item = next((k for k, p in V.SANGGONG_ROWS if p.search(label)), None) if not col_groups else None
        if item is not None:  # items as rows: one value per amount column
            if not t.positional and t.meanings is not None and len(r.numbers) != len(t.meanings):
                continue
            cols = [k for k in (t.columns if t.positional else (t.meanings or [])) if k in ("amount", "total")]
            for key in list(r.amounts) or cols:
                out.setdefault(key, SgGroup(_column_label(t, key))).items[item] = r.amounts.get(
                    key, Amount(Decimal(0), "", r.line))
            for c in cols:
                out.setdefault(c, SgGroup(_column_label(t, c))).items.setdefault(item, Amount(Decimal(0), "", r.line))
        elif col_groups and any(k.startswith("sg_") for k in r.amounts):  # items as columns
            by_col = {j: a for j, a in _amounts_by_column(t, r).items()}
            for n, (head, cols) in enumerate(col_groups):
                items = {k: by_col.get(j, Amount(Decimal(0), "", r.line)) for k, j in cols.items()}
                out[f"row {r.line} group {n + 1}"] = SgGroup(head or f"row {r.line}", items)
    return list(out.values())


def _column_label(t: StdTable, key: str) -> str:
    """Items as rows: a group is one amount column, labelled by its header words (2018年预算数 | 2019年预算数 tell
    the years apart) when the table keeps its columns, else by its meaning."""
    if not t.positional:
        return key
    j = int(key.split("#", 1)[1]) if "#" in key else (t.columns.index(key) if key in t.columns else -1)
    return t.headers[j] if 0 <= j < len(t.headers) and t.headers[j] else key


def _amounts_by_column(t: StdTable, r) -> dict[int, Amount]:  # type: ignore[no-untyped-def]
    """Column index → amount of a positional row (TRow.amounts keys are meaning or meaning#column)."""
    out: dict[int, Amount] = {}
    for key, a in r.amounts.items():
        if "#" in key:
            out[int(key.split("#", 1)[1])] = a
        elif key in t.columns:
            out[t.columns.index(key)] = a
    return out


def check_sanggong(ad: AuditDoc) -> Iterator[Finding]:
    for t in doc_tables(ad):
        if t.kind != "sanggong" or t.layout:
            continue
        groups = sanggong_groups(t)
        for g in groups:
            items = g.items
            if "sg_total" in items and {"sg_abroad", "sg_reception", "sg_car"} <= items.keys():
                f = mismatch(ad, "tables.sanggong", t, items["sg_total"],
                              [items["sg_abroad"], items["sg_reception"], items["sg_car"]],
                              f"合计 = 因公出国(境) + 公务接待 + 公务用车 ({g.label})")
                if f:
                    yield f
            if {"sg_car", "sg_car_purchase", "sg_car_run"} <= items.keys():
                f = mismatch(ad, "tables.sanggong", t, items["sg_car"],
                              [items["sg_car_purchase"], items["sg_car_run"]], f"公务用车 = 购置 + 运行 ({g.label})")
                if f:
                    yield f
        yield from _over_budget(ad, t, groups)


ITEM_NAMES = {"sg_total": "三公经费合计", "sg_abroad": "因公出国(境)费", "sg_reception": "公务接待费",
              "sg_car": "公务用车购置及运行费", "sg_car_purchase": "公务用车购置费", "sg_car_run": "公务用车运行费"}


def _over_budget(ad: AuditDoc, t: StdTable, groups: list[SgGroup]) -> Iterator[Finding]:
    """Final accounts: a 决算数 above its 预算数 (info: allowed with an adjusted budget, worth a look)."""
    actual = [g for g in groups if V.SANGGONG_ACTUAL.search(g.label) and not V.SANGGONG_BUDGET.search(
        V.SANGGONG_ACTUAL.sub("", g.label))]
    budget = [g for g in groups if V.SANGGONG_BUDGET.search(g.label) and not V.SANGGONG_ACTUAL.search(g.label)]
    if len(actual) != 1 or len(budget) != 1:
        return
    for item, a in actual[0].items.items():
        b = budget[0].items.get(item)
        if b is None:
            continue
        checked(ad).append("tables.sanggong_over")
        if a.value - b.value > a.half_step + b.half_step:
            yield ad.finding("tables.sanggong_over", "info", None,
                             f"{t.name}: {ITEM_NAMES[item]} 决算数 {a.text} is above its 预算数 {b.text or '0'}",
                             [ad.ev_line(a.line, t.name)], actual=str(a.value), budget=str(b.value), unit=t.unit)

