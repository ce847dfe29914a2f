"""The persistent record store: one SQLite database per store directory.

Where the store lives (:func:`resolve_store_dir`): the ``--store DIR`` option, else the ``PERFKG_STORE``
environment variable, else ``$XDG_DATA_HOME/perfkg`` (``~/.local/share/perfkg`` when XDG_DATA_HOME is unset).
The database is ``<dir>/perfkg.sqlite``; the search index (package ``index``) sits beside it in ``<dir>/index``.

Every document is written in one transaction (:meth:`Store.put_document`): its old records are deleted and
the new ones inserted, or nothing changes. The database runs in WAL mode, so a process killed mid-ingest
leaves a store that opens and holds every document committed before the kill. Each document is kept twice:
as normalized rows (one table per record type, for SQL and CSV export) and as its full JSON
(:meth:`kg.model.Document.to_dict`), so :meth:`Store.load_document` gives back exactly what was stored.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.identity import migrate_v1
from kg.model import Document
from kg.store_queries import SQL_VARS_PER_QUERY as SQL_VARS_PER_QUERY
from kg.store_queries import RowQueries, chunks, marks
from kg.store_readonly import DB_NAME, connect_read_only, is_writable, resolve_store_dir, store_url
from kg.store_readonly import STORE_ENV as STORE_ENV  # re-exported
from kg.store_rows import PreparedRows as PreparedRows  # re-exported (kg.ingest)
from kg.store_rows import document_rows as document_rows
from kg.store_rows import grouped_rows
from kg.store_rows import prepare_rows as prepare_rows
from kg.store_schema import (
    ADDED_COLUMNS as ADDED_COLUMNS,
)
from kg.store_schema import (
    ALIASES_GIVEN as ALIASES_GIVEN,
)
from kg.store_schema import (
    CLASS_SCHEMES as CLASS_SCHEMES,
)
from kg.store_schema import (
    DEPARTMENT_N as DEPARTMENT_N,
)
from kg.store_schema import (
    EVAL_COLUMNS as EVAL_COLUMNS,
)
from kg.store_schema import (
    LOOKUP_INDEXES as LOOKUP_INDEXES,
)
from kg.store_schema import (
    READABLE_VERSIONS as READABLE_VERSIONS,
)
from kg.store_schema import (
    RECORD_TABLES as RECORD_TABLES,
)
from kg.store_schema import (
    SCHEMA as SCHEMA,
)
from kg.store_schema import (
    SCHEMA_VERSION as SCHEMA_VERSION,
)

# Seconds a writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 30.0
READ_ONLY_MESSAGE = "the store is read-only (no write permission on its folder or database): cannot write to it"
# Batches of at least this many documents written into a store no larger are loaded without LOOKUP_INDEXES,
# which are built once at the end (Store.defer_lookup_indexes).
BULK_MIN_DOCS = 200
def open_store(store: Path | None, *, create: bool = False) -> Store:
    """The store that ``--store`` / ``$PERFKG_STORE`` / the default names; ``create=False`` for read-only commands
    (opened read-only: see :class:`Store`). A ``postgresql://`` URL opens :class:`kg.store_pg.PgStore`."""
    url = store_url(store)
    if url:
        from kg.store_pg import PgStore

        return PgStore(url, create=create)
    return Store(resolve_store_dir(store), create=create)


