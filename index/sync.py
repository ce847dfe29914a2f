"""Keeping ``<store>/index`` in step with a store: :func:`sync_index` (new or changed documents re-added, gone ones
deleted, a missing or differently built index rebuilt), :func:`open_search_index` for a search (an index that is
out of step and cannot be written is built in memory for the run), :func:`build_index` for documents in hand."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.analysis import DEFAULT_ANALYZER
from index.build import (
    INDEX_FORMAT,
    MANIFEST,
    WHOOSH_DIRNAME,
    SearchIndex,
    StoreLike,
    SyncReport,
    _engine_for,
    _import_whoosh,
    _read_json,
    engine_choice,
    index_dir,
    read_manifest,
)
from index.sqlite_engine import SqliteEngine
from kg.errors import StoreError

if TYPE_CHECKING:
    from index.feed import PreparedEntries
    from kg.model import Document


def stale_docs(index_docs: dict[str, str], store_docs: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(new, changed, removed) doc ids between what the index holds and what the store holds."""
    new = sorted(d for d in store_docs if d not in index_docs)
    changed = sorted(d for d in store_docs if d in index_docs and index_docs[d] != store_docs[d])
    removed = sorted(d for d in index_docs if d not in store_docs)
    return new, changed, removed


def is_stale(store: StoreLike) -> bool:
    """Cheap check: does the index manifest disagree with the store's doc hashes (or is it missing)?"""
    m = read_manifest(index_dir(store.path))
    return m is None or m["docs"] != store.doc_hashes()


def _why_rebuild(path: Path, analyzer: str, engine: str | None = None) -> str:
    """Why the index at ``path`` must be rebuilt for ``analyzer`` (and ``engine``, when one is asked for),
    or "" when it can be used as it is."""
    m = _read_json(path / MANIFEST)
    if m is None:
        return "unreadable manifest" if (path / MANIFEST).exists() else "missing"
    if not isinstance(m, dict) or m.get("format") != INDEX_FORMAT:
        return "older index format"
    if m.get("analyzer") != analyzer:
        return f"analyzer changed from {m.get('analyzer')} to {analyzer}"
    has = m.get("engine", "whoosh")
    if engine is not None and has != engine:
        return f"engine changed from {has} to {engine}"
    if has == "sqlite":
        return "" if SqliteEngine.exists(path) else "sqlite file missing"
    _import_whoosh()
    from whoosh import index as windex

    if not (path / WHOOSH_DIRNAME).is_dir() or not windex.exists_in(str(path / WHOOSH_DIRNAME)):
        return "whoosh files missing"
    return ""


def sync_index(store: StoreLike, analyzer: str | None = None, engine: str | None = None,
               prepared: PreparedEntries | None = None) -> SyncReport:
    """Bring ``<store.path>/index`` in step with the store (see the module doc); returns what changed.
    ``engine``: see :func:`_engine_for`; ``prepared``: entries an ingest made (used by the sqlite engine
    when made with its analyzer) instead of loading those documents from the store."""
    t0 = time.perf_counter()
    path = index_dir(store.path)
    analyzer = analyzer or os.environ.get("PERFKG_ANALYZER") or DEFAULT_ANALYZER
    engine, asked = _engine_for(path, engine)
    report = SyncReport()
    reason = _why_rebuild(path, analyzer, engine if asked else None)
    si: SearchIndex | None = None
    if not reason:
        try:
            si = SearchIndex.open(path)
        except StoreError:
            reason = "unreadable"
    if si is None:
        path.mkdir(parents=True, exist_ok=True)
        si = SearchIndex.create(path, analyzer, engine)
        report.rebuilt, report.reason = True, reason
    store_docs = store.doc_hashes()
    new, changed, removed = stale_docs(si.docs, store_docs)
    report.added, report.updated, report.removed = new, changed, removed
    if new or changed or removed:
        usable = prepared if si.sql is not None and prepared is not None and prepared.method == si.analyzer else None
        todo = _load(store, new + changed, store_docs, usable)
        report.entries = si.update(todo, removed, expected=len(new) + len(changed))
    elif report.rebuilt:
        si.save_meta()
    report.documents = len(si.docs)
    report.seconds = time.perf_counter() - t0
    return report


