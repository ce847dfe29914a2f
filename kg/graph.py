"""The knowledge graph (networkx ``DiGraph``), built from the store every time — never a second source of truth.

Node ids and kinds (attribute ``kind``)::

    dept:<code or name>            Department   (code where any document gives one for that name)
    doc:<doc_id>                   Document     (doc_id: the content's id, kg.identity; attribute ``source`` the
                                                file name, ``locations`` the paths it was read from, "; "-joined)
    project:<doc_id>#<n>           Project      (n = 0-based position in the document's project list)
    indicator:<doc_id>#<n>.<i>     Indicator
    dind:<doc_id>#<n>              DepartmentIndicator
    funding:<doc_id>#<n>.<i>       FundingLine  (a project's; funding:<doc_id>#d.<i> a department-level line)
    class:<scheme>:<code>          Classification (scheme function / econ_gov / econ_dept)

Edges (attribute ``rel``), each with ``method`` and ``confidence`` and, where the record has one, ``cite``
(file:line)::

    dept -PUBLISHED-> doc -HAS_PROJECT-> project -HAS_INDICATOR-> indicator
    project -HAS_FUNDING-> funding -FUNCTION|ECON_GOV|ECON_DEPT-> class -SUBCLASS_OF-> parent class
    dept -HAS_FUNDING-> funding                              a department-level line (对下转移支付 …, kg.funding)
    project -HAS_FORM-> form:<doc_id>#<k>                    a target form given to the project by evidence
                                                             (method form:evidence; kg.evidence_link)
    project -FUNCTION|ECON_GOV|ECON_DEPT-> class            (method "project_field": the project's own codes)
    doc -HAS_DEPT_INDICATOR-> dind -ABOUT_PROJECT-> project  (method exact / fuzzy_name)
    project -SAME_PROJECT-> project of a later document      (method code, or fuzzy_name; see below)
    project -EVALUATES-> project                             a self-evaluated project → the same department's
                                                             budget project of the same year (method code,
                                                             exact_name or fuzzy_name; kg.selfeval)
    indicator -ANSWERS-> indicator                           its target → the target that budget promised

Self-evaluated records carry their evaluation as attributes: indicators and department-wide rows ``actual``,
``weight``, ``score``, ``reason``, ``met`` (bool, where decidable); projects ``evaluated`` (bool),
``total_score``, ``implementing_unit``, ``outcome`` and the funds row as ``funds_initial_budget``,
``funds_budget``, ``funds_spent`` (yuan), ``funds_weight``, ``funds_rate``, ``funds_score`` (as printed).

The same project across documents (years) forms a *chain* within one department: the department's documents
are ordered by (year, doc_id) and each project links back to the nearest earlier document holding it — by
project code (method ``code``), else by a close name (``fuzzy_name``, rapidfuzz ratio, searched in at most
:data:`kg.graph_chain.CHAIN_LOOKBACK_DOCS` earlier documents; two different codes are two different projects). Links never
cross departments, so their number is at most the number of projects and a department's chain depends only on
that department's documents: a graph of some departments' documents (:func:`graph_for_documents`) holds the
same nodes and links for them as the graph of the whole store.

All attribute values are scalars (str, int, float); absent values are left out, so GraphML can hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.departments import dept_key
from kg.evidence_link import EVIDENCE_METHOD, FORM_AMOUNT_KEY
from kg.graph_chain import link_across_documents
from kg.graph_edges import add_edge as _edge
from kg.graph_edges import scalars as _scalars
from kg.model import DepartmentIndicator, Document, FundingLine, Indicator, Project, Provenance
from kg.normalize import money_str
from kg.selfeval import met
from kg.store import Store

if TYPE_CHECKING:
    import networkx as nx

    from kg.digraph import DiGraph

# ratio at or above which a department-wide table row's project name is tied to a project of its document.
DIND_FUZZY_MIN = 80.0
SCHEMES = ("function", "econ_gov", "econ_dept")
CLASS_REL = {"function": "FUNCTION", "econ_gov": "ECON_GOV", "econ_dept": "ECON_DEPT"}
LEVELS = {3: "类", 5: "款", 7: "项"}
# Confidence of an evidence link of a form without targets (its targets' confidence otherwise).
FORM_CONFIDENCE = 0.9


@dataclass
class GraphContext:
    """What a node's attributes take from documents other than its own: the department code a document
    without one borrows from another of the same department name (last one wins, in doc_id order), and the
    name of each classification code (the first any document states)."""

    dept_codes: dict[str | None, str | None]
    class_names: dict[tuple[str, str], str]
    locations: dict[str, list[str]] = field(default_factory=dict)  # doc_id → paths its bytes were read from

    @classmethod
    def of_documents(cls, docs: list[tuple[str, Document]]) -> GraphContext:
        dept_codes = {d.department: d.department_code for _, d in docs if d.department and d.department_code}
        return cls(dept_codes, _class_names(docs))

    @classmethod
    def of_store(cls, store: Store) -> GraphContext:
        return cls(store.department_codes(), store.class_names(), store.locations())


def build_graph(store: Store) -> nx.DiGraph:
    """The graph of every document in the store (documents read one at a time), with the auditor's decisions
    on inferred links applied (:mod:`kg.links`)."""
    from kg.links import apply_link_decisions

    return apply_link_decisions(graph_from_documents(store.iter_documents(), GraphContext.of_store(store)),
                                store.path)


def graph_for_documents(store: Store, doc_ids: Iterable[str],
                        dept_codes: dict[str | None, str | None] | None = None) -> DiGraph:
    """The graph of some documents of the store, with the attributes they have in the whole graph, as a
    :class:`kg.digraph.DiGraph` (what trace / show read; no networkx import). Give whole departments
    (:meth:`Store.department_closure`) for the SAME_PROJECT chains to be whole; ``dept_codes`` (default
    :meth:`Store.department_codes`) when the caller has read them already."""
    from kg.digraph import DiGraph  # trace / show: the same graph without importing networkx (issue 16)
    from kg.links import apply_link_decisions

    docs = list(store.load_documents(doc_ids))
    dept_codes = store.department_codes() if dept_codes is None else dept_codes
    context = GraphContext(dept_codes, store.class_names_of(_class_nodes(docs)),
                           store.locations([doc_id for doc_id, _ in docs]))
    return apply_link_decisions(graph_from_documents(docs, context, DiGraph), store.path)


def graph_from_documents(docs: Iterable[tuple[str, Document]], context: GraphContext | None = None,
                         graph_class: Callable[[], Any] | None = None) -> nx.DiGraph:
    """The graph of ``docs`` (in doc_id order); ``context`` defaults to what these documents alone say;
    ``graph_class`` (default ``networkx.DiGraph``) builds the empty graph."""
    if context is None:
        docs = list(docs)
        context = GraphContext.of_documents(docs)
    if graph_class is None:
        import networkx as nx

        graph_class = nx.DiGraph
    g = graph_class()
    for doc_id, doc in docs:
        _add_document(g, doc_id, doc, context.dept_codes, context.class_names)
        if context.locations.get(doc_id):
            g.nodes[f"doc:{doc_id}"]["locations"] = "; ".join(context.locations[doc_id])
    link_across_documents(g)
    return g


# -- ids ---------------------------------------------------------------------------------------------
def dept_id(name: str | None, code: str | None) -> str:
    return f"dept:{dept_key(name, code)}"


def project_id(doc_id: str, n: int) -> str:
    return f"project:{doc_id}#{n}"


def class_id(scheme: str, code: str) -> str:
    return f"class:{scheme}:{code}"


def parent_code(code: str) -> str | None:
    """类 → 款 → 项 by prefix: 2010301 → 20103 → 201; 50299 → 502; a 3-digit 类 has none."""
    return code[:-2] if len(code) > 3 and code[:-2] else None


# -- building ----------------------------------------------------------------------------------------
def _prov(p: Provenance | None) -> dict[str, Any]:
    if p is None:
        return {}
    return _scalars(file=p.file, table=p.table, line_start=p.line_start, line_end=p.line_end,
                    cite=p.cite() if p.line_start is not None else None)





def _class_names(docs: list[tuple[str, Document]]) -> dict[tuple[str, str], str]:
    """(scheme, code) → the first name any document states for it (classification tables, then funding lines)."""
    names: dict[tuple[str, str], str] = {}
    for _, doc in docs:
        for c in doc.classifications:
            if c.name:
                names.setdefault((c.scheme, c.code), c.name)
    for _, doc in docs:
        for f in [x for p in doc.projects for x in p.funding_lines] + doc.funding:
            for scheme in SCHEMES:
                code, name = getattr(f, f"{scheme}_code"), getattr(f, f"{scheme}_name")
                if code and name:
                    names.setdefault((scheme, code), name)
    return names


def _class_nodes(docs: list[tuple[str, Document]]) -> set[tuple[str, str]]:
    """(scheme, code) of every classification node the graph of ``docs`` can hold: codes and their parents."""
    codes = {(c.scheme, c.code) for _, doc in docs for c in doc.classifications}
    for _, doc in docs:
        for x in [*(y for p in doc.projects for y in (p, *p.funding_lines)), *doc.funding]:
            codes.update((s, getattr(x, f"{s}_code")) for s in SCHEMES if getattr(x, f"{s}_code"))
    out = set()
    for scheme, code in codes:
        c: str | None = code
        while c:
            out.add((scheme, c))
            c = parent_code(c)
    return out


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
    for i, f in enumerate(doc.funding):  # the department's own funding lines (对下转移支付 …): not projects
        _add_funding(g, f"funding:{doc_id}#d.{i}", doc_id, dep, f.project, f, names)
    by_name = {name: project_id(doc_id, n) for n, p in enumerate(doc.projects) for name in [p.name, *p.aliases]}
    _add_forms(g, doc_id, doc, by_name)
    for n, x in enumerate(doc.department_indicators):
        xid = f"dind:{doc_id}#{n}"
        g.add_node(xid, **_scalars(kind="DepartmentIndicator", doc_id=doc_id, department=dep, year=doc.year,
                                   activity=x.activity, project=x.project, l2=x.l2, l3=x.l3, op=x.op,
                                   value=x.value, unit=x.unit, text=x.text, label=x.l3 or x.text or xid,
                                   **_evaluation(x), **_prov(x.provenance)))
        _edge(g, did, xid, "HAS_DEPT_INDICATOR", prov=x.provenance)
        target = _match_name(x.project, by_name)
        if target:
            _edge(g, xid, target[0], "ABOUT_PROJECT", target[1], target[2], x.provenance)


def _add_forms(g: nx.DiGraph, doc_id: str, doc: Document, by_name: dict[str, str]) -> None:
    """A target form linked to its project by evidence (its ``form_amount`` figure, kg.evidence_link): a node
    with the form's name and amount, below the project it was given to (method form:evidence), so the link can
    be reviewed as one (kg.links)."""
    for k, f in enumerate(doc.outcomes):
        pid = by_name.get(f.subject or "") if f.key == FORM_AMOUNT_KEY else None
        if pid is None:
            continue
        fid = f"form:{doc_id}#{k}"
        inds = [i for i in doc.projects[g.nodes[pid]["n"]].indicators if i.link_method == EVIDENCE_METHOD]
        g.add_node(fid, **_scalars(kind="Form", doc_id=doc_id, name=f.subject, label=f.subject,
                                   amount=money_str(f.amount), amount_text=f.text, **_prov(f.provenance)))
        _edge(g, pid, fid, "HAS_FORM", EVIDENCE_METHOD, min((i.confidence for i in inds), default=FORM_CONFIDENCE),
              f.provenance)


def _match_name(name: str | None, by_name: dict[str, str]) -> tuple[str, str, float] | None:
    if not name:
        return None
    if name in by_name:
        return by_name[name], "exact", 1.0
    from rapidfuzz import fuzz  # (loaded only when a fuzzy match is needed: issue 16)

    best = max(((fuzz.ratio(name, k), v) for k, v in by_name.items()), default=None)
    if best and best[0] >= DIND_FUZZY_MIN:
        return best[1], "fuzzy_name", round(best[0] / 100, 3)
    return None


def _evaluation(x: Indicator | DepartmentIndicator) -> dict[str, Any]:
    """A self-evaluated row's achieved value, weight, score, reason and whether it met its target."""
    if not x.evaluated:
        return {}
    return _scalars(evaluated=True, actual=x.actual, weight=x.weight, score=x.score, reason=x.reason, met=met(x))


