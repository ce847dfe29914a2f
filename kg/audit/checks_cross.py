"""The same figure in two tables (kind ``tables.cross``): 收支总表 ↔ 收入总表 / 支出总表; 一般公共预算支出表 ↔
基本支出表; 财政拨款收支总表 ↔ the 一般公共预算 / 政府性基金 / 国有资本经营 支出表 by function 类."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tables_base import checked, column_values, differs, doc_tables, ev, first, skipped, tol
from kg.tables import vocab as V
from kg.tables.model import Amount, SideLine, StdTable


def check_cross(ad: AuditDoc) -> Iterator[Finding]:
    ie = first(ad, "income_expense")
    pairs: list[tuple[StdTable | None, str, str, StdTable | None, list]] = []
    if ie:
        pairs.append((first(ad, "expense"), "total", "支出", ie,
                      [V.EXPENSE_YEAR_TOTAL, V.EXPENSE_TOTAL, V.EXPENSE_SUM]))
        pairs.append((first(ad, "income"), "total", "收入", ie, [V.INCOME_YEAR_TOTAL, V.INCOME_TOTAL, V.INCOME_SUM]))
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




# -- 财政拨款收支总表 ↔ the expense tables of each fund, by function 类 --------------------------------------------

def _class_of(label: str) -> str | None:
    name = V.LINE_NUMBERING.sub("", label)
    return next((code for code, names in V.FUNCTION_CLASSES.items() if name in names), None)


def _functional(t: StdTable) -> bool:
    codes = [r.code for r in t.rows if r.code]
    return bool(codes) and all(c.isdigit() and c.startswith("2") for c in codes) and t.positional


def _class_totals(t: StdTable) -> dict[str, tuple[Decimal, list[Amount]]] | None:
    """类 code → (amount, the amounts it adds) from the table's top-level rows (a table of 项 rows alone is summed
    by 类); None when the table's top-level rows do not add up to its 合计 row (rows left out, or no 合计)."""
    body = [r for r in t.rows if r.code and "total" in r.amounts]
    total = t.total_row()
    if not body or total is None or "total" not in total.amounts or t.incomplete:
        return None
    top = min(len(r.code or "") for r in body)
    rows = [r for r in body if len(r.code or "") == top]
    whole = total.amounts["total"]
    if abs(sum((r.amounts["total"].value for r in rows), Decimal(0)) - whole.value) > tol(whole, *(
            r.amounts["total"] for r in rows)):
        return None
    out: dict[str, tuple[Decimal, list[Amount]]] = {}
    for r in rows:
        v, parts = out.get((r.code or "")[:3], (Decimal(0), []))
        out[(r.code or "")[:3]] = (v + r.amounts["total"].value, [*parts, r.amounts["total"]])
    return out


