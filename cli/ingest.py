"""perfkg ingest [PATH...] [--store DIR] [--jobs N] [--json]."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cli.common import EXIT_FINDINGS, print_json, run
from kg.ingest import FileResult, IngestReport, discover, ingest_paths
from kg.paths import bundled_data_dir
from kg.store import Store, open_store

try:
    from index import sync_index
except ImportError:  # the search index is optional
    sync_index = None

STORE_HELP = ("Store folder. Default: $PERFKG_STORE, else $XDG_DATA_HOME/perfkg (~/.local/share/perfkg).")


def ingest(
    paths: list[Path] = typer.Argument(None, help="Files or folders (recursively, *.txt). Default: the bundled data/."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    force: bool = typer.Option(False, "--force", help="Re-extract every file, even unchanged ones."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Parse files in N worker processes."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (keys: store, documents_ok, "
                                 "documents_unchanged, documents_failed, records_written, index_synced, files)."),
) -> None:
    """Extract every document and store its records; unchanged files are skipped, changed ones replaced.

    A file is unchanged when its content hash and the parser code are the same as when it was stored.
    One transaction per document: a file that fails leaves nothing behind and the batch goes on. Each
    failure is one line on stderr. Exit code 1 if any file failed, 2 for a bad path or store.

    Example: perfkg ingest data/ --store /tmp/kg && perfkg trace 外事经费 --store /tmp/kg
    """
    targets = list(paths) if paths else [bundled_data_dir()]
    st: Store = run(lambda: open_store(store, create=True))
    try:
        report = run(lambda: _ingest(st, targets, jobs, force, show_bar=not as_json and sys.stderr.isatty()))
        synced = sync_index is not None
        if sync_index is not None:
            run(lambda: sync_index(st))
    finally:
        st.close()
    for f in report.failed:
        typer.echo(f"perfkg: failed: {f.reason}", err=True)
    if as_json:
        print_json({**report.to_dict(), "index_synced": synced})
    else:
        _render(report, synced)
    if report.failed:
        raise typer.Exit(EXIT_FINDINGS)


def _ingest(st: Store, targets: list[Path], jobs: int, force: bool, show_bar: bool) -> IngestReport:
    if not show_bar:
        return ingest_paths(st, targets, jobs=jobs, force=force)
    total = len(discover(targets))
    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)

        def step(res: FileResult) -> None:
            bar.update(task, advance=1, description=Path(res.doc_id).name)

        return ingest_paths(st, targets, jobs=jobs, force=force, progress=step)


def _render(report: IngestReport, synced: bool) -> None:
    d = report.to_dict()
    table = Table("store", "ok", "unchanged", "failed", "records written", "search index")
    table.add_row(d["store"], str(d["documents_ok"]), str(d["documents_unchanged"]), str(d["documents_failed"]),
                  str(d["records_written"]), "synced" if synced else "not installed")
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
