"""Score a search index against a query set (``tests/search_queries.json``): recall@k and MRR.

A query counts as found at rank r when the r-th hit matches any of its expectations: same ``kind``,
and the same ``project`` / ``name`` where the expectation gives them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.build import SearchIndex
from index.query import Hit, search

RECALL_AT = 5
SEARCH_DEPTH = 10  # hits fetched per query (ranks beyond this count as not found)


@dataclass
class QueryOutcome:
    query: str
    category: str
    rank: int | None  # 1-based rank of the first right hit, None if not in the first SEARCH_DEPTH
    seconds: float
    top: list[str] = field(default_factory=list)  # "kind:name" of the first hits, for failure reports


@dataclass
class Evaluation:
    outcomes: list[QueryOutcome]

    def recall(self, k: int = RECALL_AT) -> float:
        return sum(1 for o in self.outcomes if o.rank and o.rank <= k) / max(1, len(self.outcomes))

    def mrr(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / max(1, len(self.outcomes))

    def latencies(self) -> list[float]:
        return sorted(o.seconds for o in self.outcomes)

    def misses(self, k: int = RECALL_AT) -> list[QueryOutcome]:
        return [o for o in self.outcomes if not o.rank or o.rank > k]


def load_queries(path: Path) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["queries"]


def hit_matches(hit: Hit, expect: dict[str, Any]) -> bool:
    if hit.kind != expect["kind"]:
        return False
    if expect.get("project") is not None and hit.project != expect["project"]:
        return False
    return expect.get("name") is None or hit.name == expect["name"]


def first_rank(hits: list[Hit], expects: list[dict[str, Any]]) -> int | None:
    for r, h in enumerate(hits, 1):
        if any(hit_matches(h, e) for e in expects):
            return r
    return None


def evaluate(si: SearchIndex, queries: list[dict[str, Any]], fuzzy: bool = True) -> Evaluation:
    out = []
    for q in queries:
        t0 = time.perf_counter()
        res = search(si, q["query"], limit=SEARCH_DEPTH, fuzzy=fuzzy)
        dt = time.perf_counter() - t0
        out.append(QueryOutcome(q["query"], q.get("category", ""), first_rank(res.hits, q["expect"]), dt,
                                [f"{h.kind}:{h.name}" for h in res.hits[:RECALL_AT]]))
    return Evaluation(out)
