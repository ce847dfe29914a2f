"""The knowledge graph (networkx ``DiGraph``), built from the store every time — never a second source of truth.

Node ids and kinds (attribute ``kind``)::

    dept:<code or name>            Department   (code where any document gives one for that name)
    doc:<doc_id>                   Document
    project:<doc_id>#<n>           Project      (n = 0-based position in the document's project list)
    indicator:<doc_id>#<n>.<i>     Indicator
    dind:<doc_id>#<n>              DepartmentIndicator
    funding:<doc_id>#<n>.<i>       FundingLine
    class:<scheme>:<code>          Classification (scheme function / econ_gov / econ_dept)

Edges (attribute ``rel``), each with ``method`` and ``confidence`` and, where the record has one, ``cite``
(file:line)::

    dept -PUBLISHED-> doc -HAS_PROJECT-> project -HAS_INDICATOR-> indicator
    project -HAS_FUNDING-> funding -FUNCTION|ECON_GOV|ECON_DEPT-> class -SUBCLASS_OF-> parent class
    project -FUNCTION|ECON_GOV|ECON_DEPT-> class            (method "project_field": the project's own codes)
    doc -HAS_DEPT_INDICATOR-> dind -ABOUT_PROJECT-> project  (method exact / fuzzy_name)
    project -SAME_PROJECT-> project of a later document      (method code, or fuzzy_name within a department)

All attribute values are scalars (str, int, float); absent values are left out, so GraphML can hold them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from rapidfuzz import fuzz, process

from kg.model import Document, Project, Provenance
from kg.normalize import money_str
from kg.store import Store

# rapidfuzz ratio (0-100) at or above which two project names of one department in two documents are linked.
CROSS_DOC_FUZZY_MIN = 85.0
# ratio at or above which a department-wide table row's project name is tied to a project of its document.
DIND_FUZZY_MIN = 80.0
SCHEMES = ("function", "econ_gov", "econ_dept")
CLASS_REL = {"function": "FUNCTION", "econ_gov": "ECON_GOV", "econ_dept": "ECON_DEPT"}
LEVELS = {3: "类", 5: "款", 7: "项"}


def build_graph(store: Store) -> nx.DiGraph:
    """The graph of every document in the store."""
    return graph_from_documents(store.iter_documents())


def graph_from_documents(docs: Iterable[tuple[str, Document]]) -> nx.DiGraph:
    docs = list(docs)
    g = nx.DiGraph()
    dept_codes = {d.department: d.department_code for _, d in docs if d.department and d.department_code}
    names = _class_names(docs)
    for doc_id, doc in docs:
        _add_document(g, doc_id, doc, dept_codes, names)
    _link_across_documents(g)
    return g


# -- ids ---------------------------------------------------------------------------------------------
def dept_id(name: str | None, code: str | None) -> str:
    return f"dept:{code or name or '?'}"


def project_id(doc_id: str, n: int) -> str:
    return f"project:{doc_id}#{n}"


def class_id(scheme: str, code: str) -> str:
    return f"class:{scheme}:{code}"


def parent_code(code: str) -> str | None:
    """类 → 款 → 项 by prefix: 2010301 → 20103 → 201; 50299 → 502; a 3-digit 类 has none."""
    return code[:-2] if len(code) > 3 and code[:-2] else None


# -- building ----------------------------------------------------------------------------------------
def _scalars(**kw: Any) -> dict[str, Any]:
    """Attributes without None; lists joined with '; ' (GraphML holds scalars only)."""
    out: dict[str, Any] = {}
    for k, v in kw.items():
        if v is None or v == "" or v == []:
            continue
        out[k] = "; ".join(map(str, v)) if isinstance(v, list) else v
    return out


def _prov(p: Provenance | None) -> dict[str, Any]:
    if p is None:
        return {}
    return _scalars(file=p.file, table=p.table, line_start=p.line_start, line_end=p.line_end,
                    cite=p.cite() if p.line_start is not None else None)


def _edge(g: nx.DiGraph, a: str, b: str, rel: str, method: str = "exact", confidence: float = 1.0,
          prov: Provenance | None = None) -> None:
    cite = prov.cite() if prov is not None and prov.line_start is not None else None
    g.add_edge(a, b, **_scalars(rel=rel, method=method, confidence=float(confidence), cite=cite))


def _class_names(docs: list[tuple[str, Document]]) -> dict[tuple[str, str], str]:
    """(scheme, code) → the first name any document states for it (classification tables, then funding lines)."""
    names: dict[tuple[str, str], str] = {}
    for _, doc in docs:
        for c in doc.classifications:
            if c.name:
                names.setdefault((c.scheme, c.code), c.name)
    for _, doc in docs:
        for p in doc.projects:
            for f in p.funding_lines:
                for scheme in SCHEMES:
                    code, name = getattr(f, f"{scheme}_code"), getattr(f, f"{scheme}_name")
                    if code and name:
                        names.setdefault((scheme, code), name)
    return names


def _add_class(g: nx.DiGraph, scheme: str, code: str, names: dict[tuple[str, str], str]) -> str:
    """The classification node and its ancestors (with SUBCLASS_OF edges); returns its id."""
    node = class_id(scheme, code)
    child = None
    while code:
        cid = class_id(scheme, code)
        if cid not in g:
            g.add_node(cid, **_scalars(kind="Classification", scheme=scheme, code=code, name=names.get((scheme, code)),
                                       level=LEVELS.get(len(code)),
                                       label=f"{code} {names.get((scheme, code)) or ''}".strip()))
        if child:
            _edge(g, child, cid, "SUBCLASS_OF", method="code_prefix")
        child, code = cid, parent_code(code)
    return node


def _add_document(g: nx.DiGraph, doc_id: str, doc: Document, dept_codes: dict[str | None, str | None],
                  names: dict[tuple[str, str], str]) -> None:
    did = f"doc:{doc_id}"
    tot = doc.to_gold_dict()["totals"]
    g.add_node(did, **_scalars(kind="Document", doc_id=doc_id, source=doc.source, year=doc.year,
                               doc_kind=doc.doc_kind, layout=doc.layout, department=doc.department,
                               total=tot["total"], basic=tot["basic"], project=tot["project"],
                               label=f"{doc.source} ({doc.year or '?'} {doc.doc_kind or '?'})"))
    code = doc.department_code or dept_codes.get(doc.department)
    dep = dept_id(doc.department, code)
    if dep not in g:
        g.add_node(dep, **_scalars(kind="Department", name=doc.department, code=code, label=doc.department or dep))
    _edge(g, dep, did, "PUBLISHED")
    for n, p in enumerate(doc.projects):
        _add_project(g, doc_id, doc, n, p, dep, names)
    by_name = {name: project_id(doc_id, n) for n, p in enumerate(doc.projects) for name in [p.name, *p.aliases]}
    for n, x in enumerate(doc.department_indicators):
        xid = f"dind:{doc_id}#{n}"
        g.add_node(xid, **_scalars(kind="DepartmentIndicator", doc_id=doc_id, department=dep, year=doc.year,
                                   activity=x.activity, project=x.project, l2=x.l2, l3=x.l3, op=x.op,
                                   value=x.value, unit=x.unit, text=x.text, label=x.l3 or x.text or xid,
                                   **_prov(x.provenance)))
        _edge(g, did, xid, "HAS_DEPT_INDICATOR", prov=x.provenance)
        target = _match_name(x.project, by_name)
        if target:
            _edge(g, xid, target[0], "ABOUT_PROJECT", target[1], target[2], x.provenance)


def _match_name(name: str | None, by_name: dict[str, str]) -> tuple[str, str, float] | None:
    if not name:
        return None
    if name in by_name:
        return by_name[name], "exact", 1.0
    best = max(((fuzz.ratio(name, k), v) for k, v in by_name.items()), default=None)
    if best and best[0] >= DIND_FUZZY_MIN:
        return best[1], "fuzzy_name", round(best[0] / 100, 3)
    return None


def _add_project(g: nx.DiGraph, doc_id: str, doc: Document, n: int, p: Project, dep: str,
                 names: dict[tuple[str, str], str]) -> None:
    pid = project_id(doc_id, n)
    seen = [f"{s.table or ''} {s.cite()}".strip() if s.line_start else (s.table or s.file) for s in p.seen_in]
    g.add_node(pid, **_scalars(
        kind="Project", doc_id=doc_id, n=n, name=p.name, label=p.name, aliases=list(p.aliases), code=p.code,
        amount=money_str(p.amount), function_code=p.function_code, econ_gov_code=p.econ_gov_code,
        econ_dept_code=p.econ_dept_code, category=p.category, owner=p.owner, goal=p.goal, year=doc.year,
        doc_kind=doc.doc_kind, department=dep, seen_in=seen, **_prov(p.provenance)))
    _edge(g, f"doc:{doc_id}", pid, "HAS_PROJECT", prov=p.provenance)
    for scheme in SCHEMES:
        code = getattr(p, f"{scheme}_code")
        if code:
            _edge(g, pid, _add_class(g, scheme, code, names), CLASS_REL[scheme], "project_field", 1.0, p.provenance)
    for i, ind in enumerate(p.indicators):
        iid = f"indicator:{doc_id}#{n}.{i}"
        g.add_node(iid, **_scalars(kind="Indicator", doc_id=doc_id, project=pid, l1=ind.l1, l2=ind.l2, l3=ind.l3,
                                   op=ind.op, value=ind.value, unit=ind.unit, direction=ind.direction,
                                   text=ind.text, label=ind.l3 or ind.value or iid, **_prov(ind.provenance)))
        _edge(g, pid, iid, "HAS_INDICATOR", ind.link_method, ind.confidence, ind.provenance)
    for i, f in enumerate(p.funding_lines):
        fid = f"funding:{doc_id}#{n}.{i}"
        g.add_node(fid, **_scalars(kind="FundingLine", doc_id=doc_id, project=pid, amount=money_str(f.amount),
                                   amount_text=f.amount_text, source=f.source, function_code=f.function_code,
                                   econ_gov_code=f.econ_gov_code, econ_dept_code=f.econ_dept_code,
                                   label=f"{p.name} {money_str(f.amount) or ''}".strip(), **_prov(f.provenance)))
        _edge(g, pid, fid, "HAS_FUNDING", f.link_method, f.confidence, f.provenance)
        for scheme in SCHEMES:
            code = getattr(f, f"{scheme}_code")
            if code:
                _edge(g, fid, _add_class(g, scheme, code, names), CLASS_REL[scheme], prov=f.provenance)


# -- the same project across documents (years) -------------------------------------------------------
def _link_across_documents(g: nx.DiGraph) -> None:
    projects = [(pid, a) for pid, a in g.nodes(data=True) if a.get("kind") == "Project"]
    order = {pid: (a.get("year") or 0, a["doc_id"]) for pid, a in projects}
    linked: set[frozenset[str]] = set()
    by_code: dict[str, list[str]] = {}
    for pid, a in projects:
        if a.get("code"):
            by_code.setdefault(a["code"], []).append(pid)
    for pids in by_code.values():
        for i, x in enumerate(pids):
            for y in pids[i + 1:]:
                if g.nodes[x]["doc_id"] != g.nodes[y]["doc_id"]:
                    _link(g, x, y, "code", 1.0, order, linked)
    by_dept: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
    for pid, a in projects:
        by_dept.setdefault(a["department"], {}).setdefault(a["doc_id"], []).append((pid, a))
    for docs in by_dept.values():
        doc_ids = sorted(docs)
        for i, da in enumerate(doc_ids):
            for db in doc_ids[i + 1:]:
                _fuzzy_pair(g, docs[da], docs[db], order, linked)
                _fuzzy_pair(g, docs[db], docs[da], order, linked)


def _names(a: dict[str, Any]) -> list[str]:
    return [a["name"], *[s for s in str(a.get("aliases", "")).split("; ") if s]]


def _fuzzy_pair(g: nx.DiGraph, side: list[tuple[str, dict[str, Any]]], other: list[tuple[str, dict[str, Any]]],
                order: dict[str, tuple[int, str]], linked: set[frozenset[str]]) -> None:
    """Link each project of ``side`` not yet linked into ``other`` to its best name match there, if close enough."""
    other_ids = {q for q, _ in other}
    choices = [(q, name, b.get("code")) for q, b in other for name in _names(b)]
    for pid, a in side:
        if any(frozenset((pid, q)) in linked for q in other_ids):
            continue
        # two different project codes are two different projects, whatever the names
        allowed = [(q, n) for q, n, code in choices if not (a.get("code") and code and code != a["code"])]
        best = None
        for name in _names(a):
            hit = process.extractOne(name, [n for _, n in allowed], scorer=fuzz.ratio,
                                     score_cutoff=CROSS_DOC_FUZZY_MIN)
            if hit and (best is None or hit[1] > best[1]):
                best = (allowed[hit[2]][0], hit[1])
        if best:
            _link(g, pid, best[0], "fuzzy_name", round(best[1] / 100, 3), order, linked)


def _link(g: nx.DiGraph, x: str, y: str, method: str, conf: float, order: dict[str, tuple[int, str]],
          linked: set[frozenset[str]]) -> None:
    key = frozenset((x, y))
    if key in linked:
        return
    linked.add(key)
    a, b = sorted((x, y), key=lambda n: order[n])
    _edge(g, a, b, "SAME_PROJECT", method, conf)


# -- reading helpers ---------------------------------------------------------------------------------
def nodes_of_kind(g: nx.DiGraph, kind: str) -> list[str]:
    return [n for n, a in g.nodes(data=True) if a.get("kind") == kind]


def class_path(g: nx.DiGraph, scheme: str, code: str | None) -> list[dict[str, Any]]:
    """[{code, name, level}] from the 类 down to ``code``."""
    if not code:
        return []
    path = []
    c: str | None = code
    while c:
        a = g.nodes.get(class_id(scheme, c), {})
        path.append({"code": c, "name": a.get("name"), "level": LEVELS.get(len(c))})
        c = parent_code(c)
    return path[::-1]


def out_edges(g: nx.DiGraph, node: str, rel: str) -> list[tuple[str, dict[str, Any]]]:
    return [(v, d) for _, v, d in g.out_edges(node, data=True) if d.get("rel") == rel]


def in_edges(g: nx.DiGraph, node: str, rel: str) -> list[tuple[str, dict[str, Any]]]:
    return [(u, d) for u, _, d in g.in_edges(node, data=True) if d.get("rel") == rel]


def graph_counts(g: nx.DiGraph) -> dict[str, int]:
    """Nodes per kind, plus ``edges``."""
    out: dict[str, int] = {}
    for _, a in g.nodes(data=True):
        out[a.get("kind", "?")] = out.get(a.get("kind", "?"), 0) + 1
    out["edges"] = g.number_of_edges()
    return out
