"""CSV: decoded like text (UTF-8/UTF-16/GB18030), split by the csv module; the delimiter is sniffed among
comma, tab, semicolon and ``|``. A row's location is ``row 7``, a cell's ``C7``."""

from __future__ import annotations

import csv
import io

from kg.errors import InputError
from kg.native.grid import RawCell, RawRow, clean_cell, make_source
from kg.native.xlsx import col_letter
from kg.reading import SourceText, decode_with_notes

DELIMITERS = ",\t;|"


def read_csv(data: bytes, path: str) -> SourceText:
    text, enc, notes = decode_with_notes(data, path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    raw: list[RawRow] = []
    try:
        for r, fields in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            cells = [RawCell(clean_cell(f), f"{col_letter(c)}{r}") for c, f in enumerate(fields, start=1)]
            raw.append(RawRow(cells, f"row {r}"))
    except csv.Error as e:
        raise InputError(f"malformed CSV: {e}", path, len(raw) + 1) from None
    return make_source(raw, data, path, "csv", enc, tuple(notes))
