"""The ``sqlite`` search engine: the same entries, fields and analyzer terms as the whoosh index, in one SQLite file.

:mod:`index.query` ranks from four things only — how many entries there are, a term's document frequency in a
field, the entries holding it, and an entry's stored fields — so a table of entries and a table of postings
give it the same candidates and the same scores as whoosh, at a fraction of the cost: one ``executemany`` per
batch instead of whoosh's per-posting Python (about 30 CPU-s per 1,000 documents), and no whoosh import for a
search (about 75 ms of every ``perfkg search``).

Layout of ``<index>/engine.sqlite``::

    entries(docnum, eid, doc_id, kind, department, year, op, unit, met, amount, stored)  stored: marshal
    postings(field, term, batch, df, docs)   docs: the batch's entry numbers, array('i') bytes
    deleted(docnum)                          entries removed since the last compaction

Terms are each field's distinct :func:`index.analysis.index_terms` (the ranking reads presence, not
frequency). Like whoosh before a merge, a deleted entry still counts in the entry total and the document
frequencies until :data:`COMPACT_SHARE` of the entries are deleted; then postings are rewritten without them.
"""

from __future__ import annotations

import marshal
import sqlite3
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from index.analysis import index_terms

ENGINE_FILE = "engine.sqlite"
# searchable fields → whether Han runs also give unigrams (the whoosh schema's primary / secondary analyzers)
TEXT_FIELDS: dict[str, bool] = {"title": True, "aliases": True, "codes": True, "project": False, "levels": False,
                                "context": False}
