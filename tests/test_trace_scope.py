"""trace / show from the store (only the documents a query involves) equal trace / show on the whole graph;
the same project across years is a chain within a department (links O(projects), never across departments)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.graph import build_graph, graph_from_documents
from kg.graph_edges import in_edges, out_edges
from kg.show import show, show_store
from kg.store import Store
from kg.trace import trace, trace_store
from tests.conftest import SEEDS
from tests.test_store_fixtures import gold_document, synthetic_document

QUERIES = ("外事经费", "外事工作经费", "满意度", "201", "2010302", "50299", "302", "行政运行", "一般公共服务支出",
           "11010223T000001997670", "295001", "人民政府办公室", "城市管理指挥中心", "接待外宾团组", "zzzz", "",
           "服务对象满意度", "北京市西城区城市管理指挥中心", "因公出国")


def _years_store(path: Path) -> Store:
    """The gold seeds plus each seed again as two other years (one project renamed, one code dropped), and a
    synthetic department over three years."""
    st = Store(path)
    for stem in SEEDS:
        for k, year_shift in enumerate((0, -1, 1)):
            doc = gold_document(stem)
            doc.year = (doc.year or 2024) + year_shift
            if k == 1 and doc.projects:
                doc.projects[0].name += "项目"
            if k == 2 and doc.projects:
                doc.projects[-1].code = None
            st.put_document(f"/y{k}/{stem}.txt", doc, sha256=f"{stem}-{k}")
    for year in (2022, 2023, 2024):
        doc = synthetic_document(year, f"syn_{year}.txt")
        doc.department, doc.department_code = "合成部门", "900001"
        st.put_document(f"/s/{year}.txt", doc, sha256=f"syn{year}")
    return st


@pytest.fixture(scope="module")
def years_store(tmp_path_factory: pytest.TempPathFactory):
    st = _years_store(tmp_path_factory.mktemp("years"))
    yield st, build_graph(st)
    st.close()


def _answer(fn, *args) -> str:
    try:
        return json.dumps(fn(*args), ensure_ascii=False, sort_keys=True)
    except QueryError as e:
        return f"QueryError: {e}"


@pytest.mark.parametrize("query", QUERIES)
def test_store_answers_equal_whole_graph_answers(years_store, query: str) -> None:
    st, g = years_store
    assert _answer(trace_store, st, query) == _answer(trace, g, query)
    assert _answer(show_store, st, query) == _answer(show, g, query)
    for n in (1, 2):
        assert _answer(trace_store, st, query, n) == _answer(trace, g, query, n)


def test_same_project_is_a_chain_per_department(years_store) -> None:
    _, g = years_store
    same = [(u, v, d) for u, v, d in g.edges(data=True) if d["rel"] == "SAME_PROJECT"]
    projects = [n for n, a in g.nodes(data=True) if a.get("kind") == "Project"]
    assert same and len(same) < len(projects)  # at most one link back per project
    for u, v, _ in same:
        assert g.nodes[u]["department"] == g.nodes[v]["department"]
        assert (g.nodes[u]["year"], u) < (g.nodes[v]["year"], v)
    # the synthetic project of 2024 links to 2023 only (the nearest year), 2023 to 2022
    (back, d), = in_edges(g, "project:/s/2024.txt#0", "SAME_PROJECT")
    assert back == "project:/s/2023.txt#0" and d["method"] == "code"
    assert out_edges(g, "project:/s/2022.txt#0", "SAME_PROJECT")[0][0] == "project:/s/2023.txt#0"
    # a project whose code was dropped is still chained, by name
    methods = {d["method"] for _, _, d in same}
    assert methods == {"code", "fuzzy_name"}


def test_shared_codes_across_departments_stay_linear() -> None:
    docs = []
    for i in range(40):  # forty departments printing the same project code: no clique, no links at all
        doc = synthetic_document(2024, f"d{i}.txt")
        doc.department, doc.department_code = f"部门{i}", f"{100000 + i}"
        docs.append((f"/d/{i:02d}.txt", doc))
    g = graph_from_documents(docs)
    assert not [1 for *_, d in g.edges(data=True) if d["rel"] == "SAME_PROJECT"]
