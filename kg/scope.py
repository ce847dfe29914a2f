"""Answer ``trace`` / ``show`` from the store without building the whole graph.

Two steps, each giving exactly what the same step gives on the graph of the whole store:

1. **Resolve** (:func:`resolve_in_store`): SQL over the normalized rows and rapidfuzz over the distinct names
   find the documents holding a node that :func:`kg.lookup.resolve` would return (the same steps: a
   classification code, a project / department code, an exact text, else the fuzzy band). A *lookup graph* of
   only those documents — the nodes a query can name, in the order the full graph has them, built from the
   rows without loading any document — is resolved with :func:`kg.lookup.resolve` itself.
2. **Trace** (:func:`graph_for_nodes`): the full graph (:func:`kg.graph.graph_for_documents`) of the matched
   nodes' departments (all their documents: the SAME_PROJECT chains are per department) and, for a
   classification, of every document funding something under it.

Cost follows what the query finds, not the size of the store: with ``--pick`` only the picked node's
department is built.
"""

from __future__ import annotations

import json
import math
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from kg.departments import Departments
from kg.digraph import DiGraph
from kg.graph import SCHEMES, _add_class, _match_name, graph_for_documents, parent_code, project_id
from kg.graph_edges import scalars as _scalars
from kg.lookup import (
    AMBIGUITY_MARGIN,
    CLASS_CODE,
    CODE_SUFFIX,
    COVERAGE_WEIGHT,
    FUZZY_MIN,
    SEARCHABLE,
    Resolution,
    fuzzy_score,
    resolve,
)
from kg.lookup_rows import aliases_containing, rows_with_texts
from kg.store import DEPARTMENT_N, Store

if TYPE_CHECKING:
    pass

_INDICATOR_TABLES = {"Indicator": "indicators", "DepartmentIndicator": "department_indicators"}


def ancestors(code: str) -> list[str]:
    """The code and its parents: 2010302, 20103, 201."""
    out: list[str] = []
    c: str | None = code
    while c:
        out.append(c)
        c = parent_code(c)
    return out


def resolve_in_store(store: Store, query: str, kinds: tuple[str, ...] = SEARCHABLE) -> tuple[Resolution, StoreScope]:
    """:func:`kg.lookup.resolve` over the whole store (raises :class:`QueryError` the same way)."""
    sc = StoreScope(store, kinds)
    return resolve(sc.lookup_graph(sc.matching_documents(query)), query, kinds), sc


def graph_for_nodes(sc: StoreScope, nodes: list[str]) -> DiGraph:
    """The full graph of what tracing ``nodes`` (ids from the lookup graph) reads."""
    docs: set[str] = set()
    for node in nodes:
        a = sc.graph.nodes[node]
        if a["kind"] == "Classification":
            docs |= sc.under([(a["scheme"], a["code"])])
        elif a["kind"] == "Department":
            docs |= set(sc.depts.members(node)[2])
        else:
            docs.add(a["doc_id"])
    whole = sc.departments_of(docs)
    sc.depts.load(whole)
    return graph_for_documents(sc.store, whole, sc.depts.codes(sc.depts.heads[d][1] for d in whole))


