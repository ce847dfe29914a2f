"""Lines → rows → cells → tables for the one-cell-per-line layout.

A line that starts with a tab opens a cell (further tabs on the line open further cells); a blank line ends a
row; a non-empty line without a leading tab continues the last cell (paragraphs of a multi-paragraph cell,
even across a blank line) unless it is a free-standing title (``表十一：``, ``…申报表``, ``（2019年度）``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.normalize import clean_text

TABLE_LABEL = re.compile(r"^\s*(表[一二三四五六七八九十]+)\s*[：:]")
_FREE_TITLE = re.compile(r"(?:^\s*表[一二三四五六七八九十]+\s*[：:]|^\s*[（(]\d{4}年度?[)）]\s*$|^\s*第[一二三四五六七八九十]+部分"
                         r"|^.{0,30}申报表\s*$)")
# Table-title endings that cell text also ends in (…报送抽检结果汇总表): a title only after a blank line.
_WEAK_TITLE = re.compile(r"^.{0,30}(?:情况表|明细表|预算表|总表)\s*$")
# A paragraph opening with a list marker (3.… （2）… ①…) is cell text, never a title.
_LIST_ITEM = re.compile(r"^\s*(?:[（(]\d{1,2}[)）]|\d{1,2}[.．、](?!\d)|[①-⑳])")
# Longest free-standing title line; longer text without a tab is a continued cell.
MAX_TITLE_CHARS = 40
PAGE_BREAK_CHARS = "\f\x0c"
UNIT_CELL = re.compile(r"单位\s*[：:]\s*(万元|元)")
PLACEHOLDERS = frozenset({"", "…", "...", "……", "-", "—", "/"})


@dataclass(slots=True)  # a Cell per cell line: slots make them cheaper to make and read
class Cell:
    """One cell: its raw text (paragraphs joined by newlines) and 1-based line span."""

    text: str
    line_start: int
    line_end: int

    @property
    def clean(self) -> str:
        return clean_text(self.text) or ""


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    line_start: int
    line_end: int
    free: bool = False  # a free-standing line (title, prose), not a table row
    # texts() memo: (cell count, last cell's text object, the texts); rows only grow at their end while read
    _memo: tuple[int, str | None, list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    _joined: tuple[list[str], str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def texts(self) -> list[str]:
        """The cells' clean texts (computed once per row; do not mutate the list)."""
        cells, memo = self.cells, self._memo
        last = cells[-1].text if cells else None
        if memo is None or memo[0] != len(cells) or memo[1] is not last:
            memo = self._memo = (len(cells), last, [c.clean for c in cells])
        return memo[2]

    @property
    def joined(self) -> str:
        """The clean texts joined by NUL: ``label in row.joined`` iff some cell contains ``label`` (labels hold no
        NUL)."""
        texts = self.texts
        memo = self._joined
        if memo is None or memo[0] is not texts:
            memo = self._joined = (texts, "\0".join(texts))
        return memo[1]

    @property
    def is_empty(self) -> bool:
        return not any(self.texts)

    def raw_text(self) -> str:
        return "\t".join(c.text.strip() for c in self.cells)


@dataclass
class Table:
    """A numbered table (表九 …) or the prose before the first table (label None)."""

    label: str | None
    rows: list[Row] = field(default_factory=list)

    @property
    def line_start(self) -> int | None:
        return self.rows[0].line_start if self.rows else None

    @property
    def title(self) -> str:
        """The first row whose only text ends in 表 (2019年部门预算明细表), else ''."""
        for row in self.rows[:6]:
            filled = [t for t in row.texts if t]
            if len(filled) == 1 and filled[0].endswith("表") and not TABLE_LABEL.match(filled[0]):
                return filled[0]
        return ""

    @property
    def unit(self) -> str | None:
        for row in self.rows[:12]:
            for t in row.texts:
                m = UNIT_CELL.search(t)
                if m:
                    return m.group(1)
        return None


