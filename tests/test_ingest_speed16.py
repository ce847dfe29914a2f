"""Issue 16, ingest speed: the faster paths give exactly what the plain ones gave.

Store rows and index entries made in the parsing workers, lookup indexes built after a bulk load, and the
literal-led rewrites of slow whole-text patterns (each checked against the pattern it replaces).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.gen_corpus import generate_mixed
from index.build import index_dir
from index.feed import ingest_preparer
from index.sqlite_engine import ENGINE_FILE
from index.sync import sync_index
from kg.ingest import ingest_paths
from kg.layouts.numbered_tables.family import _TITLE_LINE, title_numbers
from kg.layouts.pdf_wrapped.family import SPACED_CJK
from kg.layouts.pdf_wrapped.tables import numeric_tail_start
from kg.layouts.prose_final.figures import SHARE_ITEM, _share_items
from kg.store import BULK_MIN_DOCS, LOOKUP_INDEXES, Store, document_rows
from tests.conftest import SEEDS
from tests.test_store_fixtures import gold_document

# What the rewritten patterns replace (kept here as the reference they are checked against).
SPACED_CJK_BEFORE = re.compile(r"(?:[\u4e00-\u9fff] ){3,}[\u4e00-\u9fff]")
PIECES = ["预算", "决算", "表", "\n", " ", "\t", "0", "12", "123", "x", "　", "占", "万元", "。", "；", "，", "部门",
          "支出", "5.5", "%", "的", "1,234", "-"]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _dump(db: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def _index_rows(store: Path) -> tuple[list[tuple], list[tuple]]:
    db = index_dir(store) / ENGINE_FILE
    import marshal

    entries = [(*r[:-1], marshal.loads(r[-1])) for r in _dump(db, "SELECT * FROM entries ORDER BY docnum")]
    return entries, _dump(db, "SELECT field, term, batch, df, docs FROM postings ORDER BY field, term, batch")


def test_worker_made_rows_and_entries_equal_the_writers_own(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    generate_mixed(docs, 60)  # the bundled documents, the fixtures, derived copies
    plain, fast = tmp_path / "plain", tmp_path / "fast"
    with Store(plain) as s:  # the Documents sent back, rows and entries made by the writer
        s.takes_rows = False  # type: ignore[misc]
        ingest_paths(s, [docs], jobs=2)
        sync_index(s)
    with Store(fast) as s:
        prepare, feed = ingest_preparer(s.path)  # type: ignore[misc]
        report = ingest_paths(s, [docs], jobs=2, prepare=prepare, on_stored=feed.add)
        assert report.to_dict()["documents_ok"] > 50
        sync_index(s, prepared=feed)
        feed.close()
    for table in ("documents", "projects", "indicators", "funding_lines", "department_indicators", "classifications",
                  "outcomes", "warnings", "locations"):
        q = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert _dump(plain / "perfkg.sqlite", q) == _dump(fast / "perfkg.sqlite", q), table
    assert _index_rows(plain) == _index_rows(fast)
    assert (index_dir(plain) / "lexicon.json").read_bytes() == (index_dir(fast) / "lexicon.json").read_bytes()


def test_put_document_with_rows_equals_put_document(tmp_path: Path) -> None:
    for i, stem in enumerate(SEEDS):
        doc = gold_document(stem)
        with Store(tmp_path / "a") as a, Store(tmp_path / "b") as b:
            n = a.put_document(f"d{i}", doc, "h", "x")
            assert b.put_document(f"d{i}", None, "h", "x", rows=document_rows(f"d{i}", doc, "h")) == n
    q = "SELECT * FROM indicators ORDER BY doc_id, project_n, n"
    assert _dump(tmp_path / "a" / "perfkg.sqlite", q) == _dump(tmp_path / "b" / "perfkg.sqlite", q) != []


def test_bulk_load_defers_lookup_indexes_and_builds_them_after(tmp_path: Path) -> None:
    names = {stmt.split(" IF NOT EXISTS ")[1].split()[0] for stmt in LOOKUP_INDEXES}

    def indexes(st: Store) -> set[str]:
        return {n for (n,) in st.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}

    with Store(tmp_path / "s") as s:
        assert not s.defer_lookup_indexes(BULK_MIN_DOCS - 1)  # a small batch keeps them
        assert names <= indexes(s)
        assert s.defer_lookup_indexes(BULK_MIN_DOCS)
        assert not names & indexes(s)
        s.restore_lookup_indexes()
        assert names <= indexes(s)
    shutil.rmtree(tmp_path / "s")
    with Store(tmp_path / "s") as s:  # a batch smaller than the store keeps them too
        for i in range(3):
            s.put_document(f"d{i}", gold_document(SEEDS[0]), "h")
        assert not s.defer_lookup_indexes(2)


@settings(max_examples=3000, deadline=None)
@given(texts)
def test_title_numbers_equal_the_line_pattern(text: str) -> None:
    assert title_numbers(text) == {m.group(2) for m in _TITLE_LINE.finditer(text)}


@settings(max_examples=3000, deadline=None)
@given(texts)
def test_share_items_equal_the_whole_text_search(text: str) -> None:
    assert [m.span() for m in _share_items(text)] == [m.span() for m in SHARE_ITEM.finditer(text)]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["部", "门", " ", "预", "\n", "x", "  "]), max_size=20).map("".join))
def test_spaced_cjk_found_where_the_old_pattern_finds_it(text: str) -> None:
    assert bool(SPACED_CJK.search(text)) == bool(SPACED_CJK_BEFORE.search(text))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["1", "23", ",", ".", "-", "+", " ", "\t", "a", "支出", "５", "\u3000", ".5"]),
                max_size=12).map("".join))
def test_numeric_tail_start_equals_the_whole_text_search(text: str) -> None:
    from tests.test_parse_speed16f import _tail_start_by_search

    assert numeric_tail_start(text) == _tail_start_by_search(text)
