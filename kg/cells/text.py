"""Text → rows of cells, whatever the separator, decided per line by measurement.

A line with tabs is cut at tabs (a spreadsheet export; a quoted cell may run over several lines), a line of
``|`` cells at the bars (a web table; ``|---|`` rules dropped), a line with runs of two or more spaces at those
runs (PDF text aligned by spaces; each cell keeps its display column), and any other line is one cell (one cell
per line, or prose, or a glued line that :mod:`kg.cells.glued` may cut later by the label vocabulary).
"""

from __future__ import annotations

import re
import unicodedata

from kg.cells.model import Cell, Row

_SPACE_RUN = re.compile(r"(?:[ \u00a0]{2,}|\u3000+)")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# A quoted tab cell that opens a line break: "…  (closed by a line ending in a quote before a tab or the end).
_OPEN_QUOTE = re.compile(r'(?:^|\t)"(?:[^"]|"")*$')


def display_width(s: str) -> int:
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


# A line longer than this is no table row (a page's markup or a whole glued document): one cell.
MAX_ROW_CHARS = 20000


def split_line(line: str) -> tuple[list[tuple[str, int | None]], str]:
    """One line → (cells as (text, display column or None), separator name)."""
    if "\t" in line:
        return [(_unquote(c.strip()), None) for c in line.split("\t")], "tab"
    stripped = line.strip()
    if stripped and set(stripped) <= {"|", " "}:
        return [("", None)], "line"  # an empty web-table cell on its own line
    if stripped.count("|") >= 2 or (len(stripped) > 1 and (stripped.startswith("|") or stripped.endswith("|"))):
        parts = stripped.split("|")
        if parts and parts[0].strip() == "":
            parts = parts[1:]
        if parts and parts[-1].strip() == "":
            parts = parts[:-1]
        return [(p.strip(), None) for p in parts], "pipe"
    if len(line) > MAX_ROW_CHARS:
        return [(stripped, None)], "line"
    if _SPACE_RUN.search(stripped):
        lead = len(line) - len(line.lstrip(" \u3000\u00a0"))
        cells: list[tuple[str, int | None]] = []
        pos, width = lead, display_width(line[:lead])
        for part in _SPACE_RUN.split(line[lead:]):
            if part.strip():
                cells.append((part.strip(), width))
            pos += len(part)
            width += display_width(part)
            m = _SPACE_RUN.match(line, pos)
            if m:
                width += display_width(m.group(0))
                pos = m.end()
        if len(cells) > 1:
            return cells, "spaces"
    lead = len(line) - len(line.lstrip(" \u3000\u00a0"))
    if lead >= 2:  # an indented lone cell: a wrapped cell of a space-aligned table, in its column
        return [(stripped, display_width(line[:lead]))], "spaces"
    return [(stripped, None)], "line"


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == '"' and cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def logical_lines(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, last line, text) per logical line: a tab line whose quoted cell holds line breaks is joined
    with the lines that continue it (the breaks become spaces… or nothing between CJK characters)."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        start = i
        if "\t" in line and _OPEN_QUOTE.search(line):
            j = i + 1
            while j < len(lines) and j - i < 50:
                line = _join_break(line, lines[j])
                if '"' in lines[j] and not _OPEN_QUOTE.search(line):
                    break
                j += 1
            if j < len(lines) and j - i < 50:
                i = j
            else:
                line = lines[start]
                i = start
        out.append((start + 1, i + 1, line))
        i += 1
    return out


def _join_break(a: str, b: str) -> str:
    if a and b and ord(a[-1]) < 0x2E80 and ord(b[0]) < 0x2E80:
        return a + " " + b
    return a + b


# Share of lines that are one tab-led cell (``\t<cell>``) above which the whole text is one cell per line.
TAB_LED_SHARE = 0.5


def _tab_led(lines: list[str]) -> bool:
    """One cell per line, each behind a tab (an export that keeps the merged first column as a tab)."""
    filled = [ln for ln in lines if ln.strip()]
    led = sum(1 for ln in filled if ln.startswith("\t") and ln.count("\t") == 1)
    return bool(filled) and led >= TAB_LED_SHARE * len(filled)


def _dedented(lines: list[str]) -> list[str]:
    """A web page's text indented by its markup (``    项目名称 水旱灾害防御经费``) but with no run of spaces inside
    any line is not aligned by spaces: its indentation says nothing and is removed (lines of only spaces, empty
    cells of a one-cell-per-line export, are kept)."""
    if any("\t" in ln or _SPACE_RUN.search(ln.strip()) for ln in lines):
        return lines
    return [ln.lstrip(" \u3000\u00a0") if ln.strip() else ln for ln in lines]


def text_to_rows(text: str) -> list[Row]:
    """Every non-blank line of ``text`` as a :class:`Row`; empty lines and ``|---|`` rules are left out. A line of
    only spaces is kept as one empty cell: one-cell-per-line exports write an empty table cell so (and a lone tab,
    in a text that is one tab-led cell per line)."""
    rows: list[Row] = []
    lines = text.split("\n")
    if _tab_led(lines):
        lines = [ln[1:] if ln.startswith("\t") and ln.count("\t") == 1 else ln for ln in lines]
        lines = [" " if ln == "" and raw == "\t" else ln for ln, raw in zip(lines, text.split("\n"), strict=True)]
    lines = _dedented(lines)
    for first, last, line in logical_lines(lines):
        if not line:
            continue
        if not line.strip():
            rows.append(Row([Cell("", first)], first, separator="line"))
            continue
        if _PIPE_RULE.match(line) and set(line.strip()) <= set("|-: "):
            continue
        parts, sep = split_line(line)
        cells = [Cell(t, first, i, x=x) for i, (t, x) in enumerate(parts)]
        rows.append(Row(cells, first, line_end=last if last != first else None, separator=sep))
    return rows


_OP_ONLY = re.compile(r"^(?:[≥≤=＝><≧≦]|>=|<=|大于等于|小于等于|不低于|不少于|不超过|不高于)$")
_NUMBER = re.compile(r"^[+-]?\d[\d,，]*(?:\.\d+)?%?$")
# short words that follow a figure but are the next cell, not its unit (8 | 质量指标, 10 | 得分)
_NOT_UNITS = ("指标", "分值", "得分", "权重", "合计", "总分", "其中")
_SHORT_UNIT = re.compile(r"^(?:%|％|‰|[^\d\s—\-–]{1,4})$")


def split_words(text: str) -> list[str]:
    """A line whose cells are separated by single spaces (PDF text without layout) → its cells; an operator,
    a number and its unit printed apart (``≥ 1,250 万元``) stay one cell."""
    parts = text.split()
    out: list[str] = []
    for p in parts:
        if out and out[-1].count("(") + out[-1].count("（") > out[-1].count(")") + out[-1].count("）"):
            out[-1] += p  # inside brackets: 开发数量( ≥**个 ) is one cell
        elif out and _OP_ONLY.match(out[-1]):
            out[-1] += p
        elif out and _NUMBER.match(p) and re.search(r"[≥≤=＝><]$", out[-1]):
            out[-1] += p
        elif out and _SHORT_UNIT.match(p) and _NUMBER.match(re.sub(r"^(?:[≥≤=＝><]|>=|<=)", "", out[-1])) \
                and not re.search(r"[\u4e00-\u9fff]{5,}", p) and not p.endswith(_NOT_UNITS):
            out[-1] += p
        else:
            out.append(p)
    return out
