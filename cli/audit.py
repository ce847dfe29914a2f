"""perfkg audit [PATH...] [--store DIR] [--dept D] [--year Y] [--kind K] [--severity S]
[--json | --csv | --tsv] [--summary] [--limit N] [--fail-on S] [--html FILE] [--xlsx FILE] [--annotate DIR]
[--rules] [--disable KIND] [--severity-of KIND=LEVEL] [--rules-file FILE]."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import DEPT_HELP, EXIT_FINDINGS, STORE_HELP, YEAR_HELP, print_json, run
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
    dept: str = typer.Option(None, "--dept", help=DEPT_HELP),
    year: int = typer.Option(None, "--year", help=YEAR_HELP),
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
    rules: bool = typer.Option(False, "--rules", help="List the target-quality rules (target.*): id, on/off, "
                               "severity, what each checks, why, its source and thresholds; then exit."),
    disable: list[str] = typer.Option(None, "--disable", help="Switch a finding kind off (repeatable), e.g. "
                                      "--disable target.placeholder_value."),
    severity_of: list[str] = typer.Option(None, "--severity-of", help="Re-grade a finding kind (repeatable): "
                                          "KIND=info|warning|error, e.g. --severity-of target.no_cost=info."),
    rules_file: Path = typer.Option(None, "--rules-file", help='A TOML file of rule choices: [rules."KIND"] with '
                                    "enabled = false, severity = \"info\" or a threshold (see --rules)."),
    annotate: Path = typer.Option(None, "--annotate", help="For PDF sources: write DIR/<name>.annotated.pdf, a copy "
                                  "with every finding's evidence boxed on its page and numbered, and a legend."),
    xlsx: Path = typer.Option(None, "--xlsx", help="Also write the auditor's working paper (Excel): a summary, "
                              "the findings with every evidence cell, the targets with their review flags, the "
                              "rules."),
) -> None:
    """Report where documents contradict themselves or the rules, each finding with the evidence on both sides.

    Checks: cost targets vs budgets (元 / 万元), the same targets in a project's form and in the department-wide table (value, unit, operator, rows missing on either side), project codes (8 digits, T, 12 digits), sums (projects vs 项目支出, basic + project vs total, funding lines), unmeasurable targets (all 定性, % above 100, 满意度 with ≤), prose arithmetic, budget vs final account of one department and year, and documents the parser could not read whole (cut off, no projects, no year). Display rounding (241.38 万元 for 2,413,751 元) is not a mismatch. The target-quality review (kinds target.*: coverage, measurability, copies, year over year, peers) is listed by --rules; switch a rule off with --disable KIND or re-grade it with --severity-of KIND=LEVEL.

    Exit codes: 0 done (and nothing at --fail-on); 1 a finding at or above --fail-on (dismissed findings do
    not count), or some files could not be read (each is named on stderr; the others are audited); 2 a bad
    option, a --dept / --year that matches no document, no store.

    Examples:

    perfkg audit --severity warning

    perfkg audit data/004_91149ae9a9862230.txt --fail-on error

    perfkg audit --dept 城市管理 --year 2026 --json

    perfkg audit --kind target_ --html audit.html

    perfkg audit --summary --csv > counts.csv

    perfkg audit --kind target. --disable target.placeholder_value --xlsx workpaper.xlsx
    """
    from kg.audit.report import AuditOptions  # lazy: keep `perfkg --help` and other commands fast

    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))
    opts = AuditOptions(dept, year, kind, severity, fail_on, list(disable or []), list(severity_of or []),
                        rules_file)
    if rules:
        _print_rules(opts, fmt, as_json)
        return
    show_bar = sys.stderr.isatty() and not as_json and fmt == "text"
    outputs = Outputs(html, xlsx, annotate, to_stderr=as_json or fmt != "text")
    result = run(lambda: _audit(paths, store, opts, outputs, show_bar))
    for f in result.failures:
        typer.echo(f"perfkg: failed: {f.reason}", err=True)
    _print(result, fmt, as_json, summary_only, limit)
    if not outputs.to_stderr:
        if html:
            typer.echo(f"HTML report written to {html}")
        if xlsx:
            typer.echo(f"Working paper written to {xlsx}")
    from kg.audit.report import should_fail

    if should_fail(result.findings, fail_on) or result.failures:
        raise typer.Exit(EXIT_FINDINGS)


@dataclass
class Outputs:
    """Files written besides the report: HTML, the working paper, annotated PDF copies; ``to_stderr`` when
    stdout carries JSON, CSV or TSV (notes about the files then go to stderr)."""

    html: Path | None = None
    xlsx: Path | None = None
    annotate: Path | None = None
    to_stderr: bool = False


def audit_result(paths: list[Path] | None, store: Path | None, opts: object,
                 step: Callable[[int, int, str], None] | None = None) -> AuditResult:
    """The findings (with the auditor's decisions), documents, failures and project digests of the files
    given, or else of the store (read one department at a time)."""
    from kg.audit import audit_store_digests
    from kg.audit.report import AuditResult, audit_paths, store_decisions

    if paths:
        return audit_paths(paths, opts, step, store_decisions(store))  # type: ignore[arg-type]
    findings, docs, digests = audit_store_digests(store, opts, step)  # type: ignore[arg-type]
    return AuditResult(findings, docs, [], digests)


def _audit(paths: list[Path] | None, store: Path | None, opts: object, out: Outputs,
           show_bar: bool) -> AuditResult:
    with _progress(show_bar, "audit" if paths else "audit (departments)") as step:
        result = audit_result(paths, store, opts, step)
    if out.html:
        from kg.audit.html import write_html
        from kg.audit.scorecard import scorecard

        write_html(out.html, result.findings, result.docs, scorecard(result.digests, result.findings))
    if out.xlsx:
        write_paper(out.xlsx, result, opts)
    if out.annotate:
        from kg.audit.annotate import annotate_sources

        written = annotate_sources(result.findings, {ad.file: ad.path for ad in result.docs if ad.path}, out.annotate)
        for pdf, boxed, missing in written:
            typer.echo(f"{pdf}: {boxed} boxes" + (f", {missing} evidence not located" if missing else ""),
                       err=out.to_stderr)
    return result


def write_paper(xlsx: Path, result: AuditResult, opts: object) -> None:
    """The auditor's working paper (Excel) of an audit result."""
    from kg.audit.rules_targets import rules_table
    from kg.audit.workpaper import write_workpaper

    write_workpaper(xlsx, result.findings, result.digests, rules_table(opts.config()),  # type: ignore[attr-defined]
                    len(result.docs))


RULE_COLS = (Col("id", True), Col("enabled", True), Col("severity", True), Col("checks"), Col("reason", drop=2),
             Col("source", drop=1), Col("params"))


def _print_rules(opts: object, fmt: str, as_json: bool) -> None:
    """``--rules``: the target-quality rules as JSON, CSV / TSV rows, or text blocks."""
    from kg.audit.report import render_rules
    from kg.audit.rules_targets import rules_table

    table = run(lambda: rules_table(opts.config()))  # type: ignore[attr-defined]
    if as_json:
        print_json({"rules": table})
    elif fmt != "text":
        print_rows(RULE_COLS, [[r["id"], r["enabled"], r["severity"], r["checks"], r["reason"], r["source"],
                                "; ".join(f"{k}={v}" for k, v in r["params"].items())] for r in table], fmt)
    else:
        render_rules(table, console())


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
