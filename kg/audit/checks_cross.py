"""The same figure in two tables (kind ``tables.cross``): 收支总表 ↔ 收入总表 / 支出总表; 一般公共预算支出表 ↔
基本支出表; 财政拨款收支总表 ↔ the 一般公共预算 / 政府性基金 / 国有资本经营 支出表 by function 类."""

from __future__ import annotations

from collections.abc import Iterator

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tables_base import checked, column_values, differs, ev, first, skipped
from kg.tables import vocab as V
from kg.tables.model import StdTable


def check_cross(ad: AuditDoc) -> Iterator[Finding]:
    ie = first(ad, "income_expense")
    pairs: list[tuple[StdTable | None, str, str, StdTable | None, list]] = []
    if ie:
        pairs.append((first(ad, "expense"), "total", "支出", ie, [V.EXPENSE_YEAR_TOTAL, V.EXPENSE_TOTAL]))
        pairs.append((first(ad, "income"), "total", "收入", ie, [V.INCOME_YEAR_TOTAL, V.INCOME_TOTAL]))
    for t, key, label, other, pats in pairs:
        tr = t.total_row() if t else None
        if t is None or tr is None or key not in column_values(t, tr):
            continue
        mine = column_values(t, tr)[key]
        side = "expense" if label == "支出" else "income"
        theirs = [s for p in pats if (s := other.side_line(side, p)) and s.amount]  # type: ignore[union-attr]
        verdicts = [differs(mine, t.unit, s.amount, other.unit) for s in theirs]  # type: ignore[union-attr, arg-type]
        checked(ad).append("tables.cross")
        if not theirs or None in verdicts:
            skipped(ad).append(f"{t.name} ↔ {other.name}: {label} total (a unit or a total not read)")  # type: ignore[union-attr]
            continue
        if all(verdicts):
            yield ad.finding("tables.cross", "error", None,
                             f"{t.name} 合计 {mine.text} {t.unit} ≠ {other.name} "  # type: ignore[union-attr]
                             + " / ".join(f"{s.label} {s.amount.text}" for s in theirs) + f" {other.unit}",  # type: ignore[union-attr]
                             [ev(ad, t, mine.line), *(ev(ad, other, s.line) for s in theirs)],  # type: ignore[arg-type]
                             table=str(mine.value), other=str(theirs[0].amount.value))  # type: ignore[union-attr]
    gen, basic = first(ad, "general"), first(ad, "basic")
    if gen and basic and (gt := gen.total_row()) and (bt := basic.total_row()):
        gv, bv = column_values(gen, gt), column_values(basic, bt)
        for gk, bk in (("basic", "total"), ("personnel", "personnel"), ("public", "public")):
            if gk not in gv or bk not in bv:
                continue
            d = differs(gv[gk], gen.unit, bv[bk], basic.unit)
            checked(ad).append("tables.cross")
            if d:
                yield ad.finding("tables.cross", "error", None,
                                 f"{gen.name} {gk} 合计 {gv[gk].text} ≠ {basic.name} {bk} 合计 {bv[bk].text}",
                                 [ev(ad, gen, gv[gk].line), ev(ad, basic, bv[bk].line)],
                                 table=str(gv[gk].value), other=str(bv[bk].value))


