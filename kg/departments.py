"""The store's departments as the graph groups documents into them, read for the documents a lookup touches.

:mod:`kg.graph` puts a document in the department ``dept:<code or name or ?>``: its own department code, else
the code of the last document (in doc_id order) with the same department name that has one
(:meth:`kg.store.Store.department_codes`), else its name. A department's name and code are those of its first
document. Reading that for every document of a 5,000-document store costs ~15 ms of every ``trace`` / ``show``
(issue 16); :class:`Departments` answers the same per document and per department with a few SQL lookups, and
builds the whole table (:meth:`Departments.table`) only for a step that needs every department (the fuzzy one).
``tests/test_departments16.py`` checks it against the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from kg.store_queries import chunks, marks

HEAD_COLUMNS = "doc_id, department, department_code, year, doc_kind, source"
_CODED = "department_code IS NOT NULL AND department_code != ''"
_UNCODED = "(department_code IS NULL OR department_code = '')"


def dept_key(name: str | None, code: str | None) -> str:
    """What ``kg.graph.dept_id`` names a department by."""
    return code or name or "?"


class Departments:
    """Documents' heads and departments of one open store (``conn``: its SQLite or translating connection)."""

    def __init__(self, conn: Any):
        self.conn = conn
        self.heads: dict[str, tuple[Any, ...]] = {}  # doc_id → (doc_id, department, code, year, doc_kind, source)
        self._codes: dict[str, str | None] = {}  # department name → its borrowed code (None: no document has one)
        self._members: dict[str, tuple[str | None, str | None, list[str]]] = {}

    def _rows(self, sql: str, values: list[Any], *args: Any) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for chunk in chunks(values):
            out += self.conn.execute(sql.format(marks=marks(chunk)), (*chunk, *args)).fetchall()
        return out

    def load(self, doc_ids: Iterable[str]) -> None:
        """Read the heads of ``doc_ids`` (those not read yet)."""
        want = sorted({d for d in doc_ids if d not in self.heads})
        for h in self._rows(f"SELECT {HEAD_COLUMNS} FROM documents WHERE doc_id IN ({{marks}})", want):
            self.heads[h[0]] = tuple(h)

    def codes(self, names: Iterable[str | None]) -> dict[str, str]:
        """Department name → the code its last coded document (doc_id order) gives, for the ``names`` that have
        one — :meth:`kg.store.Store.department_codes` restricted to them."""
        given = {n for n in names if n}
        want = sorted(n for n in given if n not in self._codes)
        found: dict[str, str] = {}
        for name, code in self._rows(f"SELECT department, department_code FROM documents WHERE department IN "
                                     f"({{marks}}) AND {_CODED} ORDER BY doc_id", want):
            found[name] = code
        self._codes.update({n: found.get(n) for n in want})
        return {n: c for n in given if (c := self._codes.get(n))}

    def of(self, doc_id: str) -> str:
        """The department id of a document (its head read if needed)."""
        self.load([doc_id])
        _, name, code, *_ = self.heads[doc_id]
        return f"dept:{dept_key(name, code or self.codes([name]).get(name))}"

    def ids_of(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc_id → department id, for many documents at once."""
        ids = list(doc_ids)
        self.load(ids)
        names = self.codes(self.heads[d][1] for d in ids)
        return {d: f"dept:{dept_key(self.heads[d][1], self.heads[d][2] or names.get(self.heads[d][1]))}"
                for d in ids}

    def members(self, did: str) -> tuple[str | None, str | None, list[str]]:
        """(name, code, doc_ids in order) of a department: its first document's name and code, and every
        document whose code (own or borrowed), else name, else ``?``, is the department's key."""
        if did in self._members:
            return self._members[did]
        key = did.removeprefix("dept:")
        docs = {d for (d,) in self.conn.execute("SELECT doc_id FROM documents WHERE department_code = ?", (key,))}
        borrowers = [n for (n,) in self.conn.execute(
            "SELECT DISTINCT department FROM documents WHERE department_code = ? AND department IS NOT NULL AND "
            "department != ''", (key,))]
        lenders = [n for n, c in self.codes(borrowers).items() if c == key]
        docs.update(d for (d,) in self._rows(f"SELECT doc_id FROM documents WHERE department IN ({{marks}}) AND "
                                             f"{_UNCODED}", lenders))
        named = [key] if not self.codes([key]) else []  # uncoded documents of a name no document gives a code
        if key == "?":
            named += [""]
            docs.update(d for (d,) in self.conn.execute(
                f"SELECT doc_id FROM documents WHERE department IS NULL AND {_UNCODED}"))
        docs.update(d for (d,) in self._rows(f"SELECT doc_id FROM documents WHERE department IN ({{marks}}) AND "
                                             f"{_UNCODED}", named))
        order = sorted(docs)
        self.load(order[:1])
        first = self.heads[order[0]] if order else (None, None, None)
        out = (first[1], first[2] or self.codes([first[1]]).get(first[1]), order)
        self._members[did] = out
        return out

    def with_codes(self, docs_sql: str, args: tuple[Any, ...]) -> set[str]:
        """Department ids of the documents the ``docs_sql`` condition selects whose code decides their
        department (a coded document: its department's code is its own)."""
        return {f"dept:{c}" for (c,) in self.conn.execute(
            f"SELECT DISTINCT department_code FROM documents WHERE {_CODED} AND ({docs_sql})", args)}

    def named(self, texts: Iterable[str]) -> set[str]:
        """Ids of the departments whose name (their first document's) is one of ``texts``."""
        texts = sorted(set(texts))
        candidates = {d for (d,) in self._rows("SELECT doc_id FROM documents WHERE department IN ({marks})", texts)}
        return {did for did in set(self.ids_of(candidates).values()) if self.members(did)[0] in texts}

    @cached_property
    def table(self) -> dict[str, tuple[str | None, str | None, list[str]]]:
        """Every department: id → (name, code, doc_ids), as the graph of the whole store has them."""
        heads = self.conn.execute(f"SELECT {HEAD_COLUMNS} FROM documents ORDER BY doc_id").fetchall()
        codes = {h[1]: h[2] for h in heads if h[1] and h[2]}
        out: dict[str, tuple[str | None, str | None, list[str]]] = {}
        for h in heads:
            self.heads.setdefault(h[0], tuple(h))
            c = h[2] or codes.get(h[1])
            out.setdefault(f"dept:{dept_key(h[1], c)}", (h[1], c, []))[2].append(h[0])
        return out
