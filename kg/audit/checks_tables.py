"""Identities of the standard tables (kinds ``tables.*``): each side of a 收支 table adds up and the sides
balance; 合计 = 基本支出 + 项目支出 and 基本支出 = 人员经费 + 公用经费 on every row; a column's 合计 = the sum of
its top-level rows; 类 = Σ款, 款 = Σ项; 三公 合计 = 出国 + 接待 + 公务用车, 公务用车 = 购置 + 运行; and the
same figure in two tables (收支总表 ↔ 收入总表 / 支出总表, 一般公共预算支出表 ↔ 基本支出表).

A sum of printed values may be off by half the last printed digit of every operand (TABLE_SUM_ROUNDING); a
check whose columns are not known for sure does not run and is named in the document's ``tables.not_checked``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Evidence, Finding
from kg.audit.tolerances import TABLE_SUM_ROUNDING, YUAN_EPSILON
from kg.cells.text import text_to_rows
from kg.tables import vocab as V
from kg.tables.model import Amount, StdTable, TRow
from kg.tables.read import read_tables

EXPENSE_KINDS = ("expense", "general", "basic", "fund", "soe")
UNIT_YUAN = {"万元": Decimal(10000), "元": Decimal(1)}


def doc_tables(ad: AuditDoc) -> list[StdTable]:
    """The document's standard tables (read once per AuditDoc): a native file's own rows, else its text."""
    cached = ad.__dict__.get("_std_tables")
    if cached is not None:
        return cached
    src = ad.source if ad.path is not None and ad.path.suffix.lower() not in (".txt", ".md", "") else None
    rows = src.rows if src is not None else None
    tables = read_tables(rows if rows else text_to_rows("\n".join(ad.lines)))
    ad.__dict__["_std_tables"] = tables
    return tables


def skipped(ad: AuditDoc) -> list[str]:
    return ad.__dict__.setdefault("_tables_skipped", [])


def checked(ad: AuditDoc) -> list[str]:
    """The identities this document was checked against (one entry per comparison made)."""
    return ad.__dict__.setdefault("_tables_checked", [])


def _ev(ad: AuditDoc, t: StdTable, line: int) -> Evidence:
    return ad.ev_line(line, t.name)


def _tol(*amounts: Amount) -> Decimal:
    return sum((a.half_step for a in amounts), Decimal(0)) * TABLE_SUM_ROUNDING + Decimal("0.0000001")


def _sum(xs: list[Amount]) -> Decimal:
    return sum((a.value for a in xs), Decimal(0))


def _mismatch(ad: AuditDoc, kind: str, t: StdTable, whole: Amount, parts: list[Amount], what: str,
              extra_lines: list[int] | None = None) -> Finding | None:
    total = _sum(parts)
    checked(ad).append(kind)
    if abs(total - whole.value) <= _tol(whole, *parts):
        return None
    lines = sorted({whole.line, *(p.line for p in parts[:4]), *(extra_lines or [])})
    msg = (f"{t.name}: {what}: the parts add up to {total} but {whole.text} is printed "
           f"(difference {total - whole.value} {t.unit or ''})").strip()
    return ad.finding(kind, "error", None, msg, [_ev(ad, t, n) for n in lines[:5]],
                      stated=str(whole.value), computed=str(total), unit=t.unit)


# -- 收支总表 / 财政拨款收支总表 -------------------------------------------------------------------------------

def check_balance(ad: AuditDoc) -> Iterator[Finding]:
    for t in doc_tables(ad):
        if t.kind not in ("income_expense", "fiscal_total") or t.layout:
            continue
        inc, exp = t.side_line("income", V.INCOME_TOTAL), t.side_line("expense", V.EXPENSE_TOTAL)
        if inc and exp and inc.amount and exp.amount:
            checked(ad).append("tables.balance")
            if abs(inc.amount.value - exp.amount.value) > _tol(inc.amount, exp.amount):
                yield ad.finding("tables.balance", "error", None,
                                 f"{t.name}: 收入总计 {inc.amount.text} ≠ 支出总计 {exp.amount.text}",
                                 [_ev(ad, t, inc.line), _ev(ad, t, exp.line)],
                                 income=str(inc.amount.value), expense=str(exp.amount.value), unit=t.unit)
        elif inc or exp:
            skipped(ad).append(f"{t.name}: 收入总计 = 支出总计 (one of the two totals is printed empty)")
        for side, year_pat, grand_pat in (("income", V.INCOME_YEAR_TOTAL, V.INCOME_TOTAL),
                                          ("expense", V.EXPENSE_YEAR_TOTAL, V.EXPENSE_TOTAL)):
            if not t.sides_sure[side]:
                skipped(ad).append(f"{t.name}: the {side} side's sum (a wrapped or ambiguous row)")
                continue
            f = _side_sum(ad, t, side, year_pat, grand_pat)
            if f:
                yield f


def _side_sum(ad: AuditDoc, t: StdTable, side: str, year_pat, grand_pat) -> Finding | None:  # type: ignore[no-untyped-def]
    lines = [s for s in t.sides if s.side == side]
    idx = next((i for i, s in enumerate(lines) if year_pat.match(s.label)), None)
    if idx is None:
        idx = next((i for i, s in enumerate(lines) if grand_pat.match(s.label)), None)
    if idx is None or lines[idx].amount is None:
        return None
    top = [s for s in lines[:idx] if V.TOP_NUMBERED.match(s.raw)]
    numerals = [V.TOP_NUMBERED.match(s.raw).group(1) for s in top]  # type: ignore[union-attr]
    if not top or numerals != [_cn(i + 1) for i in range(len(top))]:
        skipped(ad).append(f"{t.name}: the {side} side's sum (its lines are not numbered 一、二、… once)")
        return None
    parts = [s.amount for s in top if s.amount is not None]
    label = "收入" if side == "income" else "支出"
    return _mismatch(ad, "tables.side_sum", t, lines[idx].amount, parts,  # type: ignore[arg-type]
                     f"the {label} lines vs {lines[idx].label}", [s.line for s in top if s.amount][:3])


def _cn(n: int) -> str:
    if n <= 9:
        return V.CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else V.CN_DIGITS[tens - 1]) + "十" + (V.CN_DIGITS[ones - 1] if ones else "")


# -- rows and columns of the expense tables ------------------------------------------------------------------

def check_row_sums(ad: AuditDoc) -> Iterator[Finding]:
    """合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费 on every row (the 合计 row included)."""
    for t in doc_tables(ad):
        if t.kind not in EXPENSE_KINDS or t.layout:
            continue
        for whole, parts in V.ROW_IDENTITIES:
            if whole == "total" and "basic" not in parts and ("basic" in t.columns or
                                                             ("project" in t.columns) != ("project" in parts)):
                continue  # 合计 = 人员 + 公用 (+ 项目) holds only where the table has no 基本 column
            if t.positional:
                if whole not in t.columns or not all(p in t.columns for p in parts):
                    continue
                for r in t.rows:
                    if whole not in r.amounts or any(k.startswith("other_out") for k in r.amounts):
                        continue
                    if whole == "total" and _unread_in_group(t, r):
                        skipped(ad).append(f"{t.name}: {whole} = {' + '.join(parts)} on rows with an amount "
                                           "in a column whose header is not understood")
                        continue
                    f = _mismatch(ad, "tables.row_sum", t, r.amounts[whole], [r.amounts[p] for p in parts
                                  if p in r.amounts], f"{whole} = {' + '.join(parts)} on the row {r.label or r.code}")
                    if f:
                        yield f
            elif t.meanings == [whole, *parts]:
                for r in t.rows:
                    if 2 <= len(r.numbers) <= 3:
                        f = _mismatch(ad, "tables.row_sum", t, r.numbers[0], r.numbers[1:],
                                      f"{whole} = {' + '.join(parts)} on the row {r.label or r.code}")
                        if f:
                            yield f


GROUP_END = ("total", "amount", "ignore")


def _unread_in_group(t: StdTable, r: TRow) -> bool:
    """An amount in a column not understood, right of the 合计 column and before the next 合计/金额 column: it may
    be a part of that 合计 (单位预留机动经费 beside 基本支出 and 项目支出), so 合计 = 基本 + 项目 is not checked."""
    w = t.columns.index("total")
    end = next((j for j in range(w + 1, len(t.columns)) if t.columns[j] in GROUP_END), len(t.columns))
    return any(w < j < end for j in r.unread)


def _column_values(t: StdTable, r: TRow) -> dict[str, Amount]:
    if t.positional:
        return r.amounts
    if t.meanings and t.meanings[0] == "total" and r.numbers:
        return {"total": r.numbers[0]}
    return {}


def check_column_sums(ad: AuditDoc) -> Iterator[Finding]:
    """A column's 合计 = the sum of the table's top-level rows (the shortest codes); 类 = Σ款, 款 = Σ项."""
    for t in doc_tables(ad):
        if t.kind not in EXPENSE_KINDS or t.layout:
            continue
        total = t.total_row()
        body = [r for r in t.rows if not r.is_total]
        coded = [r for r in body if r.code]
        if total is None or not body:
            if body:
                skipped(ad).append(f"{t.name}: column sums (no 合计 row read)")
            continue
        if coded and len(coded) != len(body):
            skipped(ad).append(f"{t.name}: column sums (rows with and without classification codes)")
            continue
        if t.incomplete or any(r.code == "?" for r in coded):
            why = t.incomplete or "a classification code not understood"
            skipped(ad).append(f"{t.name}: column sums ({why})")
            continue
        top_len = min((len(r.code or "") for r in body), default=0)
        top = [r for r in body if len(r.code or "") == top_len]
        for key, whole in _column_values(t, total).items():
            parts = [v[key] for r in top if key in (v := _column_values(t, r))]
            f = _mismatch(ad, "tables.column_sum", t, whole, parts, f"column {key}: 合计 vs the sum of its rows")
            if f:
                yield f
        yield from _hierarchy(ad, t, coded)


def _hierarchy(ad: AuditDoc, t: StdTable, coded: list[TRow]) -> Iterator[Finding]:
    codes = [r.code for r in coded]
    if len(set(codes)) != len(codes):
        return  # a code on several rows (split by economic class): no parent row to check
    by_code = {r.code: r for r in coded}
    for r in coded:
        n = len(r.code or "")
        kids = [k for k in coded if len(k.code or "") == n + 2 and (k.code or "").startswith(r.code or "")]
        if not kids:
            continue
        for key, whole in _column_values(t, r).items():
            parts = [v[key] for k in kids if key in (v := _column_values(t, k))]
            f = _mismatch(ad, "tables.hierarchy", t, whole, parts,
                          f"{r.level} {r.code} vs the sum of its {len(kids)} {by_code[kids[0].code].level}")
            if f:
                yield f


# -- 三公 ----------------------------------------------------------------------------------------------------

def _sanggong_items(t: StdTable) -> dict[str, dict[str, Amount]]:
    """column → item → amount; an empty positional cell is 0, a token row of uncertain width is left out."""
    out: dict[str, dict[str, Amount]] = {}
    for r in t.rows:
        label = V.SANGGONG_NUMBER.sub("", r.label)
        item = next((k for k, p in V.SANGGONG_ROWS if p.search(label)), None)
        if item is not None:  # items as rows: one value per amount column
            if not t.positional and t.meanings is not None and len(r.numbers) != len(t.meanings):
                continue
            cols = [k for k in (t.columns if t.positional else (t.meanings or [])) if k in ("amount", "total")]
            keys = [c for c in r.amounts] if r.amounts else []
            for j, key in enumerate(keys or cols):
                out.setdefault(key, {})[item] = r.amounts.get(key, Amount(Decimal(0), "", r.line))
                _ = j
            for c in cols:
                out.setdefault(c, {}).setdefault(item, Amount(Decimal(0), "", r.line))
        elif any(k.startswith("sg_") for k in r.amounts):  # items as columns
            zero = Amount(Decimal(0), "", r.line)
            out[f"row {r.line}"] = {k: r.amounts.get(k, zero) for k in t.columns if k and k.startswith("sg_")}
    return out


def check_sanggong(ad: AuditDoc) -> Iterator[Finding]:
    for t in doc_tables(ad):
        if t.kind != "sanggong" or t.layout:
            continue
        for col, items in _sanggong_items(t).items():
            if "sg_total" in items and {"sg_abroad", "sg_reception", "sg_car"} <= items.keys():
                f = _mismatch(ad, "tables.sanggong", t, items["sg_total"],
                              [items["sg_abroad"], items["sg_reception"], items["sg_car"]],
                              f"合计 = 因公出国(境) + 公务接待 + 公务用车 ({col})")
                if f:
                    yield f
            if {"sg_car", "sg_car_purchase", "sg_car_run"} <= items.keys():
                f = _mismatch(ad, "tables.sanggong", t, items["sg_car"],
                              [items["sg_car_purchase"], items["sg_car_run"]], f"公务用车 = 购置 + 运行 ({col})")
                if f:
                    yield f


# -- across tables -------------------------------------------------------------------------------------------

def _yuan(a: Amount, unit: str | None) -> Decimal | None:
    return None if unit not in UNIT_YUAN else a.value * UNIT_YUAN[unit]  # type: ignore[index]


def _differs(a: Amount, ua: str | None, b: Amount, ub: str | None) -> bool | None:
    ya, yb = _yuan(a, ua), _yuan(b, ub)
    if ya is None or yb is None:
        return None
    assert ua is not None and ub is not None
    tol = a.half_step * UNIT_YUAN[ua] + b.half_step * UNIT_YUAN[ub] + YUAN_EPSILON  # type: ignore[index]
    return abs(ya - yb) > tol


def _first(ad: AuditDoc, kind: str) -> StdTable | None:
    return next((t for t in doc_tables(ad) if t.kind == kind and not t.layout), None)


def check_cross(ad: AuditDoc) -> Iterator[Finding]:
    ie = _first(ad, "income_expense")
    pairs: list[tuple[StdTable | None, str, str, StdTable | None, list]] = []
    if ie:
        pairs.append((_first(ad, "expense"), "total", "支出", ie, [V.EXPENSE_YEAR_TOTAL, V.EXPENSE_TOTAL]))
        pairs.append((_first(ad, "income"), "total", "收入", ie, [V.INCOME_YEAR_TOTAL, V.INCOME_TOTAL]))
    for t, key, label, other, pats in pairs:
        tr = t.total_row() if t else None
        if t is None or tr is None or key not in _column_values(t, tr):
            continue
        mine = _column_values(t, tr)[key]
        side = "expense" if label == "支出" else "income"
        theirs = [s for p in pats if (s := other.side_line(side, p)) and s.amount]  # type: ignore[union-attr]
        verdicts = [_differs(mine, t.unit, s.amount, other.unit) for s in theirs]  # type: ignore[union-attr, arg-type]
        checked(ad).append("tables.cross")
        if not theirs or None in verdicts:
            skipped(ad).append(f"{t.name} ↔ {other.name}: {label} total (a unit or a total not read)")  # type: ignore[union-attr]
            continue
        if all(verdicts):
            yield ad.finding("tables.cross", "error", None,
                             f"{t.name} 合计 {mine.text} {t.unit} ≠ {other.name} "  # type: ignore[union-attr]
                             + " / ".join(f"{s.label} {s.amount.text}" for s in theirs) + f" {other.unit}",  # type: ignore[union-attr]
                             [_ev(ad, t, mine.line), *(_ev(ad, other, s.line) for s in theirs)],  # type: ignore[arg-type]
                             table=str(mine.value), other=str(theirs[0].amount.value))  # type: ignore[union-attr]
    gen, basic = _first(ad, "general"), _first(ad, "basic")
    if gen and basic and (gt := gen.total_row()) and (bt := basic.total_row()):
        gv, bv = _column_values(gen, gt), _column_values(basic, bt)
        for gk, bk in (("basic", "total"), ("personnel", "personnel"), ("public", "public")):
            if gk not in gv or bk not in bv:
                continue
            d = _differs(gv[gk], gen.unit, bv[bk], basic.unit)
            checked(ad).append("tables.cross")
            if d:
                yield ad.finding("tables.cross", "error", None,
                                 f"{gen.name} {gk} 合计 {gv[gk].text} ≠ {basic.name} {bk} 合计 {bv[bk].text}",
                                 [_ev(ad, gen, gv[gk].line), _ev(ad, basic, bv[bk].line)],
                                 table=str(gv[gk].value), other=str(bv[bk].value))


CHECKS = [check_balance, check_row_sums, check_column_sums, check_sanggong, check_cross]
