"""Fuzzy name matching with rapidfuzz: typos, abbreviations, dropped or inserted words, aliases.

The score of a query ``q`` against a name ``s`` is built on their longest common subsequence
(characters in order, gaps allowed): how much of the query the name covers and how much of the name
the query covers. ``外事经费`` covers all of ``外事工作经费`` but two characters; ``运维`` is a
subsequence of ``运行维护``; ``会议室设被保障`` misses one character of its name.

A long text holds most characters of any short query somewhere, scattered; so the score is scaled
down when the matched characters are spread over a stretch of the name much longer than the query
(:data:`SPREAD_TOLERANCE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from index.analysis import fold

QUERY_COVER_WEIGHT = 0.75  # weight of "how much of the query is in the name"
NAME_COVER_WEIGHT = 0.25  # weight of "how much of the name is in the query"
MIN_QUERY_COVER = 0.5  # names sharing less than half the query's characters are not candidates
SPREAD_TOLERANCE = 2.0  # matched characters may spread over this many times their count without penalty
CANDIDATES = 60
RESCORE = 4  # rescore this many times CANDIDATES of the best raw scores with the spread penalty
_DROP = re.compile(r"[^\w%]|_")


def normalize(s: str) -> str:
    """Folded, lower-cased, without spaces and punctuation that never decides a match."""
    return _DROP.sub("", fold(s).lower())


def score(query: str, name: str) -> float:
    """Fuzzy similarity in [0, 1] (see the module doc)."""
    q, s = normalize(query), normalize(name)
    if not q or not s:
        return 0.0
    return _combine(LCSseq.similarity(q, s), len(q), len(s)) * compactness(q, s)


def _combine(lcs: int, lq: int, ls: int) -> float:
    return QUERY_COVER_WEIGHT * lcs / lq + NAME_COVER_WEIGHT * lcs / ls


def compactness(q: str, s: str) -> float:
    """1.0 when the common characters sit within SPREAD_TOLERANCE × their count in ``s``, falling to 0.5."""
    blocks = [op for op in LCSseq.opcodes(q, s) if op.tag == "equal"]
    if not blocks:
        return 0.0
    matched = sum(b.dest_end - b.dest_start for b in blocks)
    span = blocks[-1].dest_end - blocks[0].dest_start
    allowed = max(matched * SPREAD_TOLERANCE, matched + 2)
    return 1.0 if span <= allowed else 0.5 + 0.5 * allowed / span


@dataclass
class Lexicon:
    """Distinct normalized names → the index entries (eids) that carry them."""

    names: list[str]  # normalized, distinct
    display: list[str]  # one original spelling per name
    eids: list[list[str]]

    @classmethod
    def from_items(cls, items_by_doc: dict[str, list[list[str]]]) -> Lexicon:
        pos: dict[str, int] = {}
        names: list[str] = []
        display: list[str] = []
        eids: list[list[str]] = []
        for items in items_by_doc.values():
            for eid, name in items:
                key = normalize(name)
                if not key:
                    continue
                if key not in pos:
                    pos[key] = len(names)
                    names.append(key)
                    display.append(name)
                    eids.append([])
                eids[pos[key]].append(eid)
        return cls(names, display, eids)

    def match(self, query: str, limit: int = CANDIDATES, min_score: float = 0.0) -> list[tuple[float, int]]:
        """Best (score, name index) pairs for ``query``, best first."""
        q = normalize(query)
        if not q or not self.names:
            return []
        cutoff = max(1, int(len(q) * MIN_QUERY_COVER + 0.999))
        raw = [(_combine(int(lcs), len(q), len(self.names[i])), i)
               for _n, lcs, i in process.extract_iter(q, self.names, scorer=LCSseq.similarity, processor=None,
                                                      score_cutoff=cutoff)]
        raw.sort(key=lambda t: -t[0])
        scored = [(sc * compactness(q, self.names[i]), i) for sc, i in raw[:limit * RESCORE]]
        scored = [t for t in scored if t[0] >= min_score]
        scored.sort(key=lambda t: (-t[0], len(self.names[t[1]])))
        return scored[:limit]
