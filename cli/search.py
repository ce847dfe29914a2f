"""perfkg search QUERY [filters] [--limit N] [--store DIR] [--json | --csv | --tsv].

Exit codes: 0 hits found; 1 nothing matched well enough (the "did you mean" suggestions, if any, are
printed); 2 an empty or unsearchable query, a filter that matches no department or year (with "did you
mean"), a bad option, or no store / index.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import EXIT_FINDINGS, STORE_HELP, echo_err, print_json, run
from cli.output import CSV_HELP, TSV_HELP, Col, console, is_terminal, print_rows, table_format
from cli.spec import Param, typer_command

if TYPE_CHECKING:  # the index (rapidfuzz) and rich (on a terminal) load only when a search runs
    import typer
    from rich.console import Console

    from index import Hit, SearchResult

JSON_HELP = ('Print JSON: {"query", "status" (ok|not_found), "hits": [{"kind", "name", "project", "department", "year", "amount", "text", '
             '"score", "file", "line", "snippet", "fuzzy", "text_score", "reason", "doc_id", "eid", "code", '
             '"doc_kind", "l1", "l2", "op", "value", "unit", "met"}], "did_you_mean", "candidates"}; "met" is true / '
             'false for a self-evaluated target whose achieved value could be compared, else null.')


def _store_dir(store: Path | None) -> Path:
    try:
        from kg.store_readonly import resolve_store_dir  # not kg.store: its record model costs ~50 ms to import
    except ImportError:  # the store module is optional for a bare index directory
        return Path(store or ".")
    return resolve_store_dir(store)


def _pg_url(store: Path | None) -> str | None:
    """The PostgreSQL URL of the store, if it is one: such a store searches inside the database."""
    try:
        from kg.store_readonly import store_url  # not kg.store (see _store_dir)
    except ImportError:
        return None
    return store_url(store)


PARAMS = (
    Param("query", str, "", "Words of a project or indicator name, a code, or an alias; typos are fine."),
    Param("dept", str, None, "Only this department (any part of its name).", ("--dept",)),
    Param("year", int, None, "Only documents of this fiscal year.", ("--year",)),
    Param("kind", str, None, "project | indicator (incl. department-wide) | department_indicator | department.",
          ("--kind",)),
    Param("level", str, None, "Only indicators under this 一级/二级 指标 (e.g. 产出指标, 满意度).", ("--level",)),
    Param("op", str, None, "Only indicators with this operator: ≥ ≤ = > < 定性 (>= and <= work).", ("--op",)),
    Param("unit", str, None, "Only indicators with this unit (%, 元, 次 …; 百分比 means %).", ("--unit",)),
    Param("min_amount", float, None, "Amount (元) at least: the project's budget, or for a department its total.",
          ("--min-amount",)),
    Param("max_amount", float, None, "Amount (元) at most.", ("--max-amount",)),
    Param("met", bool, None, "Only self-evaluated targets (绩效自评表) that met / did not meet their target (achieved "
          "value and target numbers in one unit). With it the query may be left out: every such target.",
          ("--met/--unmet",)),
    Param("limit", int, 10, "Show at most N hits.", ("--limit", "-n")),
    Param("store", Path, None, STORE_HELP, ("--store",)),
    Param("as_json", bool, False, JSON_HELP, ("--json",)),
    Param("as_csv", bool, False, CSV_HELP + " Columns: the keys of a JSON hit.", ("--csv",)),
    Param("as_tsv", bool, False, TSV_HELP, ("--tsv",)),
    Param("batch", Path, None, "Search every query of FILE (one a line), with the same filters: one CSV row (JSON "
          "Lines with --json) per (query, hit) — query, status, kind, project, code, amount, department, year, "
          "file, line, match, score.", ("--batch",)),
)


def search(query: str, dept: str | None, year: int | None, kind: str | None, level: str | None, op: str | None,
           unit: str | None, min_amount: float | None, max_amount: float | None, met: bool | None, limit: int,
           store: Path | None, as_json: bool, as_csv: bool, as_tsv: bool, batch: Path | None) -> None:
    """Find projects, indicators and departments by name fragment, indicator word, code or alias.

    Chinese text is matched by character pairs and fuzzily, so fragments (会议室设备保障), abbreviations
    (视频会议运维), one-character typos (接诉既办) and aliases (外事经费) all work. Each hit shows what it is,
    its project and department, the amount, the matched text in «», the score and file:line.
    Exit code 1 when nothing matches well (with "did you mean" suggestions), 2 for an empty query or a
    --dept / --year that matches nothing in the store.

    Examples: perfkg search 外事经费 · perfkg search 满意度 --kind indicator --unit % --dept 外事 ·
    perfkg search 11010222T000000417204 --json · perfkg search --unmet --dept 民政
    """
    from index import Hit, open_search_index
    from index import search as search_index

    opts = dict(dept=dept, year=year, kind=kind, level=level, op=op, unit=unit, min_amount=min_amount,
                max_amount=max_amount, limit=limit, met=met)
    url = _pg_url(store)

    def go() -> SearchResult:
        if url:
            from kg.store import open_store

            with open_store(url) as st:
                return st.search(query, **opts)
        si, report = open_search_index(_store_dir(store))
        if report is not None and report.changed:
            echo_err(f"perfkg: {report.message()}")
        return search_index(si, query, dept=dept, year=year, kind=kind, level=level, op=op, unit=unit,
                            min_amount=min_amount, max_amount=max_amount, limit=limit, met=met)

    if batch is not None:
        from cli.batch import read_queries, run_batch, search_rows, write_rows

        queries = run(lambda: read_queries(batch))

        def go_batch() -> None:
            if url:
                from kg.store import open_store

                with open_store(url) as st:
                    write_rows(run_batch(queries, lambda q: search_rows(q, st.search(q, **opts).hits)), as_json)
                return
            si, _ = open_search_index(_store_dir(store))
            write_rows(run_batch(queries, lambda q: search_rows(q, search_index(
                si, q, dept=dept, year=year, kind=kind, level=level, op=op, unit=unit, min_amount=min_amount,
                max_amount=max_amount, limit=limit, met=met).hits)), as_json)

        run(go_batch)
        return
    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))
    result = run(go)
    if as_json:
        print_json({**result.to_dict(), "status": "ok" if result.hits else "not_found"})
    elif fmt != "text":
        keys = list(Hit.__dataclass_fields__)
        print_rows([Col(k) for k in keys], [[h.to_dict()[k] for k in keys] for h in result.hits], fmt)
    else:
        render(result)
    if not result.hits:
        raise SystemExit(EXIT_FINDINGS)


def _marked(snippet: str) -> str:
    """«matched» text in bold yellow; the marks stay, so a pipe or a log still shows what matched."""
    from rich.markup import escape

    from index.query import HL_CLOSE, HL_OPEN

    return escape(snippet).replace(HL_OPEN, f"[bold yellow]{HL_OPEN}").replace(HL_CLOSE, f"{HL_CLOSE}[/bold yellow]")


WIDE = 130  # terminals at least this wide get a table; narrower ones a two-line list


PLAIN_COLS = (Col("#"), Col("kind"), Col("match"), Col("project"), Col("department"), Col("year"),
              Col("amount (元)"), Col("score"), Col("cite"))


def render(result: SearchResult) -> None:
    from cli.plain import escape

    con = console()
    if not result.hits:
        con.print(f"no matches for [bold]{escape(result.query)}[/bold]")
    elif not is_terminal():  # a pipe or a file: one plain line per hit, nothing wrapped or cut
        print_rows(PLAIN_COLS, [[i, _kind(h), h.snippet, h.project if h.kind != "project" else "", h.department,
                                 h.year, h.amount, _score(h), h.cite()] for i, h in enumerate(result.hits, 1)],
                   con=con)
    elif con.width >= WIDE:
        render_table(con, result)
    else:
        render_list(con, result)
    more = result.candidates - len(result.hits)
    if result.hits and more > 0:
        con.print(f"{more} more; use --limit or a filter")
    if result.did_you_mean:
        con.print("did you mean: " + " · ".join(escape(s) for s in result.did_you_mean))


def _kind(h: Hit) -> str:
    return h.kind.replace("department_indicator", "dept indicator")


def _score(h: Hit) -> str:
    return f"{h.score:.2f}" + (f" ~{h.fuzzy:.2f}" if h.fuzzy >= 0.5 and h.text_score < 1 else "")


def render_table(con: Console, result: SearchResult) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("#", "kind")
    for col in ("match", "project", "department"):
        table.add_column(col, overflow="fold", ratio=2 if col == "match" else 1)
    for col in ("year", "amount (元)", "score", "where"):
        table.add_column(col, overflow="fold")
    for i, h in enumerate(result.hits, 1):
        table.add_row(str(i), _kind(h), _marked(h.snippet), escape(h.project if h.kind != "project" else ""),
                      escape(h.department or ""), str(h.year or ""), h.amount or "", _score(h), escape(h.cite()))
    con.print(table)


def render_list(con: Console, result: SearchResult) -> None:
    from rich.markup import escape

    for i, h in enumerate(result.hits, 1):
        con.print(f"[bold]{i:>2}.[/bold] [cyan]{_kind(h)}[/cyan]  {_marked(h.snippet)}")
        facts = [f"of {h.project}" if h.project and h.kind != "project" else "", h.department or "",
                 str(h.year or ""), f"{h.amount} 元" if h.amount else "", f"score {_score(h)}", h.cite()]
        con.print("    [dim]" + escape(" · ".join(f for f in facts if f)) + "[/dim]")


def register(app: typer.Typer) -> None:
    app.command("search")(typer_command(search, PARAMS))
