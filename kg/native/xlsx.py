"""Workbooks: .xlsx/.xlsm with openpyxl (merged ranges, number formats), .xls (and the fallback) with calamine.

A cell's text is its value, not its display string: a number is written without exponent, an integer-valued
float without ``.0``; a code stored as text stays text (``"011"``); a percent-formatted number is written as a
percentage (0.95 → ``95%``). A merged range keeps its value in its top-left cell, the covered cells are empty,
and all of them record the range (``A1:C1``). Sheets are read in workbook order; rows keep their sheet row
numbers (a blank sheet row is an empty line); a row's location is ``Sheet!A7``, a cell's ``Sheet!C7``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

from kg.errors import InputError
from kg.native.grid import RawCell, RawRow, clean_cell, make_source
from kg.reading import SourceText


def value_text(v: Any, number_format: str = "") -> str:
    """A cell value as text (see the module doc)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return percent_text(Decimal(v)) if "%" in number_format else str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        d = Decimal(repr(v))
        if "%" in number_format:
            return percent_text(d)
        return plain_number(d)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return clean_cell(str(v))


def plain_number(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def percent_text(d: Decimal) -> str:
    return plain_number(d * 100) + "%"


def col_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_ref(name: str) -> str:
    return f"'{name}'" if any(c in name for c in " !'") else name


def read_xlsx(data: bytes, path: str) -> SourceText:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError) as e:
        raise InputError(f"corrupt or truncated workbook: {type(e).__name__}: {e}", path) from None
    raw: list[RawRow] = []
    for ws in wb.worksheets:
        if raw:
            raw.append(RawRow([], sheet_ref(ws.title)))  # an empty line between sheets
        raw.extend(_sheet_rows(ws))
    wb.close()
    return make_source(raw, data, path, "xlsx")


def _sheet_rows(ws: Any) -> list[RawRow]:
    sheet = sheet_ref(ws.title)
    merged: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        ref = rng.coord
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = ref
    defined = set(getattr(ws, "_cells", {}))  # cells the file holds, before iterating creates the others
    out: list[RawRow] = []
    for r, row in enumerate(ws.iter_rows(), start=1):
        cells = []
        for c, cell in enumerate(row, start=1):
            text = "" if cell.__class__.__name__ == "MergedCell" else value_text(cell.value, cell.number_format or "")
            cells.append(RawCell(text, f"{sheet}!{col_letter(c)}{r}", None, merged.get((r, c)),
                                 (r, c) in defined or (r, c) in merged))
        out.append(RawRow(cells, f"{sheet}!A{r}", ws.title))
    return out


def read_calamine(data: bytes, path: str, fmt: str = "xls") -> SourceText:
    """Any workbook calamine reads (.xls, .xlsx, .xlsb, .ods); values only, merged ranges where it reports them."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # calamine raises its own error types for every kind of damage
        raise InputError(f"corrupt or truncated workbook: {type(e).__name__}: {e}", path) from None
    raw: list[RawRow] = []
    for name in wb.sheet_names:
        if raw:
            raw.append(RawRow([], sheet_ref(name)))
        try:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            ranges = getattr(sheet, "merged_cell_ranges", None) or []
        except Exception as e:
            raise InputError(f"corrupt sheet {name!r}: {type(e).__name__}: {e}", path) from None
        merged: dict[tuple[int, int], str] = {}
        for (r0, c0), (r1, c1) in ranges:
            ref = f"{col_letter(c0 + 1)}{r0 + 1}:{col_letter(c1 + 1)}{r1 + 1}"
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    merged[(r, c)] = ref
        ref = sheet_ref(name)
        for r, values in enumerate(rows):
            cells = [RawCell(value_text(v if v != "" else None), f"{ref}!{col_letter(c + 1)}{r + 1}", None,
                             merged.get((r, c)), (r, c) in merged) for c, v in enumerate(values)]
            raw.append(RawRow(cells, f"{ref}!A{r + 1}", name))
    return make_source(raw, data, path, fmt)
