"""Issue 16: the sqlite engine answers as whoosh does — the same top-5 (entries, order, scores) on the query set
and under every filter — and keeps that through updates and deletions; a search on it never imports whoosh."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from index import SearchIndex, search, sync_index
from index.build import INDEX_DIRNAME, MANIFEST
from index.evaluate import RECALL_AT, evaluate, load_queries
from tests.conftest import ROOT
from tests.index_fixtures import QUERIES, FakeStore, gold_documents, gold_index

FILTERED = [
    ("经费", {"dept": "外事"}), ("满意度", {"kind": "indicator", "unit": "%"}), ("经费", {"year": 2023}),
    ("满意度", {"level": "满意度指标"}), ("数量", {"op": ">="}), ("经费", {"min_amount": 100000, "max_amount": 2e6}),
    ("经费", {"kind": "project", "limit": 20}), ("指标", {"kind": "department_indicator", "limit": 30}),
]


def top(si: SearchIndex, q: str, **kw: object) -> list[tuple[str, float]]:
    return [(h.eid, h.score) for h in search(si, q, **{"limit": 5, **kw}).hits]  # type: ignore[arg-type]


def test_both_engines_give_the_same_top_5_on_the_query_set() -> None:
    whoosh, sqlite = gold_index("whoosh"), gold_index("sqlite")
    for q in load_queries(QUERIES):
        assert top(sqlite, q["query"]) == top(whoosh, q["query"]), q["query"]
    a, b = evaluate(whoosh, load_queries(QUERIES)), evaluate(sqlite, load_queries(QUERIES))
    assert (b.recall(RECALL_AT), b.mrr()) == (a.recall(RECALL_AT), a.mrr())


@pytest.mark.parametrize(("query", "filters"), FILTERED)
def test_both_engines_filter_alike(query: str, filters: dict) -> None:
    got = top(gold_index("sqlite"), query, **filters)
    assert got and got == top(gold_index("whoosh"), query, **filters)


def test_met_listing_alike() -> None:
    for met in (True, False):
        a = [h.eid for h in search(gold_index("whoosh"), "", met=met, limit=500).hits]
        assert a == [h.eid for h in search(gold_index("sqlite"), "", met=met, limit=500).hits]


def test_sqlite_is_the_default_engine_and_survives_updates(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("index.sqlite_engine.CHUNK_DOCS", 2)  # postings written in several batches
    store = FakeStore(tmp_path, dict(gold_documents()))
    sync_index(store)
    whole = SearchIndex.open(tmp_path / INDEX_DIRNAME)
    for q in ("外事工作经费", "满意度", "会议室设备保障"):
        assert top(whole, q) == top(gold_index("whoosh"), q), q
    assert json.loads((tmp_path / INDEX_DIRNAME / MANIFEST).read_text(encoding="utf-8"))["engine"] == "sqlite"
    doc = store.docs["003_3ef0f7294640413f"]
    store.docs["003_3ef0f7294640413f"] = replace(doc, projects=[replace(doc.projects[1], name="外事接待专项经费")],
                                                 sha256="new")
    for stem in ("000_a6aa16080cbf3072", "001_1a17e53dc63c4bde"):
        del store.docs[stem]  # more than a fifth of the entries deleted: postings compacted
    sync_index(store)
    si = SearchIndex.open(tmp_path / INDEX_DIRNAME)
    assert si.engine == "sqlite" and si.sql is not None and not si.sql.deleted()
    fresh = SearchIndex.in_memory(engine="whoosh")
    fresh.update([(k, d.sha256 or k, d) for k, d in sorted(store.docs.items())])
    for q in ("外事接待专项经费", "外事工作经费", "满意度", "会议室设备保障"):
        assert [h.eid for h in search(si, q).hits] == [h.eid for h in search(fresh, q).hits], q


def test_a_search_on_the_sqlite_engine_imports_no_whoosh(tmp_path) -> None:
    store = FakeStore(tmp_path, dict(gold_documents()[3:4]))
    sync_index(store)
    code = (f"import sys; from index import search; search({str(tmp_path)!r}, '外事经费', dept='外事'); "
            "print(sorted(m for m in sys.modules if m.startswith('whoosh.') and m != 'whoosh.compat'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
