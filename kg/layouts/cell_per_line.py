"""Layout family C — one cell per line, 2019 format with free-text indicators (seed 001)."""

from __future__ import annotations

from kg.errors import ParseError
from kg.model import Document
from kg.reading import SourceText

NAME = "cell_per_line"


def detect(src: SourceText) -> float:
    """Score in [0, 1]: how surely the text is of this family."""
    return 0.0


def parse(src: SourceText) -> Document:
    raise ParseError("parser for layout cell_per_line is not written yet", src.path)