def _project_evaluation(p: Project) -> dict[str, Any]:
    if not p.evaluated:
        return {}
    f = p.funds
    funds = {} if f is None else {f"funds_{k}": money_str(getattr(f, k)) for k in f.MONEY} | {
        f"funds_{k}": getattr(f, k) for k in f.PRINTED}
    return _scalars(evaluated=True, total_score=p.total_score, implementing_unit=p.implementing_unit,
                    outcome=p.outcome, **funds)


def _add_project(g: nx.DiGraph, doc_id: str, doc: Document, n: int, p: Project, dep: str,
                 names: dict[tuple[str, str], str]) -> None:
    pid = project_id(doc_id, n)
    seen = [f"{s.table or ''} {s.cite()}".strip() if s.line_start else (s.table or s.file) for s in p.seen_in]
    g.add_node(pid, **_scalars(
        kind="Project", doc_id=doc_id, n=n, name=p.name, label=p.name, aliases=list(p.aliases), code=p.code,
        amount=money_str(p.amount), function_code=p.function_code, econ_gov_code=p.econ_gov_code,
        econ_dept_code=p.econ_dept_code, category=p.category, owner=p.owner, goal=p.goal, year=doc.year,
        doc_kind=doc.doc_kind, department=dep, seen_in=seen, **_project_evaluation(p), **_prov(p.provenance)))
    _edge(g, f"doc:{doc_id}", pid, "HAS_PROJECT", prov=p.provenance)
    for scheme in SCHEMES:
        code = getattr(p, f"{scheme}_code")
        if code:
            _edge(g, pid, _add_class(g, scheme, code, names), CLASS_REL[scheme], "project_field", 1.0, p.provenance)
    for i, ind in enumerate(p.indicators):
        iid = f"indicator:{doc_id}#{n}.{i}"
        g.add_node(iid, **_scalars(kind="Indicator", doc_id=doc_id, project=pid, l1=ind.l1, l2=ind.l2, l3=ind.l3,
                                   op=ind.op, value=ind.value, unit=ind.unit, direction=ind.direction,
                                   text=ind.text, label=ind.l3 or ind.value or iid, **_evaluation(ind),
                                   **_prov(ind.provenance)))
        _edge(g, pid, iid, "HAS_INDICATOR", ind.link_method, ind.confidence, ind.provenance)
    for i, f in enumerate(p.funding_lines):
        _add_funding(g, f"funding:{doc_id}#{n}.{i}", doc_id, pid, p.name, f, names)


