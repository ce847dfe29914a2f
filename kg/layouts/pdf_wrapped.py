"""Layout family E — PDF text, cells separated by spaces and wrapped by width (seed 003)."""

from __future__ import annotations

from kg.errors import ParseError
from kg.model import Document
from kg.reading import SourceText

NAME = "pdf_wrapped"


def detect(src: SourceText) -> float:
    """Score in [0, 1]: how surely the text is of this family."""
    return 0.0


def parse(src: SourceText) -> Document:
    raise ParseError("parser for layout pdf_wrapped is not written yet", src.path)
