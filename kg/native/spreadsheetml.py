"""Excel 2003 XML workbooks (SpreadsheetML): what many budget systems export under an ``.xls`` name.

``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`` holds ``Worksheet``s, each a ``Table`` of
``Row``s of ``Cell``s with ``Data``. A row or cell may jump ahead (``ss:Index``, 1-based); a cell may span
columns (``ss:MergeAcross``) and rows (``ss:MergeDown``): its text stays in its top-left cell, the covered cells
are empty and record the range (``A1:C2``), and a later cell of a covered row starts after the covered columns.
A number is written as the file holds it (without exponent; a percent-styled one as a percentage, 0.95 →
``95%``). Locations as for a workbook: a row ``Sheet1!A7``, a cell ``Sheet1!C7``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from kg.errors import InputError
from kg.native.grid import RawCell, RawRow, clean_cell, make_source
from kg.native.xlsx import col_letter, percent_text, plain_number, sheet_ref
from kg.reading import SourceText

SS = "urn:schemas-microsoft-com:office:spreadsheet"


def _q(name: str) -> str:
    return f"{{{SS}}}{name}"


def read_spreadsheetml(data: bytes, path: str) -> SourceText:
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                                                      recover=False))
    except etree.XMLSyntaxError as e:
        raise InputError(f"corrupt or truncated XML workbook (SpreadsheetML): {e}", path) from None
    percent_styles = _percent_styles(root)
    raw: list[RawRow] = []
    for ws in root.iter(_q("Worksheet")):
        name = ws.get(_q("Name")) or f"Sheet{len(raw) + 1}"
        if raw:
            raw.append(RawRow([], sheet_ref(name)))  # an empty line between sheets
        raw.extend(_sheet_rows(ws, name, percent_styles))
    return make_source(raw, data, path, "spreadsheetml")


def _percent_styles(root: Any) -> set[str]:
    """Style IDs whose number format shows a percentage."""
    out = set()
    for st in root.iter(_q("Style")):
        nf = st.find(_q("NumberFormat"))
        fmt = nf.get(_q("Format"), "") if nf is not None else ""
        if "%" in fmt or fmt.lower() == "percent":
            out.add(st.get(_q("ID"), ""))
    return out


def _sheet_rows(ws: Any, name: str, percent_styles: set[str]) -> list[RawRow]:
    sheet = sheet_ref(name)
    table = ws.find(_q("Table"))
    if table is None:
        return []
    grid: dict[int, dict[int, RawCell]] = {}  # row → column → cell
    covered: dict[tuple[int, int], str] = {}  # cells a merge from above or the left covers → its range
    r = 0
    for row in table.iter(_q("Row")):
        r = int(row.get(_q("Index")) or r + 1)
        cells = grid.setdefault(r, {})
        c = 0
        for cell in row.iter(_q("Cell")):
            c = int(cell.get(_q("Index")) or _next_free(c + 1, r, covered))
            across, down = int(cell.get(_q("MergeAcross")) or 0), int(cell.get(_q("MergeDown")) or 0)
            ref = f"{col_letter(c)}{r}:{col_letter(c + across)}{r + down}" if across or down else None
            cells[c] = RawCell(_cell_text(cell, percent_styles), f"{sheet}!{col_letter(c)}{r}", None, ref)
            for rr in range(r, r + down + 1):
                for cc in range(c, c + across + 1):
                    if (rr, cc) != (r, c):
                        covered[(rr, cc)] = ref or ""
            c += across
    for (rr, cc), ref in covered.items():
        grid.setdefault(rr, {}).setdefault(cc, RawCell("", f"{sheet}!{col_letter(cc)}{rr}", None, ref))
    out = []
    for rr in range(1, max(grid, default=0) + 1):
        row_cells = grid.get(rr, {})
        width = max(row_cells, default=0)
        out.append(RawRow([row_cells.get(cc) or RawCell("", f"{sheet}!{col_letter(cc)}{rr}", None, None, False)
                           for cc in range(1, width + 1)], f"{sheet}!A{rr}", name))
    return out


def _next_free(c: int, r: int, covered: dict[tuple[int, int], str]) -> int:
    while (r, c) in covered:
        c += 1
    return c


def _cell_text(cell: Any, percent_styles: set[str]) -> str:
    data = cell.find(_q("Data"))
    if data is None:
        return ""
    text = "".join(data.itertext())
    if data.get(_q("Type")) == "DateTime":  # 2024-03-01T00:00:00.000: the date, and the time if it has one
        day, _, time = text.strip().partition("T")
        time = time.split(".")[0]
        return day if time in ("", "00:00:00") else f"{day} {time}"
    if data.get(_q("Type")) == "Number":
        try:
            d = Decimal(text.strip())
        except InvalidOperation:
            return clean_cell(text)
        return percent_text(d) if cell.get(_q("StyleID")) in percent_styles else plain_number(d)
    return clean_cell(text)
