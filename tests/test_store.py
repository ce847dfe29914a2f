"""The SQLite store: where it lives, schema version, exact round trips, one transaction per document."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.model import Document
from kg.store import SCHEMA_VERSION, Store, resolve_store_dir
from tests.conftest import SEEDS, load_gold
from tests.test_store_fixtures import gold_document, gold_store, synthetic_document


def test_resolve_store_dir_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PERFKG_STORE", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_store_dir(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_store_dir(None) == tmp_path / "env"
    monkeypatch.delenv("PERFKG_STORE")
    assert resolve_store_dir(None) == tmp_path / "xdg" / "perfkg"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_store_dir(None) == tmp_path / "home" / ".local" / "share" / "perfkg"


def test_bad_store_paths(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        Store(f)
    with pytest.raises(StoreError, match="no store here"):
        Store(tmp_path / "empty", create=False)


def test_schema_version_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path) as st:
        assert st.schema_version == SCHEMA_VERSION
        assert st.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn = sqlite3.connect(tmp_path / "perfkg.sqlite")
    conn.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store(tmp_path)


def test_round_trip_is_exact(tmp_path: Path) -> None:
    doc = synthetic_document()
    with Store(tmp_path) as st:
        st.put_document("/a/syn.txt", doc, "h1")
        back = st.load_document("/a/syn.txt")
        assert back.to_dict() == doc.to_dict()
        assert st.doc_hashes() == {"/a/syn.txt": "h1"}
        assert [d for d, _ in st.iter_documents()] == ["/a/syn.txt"]


def test_normalized_rows_match_gold_counts(tmp_path: Path) -> None:
    with gold_store(tmp_path) as st:
        counts = st.counts()
        golds = [load_gold(s) for s in SEEDS]
        assert counts["documents"] == len(SEEDS)
        assert counts["projects"] == sum(len(g["projects"]) for g in golds)
        assert counts["indicators"] == sum(len(p["indicators"]) for g in golds for p in g["projects"])
        assert counts["department_indicators"] == sum(len(g["department_indicators"]) for g in golds)
        for stem in SEEDS:
            assert st.load_document(f"/gold/{stem}.txt").to_gold_dict() == gold_document(stem).to_gold_dict()


def test_changed_document_replaces_its_records(tmp_path: Path) -> None:
    with Store(tmp_path) as st:
        doc = synthetic_document()
        st.put_document("d", doc, "h1")
        doc.projects = doc.projects[:1]
        st.put_document("d", doc, "h2")
        assert st.counts()["projects"] == 1
        assert st.counts()["funding_lines"] == 2
        assert st.doc_hashes() == {"d": "h2"}


def test_failed_write_leaves_previous_version(tmp_path: Path) -> None:
    with Store(tmp_path) as st:
        st.put_document("d", synthetic_document(), "h1")
        broken = synthetic_document()
        broken.projects[1].name = None  # type: ignore[assignment]  # NOT NULL violated mid-document
        with pytest.raises(StoreError, match="cannot write"):
            st.put_document("d", broken, "h2")
        assert st.doc_hashes() == {"d": "h1"}
        assert st.counts()["projects"] == 2
        assert isinstance(st.load_document("d"), Document)


def test_unknown_document_is_a_store_error(tmp_path: Path) -> None:
    with Store(tmp_path) as st, pytest.raises(StoreError, match="no document"):
        st.load_document("nope")


def test_staleness_check_reads_a_covering_index_not_the_rows(tmp_path):
    from kg.store import Store

    st = Store(tmp_path / "s", create=True)
    plan = " ".join(str(r) for r in st.conn.execute("EXPLAIN QUERY PLAN SELECT doc_id, sha256 FROM documents"))
    st.close()
    assert "COVERING INDEX documents_hash" in plan
