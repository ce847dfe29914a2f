"""Issue 16: trace / show answer without networkx — :class:`kg.digraph.DiGraph` behaves as networkx's ``DiGraph``
where the graph code uses it, a trace / show answer in a pipe imports neither networkx (nor rich for ``--json``),
and the store's per-code classification names equal :meth:`Store.class_names`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.digraph import DiGraph
from kg.store import LOOKUP_INDEXES, Store
from tests.cli_store import ingest_bundled
from tests.test_startup16 import imported

NODES = st.sampled_from(["a", "b", "c", "d"])
OPS = st.lists(st.one_of(
    st.tuples(st.just("node"), NODES, st.dictionaries(st.sampled_from(["n", "kind"]), st.integers(0, 3))),
    st.tuples(st.just("edge"), NODES, NODES, st.dictionaries(st.sampled_from(["rel", "w"]), st.integers(0, 3))),
    st.tuples(st.just("remove"), NODES, NODES),
), max_size=30)


def _view(g: object) -> tuple[object, ...]:
    return (list(g.nodes(data=True)), list(g.edges(data=True)), g.number_of_edges(),  # type: ignore[attr-defined]
            [(n, list(g.out_edges(n, data=True)), list(g.in_edges(n, data=True))) for n in g.nodes],  # type: ignore
            [g.nodes.get(n, {}) for n in ("a", "z", None)], [n in g for n in ("a", "z")])  # type: ignore


@settings(max_examples=200, deadline=None)
@given(OPS)
def test_light_graph_behaves_as_networkx(ops: list[tuple]) -> None:
    light, full = DiGraph(), nx.DiGraph()
    for op in ops:
        for g in (light, full):
            if op[0] == "node":
                g.add_node(op[1], **op[2])
            elif op[0] == "edge":
                g.add_edge(op[1], op[2], **op[3])
            elif g.has_edge(op[1], op[2]):
                g.edges[op[1], op[2]]["seen"] = 1
                g.remove_edge(op[1], op[2])
    assert _view(light) == _view(full)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest_bundled(tmp_path_factory.mktemp("s16") / "store")


@pytest.mark.parametrize("argv", [("trace", "外事工作经费"), ("show", "外事工作经费"), ("trace", "2010302", "--csv"),
                                  ("trace", "外事工作经费", "--json"), ("show", "外事工作经费", "--json")])
def test_a_piped_answer_imports_no_networkx(store: Path, argv: tuple[str, ...]) -> None:
    mods = imported(*argv, "--store", str(store))
    assert "kg.trace" in mods or "kg.show" in mods  # the answer ran
    assert not [m for m in mods if m.split(".")[0] == "networkx"]
    if "--json" in argv:
        assert not [m for m in mods if m.split(".")[0] == "rich"]


def test_a_search_answer_imports_no_record_model(store: Path) -> None:
    mods = imported("search", "外事工作经费", "--store", str(store))
    assert "index.query" in mods  # the search ran
    assert not {"kg.store", "kg.model", "networkx"} & mods


def test_per_code_names_equal_every_name(store: Path, tmp_path: Path) -> None:
    st_ = Store(store, create=False)
    every = st_.class_names()
    wanted = {*list(every)[::3], ("function", "999"), ("econ_gov", "30101")}
    fresh = Store(store, create=False)
    assert fresh._has_index("classifications_code")
    assert fresh.class_names_of(wanted) == {n: every[n] for n in wanted if n in every}
    assert len(fresh.class_names_of(wanted)) > 3
    # a store made before the indexes answers alike (it reads every name)
    old = tmp_path / "old"
    old.mkdir()
    con = sqlite3.connect(old / "perfkg.sqlite")
    sqlite3.connect(store / "perfkg.sqlite").backup(con)
    for stmt in LOOKUP_INDEXES:
        con.execute("DROP INDEX " + stmt.split(" EXISTS ")[1].split(" ON ")[0])
    con.commit()
    con.close()
    legacy = Store(old, create=False)
    assert not legacy._has_index("classifications_code")
    assert legacy.class_names_of(wanted) == fresh.class_names_of(wanted)
    named = legacy.class_codes_named({every[n] for n in list(every)[:2]})
    assert set(list(every)[:2]) <= named
