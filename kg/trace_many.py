"""Trace every match: a query that several projects (documents, years) carry gives one trace per project.

A target's words are usually carried by many projects (满意度, 系统正常运行率 …): the auditor's question is
"which projects carry it, and with how much money". :func:`trace_matches` groups the matched nodes by the
project they belong to (a target → its project; a department-wide row tied to a project → that project; a
project → itself; anything else stays on its own) and traces each group once, with the matching targets
(``matched``: op / value / unit and cite) and the group's best ``score``. Traces are ordered by score (best
first), then year, then id.

A department-wide target (整体支出绩效目标表 row) also traces to the department's totals
(``department_totals``) and to the projects of the same document whose own forms carry a target of the same
name (``carried_by``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.graph_edges import in_edges, out_edges
from kg.lookup import Candidate

if TYPE_CHECKING:
    import networkx as nx

MATCH_KEYS = ("l2", "l3", "op", "value", "unit")


def owner(g: nx.DiGraph, node: str) -> str:
    """The project a matched node belongs to (itself when it is a project or has no project)."""
    kind = g.nodes[node]["kind"]
    if kind == "Indicator":
        owners = in_edges(g, node, "HAS_INDICATOR")
        return owners[0][0] if owners else node
    if kind == "DepartmentIndicator":
        tied = out_edges(g, node, "ABOUT_PROJECT")
        return tied[0][0] if tied else node
    return node


def _matched(g: nx.DiGraph, c: Candidate) -> dict[str, Any]:
    a = g.nodes[c.node]
    return {"id": c.node, "kind": c.kind, **{k: a.get(k) for k in MATCH_KEYS}, "score": round(c.score, 1),
            "how": c.how, "cite": a.get("cite") or a.get("file")}


def groups(g: nx.DiGraph, cands: list[Candidate]) -> list[list[Candidate]]:
    """Candidates grouped by owner, groups ordered by best score, then year, then owner id."""
    by_owner: dict[str, list[Candidate]] = {}
    for c in cands:
        if c.node in g:
            by_owner.setdefault(owner(g, c.node), []).append(c)

    def order(item: tuple[str, list[Candidate]]) -> tuple[float, int, str]:
        key, cs = item
        return (-max(c.score for c in cs), g.nodes[key].get("year") or min((c.year or 0) for c in cs), key)

    return [cs for _, cs in sorted(by_owner.items(), key=order)]


def _ranked(cs: list[Candidate]) -> list[Candidate]:
    """A group's candidates, the one its trace starts from first: a project's own target beats a row."""
    return sorted(cs, key=lambda c: (-c.score, {"Indicator": 0, "Project": 1}.get(c.kind, 2), c.node))


def department_totals(g: nx.DiGraph, doc_node: str) -> dict[str, Any]:
    a = g.nodes[doc_node]
    return {"total": a.get("total"), "basic": a.get("basic"), "project": a.get("project"), "source": a.get("source"),
            "year": a.get("year")}


def carried_by(g: nx.DiGraph, dind: str) -> list[dict[str, Any]]:
    """Projects of the row's document whose own targets have the row's target name (l3)."""
    a = g.nodes[dind]
    l3 = (a.get("l3") or "").strip()
    if not l3:
        return []
    out = []
    for pid, _ in out_edges(g, f"doc:{a['doc_id']}", "HAS_PROJECT"):
        hits = [i for i, _ in out_edges(g, pid, "HAS_INDICATOR") if (g.nodes[i].get("l3") or "").strip() == l3]
        if hits:
            p = g.nodes[pid]
            i = g.nodes[hits[0]]
            out.append({"id": pid, **{k: p.get(k) for k in ("name", "code", "amount")},
                        "target": {"id": hits[0], **{k: i.get(k) for k in MATCH_KEYS},
                                   "cite": i.get("cite") or i.get("file")}})
    return out


def trace_matches(g: nx.DiGraph, cands: list[Candidate], limit: int | None = None) -> list[dict[str, Any]]:
    """One trace per project the candidates belong to (see the module doc), at most ``limit``."""
    from kg.trace import trace_node

    out = []
    for cs in groups(g, cands)[:limit]:
        cs = _ranked(cs)
        lead = cs[0]
        t = trace_node(g, lead.node)
        t["score"] = round(lead.score, 1)
        t["matched"] = [_matched(g, c) for c in cs]
        if t.get("kind") == "department_indicator":
            t["department_totals"] = department_totals(g, f"doc:{g.nodes[lead.node]['doc_id']}")
            t["carried_by"] = carried_by(g, lead.node)
        out.append(t)
    return out
