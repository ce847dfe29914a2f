"""Free-text indicator cells (2019 style ``具体指标（指标内容、指标值）``) → measurable clauses.

The clause rule (tests/gold/SCHEMA.md, "Clause rule for free-text cells, in full"):

* split the cell into clauses at ，；。 — a numbered item (``(1)…``, ``1.…``, ``①…``) stays one clause even if
  it contains commas (unless it holds several operators, then it is split like plain text);
* a clause with an operator (≥ ≤ = > <, 不低于/不少于 → ≥, 不超过/不高于 → ≤ …) followed by a number is an
  indicator, ``l3`` = the words before the operator;
* a clause without an operator that ends in <number><unit> is an indicator with op ``=``, ``l3`` = the words
  before the number (list markers and ``：¥`` dropped);
* other clauses of a cell that yields an indicator are left out; a cell that yields none is one ``定性``
  indicator with ``l3`` None and value = the whole cell (whitespace removed);
* dates are never values (``2019年12月31日前完成`` stays 定性).

Pure functions only; usable by any layout that meets such cells.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.normalize import clean_text, normalize_unit, number_str

QUALITATIVE = "定性"

# Operator spellings → normalized operator, longest first so 不低于 wins over 低于.
OPERATOR_WORDS: dict[str, str] = {
    "大于或等于": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥",
    "小于或等于": "≤", "小于等于": "≤", "不超过": "≤", "不高于": "≤", "不多于": "≤", "不大于": "≤",
    ">=": "≥", "＞＝": "≥", "≥": "≥", "≧": "≥", "<=": "≤", "＜＝": "≤", "≤": "≤", "≦": "≤",
    "＝": "=", "=": "=", "＞": ">", ">": ">", "＜": "<", "<": "<",
}
_OP_ALT = "|".join(re.escape(w) for w in sorted(OPERATOR_WORDS, key=len, reverse=True))

# Units a clause-final number may carry, longest first.
UNITS = (
    "个工作日", "万人次", "平方公里", "平方米", "立方米", "人次", "工作日", "个月", "小时", "分钟", "万元", "亿元",
    "千元", "万次", "万人", "万册", "公里", "千米", "公顷", "场次", "批次", "课时", "学时", "台套", "平米",
    "%", "％", "‰", "元", "人", "次", "个", "台", "套", "件", "份", "条", "场", "项", "家", "户", "间", "处", "米",
    "吨", "辆", "部", "本", "册", "篇", "批", "期", "所", "座", "名", "单", "宗", "笔", "张", "页", "门", "种",
    "栋", "株", "棵", "亩", "天", "日", "周", "月", "年", "秒", "分", "席", "盏", "块", "组", "轮", "类",
)
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# A unit as written: an optional multiplier (120万页, 8万条), a known unit, an optional per-part (0.6元/页).
_UNIT = rf"[万亿千]?(?:{_UNIT_ALT})(?:[/／][^\W\d_]{{1,2}})?"
# Any single CJK character right after a clause-final number is read as its unit (5000卷, 0起, 2级), except
# words that make the number approximate or a bound of something else (40余, 5前, 3内).
_ONE_CHAR_UNIT = re.compile(r"^\s*(?P<unit>[\u4e00-\u9fff])\s*[。；;，,]*$")
NOT_UNITS = frozenset("余多前后内外左右上下中初底末至及和或的第")
_NUM = r"\d[\d,，]*(?:\.\d+)?"
# Characters that, right before a number, show it is part of an expression (7*24, 1/2, 3-5, 2.5) or an
# ordinal (第3季度), not a value.
_NUM_GLUE = "*×xX/／-－~～—.．第"

_OP_VALUE = re.compile(rf"(?P<op>{_OP_ALT})\s*[¥￥]?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?")
_TRAILING_VALUE = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT}|[\u4e00-\u9fff])$")
_YEAR = re.compile(r"^(19|20)\d\d$")
MONTHS_IN_YEAR = 12

# A list marker at the start of a numbered item: (1) （1） 1. 1． 1、 ① … ; "2.2019年" is item 2 about 2019.
_MARKER = r"(?:[（(]\d{1,2}[)）]|\d{1,2}[．、]|\d{1,2}\.(?!\d)|\d{1,2}\.(?=(?:19|20)\d\d年)|[①-⑳])"
_MARKER_AT_START = re.compile(rf"^{_MARKER}\s*")
_ITEM_START = re.compile(rf"(?:^|(?<=[。；;]))(?={_MARKER})")
_CLAUSE_SPLIT = re.compile(r"[，；。;]|(?<!\d),|,(?!\d)")
_L3_TRIM = " \t：:¥￥，,、"


class ClauseIndicator(NamedTuple):
    """One indicator from a free-text cell: (l3, op, value, unit)."""

    l3: str | None
    op: str
    value: str
    unit: str | None


def cell_paragraphs(cell_text: str) -> list[str]:
    """The cell's paragraphs, whitespace removed: a line that does not open a numbered item continues the
    previous one (a wrapped line), so ``新增受理\n人员87人`` stays one clause."""
    paragraphs: list[str] = []
    for line in (clean_text(x) for x in cell_text.split("\n")):
        if not line:
            continue
        if paragraphs and not _MARKER_AT_START.match(line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return paragraphs


def numbered_items(paragraph: str) -> list[tuple[str, bool]]:
    """A paragraph cut at list markers: (segment, is_numbered_item)."""
    cuts = [m.start() for m in _ITEM_START.finditer(paragraph)]
    if not cuts or cuts[0] != 0:
        cuts = [0, *cuts]
    bounds = [*cuts, len(paragraph)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        seg = paragraph[a:b]
        if seg:
            out.append((seg, bool(_MARKER_AT_START.match(seg))))
    return out


def split_clauses(cell_text: str) -> list[str]:
    """The cell's clauses: numbered items whole (unless they hold several operators), other text cut at ，；。."""
    clauses: list[str] = []
    for para in cell_paragraphs(cell_text):
        for seg, numbered in numbered_items(para):
            if numbered and len(_OP_VALUE.findall(seg)) <= 1:
                clauses.append(seg.strip("。；;，, "))
            else:
                clauses.extend(c for c in _CLAUSE_SPLIT.split(seg) if c.strip())
    return clauses