class Store(RowQueries):
    """A store directory holding ``perfkg.sqlite``. ``create=False`` refuses a directory without a database
    and opens it read-only (no file in the store folder is created or changed); ``create=True`` opens it for
    writing and says so in one line when the folder or the database is read-only."""

    db_errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, *, create: bool = True):
        self.path = Path(path).expanduser()
        self.db_path = self.path / DB_NAME
        self.read_only = not create
        self._class_names: dict[tuple[str, str], str] | None = None
        self._column_cache: dict[str, set[str]] = {}
        if self.path.exists() and not self.path.is_dir():
            raise StoreError("store path is not a directory", str(self.path))
        if not create and not self.db_path.is_file():
            raise StoreError("no store here (run `perfkg ingest` first, or pass --store DIR)", str(self.path))
        if create and self.path.exists() and not is_writable(self.path):
            raise StoreError(READ_ONLY_MESSAGE, str(self.path))
        try:
            if self.read_only:
                self.conn = connect_read_only(self.db_path, BUSY_TIMEOUT_S)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self._init_schema()
        except (OSError, sqlite3.Error) as e:
            if "readonly" in str(e) or isinstance(e, PermissionError):
                raise StoreError(READ_ONLY_MESSAGE, str(self.path)) from None
            raise StoreError(f"cannot open the store ({e})", str(self.path)) from None

    # -- schema ------------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        has_meta = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if has_meta:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else None
            if version == 1:
                self._migrate_v1()
                version = SCHEMA_VERSION
            elif version in READABLE_VERSIONS and version != SCHEMA_VERSION:
                version = self._migrate_columns(version)
            if version not in READABLE_VERSIONS:
                raise StoreError(f"store has schema version {version}, this perfkg reads {SCHEMA_VERSION}; "
                                 "ingest into a new --store directory", str(self.path))
            if not self.read_only:
                self._add_eval_columns()
                for stmt in LOOKUP_INDEXES:
                    self.conn.execute(stmt)
            return
        if self.read_only:
            raise StoreError("not a perfkg store (no meta table)", str(self.path))
        with self._tx():
            for stmt in SCHEMA.split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _migrate_v1(self) -> None:
        """Rekey a store of schema 1 by content (:func:`kg.identity.migrate_v1`); a read-only command does it
        too when the database is writable (else it says how)."""
        conn = self.conn
        if self.read_only:
            if not (os.access(self.db_path, os.W_OK) and is_writable(self.path)):
                raise StoreError("store made by an older perfkg (schema 1) on a read-only folder: copy it somewhere "
                                 "writable and run any perfkg command on it once", str(self.path))
            conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table, cols in ADDED_COLUMNS.items():
                    have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                    for col, typ in cols:
                        if col not in have:
                            conn.execute(f"ALTER TABLE {table} ADD COLUMN {col} {typ}")
                migrate_v1(conn, RECORD_TABLES)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            if conn is not self.conn:
                conn.close()
                self.conn.close()  # reopen read-only: an immutable connection does not see the migration
                self.conn = connect_read_only(self.db_path, BUSY_TIMEOUT_S)

    def _migrate_columns(self, version: int) -> int:
        """An older schema (2, 3) → this one: the columns it lacks (ADDED_COLUMNS) added and the version raised,
        by a read-only command too when the database is writable; on a read-only folder the store is read as it
        is (the new columns read empty)."""
        if self.read_only and not (os.access(self.db_path, os.W_OK) and is_writable(self.path)):
            return version
        conn = self.conn if not self.read_only else sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S,
                                                                    isolation_level=None)
        try:
            with _Transaction(conn):
                for table, cols in ADDED_COLUMNS.items():
                    have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                    for col, typ in cols:
                        if col not in have:
                            conn.execute(f"ALTER TABLE {table} ADD COLUMN {col} {typ}")
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        finally:
            if conn is not self.conn:
                conn.close()
                self.conn.close()
                self.conn = connect_read_only(self.db_path, BUSY_TIMEOUT_S)
        return SCHEMA_VERSION

    def _add_eval_columns(self) -> None:
        """Give a store made before the self-evaluation columns those columns (empty for its documents)."""
        for table, cols in ADDED_COLUMNS.items():
            have = self._columns(table)
            for col, typ in cols:
                if col not in have:
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {col} {typ}")

    def _columns(self, table: str) -> set[str]:
        if self.read_only and table in self._column_cache:  # a read-only store's tables do not change
            return self._column_cache[table]
        cols = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
        if self.read_only:
            self._column_cache[table] = cols
        return cols

    @property
    def location(self) -> str:
        """Where the store is, for reports and messages."""
        return str(self.path)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    def _tx(self) -> _Transaction:
        return _Transaction(self.conn)

    # -- reading -----------------------------------------------------------------------------------
    def doc_hashes(self) -> dict[str, str]:
        """doc_id → sha256 of every stored document."""
        return dict(self.conn.execute("SELECT doc_id, sha256 FROM documents"))

    def doc_extractors(self) -> dict[str, str | None]:
        """doc_id → fingerprint of the extractor code that produced the stored records (None if unknown)."""
        return dict(self.conn.execute("SELECT doc_id, extractor FROM documents"))

    # -- locations: where each document's bytes were seen (kg.identity) ------------------------------
    def locations(self, doc_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
        """doc_id → the paths its content was ingested from, sorted (of ``doc_ids`` only, when given)."""
        out: dict[str, list[str]] = {}
        if doc_ids is None:
            rows: Iterable[tuple[str, str]] = self.conn.execute("SELECT path, doc_id FROM locations ORDER BY path")
        else:
            rows = sorted(r for chunk in chunks(sorted(set(doc_ids))) for r in self.conn.execute(
                f"SELECT path, doc_id FROM locations WHERE doc_id IN ({marks(chunk)})", chunk))
        for path, doc_id in rows:
            out.setdefault(doc_id, []).append(path)
        return out

    def doc_id_at(self, path: str | Path) -> str | None:
        """The id of the document last ingested from ``path`` (resolved), or None."""
        row = self.conn.execute("SELECT doc_id FROM locations WHERE path=?", (str(Path(path).resolve()),)).fetchone()
        return row[0] if row else None

    def known_paths(self) -> dict[str, tuple[str, str | None]]:
        """path → (sha256, extractor fingerprint) of the document last ingested from it."""
        return {p: (sha, ex) for p, sha, ex in self.conn.execute(
            "SELECT l.path, d.sha256, d.extractor FROM locations l JOIN documents d ON d.doc_id = l.doc_id")}

    def source_path(self, doc_id: str) -> Path | None:
        """A path holding the document's bytes: the first location that exists here, else the first one."""
        paths = [Path(p) for (p,) in self.conn.execute("SELECT path FROM locations WHERE doc_id=? ORDER BY path",
                                                       (doc_id,))]
        return next((p for p in paths if p.is_file()), paths[0] if paths else None)

    def add_location(self, doc_id: str, path: str) -> list[str]:
        """Record that ``path`` holds ``doc_id``'s bytes; forget this document's locations that no longer exist
        and drop documents no path holds any more (a path's old content). Returns the doc_ids dropped."""
        self._check_writable()
        with self._tx():
            dropped = self._locate(doc_id, path)
        if dropped:
            self._class_names = None
        return dropped

    def _locate(self, doc_id: str, path: str) -> list[str]:
        """:meth:`add_location` inside the caller's transaction."""
        dropped = []
        row = self.conn.execute("SELECT doc_id FROM locations WHERE path=?", (path,)).fetchone()
        self.conn.execute("INSERT OR REPLACE INTO locations VALUES (?, ?, ?)", (path, doc_id, Path(path).name))
        for (p,) in self.conn.execute("SELECT path FROM locations WHERE doc_id=? AND path != ?",
                                      (doc_id, path)).fetchall():
            if not Path(p).exists():
                self.conn.execute("DELETE FROM locations WHERE path=?", (p,))
        if row and row[0] != doc_id and not self.conn.execute(
                "SELECT 1 FROM locations WHERE doc_id=?", (row[0],)).fetchone():
            self._delete(row[0])
            dropped.append(row[0])
        return dropped

    def load_document(self, doc_id: str) -> Document:
        row = self.conn.execute("SELECT json FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id!r} in the store", str(self.path))
        return Document.from_dict(json.loads(row[0]))

    def iter_documents(self, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[str, Document]]:
        """(doc_id, Document) for every stored document (or those of ``doc_ids`` that are stored), in doc_id
        order, read one at a time."""
        if doc_ids is None:
            cur = self.conn.cursor().execute("SELECT doc_id, json FROM documents ORDER BY doc_id")
            for doc_id, text in cur:
                yield doc_id, Document.from_dict(json.loads(text))
            return
        for doc_id in sorted(set(doc_ids)):
            row = self.conn.execute("SELECT json FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            if row is not None:
                yield doc_id, Document.from_dict(json.loads(row[0]))

    def load_documents(self, doc_ids: Iterable[str]) -> Iterator[tuple[str, Document]]:
        """(doc_id, Document) of the stored documents among ``doc_ids``, in doc_id order."""
        return self.iter_documents(list(doc_ids))

    # -- writing -----------------------------------------------------------------------------------
    # put_document accepts the rows of :func:`document_rows` made elsewhere (an ingest worker) instead of the Document
    takes_rows = True

    def put_document(self, doc_id: str, doc: Document | None, sha256: str | None = None,
                     extractor: str | None = None,
                     rows: dict[str, list[dict[str, Any]]] | PreparedRows | None = None,
                     location: str | None = None) -> int:
        """Replace the document's records in one transaction; returns the number of record rows written.

        ``extractor`` fingerprints the parser code, so a newer parser re-extracts unchanged files. ``rows``:
        the document's :func:`document_rows` or :func:`prepare_rows`, already made (then ``doc`` may be None;
        prepared rows carry their extractor). ``location``: a path
        holding its bytes, recorded in the same transaction (:meth:`add_location`)."""
        self._check_writable()
        digest = sha256 or (doc.sha256 if doc is not None else None)
        if not digest:
            raise StoreError("document has no sha256", doc_id)
        self._class_names = None
        try:
            with self._tx():
                self._delete(doc_id)
                n = self._insert(doc_id, doc, digest, extractor, rows)
                if location is not None:
                    self._locate(doc_id, location)
                return n
        except self.db_errors as e:
            if "readonly" in str(e) or "read-only" in str(e):
                raise StoreError(READ_ONLY_MESSAGE, str(self.path)) from None
            raise StoreError(f"cannot write document ({e})", doc_id) from None

    def delete_document(self, doc_id: str) -> None:
        self._check_writable()
        self._class_names = None
        with self._tx():
            self._delete(doc_id)
            self.conn.execute("DELETE FROM locations WHERE doc_id=?", (doc_id,))

    def _delete(self, doc_id: str) -> None:
        for table in RECORD_TABLES:
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))

    def _insert(self, doc_id: str, doc: Document | None, digest: str, extractor: str | None,
                rows: dict[str, list[dict[str, Any]]] | PreparedRows | None = None) -> int:
        if isinstance(rows, PreparedRows):  # grouped in the worker, the extractor already in its documents row
            for table, cols, values in rows.groups:
                self.conn.executemany(_insert_sql(table, cols), values)
            return rows.count
        if rows is None:
            assert doc is not None
            rows = document_rows(doc_id, doc, digest)
        rows["documents"][0]["extractor"] = extractor
        for table, table_rows in rows.items():
            for cols, values in grouped_rows(table_rows):  # one executemany per table (rows of a table share columns)
                self.conn.executemany(_insert_sql(table, cols), values)
        return sum(len(r) for r in rows.values())

    def defer_lookup_indexes(self, incoming: int) -> bool:
        """Before writing ``incoming`` documents: drop :data:`LOOKUP_INDEXES` when the batch is at least
        :data:`BULK_MIN_DOCS` and as large as what is stored (building them once afterwards costs less than
        keeping them up to date row by row); :meth:`restore_lookup_indexes` builds them again. A store left
        without them (a killed ingest) answers the same, more slowly, and gains them when next opened for
        writing. Returns whether they were dropped."""
        self._check_writable()
        if incoming < BULK_MIN_DOCS or incoming < self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]:
            return False
        for stmt in LOOKUP_INDEXES:
            self.conn.execute(f"DROP INDEX IF EXISTS {_index_name(stmt)}")
        return True

    def restore_lookup_indexes(self) -> None:
        for stmt in LOOKUP_INDEXES:
            self.conn.execute(stmt)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only: cannot write to it", str(self.path))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _index_name(stmt: str) -> str:
    return stmt.split(" IF NOT EXISTS ", 1)[1].split()[0]


@lru_cache(maxsize=256)
def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (autocommit connection)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


