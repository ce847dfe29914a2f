"""The review queue of inferred links: what the graph decided by inference, for an auditor to accept or overrule.

An *inferred* link is a graph edge whose method is not a plain reading of the document (:data:`READ_METHODS`)
or whose confidence is below 1: merged-cell owner repairs and realigned rows (a target → its project), fuzzy
name links of department-wide rows, cross-year links (SAME_PROJECT by name), self-evaluation links
(EVALUATES, ANSWERS), funding lines tied by a sum. Each has per-feature scores — ``name`` (rapidfuzz ratio of
the two names, 0-1), ``code`` (1 same, 0 different, null when either has none), ``amount`` (smaller / larger),
``department`` and ``year`` (1 same, 0 different) — where both ends have that feature.

A link's id hashes (relation, source id, target id): record ids derive from the documents' content and the
records' positions (:mod:`kg.identity`), so an id — and the decision on it — survives re-ingest, ``--force``
and a move of the files. Decisions live beside the store's database in ``links.json``: ``accepted`` (the
link's confidence becomes 1, ``reviewed`` accepted) or ``rejected`` (the edge is removed; with ``owner`` the
record is tied to that node instead, method ``reviewed``). :func:`apply_link_decisions` runs whenever the
graph is built from a store, so trace, show and export use them; the audit, which reads documents, applies
the same function to the graph of each document a decision names and takes the result back into the document
(:func:`apply_link_decisions_to_documents`): a target whose link was rejected leaves its project (with
``--owner`` it moves to that project, method ``reviewed``), and a form all of whose targets left is no longer
that project's form — its name is no longer the project's alias, so its ``form_amount`` figure is compared with
the new owner, or (rejected outright) with nothing: the form is kept as an unlinked project of its own, reported
as ``form_link_rejected``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.decision_files import load_records, save_records
from kg.errors import QueryError
from kg.evidence_link import EVIDENCE_METHOD, FORM_AMOUNT_KEY
from kg.model import Document, Indicator, Project

if TYPE_CHECKING:
    import networkx as nx

LINKS_FILE = "links.json"
ID_CHARS = 12
# Methods that read a link straight off the document (not inferred).
READ_METHODS = ("exact", "form", "project_field", "code", "exact_name")
# Relations whose *source* is the owner (the record hangs below it); for the others the target is.
OWNER_IS_SOURCE = ("HAS_INDICATOR", "HAS_FUNDING", "HAS_PROJECT", "HAS_DEPT_INDICATOR", "HAS_FORM")
STRUCTURAL = ("PUBLISHED", "SUBCLASS_OF", "FUNCTION", "ECON_GOV", "ECON_DEPT")
STATUSES = ("accepted", "rejected")
NAMED_KINDS = {"Project", "DepartmentIndicator", "Form"}  # kinds whose names are compared (a project's, a row's)
MONEY_KINDS = {"Project", "Form"}  # kinds whose amounts are compared


@dataclass
class LinkDecision:
    id: str
    status: str
    owner: str | None
    rel: str
    source: str
    target: str
    decided_at: str
    reason: str | None = None


def link_id(rel: str, u: str, v: str) -> str:
    import hashlib  # not on the answer path of trace / show (issue 16)

    return hashlib.sha1(json.dumps([rel, u, v], ensure_ascii=False).encode()).hexdigest()[:ID_CHARS]


def _name(a: dict[str, Any]) -> str | None:
    return a.get("name") or a.get("project") or a.get("l3")


def _same(x: Any, y: Any) -> float | None:
    return None if x in (None, "") or y in (None, "") else float(x == y)


def _amount(x: Any, y: Any) -> float | None:
    try:
        a, b = abs(float(x)), abs(float(y))
    except (TypeError, ValueError):
        return None
    return 1.0 if a == b else round(min(a, b) / max(a, b), 4) if max(a, b) else None


def features(g: nx.DiGraph, u: str, v: str) -> dict[str, float | None]:
    """Per-feature scores of a link between ``u`` and ``v`` (see the module doc)."""
    a, b = g.nodes[u], g.nodes[v]
    na, nb = _name(a), _name(b)
    both_projects = a.get("kind") == b.get("kind") == "Project"
    named = {a.get("kind"), b.get("kind")} <= NAMED_KINDS
    money = {a.get("kind"), b.get("kind")} <= MONEY_KINDS
    from rapidfuzz import fuzz  # (an audit of links only: issue 16)

    return {"name": round(fuzz.ratio(na, nb) / 100, 3) if na and nb and named else None,
            "code": _same(a.get("code"), b.get("code")) if both_projects else None,
            "amount": _amount(a.get("amount"), b.get("amount")) if money else None,
            "department": _same(a.get("department"), b.get("department")),
            "year": _same(a.get("year"), b.get("year"))}


def _end(g: nx.DiGraph, n: str) -> dict[str, Any]:
    a = g.nodes[n]
    return {"id": n, "kind": a.get("kind"), "label": a.get("label"), "cite": a.get("cite") or a.get("file")}


def inferred_links(g: nx.DiGraph, method: str | None = None, below: float | None = None) -> list[dict[str, Any]]:
    """Every inferred link of ``g`` (optionally of one ``method``, or with confidence below ``below``)."""
    out = []
    for u, v, d in g.edges(data=True):
        rel = d.get("rel")
        m, conf = d.get("method", "exact"), float(d.get("confidence", 1.0))
        if rel in STRUCTURAL or (m in READ_METHODS and conf >= 1.0 and not d.get("reviewed")):
            continue
        if (method and m != method) or (below is not None and conf >= below):
            continue
        out.append({"id": link_id(rel, u, v), "rel": rel, "method": m, "confidence": conf,
                    "reviewed": d.get("reviewed"), "source": _end(g, u), "target": _end(g, v),
                    "features": features(g, u, v)})
    return sorted(out, key=lambda x: (x["confidence"], x["rel"], x["id"]))


def links_path(store_dir: Path) -> Path:
    return Path(store_dir) / LINKS_FILE


def load_link_decisions(store_dir: Path) -> dict[str, LinkDecision]:
    return load_records(links_path(store_dir), LinkDecision, "link decisions")


def _save(store_dir: Path, decisions: dict[str, LinkDecision]) -> None:
    save_records(links_path(store_dir), decisions, "link decisions")


def decide_link(store_dir: Path, g: nx.DiGraph, lid: str, status: str, owner: str | None = None,
                reason: str | None = None) -> LinkDecision:
    """Record a decision on the inferred link with id ``lid`` (a unique prefix will do)."""
    if status not in STATUSES:
        raise QueryError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    hits = [x for x in inferred_links(g) if x["id"] == lid] or [x for x in inferred_links(g)
                                                                 if x["id"].startswith(lid)]
    if len(hits) != 1:
        what = "no inferred link" if not hits else f"{len(hits)} inferred links"
        raise QueryError(f"{what} with id {lid!r} (ids: perfkg links)")
    x = hits[0]
    if owner is not None and owner not in g:
        raise QueryError(f"--owner {owner!r}: no such node (ids: perfkg trace … --json)")
    d = LinkDecision(x["id"], status, owner, x["rel"], x["source"]["id"], x["target"]["id"],
                     _now(), (reason or "").strip() or None)
    decisions = load_link_decisions(store_dir)
    decisions[d.id] = d
    _save(store_dir, decisions)
    return d


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def apply_link_decisions(g: nx.DiGraph, store_dir: Path) -> nx.DiGraph:
    """The graph with the saved decisions applied (in place); decisions on links not in ``g`` are skipped."""
    for d in load_link_decisions(store_dir).values():
        if not g.has_edge(d.source, d.target):
            continue
        data = g.edges[d.source, d.target]
        if d.status == "accepted":
            data.update(confidence=1.0, reviewed="accepted")
            continue
        moved = [(d.source, d.target, data)]
        if d.rel == "HAS_FORM":  # a form's targets linked by the same evidence go with it
            moved += [(u, v, e) for u, v, e in g.out_edges(d.source, data=True)
                      if e.get("rel") == "HAS_INDICATOR" and e.get("method") == EVIDENCE_METHOD]
        for u, v, e in moved:
            g.remove_edge(u, v)
            if d.owner and d.owner in g:
                a, b = (d.owner, v) if d.rel in OWNER_IS_SOURCE else (u, d.owner)
                g.add_edge(a, b, **{**e, "method": "reviewed", "confidence": 1.0, "reviewed": "rejected"})
                if e.get("rel") == "HAS_INDICATOR":
                    g.nodes[v]["project"] = d.owner
    return g


def _doc_of(node: str | None) -> str | None:
    """The doc_id in a record node id (``indicator:<doc_id>#3.2``), None for other nodes."""
    if not node or ":" not in node or "#" not in node:
        return None
    return node.split(":", 1)[1].split("#", 1)[0]


def apply_link_decisions_to_documents(docs: list[tuple[str, Document]], store_dir: Path) -> None:
    """The saved decisions applied to ``docs`` (in place), through :func:`apply_link_decisions` on the graph of
    each document a decision names (see the module doc)."""
    decisions = load_link_decisions(store_dir)
    named = {d for x in decisions.values() for d in map(_doc_of, (x.source, x.target, x.owner)) if d}
    for doc_id, doc in docs:
        if doc_id in named:
            from kg.digraph import DiGraph
            from kg.graph import graph_from_documents

            g = apply_link_decisions(graph_from_documents([(doc_id, doc)], None, DiGraph), store_dir)
            _take_back(doc_id, doc, g)


def _owner_n(g: Any, node: str, rel: str, doc_id: str, n_projects: int) -> int | None:
    """Position of the one project of this document owning ``node`` by ``rel`` in ``g``, else None."""
    from kg.graph import project_id

    owners = [u for u, _, d in g.in_edges(node, data=True) if d.get("rel") == rel]
    return next((m for m in range(n_projects) if owners == [project_id(doc_id, m)]), None)


def _take_back(doc_id: str, doc: Document, g: Any) -> None:
    """Targets moved as the decided graph ``g`` says (a rejected one leaves its project), and forms: a form moved
    or rejected is no longer its old project's alias; rejected, it is kept as an unlinked project holding the
    targets that left with it (see the module doc)."""
    n_projects = len(doc.projects)
    orphans: dict[int, list[Indicator]] = {}
    for n, p in enumerate(doc.projects):
        keep = []
        for i, ind in enumerate(p.indicators):
            iid = f"indicator:{doc_id}#{n}.{i}"
            to = _owner_n(g, iid, "HAS_INDICATOR", doc_id, n_projects)
            if to == n:
                if g.edges[f"project:{doc_id}#{n}", iid].get("reviewed") == "accepted":
                    ind.confidence = 1.0
                keep.append(ind)
                continue
            if to is None:
                orphans.setdefault(n, []).append(ind)
            ind.link_method, ind.confidence = "reviewed", 1.0
            if to is not None:
                doc.projects[to].indicators.append(ind)
        p.indicators = keep
    for k, f in enumerate(doc.outcomes):
        fid = f"form:{doc_id}#{k}"
        old = next((n for n, p in enumerate(doc.projects[:n_projects]) if f.subject in p.aliases), None)
        if f.key != FORM_AMOUNT_KEY or fid not in g or old is None:
            continue
        new = _owner_n(g, fid, "HAS_FORM", doc_id, n_projects)
        if new == old:
            continue
        doc.projects[old].aliases.remove(f.subject)  # type: ignore[arg-type]
        if new is not None:
            doc.projects[new].aliases.append(f.subject or "")
            continue
        doc.projects.append(Project(f.subject or "", indicators=orphans.pop(old, []), provenance=f.provenance))
        doc.warn("form_link_rejected", f"form {f.subject}: its link to {doc.projects[old].name} was rejected by "
                 "review; kept as an unlinked form, its amount compared with no project",
                 f.provenance.line_start if f.provenance else None)
