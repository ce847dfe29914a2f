"""The same project across documents of one department: a chain by year (code, else close name), and each
self-evaluated project tied to the budget project it answers (see :mod:`kg.graph` for the node and edge kinds)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.graph_edges import add_edge as _edge
from kg.graph_edges import out_edges
from kg.model import Project
from kg.selfeval import match_project, match_target

if TYPE_CHECKING:
    import networkx as nx

# rapidfuzz ratio (0-100) at or above which two project names of one department in two documents are linked.
CROSS_DOC_FUZZY_MIN = 85.0
# Earlier documents of a department searched for a project's name (the chain's nearest earlier year first).
CHAIN_LOOKBACK_DOCS = 10


def link_across_documents(g: nx.DiGraph) -> None:
    by_dept: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
    for pid, a in g.nodes(data=True):
        if a.get("kind") == "Project":
            by_dept.setdefault(a["department"], {}).setdefault(a["doc_id"], []).append((pid, a))
    for docs in by_dept.values():
        _chain_department(g, docs)
        _link_evaluations(g, docs)


def _link_evaluations(g: nx.DiGraph, docs: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
    """Each self-evaluated project → the department's budget project of the same year (by code, else name), and
    each of its targets → the budget target of the same name."""
    budgets: dict[Any, list[tuple[str, dict[str, Any]]]] = {}
    for projects in docs.values():
        if projects[0][1].get("doc_kind") == "budget":
            budgets.setdefault(projects[0][1].get("year"), []).extend(projects)
    for projects in docs.values():
        for pid, a in projects:
            pool = budgets.get(a.get("year")) if a.get("evaluated") and a.get("year") else None
            if not pool:
                continue
            hit = match_project(_stub(a), [_stub(b, q) for q, b in pool])
            if hit is None:
                continue
            bid = hit.item.owner or ""
            _edge(g, pid, bid, "EVALUATES", hit.method, hit.confidence)
            promised = [(v, g.nodes[v]) for v, _ in out_edges(g, bid, "HAS_INDICATOR")]
            for iid, _ in out_edges(g, pid, "HAS_INDICATOR"):
                t = match_target(g.nodes[iid].get("l3"), promised, lambda x: [x[1].get("l3")])
                if t is not None:
                    _edge(g, iid, t.item[0], "ANSWERS", t.method, t.confidence)


def _stub(a: dict[str, Any], node: str | None = None) -> Project:
    """A project node's names and code as a :class:`Project` for matching (``owner`` holds the node id)."""
    return Project(a["name"], code=a.get("code"), aliases=_names(a)[1:], owner=node)


def _chain_department(g: nx.DiGraph, docs: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
    """Link each project to the nearest earlier document of the department holding it (by code, else name)."""
    order = sorted(docs, key=lambda d: (docs[d][0][1].get("year") or 0, d))
    last_by_code: dict[str, str] = {}  # code -> its project in the latest document so far
    for i, doc in enumerate(order):
        here: dict[str, str] = {}
        for pid, a in docs[doc]:
            code = a.get("code")
            if code and code in here:
                continue  # the same code twice in one document: its first project carries the chain
            if code:
                here[code] = pid
            if code and code in last_by_code:
                _edge(g, last_by_code[code], pid, "SAME_PROJECT", "code", 1.0)
                continue
            earlier = [docs[order[j]] for j in range(i - 1, max(-1, i - 1 - CHAIN_LOOKBACK_DOCS), -1)]
            best = _nearest_by_name(a, earlier)
            if best:
                _edge(g, best[0], pid, "SAME_PROJECT", "fuzzy_name", round(best[1] / 100, 3))
        last_by_code.update(here)


def _names(a: dict[str, Any]) -> list[str]:
    return [a["name"], *[s for s in str(a.get("aliases", "")).split("; ") if s]]


def _nearest_by_name(a: dict[str, Any], earlier: list[list[tuple[str, dict[str, Any]]]]) -> tuple[str, float] | None:
    """The best name match for project ``a`` in the nearest of the ``earlier`` documents that has one."""
    if earlier:
        from rapidfuzz import fuzz, process  # (loaded only when there is something to compare: issue 16)
    for other in earlier:
        # two different project codes are two different projects, whatever the names
        choices = [(q, name) for q, b in other for name in _names(b)
                   if not (a.get("code") and b.get("code") and b["code"] != a["code"])]
        best = None
        for name in _names(a):
            hit = process.extractOne(name, [n for _, n in choices], scorer=fuzz.ratio,
                                     score_cutoff=CROSS_DOC_FUZZY_MIN)
            if hit and (best is None or hit[1] > best[1]):
                best = (choices[hit[2]][0], hit[1])
        if best:
            return best
    return None
