"""Layout family A — tab-separated export, 表一…表十四, amounts in 万元 (seed 000)."""

from __future__ import annotations

from kg.errors import ParseError
from kg.model import Document
from kg.reading import SourceText

NAME = "tabbed"


def detect(src: SourceText) -> float:
    """Score in [0, 1]: how surely the text is of this family."""
    return 0.0


def parse(src: SourceText) -> Document:
    raise ParseError("parser for layout tabbed is not written yet", src.path)
