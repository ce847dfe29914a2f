"""perfkg audit [PATH...] [--store DIR] [--dept D] [--year Y] [--kind K] [--severity S] [--json]
[--fail-on S] [--html FILE] [--xlsx FILE] [--annotate DIR]
[--rules] [--disable KIND] [--severity-of KIND=LEVEL] [--rules-file FILE]."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import EXIT_FINDINGS, print_json, run


def audit(
    paths: list[Path] = typer.Argument(None, help="Documents (or folders of .txt) to extract and audit directly; "
                                       "without them the documents of the store are audited."),
    store: Path = typer.Option(None, "--store", help="Store directory (default $PERFKG_STORE or "
                               "~/.local/share/perfkg)."),
    dept: str = typer.Option(None, "--dept", help="Only this department (part of its name, or its code)."),
    year: int = typer.Option(None, "--year", help="Only documents of this fiscal year."),
    kind: str = typer.Option(None, "--kind", help="Only findings of this kind (or kind prefix), e.g. "
                             "cost_target_vs_budget, target_ (all form-vs-department-table findings)."),
    severity: str = typer.Option("info", "--severity", help="Least severity shown: info, warning or error."),
    as_json: bool = typer.Option(False, "--json", help='Print {"findings": [{kind, severity, department, year, '
                                 'file, project, message, evidence: [{file, line, table, text}], values}], '
                                 '"summary": {documents, by_severity, by_kind}}.'),
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

    Checks: cost targets vs budgets (元 / 万元), the same targets in a project's form and in the department-wide table (value, unit, operator, rows missing on either side), project codes (8 digits, T, 12 digits), sums (projects vs 项目支出, basic + project vs total, funding lines), unmeasurable targets (all 定性, % above 100, 满意度 with ≤), prose arithmetic, and budget vs final account of one department and year. Display rounding (241.38 万元 for 2,413,751 元) is not a mismatch. The target-quality review (kinds target.*: coverage, measurability, copies, year over year, peers) is listed by --rules; switch a rule off with --disable KIND or re-grade it with --severity-of KIND=LEVEL.

    Examples:

    perfkg audit --severity warning

    perfkg audit data/004_91149ae9a9862230.txt --fail-on error

    perfkg audit --dept 城市管理 --year 2026 --json

    perfkg audit --kind target_ --html audit.html

    perfkg audit --kind target. --disable target.placeholder_value --xlsx workpaper.xlsx
    """
    from kg.audit import audit_store_digests
    from kg.audit.html import write_html  # lazy: keep `perfkg --help` and other commands fast
    from kg.audit.report import AuditOptions, audit_sources_digests, render_rules, render_text, should_fail, to_json
    from kg.audit.rules_targets import rules_table

    opts = AuditOptions(dept, year, kind, severity, fail_on, list(disable or []), list(severity_of or []),
                        rules_file)
    if rules:
        table = run(lambda: rules_table(opts.config()))
        print_json({"rules": table}) if as_json else render_rules(table)
        return

    def go():
        # the store is read one department at a time; files given on the command line are extracted
        findings, docs, digests = (audit_sources_digests(paths, store, opts) if paths
                                   else audit_store_digests(store, opts))
        if html:
            from kg.audit.scorecard import scorecard

            write_html(html, findings, docs, scorecard(digests, findings))
        if xlsx:
            from kg.audit.workpaper import write_workpaper

            write_workpaper(xlsx, findings, digests, rules_table(opts.config()), len(docs))
        if annotate:
            from kg.audit.annotate import annotate_sources

            written = annotate_sources(findings, {ad.file: ad.path for ad in docs if ad.path}, annotate)
            for out, boxed, missing in written:
                typer.echo(f"{out}: {boxed} boxes" + (f", {missing} evidence not located" if missing else ""),
                           err=as_json)
        return findings, docs

    findings, docs = run(go)
    if as_json:
        print_json(to_json(findings, len(docs)))
    else:
        render_text(findings, len(docs))
        if html:
            typer.echo(f"HTML report written to {html}")
        if xlsx:
            typer.echo(f"Working paper written to {xlsx}")
    if should_fail(findings, fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
