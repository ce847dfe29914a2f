"""Issue 17 point 2: search inside PostgreSQL gives what the embedded index gives — same analysis, filters,
ranking and JSON — on tests/search_queries.json and with every filter."""

from __future__ import annotations

import json

import pytest

from index.pgsearch import entry_rows, tsquery
from index.query import search
from kg.store import open_store
from tests.index_fixtures import QUERIES, gold_documents, gold_index

FILTERED = [("满意度", {"kind": "indicator", "unit": "%"}), ("经费", {"dept": "外事", "limit": 20}),
            ("经费", {"min_amount": 100000, "max_amount": 2000000}), ("设备", {"kind": "project", "year": 2024}),
            ("指标", {"level": "产出指标", "op": ">="}), ("中心", {"kind": "department"})]


@pytest.fixture(scope="module")
def pg_gold(pg_url, tmp_path_factory):
    from tests.pg_server import new_database

    url = new_database(pg_url)
    with open_store(url, create=True) as st:
        for doc_id, doc in gold_documents():
            st.put_document(doc_id, doc, doc.sha256)
    st = open_store(url, create=False)
    yield st
    st.close()


def _queries() -> list[str]:
    return [q["query"] for q in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]]


def test_search_queries_give_the_same_results(pg_gold) -> None:
    same_top5 = same_json = 0
    for q in _queries():
        a, b = search(gold_index(), q, limit=10), pg_gold.search(q, limit=10)
        same_top5 += [h.eid for h in a.hits[:5]] == [h.eid for h in b.hits[:5]]
        same_json += a.to_dict() == b.to_dict()
    print(f"same top-5: {same_top5}/{len(_queries())}, same JSON: {same_json}")
    assert same_top5 == len(_queries())  # the bar: the same top-5 projects on every query
    assert same_json == len(_queries())  # scores, snippets and suggestions too


@pytest.mark.parametrize(("query", "opts"), FILTERED)
def test_filters_give_the_same_results(pg_gold, query: str, opts: dict) -> None:
    a, b = search(gold_index(), query, **opts), pg_gold.search(query, **opts)
    assert [h.eid for h in a.hits] == [h.eid for h in b.hits] and a.hits
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("opts", [{"dept": "没有这个部门"}, {"year": 1999}, {"kind": "nope"}, {"limit": 0}])
def test_bad_filters_are_the_same_errors(pg_gold, opts: dict) -> None:
    from kg.errors import QueryError

    with pytest.raises(QueryError) as one:
        search(gold_index(), "经费", **opts)
    with pytest.raises(QueryError) as two:
        pg_gold.search("经费", **opts)
    assert str(one.value) == str(two.value)


def test_tokens_are_stored_as_the_analyzer_made_them() -> None:
    doc_id, doc = gold_documents()[0]
    rows, names = entry_rows(doc_id, doc)
    title = rows[1][10]  # the first project's title vector: CJK unigrams and bigrams
    assert any(len(t) == 2 for t in title) and any(len(t) == 1 for t in title)
    assert all(n[3] and set(n[5]) == set(n[3]) for n in names)
    assert tsquery("a'b\\c") == "'a''b\\\\c'"


def test_the_search_uses_the_gin_index(pg_gold) -> None:
    raw = pg_gold.conn.raw
    raw.execute("SET enable_seqscan = off")
    plan = " ".join(r[0] for r in raw.execute("EXPLAIN SELECT eid FROM search_entries WHERE terms @@ '''经费'''"))
    raw.execute("RESET enable_seqscan")
    assert "search_entries_terms" in plan


def test_document_frequencies_follow_writes_and_deletes(pg_db: str) -> None:
    docs = gold_documents()
    with open_store(pg_db, create=True) as st:
        for doc_id, doc in docs:
            st.put_document(doc_id, doc, doc.sha256)
        st.put_document(docs[0][0], docs[1][1], "other")  # replaced by another document's content
        st.delete_document(docs[2][0])
        raw = st.conn.raw
        kept = dict(((f, t), n) for f, t, n in raw.execute("SELECT field, term, df FROM search_df WHERE df > 0"))
        fields = ("title", "aliases", "codes", "project", "levels", "context")
        truth = {("", ""): raw.execute("SELECT count(*) FROM search_entries").fetchone()[0]}
        for f in fields:
            truth.update(((f, t), n) for t, n in raw.execute(
                f"SELECT t, count(*) FROM search_entries, unnest(tsvector_to_array({f})) t GROUP BY t"))
        assert kept == truth and len(truth) > 100