UNSTORED = ("levels", "context")  # searched, never shown (whoosh: stored=False)
FILTER_COLUMNS = ("kind", "department", "year", "op", "unit", "met", "amount")
COMPACT_SHARE = 0.2
CHUNK_DOCS = 500  # documents whose postings are gathered in memory before they are written
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries(docnum INTEGER PRIMARY KEY, eid TEXT NOT NULL, doc_id TEXT NOT NULL, kind TEXT,
    department TEXT, year INTEGER, op TEXT, unit TEXT, met TEXT, amount REAL, stored BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS entries_eid ON entries(eid);
CREATE INDEX IF NOT EXISTS entries_doc ON entries(doc_id);
CREATE TABLE IF NOT EXISTS postings(field TEXT NOT NULL, term TEXT NOT NULL, batch INTEGER NOT NULL,
    df INTEGER NOT NULL, docs BLOB NOT NULL, PRIMARY KEY(field, term, batch)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deleted(docnum INTEGER PRIMARY KEY);
"""


@lru_cache(maxsize=1 << 16)  # names, levels and units repeat within a document and across a batch
def field_terms(text: str, method: str, unigrams: bool) -> tuple[str, ...]:
    """A field value's distinct index terms (presence is all the ranking reads)."""
    return tuple(set(index_terms(text, method, unigrams)))


# One document as the engine writes it: its entries' rows without the entry number (eid, doc_id, the
# FILTER_COLUMNS, marshal of the stored fields) and each entry's TEXT_FIELDS values (None where empty), tokenized
# when written (field_terms caches the values that repeat). Made by :func:`document_rows`, also in ingest workers.
DocRows = tuple[list[tuple[Any, ...]], list[tuple[str | None, ...]]]


def document_rows(entries: list[dict[str, Any]]) -> DocRows:
    """:data:`DocRows` of one document's entries."""
    rows = [(e["eid"], e["doc_id"], *[e.get(k) for k in FILTER_COLUMNS],
             marshal.dumps({k: v for k, v in e.items() if k not in UNSTORED})) for e in entries]
    return rows, [tuple(e.get(f) or None for f in TEXT_FIELDS) for e in entries]


def _ids(blob: bytes) -> array:
    a = array("i")
    a.frombytes(blob)
    return a


class SqliteEngine:
    """One SQLite database of entries and postings; ``path`` None keeps it in memory (tests, read-only stores)."""

    def __init__(self, conn: sqlite3.Connection, method: str):
        self.conn = conn
        self.method = method
        self._deleted: set[int] | None = None
        self._count: int | None = None

    @classmethod
    def create(cls, path: Path | None, method: str) -> SqliteEngine:
        if path is not None:
            (path / ENGINE_FILE).unlink(missing_ok=True)
        conn = sqlite3.connect(":memory:" if path is None else str(path / ENGINE_FILE))
        conn.executescript(_SCHEMA)
        return cls(conn, method)

    @classmethod
    def open(cls, path: Path, method: str, readonly: bool = False) -> SqliteEngine:
        f = path / ENGINE_FILE
        if not f.is_file():
            raise FileNotFoundError(str(f))
        conn = sqlite3.connect(f"file:{f}?mode=ro" if readonly else str(f), uri=readonly)
        conn.execute("SELECT 1 FROM entries LIMIT 1")
        return cls(conn, method)

    @staticmethod
    def exists(path: Path) -> bool:
        return (path / ENGINE_FILE).is_file()

    def close(self) -> None:
        self.conn.close()

    # ---- writing ---------------------------------------------------------------------------------
    def write(self, delete: Iterable[str], add: Iterable[tuple[str, list[dict[str, Any]] | DocRows]]) -> int:
        """Delete the entries of the ``delete`` doc ids, then add each (doc_id, its entries or their
        :func:`document_rows`) — a doc id already in the index is replaced — in one transaction, postings
        flushed every :data:`CHUNK_DOCS` documents so memory stays flat however large the batch. Returns the
        number of entries added."""
        c = self.conn
        n = 0
        with c:
            for doc_id in delete:
                self._delete(doc_id)
            row = c.execute("SELECT max(docnum) FROM entries").fetchone()
            top = c.execute("SELECT max(docnum) FROM deleted").fetchone()
            nxt = max(row[0] if row[0] is not None else -1, top[0] if top[0] is not None else -1) + 1
            batch = c.execute("SELECT max(batch) FROM postings").fetchone()[0] or 0
            it = iter(add)
            while chunk := list(islice(it, CHUNK_DOCS)):
                batch += 1
                for doc_id, _ in chunk:
                    self._delete(doc_id)
                nxt, added = self._add_chunk([x if isinstance(x, tuple) else document_rows(x) for _, x in chunk],
                                             nxt, batch)
                n += added
            self._compact_if_needed()
        self._deleted = self._count = None
        return n

    def _delete(self, doc_id: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO deleted SELECT docnum FROM entries WHERE doc_id = ?", (doc_id,))
        self.conn.execute("DELETE FROM entries WHERE doc_id = ?", (doc_id,))

    def _add_chunk(self, docs: list[DocRows], nxt: int, batch: int) -> tuple[int, int]:
        by_field: dict[str, defaultdict[str, list[int]]] = {f: defaultdict(list) for f in TEXT_FIELDS}
        posts = list(by_field.values())
        rows = []
        # per field, each value → the entries holding it (values repeat: a project's name on each of its
        # indicators, the same 一级/二级 levels everywhere); then each value's terms get those entries at once
        holders: list[dict[str, list[int]]] = [{} for _ in TEXT_FIELDS]
        for doc_rows, texts in docs:
            for r, values in zip(doc_rows, texts, strict=True):
                for held, v in zip(holders, values, strict=True):
                    if v:
                        held.setdefault(v, []).append(nxt)
                rows.append((nxt, *r))
                nxt += 1
        method = self.method
        for uni, post, held in zip(TEXT_FIELDS.values(), posts, holders, strict=True):
            for v, nums in held.items():
                for t in field_terms(v, method, uni):
                    post[t].extend(nums)
            for ids in post.values():
                ids.sort()  # a term of several values got their entries value by value
        c = self.conn
        c.executemany("INSERT INTO entries(docnum, eid, doc_id, kind, department, year, op, unit, met, amount, "
                      "stored) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        c.executemany("INSERT INTO postings VALUES (?, ?, ?, ?, ?)",
                      ((f, t, batch, len(ids), array("i", ids).tobytes()) for f, post in by_field.items()
                       for t, ids in post.items()))
        return nxt, len(rows)

    def _compact_if_needed(self) -> None:
        c = self.conn
        dead = c.execute("SELECT count(*) FROM deleted").fetchone()[0]
        if not dead or dead <= COMPACT_SHARE * self.entry_count():
            return
        gone = {d for (d,) in c.execute("SELECT docnum FROM deleted")}
        merged: dict[tuple[str, str], array] = defaultdict(lambda: array("i"))
        for f, t, blob in c.execute("SELECT field, term, docs FROM postings ORDER BY field, term, batch"):
            merged[(f, t)].extend(d for d in _ids(blob) if d not in gone)
        c.execute("DELETE FROM postings")
        c.executemany("INSERT INTO postings VALUES (?, ?, 0, ?, ?)",
                      ((f, t, len(ids), ids.tobytes()) for (f, t), ids in merged.items() if ids))
        c.execute("DELETE FROM deleted")

    # ---- reading ---------------------------------------------------------------------------------
    def entry_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM entries").fetchone()[0]

    def doc_count_all(self) -> int:
        """Entries including those deleted since the last compaction (as whoosh counts before a merge)."""
        if self._count is None:
            self._count = self.entry_count() + len(self.deleted())
        return self._count

    def deleted(self) -> set[int]:
        if self._deleted is None:
            self._deleted = {d for (d,) in self.conn.execute("SELECT docnum FROM deleted")}
        return self._deleted

    def doc_frequency(self, field: str, term: str) -> int:
        row = self.conn.execute("SELECT sum(df) FROM postings WHERE field = ? AND term = ?", (field, term)).fetchone()
        return row[0] or 0

    def posting_blocks(self, field: str, term: str) -> Iterator[tuple[int, Sequence[int]]]:
        """(0, entry numbers) per stored batch of the term's postings, deleted entries left out."""
        gone = self.deleted()
        for (blob,) in self.conn.execute("SELECT docs FROM postings WHERE field = ? AND term = ? ORDER BY batch",
                                         (field, term)):
            ids = _ids(blob)
            yield 0, [d for d in ids if d not in gone] if gone else ids

    def postings(self, field: str, term: str) -> set[int]:
        return {d for _, ids in self.posting_blocks(field, term) for d in ids}

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        row = self.conn.execute("SELECT stored FROM entries WHERE docnum = ?", (docnum,)).fetchone()
        return marshal.loads(row[0]) if row else {}

    def document_number(self, eid: str) -> int | None:
        row = self.conn.execute("SELECT docnum FROM entries WHERE eid = ?", (eid,)).fetchone()
        return row[0] if row else None

    def stored_many(self, docnums: Sequence[int]) -> list[dict[str, Any]]:
        """:meth:`stored_fields` of each of ``docnums`` (in their order), read in a few queries."""
        got: dict[int, bytes] = {}
        ids = list(dict.fromkeys(docnums))
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            got.update(self.conn.execute(f"SELECT docnum, stored FROM entries WHERE docnum IN "
                                         f"({','.join('?' * len(chunk))})", chunk))
        return [marshal.loads(got[d]) if d in got else {} for d in docnums]

    def document_numbers(self, eids: Sequence[str]) -> list[int | None]:
        """:meth:`document_number` of each of ``eids`` (the first entry of an eid, as there), in a few queries."""
        got: dict[str, int] = {}
        ids = list(dict.fromkeys(eids))
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for eid, docnum in self.conn.execute(f"SELECT eid, min(docnum) FROM entries WHERE eid IN "
                                                 f"({','.join('?' * len(chunk))}) GROUP BY eid", chunk):
                got[eid] = docnum
        return [got.get(e) for e in eids]

    def department_names(self) -> list[str]:
        return [n for (n,) in self.conn.execute(
            "SELECT DISTINCT department FROM entries WHERE department IS NOT NULL ORDER BY department")]

    def years(self) -> set[int]:
        return {y for (y,) in self.conn.execute("SELECT DISTINCT year FROM entries WHERE year IS NOT NULL")}

    def select(self, where: list[str], args: list[Any]) -> set[int]:
        """Entry numbers matching every SQL condition of ``where``."""
        sql = "SELECT docnum FROM entries" + (" WHERE " + " AND ".join(where) if where else "")
        return {d for (d,) in self.conn.execute(sql, args)}

    def stored_of(self, docnums: Iterable[int]) -> list[dict[str, Any]]:
        ids = list(docnums)
        out: list[dict[str, Any]] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.extend(marshal.loads(s) for (s,) in self.conn.execute(
                f"SELECT stored FROM entries WHERE docnum IN ({','.join('?' * len(chunk))})", chunk))
        return out
