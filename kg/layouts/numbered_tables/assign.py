"""Decide which project owns each indicator row of a target-form table whose merged cells print at a mid-point.

A PDF→text export prints a merged 项目名称 cell on one row of its block — not always the first — so the rows
between two project rows may belong to either. Model: every project owns one contiguous block of rows that
contains its own row; between two consecutive project rows lies a *gap* that is split once (the first rows go to
the upper project, the rest to the lower one). Each split is scored from the document's own evidence:

- ``dept_table_group``: the department-wide table (13表) lists the row in the same group as rows already owned;
- ``dept_table_project``: the 13表 row names a project;
- ``cost_amount_match``: a 成本 row in 元/万元 whose value is the project's amount;
- ``sibling_row``: same 一级/二级 indicator, operator and (count) unit as a row the project owns;
- ``goal_text_match``: words of the indicator found only in that project's name and goal;
- ``one_satisfaction_per_project``: each project gets exactly one 满意度 row (when the counts allow);
- ``position``: the conventional reading, a project row heads its block — or, when rows precede the first
  project row (mid-point printing), the nearer project row.

The best splits are found by dynamic programming over the gaps (the score of a project's block depends only on
the two splits around it). Each inferred row records the evidence that most separates the chosen owner from the
best alternative, with a confidence for that kind of evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from kg.layouts.numbered_tables.solve import Solver

WEIGHTS = {
    "dept_table_project": 3.0,
    "dept_table_group": 3.0,
    "cost_amount_match": 2.0,
    "sibling_row": 1.5,
    "goal_text_match": 1.0,
    "one_satisfaction_per_project": 0.75,
    "position": 0.5,
}
CONFIDENCE = {
    "form_row": 1.0,
    "block_edge": 0.95,
    "dept_table_project": 0.95,
    "dept_table_group": 0.9,
    "cost_amount_match": 0.85,
    "one_satisfaction_per_project": 0.8,
    "sibling_row": 0.75,
    "goal_text_match": 0.7,
    "position": 0.5,
}
METHOD_PREFIX = "merged_cell_repair:"
# A decision whose total score margin is below this is recorded with reduced confidence.
CLEAR_MARGIN = 0.5
LOW_MARGIN_FACTOR = 0.8
# A decision against which some evidence other than the layout prior points is recorded with reduced confidence.
CONTESTED_FACTOR = 0.8
# Name similarity at or above which a 13表 row is the same indicator as a 12表 row.
MATCH_MIN_SIMILARITY = 0.6
# Shortest text that counts when one indicator name contains the other.
MIN_CONTAINED_CHARS = 4
# A cost value within this share of a project's amount is that project's cost.
COST_TOLERANCE = Decimal("0.01")
# Units that do not single out an indicator family (sibling evidence ignores them).
NON_DISTINCTIVE_UNITS = frozenset({None, "%", "元", "万元", "亿元"})
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
# Fewest distinctive words a goal-text share is taken over (one shared bigram alone is weak evidence).
MIN_DISTINCTIVE_WORDS = 2
SATISFACTION_WORD = "满意"
COST_WORD = "成本"

_PUNCT = re.compile(r"[^\w]|_", re.UNICODE)


@dataclass
class Item:
    """An indicator row: its order among the table's rows and its cells; ``head_of`` when a project's own row."""

    pos: int
    l1: str | None
    l2: str | None
    l3: str | None
    op: str | None
    value: str | None
    unit: str | None
    head_of: int | None = None

    @property
    def is_satisfaction(self) -> bool:
        return SATISFACTION_WORD in (self.l1 or "") + (self.l2 or "")


@dataclass
class Candidate:
    """A project as an owner: its name, name + goal text, amount in yuan and the order of its own row."""

    name: str
    text: str
    amount: Decimal | None
    pos: int
    pos_end: int | None = None  # last own row when the project row is printed again (page break)

    @property
    def last(self) -> int:
        return self.pos if self.pos_end is None else self.pos_end


@dataclass
class DeptRow:
    """A department-wide (13表) indicator row: its group label (活动) and optional project name."""

    l3: str | None
    op: str | None
    value: str | None
    unit: str | None
    group: str | None
    project: str | None = None


@dataclass
class Ownership:
    project: int
    method: str
    confidence: float
    evidence: dict[str, float] = field(default_factory=dict)


def assign_owners(items: Sequence[Item], projects: Sequence[Candidate], dept: Sequence[DeptRow]) -> list[Ownership]:
    """Owner of every item (same order). Needs at least one project."""
    if not projects:
        return []
    gaps, fixed = _layout(items, projects)
    matches = match_dept_rows(items, dept, skip_ambiguous=True)
    anchors = {i: o for i, o in fixed.items()}
    sat_active = sum(it.is_satisfaction for it in items) == len(projects)
    owners: dict[int, int] = dict(anchors)
    splits: list[int] = []
    for _ in range(2):  # pass 1: evidence from fixed rows only; pass 2: from the pass-1 owners too
        ev = _Evidence(items, projects, dept, matches, owners, sat_active, anchors)
        solver = Solver(gaps, fixed, ev, len(projects))
        splits = solver.best()
        owners = solver.owners(splits)
    return [_explain(i, owners[i], fixed, gaps, solver, splits) for i in range(len(items))]


def _layout(items: Sequence[Item], projects: Sequence[Candidate]) -> tuple[list[list[int]], dict[int, int]]:
    """(gaps: item indices between project k's last row and project k+1's row, fixed: item → project for rows
    with one candidate: own rows, rows before the first / after the last project row, rows between two prints
    of the same project row)."""
    n = len(projects)
    gaps: list[list[int]] = [[] for _ in range(max(0, n - 1))]
    fixed: dict[int, int] = {}
    for i, it in enumerate(items):
        k = sum(p.pos <= it.pos for p in projects) - 1
        if it.head_of is not None:
            fixed[i] = it.head_of
        elif k < 0:
            fixed[i] = 0
        elif k >= n - 1 or it.pos <= projects[k].last:
            fixed[i] = max(k, 0)
        else:
            gaps[k].append(i)
    return gaps, fixed


@lru_cache(maxsize=65536)  # the same indicator names are compared for every candidate owner
def similarity(a: str | None, b: str | None) -> float:
    """Indicator-name similarity in [0, 1]: equal, one containing the other, else bigram Dice."""
    (x, bx), (y, by) = _name_key(a), _name_key(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= MIN_CONTAINED_CHARS and short in long_:
        return 0.9
    if not bx or not by:
        return 0.0
    return 2 * len(bx & by) / (len(bx) + len(by))


@lru_cache(maxsize=65536)  # a name is compared with every candidate's
def _name_key(s: str | None) -> tuple[str, frozenset[str]]:
    """(name without punctuation, its character bigrams)."""
    x = _PUNCT.sub("", s or "")
    return x, _bigrams(x)


def _bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def match_dept_rows(items: Sequence[Item], dept: Sequence[DeptRow], skip_ambiguous: bool = False) -> dict[int, int]:
    """item index → 13表 row index, one-to-one, best name similarity first (equal value and unit break ties).

    With ``skip_ambiguous``, a 13表 row that fits two 12表 rows equally well (职工满意度 ≥ 80 % in two projects) is
    left unmatched: it says nothing about which of them it restates.
    """
    scored: list[tuple[float, int, int]] = []
    for d, dr in enumerate(dept):
        for i, it in enumerate(items):
            s = similarity(it.l3, dr.l3)
            if s >= MATCH_MIN_SIMILARITY:
                s += 0.2 * (it.value == dr.value) + 0.05 * (it.unit == dr.unit) + 0.05 * (it.op == dr.op)
                scored.append((s, d, i))
    ambiguous = _ambiguous_dept_rows(scored) if skip_ambiguous else set()
    out: dict[int, int] = {}
    used: set[int] = set(ambiguous)
    for _, d, i in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if d not in used and i not in out:
            out[i] = d
            used.add(d)
    return out


def _ambiguous_dept_rows(scored: Sequence[tuple[float, int, int]]) -> set[int]:
    """13表 rows whose best score is reached by more than one 12表 row."""
    best: dict[int, list[float]] = {}
    for s, d, _ in scored:
        best.setdefault(d, []).append(s)
    return {d for d, ss in best.items() if len(ss) > 1 and sorted(ss)[-1] == sorted(ss)[-2]}


class _Evidence:
    """Row-level evidence scores: (item, project) → {method: score}."""

    def __init__(self, items: Sequence[Item], projects: Sequence[Candidate], dept: Sequence[DeptRow],
                 matches: dict[int, int], owners: dict[int, int], sat_active: bool, anchors: dict[int, int]):
        self.items, self.projects, self.dept = items, projects, dept
        self.matches, self.owners, self.sat_active, self.anchors = matches, owners, sat_active, anchors
        self._cache: dict[tuple[int, int], dict[str, float]] = {}
        self._group_of = {i: dept[d].group for i, d in matches.items()}
        midpoint = any(it.pos < projects[0].pos for it in items)
        self._preferred = {i: _position_owner(it.pos, projects, midpoint) for i, it in enumerate(items)}

    def row(self, i: int, k: int) -> dict[str, float]:
        key = (i, k)
        if key not in self._cache:
            self._cache[key] = {m: w * WEIGHTS[m] for m, w in self._scores(i, k).items() if w}
        return self._cache[key]

    def _scores(self, i: int, k: int) -> dict[str, float]:
        it, p = self.items[i], self.projects[k]
        return {
            "dept_table_group": self._group(i, k),
            "dept_table_project": self._dept_project(i, k),
            "cost_amount_match": float(_cost_matches(it, p.amount)),
            "sibling_row": self._sibling(i, k),
            "goal_text_match": self._goal_text(i, k),
            "position": float(self._preferred[i] == k),
        }

    def _group(self, i: int, k: int) -> float:
        """Share of the row's 13表 group mates owned by project k. Mates whose owner is fixed by the layout count
        alone when there are any: owners inferred in pass 1 would otherwise confirm themselves; a group whose
        fixed mates belong to several projects (an activity spanning projects) splits its weight."""
        g = self._group_of.get(i)
        if g is None:
            return 0.0
        group = [j for j, gj in self._group_of.items() if gj == g and j != i]
        mates = [j for j in group if j in self.anchors] or [j for j in group if j in self.owners]
        source = self.anchors if any(j in self.anchors for j in group) else self.owners
        return sum(source[j] == k for j in mates) / len(mates) if mates else 0.0

    def _dept_project(self, i: int, k: int) -> float:
        d = self.matches.get(i)
        if d is None or not self.dept[d].project:
            return 0.0
        return float(similarity(self.dept[d].project, self.projects[k].name) >= MATCH_MIN_SIMILARITY)

    def _sibling(self, i: int, k: int) -> float:
        it = self.items[i]
        if it.unit in NON_DISTINCTIVE_UNITS:
            return 0.0
        sig = (it.l1, it.l2, it.op, it.unit)
        return float(any(o == k and j != i and _sig(self.items[j]) == sig for j, o in self.owners.items()))

    def _goal_text(self, i: int, k: int) -> float:
        """Share of the indicator's distinctive words (bigrams found in this or a neighbouring project's name and
        goal) found only in this project's; words found in no project's text say nothing either way."""
        words = _name_key(self.items[i].l3)[1]
        if not words:
            return 0.0
        mine = {w for w in words if w in self.projects[k].text}
        others = {w for j in self._neighbours(k) for w in words if w in self.projects[j].text}
        return len(mine - others) / max(MIN_DISTINCTIVE_WORDS, len(mine | others))

    def _neighbours(self, k: int) -> list[int]:
        return [j for j in (k - 1, k + 1) if 0 <= j < len(self.projects)]

    def segment(self, k: int, members: list[int]) -> dict[str, float]:
        out: dict[str, float] = {}
        for i in members:
            for m, v in self.row(i, k).items():
                out[m] = out.get(m, 0.0) + v
        if self.sat_active:
            n = sum(self.items[i].is_satisfaction for i in members)
            w = WEIGHTS["one_satisfaction_per_project"]
            out["one_satisfaction_per_project"] = w if n == 1 else -w * max(1, abs(n - 1))
        return out


def _position_owner(pos: int, projects: Sequence[Candidate], midpoint: bool) -> int:
    """The owner by layout alone: the project row above (a project row heads its block), or — when rows precede
    the first project row, so merged cells print at a mid-point — the nearer project row (ties: above)."""
    k = max(0, sum(p.pos <= pos for p in projects) - 1)
    if not midpoint or k + 1 >= len(projects) or pos <= projects[k].last:
        return k
    return k if pos - projects[k].last <= projects[k + 1].pos - pos else k + 1


def _sig(it: Item) -> tuple[str | None, ...]:
    return (it.l1, it.l2, it.op, it.unit)


def _cost_matches(it: Item, amount: Decimal | None) -> bool:
    if amount is None or not amount or it.unit not in MONEY_UNITS or COST_WORD not in (it.l1 or "") + (it.l2 or ""):
        return False
    try:
        v = Decimal(it.value or "") * MONEY_UNITS[it.unit]
    except ArithmeticError:
        return False
    return abs(v - amount) <= abs(amount) * COST_TOLERANCE


def _explain(i: int, owner: int, fixed: dict[int, int], gaps: list[list[int]], solver: Solver,
             splits: list[int]) -> Ownership:
    """How item i's owner was decided: its own row, the only candidate, or the evidence that beat the rival."""
    if i in fixed:
        is_head = solver.ev.items[i].head_of is not None
        method = "form_row" if is_head else "block_edge"
        return Ownership(owner, method if is_head else METHOD_PREFIX + method, CONFIDENCE[method])
    g = next(g for g, gap in enumerate(gaps) if i in gap)
    j = gaps[g].index(i)
    # force the rival owner: upper project (g) keeps fewer than j+1 rows, or the lower one starts after j
    ranges = {g: (0, j)} if owner == g else {g: (j + 1, len(gaps[g]))}
    alt = solver.best(ranges)
    rival = solver.owners(alt)[i]
    mine, theirs = solver.breakdown(splits), solver.breakdown(alt)
    diff = {m: mine.get(m, 0.0) - theirs.get(m, 0.0) for m in set(mine) | set(theirs)}
    margin = sum(diff.values())
    # evidence about this row itself: its own scores for both owners, and the 满意度 count when it is one
    own = solver.ev.row(i, owner)
    other = solver.ev.row(i, rival)
    about = {m: own.get(m, 0.0) - other.get(m, 0.0) for m in set(own) | set(other)}
    if solver.ev.items[i].is_satisfaction and "one_satisfaction_per_project" in diff:
        about["one_satisfaction_per_project"] = diff["one_satisfaction_per_project"]
    method = _strongest(about) or _strongest(diff) or "position"
    contested = any(v < 0 for m, v in about.items() if m != "position")
    conf = CONFIDENCE[method] * (1.0 if margin >= CLEAR_MARGIN else LOW_MARGIN_FACTOR)
    conf *= CONTESTED_FACTOR if contested else 1.0
    return Ownership(owner, METHOD_PREFIX + method, round(conf, 3), {m: round(v, 3) for m, v in diff.items() if v})


def _strongest(diff: dict[str, float]) -> str | None:
    """The method with the largest positive score difference (ties: the more trusted kind of evidence)."""
    pos = [m for m, v in diff.items() if v > 0]
    return max(pos, key=lambda m: (diff[m], CONFIDENCE[m])) if pos else None

