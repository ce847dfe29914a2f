"""Prose-final helpers: lines → one joined prose string with an offset → line map, headings, amounts.

A prose final account wraps sentences at arbitrary widths, so every sentence pattern runs over the
*joined* text (each line cleaned of whitespace, then concatenated). :class:`Prose` maps a character
offset of the joined text back to its 1-based source line for provenance.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from kg.model import Provenance
from kg.normalize import clean_text, parse_decimal, to_yuan
from kg.reading import SourceText

# Full-width digits and decimal point some exports print inside numbers (the full-width comma stays text).
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_FULLWIDTH_CHAR = re.compile("[０-９．]")
# A number as printed after whitespace removal: 4019.40, 1,213.99, -2.5
NUM = r"-?\d+(?:,\d{3})*(?:\.\d+)?"
# Money units a sentence may state, longest first.
MONEY_UNIT = r"(?:亿元|万元|元)"
AMOUNT = rf"(?:{NUM}){MONEY_UNIT}"
# Chinese numerals used in section numbering.
CN_NUM = "一二三四五六七八九十"
# Longest line that may be a heading (characters after cleaning).
HEADING_MAX_CHARS = 40
_HEADING = re.compile(
    rf"^(?:第[{CN_NUM}]+部分|[{CN_NUM}]+、|[（(][{CN_NUM}]+[)）]|\d{{1,2}}[、.．](?!\d)|[（(]\d+[)）])")
_SENTENCE_END = "。；;！？"
_YI = Decimal(10000)


@dataclass(frozen=True)
class Heading:
    line: int  # 1-based
    offset: int  # offset of the heading's first character in the joined text
    text: str


@dataclass
class Prose:
    """The document's lines joined into one whitespace-free string, with an offset → line map."""

    name: str
    text: str
    starts: list[int]  # starts[i] = offset in text of source line i+1
    headings: list[Heading]

    def line_at(self, offset: int) -> int:
        """1-based source line holding the character at ``offset``."""
        # empty lines share their start with the next line; bisect_right picks the last of them, which holds it
        idx = bisect.bisect_right(self.starts, max(offset, 0)) - 1
        return max(idx, 0) + 1

    @cached_property
    def heading_offsets(self) -> list[int]:
        """The headings' offsets, in order (the headings are complete once the prose is made)."""
        return [h.offset for h in self.headings]

    def heading_before(self, offset: int) -> Heading | None:
        idx = bisect.bisect_right(self.heading_offsets, offset) - 1
        return self.headings[idx] if idx >= 0 else None

    def heading_end_before(self, offset: int) -> int:
        """Offset just past the last heading that ends at or before ``offset`` (0 if none)."""
        h = self.heading_before(offset)
        end = h.offset + len(h.text) if h else 0
        return end if end <= offset else 0

    def provenance(self, start: int, end: int, table: str | None = None) -> Provenance:
        """Provenance of the joined-text span [start, end); table defaults to the section heading."""
        if table is None:
            h = self.heading_before(start)
            table = h.text if h else None
        return Provenance(self.name, table, self.line_at(start), self.line_at(max(start, end - 1)))


def clean_line(line: str) -> str:
    """A source line as it takes part in the joined prose: full-width digits folded, whitespace removed."""
    return clean_text(line.translate(_FULLWIDTH)) or ""


def lines_to_prose(src: SourceText) -> Prose:
    """Join the cleaned lines; remember where each line starts and which lines are headings."""
    parts: list[str] = []
    starts: list[int] = []
    headings: list[Heading] = []
    pos = 0
    fold = _FULLWIDTH_CHAR.search(src.text) is not None  # most texts print no full-width digit: no translate
    for i, raw in enumerate(src.lines, start=1):
        line = clean_line(raw) if fold else (clean_text(raw) or "")
        starts.append(pos)
        if line and is_heading(line):
            headings.append(Heading(i, pos, line))
        parts.append(line)
        pos += len(line)
    return Prose(src.name, "".join(parts), starts, headings)


def is_heading(line: str) -> bool:
    """A short numbered line that does not end a sentence (第一部分…, 二、…, （三）…, 1、…)."""
    if len(line) > HEADING_MAX_CHARS or not _HEADING.match(line):
        return False
    return not line.endswith(("。", "；", "，")) or len(line) <= 12


def amount_to_yuan(number_text: str, unit: str) -> Decimal | None:
    """``4019.40`` + ``万元`` → 40194000.00 yuan; ``亿元`` is 10000 万元."""
    value = parse_decimal(number_text)
    if value is None:
        return None
    if unit == "亿元":
        return to_yuan(value * _YI, "万元")
    return to_yuan(value, unit)


_AMOUNT_PARTS = re.compile(rf"({NUM})({MONEY_UNIT})")


def parse_amount(text: str) -> Decimal | None:
    """The first ``<number><unit>`` of a text fragment, in yuan."""
    m = _AMOUNT_PARTS.search(text)
    return amount_to_yuan(m.group(1), m.group(2)) if m else None


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """The sentence (between 。；！？) around ``offset`` as a [start, end) span."""
    start = max(text.rfind(c, 0, offset) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, offset) for c in _SENTENCE_END) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return start, end
