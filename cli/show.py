"""perfkg show NAME|CODE [--store DIR] [--pick N] [--json]."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli.common import STORE_HELP
from cli.trace import answer_from_store, escape, project_tree

if TYPE_CHECKING:
    from rich.console import Console


def show(
    name: str = typer.Argument(..., help="A project name, alias or code, or a department name or code."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    choice: int = typer.Option(None, "--pick", min=1, help="Show candidate N of an ambiguous name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: query, status (ok|ambiguous), candidates, "
                                 "results (see kg/show.py for every key)."),
) -> None:
    """A project (amounts, funding lines, classification paths, targets, aliases, other years) or a
    department (its documents, totals and projects), each fact with its file:line.

    Examples: perfkg show 外事工作经费 · perfkg show 11010223T000001997670 · perfkg show 北京市西城区城市管理指挥中心
    """
    from kg.show import show_store  # lazy: networkx, rapidfuzz and rich load only when a command runs

    def render(con: Console, r: dict[str, Any]) -> None:
        if r["kind"] == "department":
            render_department(con, r)
        else:
            con.print(project_tree(r))

    answer_from_store(store, lambda st: show_store(st, name, choice), as_json, "results", render)


def render_department(con: Console, r: dict[str, Any]) -> None:
    from rich.table import Table

    d = r["department"]
    con.print(f"[bold]{escape(d.get('name') or '?')}[/bold] ({d.get('code') or '-'})")
    for doc in r["documents"]:
        t = doc["totals"]
        con.print(f"  {escape(doc.get('source') or '')}  {doc.get('year') or '?'} {doc.get('doc_kind') or '?'}  "
                  f"total={t['total'] or '?'} basic={t['basic'] or '?'} project={t['project'] or '?'} 元  "
                  f"{doc['department_indicators']} department-wide targets")
        table = Table("project", "code", "amount (元)", "targets", "cite")
        for p in doc["projects"]:
            table.add_row(p["name"], p.get("code") or "", p.get("amount") or "", str(p["indicators"]),
                          p.get("cite") or "")
        con.print(table)


def register(app: typer.Typer) -> None:
    app.command("show")(show)