def check_fiscal_by_class(ad: AuditDoc) -> Iterator[Finding]:
    """Each 类 line of the 财政拨款收支总表 = that 类 in the 一般公共预算支出表 (+ the 政府性基金 / 国有资本经营 支出表
    when the department has those funds). Not compared when money is carried over from earlier years (the
    fund tables may then show this year's appropriation alone) or when a needed table was not read whole."""
    fiscal = first(ad, "fiscal_total")
    lines = [s for s in fiscal.sides if s.amount and _class_of(s.raw)] if fiscal else []
    if fiscal is None or not lines:
        return
    name = f"{fiscal.name} ↔ the 支出表 by 类"
    if any(s.side == "income" and V.CARRIED_OVER.search(s.raw) and s.amount and s.amount.value for s in fiscal.sides):
        yield from _general_column_by_class(ad, fiscal, lines, name)
        return
    kinds = ["general"] + [k for k, word in (("fund", "政府性基金"), ("soe", "国有资本")) if any(
        s.side == "income" and word in s.raw and s.amount and s.amount.value for s in fiscal.sides)]
    tables = [next((t for t in doc_tables(ad) if t.kind == k and not t.layout and _functional(t)), None)
              for k in kinds]
    totals = [_class_totals(t) if t else None for t in tables]
    if any(x is None for x in totals):
        skipped(ad).append(f"{name} (a functional 一般公共预算 / 政府性基金 / 国有资本经营 支出表 not read whole)")
        return
    for s in lines:
        code = _class_of(s.raw)
        got = [x[code] for x in totals if x and code in x]  # type: ignore[index]
        if not got and not s.amount.value:  # type: ignore[union-attr]
            continue
        value = sum((v for v, _ in got), Decimal(0))
        parts = [a for _, ps in got for a in ps]
        checked(ad).append("tables.cross")
        if abs(value - s.amount.value) <= tol(s.amount, *parts):  # type: ignore[union-attr]
            continue
        where = [ev(ad, fiscal, s.line)] + [ev(ad, t, ps[0].line) for t, x in zip(tables, totals, strict=True)
                                            if t and x and code in x for ps in [x[code][1]]]  # type: ignore[index]
        yield ad.finding("tables.cross", "error", None,
                         f"{fiscal.name}: {s.raw} {s.amount.text} ≠ 类 {code} in "  # type: ignore[union-attr]
                         + " + ".join(t.name for t in tables if t) + f": {value}", where,
                         table=str(s.amount.value), other=str(value))  # type: ignore[union-attr]


def _general_column_by_class(ad: AuditDoc, fiscal: StdTable, lines: list, name: str) -> Iterator[Finding]:  # type: ignore[type-arg]
    """Money carried over: the 一般公共预算 part of each 类 line (its 一般公共预算 column; its one amount when the income
    side shows no 政府性基金 / 国有资本经营 money) against the 一般公共预算支出表's 类, run only when a printed expense
    total of the table (本年支出合计, 一、本年支出, 支出总计) has the 一般公共预算支出表's 合计 as that part: both then
    cover the same spending."""
    gen = next((t for t in doc_tables(ad) if t.kind == "general" and not t.layout and _functional(t)), None)
    totals = _class_totals(gen) if gen else None
    gt = gen.total_row() if gen else None
    by_fund = any(s.funds for s in fiscal.sides)
    general_only = not any(s.side == "income" and re.search("政府性基金|国有资本", s.raw) and s.amount and s.amount.value
                           for s in fiscal.sides)

    def part(s: SideLine | None) -> Amount | None:
        if s is None:
            return None
        return s.funds.get("general") if by_fund else (s.amount if general_only else None)

    ends = [part(fiscal.side_line("expense", p)) for p in (V.EXPENSE_YEAR_TOTAL, V.EXPENSE_YEAR_LINE, V.EXPENSE_TOTAL)]
    if gen is None or totals is None or gt is None or "total" not in gt.amounts or not any(
            e is not None and differs(e, fiscal.unit, gt.amounts["total"], gen.unit) is False for e in ends):
        skipped(ad).append(f"{name} (money carried over from earlier years, and no 一般公共预算 total of it that matches "
                           "the 一般公共预算支出表's 合计)")
        return
    for s in lines:
        code = _class_of(s.raw)
        if by_fund and not s.funds and s.amount and s.amount.value:
            skipped(ad).append(f"{name}: {s.raw} (one amount, in a column not known)")
            continue
        mine = part(s)
        if mine is None and code not in totals:
            continue
        value, parts = totals.get(code, (Decimal(0), []))  # type: ignore[arg-type]
        checked(ad).append("tables.cross")
        if mine is not None and abs(value - mine.value) <= tol(mine, *parts):
            continue
        shown = mine.text if mine else "(empty)"
        yield ad.finding("tables.cross", "error", None,
                         f"{fiscal.name}: {s.raw} 一般公共预算 {shown} ≠ 类 {code} in {gen.name}: {value}",
                         [ev(ad, fiscal, (mine or s.amount).line), *([ev(ad, gen, parts[0].line)] if parts else [])],
                         table=str(mine.value if mine else 0), other=str(value))
