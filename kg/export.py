"""``perfkg export``: the graph and the records in formats other tools read.

Files written under the output folder (by format):

* ``graphml``  — ``graph.graphml`` (networkx / Gephi / yEd; scalar attributes only)
* ``json``     — ``graph.json`` (networkx node-link JSON: ``nodes``, ``edges``)
* ``csv``      — ``records/<table>.csv``, one per record type (documents, projects, indicators, funding_lines,
  department_indicators, classifications, outcomes, warnings), the store's normalized rows, UTF-8 with BOM-less header
* ``jsonl``    — ``records/<table>.jsonl``, the same rows as JSON Lines
* ``neo4j``    — ``neo4j/nodes_<Label>.csv`` (``id:ID``, ``:LABEL``, properties) and ``neo4j/relationships.csv``
  (``:START_ID``, ``:END_ID``, ``:TYPE``, method, confidence:float, cite), the layout of ``neo4j-admin database
  import`` (``--nodes=neo4j/nodes_Project.csv … --relationships=neo4j/relationships.csv``)
* ``opensearch`` — ``opensearch/mapping.json`` and ``opensearch/bulk-NNNN.ndjson`` (:mod:`kg.export_opensearch`)
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.store import RECORD_TABLES, Store

FORMATS = ("graphml", "json", "csv", "jsonl", "neo4j", "opensearch")


def _out_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InputError("output path is a file, not a folder", str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create output folder ({e.strerror or e})", str(out)) from None
    return out


def write_graphml(g: nx.DiGraph, path: Path) -> Path:
    nx.write_graphml(g, path, encoding="utf-8")
    return path


def write_node_link(g: nx.DiGraph, path: Path) -> Path:
    try:
        data = nx.node_link_data(g, edges="edges")
    except TypeError:  # networkx < 3.4 names the key "links"
        data = nx.node_link_data(g)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_records(store: Store, folder: Path, fmt: str) -> list[Path]:
    """One file per record table: CSV (header row) or JSON Lines (one object a line)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in RECORD_TABLES:
        cols, rows = store.table_rows(table)
        path = folder / f"{table}.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                w = csv.writer(fh)
                w.writerow(cols)
                w.writerows(rows)
            else:
                for row in rows:
                    fh.write(json.dumps(dict(zip(cols, row, strict=True)), ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _neo_type(values: list[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return ":boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return ":long"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return ":double"
    return ""


def write_neo4j(g: nx.DiGraph, folder: Path) -> list[Path]:
    """Bulk-import CSVs: nodes_<Label>.csv per node kind and one relationships.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for n, a in g.nodes(data=True):
        by_kind.setdefault(a.get("kind", "Node"), []).append((n, a))
    written = []
    for kind, nodes in sorted(by_kind.items()):
        keys = sorted({k for _, a in nodes for k in a if k != "kind"})
        types = {k: _neo_type([a[k] for _, a in nodes if k in a]) for k in keys}
        path = folder / f"nodes_{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id:ID", ":LABEL", *[f"{k}{types[k]}" for k in keys]])
            for n, a in nodes:
                w.writerow([n, kind, *["" if a.get(k) is None else a[k] for k in keys]])
        written.append(path)
    path = folder / "relationships.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":END_ID", ":TYPE", "method", "confidence:double", "cite"])
        for u, v, d in g.edges(data=True):
            w.writerow([u, v, d.get("rel", "RELATED"), d.get("method", ""), d.get("confidence", 1.0),
                        d.get("cite", "")])
    written.append(path)
    return written


def export_all(g: nx.DiGraph, store: Store, out: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Any]:
    """Write the chosen formats under ``out``; returns {"out", "nodes", "edges", "files": {format: [paths]}}."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError(f"unknown export format {bad[0]!r} (choose from {', '.join(FORMATS)})")
    out = _out_dir(Path(out))
    files: dict[str, list[str]] = {}
    for fmt in formats:
        if fmt == "graphml":
            paths = [write_graphml(g, out / "graph.graphml")]
        elif fmt == "json":
            paths = [write_node_link(g, out / "graph.json")]
        elif fmt in ("csv", "jsonl"):
            paths = write_records(store, out / "records", fmt)
        elif fmt == "opensearch":
            from kg.export_opensearch import write_opensearch

            paths = write_opensearch(store.iter_documents(), out / "opensearch")
        else:
            paths = write_neo4j(g, out / "neo4j")
        files[fmt] = [str(p) for p in paths]
    return {"out": str(out), "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "files": files}
