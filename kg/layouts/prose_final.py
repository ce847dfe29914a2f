"""Layout family D — prose-only final account 决算 (seed 002)."""

from __future__ import annotations

from kg.errors import ParseError
from kg.model import Document
from kg.reading import SourceText

NAME = "prose_final"


def detect(src: SourceText) -> float:
    """Score in [0, 1]: how surely the text is of this family."""
    return 0.0


def parse(src: SourceText) -> Document:
    raise ParseError("parser for layout prose_final is not written yet", src.path)
