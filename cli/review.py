"""perfkg review [PATH...] [--store DIR] [--dept D] [--year Y] [--json|--csv] [--xlsx FILE] [--top N]."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import typer

from cli.common import STORE_HELP, print_json, run

CSV_COLUMNS = ("level", "department", "year", "project", "file", "amount", "projects", "targets", "quantitative",
               "quantitative_share", "categories", "missing_categories", "serious_findings", "findings")


def review(
    paths: list[Path] = typer.Argument(None, help="Documents (or folders of .txt) to review directly; without "
                                       "them the store's documents are reviewed."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    dept: str = typer.Option(None, "--dept", help="Only this department (part of its name, or its code)."),
    year: int = typer.Option(None, "--year", help="Only documents of this fiscal year."),
    as_json: bool = typer.Option(False, "--json", help='Print {"departments": [card], "projects": [card]}; a card '
                                 "has department, year, project, file, amount, projects, targets, quantitative, "
                                 "quantitative_share, categories, missing_categories, findings, serious_findings."),
    as_csv: bool = typer.Option(False, "--csv", help="Print the cards as CSV (departments, then projects)."),
    xlsx: Path = typer.Option(None, "--xlsx", help="Also write the working paper (as `audit --xlsx`, target "
                              "findings only)."),
    top: int = typer.Option(15, "--top", help="Projects shown in the text report (weakest first)."),
) -> None:
    """Score the performance targets themselves, per department and per project, weakest first: how many
    targets, the share that is quantitative, the framework categories covered (产出, 效益, 满意度, 成本) and
    the target-quality findings (target.*, see `perfkg audit --rules`) by rule.

    Examples:

    perfkg review --year 2024

    perfkg review data/003_3ef0f7294640413f.txt --json
    """
    from kg.audit import audit_store_digests
    from kg.audit.report import AuditOptions, audit_sources_digests
    from kg.audit.rules_targets import rules_table
    from kg.audit.scorecard import REVIEW_PREFIX, scorecard

    opts = AuditOptions(dept, year, REVIEW_PREFIX)

    def go():
        findings, docs, digests = (audit_sources_digests(paths, store, opts) if paths
                                   else audit_store_digests(store, opts))
        if xlsx:
            from kg.audit.workpaper import write_workpaper

            write_workpaper(xlsx, findings, digests, rules_table(opts.config()), len(docs))
        return scorecard(digests, findings)

    cards = run(go)
    if as_json:
        print_json(cards)
    elif as_csv:
        w = csv.writer(sys.stdout)
        w.writerow(CSV_COLUMNS)
        for level, key in (("department", "departments"), ("project", "projects")):
            for c in cards[key]:
                w.writerow([level, c["department"], c["year"], c["project"], c["file"], c["amount"], c["projects"],
                            c["targets"], c["quantitative"], c["quantitative_share"], "、".join(c["categories"]),
                            "、".join(c["missing_categories"]), c["serious_findings"],
                            "; ".join(f"{k}={n}" for k, n in c["findings"].items())])
    else:
        _render(cards, top)
        if xlsx:
            typer.echo(f"Working paper written to {xlsx}")


def _render(cards: dict, top: int) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    for title, key, first in (("Departments", "departments", "department"), ("Projects", "projects", "project")):
        rows = cards[key][:top] if key == "projects" else cards[key]
        t = Table(title=f"{title} (weakest first)", title_justify="left")
        for col in (first, "year", "targets", "quantitative", "missing", "serious", "findings by rule"):
            t.add_column(col)
        for c in rows:
            t.add_row(c[first] or "", str(c["year"] or ""), str(c["targets"]), f"{c['quantitative_share']:.0%}",
                      "、".join(c["missing_categories"]), str(c["serious_findings"]),
                      ", ".join(f"{k.removeprefix('target.')} ×{n}" for k, n in c["findings"].items()))
        con.print(t)
    if len(cards["projects"]) > top:
        con.print(f"[dim]{len(cards['projects']) - top} more projects (--top N, --json, --csv)[/dim]")


def register(app: typer.Typer) -> None:
    app.command("review")(review)
