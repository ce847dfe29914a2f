"""Family A: decide each money table's unit (万元 / 元) — the header's word, unless the document's own totals
contradict it.

Evidence, strongest first: the prose statement of the year's spending (``支出预算 3,781.144721 万元``) and the
totals already settled (表一 → 表三 → other tables with a 合计 row); else the numbers themselves (an amount
with more than two decimals cannot be in 元).
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.layouts.tabbed.budget import TOTAL_ROW_LABELS
from kg.layouts.tabbed.tables import Row, Table
from kg.model import ParseWarning
from kg.normalize import clean_text, parse_decimal, to_yuan

_TOTAL_LAST = frozenset(label[-1] for label in TOTAL_ROW_LABELS)

PROSE_TOTAL_RE = re.compile(r"支出(?:预算|总计|合计)\s*(?:为|是)?\s*([\d][\d,，.\s]*?)\s*(万元|元)")
UNITS = ("万元", "元")
# Yuan are printed with at most this many decimals.
YUAN_MAX_DECIMALS = 2


def prose_total(lines: list[str], first_table_line: int) -> Decimal | None:
    """The year's spending as the prose before the tables states it, in yuan."""
    for line in lines[: max(first_table_line - 1, 0)]:
        m = PROSE_TOTAL_RE.search(line)
        if m:
            v = parse_decimal(m.group(1))
            if v is not None:
                return to_yuan(v, m.group(2))
    return None


def is_sum_row(row: Row) -> bool:
    """A 合计 / 总计 row (收入总计, 本年支出合计, 合 计 …)."""
    # a clean cell ends in a label only if the raw row holds the label's last character (cleaning only removes)
    raw = row.raw
    if not any(ch in raw for ch in _TOTAL_LAST):
        return False
    return any((clean_text(c) or "").endswith(TOTAL_ROW_LABELS) for c in row.cells)


def total_row_numbers(table: Table) -> list[Decimal]:
    """The non-zero numbers of the table's 合计 / 总计 rows."""
    return [v for row in table.rows if is_sum_row(row) for c in row.cells if (v := parse_decimal(c))]


def max_decimals(table: Table) -> int:
    best = 0
    for row in table.rows:
        for c in row.cells:
            if parse_decimal(c) is not None and "." in c:
                best = max(best, len(c.strip().split(".")[-1].strip()))
    return best


def resolve_unit(table: Table, references: set[Decimal], file: str) -> ParseWarning | None:
    """Switch ``table.unit`` when only the other unit makes its total row agree with the references."""
    header = table.money_unit
    numbers = total_row_numbers(table)
    if references and numbers:
        if any(to_yuan(n, header) in references for n in numbers):
            return None
        other = next(u for u in UNITS if u != header)
        if any(to_yuan(n, other) in references for n in numbers):
            table.unit = other
            return ParseWarning("unit_contradicts_header", f"{table.key}: totals only agree with the document in "
                                f"{other}, not {header} as the header says", file, table.line)
        return None
    if header == "元" and max_decimals(table) > YUAN_MAX_DECIMALS:
        table.unit = "万元"
        return ParseWarning("unit_contradicts_header", f"{table.key}: amounts with more than two decimals cannot be "
                            "in 元; read as 万元", file, table.line)
    return None


def resolve_units(tables: list[Table], lines: list[str], anchors: list[Table | None], file: str) -> list[ParseWarning]:
    """Settle the unit of every table: ``anchors`` (表一, 表三) against the prose, then the rest against them."""
    warnings: list[ParseWarning] = []
    refs: set[Decimal] = set()
    first = min((t.line for t in tables), default=1)
    if (t := prose_total(lines, first)) is not None:
        refs.add(t)
    for table in anchors:
        if table is None:
            continue
        if (w := resolve_unit(table, refs, file)) is not None:
            warnings.append(w)
        refs |= {to_yuan(n, table.money_unit) for n in total_row_numbers(table)}
    for table in tables:
        if table not in anchors and (w := resolve_unit(table, refs, file)) is not None:
            warnings.append(w)
    return warnings
