"""``perfkg trace``: from a target to the money, and from a classification to what it funds.

Every step carries ``cite`` (file:line where the record has provenance, else the file) and, for the link
that led to it, ``method`` and ``confidence``. A project without funding lines is traced through its own
function / economic codes (method ``project_field``).

JSON shape of :func:`trace` (``perfkg trace --json``)::

    {"query", "status": "ok"|"several"|"not_found", "resolution": "ok"|"ambiguous"|"not_found",
     "candidates": [{id, kind, label, score, how, source, year, text, project, department}],
     "message" (not_found only: why nothing matched),
     "traces": [ProjectTrace + {"kind", "start", "score", "matched"} | ClassificationTrace]}

    ``status`` several: the query matches targets (or projects) of more than one project, and ``traces`` holds
    one trace per project (see :mod:`kg.trace_many`), best match first, then by year; ``resolution`` is the
    lookup's own verdict (ambiguous when the matches are different things). ``matched``: the matching targets
    of that project [{id, kind, l2, l3, op, value, unit, score, how, cite}]. A department-wide row's trace also
    has ``department_totals`` {total, basic, project, source, year} and ``carried_by`` [{id, name, code, amount,
    target}]: the projects of its document whose own forms carry a target of that name.

    ProjectTrace = {"project": {id, name, code, amount, aliases, cite, seen_in},
                    "department": {id, name, code}, "document": {id, doc_id, source, year, doc_kind, locations},
                    "funding": [{id, amount, source, method, confidence, cite, function, econ_gov, econ_dept}],
                    "indicators": [{id, l1, l2, l3, op, value, unit, method, confidence, cite}],
                    "department_indicators": [{id, activity, l2, l3, op, value, unit, method, confidence, cite}],
                    "other_years": [{id, name, code, year, doc_kind, source, amount, method, confidence}],
                    "evaluation": null | {total_score, implementing_unit, outcome, funds: {initial_budget, budget,
                                   spent, weight, rate, score}},
                    "budget_project": null | {id, name, code, amount, year, source, method, confidence, cite},
                    "evaluated_by": [{id, name, code, year, source, method, confidence, cite}],
                    "side_by_side": [{l3, budget: Target|null, evaluation: Target + {actual, weight, score, met,
                                      reason}|null, method, confidence}]}
    Indicators (and a trace's ``start``) of a self-evaluation also carry ``evaluation`` {actual, weight, score,
    reason, met} and ``promised`` (the budget target it answers: {id, op, value, unit, l3, cite, source, method,
    confidence}); both null elsewhere. ``chain`` (an indicator start only) reads promised → achieved → score.
    ClassificationTrace = {"kind": "classification", "classification": {scheme, code, name, path},
                           "projects": [ProjectTrace + {"amount_under_code", "via"}]}

``function`` / ``econ_gov`` / ``econ_dept`` are paths ``[{code, name, level}]`` from 类 down to 项.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kg.errors import NotFoundError
from kg.graph import class_path
from kg.graph_edges import in_edges, out_edges
from kg.lookup import Resolution, not_found, pick, resolve
from kg.normalize import money_str

if TYPE_CHECKING:
    import networkx as nx

    from kg.store import Store

TRACE_KINDS = ("Project", "Indicator", "DepartmentIndicator", "Classification")


def _cite(a: dict[str, Any]) -> str | None:
    return a.get("cite") or a.get("file")


def _link(d: dict[str, Any]) -> dict[str, Any]:
    return {"method": d.get("method", "exact"), "confidence": d.get("confidence", 1.0)}


def _pick(a: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: a.get(k) for k in keys}


def _doc_of(g: nx.DiGraph, node: str) -> tuple[str, dict[str, Any]]:
    did = f"doc:{g.nodes[node]['doc_id']}"
    return did, g.nodes[did]


def _department(g: nx.DiGraph, doc_node: str) -> dict[str, Any]:
    deps = in_edges(g, doc_node, "PUBLISHED")
    if not deps:
        return {"id": None, "name": None, "code": None}
    dep = deps[0][0]
    return {"id": dep, **_pick(g.nodes[dep], "name", "code")}


def _funding(g: nx.DiGraph, pid: str) -> list[dict[str, Any]]:
    lines = out_edges(g, pid, "HAS_FUNDING")
    out = []
    for fid, d in lines:
        a = g.nodes[fid]
        out.append({"id": fid, "amount": a.get("amount"), "source": a.get("source"), **_link(d), "cite": _cite(a),
                    **{s: class_path(g, s, a.get(f"{s}_code")) for s in ("function", "econ_gov", "econ_dept")}})
    if out:
        return out
    p = g.nodes[pid]  # no funding lines: the project's own classification fields
    return [{"id": None, "amount": p.get("amount"), "source": None, "method": "project_field", "confidence": 1.0,
             "cite": _cite(p), **{s: class_path(g, s, p.get(f"{s}_code")) for s in ("function", "econ_gov",
                                                                                  "econ_dept")}}]


EVAL_KEYS = ("actual", "weight", "score", "reason", "met")


def _indicator(g: nx.DiGraph, iid: str, d: dict[str, Any]) -> dict[str, Any]:
    a = g.nodes[iid]
    return {"id": iid, **_pick(a, "l1", "l2", "l3", "op", "value", "unit"), **_link(d), "cite": _cite(a),
            "evaluation": _pick(a, *EVAL_KEYS) if a.get("evaluated") else None, "promised": _promised(g, iid)}


def _promised(g: nx.DiGraph, iid: str) -> dict[str, Any] | None:
    """The budget target a self-evaluated target answers (ANSWERS edge), with its document."""
    hits = out_edges(g, iid, "ANSWERS")
    if not hits:
        return None
    bid, d = hits[0]
    b = g.nodes[bid]
    return {"id": bid, **_pick(b, "l3", "op", "value", "unit"), "cite": _cite(b),
            "source": _doc_of(g, bid)[1].get("source"), **_link(d)}


def _target(a: dict[str, Any]) -> str:
    return f"{a.get('op') or ''}{a.get('value') or ''}{a.get('unit') or ''}" if a.get("op") != "定性" else \
        str(a.get("value") or "")


def chain(start: dict[str, Any]) -> str | None:
    """promised → achieved → score (met) of a self-evaluated target, as one line; None for a budget target."""
    ev = start.get("evaluation")
    if not ev:
        return None
    pr = start.get("promised")
    met = {True: "met", False: "not met", None: "met undecided"}[ev.get("met")]
    promised = f"budget {_target(pr)} → " if pr else ""
    return (f"{promised}evaluated {_target(start)} → achieved {ev.get('actual') or '?'} → score "
            f"{ev.get('score') or '?'}/{ev.get('weight') or '?'} ({met})")


def _project_link(g: nx.DiGraph, q: str, d: dict[str, Any]) -> dict[str, Any]:
    a = g.nodes[q]
    return {"id": q, **_pick(a, "name", "code", "amount", "year"), "source": _doc_of(g, q)[1].get("source"),
            **_link(d), "cite": _cite(a)}


def _evaluation(a: dict[str, Any]) -> dict[str, Any] | None:
    if not a.get("evaluated"):
        return None
    funds = {k: a.get(f"funds_{k}") for k in ("initial_budget", "budget", "spent", "weight", "rate", "score")}
    return {**_pick(a, "total_score", "implementing_unit", "outcome"),
            "funds": funds if any(v is not None for v in funds.values()) else None}


def _side_by_side(g: nx.DiGraph, pid: str) -> list[dict[str, Any]]:
    """The budget's targets beside the self-evaluation's (target, achieved, score) for an evaluated project or
    the budget project it evaluates; targets without a counterpart get a row of their own."""
    ev_pid = pid if out_edges(g, pid, "EVALUATES") else next((u for u, _ in in_edges(g, pid, "EVALUATES")), None)
    if ev_pid is None:
        return []
    (bud_pid, _), = out_edges(g, ev_pid, "EVALUATES")[:1]
    rows, answered = [], set()
    for iid, _ in out_edges(g, ev_pid, "HAS_INDICATOR"):
        a = g.nodes[iid]
        pr = out_edges(g, iid, "ANSWERS")
        b = g.nodes[pr[0][0]] if pr else None
        if pr:
            answered.add(pr[0][0])
        rows.append({"l3": a.get("l3"),
                     "budget": {**_pick(b, "op", "value", "unit"), "cite": _cite(b)} if b else None,
                     "evaluation": {**_pick(a, "op", "value", "unit", *EVAL_KEYS), "cite": _cite(a)},
                     **(_link(pr[0][1]) if pr else {"method": None, "confidence": None})})
    for bid, _ in out_edges(g, bud_pid, "HAS_INDICATOR"):
        if bid not in answered:
            b = g.nodes[bid]
            rows.append({"l3": b.get("l3"), "budget": {**_pick(b, "op", "value", "unit"), "cite": _cite(b)},
                         "evaluation": None, "method": None, "confidence": None})
    return rows


def _other_years(g: nx.DiGraph, pid: str) -> list[dict[str, Any]]:
    links = [(v, d) for v, d in out_edges(g, pid, "SAME_PROJECT")] + \
            [(u, d) for u, d in in_edges(g, pid, "SAME_PROJECT")]
    out = []
    for q, d in links:
        a = g.nodes[q]
        _, doc = _doc_of(g, q)
        out.append({"id": q, **_pick(a, "name", "code", "year", "doc_kind", "amount"), "source": doc.get("source"),
                    **_link(d)})
    return sorted(out, key=lambda x: (x["year"] or 0, x["id"]))


def _document(did: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": did, **_pick(doc, "doc_id", "source", "year", "doc_kind"),
            "locations": [s for s in str(doc.get("locations") or "").split("; ") if s]}


def project_trace(g: nx.DiGraph, pid: str) -> dict[str, Any]:
    """Everything known about one project node, each fact with its provenance."""
    a = g.nodes[pid]
    did, doc = _doc_of(g, pid)
    dinds = []
    for xid, d in in_edges(g, pid, "ABOUT_PROJECT"):
        x = g.nodes[xid]
        dinds.append({"id": xid, **_pick(x, "activity", "l2", "l3", "op", "value", "unit"), **_link(d),
                      "cite": _cite(x)})
    return {
        "project": {"id": pid, **_pick(a, "name", "code", "amount"),
                    "aliases": [s for s in str(a.get("aliases", "")).split("; ") if s], "cite": _cite(a),
                    "seen_in": [s for s in str(a.get("seen_in", "")).split("; ") if s]},
        "department": _department(g, did),
        "document": _document(did, doc),
        "funding": _funding(g, pid),
        "indicators": [_indicator(g, i, d) for i, d in out_edges(g, pid, "HAS_INDICATOR")],
        "department_indicators": dinds,
        "other_years": _other_years(g, pid),
        "evaluation": _evaluation(a),
        "budget_project": next((_project_link(g, q, d) for q, d in out_edges(g, pid, "EVALUATES")), None),
        "evaluated_by": [_project_link(g, q, d) for q, d in in_edges(g, pid, "EVALUATES")],
        "side_by_side": _side_by_side(g, pid),
    }


def _subtree(g: nx.DiGraph, cid: str) -> set[str]:
    """The classification node and all its descendants (SUBCLASS_OF edges point child → parent)."""
    seen, todo = {cid}, [cid]
    while todo:
        for child, _ in in_edges(g, todo.pop(), "SUBCLASS_OF"):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def classification_trace(g: nx.DiGraph, cid: str) -> dict[str, Any]:
    """Every project funded under a classification or its children, with the amount under it."""
    c = g.nodes[cid]
    rel = {"function": "FUNCTION", "econ_gov": "ECON_GOV", "econ_dept": "ECON_DEPT"}[c["scheme"]]
    under: dict[str, dict[str, Any]] = {}  # project id -> {"amounts": [...], "via": {codes}}
    for node in _subtree(g, cid):
        code = g.nodes[node]["code"]
        for src, _ in in_edges(g, node, rel):
            kind = g.nodes[src]["kind"]
            if kind == "FundingLine":
                pid = g.nodes[src]["project"]
                entry = under.setdefault(pid, {"amounts": [], "via": set(), "by_lines": True})
                entry["amounts"].append(g.nodes[src].get("amount"))
                entry["via"].add(code)
            elif kind == "Project" and not out_edges(g, src, "HAS_FUNDING"):
                entry = under.setdefault(src, {"amounts": [g.nodes[src].get("amount")], "via": set()})
                entry["via"].add(code)
    projects = []
    for pid in sorted(under, key=lambda p: (g.nodes[p].get("year") or 0, p)):
        amounts = [Decimal(x) for x in under[pid]["amounts"] if x]
        projects.append({**project_trace(g, pid),
                         "amount_under_code": money_str(sum(amounts, Decimal(0))) if amounts else None,
                         "via": sorted(under[pid]["via"])})
    return {"kind": "classification",
            "classification": {"id": cid, **_pick(c, "scheme", "code", "name"),
                               "path": class_path(g, c["scheme"], c["code"])},
            "projects": projects}


def trace_node(g: nx.DiGraph, node: str) -> dict[str, Any]:
    """The trace of one resolved node (project, indicator, department-wide row or classification)."""
    a = g.nodes[node]
    kind = a["kind"]
    if kind == "Classification":
        return classification_trace(g, node)
    if kind == "Project":
        return {"kind": "project", "start": None, **project_trace(g, node)}
    if kind == "Indicator":
        (pid, d), = in_edges(g, node, "HAS_INDICATOR")
        start = _indicator(g, node, d)
        return {"kind": "indicator", "start": start, "chain": chain(start), **project_trace(g, pid)}
    # a department-wide row: through the project it names, if it could be tied to one
    targets = out_edges(g, node, "ABOUT_PROJECT")
    start = {"id": node, **_pick(a, "activity", "project", "l2", "l3", "op", "value", "unit"), "cite": _cite(a),
             **(_link(targets[0][1]) if targets else {"method": None, "confidence": None}),
             "evaluation": _pick(a, *EVAL_KEYS) if a.get("evaluated") else None}
    if not targets:
        did, doc = _doc_of(g, node)
        return {"kind": "department_indicator", "start": start, "project": None,
                "department": _department(g, did),
                "document": _document(did, doc)}
    return {"kind": "department_indicator", "start": start, **project_trace(g, targets[0][0])}


def trace(g: nx.DiGraph, query: str, choice: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """Resolve ``query`` and trace every match (one trace per project); ``choice`` picks candidate N,
    ``limit`` keeps the N best traces."""
    try:
        res: Resolution = resolve(g, query, TRACE_KINDS)
    except NotFoundError as e:
        return not_found(query, "traces", e)
    if choice is not None:
        res = pick(res, choice)
    return _result(res, g, query, limit)


def _traced(res: Resolution) -> list[Any]:
    """What is traced: the matches, or every candidate of an ambiguous query."""
    return res.matches if res.status == "ok" else res.candidates


def _result(res: Resolution, g: nx.DiGraph, query: str, limit: int | None = None) -> dict[str, Any]:
    from kg.trace_many import trace_matches

    traces = trace_matches(g, _traced(res), limit)
    return {"query": query, "status": "several" if len(traces) > 1 else "ok", "resolution": res.status,
            "candidates": [c.to_dict() for c in res.candidates], "traces": traces}


def trace_store(store: Store, query: str, choice: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """:func:`trace` over the whole store, building the graph only of the documents the answer reads (see
    :mod:`kg.scope`): the cost follows what is found, not the size of the store."""
    from kg.scope import graph_for_nodes, resolve_in_store

    try:
        res, sc = resolve_in_store(store, query, TRACE_KINDS)
    except NotFoundError as e:
        return not_found(query, "traces", e)
    if choice is not None:
        res = pick(res, choice)
    return _result(res, graph_for_nodes(sc, [c.node for c in _traced(res)]), query, limit)
