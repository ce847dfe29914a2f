"""The fast index-write paths give the same index: analyzer fast path, field indexing, parallel writer."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from whoosh.fields import TEXT

from index.analysis import index_terms, token_texts
from index.build import SearchIndex, writer_procs
from index.query import search
from index.schema import ChineseText, document_entries, make_schema
from tests.index_fixtures import gold_documents

SAMPLES = ["会议室设备保障", "12345市民热线", "功能科目2010301，值98.5%", "９８％（≥）", "a", "车", "", "，。",
           "11010224T000002931457 外事工作经费 | 区委办", "满意度≥95%，按时完成率100％"]


def _strings() -> list[str]:
    out = list(SAMPLES)
    for doc_id, doc in gold_documents()[:2]:
        out += [v for e in document_entries(doc_id, doc)[:60] for v in e.values() if isinstance(v, str)]
    return out


@pytest.mark.parametrize("unigrams", [True, False])
def test_index_terms_are_the_analyzer_tokens(unigrams):
    """The cjk fast path (jieba methods go through :func:`pieces` itself)."""
    for s in _strings():
        assert Counter(index_terms(s, "cjk", unigrams)) == Counter(token_texts(s, "cjk", False, unigrams)), s


def test_chinese_text_field_indexes_like_a_plain_text_field():
    schema = make_schema("cjk")
    for name in ("title", "project", "context"):
        field = schema[name]
        assert isinstance(field, ChineseText)
        plain = TEXT(analyzer=field.analyzer, phrase=False)
        for s in _strings():
            assert sorted(field.index(s)) == sorted(plain.index(s)), (name, s)


def test_writer_processes_by_batch_size(monkeypatch):
    monkeypatch.delenv("PERFKG_INDEX_PROCS", raising=False)
    assert writer_procs(1) == 1
    assert writer_procs(10_000) == min(4, max(1, multiprocessing.cpu_count()))
    monkeypatch.setenv("PERFKG_INDEX_PROCS", "3")
    assert writer_procs(1) == 3


def _hits(si: SearchIndex, query: str) -> list[tuple[float, str]]:
    return sorted((-h.score, h.eid) for h in search(si, query, limit=30).hits)


def test_parallel_writer_gives_the_same_search_results(tmp_path, monkeypatch):
    docs = [(doc_id, doc.sha256 or doc_id, doc) for doc_id, doc in gold_documents()]
    built = {}
    for procs in (1, 2):
        monkeypatch.setenv("PERFKG_INDEX_PROCS", str(procs))
        si = SearchIndex.create(tmp_path / f"p{procs}")
        si.update(docs)
        built[procs] = SearchIndex.open(tmp_path / f"p{procs}")
    assert built[2].entry_count() == built[1].entry_count() > 200
    assert len(built[2].ix._segments()) == 2 and len(built[1].ix._segments()) == 1
    for q in ("外事工作经费", "满意度", "11010223T000001997670", "会议室设被保障", "2120199"):
        assert _hits(built[2], q) == _hits(built[1], q), q
    # a later small update (one process) on the two-segment index replaces the document's entries
    monkeypatch.delenv("PERFKG_INDEX_PROCS")
    si = built[2]
    n = si.entry_count()
    doc_id, sha, doc = docs[3]
    si.update([(doc_id, sha + "x", doc)])
    assert SearchIndex.open(tmp_path / "p2").entry_count() == n


def test_cancelled_parallel_write_leaves_no_worker_and_no_change(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFKG_INDEX_PROCS", "2")
    docs = [(doc_id, doc.sha256 or doc_id, doc) for doc_id, doc in gold_documents()]
    si = SearchIndex.create(tmp_path / "ix")
    si.update(docs[:1])
    before = si.entry_count()

    def broken():
        yield from docs[1:]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        si.update(broken(), expected=len(docs))
    assert not multiprocessing.active_children()
    assert SearchIndex.open(tmp_path / "ix").entry_count() == before
