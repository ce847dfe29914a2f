"""Lines → sections and fragments for PDF text whose cells are separated by single spaces and wrapped by width.

Shared by the table readers of family E (:mod:`kg.layouts.pdf_wrapped`). A *line* is a non-blank source line with
its 1-based number and whether it opens a page (the extractor marks a page start by a leading space). Cells of one
text line are separated by single spaces; a cell too wide for its column is wrapped over several lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypeVar

from kg.normalize import clean_text, parse_decimal, split_value_unit
from kg.reading import SourceText

# A table starts at a line holding only its label: "表 13" (a page start may prefix a space).
TABLE_LABEL = re.compile(r"^表\s*(\d{1,2})$")
# The table's money unit, printed under its title: "单位：万元".
UNIT_LINE = re.compile(r"^(?:金额)?单位\s*[:：]\s*(万元|元)$")
# A printed amount cell: 648.875784, 1,198,100.00, 0.
NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
# Characters that open a page in this extraction.
PAGE_START_CHARS = (" ", "\f", "\u3000")
# Lines after a table label searched for its title and unit line.
TITLE_LOOKAHEAD = 4

# Operators of an indicator row, as printed cells.
OPERATORS = {"定性": "定性", "≥": "≥", "≤": "≤", "=": "=", "＝": "=", ">": ">", "<": "<", "＞": ">", "＜": "<",
             ">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "大于等于": "≥", "小于等于": "≤", "等于": "="}
GLUED_OPERATOR = re.compile(r"^(>=|<=|≥|≤|＝|=|＞|＜|>|<)(\d.*)$")
# 一级指标 names of the standard target form (column vocabulary).
L1_VOCAB = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标", "效果指标", "管理指标", "影响力指标"})
# 二级指标 names that do not end in 指标 (those that do are recognised by the suffix).
L2_VOCAB = frozenset({"数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响",
                      "服务对象满意度", "经济成本", "社会成本", "生态环境成本"})
L2_SUFFIX = "指标"
# Full 二级指标 names (a row whose l1 cell is merged with the row above opens with one of them).
L2_NAMES = frozenset({"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                      "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})
# 指标方向性 cells.
DIRECTIONS = ("正向指标", "反向指标", "中性指标", "正向", "反向", "中性")
# Qualitative value scales a 定性 value cell may wrap over lines (优良中低 / 差).
VALUE_SCALES = frozenset({"高中低", "优良中低差", "优良中差", "优良差", "好坏", "好中差", "是否", "有无", "高低",
                          "优秀良好合格不合格", "达标不达标", "完成未完成", "显著一般", "强中弱"})


_T = TypeVar("_T")


class Line(NamedTuple):
    """A non-blank source line: 1-based number, text without the page-start space, whether it opens a page.
    (A named tuple: a document makes one per line, and a tuple is made at a third of a dataclass's cost.)"""

    no: int
    text: str
    page_start: bool = False

    @property
    def tokens(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True)
class Frag:
    """One space-separated cell piece of a line."""

    text: str
    line: Line
    first: bool  # first piece on its line
    alone: bool  # the only piece on its line


@dataclass
class Section:
    """A numbered table: label (表13), title, printed unit, body lines after title and unit."""

    label: str
    title: str
    unit: str | None
    line_no: int
    lines: list[Line] = field(default_factory=list)

    def has_title(self, *needles: str) -> bool:
        t = despace(self.title)
        return any(n in t for n in needles)


def _frozen(cls: type[_T], fields: dict[str, object]) -> _T:
    """``cls(**fields)`` for a frozen dataclass of plain fields, without its ``__init__``'s ``object.__setattr__``
    per field (three times the cost; a document makes a Line per line and a Frag per cell)."""
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def source_lines(src: SourceText) -> list[Line]:
    """Non-blank lines of the source with their numbers and page-start marks."""
    out: list[Line] = []
    new, page_start, add = tuple.__new__, PAGE_START_CHARS, out.append  # Line(...) without its __new__'s call
    for no, raw in enumerate(src.lines, 1):
        text = raw.strip()
        if text:
            add(new(Line, (no, text, raw.startswith(page_start))))
    return out


def despace(s: str) -> str:
    """All whitespace removed (justified headings print 合 计, 基 本 支 出)."""
    return clean_text(s) or ""


def split_sections(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """Prose lines before the first table label, and the tables in order."""
    starts = [i for i, ln in enumerate(lines) if ln.text[:1] == "表" and TABLE_LABEL.match(ln.text)]
    if not starts:
        return lines, []
    sections = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        sections.append(section_of(lines[i], lines[i + 1:end]))
    return lines[: starts[0]], sections


def section_of(label_line: Line, body: list[Line]) -> Section:
    """Title = first line after the label (a second one if the first does not end in 表); unit line removed."""
    num = TABLE_LABEL.match(label_line.text)
    label = f"表{num.group(1) if num else ''}"
    title_parts: list[str] = []
    unit = None
    rest: list[Line] = []
    for idx, ln in enumerate(body):
        m = UNIT_LINE.match(despace(ln.text)) if idx < TITLE_LOOKAHEAD else None  # only read that far
        if idx < TITLE_LOOKAHEAD and m and unit is None:
            unit = m.group(1)
        elif idx < 2 and not title_parts:
            title_parts.append(ln.text)
        elif idx == 1 and not despace(title_parts[0]).endswith("表") and despace(ln.text).endswith("表"):
            title_parts.append(ln.text)
        else:
            rest.append(ln)
    return Section(label, despace("".join(title_parts)), unit, label_line.no, rest)


def frags_of(lines: list[Line]) -> list[Frag]:
    """Lines → cell pieces; an operator glued to its number (≥90) is split in two."""
    out: list[Frag] = []
    for ln in lines:
        toks: list[str] = []
        for t in ln.tokens:
            m = GLUED_OPERATOR.match(t)
            toks.extend([m.group(1), m.group(2)] if m else [t])
        for j, t in enumerate(toks):
            out.append(_frozen(Frag, {"text": t, "line": ln, "first": j == 0, "alone": len(toks) == 1}))
    return out


def join_wrapped(parts: list[str]) -> str:
    """Pieces of one wrapped cell or row, joined; a space is kept only between two ASCII alphanumerics."""
    if len(parts) == 1:  # most rows fit on one line
        return parts[0]
    out = ""
    for p in parts:
        if out and _ascii_alnum(out[-1]) and _ascii_alnum(p[:1]):
            out += " "
        out += p
    return out


def _ascii_alnum(c: str) -> bool:
    return bool(c) and c.isascii() and c.isalnum()


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text))


