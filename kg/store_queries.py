"""What a lookup needs from the normalized rows without loading documents: heads, department codes,
classification names, rows by value (a mixin of :class:`kg.store.Store`; PostgreSQL inherits it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.store_schema import CLASS_SCHEMES, RECORD_TABLES

# Values bound in one SQL query at most (SQLite's limit is 32766 since 3.32, 999 before).
SQL_VARS_PER_QUERY = 900


def chunks(values: list[Any]) -> Iterator[list[Any]]:
    for k in range(0, len(values), SQL_VARS_PER_QUERY):
        yield values[k:k + SQL_VARS_PER_QUERY]


def marks(chunk: list[Any]) -> str:
    return ", ".join("?" * len(chunk))


class RowQueries:
    """SQL over the record tables; the class using it provides ``conn``, ``path`` and ``_columns``."""

    conn: sqlite3.Connection
    path: Path
    _class_names: dict[tuple[str, str], str] | None

    def _columns(self, table: str) -> set[str]:
        raise NotImplementedError

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
            for chunk in chunks(sorted(c for s, c in want if s == scheme and (s, c) not in names)):
                for code, name in self.conn.execute(
                        f"SELECT {scheme}_code, {scheme}_name FROM funding_lines WHERE {scheme}_code IN "
                        f"({marks(chunk)}) AND {scheme}_name IS NOT NULL AND {scheme}_name != '' "
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
        for chunk in chunks(sorted(set(texts))):
            out.update(self.conn.execute(f"SELECT DISTINCT scheme, code FROM classifications WHERE name IN "
                                         f"({marks(chunk)})", chunk))
            for scheme in CLASS_SCHEMES:
                out.update((scheme, c) for (c,) in self.conn.execute(
                    f"SELECT DISTINCT {scheme}_code FROM funding_lines WHERE {scheme}_name IN ({marks(chunk)}) "
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

