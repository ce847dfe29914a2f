"""perfkg links [--method M] [--below X] [--store DIR] [--json | --csv | --tsv];
perfkg links accept ID [--reason TEXT]; perfkg links reject ID [--owner NODE] [--reason TEXT]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cli.common import STORE_HELP, plain_help_group, print_json, run
from cli.output import CSV_HELP, TSV_HELP, Col, print_records, table_format

app = typer.Typer(help="The review queue of inferred links (merged-cell owner repairs, fuzzy and alias name links, "
                  "cross-year and self-evaluation links): list them with method, per-feature scores and "
                  "confidence; accept one, or reject it (optionally naming the right owner). Decisions survive "
                  "re-ingest and --force, and trace, show and export use them.", no_args_is_help=False,
                  cls=plain_help_group())

FIELDS = ("id", "rel", "method", "confidence", "reviewed", "source", "target", "name", "code", "amount",
          "department", "year", "cite")
COLS = (Col("id", True), Col("rel", True), Col("method", True), Col("confidence", True), Col("source"),
        Col("target"), Col("name", True, drop=2), Col("code", True, drop=2), Col("amount", True, drop=2),
        Col("department", True, drop=3), Col("year", True, drop=3), Col("reviewed", True, drop=1),
        Col("cite", True, drop=1))


def _row(x: dict[str, Any]) -> dict[str, Any]:
    f = x["features"]
    return {"id": x["id"], "rel": x["rel"], "method": x["method"], "confidence": round(x["confidence"], 3),
            "reviewed": x.get("reviewed"), "source": _short(x["source"]["label"]),
            "target": _short(x["target"]["label"]),
            **{k: f[k] for k in ("name", "code", "amount", "department", "year")},
            "cite": x["source"]["cite"] or x["target"]["cite"]}


def _short(text: Any, width: int = 40) -> str:
    s = str(text or "")
    return s if len(s) <= width else s[:width - 1] + "…"


def _graph(store: Path | None):
    from kg.graph import build_graph
    from kg.store import open_store

    with open_store(store) as st:
        return build_graph(st), st.path


@app.callback(invoke_without_command=True)
def links(
    ctx: typer.Context,
    method: str = typer.Option(None, "--method", help="Only links made by this method (merged_cell_repair, "
                               "fuzzy_name, realigned_row, …)."),
    below: float = typer.Option(None, "--below", help="Only links with confidence below this (e.g. 0.9)."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print [{id, rel, method, confidence, reviewed, source "
                                 "{id, kind, label, cite}, target {…}, features {name, code, amount, department, "
                                 "year}}]."),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_tsv: bool = typer.Option(False, "--tsv", help=TSV_HELP),
) -> None:
    """List every inferred link, least confident first.

    Examples: perfkg links --below 0.9 · perfkg links accept 3f2a9c41d0e7 ·
    perfkg links reject 3f2a9c41d0e7 --owner 'project:9b1c…#4'
    """
    if ctx.invoked_subcommand is not None:
        return
    from kg.links import inferred_links

    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))
    g, _ = run(lambda: _graph(store))
    found = inferred_links(g, method, below)
    if as_json:
        print_json(found)
        return
    rows = [_row(x) for x in found]
    print_records(rows, FIELDS, COLS, fmt, "inferred links")


def _decide(lid: str, status: str, owner: str | None, reason: str | None, store: Path | None) -> None:
    from kg.links import decide_link

    def go():
        g, path = _graph(store)
        return decide_link(path, g, lid, status, owner, reason)

    d = run(go)
    typer.echo(f"{d.id} {d.status}: {d.rel} {d.source} → {d.target}" + (f" (owner now {d.owner})" if d.owner else ""))


@app.command("accept")
def accept(
    link: str = typer.Argument(..., help="The link's id (or a unique prefix), from `perfkg links`."),
    reason: str = typer.Option(None, "--reason", help="A note kept with the decision."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Accept an inferred link: its confidence becomes 1 (marked reviewed)."""
    _decide(link, "accepted", None, reason, store)


@app.command("reject")
def reject(
    link: str = typer.Argument(..., help="The link's id (or a unique prefix), from `perfkg links`."),
    owner: str = typer.Option(None, "--owner", help="The node id the record belongs to instead (a project id "
                              "from `perfkg trace … --json`)."),
    reason: str = typer.Option(None, "--reason", help="A note kept with the decision."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Reject an inferred link: it is removed from the graph, or re-tied to --owner."""
    _decide(link, "rejected", owner, reason, store)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="links")
