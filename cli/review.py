"""perfkg review [PATH...] [--store DIR] [--dept D] [--year Y] [--json | --csv | --tsv] [--xlsx FILE] [--top N]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cli.common import DEPT_HELP, EXIT_FINDINGS, STORE_HELP, YEAR_HELP, print_json, run
from cli.output import CSV_HELP, TSV_HELP, Col, console, print_rows, table_format

CSV_COLUMNS = ("level", "department", "year", "project", "file", "amount", "projects", "targets", "quantitative",
               "quantitative_share", "categories", "missing_categories", "serious_findings", "findings")
TEXT_COLS = (Col("year", True), Col("targets", True), Col("quantitative", True), Col("missing"),
             Col("serious", True), Col("findings by rule"))


def review(
    paths: list[Path] = typer.Argument(None, metavar="[PATH]...", help="Documents (or folders of .txt, read "
                                       "recursively) to review directly; without them the store's documents are "
                                       "reviewed. A file that cannot be read is reported and the others are "
                                       "reviewed."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    dept: str = typer.Option(None, "--dept", help=DEPT_HELP),
    year: int = typer.Option(None, "--year", help=YEAR_HELP),
    as_json: bool = typer.Option(False, "--json", help='Print {"departments": [card], "projects": [card]}; a card '
                                 "has department, year, project, file, amount, projects, targets, quantitative, "
                                 "quantitative_share, categories, missing_categories, findings, serious_findings."),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP + " One row per card (departments, then projects)."),
    as_tsv: bool = typer.Option(False, "--tsv", help=TSV_HELP),
    xlsx: Path = typer.Option(None, "--xlsx", help="Also write the working paper (as `audit --xlsx`, target "
                              "findings only)."),
    top: int = typer.Option(15, "--top", min=1, help="Projects shown in the text report (weakest first); JSON, "
                            "CSV and TSV carry every project."),
) -> None:
    """Score the performance targets themselves, per department and per project, weakest first: how many
    targets, the share that is quantitative, the framework categories covered (产出, 效益, 满意度, 成本) and
    the target-quality findings (target.*, see `perfkg audit --rules`) by rule.

    Exit codes: 0 done; 1 some files could not be read (each is named on stderr; the others are reviewed);
    2 a bad option, a --dept / --year that matches no document, no store.

    Examples:

    perfkg review --year 2024

    perfkg review data/003_3ef0f7294640413f.txt --json

    perfkg review --csv > scorecard.csv
    """
    from cli.audit import audit_result, write_paper
    from kg.audit.report import AuditOptions
    from kg.audit.scorecard import REVIEW_PREFIX, scorecard

    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))
    opts = AuditOptions(dept, year, REVIEW_PREFIX)

    def go():
        result = audit_result(paths, store, opts)
        if xlsx:
            write_paper(xlsx, result, opts)
        return result, scorecard(result.digests, result.findings)

    result, cards = run(go)
    for f in result.failures:
        typer.echo(f"perfkg: failed: {f.reason}", err=True)
    if as_json:
        print_json(cards)
    elif fmt != "text":
        print_rows([Col(c) for c in CSV_COLUMNS], card_rows(cards), fmt)
    else:
        _render(cards, top)
        if xlsx:
            typer.echo(f"Working paper written to {xlsx}")
    if result.failures:
        raise typer.Exit(EXIT_FINDINGS)


def card_rows(cards: dict[str, list[dict[str, Any]]]) -> list[list[Any]]:
    """One row per card under :data:`CSV_COLUMNS`: departments, then projects."""
    return [[level, c["department"], c["year"], c["project"], c["file"], c["amount"], c["projects"], c["targets"],
             c["quantitative"], c["quantitative_share"], "、".join(c["categories"]), "、".join(c["missing_categories"]),
             c["serious_findings"], "; ".join(f"{k}={n}" for k, n in c["findings"].items())]
            for level, key in (("department", "departments"), ("project", "projects")) for c in cards[key]]


def _render(cards: dict[str, list[dict[str, Any]]], top: int) -> None:
    """Two tables, weakest first (plain lines in a pipe; nothing cut): departments, then the first ``top``
    projects."""
    con = console()
    for title, key, first in (("Departments", "departments", "department"), ("Projects", "projects", "project")):
        rows = cards[key][:top] if key == "projects" else cards[key]
        cols = (Col(first), *TEXT_COLS) if key == "departments" else (Col(first), Col("department", drop=1),
                                                                     *TEXT_COLS)
        print_rows(cols, [[c[first] or "", *([c["department"] or ""] if key == "projects" else []),
                           c["year"] or "", c["targets"], f"{c['quantitative_share']:.0%}",
                           "、".join(c["missing_categories"]), c["serious_findings"],
                           ", ".join(f"{k.removeprefix('target.')} ×{n}" for k, n in c["findings"].items())]
                          for c in rows], "text", con, title=f"{title} (weakest first)")
    if len(cards["projects"]) > top:
        con.print(f"{len(cards['projects']) - top} more projects (--top N, --json, --csv)", markup=False)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