class StoreScope:
    """The node texts and codes of the store's graph, read from the normalized rows as a step needs them."""

    def __init__(self, store: Store, kinds: tuple[str, ...]):
        self.store, self.kinds = store, kinds
        self.depts = Departments(store.conn)  # documents' heads and departments, read as a step needs them
        self.graph = DiGraph()
        self.hit_kinds: set[str] = set()  # the kinds the deciding step found (only they can be candidates)
        # the texts that decided, when an exact text (the query) or the fuzzy band (every text scoring within
        # the margin of the best) decided: only nodes carrying one can be candidates (no node in the store has
        # the query as a code, else an earlier step had decided; a node scoring below the band is cut by
        # kg.lookup's margin), and the lookup graph holds only them
        self.carry: set[str] | None = None
        self._band: set[str] = set()

    def departments_of(self, doc_ids: set[str]) -> set[str]:
        """Every document of the departments of ``doc_ids``."""
        return {d for did in set(self.depts.ids_of(doc_ids).values()) for d in self.depts.members(did)[2]}

    def _dept_docs(self, dids: set[str], code_fits: Any) -> set[str]:
        """The documents of the departments ``dids`` whose code ``code_fits``."""
        return {d for did in dids if code_fits((m := self.depts.members(did))[1]) for d in m[2]}

    # -- step 1: the documents holding what the query names -------------------------------------
    def matching_documents(self, query: str) -> set[str]:
        q = query.strip()
        if not q:
            return set()
        for step in (self._by_class_code, self._by_code, self._by_code_suffix, self._by_exact, self._by_fuzzy):
            by_kind = step(q)
            if any(by_kind.values()):
                self.hit_kinds = {k for k, docs in by_kind.items() if docs}
                self.carry = {q} if step == self._by_exact else self._band if step == self._by_fuzzy else None
                return {d for docs in by_kind.values() for d in docs}
        return set()

    @cached_property
    def class_nodes(self) -> set[tuple[str, str]]:
        """(scheme, code) of every classification node: codes in use and their parents."""
        return {(s, a) for s, c in self.store.used_class_codes() for a in ancestors(c)}

    def under(self, nodes: list[tuple[str, str]]) -> set[str]:
        """Documents with a project or funding line coded under one of the classification nodes."""
        return {doc for s, c in nodes for doc, code in self.store.docs_with_class_prefix(s, c)
                if c in ancestors(code)}

    @cached_property
    def alias_lists(self) -> dict[str, list[str]]:
        """Stored aliases JSON → the alias texts of a project node (joined and split as the graph does)."""
        out = {}
        for raw in self.store.distinct_values("projects", "aliases"):
            out[raw] = _split_aliases(raw)
        return out

    def _alias_lists_for(self, texts: set[str]) -> dict[str, list[str]]:
        """:attr:`alias_lists`, or for one text (the exact step) only the stored aliases holding it."""
        if len(texts) != 1:
            return self.alias_lists
        needle = json.dumps(next(iter(texts)), ensure_ascii=False)[1:-1]  # as the stored JSON spells it
        return {raw: _split_aliases(raw) for raw in aliases_containing(self.store, needle)}

    def _texts(self, kind: str) -> list[str]:
        if kind == "Project":
            return [*self.store.distinct_values("projects", "name"),
                    *{t for ts in self.alias_lists.values() for t in ts}]
        if kind in _INDICATOR_TABLES:
            table = _INDICATOR_TABLES[kind]
            return [*self.store.distinct_values(table, "l3"), *self.store.distinct_values(table, "text")]
        if kind == "Classification":
            names = self.store.class_names_of(self.class_nodes)  # those codes' names only (an index seek each)
            return [names[n] for n in self.class_nodes if n in names]
        if kind == "Department":
            return [name for name, _, _ in self.depts.table.values() if name]
        return []

    def _docs_with_texts(self, kind: str, texts: set[str]) -> set[str]:
        st = self.store
        if kind == "Project":
            aliases = [raw for raw, ts in self._alias_lists_for(texts).items() if texts.intersection(ts)]
            return st.docs_where_in("projects", "name", texts) | st.docs_where_in("projects", "aliases", aliases)
        if kind in _INDICATOR_TABLES:
            table = _INDICATOR_TABLES[kind]
            return st.docs_where_in(table, "l3", texts) | st.docs_where_in(table, "text", texts)
        if kind == "Classification":  # under() finds nothing for a code no project or funding line is under
            named = self.store.class_codes_named(texts)
            names = self.store.class_names_of(named)
            return self.under([n for n in sorted(named) if names.get(n) in texts])
        if kind == "Department":
            return {d for did in self.depts.named(texts) for d in self.depts.members(did)[2]}
        return set()

    # Each step: kind -> the documents holding a node of that kind the step matches.
    def _by_class_code(self, q: str) -> dict[str, set[str]]:
        if not (CLASS_CODE.match(q) and "Classification" in self.kinds):
            return {}
        return {"Classification": self.under([(s, q) for s in SCHEMES if (s, q) in self.class_nodes])}

    def _by_code(self, q: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        if "Project" in self.kinds:
            out["Project"] = self.store.docs_where_in("projects", "code", [q])
        if "Department" in self.kinds:
            out["Department"] = self._dept_docs(self.depts.with_codes("department_code = ?", (q,)),
                                                lambda code: code == q)
        return out

    def _by_code_suffix(self, q: str) -> dict[str, set[str]]:
        if not CODE_SUFFIX.match(q):
            return {}
        out: dict[str, set[str]] = {}
        if "Project" in self.kinds:
            out["Project"] = self.store.docs_with_code_suffix(q)
        if "Department" in self.kinds:
            out["Department"] = self._dept_docs(self.depts.with_codes("department_code LIKE ?", ("%" + q,)),
                                                lambda code: (code or "").endswith(q))
        return out

    def _by_exact(self, q: str) -> dict[str, set[str]]:
        return {kind: self._docs_with_texts(kind, {q}) for kind in self.kinds}

    def _by_fuzzy(self, q: str) -> dict[str, set[str]]:
        scored = {kind: {t: fuzzy_score(q, t) for t in _may_reach(q, set(self._texts(kind)))} for kind in self.kinds}
        best = max((v for s in scored.values() for v in s.values()), default=0.0)
        floor = max(FUZZY_MIN, best - AMBIGUITY_MARGIN)
        self._band = {t for s in scored.values() for t, v in s.items() if v >= floor}
        return {kind: self._docs_with_texts(kind, {t for t, v in s.items() if v >= floor})
                for kind, s in scored.items()}

    # -- step 2: the lookup graph of those documents ------------------------------------------
    def lookup_graph(self, doc_ids: set[str]) -> DiGraph:
        """The nodes of ``doc_ids`` of the kinds the deciding step found (departments, projects, indicators,
        department-wide rows, classifications) with the attributes :mod:`kg.lookup` reads, inserted in the
        order of the full graph; nodes of other kinds cannot be candidates and are left out."""
        g, st, ids, hit = self.graph, self.store, sorted(doc_ids), self.hit_kinds
        cls = ("function_code", "econ_gov_code", "econ_dept_code")
        pcols, icols = ("doc_id", "n", "name", "aliases", "code", *cls), ("doc_id", "project_n", "n", "l3", "text",
                                                                          "value")
        if self.carry is not None and hit <= {"Project", "Indicator", "Department"}:
            # only nodes carrying a deciding text are added, and no row names a node of another (no
            # department-wide rows to tie to a project, no classifications): read those rows alone
            raws = [raw for raw, ts in self._alias_lists_for(self.carry).items() if self.carry.intersection(ts)] \
                if "Project" in hit else []
            prows, irows = rows_with_texts(st, self.carry, raws, pcols, icols, "Project" in hit,
                                           "Indicator" in hit)
            keep = set(ids)
            projects = _by_doc([r for r in prows if r[0] in keep])
            inds = _by_doc([r for r in irows if r[0] in keep], 2)
        else:
            projects = _by_doc(st.rows_of("projects", pcols, ids))
            inds = _by_doc(st.rows_of("indicators", icols, ids if "Indicator" in hit else []), 2)
        classes, tied = "Classification" in hit, "DepartmentIndicator" in hit
        funding = _by_doc(st.rows_of("funding_lines", ("doc_id", "project_n", *cls), ids), 2) if classes else {}
        names = st.class_names_of(_class_nodes_of([*projects.values(), *funding.values()])) if classes else {}
        dinds = _by_doc(st.rows_of("department_indicators", ("doc_id", "n", "l3", "text", "project"), ids)) \
            if tied else {}
        self.depts.load(ids)
        dept_of = self.depts.ids_of(ids) if "Department" in hit else {}
        for doc_id in ids:
            _, dep_name, _, year, _, source = self.depts.heads[doc_id]
            dep = dept_of.get(doc_id)
            if dep is not None and dep not in g:
                name, code, _ = self.depts.members(dep)
                g.add_node(dep, **_scalars(kind="Department", name=name, code=code, label=name or dep))
            g.add_node(f"doc:{doc_id}", **_scalars(kind="Document", doc_id=doc_id, source=source, year=year,
                                                   department=dep_name))
            by_name: dict[str, str] = {}
            for _, n, name, aliases, code, *codes in projects.get(doc_id, []):
                pid = project_id(doc_id, n)
                alias_list = _split_aliases(aliases)
                if "Project" in hit and self._carries("Project", name, "; ".join(alias_list)):
                    g.add_node(pid, **_scalars(kind="Project", doc_id=doc_id, n=n, name=name, label=name,
                                               aliases=alias_list, code=code, year=year))
                if tied:
                    by_name.update((x, pid) for x in [name, *_alias_json(aliases)])
                if classes:
                    self._classes(codes, names)
                for _, _, i, l3, text, value in inds.get((doc_id, n), []):
                    if "Indicator" in hit and self._carries("Indicator", l3, text):
                        iid = f"indicator:{doc_id}#{n}.{i}"
                        g.add_node(iid, **_scalars(kind="Indicator", doc_id=doc_id, project=pid, l3=l3, text=text,
                                                   label=l3 or value or iid, project_name=name))
                for _, _, *fcodes in funding.get((doc_id, n), []):
                    self._classes(fcodes, names)
            for _, _, *fcodes in funding.get((doc_id, DEPARTMENT_N), []):  # the department's own funding lines
                self._classes(fcodes, names)
            for _, i, l3, text, project in dinds.get(doc_id, []):
                xid = f"dind:{doc_id}#{i}"
                if not self._carries("DepartmentIndicator", l3, text):
                    continue
                g.add_node(xid, **_scalars(kind="DepartmentIndicator", doc_id=doc_id, year=year, project=project,
                                           l3=l3, text=text, label=l3 or text or xid))
                target = _match_name(project, by_name)
                if target:
                    g.add_edge(xid, target[0], rel="ABOUT_PROJECT", method=target[1], confidence=target[2])
        return g

    def _carries(self, kind: str, first: str | None, second: str | None) -> bool:
        """Whether a node can be a candidate: always, unless deciding texts are known and the node carries none
        — read as :func:`kg.lookup._texts` reads it (a project: its name and '; '-joined aliases; a target: l3,
        text)."""
        carry = self.carry
        if carry is None:
            return True
        if kind == "Project":
            return first in carry or any(x in carry for x in str(second or "").split("; ") if x)
        return first in carry or second in carry

    def _classes(self, codes: list[Any], names: dict[tuple[str, str], str]) -> None:
        if "Classification" not in self.hit_kinds:
            return
        for scheme, code in zip(SCHEMES, codes, strict=True):
            if code:
                _add_class(self.graph, scheme, code, names)


def _may_reach(q: str, texts: set[str]) -> list[str]:
    """The ``texts`` whose :func:`kg.lookup.fuzzy_score` can reach FUZZY_MIN, found by rapidfuzz in one C loop: a
    score is at most 100·w·LCS/len(q) + 100·(1 − w) (w = COVERAGE_WEIGHT), so a text needs an LCS of at least
    len(q)·(FUZZY_MIN − 100·(1 − w))/(100·w); one less is asked for, against rounding. A text left out scores
    under FUZZY_MIN, below any band (issue 16: a fuzzy trace at N=5,000 scored ~10⁵ texts in Python)."""
    from rapidfuzz import process
    from rapidfuzz.distance import LCSseq

    need = len(q) * (FUZZY_MIN - 100 * (1 - COVERAGE_WEIGHT)) / (100 * COVERAGE_WEIGHT)
    cutoff = max(0, math.ceil(need) - 1)
    choices = sorted(texts)
    return [choices[k] for _, _, k in process.extract_iter(q, choices, scorer=LCSseq.similarity, processor=None,
                                                          score_cutoff=cutoff)]


def _class_nodes_of(row_lists: list[list[tuple[Any, ...]]]) -> set[tuple[str, str]]:
    """(scheme, code) of the codes (and their parents) in rows ending with the three scheme codes."""
    return {(s, a) for rows in row_lists for r in rows for s, c in zip(SCHEMES, r[-3:], strict=True) if c
            for a in ancestors(c)}


@lru_cache(maxsize=4096)
def _alias_json(raw: str | None) -> tuple[Any, ...]:
    """A project's stored aliases JSON, decoded once per distinct value (most are ``[]``)."""
    return tuple(json.loads(raw or "[]") or ())


@lru_cache(maxsize=4096)
def _split_aliases(raw: str | None) -> list[str]:
    """A project's aliases as its graph node holds them ('; '-joined, split again). Shared: do not change it."""
    return [s for s in "; ".join(map(str, _alias_json(raw))).split("; ") if s]


def _by_doc(rows: list[tuple[Any, ...]], key_len: int = 1) -> dict[Any, list[tuple[Any, ...]]]:
    """Rows grouped by their first column (``key_len`` 2: by (doc_id, project_n)), in their order."""
    out: dict[Any, list[tuple[Any, ...]]] = {}
    for r in rows:
        out.setdefault(r[0] if key_len == 1 else r[:key_len], []).append(r)
    return out
