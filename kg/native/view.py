"""The cell grid a file was read as: for ``perfkg extract FILE --cells`` (text lines or JSON)."""

from __future__ import annotations

from typing import Any

from kg.cells.model import Cell, Row
from kg.reading import SourceText


def source_rows(src: SourceText) -> list[Row]:
    """A native file's rows; a text file's lines cut at tabs (one row a line, location = line number)."""
    if src.rows is not None:
        return list(src.rows)
    rows = []
    for i, line in enumerate(src.lines, start=1):
        if i == len(src.lines) and not line:
            break
        fields = line.split("\t")
        rows.append(Row([Cell(f.strip(), i, j) for j, f in enumerate(fields)], i,
                        separator="tab" if len(fields) > 1 else "line"))
    return rows


def row_location(src: SourceText, row: Row) -> str:
    return src.location_of(row.line) or f"line {row.line}"


def cells_lines(src: SourceText) -> list[str]:
    """One line per row: its location, a TAB, then its cells tab-separated."""
    return [f"{row_location(src, r)}\t{r.joined()}" for r in source_rows(src)]


def cells_dict(src: SourceText) -> dict[str, Any]:
    def cell(c: Cell) -> dict[str, Any]:
        d: dict[str, Any] = {"text": c.text, "col": c.col, "loc": c.loc}
        if c.bbox:
            d["bbox"] = list(c.bbox)
        if c.merged:
            d["merged"] = c.merged
        return d

    return {"file": src.name, "format": src.format, "encoding": src.encoding,
            "rows": [{"line": r.line, "loc": row_location(src, r), "table": r.table,
                      "cells": [cell(c) for c in r.cells]} for r in source_rows(src)]}
