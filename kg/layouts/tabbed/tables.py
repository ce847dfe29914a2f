"""Family A, step 1: lines → numbered tables (表一…表十四) → rows of tab-separated cells.

A table starts at a title line ``表X：`` (alone on its line, at column 0) and runs to the next title.
Inside a table, lines with a tab are rows; a blank line is a page break (remembered on the next row);
Markdown separator rows (``--\t--``) are skipped; the ``金额单位：万元`` line gives the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.normalize import clean_text

CN_NUMERALS = "一二三四五六七八九十"
TITLE_RE = re.compile(rf"^表\s*([{CN_NUMERALS}]{{1,3}})\s*[：:]\s*(\S.*)?$")
UNIT_RE = re.compile(r"^\s*(?:金额)?单位\s*[：:]\s*(万元|元)\s*$")
SEPARATOR_CELL_RE = re.compile(r"^\s*:?-{2,}:?\s*$")
CODE_NAME_RE = re.compile(r"^\s*([0-9A-Za-z]+)\s*-\s*(\S.*?)\s*$")
# The unit assumed for a table whose header prints none (the family prints 万元 with 6 decimals).
DEFAULT_UNIT = "万元"


@dataclass
class Row:
    """One tab-separated line of a table: 1-based line number, cells, and whether a page break preceded it."""

    line: int
    cells: list[str]
    after_break: bool = False

    def cell(self, i: int | None) -> str:
        """The raw cell ``i`` ('' when out of range or None)."""
        if i is None or i < 0 or i >= len(self.cells):
            return ""
        return self.cells[i]

    def text(self, i: int | None) -> str | None:
        """Cell ``i`` as a gold text field (whitespace/tags removed), None if empty."""
        return clean_text(self.cell(i))

    @property
    def raw(self) -> str:
        return "\t".join(self.cells)

    def filled(self) -> list[int]:
        """Indexes of the non-empty cells."""
        return [i for i, c in enumerate(self.cells) if clean_text(c)]


@dataclass
class Table:
    """A numbered table: its number (表四), name line, unit, first line and rows."""

    key: str
    line: int
    name: str | None = None
    unit: str | None = None
    rows: list[Row] = field(default_factory=list)
    end_line: int = 0

    @property
    def money_unit(self) -> str:
        return self.unit or DEFAULT_UNIT


def is_title(line: str) -> re.Match[str] | None:
    """A table title line ``表四：`` (the table of contents uses ``表四、`` and is not matched)."""
    return TITLE_RE.match(line.rstrip())


def split_tables(lines: list[str]) -> list[Table]:
    """All numbered tables of the text, in order; text between tables is not kept."""
    tables: list[Table] = []
    current: Table | None = None
    pending_break = False
    for idx, line in enumerate(lines, start=1):
        m = is_title(line)
        if m:
            current = Table(key="表" + m.group(1), line=idx, name=clean_text(m.group(2)), end_line=idx)
            tables.append(current)
            pending_break = False
            continue
        if current is None:
            continue
        pending_break = _feed_line(current, idx, line, pending_break)
    return tables


def _feed_line(table: Table, idx: int, line: str, pending_break: bool) -> bool:
    """Add one line to ``table``; return whether a page break is pending for the next row."""
    if not line.strip():
        return bool(table.rows) or pending_break
    table.end_line = idx
    if "\t" not in line:
        um = UNIT_RE.match(line)
        if um and table.unit is None:
            table.unit = um.group(1)
        elif table.name is None and not table.rows:
            table.name = clean_text(line)
        return pending_break
    cells = line.split("\t")
    if all(SEPARATOR_CELL_RE.match(c) or not c.strip() for c in cells) and any(c.strip() for c in cells):
        return pending_break
    table.rows.append(Row(idx, cells, after_break=pending_break))
    return False


@lru_cache(maxsize=65536)
def split_code_name(cell: str | None) -> tuple[str | None, str | None]:
    """``2010399-其他…支出`` → (2010399, 其他…支出); a cell without a code → (None, text)."""
    t = clean_text(cell)
    if not t:
        return None, None
    m = CODE_NAME_RE.match(t)
    if m and any(ch.isdigit() for ch in m.group(1)):
        return m.group(1), m.group(2)
    return None, t


def realign(cells: list[str], found_at: int, expected_at: int) -> list[str]:
    """Shift a row whose leading tabs were lost (or doubled) so the anchor cell sits at ``expected_at``.

    Only empty cells are dropped: padding goes on the left, surplus empties come off the right (left).
    """
    shift = expected_at - found_at
    if shift > 0:
        out = [""] * shift + cells
        while len(out) > len(cells) and out and not out[-1].strip():
            out.pop()
        return out
    if shift < 0 and all(not c.strip() for c in cells[:-shift]):
        return cells[-shift:]
    return cells


# A numbered list item at the start of a fragment (``5. 协助…``, ``(5)…``, ``5、…``) and anywhere in a text.
ITEM_START_RE = re.compile(r"^\s*[(（]?(\d{1,2})\s*[.．、)）](?!\d)")
ITEM_ANY_RE = re.compile(r"(?:^|[。；;！!\s>])[(（]?(\d{1,2})\s*[.．、)）](?!\d)")


def last_item_number(text: str | None) -> int | None:
    nums = ITEM_ANY_RE.findall(text or "")
    return int(nums[-1]) if nums else None


def choose_field(col: int, fragment: str, targets: dict[str, tuple[int, str | None]]) -> str:
    """The field a cut-off fragment continues: the one whose numbered list it carries on (``5.`` after ``4.``),
    else the one whose column is nearest (ties go left). ``targets``: field → (column, current text)."""
    m = ITEM_START_RE.match(fragment)
    if m:
        n = int(m.group(1))
        hits = [f for f, (_, text) in targets.items() if last_item_number(text) == n - 1]
        if len(hits) == 1:
            return hits[0]
    return min(targets, key=lambda f: (abs(targets[f][0] - col), targets[f][0]))