def is_date_value(clause: str, num_start: int, num: str, unit: str | None) -> bool:
    """Whether the number at ``num_start`` is part of a date (2019年, 2019年4月, 4月30日)."""
    if unit == "年" and _YEAR.match(number_str(num)):
        return True
    before = clause[:num_start].rstrip()
    if unit == "月" and (before.endswith("年") or _is_int_up_to(num, MONTHS_IN_YEAR)):
        return True  # 2019年4月; 9月至10月 (a bare 月 is a month of the calendar; a duration is 个月)
    return unit in ("日", "号") and before.endswith("月")


def _is_int_up_to(num: str, top: int) -> bool:
    n = number_str(num)
    return n.isdigit() and 1 <= int(n) <= top


def _clause_end_unit(rest: str) -> str | None:
    """The unit of a number whose only follower in the clause is one CJK character (不少于5000卷 → 卷)."""
    m = _ONE_CHAR_UNIT.match(rest)
    return m.group("unit") if m and m.group("unit") not in NOT_UNITS else None


def _l3(words: str) -> str | None:
    w = _MARKER_AT_START.sub("", words.strip())
    return w.strip(_L3_TRIM) or None


def _glued(clause: str, num_start: int) -> bool:
    return num_start > 0 and (clause[num_start - 1] in _NUM_GLUE or clause[num_start - 1].isdigit())


def operator_indicators(clause: str) -> list[ClauseIndicator]:
    """``人工接通率≥98%`` → [(人工接通率, ≥, 98, %)]; [] if no operator is followed by a (non-date) number.

    A clause holding several operators with values and no separator between them (paragraphs joined,
    ``接通率≥95%、办结率≥98%``) gives one indicator each, ``l3`` = the words since the previous value.
    """
    out: list[ClauseIndicator] = []
    start = 0
    for m in _OP_VALUE.finditer(clause):
        unit = m.group("unit") or _clause_end_unit(clause[m.end("num"):])
        if is_date_value(clause, m.start("num"), m.group("num"), unit):
            continue
        out.append(ClauseIndicator(_l3(clause[start: m.start()]), OPERATOR_WORDS[m.group("op")],
                                   number_str(m.group("num")), normalize_unit(unit)))
        start = m.end()
    return out


def trailing_value_indicator(clause: str) -> ClauseIndicator | None:
    """``新增受理人员87人`` → (新增受理人员, =, 87, 人); None unless the clause ends in <number><unit>."""
    text = clause.rstrip("。；;，, ")
    m = _TRAILING_VALUE.search(text)
    if not m:
        return None
    start = m.start("num")
    if _glued(text, start) or m.group("unit") in NOT_UNITS:
        return None
    if is_date_value(text, start, m.group("num"), m.group("unit")):
        return None
    return ClauseIndicator(_l3(text[:start]), "=", number_str(m.group("num")), normalize_unit(m.group("unit")))


def clause_indicators(clause: str) -> list[ClauseIndicator]:
    """The indicators a clause states; [] for a clause that is not measurable."""
    found = operator_indicators(clause)
    if found:
        return found
    trailing = trailing_value_indicator(clause)
    return [trailing] if trailing else []


def free_text_indicators(cell_text: str, l1: str | None = None, l2: str | None = None) -> list[ClauseIndicator]:
    """All indicators of one free-text cell; ``[]`` for an empty cell.

    ``l1``/``l2`` are the row's levels; they do not change the reading of the cell and are accepted so
    callers can pass the row context uniformly.
    """
    whole = clean_text(cell_text)
    if whole is None:
        return []
    found = [ind for c in split_clauses(cell_text) for ind in clause_indicators(c)]
    return found or [ClauseIndicator(None, QUALITATIVE, whole, None)]
