"""What the table checks share: the document's standard tables (read once), the identities checked and those
that could not be, and one comparison of a whole with its parts within the printed rounding."""

from __future__ import annotations

from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Evidence, Finding
from kg.audit.tolerances import TABLE_SUM_ROUNDING, YUAN_EPSILON
from kg.cells.text import text_to_rows
from kg.tables.cell_lines import reread_cell_lines
from kg.tables.model import Amount, StdTable, TRow
from kg.tables.read import read_tables
from kg.tables.vocab import WITHHELD

UNIT_YUAN = {"万元": Decimal(10000), "元": Decimal(1)}


def doc_tables(ad: AuditDoc) -> list[StdTable]:
    """The document's standard tables (read once per AuditDoc): a native file's own rows, else its text."""
    cached = ad.__dict__.get("_std_tables")
    if cached is not None:
        return cached
    src = ad.source if ad.path is not None and ad.path.suffix.lower() not in (".txt", ".md", "") else None
    rows = src.rows if src is not None else None
    tables = read_tables(rows if rows else text_to_rows("\n".join(ad.lines)))
    if not rows:
        tables = reread_cell_lines(tables, ad.lines)  # one cell a line: read again from the layout's rows
    ad.__dict__["_std_tables"] = tables
    return tables


def skipped(ad: AuditDoc) -> list[str]:
    return ad.__dict__.setdefault("_tables_skipped", [])


def checked(ad: AuditDoc) -> list[str]:
    """The identities this document was checked against (one entry per comparison made)."""
    return ad.__dict__.setdefault("_tables_checked", [])


def ev(ad: AuditDoc, t: StdTable, line: int) -> Evidence:
    return ad.ev_line(line, t.name)


def tol(*amounts: Amount) -> Decimal:
    return sum((a.half_step for a in amounts), Decimal(0)) * TABLE_SUM_ROUNDING + Decimal("0.0000001")


def sum_of(xs: list[Amount]) -> Decimal:
    return sum((a.value for a in xs), Decimal(0))


# Sums whose rows may fall short of the printed total because the document withheld some (WITHHELD).
SHORT_BY_WITHHELD = ("tables.column_sum", "tables.hierarchy", "tables.side_sum", "tables.sub_sum")


def mismatch(ad: AuditDoc, kind: str, t: StdTable, whole: Amount, parts: list[Amount], what: str,
              extra_lines: list[int] | None = None) -> Finding | None:
    total = sum_of(parts)
    checked(ad).append(kind)
    if abs(total - whole.value) <= tol(whole, *parts):
        return None
    lines = sorted({whole.line, *(p.line for p in parts[:4]), *(extra_lines or [])})
    msg = (f"{t.name}: {what}: the parts add up to {total} but {whole.text} is printed "
           f"(difference {total - whole.value} {t.unit or ''})").strip()
    severity, withheld = "error", withheld_line(ad) if total < whole.value and kind in SHORT_BY_WITHHELD else None
    if withheld is not None:  # the rows the document left out for secrecy are the missing parts it says it has
        severity, msg = "info", f"{msg}; the document says items were withheld for secrecy (line {withheld})"
        lines = sorted({*lines[:4], withheld})
    return ad.finding(kind, severity, None, msg, [ev(ad, t, n) for n in lines[:5]],
                      stated=str(whole.value), computed=str(total), unit=t.unit)


def withheld_line(ad: AuditDoc) -> int | None:
    """The line where the document says it left items out for secrecy (部分涉密事项…予以剔除), if it does."""
    if "_withheld" not in ad.__dict__:
        ad.__dict__["_withheld"] = next((n for n, line in enumerate(ad.lines, 1) if WITHHELD.search(line)), None)
    return ad.__dict__["_withheld"]



def to_yuan(a: Amount, unit: str | None) -> Decimal | None:
    return None if unit not in UNIT_YUAN else a.value * UNIT_YUAN[unit]  # type: ignore[index]


def differs(a: Amount, ua: str | None, b: Amount, ub: str | None) -> bool | None:
    """Two printed amounts (in their tables' units) differ by more than their printed rounding; None when a unit
    is not known."""
    ya, yb = to_yuan(a, ua), to_yuan(b, ub)
    if ya is None or yb is None:
        return None
    assert ua is not None and ub is not None
    t = a.half_step * UNIT_YUAN[ua] + b.half_step * UNIT_YUAN[ub] + YUAN_EPSILON  # type: ignore[index]
    return abs(ya - yb) > t


def first(ad: AuditDoc, kind: str) -> StdTable | None:
    return next((t for t in doc_tables(ad) if t.kind == kind and not t.layout), None)


def column_values(t: StdTable, r: TRow) -> dict[str, Amount]:
    if t.positional:
        return r.amounts
    if t.meanings and t.meanings[0] == "total" and r.numbers:
        return {"total": r.numbers[0]}
    return {}
