"""Best owners of the rows between project rows (numbered_tables 12表): a dynamic programme over the gap splits.

Split s of gap k gives the gap's first s rows to project k and the rest to project k+1; a split's score is the sum
of its projects' segment scores (the evidence's ``segment``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.layouts.numbered_tables.assign import _Evidence as Evidence


class Solver:
    """Best gap splits by dynamic programming; split s of gap k gives its first s rows to project k."""

    def __init__(self, gaps: list[list[int]], fixed: dict[int, int], ev: Evidence, n: int):
        self.gaps, self.ev, self.n = gaps, ev, n
        self.fixed_of: list[list[int]] = [[i for i, o in fixed.items() if o == k] for k in range(n)]
        self._seg: dict[tuple[int, int | None, int | None], tuple[float, dict[str, float]]] = {}
        self._free: tuple[list[dict[int, float]], list[dict[int, int]]] | None = None  # the unconstrained run
        self._breakdowns: dict[tuple[int, ...], dict[str, float]] = {}

    def members(self, k: int, s_prev: int | None, s_next: int | None) -> list[int]:
        m = list(self.fixed_of[k])
        if s_prev is not None:
            m += self.gaps[k - 1][s_prev:]
        if s_next is not None:
            m += self.gaps[k][:s_next]
        return m

    def seg(self, k: int, s_prev: int | None, s_next: int | None) -> tuple[float, dict[str, float]]:
        key = (k, s_prev, s_next)
        if key not in self._seg:
            b = self.ev.segment(k, self.members(k, s_prev, s_next))
            self._seg[key] = (sum(b.values()), b)
        return self._seg[key]

    def best(self, ranges: dict[int, tuple[int, int]] | None = None) -> list[int]:
        ranges = ranges or {}
        if self.n == 1:
            return []
        opts = [range(ranges.get(g, (0, len(gap)))[0], ranges.get(g, (0, len(gap)))[1] + 1)
                for g, gap in enumerate(self.gaps)]
        # values[k][s] = best score of projects 0..k given split s of gap k; back[k-1][s] = best split of gap k-1.
        # Both depend only on the ranges of gaps 0..k: a run that constrains gap g reuses the free run's first g.
        start = min(ranges, default=self.n - 1)
        if self._free is not None and start > 0:
            values, back = self._free[0][:start], self._free[1][:start - 1]
        else:
            values, back, start = [{s: self.seg(0, None, s)[0] for s in opts[0]}], [], 1
        for k in range(start, self.n - 1):
            nv: dict[int, float] = {}
            bk: dict[int, int] = {}
            for s in opts[k]:
                nv[s], bk[s] = self._best_prev(k, opts[k - 1], s, values[-1])
            values.append(nv)
            back.append(bk)
        if not ranges:
            self._free = (values, back)
        s = self._best_prev(self.n - 1, opts[-1], None, values[-1])[1]
        splits = [s]
        for bk in reversed(back):
            s = bk[s]
            splits.append(s)
        return list(reversed(splits))

    def _best_prev(self, k: int, prev: range, s: int | None, value: dict[int, float]) -> tuple[float, int]:
        """(score, split) of the split of gap k-1 that maximises value + segment k's score; ties: the larger split
        (``max`` over (score, split), without a key function per candidate)."""
        cache = self._seg
        best: tuple[float, int] | None = None
        for sp in prev:
            hit = cache.get((k, sp, s))
            cand = (value[sp] + (hit if hit is not None else self.seg(k, sp, s))[0], sp)
            if best is None or cand > best:
                best = cand
        assert best is not None  # every split range holds at least one split
        return best

    def owners(self, splits: list[int]) -> dict[int, int]:
        out: dict[int, int] = {}
        for k in range(self.n):
            s_prev = splits[k - 1] if k > 0 else None
            s_next = splits[k] if k < self.n - 1 else None
            for i in self.members(k, s_prev, s_next):
                out[i] = k
        return out

    def breakdown(self, splits: list[int]) -> dict[str, float]:
        """Summed evidence of a split (read-only: kept for the next row that asks about the same split)."""
        key = tuple(splits)
        if key not in self._breakdowns:
            self._breakdowns[key] = self._breakdown(splits)
        return self._breakdowns[key]

    def _breakdown(self, splits: list[int]) -> dict[str, float]:
        out: dict[str, float] = {}
        for k in range(self.n):
            b = self.seg(k, splits[k - 1] if k > 0 else None, splits[k] if k < self.n - 1 else None)[1]
            for m, v in b.items():
                out[m] = out.get(m, 0.0) + v
        return out
