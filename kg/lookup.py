"""Find graph nodes from what a user types: a code, a name, an indicator's words — exact first, then fuzzy.

Order: a classification code (3-7 digits) or a project / department code matches exactly; else exact names
(project names and aliases, department names, indicator texts); else a fuzzy score (rapidfuzz) over the same
texts. The fuzzy score rewards labels containing the query's characters in order (``外事经费`` in
``外事工作经费``) and, among those, labels of similar length. Several different things scoring within
:data:`AMBIGUITY_MARGIN` of the best are *ambiguous*: all are returned as candidates, none is picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.errors import NotFoundError, QueryError

if TYPE_CHECKING:
    import networkx as nx

# Lowest fuzzy score (0-100) that counts as a match at all.
FUZZY_MIN = 60.0
# Candidates within this many points of the best are equally plausible: the query is ambiguous.
AMBIGUITY_MARGIN = 8.0
# Weight of "the label contains the query's characters in order" against plain similarity.
COVERAGE_WEIGHT = 0.7
# At most this many candidates are reported for an ambiguous query.
MAX_CANDIDATES = 15
CLASS_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
# The end of a project or department code (at least this many digits or letters) finds it, as in search:
# 2005036 or 000002005036 for 11010223T000002005036.
CODE_SUFFIX = re.compile(r"^[0-9A-Za-z]{6,}$")
SEARCHABLE = ("Project", "Indicator", "DepartmentIndicator", "Classification", "Department")


@dataclass
class Candidate:
    """A node a query may mean, with how it matched (code / exact / fuzzy) and a 0-100 score."""

    node: str
    kind: str
    label: str
    score: float
    how: str
    source: str | None = None
    year: int | None = None
    text: str | None = None  # the full text matched (an indicator's row text, a project's name …)
    project: str | None = None  # the project's name (for a target, the project it belongs to)
    department: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.node, "kind": self.kind, "label": self.label, "score": round(self.score, 1),
                "how": self.how, "source": self.source, "year": self.year, "text": self.text,
                "project": self.project, "department": self.department}


@dataclass
class Resolution:
    """``status`` ok (``matches`` are what the query means) or ambiguous (``matches`` empty; see candidates)."""

    query: str
    status: str
    matches: list[Candidate] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


def _texts(kind: str, a: dict[str, Any]) -> list[str]:
    if kind == "Project":
        return [a.get("name", ""), *[s for s in str(a.get("aliases", "")).split("; ") if s]]
    if kind in ("Indicator", "DepartmentIndicator"):
        return [t for t in (a.get("l3"), a.get("text")) if t]
    if kind == "Classification":
        return [a["name"]] if a.get("name") else []
    if kind == "Department":
        return [a["name"]] if a.get("name") else []
    return []


def fuzzy_score(query: str, text: str) -> float:
    """0-100: share of the query's characters found in order in ``text``, blended with plain similarity."""
    if not query or not text:
        return 0.0
    fuzz, lcs = _RAPIDFUZZ or _rapidfuzz()
    coverage = lcs.similarity(query, text) / len(query)
    return 100 * COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * fuzz.ratio(query, text)


_RAPIDFUZZ: list[Any] = []  # rapidfuzz's fuzz and LCSseq, loaded by the first fuzzy score (an exact lookup needs none)


def _rapidfuzz() -> list[Any]:
    from rapidfuzz import fuzz
    from rapidfuzz.distance import LCSseq

    _RAPIDFUZZ[:] = [fuzz, LCSseq]
    return _RAPIDFUZZ


def _candidate(g: nx.DiGraph, node: str, score: float, how: str) -> Candidate:
    """A candidate named so that two never look the same: kind, text, project, department, year and file."""
    a = g.nodes[node]
    kind = a["kind"]
    doc = g.nodes.get(f"doc:{a['doc_id']}", {}) if a.get("doc_id") else {}
    label = str(a.get("label", node))
    if kind == "Project":
        project = a.get("name")
    elif kind == "Indicator":
        project = a.get("project_name") or g.nodes.get(a.get("project"), {}).get("name")
    else:
        project = a.get("project") if kind == "DepartmentIndicator" else None
    department = a.get("name") if kind == "Department" else doc.get("department")
    text = a.get("text") or a.get("name") or label
    return Candidate(node, kind, label, score, how, doc.get("source"), a.get("year") or doc.get("year"),
                     text, project, department)


