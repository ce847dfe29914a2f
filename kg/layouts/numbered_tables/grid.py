"""Lines → numbered tables (预算01表 …) → rows → cells, for layout family ``numbered_tables``.

A table starts at a title line ``预算NN表 <title>`` and runs to the next title. Blank lines inside a table are
page breaks and are dropped. A row is one tab-separated line; a row that a page break or a newline inside a cell
cut in two is joined back when the two pieces together have no more cells than the table's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.normalize import clean_text, parse_decimal

# A table title: 预算01表 收支总表 (決算 tables of the same family are titled 决算01表 …).
TITLE_RE = re.compile(r"^\s*(预算|决算)\s*(\d{1,2})\s*表\s*(.*?)\s*$")
UNIT_RE = re.compile(r"(?:金额|单位)[^：:\t]*[：:]\s*(万元|元)|[（(]\s*(万元|元)\s*[）)]")
# A code printed before its name: 2010302-一般行政管理事务, 11010222T00000041 4812-12345市民热线 …
CODE_NAME_RE = re.compile(r"^\s*([0-9A-Za-z](?:[0-9A-Za-z\s]*[0-9A-Za-z])?)\s*[-－—]\s*(\S.*)$", re.S)
# Fewest digits a code must have before its hyphen (keeps 5G-基站 style names whole).
MIN_CODE_DIGITS = 3
# A row piece with fewer cells than header − this many is taken as cut short (page break, newline in a cell).
CUT_ROW_SLACK = 2
# Fewest tab-separated cells a header row has.
MIN_HEADER_CELLS = 2
DEFAULT_UNIT = "万元"


@dataclass
class Row:
    """One logical table row: its 1-based first and last source lines and its raw cells."""

    line: int
    cells: list[str]
    line_end: int | None = None

    @property
    def last_line(self) -> int:
        return self.line_end or self.line

    def cell(self, i: int) -> str:
        """Raw cell i ('' when the row is shorter)."""
        return self.cells[i] if -len(self.cells) <= i < len(self.cells) else ""

    def text(self, i: int) -> str | None:
        return clean_text(self.cell(i))

    @property
    def joined(self) -> str:
        return "\t".join(self.cells)


@dataclass
class Table:
    """A numbered table: 预算NN表, its title, amount unit and body lines (header and data rows)."""

    number: int
    kind: str  # 预算 / 决算
    title: str
    title_line: int
    unit: str | None = None
    rows: list[Row] = field(default_factory=list)
    heading_lines: list[tuple[int, str]] = field(default_factory=list)  # lines before the rows, e.g. (2026年度)

    @property
    def label(self) -> str:
        return f"{self.kind}{self.number:02d}表"

    @property
    def last_line(self) -> int:
        ends = [r.last_line for r in self.rows] + [n for n, _ in self.heading_lines] + [self.title_line]
        return max(ends)


def split_tables(lines: list[str]) -> list[Table]:
    """Cut the document at its title lines; each table keeps its unit, heading lines and raw rows."""
    tables: list[Table] = []
    for idx, raw in enumerate(lines, start=1):
        m = TITLE_RE.match(raw) if "\t" not in raw else None
        if m:
            tables.append(Table(int(m.group(2)), m.group(1), m.group(3), idx))
            continue
        if not tables or not raw.strip():
            continue
        t = tables[-1]
        if "\t" in raw or t.rows:  # once rows began, a line without tabs is a piece of a cut row
            t.rows.append(Row(idx, raw.split("\t")))
            if t.unit is None:
                t.unit = unit_of(raw)
        else:
            t.heading_lines.append((idx, raw.strip()))
            if t.unit is None and not t.rows:
                t.unit = unit_of(raw)
    for t in tables:
        t.rows = join_cut_rows(t.rows)
    return tables


def unit_of(text: str) -> str | None:
    """The amount unit a heading or header cell states (金额单位：万元, 总体资金情况（万元）)."""
    m = UNIT_RE.search(text)
    return (m.group(1) or m.group(2)) if m else None


def join_cut_rows(rows: list[Row]) -> list[Row]:
    """Join a row piece with the next one when both are clearly short and together fit the header width."""
    if not rows:
        return rows
    width = max(len(r.cells) for r in rows)
    out: list[Row] = []
    for r in rows:
        prev = out[-1] if out else None
        if (prev is not None and len(prev.cells) < width - CUT_ROW_SLACK and len(r.cells) < width - CUT_ROW_SLACK
                and len(prev.cells) + len(r.cells) - 1 <= width and _has_text(r)):
            cells = prev.cells[:-1] + [prev.cells[-1] + " " + r.cells[0]] + r.cells[1:]
            out[-1] = Row(prev.line, cells, r.last_line)
        else:
            out.append(r)
    return out


def _has_text(r: Row) -> bool:
    return any(c.strip() for c in r.cells)


def find_table(tables: list[Table], number: int) -> Table | None:
    return next((t for t in tables if t.number == number), None)


def find_table_by_title(tables: list[Table], *words: str) -> Table | None:
    """The first table whose title contains every word (a fallback when numbering differs)."""
    return next((t for t in tables if all(w in t.title for w in words)), None)


def header_index(row: Row, *words: str) -> int | None:
    """Index of the first cell of a header row containing any of ``words`` (spaces ignored)."""
    joined = _clean_joined(tuple(row.cells))
    if not any(w in joined for w in words):  # a word no cleaned cell holds is not in their \0-joined text either
        return None
    for i, c in enumerate(row.cells):
        t = clean_text(c) or ""
        if any(w in t for w in words):
            return i
    return None


@lru_cache(maxsize=4096)  # header_index asks each row for several words
def _clean_joined(cells: tuple[str, ...]) -> str:
    """The row's cleaned cells joined by NUL: a word that is in no part of it is in no cleaned cell."""
    return "\0".join(clean_text(c) or "" for c in cells)


@lru_cache(maxsize=65536)
def split_code_name(text: str | None) -> tuple[str | None, str | None]:
    """``11010222T00000041 4812-12345市民热线 西城…`` → (11010222T000000414812, 12345市民热线西城…).

    The code is everything before the first hyphen when it is made only of letters, digits and the spaces a PDF
    export breaks it with; the name keeps later hyphens. Text without such a code → (None, clean name).
    """
    if text is None:
        return None, None
    m = CODE_NAME_RE.match(text.replace("<p>", "").replace("</p>", ""))
    if m:
        code = re.sub(r"\s+", "", m.group(1))
        if sum(ch.isdigit() for ch in code) >= MIN_CODE_DIGITS:
            return code, clean_text(m.group(2))
    return None, clean_text(text)


def amount_cells(row: Row, start: int = 0, stop: int | None = None) -> list[tuple[int, str]]:
    """(index, text) of the cells between start and stop that are numbers."""
    stop = len(row.cells) if stop is None else stop
    return [(i, row.cells[i]) for i in range(start, min(stop, len(row.cells))) if parse_decimal(row.cells[i]) is not None]


def number_after(row: Row, *labels: str) -> tuple[str, int] | None:
    """The first number printed to the right of the cell labelled ``labels`` (e.g. 支出总计 → 5508.974386)."""
    for i, c in enumerate(row.cells):
        if (clean_text(c) or "") in labels:
            for j in range(i + 1, len(row.cells)):
                if parse_decimal(row.cells[j]) is not None:
                    return row.cells[j].strip(), j
            return None
    return None
