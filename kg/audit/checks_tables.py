"""Identities of the standard tables (kinds ``tables.*``): each side of a 收支 table adds up and the sides
balance; 合计 = 基本支出 + 项目支出 and 基本支出 = 人员经费 + 公用经费 on every row; a column's 合计 = the sum of
its top-level rows; 类 = Σ款, 款 = Σ项; 三公 合计 = 出国 + 接待 + 公务用车, 公务用车 = 购置 + 运行; and the
same figure in two tables (收支总表 ↔ 收入总表 / 支出总表, 一般公共预算支出表 ↔ 基本支出表).

A sum of printed values may be off by half the last printed digit of every operand (TABLE_SUM_ROUNDING); a
check whose columns are not known for sure does not run and is named in the document's ``tables.not_checked``.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.audit.checks_cross import check_cross, check_fiscal_by_class
from kg.audit.checks_sanggong import check_sanggong
from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tables_base import (
    checked,
    column_values,
    doc_tables,
    ev,
    mismatch,
    skipped,
    sum_of,
    tol,
)
from kg.tables import vocab as V
from kg.tables.model import StdTable, TRow

EXPENSE_KINDS = ("expense", "general", "basic", "fund", "soe")


# -- 收支总表 / 财政拨款收支总表 -------------------------------------------------------------------------------

def check_balance(ad: AuditDoc) -> Iterator[Finding]:
    for t in doc_tables(ad):
        if t.kind not in ("income_expense", "fiscal_total") or t.layout:
            continue
        groups = list(dict.fromkeys(s.group for s in t.sides if s.side == "expense")) or [0]
        inc = t.side_line("income", V.INCOME_TOTAL)
        for g in groups:
            exp = next((s for s in t.sides if s.side == "expense" and s.group == g and V.EXPENSE_TOTAL.match(s.label)),
                       None)
            if inc and exp and inc.amount and exp.amount:
                checked(ad).append("tables.balance")
                if abs(inc.amount.value - exp.amount.value) > tol(inc.amount, exp.amount):
                    yield ad.finding("tables.balance", "error", None,
                                     f"{t.name}: 收入总计 {inc.amount.text} ≠ 支出总计 {exp.amount.text}",
                                     [ev(ad, t, inc.amount.line), ev(ad, t, exp.amount.line)],
                                     income=str(inc.amount.value), expense=str(exp.amount.value), unit=t.unit)
            elif inc or exp:
                skipped(ad).append(f"{t.name}: 收入总计 = 支出总计 (one of the two totals is printed empty)")
        for side, year_pat, grand_pat in (("income", V.INCOME_YEAR_TOTAL, V.INCOME_TOTAL),
                                          ("expense", V.EXPENSE_YEAR_TOTAL, V.EXPENSE_TOTAL)):
            if not t.sides_sure[side]:
                skipped(ad).append(f"{t.name}: the {side} side's sum (a wrapped or ambiguous row)")
                continue
            for g in groups if side == "expense" else [None]:
                f = _side_sum(ad, t, side, year_pat, grand_pat, g)
                if f:
                    yield f


def _side_sum(ad: AuditDoc, t: StdTable, side: str, year_pat, grand_pat,  # type: ignore[no-untyped-def]
              group: int | None = None) -> Finding | None:
    lines = [s for s in t.sides if s.side == side and (group is None or s.group == group)]
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
    return mismatch(ad, "tables.side_sum", t, lines[idx].amount, parts,  # type: ignore[arg-type]
                     f"the {label} lines vs {lines[idx].label}", [s.line for s in top if s.amount][:3])


def check_sub_lines(ad: AuditDoc) -> Iterator[Finding]:
    """A 收支 line 一、… = the sum of the lines under it (1、2、… / （一）（二）… / unnumbered, down to the next 一、 line
    or a total), where at least two are printed and they are numbered once from 1 (or not at all)."""
    for t in doc_tables(ad):
        if t.kind not in ("income_expense", "fiscal_total") or t.layout:
            continue
        for side in ("income", "expense"):
            if not t.sides_sure[side]:
                continue
            for g in dict.fromkeys(s.group for s in t.sides if s.side == side):
                lines = [s for s in t.sides if s.side == side and s.group == g]
                for i, parent in enumerate(lines):
                    if not V.TOP_NUMBERED.match(parent.raw) or parent.amount is None:
                        continue
                    subs, closed = [], False  # closed: the run ends at the next 一、 line (not at a total)
                    for s in lines[i + 1:]:
                        if V.TOP_NUMBERED.match(s.raw) or V.TOTAL_LABEL.match(s.label) or "合计" in s.label \
                                or "总计" in s.label:
                            closed = bool(V.TOP_NUMBERED.match(s.raw))
                            break
                        subs.append(s)
                    picked = _sub_run(subs, closed)
                    if picked is None:
                        continue
                    f = mismatch(ad, "tables.sub_sum", t, parent.amount, [s.amount for s in picked if s.amount],
                                 f"{parent.raw} vs the {len(picked)} lines under it", [s.line for s in picked][:3])
                    if f and not any(V.SUB_NUMBERED.match(s.raw) for s in picked):
                        amounts = [s.amount for s in picked if s.amount]
                        tops = [amounts[i] for i in tree_tops(amounts)]  # 款 lines above their 项 lines
                        if abs(sum_of(tops) - parent.amount.value) <= tol(parent.amount, *tops):
                            f = None
                    if f:
                        yield f


TREE_DEPTH = 3  # levels below a top row: 类 → 款 → 项, or a unit → 类 → 款 → 项


def tree_tops(amounts: list) -> list[int]:  # type: ignore[type-arg]
    return [i for i, _parent in tree_top_rows(amounts)]


def tree_top_rows(amounts: list) -> list[tuple[int, bool]]:  # type: ignore[type-arg]
    """Rows read as a tree: a row followed by rows adding up to it is their parent (they may be parents in turn,
    down to TREE_DEPTH levels); a row with no such run after it stands alone. The top rows: (index, whether it is
    a parent). Tables
    print 类, 款 and 项 names alike without codes (科学技术支出 28 / 技术研究与开发 28 / 科技成果转化与扩散 28), or
    a unit's row above its classes."""

    def subtree_end(j: int, depth: int) -> int:
        if depth > 0:
            end = forest_end(j + 1, amounts[j], depth - 1)
            if end is not None:
                return end
        return j + 1

    def forest_end(i: int, target, depth: int) -> int | None:  # type: ignore[no-untyped-def]
        run, k = [], i
        while k < len(amounts):
            run.append(amounts[k])
            k = subtree_end(k, depth)
            diff = sum_of(run) - target.value
            if abs(diff) <= tol(target, *run):
                return k
            if diff > 0:
                return None
        return None

    tops, i = [], 0
    while i < len(amounts):
        end = subtree_end(i, TREE_DEPTH)
        tops.append((i, end > i + 1))
        i = end
    return tops