def numbers_of(text: str) -> list[tuple[str, Decimal]]:
    """The amount cells of a line, as (printed, value)."""
    out = []
    for t in text.split():
        d = parse_decimal(t) if is_number(t) else None
        if d is not None:
            out.append((t, d))
    return out


def operator_of(text: str) -> str | None:
    return OPERATORS.get(text)


def is_plain_unit(text: str) -> bool:
    """A short unit word (条, 期, %, 场次 …) by the shared value/unit splitter."""
    value, unit = split_value_unit(f"1{text}")
    return value == "1" and unit is not None


def l2_length(parts: list[str]) -> int:
    """How many leading pieces make the 二级指标 cell: the shortest join ending in 指标, or a known name that the
    next piece does not continue with 指标."""
    for k in range(1, len(parts) + 1):
        joined = despace("".join(parts[:k]))
        if joined.endswith(L2_SUFFIX):
            return k
        if joined in L2_VOCAB and not despace("".join(parts[k:])).startswith(L2_SUFFIX):
            return k
    return 1 if len(parts) > 1 else 0


def strip_direction(parts: list[str]) -> tuple[list[str], str | None]:
    """Split a trailing 指标方向性 cell (possibly wrapped) off the tail pieces of a row."""
    joined = ""
    for k in range(len(parts) - 1, -1, -1):
        joined = parts[k] + joined
        if joined in DIRECTIONS:
            return parts[:k], joined
        if not any(d.endswith(joined) for d in DIRECTIONS):
            break
    return parts, None


def value_unit_of(op: str, tail: list[str]) -> tuple[str | None, str | None, str | None]:
    """Tail pieces after the operator → (value, unit, direction): a number then its unit, or a 定性 text."""
    parts, direction = strip_direction(tail)
    if not parts:
        return None, None, direction
    if op != "定性" and is_number(parts[0]):
        unit = despace("".join(parts[1:])) or None
        value, unit = split_value_unit(parts[0], unit)
        return value, unit, direction
    joined = despace("".join(parts))
    if op == "定性":
        return joined or None, None, direction
    value, unit = split_value_unit(joined)
    return value, unit, direction


def extends_scale(value: str | None, piece: str) -> bool:
    """Whether ``piece`` continues a wrapped qualitative value (优良中低 + 差)."""
    joined = despace((value or "") + piece)
    return joined in VALUE_SCALES and despace(value or "") not in VALUE_SCALES
