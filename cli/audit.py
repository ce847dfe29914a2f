"""perfkg audit [PATH...] [--store DIR] [--dept D] [--year Y] [--kind K] [--severity S]
[--json | --csv | --tsv] [--summary] [--limit N] [--fail-on S] [--html FILE]."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import EXIT_FINDINGS, STORE_HELP, print_json, run
from cli.output import CSV_HELP, TSV_HELP, Col, console, print_rows, table_format

if TYPE_CHECKING:
    from kg.audit.report import AuditResult

SUMMARY_COLS = (Col("department"), Col("kind", True), Col("error", True), Col("warning", True), Col("info", True))


def audit(
    paths: list[Path] = typer.Argument(None, metavar="[PATH]...", help="Documents (or folders of .txt, read "
                                       "recursively) to extract and audit directly; without them the documents "
                                       "of the store are audited. A file that cannot be read is reported and "
                                       "the others are audited."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    dept: str = typer.Option(None, "--dept", help="Only this department (part of its name, or its code); one "
                             "that matches no document is an error with suggestions."),
    year: int = typer.Option(None, "--year", help="Only documents of this fiscal year (one that no document has is "
                             "an error)."),
    kind: str = typer.Option(None, "--kind", help="Only findings of this kind (or kind prefix), e.g. "
                             "cost_target_vs_budget, target_ (all form-vs-department-table findings)."),
    severity: str = typer.Option("info", "--severity", help="Least severity shown: info, warning or error."),
    as_json: bool = typer.Option(False, "--json", help='Print {"findings": [{kind, severity, department, year, '
                                 'file, project, message, evidence: [{file, line, table, text}], values}], '
                                 '"summary": {documents, by_severity, by_kind, by_department, findings, '
                                 'documents_failed}, "failed": [{file, reason}]}.'),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP + " One row per finding (with --summary, per "
                                "department and kind)."),
    as_tsv: bool = typer.Option(False, "--tsv", help=TSV_HELP),
    summary_only: bool = typer.Option(False, "--summary", help="Only the counts: findings by department and kind "
                                      "(and severity)."),
    limit: int = typer.Option(None, "--limit", "-n", min=1, help="Print at most N findings (the summary, "
                              "--fail-on and --html still count every one)."),
    fail_on: str = typer.Option(None, "--fail-on", help="Exit 1 when a finding at or above this severity "
                                "(error, warning, info) is reported — to gate a pipeline."),
    html: Path = typer.Option(None, "--html", help="Also write a self-contained HTML report: findings with the "
                              "source lines around each piece of evidence, and a chart per department and kind."),
) -> None:
    """Report where documents contradict themselves or the rules, each finding with the evidence on both sides.

    Checks: cost targets vs budgets (元 / 万元), the same targets in a project's form and in the department-wide table (value, unit, operator, rows missing on either side), project codes (8 digits, T, 12 digits), sums (projects vs 项目支出, basic + project vs total, funding lines), unmeasurable targets (all 定性, % above 100, 满意度 with ≤), prose arithmetic, budget vs final account of one department and year, and documents the parser could not read whole (cut off, no projects, no year). Display rounding (241.38 万元 for 2,413,751 元) is not a mismatch.

    Exit codes: 0 done (and nothing at --fail-on); 1 a finding at or above --fail-on, or some files could not
    be read (each is named on stderr; the others are audited); 2 a bad option, a --dept / --year that matches
    no document, no store.

    Examples:

    perfkg audit --severity warning

    perfkg audit data/004_91149ae9a9862230.txt --fail-on error

    perfkg audit --dept 城市管理 --year 2026 --json

    perfkg audit --kind target_ --html audit.html

    perfkg audit --summary --csv > counts.csv
    """
    from kg.audit.report import AuditOptions  # lazy: keep `perfkg --help` and other commands fast

    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))
    opts = AuditOptions(dept, year, kind, severity, fail_on)
    show_bar = sys.stderr.isatty() and not as_json and fmt == "text"
    result = run(lambda: _audit(paths, store, opts, html, show_bar))
    for f in result.failures:
        typer.echo(f"perfkg: failed: {f.reason}", err=True)
    _print(result, fmt, as_json, summary_only, limit)
    if html and not as_json and fmt == "text":
        typer.echo(f"HTML report written to {html}")
    from kg.audit.report import should_fail

    if should_fail(result.findings, fail_on) or result.failures:
        raise typer.Exit(EXIT_FINDINGS)


def _audit(paths: list[Path] | None, store: Path | None, opts: object, html: Path | None,
           show_bar: bool) -> AuditResult:
    from kg.audit import audit_store
    from kg.audit.html import write_html
    from kg.audit.report import AuditResult, audit_paths

    with _progress(show_bar, "audit" if paths else "audit (departments)") as step:
        # the store is read one department at a time; files given on the command line are extracted
        if paths:
            result = audit_paths(paths, opts, step)  # type: ignore[arg-type]
        else:
            result = AuditResult(*audit_store(store, opts, step))  # type: ignore[arg-type]
    if html:
        write_html(html, result.findings, result.docs)
    return result


@contextmanager
def _progress(show: bool, label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on stderr (a terminal only) and the callback that moves it."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def step(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield step


def _print(result: AuditResult, fmt: str, as_json: bool, summary_only: bool, limit: int | None) -> None:
    from kg.audit.report import FINDING_COLUMNS, finding_rows, render_text, summary_rows, to_json

    findings, n_docs = result.findings, len(result.docs)
    if as_json:
        print_json(to_json(findings, n_docs, result.failures, limit, summary_only))
        return
    shown = findings[:limit] if limit else findings
    if summary_only:
        con = console()
        print_rows(SUMMARY_COLS, summary_rows(findings), fmt, con)
        if fmt == "text":
            _totals(con, findings, n_docs)
        return
    if fmt != "text":
        print_rows([Col(c) for c in FINDING_COLUMNS], finding_rows(shown), fmt)
        return
    render_text(shown, n_docs, console(), findings)


def _totals(con: object, findings: list, n_docs: int) -> None:
    from kg.audit.report import summary

    s = summary(findings, n_docs)["by_severity"]
    con.print(f"{len(findings)} findings in {n_docs} documents: {s['error']} errors, {s['warning']} warnings, "  # type: ignore[attr-defined]
              f"{s['info']} info", markup=False)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
