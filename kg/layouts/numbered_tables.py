"""Layout family B — 预算01表…预算13表 with HTML <p> in cells, numbers broken by spaces (seed 004)."""

from __future__ import annotations

from kg.errors import ParseError
from kg.model import Document
from kg.reading import SourceText

NAME = "numbered_tables"


def detect(src: SourceText) -> float:
    """Score in [0, 1]: how surely the text is of this family."""
    return 0.0


def parse(src: SourceText) -> Document:
    raise ParseError("parser for layout numbered_tables is not written yet", src.path)