def is_free_line(line: str, after_blank: bool = True) -> bool:
    """A free-standing title line; ``after_blank`` says whether a blank line precedes it (weak titles need one)."""
    s = line.strip()
    if len(s) > MAX_TITLE_CHARS or _LIST_ITEM.match(s):
        return False
    return bool(_FREE_TITLE.search(s)) or (after_blank and bool(_WEAK_TITLE.search(s)))


def lines_to_rows(lines: list[str]) -> list[Row]:
    """Group the document's lines into rows of cells (see module doc)."""
    rows: list[Row] = []
    current: Row | None = None
    last_row: Row | None = None  # the row and cell a continuation line goes to
    last_cell: Cell | None = None
    after_blank = True
    for no, raw in enumerate(lines, start=1):
        # most lines neither open with a page break nor end in one or in \r: taken as they are
        line = raw if raw[-1:] not in PAGE_BREAK_CHARS + "\r" and raw[:1] not in PAGE_BREAK_CHARS \
            else raw.strip(PAGE_BREAK_CHARS).rstrip("\r")
        blank_before, after_blank = after_blank, not line.strip()
        if line[:1] == "\t":
            if current is None:
                current = Row([], no, no)
                rows.append(current)
            if line.find("\t", 1) < 0:  # one cell (the layout's usual line)
                last_cell = Cell(line[1:], no, no)
                current.cells.append(last_cell)
            else:
                cells = [Cell(part, no, no) for part in line[1:].split("\t")]
                current.cells.extend(cells)
                last_cell = cells[-1]
            current.line_end = no
            last_row = current
        elif after_blank:
            current = None
        elif last_row is None or last_cell is None or is_free_line(line, blank_before):
            rows.append(Row([Cell(line, no, no)], no, no, free=True))
            current = last_row = last_cell = None
        else:
            last_cell.text += "\n" + line
            last_cell.line_end = last_row.line_end = no
    return rows


def rows_to_tables(rows: list[Row]) -> list[Table]:
    """Cut the rows into tables at their labels (表一： …); rows before the first label form the prose table."""
    tables = [Table(None)]
    for row in rows:
        first = next((t for t in row.texts if t), "")
        m = TABLE_LABEL.match(first)
        if m and len(first) <= MAX_TITLE_CHARS:
            tables.append(Table(m.group(1), [row]))
        else:
            tables[-1].rows.append(row)
    return tables


def find_header(rows: list[Row], required: tuple[str, ...], start: int = 0) -> int | None:
    """Index of the first row (from ``start``) holding every required label (substring match on cells)."""
    for i in range(start, len(rows)):
        joined = rows[i].joined
        if all(r in joined for r in required):
            return i
    return None


def column_of(header: Row, *names: str) -> int | None:
    """Index of the first header cell equal to (or, failing that, containing) one of ``names``."""
    texts = header.texts
    for name in names:
        if name in texts:
            return texts.index(name)
    for name in names:
        for i, t in enumerate(texts):
            if name in t:
                return i
    return None


def merge_split_rows(rows: list[Row], width: int) -> tuple[list[Row], list[Row]]:
    """Join consecutive short rows whose cells add up to ``width`` (a row cut by a stray blank line).

    Returns (rows, repaired) where ``repaired`` lists the joined rows.
    """
    out: list[Row] = []
    repaired: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if not row.free and 0 < len(row.cells) < width:
            cells, j = list(row.cells), i + 1
            while len(cells) < width and j < len(rows) and not rows[j].free and len(rows[j].cells) < width:
                cells.extend(rows[j].cells)
                j += 1
            if len(cells) == width and j > i + 1:
                merged = Row(cells, row.line_start, rows[j - 1].line_end)
                out.append(merged)
                repaired.append(merged)
                i = j
                continue
        out.append(row)
        i += 1
    return out, repaired


def cell_at(row: Row, index: int | None) -> Cell | None:
    if index is None or index < 0 or index >= len(row.cells):
        return None
    return row.cells[index]


def text_at(row: Row, index: int | None) -> str:
    c = cell_at(row, index)
    return c.clean if c else ""
