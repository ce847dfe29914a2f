"""perfkg trace QUERY [--store DIR] [--pick N] [--json]."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli.common import STORE_HELP, print_json, run

if TYPE_CHECKING:
    from rich.console import Console
    from rich.tree import Tree

__all__ = ["STORE_HELP", "answer_from_store", "project_tree", "render_candidates", "trace"]


def trace(
    query: str = typer.Argument(..., help="An indicator's words, a project name or code, or a classification code."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    choice: int = typer.Option(None, "--pick", min=1, help="Trace candidate N of an ambiguous query."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: query, status (ok|ambiguous), candidates, "
                                 "traces (see kg/trace.py for every key)."),
) -> None:
    """From a target to its project, money, classification, department and document — or from a
    classification code to every project funded under it (children included). Each step is cited
    (file:line); inferred links show their method and confidence. Fuzzy input works; an ambiguous
    query lists its candidates (choose one with --pick N).

    Examples: perfkg trace 外事经费 · perfkg trace 2010302 · perfkg trace 服务对象满意度 --pick 2
    """
    from kg.trace import trace_store  # lazy: networkx, rapidfuzz and rich load only when a command runs

    def render(con: Console, t: dict[str, Any]) -> None:
        if t["kind"] == "classification":
            render_classification(con, t)
        else:
            con.print(project_tree(t))

    answer_from_store(store, lambda st: trace_store(st, query, choice), as_json, "traces", render)


def answer_from_store(store: Path | None, answer: Callable[[Any], dict[str, Any]], as_json: bool, items_key: str,
                      render: Callable[[Console, dict[str, Any]], None]) -> None:
    """Open the store, compute ``answer(store)``, and print it as JSON, as a candidate list when ambiguous, or
    each of ``result[items_key]`` with ``render`` (shared by trace and show)."""
    from rich.console import Console

    from kg.store import open_store

    def go() -> dict[str, Any]:
        with open_store(store) as st:
            return answer(st)

    result = run(go)
    if as_json:
        print_json(result)
        return
    con = Console()
    if result["status"] == "ambiguous":
        render_candidates(con, result)
        return
    for item in result[items_key]:
        render(con, item)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _link(x: dict[str, Any]) -> str:
    if x.get("method") in (None, "exact"):
        return ""
    return f" [magenta]({x['method']} {x['confidence']:.2f})[/magenta]"


def _cite(x: dict[str, Any]) -> str:
    return f" [dim]{escape(x['cite'])}[/dim]" if x.get("cite") else ""


def _path(path: list[dict[str, Any]]) -> str:
    return " › ".join(f"{p['code']}{' ' + p['name'] if p.get('name') else ''}" for p in path)


def _target(x: dict[str, Any]) -> str:
    op = "" if x.get("op") in (None, "定性") else f"{x['op']} "
    value = "" if x.get("value") == x.get("l3") else f"{x.get('value') or ''}{x.get('unit') or ''}"
    return f"{x.get('l3') or ''} {op}{value}".strip()


def project_tree(t: dict[str, Any]) -> Tree:
    """A project trace as a tree: (start →) project → funding → department / document, indicators, other years."""
    from rich.tree import Tree

    start = t.get("start")
    p = t.get("project")
    head = f"[bold]target[/bold] {escape(_target(start))}{_link(start)}{_cite(start)}" if start else ""
    if p is None:
        root = Tree(head or "?")
        root.add("[yellow]not tied to any project of its document[/yellow]")
        return root
    code = f" [{escape(p['code'])}]" if p.get("code") else ""
    label = f"[bold cyan]project[/bold cyan] {escape(p['name'])}{code}  {p.get('amount') or '?'} 元{_cite(p)}"
    root = Tree(head) if start else Tree(label)
    node = root.add(label) if start else root
    if p.get("aliases"):
        node.add(f"aliases: {escape(', '.join(p['aliases']))}")
    if p.get("seen_in"):
        node.add(f"also printed in: {escape('; '.join(p['seen_in']))}")
    for f in t["funding"]:
        money = node.add(f"[green]funding[/green] {f.get('amount') or '?'} 元 {escape(f.get('source') or '')}"
                         f"{_link(f)}{_cite(f)}")
        for scheme in ("function", "econ_gov", "econ_dept"):
            if f[scheme]:
                money.add(f"{scheme}: {escape(_path(f[scheme]))}")
    dep, doc = t["department"], t["document"]
    node.add(f"[bold]department[/bold] {escape(dep.get('name') or '?')} ({dep.get('code') or '-'})")
    node.add(f"[bold]document[/bold] {escape(doc.get('source') or '?')}  {doc.get('year') or '?'} "
             f"{doc.get('doc_kind') or '?'}")
    if t["indicators"] and not start:
        inds = node.add(f"{len(t['indicators'])} targets")
        for i in t["indicators"]:
            inds.add(f"{escape(i.get('l2') or '')}: {escape(_target(i))}{_link(i)}{_cite(i)}")
    if t.get("department_indicators"):
        rows = node.add(f"{len(t['department_indicators'])} department-wide table rows")
        for x in t["department_indicators"]:
            rows.add(f"{escape(_target(x))}{_link(x)}{_cite(x)}")
    for o in t.get("other_years", []):
        node.add(f"[blue]other year[/blue] {o.get('year') or '?'} {escape(o.get('name') or '')} "
                 f"{o.get('amount') or '?'} 元 ({escape(o.get('source') or '')}){_link(o) or ' (code 1.00)'}")
    return root


def render_classification(con: Console, t: dict[str, Any]) -> None:
    from rich.table import Table

    c = t["classification"]
    con.print(f"[bold]{c['scheme']}[/bold] {escape(_path(c['path']))}: {len(t['projects'])} projects")
    table = Table("project", "department", "year", "under code (元)", "project (元)", "via", "targets", "cite")
    for p in t["projects"]:
        table.add_row(p["project"]["name"], p["department"].get("name") or "", str(p["document"].get("year") or ""),
                      p.get("amount_under_code") or "", p["project"].get("amount") or "", ", ".join(p["via"]),
                      str(len(p["indicators"])), p["project"].get("cite") or "")
    con.print(table)


def render_candidates(con: Console, result: dict[str, Any]) -> None:
    from rich.table import Table

    con.print(f"[yellow]{escape(result['query'])!s} is ambiguous[/yellow]: choose one with --pick N")
    table = Table("N", "kind", "match", "score", "how", "file", "year")
    for n, c in enumerate(result["candidates"], 1):
        table.add_row(str(n), c["kind"], c["label"], f"{c['score']:.0f}", c["how"], c.get("source") or "",
                      str(c.get("year") or ""))
    con.print(table)


def register(app: typer.Typer) -> None:
    app.command("trace")(trace)