def _add_funding(g: nx.DiGraph, fid: str, doc_id: str, owner: str, name: str | None, f: FundingLine,
                 names: dict[tuple[str, str], str]) -> None:
    """A funding line below its ``owner``: a project, or (a department-level line) the department."""
    kind = g.nodes[owner].get("kind")
    g.add_node(fid, **_scalars(kind="FundingLine", doc_id=doc_id, project=owner if kind == "Project" else None,
                               department=owner if kind == "Department" else None, amount=money_str(f.amount),
                               amount_text=f.amount_text, source=f.source, recipient=f.recipient, purpose=f.purpose,
                               doc_no=f.doc_no,
                               function_code=f.function_code, econ_gov_code=f.econ_gov_code,
                               econ_dept_code=f.econ_dept_code,
                               label=f"{name or f.recipient or f.source or ''} {money_str(f.amount) or ''}".strip(),
                               **_prov(f.provenance)))
    _edge(g, owner, fid, "HAS_FUNDING", f.link_method, f.confidence, f.provenance)
    for scheme in SCHEMES:
        code = getattr(f, f"{scheme}_code")
        if code:
            _edge(g, fid, _add_class(g, scheme, code, names), CLASS_REL[scheme], prov=f.provenance)


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


def graph_counts(g: nx.DiGraph) -> dict[str, int]:
    """Nodes per kind, plus ``edges``."""
    out: dict[str, int] = {}
    for _, a in g.nodes(data=True):
        out[a.get("kind", "?")] = out.get(a.get("kind", "?"), 0) + 1
    out["edges"] = g.number_of_edges()
    return out
