"""Family A, step 5: tie the spellings of other tables (表十一, 表十三, 表十四) to the 表四 project names.

Exact (whitespace-free) matches first; then, one-to-one, the best fuzzy match above :data:`FUZZY_MIN`
with a clear margin over the runner-up. Containment (``…备品备件`` in ``…备品备件项目``) scores high.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from kg.normalize import clean_text

# Lowest similarity (0-100) that ties two spellings of a project name.
FUZZY_MIN = 85.0
# The best match must beat the runner-up by this much.
FUZZY_MARGIN = 5.0
# A name contained in the other scores this, scaled by the length ratio (short/long) …
CONTAINMENT_SCORE = 100.0
# … if the shorter one is at least this share of the longer one.
CONTAINMENT_MIN_SHARE = 0.6
# A spelling left unlinked is tied to the one free project of exactly its amount if their characters, in any
# order, are at least this similar (0-100): ``…政协提案人大建议…`` for ``…人大建议政协提案…``.
AMOUNT_LINK_MIN = 60.0


@dataclass(frozen=True)
class NameLink:
    """``other`` (as printed elsewhere) is project ``canonical``; how surely."""

    other: str
    canonical: str
    method: str  # exact / fuzzy
    score: float


def similarity(a: str, b: str) -> float:
    a, b = clean_text(a) or "", clean_text(b) or ""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(short) / len(long_) >= CONTAINMENT_MIN_SHARE:
        return max(CONTAINMENT_SCORE * (0.9 + 0.1 * len(short) / len(long_)), fuzz.ratio(a, b))
    return float(fuzz.ratio(a, b))


def link_names(canonical: list[str], others: list[str]) -> dict[str, NameLink]:
    """Map each spelling in ``others`` to at most one canonical name (each canonical used once)."""
    links: dict[str, NameLink] = {}
    free = list(dict.fromkeys(canonical))
    keyed = {clean_text(c): c for c in free}
    pending = []
    for o in dict.fromkeys(others):
        c = keyed.get(clean_text(o))
        if c is not None and c in free:
            links[o] = NameLink(o, c, "exact", 100.0)
            free.remove(c)
        else:
            pending.append(o)
    scored = []
    for o in pending:
        ranked = sorted(((similarity(o, c), c) for c in free), reverse=True)
        if not ranked or ranked[0][0] < FUZZY_MIN:
            continue
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < FUZZY_MARGIN:
            continue
        scored.append((ranked[0][0], o, ranked[0][1]))
    for score, o, c in sorted(scored, reverse=True):
        if c in free and o not in links:
            links[o] = NameLink(o, c, "fuzzy", score)
            free.remove(c)
    return links


def char_bag_similarity(a: str, b: str) -> float:
    """Similarity of the two names' characters regardless of order (0-100)."""
    return float(fuzz.token_sort_ratio(" ".join(clean_text(a) or ""), " ".join(clean_text(b) or "")))


def link_by_amount(others: dict[str, Decimal | None], canonical: dict[str, Decimal | None]) -> dict[str, NameLink]:
    """Tie each spelling in ``others`` (→ its amount) to the only free canonical name of the same amount."""
    links: dict[str, NameLink] = {}
    free = dict(canonical)
    for o, amount in others.items():
        same = [c for c, a in free.items() if amount is not None and a == amount]
        if len(same) == 1 and (score := char_bag_similarity(o, same[0])) >= AMOUNT_LINK_MIN:
            links[o] = NameLink(o, same[0], "amount", score)
            del free[same[0]]
    return links
