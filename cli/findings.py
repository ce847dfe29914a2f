"""perfkg findings [--status S] [--store DIR] [--dept D] [--year Y] [--kind K] [--json];
perfkg findings dismiss ID --reason TEXT; perfkg findings confirm ID [--reason TEXT]."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import STORE_HELP, print_json, run

app = typer.Typer(help="The auditor's decisions on findings: list them with their ids; dismiss a false alarm "
                  "(it stays dismissed after re-ingest) or confirm a finding.", no_args_is_help=False)


@app.callback(invoke_without_command=True)
def findings(
    ctx: typer.Context,
    status: str = typer.Option(None, "--status", help="Only findings with this status: open, dismissed, confirmed."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    dept: str = typer.Option(None, "--dept", help="Only this department (part of its name, or its code)."),
    year: int = typer.Option(None, "--year", help="Only documents of this fiscal year."),
    kind: str = typer.Option(None, "--kind", help="Only findings of this kind (or kind prefix)."),
    as_json: bool = typer.Option(False, "--json", help="Print [{id, status, reason, kind, severity, department, "
                                 "year, file, project, message}]."),
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

    fs, _ = run(lambda: audit_store(store, AuditOptions(dept, year, kind, status=status)))
    rows = [{k: f.to_dict()[k] for k in ("id", "status", "reason", "kind", "severity", "department", "year", "file",
                                         "project", "message")} for f in fs]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        decided = f" [{r['status']}{': ' + r['reason'] if r['reason'] else ''}]" if r["status"] != "open" else ""
        typer.echo(f"{r['id']}  {r['severity']:7} {r['kind']}  {r['project'] or ''}  {r['file']}{decided}")
    typer.echo(f"{len(rows)} findings")


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
