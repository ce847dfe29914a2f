"""Cell text → which label it is: exact first, then within a bounded edit distance (OCR noise).

Labels are compared in a canonical form: NFKC (full-width brackets and colons folded), whitespace removed,
a trailing colon removed, a bracketed unit (``（万元）``) split off and returned with the match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import Levenshtein

from kg.forms import vocabulary as vocab

_WS = re.compile(r"[\s\u3000\u00a0]+")
_UNIT_BRACKET = re.compile(r"\((万元|元|亿元|千元)\)")
_CIRCLED = re.compile(r"\([A-Za-z/]+\)")  # (A), (B/A): column markers of self-evaluation headers
# How many characters of a cell may follow a label as its value ("资金总额:250", "项目名称：…").
_LABEL_VALUE = re.compile(r"^(?P<label>[^:]{2,14}?):(?P<value>.*)$")


# A gloss in brackets after a label: 指标值(或计划水平), 指标值(包含数字及文字描述), 数量指标(或建筑规模指标),
# 时效指标(工期指标、形象进度指标) — the label before it is the one meant.
_GLOSS = re.compile(r"\((?:或|包含|含|即|如)[^()]{1,16}\)|\([^()]{1,14}指标(?:、[^()]{1,12})?\)$"
                    r"|\((?:19|20)\d{2}年?[-—–~至]+(?:19|20)\d{2}年?\)$")  # 中期滚动目标(2019年--2021年)
_GLOSS_TAIL = re.compile(r"\([^()]{1,14}指标(?:、[^()]{1,12})?\)$")
_SCORE_NOTE = re.compile(r"\s*[（(]\s*\d{1,3}\s*(?:[-~～—]\s*\d{1,3}\s*)?分?\s*[)）]\s*分?$")
_NUMBERING = re.compile(r"^(?:\d{1,2}[.、]|\(?[一二三四五六七八九十]{1,2}[)、]|\(\d{1,2}\))")
# a note in brackets: a seal, a block weight, a scoring formula (得分（20分*执行率）), a score range ((0-20)分)
_NOTE = re.compile(r"\((?:盖章|签章|签字|公章|\d{1,3}分|[^()]{0,12}[*×][^()]{0,12})\)|\(\d{1,3}[-~～—]\d{1,3}\)分$"
                   r"|\(\d{1,3}[-~～—]\d{1,3}分\)$")


@lru_cache(maxsize=65536)
def canon(text: str) -> str:
    """A cell as a label: full-width folded, whitespace, a list number (1. / （一）), a note in brackets
    ((盖章), (10分)) and a trailing colon removed."""
    t = unicodedata.normalize("NFKC", text)
    t = _WS.sub("", t)
    t = _NOTE.sub("", _NUMBERING.sub("", t))
    return t.rstrip(":")


@dataclass(frozen=True)
class LabelMatch:
    kind: str  # "field", "column", "frame", "l1", "l2", "grid"
    key: str  # field or column key, or the category term
    label: str  # the vocabulary variant matched
    unit: str | None = None  # a unit stated in the label's brackets
    value: str | None = None  # text after the label's colon in the same cell
    distance: int = 0  # edits needed (0 = exact)


def _table(kind: str) -> dict[str, str]:
    if kind == "field":
        src = vocab.FIELD_LABELS
    elif kind == "column":
        src = vocab.COLUMN_LABELS
    else:
        terms = {"l1": vocab.L1_TERMS, "l2": vocab.L2_TERMS, "grid": vocab.GRID_TERMS,
                 "frame": vocab.FRAME_LABELS}[kind]
        return {canon(t): t for t in terms}
    out: dict[str, str] = {}
    for key, variants in src.items():
        for v in variants:
            out.setdefault(_strip_markers(canon(v)), key)
    return out


@cache
def _lookup(kind: str) -> dict[str, str]:
    return _table(kind)


def _strip_markers(c: str) -> str:
    return _CIRCLED.sub("", c)


def _max_edits(n: int, kind: str = "field") -> int:
    best = 0
    for length, edits in vocab.MAX_COLUMN_EDITS if kind == "column" else vocab.MAX_LABEL_EDITS:
        if n >= length:
            best = edits
    return best


@lru_cache(maxsize=65536)
def match(text: str, kind: str, fuzzy: bool = True) -> LabelMatch | None:
    """The label of ``kind`` that ``text`` is (whole cell, or ``label:value``), else None."""
    if not text:
        return None
    c = canon(text)
    if "兀" in c:
        c = c.replace("万兀", "万元")
    unit = None
    m = _UNIT_BRACKET.search(c)
    if m:
        unit = m.group(1)
        c = (c[: m.start()] + c[m.end():]).rstrip(":")
    value = None
    table = _lookup(kind)
    key = table.get(_strip_markers(c))
    if key is None and ":" in c:
        lv = _LABEL_VALUE.match(c)
        if lv:
            head = _strip_markers(lv.group("label"))
            m2 = _UNIT_BRACKET.search(head)
            if m2:
                unit = m2.group(1)
                head = head[: m2.start()] + head[m2.end():]
            key = table.get(head)
            if key is not None:
                value = text.split(":", 1)[1].strip() if ":" in text else (
                    text.split("：", 1)[1].strip() if "：" in text else lv.group("value"))
                c = head
    if key is None and _GLOSS.search(c):
        bare = _strip_markers(_GLOSS_TAIL.sub("", _GLOSS.sub("", c)))
        if len(bare) >= 2 and table.get(bare) is not None:
            key, c = table[bare], bare
    if key is not None:
        return LabelMatch(kind, key if kind in ("field", "column") else table[c], c, unit, value or None)
    if not fuzzy or len(c) > 14 or any(ch.isdigit() for ch in c):
        return None
    fixed = _ocr_fold(c)
    if fixed != c:
        hit = match(fixed, kind, fuzzy=False)
        if hit is not None:
            return LabelMatch(hit.kind, hit.key, hit.label, hit.unit, hit.value, 1)
    best: tuple[int, str] | None = None
    for variant, allowed in _candidates(kind, len(c)):
        d = Levenshtein.distance(c, variant, score_cutoff=allowed)
        if d <= allowed and (best is None or d < best[0]):
            best = (d, variant)
    if best is None:
        return None
    key = table[best[1]]
    return LabelMatch(kind, key if kind in ("field", "column") else key, best[1], unit, None, best[0])


@cache
def _candidates(kind: str, n: int) -> tuple[tuple[str, int], ...]:
    """The variants of ``kind`` a text of ``n`` characters can be a fuzzy match of, in table order (ties go to
    the first), each with the edits allowed: both lengths' :func:`_max_edits` allow one, and the lengths differ
    by no more than that (computed once per length instead of per variant and text)."""
    limit = _max_edits(n, kind)
    out = []
    for variant in _lookup(kind) if limit else ():
        allowed = min(limit, _max_edits(len(variant), kind))
        if allowed >= 1 and abs(len(variant) - n) <= allowed:
            out.append((variant, allowed))
    return tuple(out)


@lru_cache(maxsize=65536)
def _ocr_fold(c: str) -> str:
    for seen, meant in vocab.OCR_FIXES:
        c = c.replace(seen, meant)
    return c


def field(text: str) -> LabelMatch | None:
    return match(text, "field")


def category(text: str, level: str) -> str | None:
    """``text`` as an indicator category of ``level`` (l1 / l2 / grid), exact only, else None."""
    m = match(text, level, fuzzy=False)
    return _SCORE_NOTE.sub("", text.strip()) if m else None  # 成本指标(0-20)分 → 成本指标


_FRAME_TITLE = re.compile(r"^[^，。；]{0,16}绩效[^，。；]{0,12}表$")


@lru_cache(maxsize=65536)
def is_frame(text: str) -> bool:
    """A label that only frames the form (绩效指标, 单位：万元, a table title such as 绩效项目指标表)."""
    m = match(text, "frame", fuzzy=False)
    if (m is not None and not m.value) or bool(_FRAME_TITLE.match(canon(text))):
        return True
    folded = _ocr_fold(canon(text))
    return folded != canon(text) and match(folded, "frame", fuzzy=False) is not None
