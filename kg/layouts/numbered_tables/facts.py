"""Document-level facts of family ``numbered_tables``: which table is which, year, department, unit, totals."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from kg.layouts.numbered_tables.forms import UNIT_CELL_RE
from kg.layouts.numbered_tables.grid import DEFAULT_UNIT, Table, find_table, find_table_by_title, number_after
from kg.model import Figure, Provenance
from kg.normalize import clean_text, parse_decimal, to_yuan

YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
MIN_YEAR, MAX_YEAR = 2000, 2100

# (role, title words, table number used when no title matches)
TABLE_ROLES = {
    "overview": (("收支总表",), 1),
    "income": (("收入总表",), 2),
    "expenditure": (("支出预算总表",), 3),
    "forms": (("项目支出绩效目标",), 12),
    "dept": (("整体支出绩效目标",), 13),
}
TOTAL_SPENDING_LABELS = ("支出总计", "本年支出合计")
# A 万元 ↔ 元 slip: a stated unit is replaced when the other unit brings the table's sum within this share of
# the document's own reference total, and the stated one does not.
UNIT_CHECK_TOLERANCE = Decimal("0.05")
PLAUSIBLE_SHARE_MIN_DIVISOR = 1000


def table_for(tables: list[Table], role: str) -> Table | None:
    words, number = TABLE_ROLES[role]
    by_title = find_table_by_title(tables, *words)
    if role == "overview" and by_title is not None and "财政拨款" in by_title.title:
        by_title = None
    return by_title or find_table(tables, number)


def document_unit(tables: list[Table]) -> str:
    units = Counter(t.unit for t in tables if t.unit)
    return units.most_common(1)[0][0] if units else DEFAULT_UNIT


def doc_kind(tables: list[Table]) -> str:
    kinds = Counter(t.kind for t in tables)
    return "final_account" if kinds.get("决算", 0) > kinds.get("预算", 0) else "budget"


def find_year(tables: list[Table], lines: list[str]) -> tuple[int | None, int | None]:
    """(year, line) from a heading: (2026年度), 2026年部门预算 … — table titles and heading lines first."""
    places: list[tuple[int, str]] = []
    for t in tables:
        places.append((t.title_line, t.title))
        places.extend(t.heading_lines)
    first = tables[0].title_line if tables else len(lines) + 1
    places.extend((n, s) for n, s in enumerate(lines[: first - 1], start=1) if "\t" not in s)
    for n, s in sorted(places):
        for m in YEAR_RE.finditer(s):
            y = int(m.group(1))
            if MIN_YEAR <= y <= MAX_YEAR:
                return y, n
    return None, None


def department_code(tables: list[Table]) -> tuple[str | None, int | None]:
    """The 本级 unit code (295001 …（本级）), from any table; else the single unit code of the income table."""
    for t in tables:
        for r in t.rows:
            for i, c in enumerate(r.cells):
                t_c = clean_text(c) or ""
                m = UNIT_CELL_RE.match(t_c)
                if m:
                    return m.group(1), r.line
                nxt = clean_text(r.cell(i + 1)) or ""
                if t_c.isdigit() and len(t_c) >= 3 and nxt.endswith("（本级）"):
                    return t_c, r.line
    income = table_for(tables, "income")
    codes = [(clean_text(r.cell(0)) or "", r.line) for r in (income.rows if income else [])
             if (clean_text(r.cell(0)) or "").isdigit()]
    return _own_unit_code(codes)


def _own_unit_code(codes: list[tuple[str, int]]) -> tuple[str | None, int | None]:
    """The department's own unit among the income table's codes: the only code, or — a department row (341) with
    its units (341001 …) and no （本级） label — the only unit code, which extends the department code."""
    if len(codes) == 1:
        return codes[0]
    units = [(c, n) for c, n in codes if any(c != d and c.startswith(d) for d, _ in codes)]
    return units[0] if len(units) == 1 else (None, None)


def department_name(tables: list[Table], stated: str | None) -> str | None:
    """The department's name as the department-wide table states it, else the income table's unit name."""
    if stated:
        return stated
    income = table_for(tables, "income")
    for r in income.rows if income else []:
        code, name = clean_text(r.cell(0)) or "", clean_text(r.cell(1)) or ""
        if code.isdigit() and name and not name.endswith("（本级）"):
            return name
    return None


def figure(key: str, text: str, unit: str, src_name: str, table: Table, line: int) -> Figure:
    return Figure(key, to_yuan(parse_decimal(text), unit), text, provenance=Provenance(src_name, table.label, line, line))


def overview_total(table: Table | None, unit: str, src_name: str) -> Figure | None:
    for label in TOTAL_SPENDING_LABELS:  # 支出总计 first, then 本年支出合计
        for r in table.rows if table else []:
            hit = number_after(r, label)
            if hit:
                return figure("total", hit[0], unit, src_name, table, r.line)
    return None


def settle_unit(stated: str | None, amount_sum: Decimal | None, reference: Decimal | None, default: str) -> str:
    """Keep a table's stated unit unless only the other unit makes its sum plausible against the document's own
    reference total (a header that says 元 over figures in 万元, or the reverse)."""
    unit = stated or default
    if amount_sum is None or not reference:
        return unit
    other = "元" if unit == "万元" else "万元"
    if not _plausible(amount_sum, unit, reference) and _plausible(amount_sum, other, reference):
        return other
    return unit


def _plausible(amount_sum: Decimal, unit: str, reference: Decimal) -> bool:
    """A part of the reference total: not above it (beyond tolerance), not a thousandth of it."""
    v = to_yuan(amount_sum, unit) or Decimal(0)
    return reference / PLAUSIBLE_SHARE_MIN_DIVISOR <= v <= reference * (1 + UNIT_CHECK_TOLERANCE)
