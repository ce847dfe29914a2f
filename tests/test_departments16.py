"""Issue 16: :class:`kg.departments.Departments` (per-document SQL) groups documents into departments exactly as
the whole table of document heads does (``kg.graph``: own code, else the name's last code, else the name) —
including names that equal another department's code, documents without a name, and borrowed codes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.departments import Departments
from kg.graph import dept_id

NAMES = st.sampled_from([None, "", "A", "B", "X", "?"])
CODES = st.sampled_from([None, "", "X", "Y", "A", "1234567"])


def eager(heads: list[tuple[str, str | None, str | None]]) -> tuple[dict, dict, dict]:
    """The whole-table grouping (what kg.scope read for every trace before issue 16)."""
    codes = {n: c for _, n, c in heads if n and c}
    dept_of: dict[str, str] = {}
    depts: dict[str, tuple] = {}
    for doc_id, name, code in heads:
        c = code or codes.get(name)
        did = dept_id(name, c)
        depts.setdefault(did, (name, c, []))[2].append(doc_id)
        dept_of[doc_id] = did
    return codes, dept_of, depts


def store(rows: list[tuple[str | None, str | None]]) -> tuple[sqlite3.Connection, list[tuple]]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY, department TEXT, department_code TEXT, "
                 "year INTEGER, doc_kind TEXT, source TEXT)")
    heads = [(f"d{k:03d}", n, c) for k, (n, c) in enumerate(rows)]
    conn.executemany("INSERT INTO documents VALUES (?, ?, ?, 2024, 'budget', 'f.txt')", heads)
    return conn, heads


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAMES, CODES), min_size=1, max_size=12))
def test_departments_by_sql_equal_the_whole_table(rows: list[tuple[str | None, str | None]]) -> None:
    conn, heads = store(rows)
    codes, dept_of, depts = eager(heads)
    d = Departments(conn)
    assert d.ids_of([h[0] for h in heads]) == dept_of
    for did, (name, code, docs) in depts.items():
        assert d.members(did) == (name, code, docs)
    names = {n for _, n, _ in heads}
    assert d.codes(names) == {n: c for n, c in codes.items() if n in names}
    for text in ("A", "B", "X", "?", ""):
        assert d.named([text]) == {did for did, (n, _, _) in depts.items() if n == text}
    for q in ("X", "Y", "A", "1234567"):
        got = {did for did in d.with_codes("department_code = ?", (q,)) if d.members(did)[1] == q}
        assert got == {did for did, (_, c, _) in depts.items() if c == q}
    assert Departments(conn).table == depts


def test_a_lookup_reads_only_the_heads_it_needs(tmp_path: Path) -> None:
    conn, heads = store([("A", "X")] * 30 + [("B", None)] * 30)
    d = Departments(conn)
    assert d.members("dept:B")[2] == [h[0] for h in heads[30:]]
    assert len(d.heads) == 1  # the department's first document, not every document
