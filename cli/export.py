"""perfkg export --out DIR [--format F ...] [--store DIR] [--json]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cli.common import STORE_HELP, print_json, run

# kg.export.FORMATS, repeated here so the help text needs no networkx import (a test keeps them equal).
FORMATS = ("graphml", "json", "csv", "jsonl", "neo4j", "opensearch")


def export(
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (created if missing)."),
    formats: list[str] = typer.Option(None, "--format", "-f",
                                      help=f"One of {', '.join(FORMATS)}; repeat for several. Default: all."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: out, nodes, edges, files ({format: [paths]})."),
) -> None:
    """Write the graph (GraphML, node-link JSON), the records (CSV and JSON Lines, one file per record
    type) and graph-database bulk-import CSV (neo4j/nodes_<Label>.csv with id:ID and :LABEL,
    neo4j/relationships.csv with :START_ID, :END_ID, :TYPE) and an OpenSearch / Elasticsearch index
    (opensearch/mapping.json + opensearch/bulk-NNNN.ndjson for the _bulk API).

    Example: perfkg export --out /tmp/kg-export -f graphml -f neo4j
    """
    from cli.output import Col, console, print_rows
    from kg.export import export_all
    from kg.graph import build_graph
    from kg.store import open_store

    def go() -> dict[str, Any]:
        with open_store(store) as st:
            return export_all(build_graph(st), st, out, tuple(formats) if formats else FORMATS)

    result = run(go)
    if as_json:
        print_json(result)
        return
    con = console()
    con.print(f"{result['nodes']} nodes, {result['edges']} edges → {result['out']}", markup=False)
    print_rows([Col("format", True), Col("file", True)],
               [[fmt, path] for fmt, paths in result["files"].items() for path in paths], con=con)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
