"""perfkg trace QUERY [--store DIR] [--pick N] [--json | --csv | --tsv]."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.answer import answer_from_store, class_path_text, escape, money, project_tree, render_candidates
from cli.common import STORE_HELP, run
from cli.output import CSV_HELP, TSV_HELP, Col, print_rows, table_format
from cli.spec import Param, typer_command

if TYPE_CHECKING:
    import typer
    from rich.console import Console

__all__ = ["STORE_HELP", "answer_from_store", "project_tree", "render_candidates", "trace"]

CLASS_COLS = (Col("project"), Col("code", True, drop=2), Col("department", drop=1), Col("year", True),
              Col("under code (元)", True), Col("project (元)", True, drop=3), Col("via", True, drop=3),
              Col("targets", True, drop=2), Col("cite", True))


PARAMS = (
    Param("query", str, "", "An indicator's words, a project name or code, or a classification code."),
    Param("store", Path, None, STORE_HELP, ("--store",)),
    Param("choice", int, None, "Trace candidate N only.", ("--pick",), min=1),
    Param("limit", int, None, "Keep the N best traces of a query several projects carry.", ("--limit",), min=1),
    Param("as_json", bool, False, "Print JSON: query, status (ok|several|not_found), resolution, candidates, traces "
          "(see kg/trace.py for every key).", ("--json",)),
    Param("as_csv", bool, False, CSV_HELP + " One row per fact of each trace (or per candidate when ambiguous).",
          ("--csv",)),
    Param("as_tsv", bool, False, TSV_HELP, ("--tsv",)),
    Param("batch", Path, None, "Trace every query of FILE (one a line): one CSV row (JSON Lines with --json) per "
          "(query, project) — query, status, project, code, amount, department, year, file, line, match, score.",
          ("--batch",)),
)


def trace(query: str, store: Path | None, choice: int | None, limit: int | None, as_json: bool, as_csv: bool,
          as_tsv: bool, batch: Path | None) -> None:
    """From a target to its project, money, classification, department and document — or from a
    classification code to every project funded under it (children included). Each step is cited
    (file:line); inferred links show their method and confidence. Fuzzy input works; a query that
    several projects carry (满意度) traces each of them, best match first, then by year (narrow with
    --pick N or --limit N).

    Exit codes: 0 traced (one or several); 1 nothing matches; 2 a bad query, option or store.

    Examples: perfkg trace 外事经费 · perfkg trace 2010302 · perfkg trace 服务对象满意度 --pick 2
    """
    from kg.trace import trace_store  # lazy: networkx, rapidfuzz and rich load only when a command runs

    if batch is not None:
        trace_batch(store, batch, limit, as_json)
        return
    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))

    def render(con: Console, t: dict[str, Any]) -> None:
        if t["kind"] == "classification":
            render_classification(con, t)
        else:
            con.print(project_tree(t))

    answer_from_store(store, lambda st: trace_store(st, query, choice, limit), as_json, "traces", render, fmt)


def trace_batch(store: Path | None, batch: Path, limit: int | None, as_json: bool) -> None:
    """Every query of ``batch`` traced against one open store (see :mod:`cli.batch`)."""
    from cli.batch import read_queries, run_batch, trace_rows, write_rows
    from kg.store import open_store
    from kg.trace import trace_store

    queries = run(lambda: read_queries(batch))

    def go() -> None:
        with open_store(store) as st:
            write_rows(run_batch(queries, lambda q: trace_rows(q, trace_store(st, q, None, limit))), as_json)

    run(go)


def render_classification(con: Console, t: dict[str, Any]) -> None:
    c = t["classification"]
    con.print(f"[bold]{c['scheme']}[/bold] {escape(class_path_text(c['path']))}: {len(t['projects'])} projects")
    rows = [[p["project"]["name"], p["project"].get("code"), p["department"].get("name"),
             p["document"].get("year"), p.get("amount_under_code"), p["project"].get("amount"), ", ".join(p["via"]),
             len(p["indicators"]), p["project"].get("cite")] for p in t["projects"]]
    print_rows(CLASS_COLS, rows, con=con)
    total = sum((_dec(p.get("amount_under_code")) for p in t["projects"]), _dec(None))
    con.print(f"total under {c['code']}: {money(total)}", markup=False)


def _dec(x: Any) -> Any:
    from decimal import Decimal

    return Decimal(x) if x else Decimal(0)


def register(app: typer.Typer) -> None:
    app.command("trace")(typer_command(trace, PARAMS))