def _sub_run(subs: list, closed: bool) -> list | None:  # type: ignore[type-arg]
    """The lines under a 一、 line that are its parts: all of them when none is numbered and the next 一、 line ends
    them (under the last 一、 line unnumbered lines may be others: 用事业基金弥补收支差额 …; a 其中 line, a part of a
    part, stops that too), else those numbered like the first (1、2、… or （一）（二）…, once from 1), the others
    being deeper ((1) …) or 其中 lines; two or more with at least one printed amount, else None."""
    marks = [V.SUB_NUMBERED.match(s.raw) for s in subs]
    if not any(marks):
        picked = [] if any(s.raw.startswith("其中") for s in subs) or not closed else subs
    elif marks[0] is None:
        return None
    else:
        digit = marks[0].group(1) is not None
        picked = [s for s, m in zip(subs, marks, strict=True) if m and (m.group(1) is not None) == digit]
        if any(not (m and (m.group(1) is not None) == digit) and not V.DEEPER_NUMBERED.match(s.raw)
               for s, m in zip(subs, marks, strict=True)):
            return None
        nums = [V.SUB_NUMBERED.match(s.raw).group(1 if digit else 2) for s in picked]  # type: ignore[union-attr]
        if nums != [str(i + 1) if digit else _cn(i + 1) for i in range(len(picked))]:
            return None
    return picked if len(picked) >= 2 and any(s.amount for s in picked) else None


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
                    if whole not in r.amounts or any(k.startswith("other_out") for k in r.amounts) or any(
                            j < len(t.columns) and t.columns[j] in (whole, *parts) for j in r.unread):
                        continue  # (an amount of the identity's columns printed garbled: not known)
                    if whole == "total" and _unread_in_group(t, r):
                        skipped(ad).append(f"{t.name}: {whole} = {' + '.join(parts)} on rows with an amount "
                                           "in a column whose header is not understood")
                        continue
                    f = mismatch(ad, "tables.row_sum", t, r.amounts[whole], [r.amounts[p] for p in parts
                                  if p in r.amounts], f"{whole} = {' + '.join(parts)} on the row {r.label or r.code}")
                    if f:
                        yield f
            elif t.meanings == [whole, *parts]:
                for r in t.rows:
                    if 2 <= len(r.numbers) <= 3:
                        f = mismatch(ad, "tables.row_sum", t, r.numbers[0], r.numbers[1:],
                                      f"{whole} = {' + '.join(parts)} on the row {r.label or r.code}")
                        if f:
                            yield f


def _income_groups(t: StdTable) -> list[tuple[int, list[int]]] | None:
    """(whole column, its part columns): the 合计 over the sources and the 小计 columns, each 小计 over the sources
    whose header starts like its own (财政拨款收入小计 ← 财政拨款收入一般公共预算收入 …); None when a column is not
    understood or a source belongs to no 合计."""
    totals = [j for j, c in enumerate(t.columns) if c == "total"]
    parts = [j for j, c in enumerate(t.columns) if c == "income_part"]
    if not totals or len(parts) < 2 or any(j >= len(t.columns) or t.columns[j] is None  # (a garbled amount in a
                                           for r in t.rows for j in r.unread):          # known column: its row only)
        return None
    subs = {j: [p for p in parts if t.headers[p].startswith(t.headers[j][:-2])] for j in totals[1:]
            if t.headers[j].endswith("小计")}
    if len(subs) != len(totals) - 1:
        return None
    inner = {p for ps in subs.values() for p in ps}
    return [(totals[0], [*subs, *(p for p in parts if p not in inner)]), *subs.items()]