def open_search_index(store_dir: Path) -> tuple[SearchIndex, SyncReport | None]:
    """The index of the store at ``store_dir``, first rebuilt or updated if missing or stale.

    The staleness check reads only the store's doc_id → sha256 table (:meth:`Store.doc_hashes`); the
    documents are loaded only when something must be (re)indexed. Without a store (``kg.store`` absent or no
    database) an existing index is used as it is.
    """
    path = index_dir(store_dir)
    if _in_step(Path(store_dir), path):  # the common case, without importing the store's record model
        return SearchIndex.open(path, readonly=True), None
    store = _open_store(store_dir)
    if store is None:
        return SearchIndex.open(path, readonly=True), None
    try:
        manifest = read_manifest(path)
        if manifest is not None and manifest["docs"] == store.doc_hashes() and not _why_rebuild(path, manifest["analyzer"]):
            return SearchIndex.open(path, readonly=True), None
        analyzer = manifest["analyzer"] if manifest else None
        if getattr(store, "read_only", False) and not _store_writable(store_dir):
            return _in_memory(store, analyzer)
        report = sync_index(store, analyzer)
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    return SearchIndex.open(path, readonly=True), report


def _in_step(store_dir: Path, path: Path) -> bool:
    """The index manifest lists exactly the store's documents and hashes, and the index is usable: read with
    a plain read-only connection (no :mod:`kg.store`); any doubt answers False and takes the full path."""
    manifest = read_manifest(path)
    if manifest is None or _why_rebuild(path, manifest["analyzer"]):
        return False
    try:
        from kg.store_readonly import DB_NAME, connect_read_only
    except ImportError:
        return False
    db = store_dir / DB_NAME
    if not db.is_file():
        return False
    try:
        conn = connect_read_only(db, timeout=5.0)
        try:
            hashes = dict(conn.execute("SELECT doc_id, sha256 FROM documents"))
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return hashes == manifest["docs"]


def _store_writable(store_dir: Path) -> bool:
    from kg.store import is_writable

    return is_writable(Path(store_dir))


def _in_memory(store: StoreLike, analyzer: str | None) -> tuple[SearchIndex, SyncReport]:
    """A read-only store whose index is missing or stale: search an index built in memory from the store
    (nothing is written; the next ``perfkg ingest`` by someone who may write brings the index on disk in step)."""
    t0 = time.perf_counter()
    hashes = store.doc_hashes()
    si = SearchIndex.in_memory(analyzer or os.environ.get("PERFKG_ANALYZER") or DEFAULT_ANALYZER, engine_choice())
    report = SyncReport(rebuilt=True, reason="store is read-only and its index out of date: built in memory")
    report.entries = si.update(list(_load(store, sorted(hashes), hashes)))
    report.added, report.documents = sorted(hashes), len(si.docs)
    report.seconds = time.perf_counter() - t0
    return si, report


def _open_store(store_dir: Path) -> Any:
    try:
        from kg.store import DB_NAME, Store
    except ImportError:
        return None
    url_file = Path(store_dir) / "store.url"  # the side folder of a PostgreSQL store (kg.store_pg)
    if url_file.is_file():
        from kg.store import open_store

        return open_store(url_file.read_text(encoding="utf-8").strip(), create=False)
    if not (Path(store_dir) / DB_NAME).is_file():
        if read_manifest(index_dir(store_dir)) is None:
            raise StoreError("no store here (run perfkg ingest first, or pass --store DIR)", file=str(store_dir))
        return None
    return Store(Path(store_dir), create=False)


def build_index(docs: Iterable[tuple[str, Document]], analyzer: str = DEFAULT_ANALYZER,
                path: Path | None = None, engine: str = "whoosh") -> SearchIndex:
    """A fresh index over ``docs`` (doc_id, Document): on disk at ``path`` or in memory (tests, bench)."""
    si = SearchIndex.create(path, analyzer, engine) if path else SearchIndex.in_memory(analyzer, engine)
    si.update((doc_id, doc.sha256 or doc_id, doc) for doc_id, doc in docs)
    return si


def _load(store: StoreLike, ids: list[str], hashes: dict[str, str],
          prepared: PreparedEntries | None = None) -> Iterator[tuple[str, str, Any]]:
    for doc_id in ids:
        ready = prepared.get(doc_id, hashes[doc_id]) if prepared is not None else None
        yield doc_id, hashes[doc_id], ready if ready is not None else store.load_document(doc_id)
