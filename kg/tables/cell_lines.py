"""A text printed one cell a line (a tab opening each cell, a blank line ending each row: seed family C) as rows of
cells, so its standard tables are read like any other (the layout's own line grouping, kg.layouts.cell_per_line)."""

from __future__ import annotations

from kg.cells.model import Cell, Row
from kg.layouts.cell_per_line.cells import lines_to_rows


def cell_line_rows(lines: list[str]) -> list[Row]:
    """Each row of the layout as a tab-separated row (a free-standing title as a one-cell line)."""
    out: list[Row] = []
    for r in lines_to_rows(lines):
        cells = [Cell(c.clean, c.line_start, j) for j, c in enumerate(r.cells)]
        out.append(Row(cells, r.line_start, None, r.line_end, "line" if r.free else "tab"))
    return out


def reread_cell_lines(tables: list, lines: list[str]) -> list:  # type: ignore[type-arg]
    """Tables recognised but printed one cell a line (``layout``), replaced by the same tables read from the
    layout's rows (matched by kind and title, a title read with its 表一 label too)."""
    if not any(t.layout == "cell_per_line" for t in tables):
        return tables
    from kg.tables.read import read_tables

    again = [t for t in read_tables(cell_line_rows(lines)) if not t.layout]
    out = []
    for t in tables:
        if t.layout == "cell_per_line":
            match = next((a for a in again if a.kind == t.kind and (a.title.endswith(t.title) or
                                                                      t.title.endswith(a.title))), None)
            if match is not None:
                again.remove(match)
                t = match
        out.append(t)
    return out
