"""What every native reader yields (rows of raw cells with locations) and how it becomes a :class:`SourceText`.

Linearisation (the contract the layout families and the form reader rely on):

- one line of text per row; a row's cells joined by TAB; a row runs to its last cell the file defines (a
  value, or an empty cell that exists in the file: a table cell, a sheet cell with a style or an empty
  string, a CSV field) — grid positions past it (a ragged row) are not cells, as in a tab export;
- a cell's internal line breaks removed: joined with one space only between two ASCII words (a letter on
  one side, a letter or digit on the other), else with "" (CJK text, a number or code cut by a wrap); each
  of its lines stripped, a tab inside a cell becomes a space (HTML also collapses whitespace runs, as a
  browser shows them); the cell text is stripped;
- a merged range keeps its text in its first (top-left) cell; the other covered cells are empty; every
  covered cell records the range in ``Cell.merged``;
- text outside tables (PDF prose, headings, Word paragraphs, HTML text blocks) is a one-cell row;
- an empty row (a blank sheet row, an empty Word paragraph) is an empty line, kept so numbering stays aligned;
- ``locations[i]`` is the location of line ``i + 1``; ``Row.line`` is its line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.cells.model import Cell, Row
from kg.reading import SourceText, sha256_bytes

_WS = re.compile(r"[ \t\u3000\xa0\r\f\v]+")


@dataclass
class RawCell:
    text: str
    loc: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    merged: str | None = None
    present: bool = True  # the file defines this cell (a value, or an empty table/sheet cell); see trim()


@dataclass
class RawRow:
    cells: list[RawCell]
    loc: str
    table: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def join_broken(parts: list[str], collapse: bool = False) -> str:
    """Join the lines of one cell (a space only where :func:`_spaced` says so). Each line is stripped,
    a tab inside it becomes a space; ``collapse`` also makes every run of whitespace one space (HTML)."""
    out = ""
    for part in parts:
        part = (_WS.sub(" ", part) if collapse else part.replace("\t", " ")).strip()
        if not part:
            continue
        if out and _spaced(out[-1], part[0]):
            out += " "
        out += part
    return out


def _spaced(left: str, right: str) -> bool:
    """Whether a line break inside a cell between ``left`` and ``right`` stands for a space: only between two
    ASCII words (a letter on one side, a letter or digit on the other); a wrap next to CJK text, or inside a
    number or code (``…444`` / ``016-…``), joins without one."""
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum() and (
        left.isalpha() or right.isalpha())


def clean_cell(text: str | None, collapse: bool = False) -> str:
    """A cell's text: internal line breaks removed (see :func:`join_broken`), stripped."""
    if not text:
        return ""
    return join_broken(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), collapse)


def trim(cells: list[RawCell]) -> list[RawCell]:
    """``cells`` without the trailing empty ones the file does not define (padding of a ragged row)."""
    n = len(cells)
    while n and not cells[n - 1].text and not cells[n - 1].present:
        n -= 1
    return cells[:n]


def linearise(raw: list[RawRow]) -> tuple[str, tuple[Row, ...], tuple[str | None, ...]]:
    """(text, rows, locations) for ``raw`` rows in reading order (see the module doc)."""
    lines: list[str] = []
    rows: list[Row] = []
    locs: list[str | None] = []
    for i, r in enumerate(raw, start=1):
        kept = trim(r.cells)
        cells = [Cell(c.text, i, j, c.loc, c.bbox, c.merged) for j, c in enumerate(kept)]
        rows.append(Row(cells, i, r.table, separator="native", meta=dict(r.meta)))
        lines.append("\t".join(c.text for c in kept))
        locs.append(r.loc)
    return "\n".join(lines) + "\n", tuple(rows), tuple(locs)


def make_source(raw: list[RawRow], data: bytes, path: str, fmt: str, encoding: str = "",
                notes: tuple[str, ...] = ()) -> SourceText:
    from pathlib import Path

    from kg.errors import InputError

    text, rows, locs = linearise(raw)
    if not text.strip():
        raise InputError(f"no text found in this {fmt} file", path)
    return SourceText(path=path, name=Path(path).name, text=text, encoding=encoding or fmt,
                      sha256=sha256_bytes(data), notes=notes, rows=rows, locations=locs, format=fmt)


# A line that is only a page number: 3, - 3 -, —3—, 第 3 页, 第3页 共5页, 3/5, split digits "2 6", Page 3 of 5.
PAGE_NUMBER = re.compile(r"^[-–—_\s]*(第\s*)?\d+(\s+\d+)*\s*(页)?(\s*([/／]|共)\s*\d+\s*页?)?[-–—_\s]*$"
                         r"|^(page|p\.)\s*\d+(\s*(of|/)\s*\d+)?$", re.I)
# Share of the page height at the top and bottom where page numbers and running heads sit.
MARGIN_SHARE = 0.1


def is_page_number(text: str, top: float, bottom: float, height: float) -> bool:
    """A page number: :data:`PAGE_NUMBER` text in the top or bottom :data:`MARGIN_SHARE` of the page."""
    in_margin = top < MARGIN_SHARE * height or bottom > (1 - MARGIN_SHARE) * height
    return in_margin and PAGE_NUMBER.match(text) is not None


# -- positioned text (PDF words, absolutely positioned HTML divs) → lines of cells ---------------------
@dataclass
class Word:
    """A run of text at a position on a page: x0, x1 (left, right), top, bottom; ``size`` = font size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 10.0


# Words whose tops differ by less than this share of the font size are on one line.
SAME_LINE_SHARE = 0.5
# A gap wider than this many character widths between two words starts a new cell.
CELL_GAP_CHARS = 2.0


def char_width(w: Word) -> float:
    """The mean width of one character of ``w`` (its font size when its width is unknown)."""
    return (w.x1 - w.x0) / max(1, len(w.text)) if w.x1 > w.x0 else w.size


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by ``top`` (sorted top-down), each line sorted left-right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            last = lines[-1]
            ref = min(x.top for x in last)
            if abs(w.top - ref) < SAME_LINE_SHARE * max(w.size, 1.0):
                last.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def split_cells(line: list[Word]) -> list[list[Word]]:
    """A line's words cut into cells where the gap is wider than :data:`CELL_GAP_CHARS` character widths."""
    cells: list[list[Word]] = []
    for w in line:
        if cells:
            prev = cells[-1][-1]
            gap = w.x0 - prev.x1
            if gap <= CELL_GAP_CHARS * min(char_width(prev), char_width(w)):
                cells[-1].append(w)
                continue
        cells.append([w])
    return cells


def words_text(words: list[Word]) -> str:
    """Words of one cell (one line, left to right) joined by a space: they were apart on the page."""
    return " ".join(t for t in (_WS.sub(" ", w.text).strip() for w in words) if t)


def words_bbox(words: list[Word]) -> tuple[float, float, float, float]:
    return (round(min(w.x0 for w in words), 2), round(min(w.top for w in words), 2),
            round(max(w.x1 for w in words), 2), round(max(w.bottom for w in words), 2))


def layers(line: list[Word]) -> list[list[Word]]:
    """A line's words split into runs that do not overlap (text drawn over other text becomes its own line)."""
    out: list[list[Word]] = []
    for w in line:
        for layer in out:
            last = layer[-1]
            if w.x0 >= last.x1 - 0.5 * min(w.size, last.size):
                layer.append(w)
                break
        else:
            out.append([w])
    return out