def check_income_rows(ad: AuditDoc) -> Iterator[Finding]:
    """收入总表: 合计 = the sum of its sources (and of its 小计 columns), 小计 = the sum of its sources, on every row
    (a header not understood, or a 合计 of no known sources: not run)."""
    for t in doc_tables(ad):
        if t.kind != "income" or t.layout:
            continue
        groups = _income_groups(t) if t.positional else None
        if groups is None:
            skipped(ad).append(f"{t.name}: 合计 = the sum of its sources ({_income_why(t)})")
            continue
        for r in t.rows:
            by_col = {int(k.split("#")[1]) if "#" in k else t.columns.index(k): a for k, a in r.amounts.items()}
            for whole, cols in groups:
                if whole not in by_col or not cols or any(j == whole or j in cols for j in r.unread):
                    continue
                f = mismatch(ad, "tables.row_sum", t, by_col[whole], [by_col[j] for j in cols if j in by_col],
                             f"{t.headers[whole]} = the sum of its {len(cols)} columns on the row {r.label or r.code}")
                if f:
                    yield f


def _income_why(t: StdTable) -> str:
    """Why a 收入总表's columns were not understood: a header misaligned (合计 printed in the name or code column,
    as seed 001's 合计科目名称), or a column whose header names nothing known."""
    odd = next((h for h, c in zip(t.headers, t.columns, strict=False) if "合计" in h and c in ("name", "code")), None)
    if odd and "total" not in t.columns:
        return (f"its header is misaligned: 合计 is printed in the column of another header word ({odd}), so which "
                "column holds 合计 and which the sources is not known")
    return "a column not understood"


GROUP_END = ("total", "amount", "ignore")


def _unread_in_group(t: StdTable, r: TRow) -> bool:
    """An amount in a column not understood, right of the 合计 column and before the next 合计/金额 column: it may
    be a part of that 合计 (单位预留机动经费 beside 基本支出 and 项目支出), so 合计 = 基本 + 项目 is not checked."""
    w = t.columns.index("total")
    end = next((j for j in range(w + 1, len(t.columns)) if t.columns[j] in GROUP_END), len(t.columns))
    return any(w < j < end for j in r.unread)


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
        top = [r for r in body if len(r.code or "") == top_len] if coded else _uncoded_tops(t, total, body)
        if top is None:
            skipped(ad).append(f"{t.name}: column sums (rows without codes that add up neither as a list nor as a "
                               "tree of 类/款/项)")
            continue
        for key, whole in column_values(t, total).items():
            parts = [v[key] for r in top if key in (v := column_values(t, r))]
            f = mismatch(ad, "tables.column_sum", t, whole, parts, f"column {key}: 合计 vs the sum of its rows")
            if f:
                yield f
        yield from _hierarchy(ad, t, coded)


def _uncoded_tops(t: StdTable, total: TRow, body: list[TRow]) -> list[TRow] | None:
    """Rows without codes: all of them when they add up to 合计 or no row is a parent, else the top rows of their
    tree reading (a unit's row above its classes, a 类 above its 款 and 项) when those add up; None when neither
    reading adds up (which row is wrong is not known). Decided on the first column every row prints."""
    totals = column_values(t, total)
    rows = [r for r in body if column_values(t, r)]  # (a header printed again on a page adds nothing)
    key = next((k for k in totals if all(k in column_values(t, r) for r in rows)), None)
    if key is None:
        return body
    amounts = [column_values(t, r)[key] for r in rows]
    if abs(sum_of(amounts) - totals[key].value) <= tol(totals[key], *amounts):
        return body
    read = tree_top_rows(amounts)
    if not any(parent for _i, parent in read):
        return body  # a flat table: its rows do not add up
    tops = [rows[i] for i, _parent in read]
    parts = [column_values(t, r)[key] for r in tops]
    if all(parent for _i, parent in read) or abs(sum_of(parts) - totals[key].value) <= tol(totals[key], *parts):
        return tops  # every top row a parent (a unit above its classes): 合计 is checked against them
    return None  # parents and loose rows side by side: some row is wrong, which one is not known


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
        for key, whole in column_values(t, r).items():
            parts = [v[key] for k in kids if key in (v := column_values(t, k))]
            f = mismatch(ad, "tables.hierarchy", t, whole, parts,
                          f"{r.level} {r.code} vs the sum of its {len(kids)} {by_code[kids[0].code].level}")
            if f:
                yield f





CHECKS = [check_balance, check_sub_lines, check_row_sums, check_income_rows, check_column_sums, check_sanggong, check_cross, check_fiscal_by_class]
