"""Glued self-evaluation rows: numbers run together with no separator (``56.8055.281097.32%9.73`` under
全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分; ``处数10≥45处48处10`` under 三级指标 分值 年度指标值 全年实际值
得分). Only the labels' order and arithmetic can cut them: every split into numbers of the columns' kinds is
tried, and one is taken only when it alone agrees with the printed rate (执行率 = 执行数 / 预算数)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from kg.forms.values import UNITS

_MONEY = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?")
_WEIGHT = re.compile(r"[1-9]\d?|100")
_RATE = re.compile(r"(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?")
MONEY_KEYS = ("initial_budget", "budget", "spent")


def _d(text: str) -> Decimal:
    return Decimal(text)


def _splits(text: str, kinds: list[re.Pattern[str]]) -> list[list[str]]:
    """Every way to cut ``text`` into len(kinds) pieces, each a full match of its kind."""
    if not kinds:
        return [[]] if not text else []
    out = []
    for end in range(1, len(text) + 1):
        head = text[:end]
        if kinds[0].fullmatch(head):
            out.extend([head, *rest] for rest in _splits(text[end:], kinds[1:]))
    return out


def decode_funds(text: str, keys: list[str]) -> dict[str, str] | None:
    """A glued 年度资金总额 row → {key: printed value} for the funds header ``keys``, or None if not one way."""
    t = re.sub(r"\s+", "", text).replace("％", "%")
    if t.count("%") != 1 or "rate" not in keys:
        return None
    at = keys.index("rate")
    left, right = t.split("%")
    before, after = keys[:at], keys[at + 1:]
    kinds = [_MONEY if k in MONEY_KEYS else _WEIGHT for k in before] + [_RATE]
    tails = _splits(right, [_MONEY if k in MONEY_KEYS else _RATE for k in after])
    found = []
    for parts in _splits(left, kinds):
        vals = dict(zip(before, parts[:-1], strict=True))
        rate = parts[-1]
        budget, spent = vals.get("budget"), vals.get("spent")
        if budget is None or spent is None or _d(budget) == 0:
            continue
        places = len(rate.split(".")[1]) if "." in rate else 0
        computed = (_d(spent) / _d(budget) * 100).quantize(Decimal(1).scaleb(-places))
        if abs(computed - _d(rate)) > Decimal(1).scaleb(-places):
            continue
        for tail in tails or [[]]:
            found.append({**vals, "rate": rate + "%", **dict(zip(after, tail, strict=True))})
    if len(found) > 1:  # the funds score (分值 × 执行率) settles a tie
        found = [f for f in found if _score_agrees(f)] or found
    return found[0] if len(found) == 1 else None


def _score_agrees(f: dict[str, str]) -> bool:
    if "weight" not in f or "score" not in f:
        return False
    expected = _d(f["weight"]) * _d(f["rate"].rstrip("%")) / 100
    return abs(expected - _d(f["score"])) <= Decimal("0.01")


@lru_cache(maxsize=1)
def _unit_re() -> str:
    return "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))


_OPS = r"(?:[≥≤=＝><≧≦]|大于等于|小于等于|不低于|不少于|不超过|不高于)"


@lru_cache(maxsize=64)
def _row_pattern(keys: tuple[str, ...], mode: str) -> re.Pattern[str]:
    """One row's pattern. ``same``: achieved as printed for the target (6 | 6 | 20 in 6620, the usual case, tried
    first); ``figures``: a figure after a figure, words after the same words; ``free``: words may follow either."""
    # a figure has no leading zero (``20|100%``, not ``201|00%``); a 分值/得分 is at most 100
    num = rf"(?:0|[1-9][\d,]*)(?:\.\d+)?(?:{_unit_re()})?"
    parts = [r"(?P<l3>[^\d≥≤=＝><≧≦]+?)"]
    for k in keys:
        if k in ("weight", "score"):
            parts.append(rf"(?P<{k}>(?:100|[1-9]?\d)(?:\.\d{{1,2}})?)")
        elif k == "value":
            parts.append(rf"(?P<value>{_OPS}?{num}|(?P<qv>[^\d≥≤=＝><]+?))")
        elif k == "actual":  # an achieved value may repeat the target's operator (≥266米 | ≥266米)
            # a worded target is achieved in words (never 补 | 贴渔船数 | 662): figures only after a figure
            parts.append({"same": r"(?P<actual>(?P=value))", "figures": rf"(?P<actual>(?(qv)(?P=qv)|{_OPS}?{num}))",
                          "free": rf"(?P<actual>(?(qv)[^\d]+?|(?:{_OPS}?{num}|[^\d]+?)))"}[mode])
        else:
            return re.compile(r"(?!)")
    return re.compile("".join(parts))


@lru_cache(maxsize=1)
def _unscored_pattern() -> re.Pattern[str]:
    """A row of 三级指标 年度指标值 全年完成值 with no 分值/得分 to anchor it: a name (which may begin with figures:
    5000吨稻谷、500吨成品粮储备到位率), then two figures, or a worded target and the same words achieved."""
    num = rf"{_OPS}?(?:0|[1-9][\d,]*)(?:\.\d+)?(?:{_unit_re()})?"
    name = r"(?:\d[\d,.]*[\u4e00-\u9fff、]+)*[^\d≥≤=＝><≧≦]+?"
    # a figure is not cut inside its digits (100%100% is 100% | 100%, never 10 | 0%), except 00 (0 | 0)
    value = rf"{_OPS}?0(?=\d)|{num}(?!(?<=\d)\d)"
    return re.compile(rf"(?P<l3>{name})(?:(?P<value>{value})(?P<actual>{num})|(?P<qv>[^\d≥≤=＝><]+?)(?P<qa>(?P=qv)))")


def name_and_target(text: str) -> dict[str, str] | None:
    """The last glued row a decoding could not cut (``政策性挂账利息补贴保障率100%无没有轮换、动用库存``): its name and
    target are clear, what follows (the achieved words run into a reason) is not cut: left out."""
    num = rf"{_OPS}?(?:0|[1-9][\d,]*)(?:\.\d+)?(?:{_unit_re()})?"
    m = re.fullmatch(rf"(?P<l3>[^\d≥≤=＝><≧≦]{{2,}}?)(?P<value>{num})(?P<rest>[^\d.,%].*)", text)
    return {"l3": m.group("l3"), "value": m.group("value")} if m else None


def decode_indicator_rows(text: str, keys: list[str], partial: bool = False):
    """A glued piece of one or more indicator rows (name, then the columns ``keys`` in order) → rows, when the
    whole piece cuts so; a qualitative target and its achieved value must read the same to be cut apart."""
    keys = [k for k in keys if k != "reason"]
    if not {"value", "actual"} <= set(keys):
        return None
    scored = any(k in keys for k in ("weight", "score"))
    if not scored and keys != ["value", "actual"]:
        return None
    pats = [_row_pattern(tuple(keys), m) for m in ("same", "figures", "free")] if scored else [_unscored_pattern()]
    rows: list[dict[str, str]] = []
    pos = 0
    t = re.sub(r"[…\.]{2,}$", "", text.replace(" ", ""))  # a template's trailing …… (rows left unfilled)
    while pos < len(t):
        for pat in pats:
            m = pat.match(t, pos)
            if m and (m.end() == len(t) or not t[m.end()].isdigit()):
                got = m.groupdict()
                rows.append({"l3": got["l3"], **{k: got.get(k) or got.get("q" + k[0]) for k in keys}})
                pos = m.end()
                break
        else:
            if partial and rows:
                return rows, t[pos:]
            return None
    if partial:
        return (rows, "") if rows else None
    return rows or None


def total_score(text: str) -> str:
    """``10099.73`` printed under 分值 100 and 得分 glued → ``99.73``."""
    t = text.strip()
    try:
        if Decimal(t) > 100 and t.startswith("100") and len(t) > 3:
            return t[3:]
    except InvalidOperation:
        pass
    return t
