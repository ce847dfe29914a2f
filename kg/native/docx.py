"""Word .docx with python-docx: body paragraphs and tables in document order.

A paragraph is a one-cell row (location ``para 4``; an empty paragraph is an empty line); a table row is a
row of its grid columns (location ``table 2 row 3``, a cell ``table 2 row 3 col 1``, 1-based). A horizontal
merge (``gridSpan``) keeps the text in its first grid column, a vertical merge (``vMerge``) in its top row; the
covered cells are empty and every cell of the range records it as ``R3C1:R5C2`` (rows/columns of that table).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from kg.errors import InputError
from kg.native.grid import RawCell, RawRow, clean_cell, make_source
from kg.reading import SourceText

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str) -> SourceText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as e:
        raise InputError(f"corrupt or truncated Word document: {type(e).__name__}: {e}", path) from None
    except Exception as e:  # lxml syntax errors in a damaged part
        raise InputError(f"corrupt Word document: {type(e).__name__}: {e}", path) from None
    raw: list[RawRow] = []
    n_para = n_table = 0
    for el in body.iterchildren():
        if el.tag == W + "p":
            n_para += 1
            raw.append(RawRow([RawCell(_para_text(el), f"para {n_para}")], f"para {n_para}"))
        elif el.tag == W + "tbl":
            n_table += 1
            raw.extend(_table_rows(el, n_table))
    return make_source(raw, data, path, "docx")


def _para_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        else:
            parts.append(" " if node.tag == W + "tab" else "\n")
    return clean_cell("".join(parts))


def _cell_text(tc: Any) -> str:
    return clean_cell("\n".join(_para_text(p) for p in tc.iter(W + "p")))


def _int_attr(el: Any, tag: str, default: int) -> int:
    found = el.find(tag) if el is not None else None
    if found is None:
        return default
    try:
        return int(found.get(W + "val", default))
    except ValueError:
        return default


def _table_rows(tbl: Any, t: int) -> list[RawRow]:
    # grid[r][c] = (text, vmerge, span_start_col, span) per grid column
    grid: list[list[tuple[str, str | None, int, int]]] = []
    for tr in tbl.iterchildren(W + "tr"):
        row: list[tuple[str, str | None, int, int]] = []
        trpr = tr.find(W + "trPr")
        for _ in range(_int_attr(trpr, W + "gridBefore", 0)):
            row.append(("", None, -1, 1))  # a grid position before the row's first cell: not a cell
        for tc in tr.iterchildren(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int_attr(tcpr, W + "gridSpan", 1))
            vm_el = tcpr.find(W + "vMerge") if tcpr is not None else None
            vmerge = None if vm_el is None else (vm_el.get(W + "val") or "continue")
            start = len(row)
            text = _cell_text(tc)
            for k in range(span):
                row.append((text if k == 0 and vmerge != "continue" else "", vmerge, start, span))
        grid.append(row)
    merged = _merges(grid)
    out: list[RawRow] = []
    for r, row in enumerate(grid, start=1):
        cells = [RawCell(text, f"table {t} row {r} col {c}", None, merged.get((r, c)), start >= 0)
                 for c, (text, _, start, _) in enumerate(row, start=1)]
        out.append(RawRow(cells, f"table {t} row {r}", f"table {t}"))
    return out


def _merges(grid: list[list[tuple[str, str | None, int, int]]]) -> dict[tuple[int, int], str]:
    """Every merged cell's range ``R3C1:R5C2`` (1-based), from gridSpan and vMerge restart/continue."""
    out: dict[tuple[int, int], str] = {}
    for r, row in enumerate(grid):
        for c, (_, vmerge, start, span) in enumerate(row):
            if c != start or vmerge == "continue" or start < 0:
                continue
            bottom = r
            if vmerge == "restart":
                while bottom + 1 < len(grid) and c < len(grid[bottom + 1]) and grid[bottom + 1][c][1] == "continue":
                    bottom += 1
            if span == 1 and bottom == r:
                continue
            ref = f"R{r + 1}C{c + 1}:R{bottom + 1}C{c + span}"
            for rr in range(r, bottom + 1):
                for cc in range(c, c + span):
                    out[(rr + 1, cc + 1)] = ref
    return out
