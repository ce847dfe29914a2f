"""The PostgreSQL store: the same records, schema and behaviour as :class:`kg.store.Store`, in a server database.

``--store postgresql://user@host:port/db`` (or ``$PERFKG_STORE``) selects it; anything else is a store folder.
The tables, columns and keys are those of the SQLite store (text columns collate ``"C"``, so every ``ORDER BY``
gives SQLite's byte order); every document is one transaction (``BEGIN`` … ``COMMIT``); readers in other
processes see each committed document whole (MVCC), and a killed writer's open transaction is rolled back by the
server. :class:`PgStore` subclasses the SQLite store and speaks to psycopg through :class:`_Conn`, which takes
the SQLite store's SQL (``?`` parameters, ``INSERT OR REPLACE``) and hands psycopg its PostgreSQL form, so the
queries are written once. What is kept beside the database (the search cache, audit decisions) lives in a local
side folder (:func:`side_dir`).

Every table is keyed by ``doc_id`` first: Citus can distribute them by ``doc_id`` (see the README).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

from index.analysis import DEFAULT_ANALYZER
from kg.errors import StoreError
from kg.model import Document
from kg.store import (
    ADDED_COLUMNS,
    LOOKUP_INDEXES,
    READ_ONLY_MESSAGE,
    READABLE_VERSIONS,
    SCHEMA,
    SCHEMA_VERSION,
    Store,
    document_rows,
)
from kg.store_readonly import as_url, public_url, side_dir

__all__ = ["PgStore", "as_url", "public_url", "side_dir"]

URL_SCHEMES = ("postgresql", "postgres")
URL_FILE = "store.url"  # in the side folder: which database it belongs to (index.build reopens the store by it)
LOAD_BATCH = 200  # documents fetched per query when iterating over the store
SCHEMA_LOCK = 7_201_117  # advisory lock id held while a process creates or migrates the schema


def pg_schema() -> list[str]:
    """The SQLite store's schema statements in PostgreSQL's dialect."""
    # not kg.store's LOOKUP_INDEXES: SQLite's plans for trace / show (a PostgreSQL btree also refuses rows over
    # ~2.7 kB, which a long target text could reach)
    sql = "".join(s + ";" for s in SCHEMA.split(";") if s.strip() not in LOOKUP_INDEXES)
    sql = sql.replace(" TEXT", ' TEXT COLLATE "C"').replace(" REAL", " DOUBLE PRECISION")
    return [s.strip() for s in sql.split(";") if s.strip()]


_UPSERTS = {
    "INSERT OR REPLACE INTO locations VALUES (?, ?, ?)":
        "INSERT INTO locations VALUES (%s, %s, %s) ON CONFLICT (path) DO UPDATE SET doc_id = EXCLUDED.doc_id, "
        "name = EXCLUDED.name",
    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)":
        "INSERT INTO meta VALUES ('schema_version', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    "BEGIN IMMEDIATE": "BEGIN",
}


def translate(sql: str) -> str:
    """SQLite's SQL of :mod:`kg.store` → PostgreSQL's (parameters ``?`` → ``%s``; upserts)."""
    return _UPSERTS.get(sql) or sql.replace("%", "%%").replace("?", "%s")


class _Conn:
    """The part of :class:`sqlite3.Connection` the store uses, over a psycopg connection in autocommit mode."""

    def __init__(self, raw: Any):
        self.raw = raw

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        params = tuple(params)
        return self.raw.execute(translate(sql) if params or "?" in sql or sql in _UPSERTS else sql,
                                params or None)

    def cursor(self) -> _Conn:
        return self

    def close(self) -> None:
        self.raw.close()


class PgStore(Store):
    """A perfkg store in a PostgreSQL database. ``create=False`` refuses a database without the perfkg tables
    and reads in read-only transactions; ``create=True`` creates the tables (under an advisory lock, so two
    first ingests do not race)."""

    def __init__(self, url: str, *, create: bool = True):
        try:
            import psycopg
        except ImportError:
            raise StoreError("a PostgreSQL store needs psycopg: pip install 'perfkg[scale]'", public_url(url)) from None
        self.url = url
        self.db_errors = (psycopg.Error,)
        self.path = side_dir(url)
        self.db_path = self.path / URL_FILE
        self.read_only = not create
        self._class_names = None
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise StoreError(f"cannot connect to the PostgreSQL store ({str(e).strip().splitlines()[0]})",
                             public_url(url)) from None
        self.conn = _Conn(raw)
        try:
            if self.read_only:
                raw.execute("SET default_transaction_read_only = on")
            self._init_schema()
        except psycopg.Error as e:
            raw.close()
            raise StoreError(f"cannot open the store ({str(e).strip().splitlines()[0]})", public_url(url)) from None
        except StoreError:
            raw.close()
            raise
        self._remember_url()

    @property
    def location(self) -> str:
        return public_url(self.url)

    def _remember_url(self) -> None:
        """Write the URL into the side folder, so the search index kept there can reopen this store."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if not self.db_path.is_file() or self.db_path.read_text(encoding="utf-8") != self.url:
                tmp = self.db_path.with_suffix(".tmp")
                tmp.write_text(self.url, encoding="utf-8")
                tmp.chmod(0o600)
                os.replace(tmp, self.db_path)
        except OSError:
            pass  # a read-only home: search builds its index in memory

    # -- schema ------------------------------------------------------------------------------------
    def _has_meta(self) -> bool:
        return self.conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]

    def _init_schema(self) -> None:
        if not self._has_meta():
            if self.read_only:
                raise StoreError("no perfkg store in this database (run `perfkg ingest --store URL` first)",
                                 self.location)
            with self._tx():
                self.conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
                if not self._has_meta():
                    for stmt in pg_schema():
                        self.conn.execute(stmt)
                    self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                                      (str(SCHEMA_VERSION),))
        version = int(self.schema_version)
        if version not in READABLE_VERSIONS:
            raise StoreError(f"store has schema version {version}, this perfkg reads {SCHEMA_VERSION}; "
                             "ingest into a new database", self.location)
        self._init_search()
        if not self.read_only and any(c not in self._columns(t) for t, cs in ADDED_COLUMNS.items() for c, _ in cs):
            with self._tx():
                self.conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
                self._add_eval_columns()
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _init_search(self) -> None:
        """The search tables (:mod:`index.pgsearch`): created, or rebuilt from the stored documents when made by
        another search format or analyzer; a read-only open of a store without them searches nothing."""
        from index.pgsearch import SEARCH_FORMAT, SEARCH_SCHEMA

        self.search_analyzer = self._meta("search_analyzer") or DEFAULT_ANALYZER
        if self._meta("search_format") == str(SEARCH_FORMAT) or self.read_only:
            return
        analyzer = os.environ.get("PERFKG_ANALYZER") or DEFAULT_ANALYZER
        with self._tx():
            self.conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
            if self._meta("search_format") == str(SEARCH_FORMAT):
                return
            self.conn.execute("DROP TABLE IF EXISTS search_entries, search_names")
            for stmt in SEARCH_SCHEMA:
                self.conn.execute(stmt)
            self.search_analyzer = analyzer
            for doc_id, doc in self.iter_documents():
                self._write_search(doc_id, doc)
            for key, value in (("search_format", str(SEARCH_FORMAT)), ("search_analyzer", analyzer)):
                self.conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                                  "EXCLUDED.value", (key, value))

    def _write_search(self, doc_id: str, doc: Document) -> None:
        from index.pgsearch import write_entries

        write_entries(self.conn.raw, doc_id, doc, self.search_analyzer)

    def _delete(self, doc_id: str) -> None:
        from index.pgsearch import delete_entries

        super()._delete(doc_id)
        delete_entries(self.conn.raw, doc_id)

    def _insert(self, doc_id: str, doc: Document, digest: str, extractor: str | None,  # type: ignore[override]
                rows: Any = None) -> int:
        rows = document_rows(doc_id, doc, digest)
        rows["documents"][0]["extractor"] = extractor
        with self.conn.raw.cursor() as cur:
            for table, table_rows in rows.items():
                if table_rows:
                    cols = list(table_rows[0])
                    cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                                    f"({', '.join(['%s'] * len(cols))})", [tuple(r[c] for c in cols)
                                                                           for r in table_rows])
        self._write_search(doc_id, doc)
        return sum(len(r) for r in rows.values())

    def search(self, query: str, **opts: Any) -> Any:
        """:func:`index.pgsearch.search_pg` over this store (the same arguments and result as
        :func:`index.query.search`)."""
        from index.pgsearch import SEARCH_FORMAT, search_pg

        if self._meta("search_format") != str(SEARCH_FORMAT):
            raise StoreError("the store's search tables are missing or of an older format: run `perfkg ingest "
                             "--store URL` once (with write access) to rebuild them", self.location)
        return search_pg(self.conn.raw, query, method=self.search_analyzer, **opts)

    def _columns(self, table: str) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?", (table,))}

    def _add_eval_columns(self) -> None:
        for table, cols in ADDED_COLUMNS.items():
            for col, typ in cols:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {col} {typ}")

    # -- what SQLite says differently -----------------------------------------------------------------
    def iter_documents(self, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[str, Document]]:
        ids = [d for (d,) in self.conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
        if doc_ids is not None:
            wanted = set(doc_ids)
            ids = [d for d in ids if d in wanted]
        for k in range(0, len(ids), LOAD_BATCH):
            chunk = ids[k:k + LOAD_BATCH]
            rows = dict(self.conn.execute("SELECT doc_id, json FROM documents WHERE doc_id = ANY(?)", (chunk,)))
            for doc_id in chunk:
                if doc_id in rows:
                    yield doc_id, Document.from_dict(json.loads(rows[doc_id]))

    def _has_index(self, name: str) -> bool:
        return False  # kg.store's per-code lookups are planned for SQLite's indexes; PostgreSQL reads them all

    def docs_with_code_suffix(self, suffix: str) -> set[str]:
        return {d for (d,) in self.conn.execute(
            "SELECT DISTINCT doc_id FROM projects WHERE code IS NOT NULL AND right(code, ?) = ?",
            (len(suffix), suffix))}

    takes_rows = False  # its search rows are made from the Document

    def defer_lookup_indexes(self, incoming: int) -> bool:
        return False  # kg.store's LOOKUP_INDEXES are SQLite's; this schema leaves them out (see above)

    def restore_lookup_indexes(self) -> None:
        pass

    def put_document(self, doc_id: str, doc: Document, sha256: str | None = None,  # type: ignore[override]
                     extractor: str | None = None) -> int:
        if self.read_only:
            raise StoreError(READ_ONLY_MESSAGE, self.location)
        return super().put_document(doc_id, doc, sha256, extractor)
