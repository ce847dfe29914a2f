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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.identity import LOCATIONS_INDEX, LOCATIONS_SQL, migrate_v1
from kg.model import TOTAL_KEYS, DepartmentIndicator, Document, FundingLine, Funds, Indicator, Project, Provenance
from kg.normalize import money_str
from kg.store_readonly import DB_NAME, connect_read_only, is_writable, resolve_store_dir, store_url
from kg.store_readonly import STORE_ENV as STORE_ENV  # re-exported

# 2: documents keyed by content (kg.identity), with a locations table; 3: funding lines gain recipient, doc_no
# (文号) and purpose, and a document's department-level funding lines (Document.funding) are rows with project_n -1
SCHEMA_VERSION = 3
# Versions opened as they are when the store cannot be migrated (a read-only folder): what they lack reads empty.
READABLE_VERSIONS = (2, 3)
DEPARTMENT_N = -1  # project_n of a department-level funding line
# Seconds a writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 30.0
READ_ONLY_MESSAGE = "the store is read-only (no write permission on its folder or database): cannot write to it"

_PROV = "table_name TEXT, line_start INTEGER, line_end INTEGER"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, extractor TEXT, source TEXT, layout TEXT, encoding TEXT,
    department TEXT, department_code TEXT, year INTEGER, doc_kind TEXT,
    total TEXT, basic TEXT, project TEXT, json TEXT NOT NULL);
