"""perfkg show NAME|CODE [--store DIR] [--pick N] [--json | --csv | --tsv]."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.answer import answer_from_store, escape, money, project_tree
from cli.common import STORE_HELP, run
from cli.output import CSV_HELP, TSV_HELP, Col, print_rows, table_format
from cli.spec import Param, typer_command

if TYPE_CHECKING:
    import typer
    from rich.console import Console

PROJECT_COLS = (Col("project"), Col("code", True), Col("amount (元)", True), Col("targets", True, drop=1),
                Col("cite", True))
FUNDING_COLS = (Col("recipient"), Col("purpose", drop=2), Col("amount (元)", True), Col("source", True, drop=1),
                Col("econ code", True, drop=1), Col("cite", True))


PARAMS = (
    Param("name", str, ..., "A project name, alias or code, or a department name or code."),
    Param("store", Path, None, STORE_HELP, ("--store",)),
    Param("choice", int, None, "Show candidate N of an ambiguous name.", ("--pick",), min=1),
    Param("as_json", bool, False, "Print JSON: query, status (ok|ambiguous|not_found), candidates, results (see "
          "kg/show.py for every key).", ("--json",)),
    Param("as_csv", bool, False, CSV_HELP + " One row per fact (per project of a department), or per candidate "
          "when ambiguous.", ("--csv",)),
    Param("as_tsv", bool, False, TSV_HELP, ("--tsv",)),
)


def show(name: str, store: Path | None, choice: int | None, as_json: bool, as_csv: bool, as_tsv: bool) -> None:
    """A project (amounts, funding lines, classification paths, targets, aliases, other years) or a
    department (its documents, totals and projects), each fact with its file:line.

    Exit codes as for trace: 0 shown; 1 nothing matches, or ambiguous; 2 a bad query, option or store.

    Examples: perfkg show 外事工作经费 · perfkg show 11010223T000001997670 · perfkg show 北京市西城区城市管理指挥中心
    """
    from kg.show import show_store  # lazy: networkx, rapidfuzz and rich load only when a command runs

    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))

    def render(con: Console, r: dict[str, Any]) -> None:
        if r["kind"] == "department":
            render_department(con, r)
        else:
            con.print(project_tree(r))

    answer_from_store(store, lambda st: show_store(st, name, choice), as_json, "results", render, fmt)


def render_department(con: Console, r: dict[str, Any]) -> None:
    d = r["department"]
    con.print(f"[bold]{escape(d.get('name') or '?')}[/bold] ({d.get('code') or '-'})")
    for doc in r["documents"]:
        t = doc["totals"]
        con.print(f"\n{doc.get('source') or ''}  {doc.get('year') or '?'} {doc.get('doc_kind') or '?'}  "
                  f"total {money(t['total'])}, basic {money(t['basic'])}, project {money(t['project'])}; "
                  f"{doc['department_indicators']} department-wide targets", markup=False)
        rows = [[p["name"], p.get("code"), p.get("amount"), p["indicators"], p.get("cite")] for p in doc["projects"]]
        print_rows(PROJECT_COLS, rows, con=con)
        if doc.get("funding"):
            con.print(f"{len(doc['funding'])} department funding lines (not projects):", markup=False)
            print_rows(FUNDING_COLS, [[f.get("recipient"), f.get("purpose"), f.get("amount"), f.get("source"),
                                       f.get("econ_gov_code"), f.get("cite")] for f in doc["funding"]], con=con)


def register(app: typer.Typer) -> None:
    app.command("show")(typer_command(show, PARAMS))
