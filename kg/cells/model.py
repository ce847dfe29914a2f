"""Cells and rows: what every reader (text or native file) yields after its first step.

A text reader cuts lines into cells (tabs, ``|``, runs of spaces, one cell per line, or glued text cut by the
label vocabulary); a native reader (PDF, workbook, Word, HTML) takes the cells from the file's own table
structure. Both give :class:`Row` objects whose cells carry where they came from, so a record can cite
``file:line`` for text and ``file p12 t1 r3`` / ``05-2!C7`` / ``table 2 row 3`` for native files.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its text (stripped), and where it sits."""

    text: str
    line: int  # 1-based line of the (linearised) text the cell is on
    col: int = 0  # 0-based column within its row (the grid column for native tables)
    loc: str | None = None  # native location: "p12 t1 r3 c2", "05-2!C7", "table 2 row 3 col 1"; None for text
    bbox: tuple[float, float, float, float] | None = None  # PDF: x0, top, x1, bottom on the page (points)
    merged: str | None = None  # the merged range this cell's text was expanded from ("A1:C1"), if any
    x: int | None = None  # text split on runs of spaces: the display column (CJK = 2) where the cell starts


@dataclass(slots=True)
class Row:
    """One row of cells; ``table`` names the table/sheet/page region it belongs to, when known."""

    cells: list[Cell]
    line: int  # 1-based line of the row (its first line when a cell spans several)
    table: str | None = None
    line_end: int | None = None  # last line the row's cells reach, when more than ``line``
    separator: str = ""  # how the row was cut: "tab", "pipe", "spaces", "line", "glued", "native"
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def filled(self) -> list[Cell]:
        return [c for c in self.cells if c.text]

    def joined(self, sep: str = "\t") -> str:
        return sep.join(self.texts)
