"""Text, number, money, operator and unit normalization shared by every layout parser.

All functions are pure; each keeps to one conversion so parsers can chain them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

YUAN_QUANTUM = Decimal("0.01")
WAN = Decimal(10000)
GOAL_PREFIX_CHARS = 15

_TAG = re.compile(r"</?p\s*/?>", re.IGNORECASE)
_WS = re.compile(r"[\s\u3000\u00a0\ufeff]+")
_OPEN_QUOTES = "“\"「『‘'"
_NUMBER_CHARS = re.compile(r"^[+-]?[\d,，\s]*\.?[\d\s]*$")
_NUMBER_GAPS = re.compile(r"[\s,，]")
# A number printed plainly (1,431.217495, -12, 0.5): parse_decimal reads it without normalising it.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?")


def strip_tags(s: str) -> str:
    """Drop the HTML paragraph tags some exports put in cells (``<p>…</p>``)."""
    return _TAG.sub("", s)


@lru_cache(maxsize=65536)  # cells repeat (labels, units, 合计) across the tables and documents of a batch
def clean_text(s: str | None) -> str | None:
    """A text field as the gold writes it: tags and all whitespace removed; ``None`` if empty."""
    if s is None:
        return None
    if "<" in s:  # a tag may hold spaces (<p >): tags first, then the spaces
        s = _WS.sub("", strip_tags(s))
    else:  # _WS.sub without the pattern: \s is what str.split cuts at, and U+FEFF (checked for every code point)
        s = "".join(s.split())
        if "\ufeff" in s:
            s = s.replace("\ufeff", "")
    return s or None


# Punctuation, brackets and spaces a comparison of two texts ignores (squeeze).
_PUNCT = re.compile(r"[，,。.；;：:、！!？?“”\"'‘’（）()【】\[\]《》<>\-—_/\\\s]")


def squeeze(text: str | None) -> str:
    """Text for comparison: whitespace, tags and punctuation removed, full-width folded (NFKC)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", clean_text(text) or ""))


def squash_spaces(s: str) -> str:
    """Collapse runs of whitespace to one space and trim (for display text that keeps word gaps)."""
    return _WS.sub(" ", strip_tags(s)).strip()


def goal_prefix(goal: str | None) -> str | None:
    """First 15 characters of a 绩效目标 text, whitespace/tags and an opening quote removed."""
    g = clean_text(goal)
    if not g:
        return None
    g = g.lstrip(_OPEN_QUOTES)
    return g[:GOAL_PREFIX_CHARS] or None


@lru_cache(maxsize=65536)  # amounts and codes repeat; a Decimal is immutable, so one value can be shared
def parse_decimal(text: str | None) -> Decimal | None:
    """A number printed with stray spaces and thousands separators: ``1, 431. 217495`` → 1431.217495.

    Returns ``None`` for anything that is not purely a number (``-``, ``无``, text).
    """
    if text is None:
        return None
    if _PLAIN_NUMBER.fullmatch(text):  # most cells: ASCII digits, commas, a point — what the steps below leave
        return Decimal(text.replace(",", ""))
    t = unicodedata.normalize("NFKC", strip_tags(text)).strip()
    if not t or not _NUMBER_CHARS.match(t) or not any(c.isdigit() for c in t):
        return None
    t = _NUMBER_GAPS.sub("", t)
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def to_yuan(amount: Decimal | None, unit: str = "元") -> Decimal | None:
    """Convert an amount in 元 or 万元 to yuan, quantized to 0.01."""
    if amount is None:
        return None
    if unit == "万元":
        amount = amount * WAN
    return amount.quantize(YUAN_QUANTUM)


def money_str(amount: Decimal | None) -> str | None:
    """Yuan as the decimal string of the gold (``"115000.00"``)."""
    if amount is None:
        return None
    return str(amount.quantize(YUAN_QUANTUM))


def number_str(text: str) -> str:
    """A value as written but without spaces or thousands separators (``2,808,000`` → ``2808000``)."""
    return _NUMBER_GAPS.sub("", text)


