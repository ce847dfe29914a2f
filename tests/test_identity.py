"""Issue 21 point 2: a document is its content — copies, renames and moved folders are one document; ids hold
no path; a store made by the previous version (schema 1, ids = absolute paths) migrates."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

from kg.graph import build_graph
from kg.identity import content_id
from kg.ingest import ingest_paths
from kg.store import SCHEMA_VERSION, Store
from tests.test_store_fixtures import gold_extractor, write_gold_files


def _ingest(st: Store, *paths: Path) -> dict:
    return ingest_paths(st, list(paths), extractor=gold_extractor, jobs=1).to_dict()


def test_copy_under_another_name_is_one_document(tmp_path: Path) -> None:
    (f, *_) = write_gold_files(tmp_path / "docs")
    copy = tmp_path / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    shutil.copy(f, copy)
    with Store(tmp_path / "st") as st:
        _ingest(st, tmp_path / "docs")
        before = st.counts()
        out = _ingest(st, copy)
        assert out["documents_unchanged"] == 1 and out["documents_ok"] == 0
        assert st.counts() == before  # no doubled records (hence no doubled search hits)
        did = content_id(hashlib.sha256(f.read_bytes()).hexdigest())
        assert st.doc_id_at(copy) == st.doc_id_at(f) == did
        assert st.locations()[did] == sorted([str(f.resolve()), str(copy.resolve())])


def test_moved_folder_updates_locations_not_records(tmp_path: Path) -> None:
    write_gold_files(tmp_path / "a")
    with Store(tmp_path / "st") as st:
        _ingest(st, tmp_path / "a")
        ids, before = set(st.doc_hashes()), st.counts()
        (tmp_path / "a").rename(tmp_path / "b")
        out = _ingest(st, tmp_path / "b")
        assert out["documents_unchanged"] == len(ids) and st.counts() == before
        assert set(st.doc_hashes()) == ids
        paths = [p for ps in st.locations().values() for p in ps]
        assert paths and all(p.startswith(str((tmp_path / "b").resolve())) for p in paths)  # old ones forgotten
        assert _ingest(st, tmp_path / "b")["documents_unchanged"] == len(ids)  # re-ingest: a no-op


def test_edited_file_replaces_its_old_content(tmp_path: Path) -> None:
    (f, *_) = write_gold_files(tmp_path / "docs")
    with Store(tmp_path / "st") as st:
        _ingest(st, tmp_path / "docs")
        old = st.doc_id_at(f)
        f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        _ingest(st, f)
        assert st.doc_id_at(f) != old and old not in st.doc_hashes()


def test_ids_are_the_same_on_every_machine(tmp_path: Path) -> None:
    for where in ("one", "two/deeper"):
        write_gold_files(tmp_path / where / "docs")
    ids = []
    for where in ("one", "two/deeper"):
        with Store(tmp_path / where / "st") as st:
            _ingest(st, tmp_path / where / "docs")
            ids.append(sorted(build_graph(st).nodes))
    assert ids[0] == ids[1]
    assert not any(str(tmp_path) in n or "/" in n.split(":", 1)[-1] for n in ids[0])


def test_schema_1_store_migrates(tmp_path: Path) -> None:
    files = write_gold_files(tmp_path / "docs")
    dup = tmp_path / "docs" / "zz_copy.txt"
    shutil.copy(files[0], dup)
    db = tmp_path / "st" / "perfkg.sqlite"
    with Store(tmp_path / "st") as st:  # what the previous version wrote: doc_id = the absolute path
        for f in [*files, dup]:
            sha = hashlib.sha256(f.read_bytes()).hexdigest()
            st.put_document(str(f.resolve()), gold_extractor(f), sha)
        n_projects = st.counts()["projects"]
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE locations")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Store(tmp_path / "st", create=False) as st:  # even a read-only command migrates a writable store
        assert st.schema_version == SCHEMA_VERSION
        assert len(st.doc_hashes()) == len(files)  # the copy merged into its original
        assert st.counts()["projects"] < n_projects
        assert st.doc_id_at(dup) == st.doc_id_at(files[0]) == content_id(hashlib.sha256(dup.read_bytes()).hexdigest())
    with Store(tmp_path / "st") as st:
        assert _ingest(st, tmp_path / "docs")["documents_ok"] == 0  # nothing to re-read after the migration
