"""perfkg findings [--status S] [--store DIR] [--dept D] [--year Y] [--kind K] [--json | --csv | --tsv];
perfkg findings dismiss ID --reason TEXT; perfkg findings confirm ID [--reason TEXT]."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import DEPT_HELP, STORE_HELP, YEAR_HELP, markup_mode, plain_help_group, print_json, run
from cli.output import CSV_HELP, TSV_HELP, Col, print_records, table_format

app = typer.Typer(help="The auditor's decisions on findings: list them with their ids; dismiss a false alarm "
                  "(it stays dismissed after re-ingest) or confirm a finding.", no_args_is_help=False,
                  cls=plain_help_group(), rich_markup_mode=markup_mode())

FIELDS = ("id", "status", "reason", "kind", "severity", "department", "year", "file", "project", "message")
COLS = (Col("id", True), Col("status", True), Col("severity", True), Col("kind", True), Col("project"),
        Col("file", True, drop=1), Col("reason", drop=2), Col("message", drop=3))


@app.callback(invoke_without_command=True)
def findings(
    ctx: typer.Context,
    status: str = typer.Option(None, "--status", help="Only findings with this status: open, dismissed, confirmed."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    dept: str = typer.Option(None, "--dept", help=DEPT_HELP),
    year: int = typer.Option(None, "--year", help=YEAR_HELP),
    kind: str = typer.Option(None, "--kind", help="Only findings of this kind (or kind prefix)."),
    as_json: bool = typer.Option(False, "--json", help="Print [{id, status, reason, kind, severity, department, "
                                 "year, file, project, message}]."),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_tsv: bool = typer.Option(False, "--tsv", help=TSV_HELP),
) -> None:
    """List the store's findings with their ids and the auditor's decisions.

    Examples:

    perfkg findings --status dismissed

    perfkg findings dismiss 3f2a9c41d0e7 --reason "the 时效 row names a milestone"
    """
    if ctx.invoked_subcommand is not None:
        return
    from kg.audit import audit_store
    from kg.audit.report import AuditOptions

    fmt = run(lambda: table_format(as_csv, as_tsv, as_json))
    fs, _ = run(lambda: audit_store(store, AuditOptions(dept, year, kind, status=status)))
    rows = [{k: f.to_dict()[k] for k in FIELDS} for f in fs]
    if as_json:
        print_json(rows)
        return
    print_records(rows, FIELDS, COLS, fmt, "findings")


def _decide(finding_id: str, status: str, reason: str | None, store: Path | None) -> None:
    from kg.audit import audit_store
    from kg.audit.decisions import decide
    from kg.audit.report import AuditOptions
    from kg.store import resolve_store_dir

    def go():
        fs, _ = audit_store(store, AuditOptions())
        return decide(resolve_store_dir(store), fs, finding_id, status, reason)

    d = run(go)
    typer.echo(f"{d.id} {d.status}: {d.kind} {d.project or ''} ({d.file})")


@app.command("dismiss")
def dismiss(
    finding_id: str = typer.Argument(..., help="The finding's id (or a unique prefix), from `perfkg findings`."),
    reason: str = typer.Option(..., "--reason", help="Why it is a false alarm (kept with the decision)."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Dismiss a finding as a false alarm: audit, review and the working paper show it as dismissed, and
    `audit --fail-on` ignores it, also after `ingest --force`."""
    _decide(finding_id, "dismissed", reason, store)


@app.command("confirm")
def confirm(
    finding_id: str = typer.Argument(..., help="The finding's id (or a unique prefix), from `perfkg findings`."),
    reason: str = typer.Option(None, "--reason", help="A note kept with the decision."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Confirm a finding (it stays reported, marked confirmed)."""
    _decide(finding_id, "confirmed", reason, store)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="findings")
