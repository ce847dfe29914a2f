"""Function × economic classification rows (支出预算总表, 03表) → classifications and project funding lines.

03表 prints no project names: its project-expenditure rows are tied to projects by amount — a row equal to one
project's amount is that project's (``exact``); rows left over are matched to sets of projects whose amounts add
up to the row (``sum_match``, assuming no project is split across rows), with a confidence below 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kg.layouts.numbered_tables.grid import Row, Table, header_index, split_code_name
from kg.model import Classification, Provenance
from kg.normalize import clean_text, parse_decimal, to_yuan

SCHEME_HEADERS = (("econ_gov", "政府支出经济分类"), ("econ_dept", "部门支出经济分类"), ("function", "功能分类"))
AMOUNT_HEADERS = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))
TOTAL_LABELS = ("合计", "总计")
PURE_CODE_RE = re.compile(r"^\d{3,}$")
# Confidence of a sum match that is the only way to cover the rows; of one among several ways.
SUM_MATCH_CONFIDENCE = 0.85
AMBIGUOUS_SUM_CONFIDENCE = 0.5
# Search budget for the subset-sum matching (nodes visited) and how many best solutions are compared.
MAX_SEARCH_NODES = 200_000
MAX_SOLUTIONS = 20


@dataclass
class ClassRow:
    """A data row of a classification table: its codes, names and amounts in yuan."""

    row: Row
    codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # scheme → (code, name)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class Link:
    row: int  # index into the project rows
    method: str
    confidence: float


def scheme_columns(table: Table) -> tuple[dict[str, int], dict[str, int], int]:
    """(scheme → column, amount key → column, index of the first data row)."""
    schemes: dict[str, int] = {}
    amounts: dict[str, int] = {}
    for n, r in enumerate(table.rows):
        if any(parse_decimal(c) is not None and not PURE_CODE_RE.match(c.strip()) for c in r.cells):
            return schemes, amounts, n
        for key, word in SCHEME_HEADERS:
            i = header_index(r, word)
            if i is not None and key not in schemes and i not in schemes.values():
                schemes[key] = i
        for key, word in AMOUNT_HEADERS:
            i = header_index(r, word)
            if i is not None and key not in amounts:
                amounts[key] = i
    return schemes, amounts, len(table.rows)


def read_class_rows(table: Table, unit: str) -> list[ClassRow]:
    """Rows of a table with classification columns (03表, 05表, 06表 …) → codes, names and amounts."""
    schemes, amount_cols, start = scheme_columns(table)
    out: list[ClassRow] = []
    for r in table.rows[start:]:
        cr = ClassRow(r)
        for scheme, i in schemes.items():
            pair = code_name_at(r, i)
            if pair:
                cr.codes[scheme] = pair
        for key, i in amount_cols.items():
            v = parse_decimal(r.cell(i))
            if v is not None:
                cr.amounts[key] = to_yuan(v, unit)
                cr.texts[key] = r.cell(i).strip()
        if cr.codes or cr.amounts:
            out.append(cr)
    return out


def code_name_at(r: Row, i: int) -> tuple[str, str | None] | None:
    """A code printed with its name in one cell (``2010302-一般行政管理事务``) or in two (``2210203`` ``购房补贴``)."""
    text = r.cell(i)
    code, name = split_code_name(text)
    if code and code.isdigit():
        return code, name
    t = clean_text(text) or ""
    if PURE_CODE_RE.match(t):
        nxt = clean_text(r.cell(i + 1))
        return t, nxt if nxt and parse_decimal(nxt) is None else None
    return None


def classifications(rows: Sequence[ClassRow], src_name: str, table: str) -> list[Classification]:
    return [Classification(scheme, code, name, Provenance(src_name, table, cr.row.line, cr.row.last_line))
            for cr in rows for scheme, (code, name) in cr.codes.items()]



def is_total_row(cr: ClassRow) -> bool:
    return any((clean_text(c) or "") in TOTAL_LABELS for c in cr.row.cells) and not cr.codes


def project_rows(rows: Sequence[ClassRow]) -> list[ClassRow]:
    """Data rows with a non-zero 项目支出 amount."""
    return [cr for cr in rows if not is_total_row(cr) and cr.amounts.get("project")]


def link_projects(amounts: Sequence[Decimal | None], rows: Sequence[ClassRow]) -> tuple[dict[int, Link], bool]:
    """project index → Link to a project row; second value True when the search budget ran out."""
    row_amounts = [cr.amounts["project"] for cr in rows]
    links: dict[int, Link] = {}
    used_rows: set[int] = set()
    for p, a in enumerate(amounts):
        if a is None:
            continue
        equal_rows = [r for r, ra in enumerate(row_amounts) if ra == a and r not in used_rows]
        equal_projects = [q for q, b in enumerate(amounts) if b == a and q not in links]
        if len(equal_rows) == 1 and len(equal_projects) == 1:
            links[p] = Link(equal_rows[0], "exact", 1.0)
            used_rows.add(equal_rows[0])
    free_p = [p for p, a in enumerate(amounts) if p not in links and a is not None and a > 0]
    free_r = [r for r in range(len(rows)) if r not in used_rows]
    solutions, exhausted = best_covers([amounts[p] for p in free_p], [row_amounts[r] for r in free_r])
    if solutions:
        for local_p, p in enumerate(free_p):
            choices = {sol.get(local_p) for sol in solutions}
            first = solutions[0].get(local_p)
            if first is None:
                continue
            conf = SUM_MATCH_CONFIDENCE if len(choices) == 1 else AMBIGUOUS_SUM_CONFIDENCE
            links[p] = Link(free_r[first], "sum_match", conf)
    return links, exhausted


def best_covers(amounts: Sequence[Decimal | None], targets: Sequence[Decimal]) -> tuple[list[dict[int, int]], bool]:
    """Ways to give sets of projects to rows so each chosen row is exactly the sum of its projects, covering as
    many projects as possible. Returns the best solutions (project → row) and whether the budget ran out."""
    state = {"nodes": 0, "best": 0, "sols": []}

    def subsets(target: Decimal, free: list[int], start: int, acc: list[int]):
        state["nodes"] += 1
        if state["nodes"] > MAX_SEARCH_NODES:
            return
        if target == 0 and acc:
            yield list(acc)
            return
        for n in range(start, len(free)):
            a = amounts[free[n]]
            if a is not None and a <= target:
                acc.append(free[n])
                yield from subsets(target - a, free, n + 1, acc)
                acc.pop()

    def search(r: int, free: list[int], chosen: dict[int, int]) -> None:
        if state["nodes"] > MAX_SEARCH_NODES:
            return
        if r == len(targets):
            covered = len(chosen)
            if covered > state["best"]:
                state["best"], state["sols"] = covered, [dict(chosen)]
            elif covered == state["best"] and covered and len(state["sols"]) < MAX_SOLUTIONS:
                state["sols"].append(dict(chosen))
            return
        for sub in list(subsets(targets[r], free, 0, [])):
            for p in sub:
                chosen[p] = r
            search(r + 1, [p for p in free if p not in sub], chosen)
            for p in sub:
                del chosen[p]
        search(r + 1, free, chosen)

    search(0, list(range(len(amounts))), {})
    return state["sols"], state["nodes"] > MAX_SEARCH_NODES
