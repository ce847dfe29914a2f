"""Index building and keeping it in step with a store (sync_index), on gold-derived Documents."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from index import SearchIndex, is_stale, search, sync_index
from index.build import FUZZY, INDEX_DIRNAME, MANIFEST, WHOOSH_DIRNAME
from index.fuzzy import NAMES_FILE, Lexicon
from index.schema import document_entries
from index.sqlite_engine import ENGINE_FILE
from tests.index_fixtures import FakeStore, gold_document, gold_documents, gold_index

SMALL = ("002_706ba5c3936f72a8", "003_3ef0f7294640413f", "004_91149ae9a9862230")  # the seeds with few entries


@pytest.fixture
def store(tmp_path):
    return FakeStore(tmp_path, {k: d for k, d in gold_documents() if k in SMALL})


def test_one_entry_per_department_project_indicator_and_department_row():
    doc = gold_document("000_a6aa16080cbf3072")
    entries = document_entries("d0", doc)
    kinds = [e["kind"] for e in entries]
    assert kinds.count("department") == 1
    assert kinds.count("project") == len(doc.projects) == 8
    assert kinds.count("indicator") == sum(len(p.indicators) for p in doc.projects) == 72
    assert kinds.count("department_indicator") == len(doc.department_indicators) == 50
    assert len({e["eid"] for e in entries}) == len(entries)


def test_entries_keep_units_percent_amount_and_codes():
    doc = gold_document("003_3ef0f7294640413f")
    entries = {e["eid"]: e for e in document_entries("d3", doc)}
    proj = entries["d3#p1"]
    assert proj["title"] == "外事工作经费" and proj["amount"] == 700000.0 and proj["amount_text"] == "700000.00"
    assert "11010223T000001997670" in proj["codes"] and "2010302" in proj["codes"]
    pct = [e for e in entries.values() if e.get("unit") == "%"]
    assert pct and all("%" in e["text"] for e in pct)


def test_in_memory_index_counts_all_entries():
    docs = gold_documents()
    si = gold_index()
    assert si.entry_count() == sum(len(document_entries(i, d)) for i, d in docs)
    assert si.path is None and set(si.docs) == {i for i, _ in docs}


def test_sync_builds_a_missing_index_then_is_a_no_op(store):
    first = sync_index(store)
    assert first.rebuilt and first.reason == "missing" and len(first.added) == 3 and first.documents == 3
    assert not is_stale(store)
    fresh = SearchIndex.open(store.path / INDEX_DIRNAME)
    assert (store.path / INDEX_DIRNAME / NAMES_FILE).is_file() and not (store.path / INDEX_DIRNAME / FUZZY).exists()
    assert sorted(fresh.fuzzy_lexicon().display) == sorted(Lexicon.from_items(fresh.lexicon).display)
    store.loaded.clear()
    second = sync_index(store)
    assert not second.changed and store.loaded == [] and "up to date" in second.message()


def test_sync_replaces_changed_and_deletes_removed_documents(store):
    sync_index(store)
    doc = store.docs["003_3ef0f7294640413f"]
    renamed = replace(doc, projects=[replace(doc.projects[1], name="外事接待专项经费")] + doc.projects[2:],
                      sha256="sha-new")
    store.docs["003_3ef0f7294640413f"] = renamed
    del store.docs["002_706ba5c3936f72a8"]
    assert is_stale(store)
    store.loaded.clear()
    rep = sync_index(store)
    assert rep.updated == ["003_3ef0f7294640413f"] and rep.removed == ["002_706ba5c3936f72a8"] and not rep.rebuilt
    assert store.loaded == ["003_3ef0f7294640413f"]
    si = SearchIndex.open(store.path / INDEX_DIRNAME)
    names = [h.name for h in search(si, "外事接待专项经费").hits]
    assert names[0] == "外事接待专项经费" and "外事工作经费" not in names
    assert not any(h.doc_id == "002_706ba5c3936f72a8" for h in search(si, "区委办工作经费", limit=50).hits)
    assert si.entry_count() == sum(len(document_entries(i, d)) for i, d in store.docs.items())


@pytest.mark.parametrize(("engine", "damage", "reason"), [
    (None, lambda p: (p / MANIFEST).write_text("{not json", encoding="utf-8"), "unreadable manifest"),
    (None, lambda p: (p / MANIFEST).write_text(json.dumps({"format": 0}), encoding="utf-8"), "older index format"),
    ("whoosh", lambda p: __import__("shutil").rmtree(p / WHOOSH_DIRNAME), "whoosh files missing"),
    ("sqlite", lambda p: (p / ENGINE_FILE).unlink(), "sqlite file missing"),
])
def test_damaged_index_is_rebuilt(store, engine, damage, reason, monkeypatch):
    if engine:
        monkeypatch.setenv("PERFKG_ENGINE", engine)
    sync_index(store)
    damage(store.path / INDEX_DIRNAME)
    rep = sync_index(store)
    assert rep.rebuilt and rep.reason == reason and len(rep.added) == 3
    assert search(store.path, "外事工作经费").hits[0].name == "外事工作经费"


def test_an_index_built_by_another_analyzer_is_rebuilt(store):
    del store.docs["003_3ef0f7294640413f"], store.docs["004_91149ae9a9862230"]
    sync_index(store, "cjk")
    manifest = store.path / INDEX_DIRNAME / MANIFEST
    m = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**m, "analyzer": "jieba"}), encoding="utf-8")
    rep = sync_index(store, "cjk")
    assert rep.rebuilt and rep.reason == "analyzer changed from jieba to cjk"
    assert SearchIndex.open(store.path / INDEX_DIRNAME).analyzer == "cjk"
