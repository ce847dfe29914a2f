"""perfkg ingest [PATH...] [--store DIR] [--jobs N | --dask ADDRESS] [--force] [--json]."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli.common import EXIT_FINDINGS, STORE_HELP, debug_enabled, print_json, run

if TYPE_CHECKING:
    from kg.ingest import IngestReport
    from kg.store import Store


def ingest(
    paths: list[Path] = typer.Argument(None, help="Files or folders (recursively, *.txt). Default: the bundled data/."),
    store: Path = typer.Option(None, "--store", help=STORE_HELP),
    force: bool = typer.Option(False, "--force", help="Re-extract every file, even unchanged ones."),
    jobs: int = typer.Option(None, "--jobs", "-j", min=1, help="Parse files in N worker processes. Default: "
                             "every core once there are at least 4 files per core, else fewer."),
    dask: str = typer.Option(None, "--dask", help="Parse on this Dask cluster (a running distributed scheduler, "
                             "e.g. tcp://host:8786): each file's bytes go to the workers, the documents come back "
                             "to this one writer. Needs pip install 'perfkg[scale]'."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (keys: store, documents_ok, "
                                 "documents_unchanged, documents_failed, documents_skipped, records_written, jobs, "
                                 "executor (local|dask), workers, "
                                 "seconds {read_parse_cpu, store_cpu, index_cpu, wall}, index_synced, files [{doc_id, "
                                 "status (ok|unchanged|failed|skipped), records, reason}])."),
) -> None:
    """Extract every document and store its records; unchanged files are skipped, changed ones replaced.

    A file is unchanged when its content hash and the parser code are the same as when it was stored.
    One transaction per document: a file that fails leaves nothing behind and the batch goes on; a kill
    mid-batch loses only the document being written. Each failed or skipped file is one line on stderr
    naming it (and the line at fault, where there is one); --debug adds the traceback.

    Exit codes: 0 every file stored or unchanged (files skipped for their suffix do not count);
    1 some files failed (the others are stored); 2 nothing done: a path that does not exist, a store
    that cannot be opened or written, a bad option.

    Example: perfkg ingest data/ --store /tmp/kg && perfkg trace 外事经费 --store /tmp/kg
    """
    from kg.paths import bundled_data_dir  # lazy: the parsers load only when a command needs them
    from kg.store import open_store

    targets = list(paths) if paths else [bundled_data_dir()]
    st: Store = run(lambda: open_store(store, create=True))
    executor = None
    feed = None if dask else _index_feed(st)
    try:
        if dask:
            from kg.ingest_dask import DaskExecutor

            executor = run(lambda: DaskExecutor(dask))
        from kg.ingest import relaxed_gc

        synced: list[bool] = []

        def sync(rep: IngestReport) -> None:  # beside the store's lookup indexes being built
            synced.append(_sync_index(st, rep.seconds, feed[1] if feed else None, add_wall=False))

        with relaxed_gc():
            report = run(lambda: _ingest(st, targets, jobs, force, show_bar=not as_json and sys.stderr.isatty(),
                                         executor=executor, feed=feed, beside=sync))
    finally:
        if feed is not None:
            feed[1].close()
        st.close()
        if executor is not None:
            executor.close()
    _print_problems(report)
    if not any(f.status in ("ok", "unchanged", "failed") for f in report.files):
        typer.echo(f"perfkg: warning: no documents found in {', '.join(map(str, targets))}", err=True)
    if as_json:
        print_json({**report.to_dict(), "index_synced": synced[0], "executor": "dask" if dask else "local",
                    "workers": report.jobs})
    else:
        _render(report, synced[0])
    if report.failed:
        raise typer.Exit(EXIT_FINDINGS)


def _index_feed(st: Store) -> Any:
    """(prepare, PreparedEntries): the search index's entries made by the parsing workers (see
    :func:`index.feed.ingest_preparer`), or None (no index package, a PostgreSQL store, a whoosh index)."""
    if hasattr(st, "search"):
        return None
    try:
        from index.feed import ingest_preparer
    except ImportError:
        return None
    return ingest_preparer(st.path)


def _sync_index(st: Store, seconds: dict[str, float], prepared: Any = None, add_wall: bool = True) -> bool:
    seconds["index_cpu"] = 0.0
    if hasattr(st, "search"):  # a PostgreSQL store: its search tables are written with each document
        return True
    try:
        from index import sync_index
    except ImportError:  # the search index is optional
        return False
    t0, c0 = time.perf_counter(), time.process_time()
    sync_index(st, prepared=prepared)
    seconds["index_cpu"] = time.process_time() - c0
    if add_wall:  # else the ingest's wall already covers it
        seconds["wall"] += time.perf_counter() - t0
    return True


def _print_problems(report: IngestReport) -> None:
    for f in report.files:
        if f.status in ("failed", "skipped"):
            typer.echo(f"perfkg: {f.status}: {f.reason}", err=True)
            if f.detail and debug_enabled():
                typer.echo(f.detail.rstrip("\n"), err=True)


def _ingest(st: Store, targets: list[Path], jobs: int | None, force: bool, show_bar: bool,
            executor: Any = None, feed: Any = None, beside: Any = None) -> IngestReport:
    from kg.ingest import FileResult, count_files, ingest_paths

    hooks = {"prepare": feed[0], "on_stored": feed[1].add} if feed else {}
    hooks["beside"] = beside
    if not show_bar:
        return ingest_paths(st, targets, jobs=jobs, force=force, executor=executor, **hooks)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = count_files(targets, exclude=[st.path])
    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)

        def step(res: FileResult) -> None:
            bar.update(task, advance=1, description=Path(res.where).name)

        return ingest_paths(st, targets, jobs=jobs, force=force, progress=step, executor=executor, **hooks)


def _render(report: IngestReport, synced: bool) -> None:
    from cli.output import Col, print_rows

    d: dict[str, Any] = report.to_dict()
    cols = [Col(c, True) for c in ("store", "ok", "unchanged", "failed", "skipped", "records written",
                                   "search index", "seconds")]
    print_rows(cols, [[d["store"], d["documents_ok"], d["documents_unchanged"], d["documents_failed"],
                       d["documents_skipped"], d["records_written"], "synced" if synced else "not installed",
                       f"{d['seconds']['wall']:.1f}"]])


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
