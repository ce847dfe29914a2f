"""Issue 17: the same store behaviour on both backends — SQLite folder and PostgreSQL database — through the one
entry point (:func:`kg.store.open_store`): schema version, exact round trips, one transaction per document,
idempotent re-ingest, content identity, readers while a writer writes, a kill -9 mid-document."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.graph import build_graph
from kg.identity import content_id
from kg.ingest import ingest_paths
from kg.store import SCHEMA_VERSION, open_store, resolve_store_dir
from kg.store_pg import as_url, public_url
from tests.conftest import SEEDS, gold_document
from tests.test_store_fixtures import gold_extractor, synthetic_document, write_gold_files

ROOT = Path(__file__).resolve().parent.parent


def _ingest(st, *paths: Path) -> dict:
    return ingest_paths(st, list(paths), extractor=gold_extractor, jobs=1).to_dict()


def test_url_is_recognised_even_through_a_path() -> None:
    url = "postgresql://u:secret@db.example:5432/kg"
    assert as_url(url) == url
    assert as_url(Path(url)) == url  # typer hands --store over as a Path: "//" folded to "/"
    assert as_url("postgres://h/db") == "postgres://h/db"
    assert as_url("/var/kg") is None and as_url("postgresql.d/x") is None
    assert public_url(url) == "postgresql://u@db.example:5432/kg"


def test_a_url_store_keeps_its_side_folder_in_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("PERFKG_STORE", "postgresql://a@h/db")
    side = resolve_store_dir(None)
    assert side.parent == tmp_path / "perfkg" and side.name.startswith("pg-")
    assert resolve_store_dir(Path("postgresql://b@h/db")) != side  # another database, another folder


def test_round_trip_and_replace(open_any) -> None:
    doc = synthetic_document()
    with open_any() as st:
        assert st.schema_version == SCHEMA_VERSION
        st.put_document("d", doc, "h1")
        assert st.load_document("d").to_dict() == doc.to_dict()
        assert st.doc_hashes() == {"d": "h1"} and [d for d, _ in st.iter_documents()] == ["d"]
        doc.projects = doc.projects[:1]
        st.put_document("d", doc, "h2")
        assert st.counts()["projects"] == 1 and st.counts()["funding_lines"] == 2
        assert st.docs_with_code_suffix(doc.projects[0].code[-4:]) == {"d"}
        with pytest.raises(StoreError, match="no document"):
            st.load_document("nope")


def test_failed_write_leaves_previous_version(open_any) -> None:
    with open_any() as st:
        st.put_document("d", synthetic_document(), "h1")
        broken = synthetic_document()
        broken.projects[1].name = None  # type: ignore[assignment]  # NOT NULL violated mid-document
        with pytest.raises(StoreError, match="cannot write"):
            st.put_document("d", broken, "h2")
        assert st.doc_hashes() == {"d": "h1"} and st.counts()["projects"] == 2


def test_schema_version_and_read_only(open_any) -> None:
    with pytest.raises(StoreError, match="no .*store"):
        open_any(create=False)
    with open_any() as st:
        st.put_document("d", synthetic_document(), "h1")
    with open_any(create=False) as ro:
        assert ro.doc_hashes() == {"d": "h1"}
        with pytest.raises(StoreError, match="read-only"):
            ro.put_document("e", synthetic_document(), "h2")
    with open_any() as st:
        st.conn.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="schema version 999"):
        open_any()


def test_gold_documents_round_trip(open_any) -> None:
    with open_any() as st:
        for stem in SEEDS:
            st.put_document(stem, gold_document(stem), "gold-" + stem)
        for stem in SEEDS:
            assert st.load_document(stem).to_gold_dict() == gold_document(stem).to_gold_dict()
        assert st.counts()["documents"] == len(SEEDS)


def test_identity_copy_move_edit_and_idempotent_reingest(open_any, tmp_path: Path) -> None:
    (f, *_) = write_gold_files(tmp_path / "a")
    copy = tmp_path / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    shutil.copy(f, copy)
    with open_any() as st:
        first = _ingest(st, tmp_path / "a")
        assert first["documents_ok"] == len(SEEDS)
        before, ids = st.counts(), set(st.doc_hashes())
        assert _ingest(st, tmp_path / "a")["documents_unchanged"] == len(SEEDS)  # idempotent
        assert _ingest(st, copy)["documents_unchanged"] == 1 and st.counts() == before
        did = content_id(hashlib.sha256(f.read_bytes()).hexdigest())
        assert st.doc_id_at(copy) == st.doc_id_at(f) == did
        (tmp_path / "a").rename(tmp_path / "b")
        assert _ingest(st, tmp_path / "b")["documents_unchanged"] == len(SEEDS)
        assert set(st.doc_hashes()) == ids and st.counts() == before
        moved = tmp_path / "b" / f.name
        moved.write_text(moved.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        _ingest(st, moved)
        assert st.doc_id_at(moved) != did and did in st.doc_hashes()  # the copy elsewhere still holds it


def test_a_reader_sees_whole_documents_while_a_writer_writes(open_any) -> None:
    new = synthetic_document()
    new.projects = new.projects[:1]
    with open_any() as w:
        w.put_document("d", synthetic_document(), "h1")
        with w._tx():  # a writer mid-document: old rows deleted, new ones inserted, nothing committed yet
            w._delete("d")
            w._insert("d", new, "h2", None)
            with open_any(create=False) as r:
                assert r.counts()["projects"] == 2 and r.doc_hashes() == {"d": "h1"}
                assert r.load_document("d").to_dict() == synthetic_document().to_dict()
    with open_any(create=False) as r:
        assert r.counts()["projects"] == 1 and r.doc_hashes() == {"d": "h2"}


KILLED_WRITER = """
import sys, time
from kg.store import open_store
from tests.test_store_fixtures import synthetic_document
st = open_store(sys.argv[1], create=True)
st.put_document("a", synthetic_document(), "h1")
tx = st._tx(); tx.__enter__()
st._delete("a")  # "a" is being rewritten, and "b" written, when the process is killed
st.conn.execute("INSERT INTO documents (doc_id, sha256, json) VALUES ('b', 'h2', '{}')")
print("ready", flush=True)
time.sleep(60)
"""


def test_kill_9_mid_document_loses_only_that_document(open_any, store_spec: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, store_spec], stdout=subprocess.PIPE, env=env,
                            cwd=ROOT, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with open_any() as st:
        assert st.doc_hashes() == {"a": "h1"} and st.counts()["projects"] == 2


def test_graph_ids_are_the_same_on_both_backends(pg_db: str, tmp_path: Path) -> None:
    write_gold_files(tmp_path / "docs")
    nodes = []
    for spec in (str(tmp_path / "lite"), pg_db):
        with open_store(spec, create=True) as st:
            _ingest(st, tmp_path / "docs")
            g = build_graph(st)
            nodes.append((sorted(g.nodes), sorted(map(str, g.edges))))
    assert nodes[0] == nodes[1]