def _key(g: nx.DiGraph, c: Candidate) -> object:
    """What a candidate stands for: a project by name (any year); a target by its project (a department-wide
    row tied to a project counts as that project's target); anything else itself."""
    a = g.nodes[c.node]
    if c.kind == "Project":
        return ("Project", a.get("name"))
    if c.kind == "Indicator":
        return ("Indicator", a["project"])
    if c.kind == "DepartmentIndicator":
        tied = [v for _, v, d in g.out_edges(c.node, data=True) if d.get("rel") == "ABOUT_PROJECT"]
        return ("Indicator", tied[0]) if tied else c.node
    return c.node


def _same_thing(g: nx.DiGraph, cands: list[Candidate]) -> bool:
    return len({_key(g, c) for c in cands}) == 1


def resolve(g: nx.DiGraph, query: str, kinds: tuple[str, ...] = SEARCHABLE) -> Resolution:
    """What ``query`` means among nodes of ``kinds``. Raises :class:`QueryError` when nothing matches."""
    q = query.strip()
    if not q:
        raise QueryError("empty query: give an indicator's words, a project name or code, or a classification code")
    nodes = [(n, a) for n, a in g.nodes(data=True) if a.get("kind") in kinds]
    if CLASS_CODE.match(q) and "Classification" in kinds:
        hits = [_candidate(g, n, 100, "code") for n, a in nodes if a["kind"] == "Classification" and a["code"] == q]
        if hits:
            return Resolution(q, "ok", hits, hits)
    hits = [_candidate(g, n, 100, "code") for n, a in nodes
            if a["kind"] in ("Project", "Department") and a.get("code") == q]
    if hits:
        return Resolution(q, "ok", hits, hits)
    if CODE_SUFFIX.match(q):
        hits = [_candidate(g, n, 100, "code_suffix") for n, a in nodes
                if a["kind"] in ("Project", "Department") and str(a.get("code") or "").endswith(q)]
        if hits:
            return _decide(g, q, hits)
    exact = [_candidate(g, n, 100, "exact") for n, a in nodes if q in _texts(a["kind"], a)]
    if exact:
        return _decide(g, q, exact)
    scored = []
    for n, a in nodes:
        best = max((fuzzy_score(q, t) for t in _texts(a["kind"], a)), default=0.0)
        if best >= FUZZY_MIN:
            scored.append(_candidate(g, n, best, "fuzzy"))
    if not scored:
        raise NotFoundError(f"nothing matches {q!r}: no {', '.join(k.lower() for k in kinds)} with a similar name "
                         "or code in the store")
    scored.sort(key=lambda c: (-c.score, c.node))
    top = [c for c in scored if c.score >= scored[0].score - AMBIGUITY_MARGIN]
    return _decide(g, q, top)


def _decide(g: nx.DiGraph, q: str, cands: list[Candidate]) -> Resolution:
    # A project beats its own indicators and rows of the same name: prefer the project kind when present.
    projects = [c for c in cands if c.kind == "Project"]
    if projects and _same_thing(g, projects) and all(c.score <= projects[0].score for c in cands):
        return Resolution(q, "ok", projects, cands[:MAX_CANDIDATES])
    if _same_thing(g, cands):
        # a project's own target beats the department-wide row that repeats it
        targets = [c for c in cands if c.kind == "Indicator"] or cands
        return Resolution(q, "ok", targets, cands[:MAX_CANDIDATES])
    return Resolution(q, "ambiguous", [], cands[:MAX_CANDIDATES])


def not_found(query: str, items_key: str, error: QueryError) -> dict[str, Any]:
    """The answer of trace / show to a query that matches nothing: the same keys as any answer, no items."""
    return {"query": query, "status": "not_found", "candidates": [], items_key: [], "message": error.message}


def pick(res: Resolution, n: int) -> Resolution:
    """Choose candidate ``n`` (1-based) of an ambiguous resolution."""
    if not 1 <= n <= len(res.candidates):
        raise QueryError(f"--pick {n}: there are {len(res.candidates)} candidates for {res.query!r}")
    return Resolution(res.query, "ok", [res.candidates[n - 1]], res.candidates)