-- doc_hashes() (every search's staleness check) reads this index, not the rows with their JSON
CREATE INDEX IF NOT EXISTS documents_hash ON documents (doc_id, sha256);
CREATE TABLE IF NOT EXISTS projects (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, name TEXT NOT NULL, aliases TEXT, code TEXT, amount TEXT,
    amount_text TEXT, function_code TEXT, econ_gov_code TEXT, econ_dept_code TEXT, category TEXT, owner TEXT,
    goal TEXT, seen_in TEXT, {_PROV}, {{project_eval}}, PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS indicators (
    doc_id TEXT NOT NULL, project_n INTEGER NOT NULL, n INTEGER NOT NULL, l1 TEXT, l2 TEXT, l3 TEXT, op TEXT,
    value TEXT, unit TEXT, direction TEXT, text TEXT, link_method TEXT, confidence REAL, {_PROV},
    {{row_eval}}, PRIMARY KEY (doc_id, project_n, n));
CREATE TABLE IF NOT EXISTS funding_lines (
    doc_id TEXT NOT NULL, project_n INTEGER NOT NULL, n INTEGER NOT NULL, project TEXT, amount TEXT,
    amount_text TEXT, function_code TEXT, function_name TEXT, econ_gov_code TEXT, econ_gov_name TEXT,
    econ_dept_code TEXT, econ_dept_name TEXT, source TEXT, link_method TEXT, confidence REAL, {_PROV},
    recipient TEXT, doc_no TEXT, purpose TEXT, PRIMARY KEY (doc_id, project_n, n));
CREATE TABLE IF NOT EXISTS department_indicators (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, activity TEXT, project TEXT, l2 TEXT, l3 TEXT, op TEXT,
    value TEXT, unit TEXT, text TEXT, {_PROV}, {{row_eval}}, PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS classifications (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, scheme TEXT NOT NULL, code TEXT NOT NULL, name TEXT, {_PROV},
    PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS outcomes (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, key TEXT, amount TEXT, text TEXT, subject TEXT, note TEXT, {_PROV},
    PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS warnings (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, kind TEXT, severity TEXT, message TEXT, line INTEGER,
    PRIMARY KEY (doc_id, n));
"""
# Columns of a self-evaluation (绩效自评表), added to schema version 1 (a store made before them gains them when
# it is next opened for writing): table → (column, SQL type).
EVAL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "projects": (("evaluated", "INTEGER"), ("total_score", "TEXT"), ("implementing_unit", "TEXT"),
                 ("outcome", "TEXT"), ("funds_initial_budget", "TEXT"), ("funds_budget", "TEXT"),
                 ("funds_spent", "TEXT"), ("funds_weight", "TEXT"), ("funds_rate", "TEXT"), ("funds_score", "TEXT")),
    "indicators": (("actual", "TEXT"), ("weight", "TEXT"), ("score", "TEXT"), ("reason", "TEXT"), ("met", "INTEGER")),
    "department_indicators": (("actual", "TEXT"), ("weight", "TEXT"), ("score", "TEXT"), ("reason", "TEXT"),
                              ("met", "INTEGER")),
    "funding_lines": (("recipient", "TEXT"), ("doc_no", "TEXT"), ("purpose", "TEXT")),  # schema 3
}
SCHEMA += f"{LOCATIONS_SQL};\n{LOCATIONS_INDEX};\n"
ALIASES_GIVEN = "aliases != '[]'"  # a project with aliases (the column holds a JSON list)
# What trace / show look up by value (issue 16): the first name of a classification code, and exact texts. A
# store made before them gains them when it is next opened for writing; until then the lookups scan.
LOOKUP_INDEXES = (
    "CREATE INDEX IF NOT EXISTS classifications_code ON classifications (scheme, code, doc_id, n)",
    "CREATE INDEX IF NOT EXISTS documents_heads ON documents (doc_id, department, department_code, year, doc_kind, "
    "source)",
    "CREATE INDEX IF NOT EXISTS classifications_name ON classifications (name)",
    "CREATE INDEX IF NOT EXISTS projects_name ON projects (name)",
    "CREATE INDEX IF NOT EXISTS projects_code ON projects (code)",
    "CREATE INDEX IF NOT EXISTS indicators_l3 ON indicators (l3)",
    "CREATE INDEX IF NOT EXISTS indicators_text ON indicators (text)",
    "CREATE INDEX IF NOT EXISTS department_indicators_l3 ON department_indicators (l3)",
    "CREATE INDEX IF NOT EXISTS department_indicators_text ON department_indicators (text)",
    # the few projects with aliases (an exact alias is found by a scan of these alone); the classification names
    # funding lines state, by name (is a query a classification's name?) and by code (the first name of a code
    # no classification table names: class_names_of)
    f"CREATE INDEX IF NOT EXISTS projects_aliases ON projects (aliases) WHERE {ALIASES_GIVEN}",
    *(f"CREATE INDEX IF NOT EXISTS funding_lines_{s}_name ON funding_lines ({s}_name, {s}_code)" for s in
      ("function", "econ_gov", "econ_dept")),
    *(f"CREATE INDEX IF NOT EXISTS funding_lines_{s}_code ON funding_lines ({s}_code, doc_id, project_n, n, {s}_name) "
      f"WHERE {s}_name IS NOT NULL AND {s}_name != ''" for s in ("function", "econ_gov", "econ_dept")),
)
SCHEMA += "".join(f"{x};\n" for x in LOOKUP_INDEXES)
SCHEMA = SCHEMA.format(
    project_eval=", ".join(f"{c} {t}" for c, t in EVAL_COLUMNS["projects"]),
    row_eval=", ".join(f"{c} {t}" for c, t in EVAL_COLUMNS["indicators"]))
# Classification schemes: each record with codes has <scheme>_code (and funding lines <scheme>_name) columns.
CLASS_SCHEMES = ("function", "econ_gov", "econ_dept")
# Batches of at least this many documents written into a store no larger are loaded without LOOKUP_INDEXES,
# which are built once at the end (Store.defer_lookup_indexes).
BULK_MIN_DOCS = 200
# Values bound in one SQL query at most (SQLite's limit is 32766 since 3.32, 999 before).
SQL_VARS_PER_QUERY = 900
# Record tables in export order; each has a doc_id column.
RECORD_TABLES = ("documents", "projects", "indicators", "funding_lines", "department_indicators",
                 "classifications", "outcomes", "warnings")


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for k in range(0, len(values), SQL_VARS_PER_QUERY):
        yield values[k:k + SQL_VARS_PER_QUERY]


def _marks(chunk: list[Any]) -> str:
    return ", ".join("?" * len(chunk))


def open_store(store: Path | None, *, create: bool = False) -> Store:
    """The store that ``--store`` / ``$PERFKG_STORE`` / the default names; ``create=False`` for read-only commands
    (opened read-only: see :class:`Store`). A ``postgresql://`` URL opens :class:`kg.store_pg.PgStore`."""
    url = store_url(store)
    if url:
        from kg.store_pg import PgStore

        return PgStore(url, create=create)
    return Store(resolve_store_dir(store), create=create)


class Store:
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
                for table, cols in EVAL_COLUMNS.items():
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
        """Schema 2 → 3: the columns it lacks added and the version raised, by a read-only command too when the
        database is writable; on a read-only folder the store is read as it is (the new columns read empty)."""
        if self.read_only and not (os.access(self.db_path, os.W_OK) and is_writable(self.path)):
            return version
        conn = self.conn if not self.read_only else sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S,
                                                                    isolation_level=None)
        try:
            with _Transaction(conn):
                for table, cols in EVAL_COLUMNS.items():
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
        for table, cols in EVAL_COLUMNS.items():
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
            rows = sorted(r for chunk in _chunks(sorted(set(doc_ids))) for r in self.conn.execute(
                f"SELECT path, doc_id FROM locations WHERE doc_id IN ({_marks(chunk)})", chunk))
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

    # -- queries over the normalized rows (what a lookup needs without loading documents) ---------
    def document_heads(self) -> list[tuple[Any, ...]]:
        """(doc_id, department, department_code, year, doc_kind, source) of every document, in doc_id order."""
        return self.conn.execute("SELECT doc_id, department, department_code, year, doc_kind, source "
                                 "FROM documents ORDER BY doc_id").fetchall()

    def department_codes(self) -> dict[str | None, str | None]:
        """Department name → its code, from the documents giving both (the last in doc_id order wins)."""
        return {h[1]: h[2] for h in self.document_heads() if h[1] and h[2]}

    def class_names(self) -> dict[tuple[str, str], str]:
        """(scheme, code) → the first name any document states (classification tables in (doc_id, n) order,
        then funding lines); read once per open store."""
        if self._class_names is not None:
            return self._class_names
        names: dict[tuple[str, str], str] = {}
        firsts = self.conn.execute(
            "SELECT scheme, code, MIN(doc_id) FROM classifications WHERE name IS NOT NULL AND name != '' "
            "GROUP BY scheme, code").fetchall()
        for scheme, code, doc_id in firsts:
            names[(scheme, code)] = self.conn.execute(
                "SELECT name FROM classifications WHERE doc_id=? AND scheme=? AND code=? AND name IS NOT NULL "
                "AND name != '' ORDER BY n LIMIT 1", (doc_id, scheme, code)).fetchone()[0]
        cols = ", ".join(f"{s}_code, {s}_name" for s in CLASS_SCHEMES)
        named = " OR ".join(f"({s}_name IS NOT NULL AND {s}_name != '')" for s in CLASS_SCHEMES)
        for row in self.conn.execute(f"SELECT {cols} FROM funding_lines WHERE {named} "
                                     "ORDER BY doc_id, project_n < 0, project_n, n"):
            for k, scheme in enumerate(CLASS_SCHEMES):
                code, name = row[2 * k], row[2 * k + 1]
                if code and name:
                    names.setdefault((scheme, code), name)
        self._class_names = names
        return names

    def class_names_of(self, nodes: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """:meth:`class_names` of ``nodes`` (scheme, code) only: the same names, reading only those codes' rows
        (what trace / show need for the few documents they read)."""
        want = set(nodes)
        if self._class_names is not None or not self._has_index("classifications_code"):
            every = self.class_names()
            return {n: every[n] for n in want if n in every}
        names: dict[tuple[str, str], str] = {}
        for scheme, code in sorted(want):  # one index seek each
            row = self.conn.execute("SELECT name FROM classifications WHERE scheme=? AND code=? AND name IS NOT NULL "
                                    "AND name != '' ORDER BY doc_id, n LIMIT 1", (scheme, code)).fetchone()
            if row:
                names[(scheme, code)] = row[0]
        for scheme in CLASS_SCHEMES:  # then funding lines, as class_names reads them
            for chunk in _chunks(sorted(c for s, c in want if s == scheme and (s, c) not in names)):
                for code, name in self.conn.execute(
                        f"SELECT {scheme}_code, {scheme}_name FROM funding_lines WHERE {scheme}_code IN "
                        f"({_marks(chunk)}) AND {scheme}_name IS NOT NULL AND {scheme}_name != '' "
                        "ORDER BY doc_id, project_n < 0, project_n, n", chunk):
                    names.setdefault((scheme, code), name)
        return names

    def _has_index(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND name=?", (name,)).fetchone() \
            is not None

    def class_codes_named(self, texts: Iterable[str]) -> set[tuple[str, str]]:
        """(scheme, code) of the classification codes some row (classification table or funding line) names
        with one of ``texts`` — the codes whose :meth:`class_names` name can be one of them."""
        out: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted(set(texts))):
            out.update(self.conn.execute(f"SELECT DISTINCT scheme, code FROM classifications WHERE name IN "
                                         f"({_marks(chunk)})", chunk))
            for scheme in CLASS_SCHEMES:
                out.update((scheme, c) for (c,) in self.conn.execute(
                    f"SELECT DISTINCT {scheme}_code FROM funding_lines WHERE {scheme}_name IN ({_marks(chunk)}) "
                    f"AND {scheme}_code IS NOT NULL AND {scheme}_code != ''", chunk))
        return out

    def rows_of(self, table: str, columns: tuple[str, ...], doc_ids: Iterable[str]) -> list[tuple[Any, ...]]:
        """``columns`` of the rows of ``table`` belonging to ``doc_ids``, in primary-key order."""
        for c in columns:
            self._check_column(table, c)
        order = {"projects": "doc_id, n", "indicators": "doc_id, project_n, n",
                 "funding_lines": "doc_id, project_n, n"}.get(table, "doc_id, n")
        ids = sorted(set(doc_ids))
        out: list[tuple[Any, ...]] = []
        for k in range(0, len(ids), SQL_VARS_PER_QUERY):
            chunk = ids[k:k + SQL_VARS_PER_QUERY]
            out += self.conn.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE doc_id IN "
                                     f"({', '.join('?' * len(chunk))}) ORDER BY {order}", chunk).fetchall()
        return sorted(out, key=lambda r: r[0]) if len(ids) > SQL_VARS_PER_QUERY else out

    def used_class_codes(self) -> set[tuple[str, str]]:
        """(scheme, code) of every classification code a project or funding line names."""
        out: set[tuple[str, str]] = set()
        for table in ("projects", "funding_lines"):
            for scheme in CLASS_SCHEMES:
                for (code,) in self.conn.execute(f"SELECT DISTINCT {scheme}_code FROM {table} "
                                                 f"WHERE {scheme}_code IS NOT NULL AND {scheme}_code != ''"):
                    out.add((scheme, code))
        return out

    def docs_with_class_prefix(self, scheme: str, prefix: str) -> list[tuple[str, str]]:
        """(doc_id, code) of projects and funding lines whose ``scheme`` code starts with ``prefix``."""
        if scheme not in CLASS_SCHEMES:
            raise StoreError(f"unknown classification scheme {scheme!r}", str(self.path))
        out: list[tuple[str, str]] = []
        for table in ("projects", "funding_lines"):
            out += self.conn.execute(f"SELECT DISTINCT doc_id, {scheme}_code FROM {table} "
                                     f"WHERE substr({scheme}_code, 1, ?) = ?", (len(prefix), prefix)).fetchall()
        return out

    def docs_with_code_suffix(self, suffix: str) -> set[str]:
        """doc_ids of the documents with a project whose code ends with ``suffix``."""
        return {d for (d,) in self.conn.execute(
            "SELECT DISTINCT doc_id FROM projects WHERE code IS NOT NULL AND substr(code, -?) = ?",
            (len(suffix), suffix))}

    def distinct_values(self, table: str, column: str) -> list[str]:
        """The distinct non-empty values of one text column of a record table."""
        self._check_column(table, column)
        return [v for (v,) in self.conn.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL AND {column} != ''")]

    def distinct_values_containing(self, table: str, column: str, needle: str) -> list[str]:
        """The distinct values of one text column of a record table that contain ``needle``."""
        self._check_column(table, column)
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [v for (v,) in self.conn.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} LIKE ? ESCAPE '\\'", (pattern,))
            if needle in v]

    def docs_where_in(self, table: str, column: str, values: Iterable[Any]) -> set[str]:
        """doc_ids of the rows of ``table`` whose ``column`` is one of ``values``."""
        self._check_column(table, column)
        values = list(dict.fromkeys(values))
        out: set[str] = set()
        for k in range(0, len(values), SQL_VARS_PER_QUERY):
            chunk = values[k:k + SQL_VARS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            out.update(d for (d,) in self.conn.execute(
                f"SELECT DISTINCT doc_id FROM {table} WHERE {column} IN ({marks})", chunk))
        return out

    def _check_column(self, table: str, column: str) -> None:
        cols = self._columns(table) if table in RECORD_TABLES else set()
        if column not in cols:
            raise StoreError(f"no column {table}.{column}", str(self.path))

    def counts(self) -> dict[str, int]:
        """Rows per record table."""
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in RECORD_TABLES}

    def table_rows(self, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of one record table (for CSV / JSON Lines export)."""
        if table not in RECORD_TABLES:
            raise StoreError(f"unknown record table {table!r}", str(self.path))
        cur = self.conn.execute(f"SELECT * FROM {table} ORDER BY doc_id")
        return [c[0] for c in cur.description], cur.fetchall()

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
            for cols, values in _grouped(table_rows):  # one executemany per table (rows of a table share columns)
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


def _grouped(rows: list[dict[str, Any]]) -> Iterator[tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """(columns, value tuples) of consecutive rows with the same columns, in order."""
    cols: tuple[str, ...] | None = None
    values: list[tuple[Any, ...]] = []
    for row in rows:
        keys = tuple(row)
        if keys != cols:
            if values:
                yield cols, values  # type: ignore[misc]
            cols, values = keys, []
        values.append(tuple(row.values()))
    if values:
        yield cols, values  # type: ignore[misc]


@dataclass
class PreparedRows:
    """A document's :func:`document_rows` grouped for ``executemany`` (made in an ingest worker: tuples pickle
    smaller than dicts): (table, columns, value tuples) in table order, and how many rows in all."""

    groups: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]
    count: int


def prepare_rows(doc_id: str, doc: Document, digest: str, extractor: str | None) -> PreparedRows:
    rows = document_rows(doc_id, doc, digest)
    rows["documents"][0]["extractor"] = extractor
    return PreparedRows([(t, cols, values) for t, table_rows in rows.items() for cols, values in _grouped(table_rows)],
                        sum(len(r) for r in rows.values()))


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (autocommit connection)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _prov(p: Provenance | None) -> dict[str, Any]:
    if p is None:
        return {"table_name": None, "line_start": None, "line_end": None}
    return {"table_name": p.table, "line_start": p.line_start, "line_end": p.line_end}


def _project_eval(p: Project) -> dict[str, Any]:
    f = p.funds
    return {"evaluated": int(p.evaluated), "total_score": p.total_score, "implementing_unit": p.implementing_unit,
            "outcome": p.outcome,
            **{f"funds_{k}": money_str(getattr(f, k)) if f else None for k in Funds.MONEY},
            **{f"funds_{k}": getattr(f, k) if f else None for k in Funds.PRINTED}}


def _row_eval(x: Indicator | DepartmentIndicator) -> dict[str, Any]:
    from kg.selfeval import met

    m = met(x)
    return {k: getattr(x, k) for k in ("actual", "weight", "score", "reason")} | {
        "met": None if m is None else int(m)}


def _funding_rows(doc_id: str, pn: int, lines: list[FundingLine]) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(lines):
        d = f.to_dict()
        d.pop("provenance")
        out.append({"doc_id": doc_id, "project_n": pn, "n": i, **d, **_prov(f.provenance)})
    return out


def document_rows(doc_id: str, doc: Document, digest: str) -> dict[str, list[dict[str, Any]]]:
    """The normalized rows of one document, table → rows (column → value)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in RECORD_TABLES}
    rows["documents"].append({
        "doc_id": doc_id, "sha256": digest, "source": doc.source, "layout": doc.layout, "encoding": doc.encoding,
        "department": doc.department, "department_code": doc.department_code, "year": doc.year,
        "doc_kind": doc.doc_kind, **{k: money_str(doc.total(k)) for k in TOTAL_KEYS},  # to_gold_dict's totals
        "json": json.dumps(doc.to_dict(), ensure_ascii=False, default=str)})
    for pn, p in enumerate(doc.projects):
        rows["projects"].append({
            "doc_id": doc_id, "n": pn, "name": p.name, "aliases": json.dumps(p.aliases, ensure_ascii=False),
            "code": p.code, "amount": money_str(p.amount), "amount_text": p.amount_text,
            "function_code": p.function_code, "econ_gov_code": p.econ_gov_code, "econ_dept_code": p.econ_dept_code,
            "category": p.category, "owner": p.owner, "goal": p.goal,
            "seen_in": json.dumps([s.to_dict() for s in p.seen_in], ensure_ascii=False), **_prov(p.provenance),
            **_project_eval(p)})
        for i, ind in enumerate(p.indicators):
            rows["indicators"].append({
                "doc_id": doc_id, "project_n": pn, "n": i, **ind.to_gold_dict(), "text": ind.text,
                "link_method": ind.link_method, "confidence": ind.confidence, **_prov(ind.provenance),
                **_row_eval(ind)})
        rows["funding_lines"] += _funding_rows(doc_id, pn, p.funding_lines)
    rows["funding_lines"] += _funding_rows(doc_id, DEPARTMENT_N, doc.funding)
    for i, x in enumerate(doc.department_indicators):
        rows["department_indicators"].append({"doc_id": doc_id, "n": i, **x.to_gold_dict(), "text": x.text,
                                              **_prov(x.provenance), **_row_eval(x)})
    for i, c in enumerate(doc.classifications):
        rows["classifications"].append({"doc_id": doc_id, "n": i, "scheme": c.scheme, "code": c.code,
                                        "name": c.name, **_prov(c.provenance)})
    for i, o in enumerate(doc.outcomes):
        rows["outcomes"].append({"doc_id": doc_id, "n": i, "key": o.key, "amount": money_str(o.amount),
                                 "text": o.text, "subject": o.subject, "note": o.note, **_prov(o.provenance)})
    for i, w in enumerate(doc.warnings):
        rows["warnings"].append({"doc_id": doc_id, "n": i, "kind": w.kind, "severity": w.severity,
                                 "message": w.message, "line": w.line})
    return rows
