"""``perfkg show NAME|CODE``: one project or department with everything known about it, each fact cited.

JSON shape of :func:`show` (``perfkg show --json``)::

    {"query", "status": "ok"|"ambiguous"|"not_found", "candidates": [...] (as in kg.trace), "message" (not_found),
     "results": [{"kind": "project", ...ProjectTrace (see kg.trace)...}
                 | {"kind": "department", "department": {id, name, code},
                    "documents": [{id, doc_id, source, year, doc_kind, totals: {total, basic, project},
                                   "projects": [{id, name, code, amount, indicators, cite}],
                                   "funding": [{id, recipient, purpose, amount, source, function_code,
                                                econ_gov_code, doc_no, cite}]  (department-level lines, kg.funding),
                                   "department_indicators": int}]}]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.errors import NotFoundError
from kg.graph_edges import out_edges
from kg.lookup import Resolution, not_found, pick, resolve
from kg.trace import project_trace

if TYPE_CHECKING:
    import networkx as nx

    from kg.store import Store

SHOW_KINDS = ("Project", "Department")
FUNDING_KEYS = ("recipient", "purpose", "amount", "source", "function_code", "econ_gov_code", "doc_no")


def department_view(g: nx.DiGraph, dep: str) -> dict[str, Any]:
    a = g.nodes[dep]
    docs = []
    for did, _ in sorted(out_edges(g, dep, "PUBLISHED"), key=lambda x: (g.nodes[x[0]].get("year") or 0, x[0])):
        d = g.nodes[did]
        projects = []
        for pid, _ in out_edges(g, did, "HAS_PROJECT"):
            p = g.nodes[pid]
            projects.append({"id": pid, "name": p.get("name"), "code": p.get("code"), "amount": p.get("amount"),
                             "indicators": len(out_edges(g, pid, "HAS_INDICATOR")),
                             "cite": p.get("cite") or p.get("file")})
        projects.sort(key=lambda x: int(x["id"].rsplit("#", 1)[1]))
        funding = [{"id": fid, **{k: f.get(k) for k in FUNDING_KEYS}, "cite": f.get("cite") or f.get("file")}
                   for fid, _ in out_edges(g, dep, "HAS_FUNDING") if (f := g.nodes[fid]).get("doc_id") == d.get("doc_id")]
        docs.append({"id": did, "doc_id": d.get("doc_id"), "source": d.get("source"), "year": d.get("year"),
                     "doc_kind": d.get("doc_kind"),
                     "totals": {k: d.get(k) for k in ("total", "basic", "project")},
                     "projects": projects, "funding": funding,
                     "department_indicators": len(out_edges(g, did, "HAS_DEPT_INDICATOR"))})
    return {"kind": "department", "department": {"id": dep, "name": a.get("name"), "code": a.get("code")},
            "documents": docs}


def show(g: nx.DiGraph, query: str, choice: int | None = None) -> dict[str, Any]:
    """Resolve ``query`` among projects and departments; an ambiguous query returns candidates only."""
    try:
        res = resolve(g, query, SHOW_KINDS)
    except NotFoundError as e:
        return not_found(query, "results", e)
    if choice is not None:
        res = pick(res, choice)
    return _result(res, g, query)


def _result(res: Resolution, g: nx.DiGraph, query: str) -> dict[str, Any]:
    results = []
    for c in res.matches:
        if c.kind == "Department":
            results.append(department_view(g, c.node))
        else:
            results.append({"kind": "project", **project_trace(g, c.node)})
    return {"query": query, "status": res.status, "candidates": [c.to_dict() for c in res.candidates],
            "results": results}


def show_store(store: Store, query: str, choice: int | None = None) -> dict[str, Any]:
    """:func:`show` over the whole store, building the graph only of the documents the answer reads."""
    from kg.scope import graph_for_nodes, resolve_in_store

    try:
        res, sc = resolve_in_store(store, query, SHOW_KINDS)
    except NotFoundError as e:
        return not_found(query, "results", e)
    if choice is not None:
        res = pick(res, choice)
    return _result(res, graph_for_nodes(sc, [c.node for c in res.matches]), query)
