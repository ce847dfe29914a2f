"""export: GraphML and node-link JSON load back with the same counts; records and bulk-import CSVs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from cli.main import app
from kg.errors import InputError
from kg.export import export_all
from kg.graph import build_graph
from kg.store import RECORD_TABLES, Store
from tests.test_store_fixtures import gold_store, synthetic_document


@pytest.fixture
def store(tmp_path: Path):
    st = gold_store(tmp_path / "store")
    st.put_document("/s/syn.txt", synthetic_document(), "syn")
    yield st
    st.close()


def test_graphml_and_node_link_round_trip(store: Store, tmp_path: Path) -> None:
    g = build_graph(store)
    res = export_all(g, store, tmp_path / "out", ("graphml", "json"))
    back = nx.read_graphml(tmp_path / "out" / "graph.graphml")
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    assert back.nodes["project:/s/syn.txt#0"]["name"] == "外事工作经费"
    data = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    nl = nx.node_link_graph(data, edges="edges")
    assert (nl.number_of_nodes(), nl.number_of_edges()) == (res["nodes"], res["edges"])


def test_records_csv_and_jsonl(store: Store, tmp_path: Path) -> None:
    export_all(build_graph(store), store, tmp_path / "out", ("csv", "jsonl"))
    counts = store.counts()
    for table in RECORD_TABLES:
        with (tmp_path / "out" / "records" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) - 1 == counts[table], table
        lines = (tmp_path / "out" / "records" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == counts[table]
    first = json.loads((tmp_path / "out" / "records" / "funding_lines.jsonl").read_text().splitlines()[0])
    assert first["function_code"] == "2010301" and first["line_start"] == 20


def test_neo4j_bulk_import_layout(store: Store, tmp_path: Path) -> None:
    g = build_graph(store)
    export_all(g, store, tmp_path / "out", ("neo4j",))
    folder = tmp_path / "out" / "neo4j"
    total = 0
    for f in folder.glob("nodes_*.csv"):
        with f.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][:2] == ["id:ID", ":LABEL"]
        assert {r[1] for r in rows[1:]} == {f.stem.removeprefix("nodes_")}
        total += len(rows) - 1
    assert total == g.number_of_nodes()
    with (folder / "relationships.csv").open(encoding="utf-8", newline="") as fh:
        rels = list(csv.reader(fh))
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert len(rels) - 1 == g.number_of_edges()
    assert "SUBCLASS_OF" in {r[2] for r in rels[1:]}


def test_bad_format_and_cli(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown export format"):
        export_all(build_graph(store), store, tmp_path / "x", ("pdf",))
    res = CliRunner().invoke(app, ["export", "--store", str(store.path), "--out", str(tmp_path / "cli"),
                                   "-f", "graphml", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["files"]["graphml"] == [str(tmp_path / "cli" / "graph.graphml")]
