"""Evidence-based linking: target forms → budget projects (name similarity + amount), prose mentions → aliases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from kg.normalize import clean_text

# Name similarity (rapidfuzz ratio, 0-100) a form needs to link to a project whose amount equals its own.
NAME_MIN_WITH_AMOUNT = 50.0
# … and without amount evidence (then it must also beat the runner-up by NAME_MARGIN).
NAME_MIN_ALONE = 85.0
NAME_MARGIN = 10.0
# A prose mention (主要项目：一是…) becomes an alias when this similar to one project and clearly not to others.
PROSE_ALIAS_MIN = 65.0
PROSE_ALIAS_MARGIN = 15.0
AMOUNT_TOLERANCE = Decimal("0.01")
CONFIDENCE_AMOUNT_ONLY = 0.8
_PROSE_LIST = re.compile(r"[一二三四五六七八九十]+是([^；;。，,]+)")


@dataclass(frozen=True)
class Link:
    index: int  # index into the candidate list
    method: str  # exact_name, name_amount_match, name_match
    confidence: float
    similarity: float


def name_similarity(a: str, b: str) -> float:
    return float(fuzz.ratio(clean_text(a) or "", clean_text(b) or ""))


def amounts_equal(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= AMOUNT_TOLERANCE


def link_form(name: str, amounts: Sequence[Decimal], candidates: Sequence[tuple[str, Decimal | None]],
              taken: set[int]) -> Link | None:
    """The candidate (name, amount) a form (name, possible amounts) belongs to, with the evidence used."""
    free = [(i, n, a) for i, (n, a) in enumerate(candidates) if i not in taken]
    key = clean_text(name) or ""
    for i, n, _a in free:
        if (clean_text(n) or "") == key:
            return Link(i, "exact_name", 1.0, 100.0)
    scored = sorted(((name_similarity(name, n), any(amounts_equal(x, a) for x in amounts), i) for i, n, a in free),
                    reverse=True)
    with_amount = [s for s in scored if s[1] and s[0] >= NAME_MIN_WITH_AMOUNT]
    if with_amount:
        sim, _, i = with_amount[0]
        return Link(i, "name_amount_match", round(min(0.99, 0.5 + sim / 200), 2), sim)
    if scored and scored[0][0] >= NAME_MIN_ALONE:
        runner = scored[1][0] if len(scored) > 1 else 0.0
        if scored[0][0] - runner >= NAME_MARGIN:
            return Link(scored[0][2], "name_match", round(scored[0][0] / 100 * 0.9, 2), scored[0][0])
    return None


def prose_mentions(text: str) -> list[str]:
    """Project names listed in prose as 一是X；二是Y；三是Z."""
    return [m.strip() for m in _PROSE_LIST.findall(text) if m.strip()]


def prose_alias_target(mention: str, spellings: Sequence[Sequence[str]]) -> int | None:
    """Index of the project (given all its spellings) a prose mention names, or None if unclear / exact."""
    key = clean_text(mention) or ""
    if any(key == (clean_text(s) or "") for group in spellings for s in group):
        return None
    best = sorted(((max((name_similarity(key, s) for s in group), default=0.0), i)
                   for i, group in enumerate(spellings)), reverse=True)
    if not best or best[0][0] < PROSE_ALIAS_MIN:
        return None
    runner = best[1][0] if len(best) > 1 else 0.0
    return best[0][1] if best[0][0] - runner >= PROSE_ALIAS_MARGIN else None