_OPS = {
    "≥": "≥", ">=": "≥", "＞＝": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥",
    "≤": "≤", "<=": "≤", "＜＝": "≤", "小于等于": "≤", "不超过": "≤", "不高于": "≤",
    "=": "=", "＝": "=", "等于": "=",
    ">": ">", "＞": ">", "大于": ">",
    "<": "<", "＜": "<", "小于": "<",
    "定性": "定性",
}


def normalize_op(text: str | None) -> str | None:
    """An operator cell (``>=``, ``≥``, ``大于等于``, ``定性`` …) → one of ≥ ≤ = > < 定性, else None."""
    t = clean_text(text)
    if t is None:
        return None
    return _OPS.get(t)


def normalize_unit(text: str | None) -> str | None:
    """A unit cell: whitespace removed; 百分比 and ％ are written ``%``."""
    u = clean_text(text)
    if u is None:
        return None
    u = unicodedata.normalize("NFKC", u) if u == "％" else u
    return "%" if u in ("百分比", "%") else u


_VALUE_UNIT = re.compile(r"^([+-]?\d[\d,，\s]*(?:\.\s*\d+)?)\s*(%|％|[^\d\s.,，%％][^\d]*)?$")


def split_value_unit(value_text: str | None, unit_text: str | None = None) -> tuple[str | None, str | None]:
    """Split a value cell that carries its unit (``98%`` → 98, %; ``2808000元`` → 2808000, 元).

    A value that is not <number><unit> is kept whole (``1次全区大会``) and the unit cell is used.
    """
    v = clean_text(value_text)
    unit = normalize_unit(unit_text)
    if v is None:
        return None, unit
    m = _VALUE_UNIT.match(v)
    if m and m.group(2) and _is_plain_unit(m.group(2)):
        return number_str(m.group(1)), unit or normalize_unit(m.group(2))
    if m and not m.group(2):
        return number_str(m.group(1)), unit
    return v, unit


_PLAIN_UNITS = re.compile(r"^(%|％|元|万元|亿元|个|次|人|人次|台|套|件|份|天|日|小时|分钟|秒|年|月|周|期|条|场|场次|项|家|"
                          r"户|间|处|平方米|米|公里|千米|吨|辆|部|本|册|篇|批|台、套|台套|万人次|万次|个工作日|工作日)$")


def _is_plain_unit(u: str) -> bool:
    return bool(_PLAIN_UNITS.match(u.strip()))


_ACTUAL = re.compile(r"^(?:[≥≤=＝><]|大于等于|小于等于|不低于|不少于|不超过|不高于)?\s*([+-]?\d[\d,，]*(?:\.\d+)?)\s*(.*)$")


def number_and_unit(text: str | None) -> tuple[Decimal, str | None] | None:
    """``93.5%`` → (93.5, %), ``12.6万人次`` → (12.6, 万人次), ``≥37家`` → (37, 家); None when not a number."""
    t = clean_text(text)
    if not t:
        return None
    m = _ACTUAL.match(unicodedata.normalize("NFKC", t))
    if not m:
        return None
    num = parse_decimal(m.group(1))
    if num is None:
        return None
    return num, normalize_unit(m.group(2)) if m.group(2) else None


def target_met(op: str | None, value: str | None, unit: str | None, actual: str | None) -> bool | None:
    """Whether ``actual`` meets the target ``op value unit``: only when both are numbers in the same unit
    (an achieved value printed without a unit takes the target's); direction from the operator; else None."""
    if op not in ("≥", ">", "≤", "<", "="):
        return None
    target = number_and_unit(value)
    got = number_and_unit(actual)
    if target is None or got is None:
        return None
    t_unit = unit or target[1]
    if got[1] is not None and t_unit is not None and got[1] != t_unit:
        return None
    a, t = got[0], target[0]
    return {"≥": a >= t, ">": a > t, "≤": a <= t, "<": a < t, "=": a == t}[op]
