"""trace and show: target → project → money → classification → department, each step cited; and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from kg.errors import QueryError
from kg.graph import build_graph, graph_from_documents
from kg.show import show
from kg.store import Store
from kg.trace import trace
from tests.test_store_fixtures import gold_store, synthetic_document


@pytest.fixture(scope="module")
def gold_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("gold")
    gold_store(d).close()
    return d


@pytest.fixture(scope="module")
def gold_graph(gold_dir: Path):
    with Store(gold_dir) as st:
        return build_graph(st)


@pytest.fixture(scope="module")
def syn_graph():
    return graph_from_documents([("/s/syn.txt", synthetic_document())])


def _codes(path: list[dict]) -> list[str]:
    return [p["code"] for p in path]


def test_indicator_to_money_with_provenance(syn_graph) -> None:
    r = trace(syn_graph, "接待外宾团组")
    assert r["status"] == "ok"
    (t,) = r["traces"]
    assert t["kind"] == "indicator"
    assert t["start"]["cite"] == "syn_2024.txt:42" and (t["start"]["op"], t["start"]["value"]) == ("≥", "30")
    assert t["project"]["name"] == "外事工作经费" and t["project"]["amount"] == "700000.00"
    assert t["project"]["cite"] == "syn_2024.txt:10"
    first, second = t["funding"]
    assert (first["amount"], first["cite"], first["method"]) == ("500000.00", "syn_2024.txt:20", "exact")
    assert _codes(first["function"]) == ["201", "20103", "2010301"]
    assert first["function"][2]["name"] == "行政运行"
    assert _codes(first["econ_gov"]) == ["502", "50201"]
    assert (second["method"], second["confidence"]) == ("sum_match", 0.9)
    assert t["department"] == {"id": "dept:223001", "name": "北京市西城区人民政府外事办公室", "code": "223001"}
    assert t["document"]["source"] == "syn_2024.txt" and t["document"]["year"] == 2024
    # the department-wide row with the same words is the same target: listed as a candidate, not traced twice
    assert len(r["traces"]) == 1 and {c["kind"] for c in r["candidates"]} == {"Indicator", "DepartmentIndicator"}


def test_classification_to_projects_includes_children(syn_graph) -> None:
    (t,) = trace(syn_graph, "201")["traces"]
    assert t["classification"]["path"][0]["name"] == "一般公共服务支出"
    names = {p["project"]["name"]: p for p in t["projects"]}
    assert names["外事工作经费"]["amount_under_code"] == "700000.00"  # both funding lines are under 201
    assert names["外事工作经费"]["via"] == ["2010301", "2010302"]
    assert names["因公出国经费"]["funding"][0]["method"] == "project_field"
    (t,) = trace(syn_graph, "2010301")["traces"]
    assert [(p["project"]["name"], p["amount_under_code"]) for p in t["projects"]] == [("外事工作经费", "500000.00")]
    assert t["projects"][0]["indicators"][0]["l3"] == "接待外宾团组"


def test_fuzzy_name_finds_project_with_fallback_codes(gold_graph) -> None:
    r = trace(gold_graph, "外事经费")
    assert r["status"] == "ok" and r["candidates"][0]["how"] == "fuzzy"
    (t,) = r["traces"]
    assert t["project"]["name"] == "外事工作经费" and t["project"]["amount"] == "700000.00"
    assert t["department"]["name"] == "北京市西城区人民政府外事办公室"
    (f,) = t["funding"]
    assert f["method"] == "project_field" and _codes(f["function"]) == ["201", "20103", "2010302"]
    assert len(t["indicators"]) == 7


def test_function_code_lists_projects_of_every_department(gold_graph) -> None:
    (t,) = trace(gold_graph, "2010302")["traces"]
    names = {p["project"]["name"] for p in t["projects"]}
    assert {"外事工作经费", "城指中心工作经费", "政府办工作经费", "预留机动费"} <= names
    assert all(p["via"] == ["2010302"] for p in t["projects"])


def test_several_matches_are_each_traced(gold_graph) -> None:
    # issue 21 (was issue 15's "ambiguous, nothing traced"): every project carrying the words is traced
    r = trace(gold_graph, "满意度")
    assert r["status"] == "several" and r["resolution"] == "ambiguous"
    assert len(r["candidates"]) >= 3 and len(r["traces"]) >= 3
    projects = [t["project"]["id"] for t in r["traces"] if t.get("project")]
    assert len(projects) == len(set(projects))  # one trace per project
    scores = [t["score"] for t in r["traces"]]
    assert scores == sorted(scores, reverse=True)
    assert all(t["matched"] and t["matched"][0]["cite"] for t in r["traces"])
    assert len(trace(gold_graph, "满意度", limit=2)["traces"]) == 2
    picked = trace(gold_graph, "满意度", choice=2)
    assert picked["status"] == "ok" and len(picked["traces"]) == 1
    with pytest.raises(QueryError, match="--pick 99"):
        trace(gold_graph, "满意度", choice=99)


def test_project_code_and_nothing_found(gold_graph) -> None:
    (t,) = trace(gold_graph, "11010222T000000417204")["traces"]
    assert t["project"]["name"] == "西城区政府会议室系统设备保障服务"
    none = trace(gold_graph, "qqqqzzzz")  # the one contract of trace / show / search: status not_found, no items
    assert (none["status"], none["candidates"], none["traces"]) == ("not_found", [], [])
    assert "nothing matches" in none["message"]
    with pytest.raises(QueryError, match="empty query"):
        trace(gold_graph, "  ")


def test_show_project_and_department(gold_graph) -> None:
    r = show(gold_graph, "区委办公室工作经费")  # an alias
    (p,) = r["results"]
    assert p["project"]["name"] == "区委办工作经费" and p["project"]["aliases"] == ["区委办公室工作经费"]
    r = show(gold_graph, "城市管理指挥中心")  # the department, or its 机房维护项目?
    assert r["status"] == "ambiguous" and {c["kind"] for c in r["candidates"]} == {"Department", "Project"}
    n = next(i for i, c in enumerate(r["candidates"], 1) if c["kind"] == "Department")
    assert show(gold_graph, "城市管理指挥中心", choice=n)["results"][0]["kind"] == "department"
    (d,) = show(gold_graph, "北京市西城区城市管理指挥中心")["results"]
    assert d["kind"] == "department" and d["department"]["code"] == "295001"
    (doc,) = d["documents"]
    assert doc["totals"]["total"] is not None and len(doc["projects"]) == 5


def test_show_other_years(syn_graph) -> None:
    g = graph_from_documents([("/s/2023.txt", synthetic_document(2023, "syn_2023.txt")),
                              ("/s/2024.txt", synthetic_document(2024))])
    r = show(g, "外事工作经费")
    assert len(r["results"]) == 2  # the same project in two years, both shown
    assert r["results"][1]["other_years"][0]["year"] == 2023
    assert r["results"][1]["other_years"][0]["method"] == "code"


def test_cli_trace_and_show_json(gold_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["trace", "外事经费", "--store", str(gold_dir), "--json"])
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["traces"][0]["project"]["code"] == "11010223T000001997670"
    res = runner.invoke(app, ["trace", "满意度", "--store", str(gold_dir)])
    assert res.exit_code == 0 and "matches" in res.stdout and "--pick" in res.stdout  # every match traced
    res = runner.invoke(app, ["show", "外事工作经费", "--store", str(gold_dir)])
    assert res.exit_code == 0 and "2010302" in res.stdout
    res = runner.invoke(app, ["trace", "外事", "--store", str(gold_dir / "nope")])
    assert res.exit_code == 2 and "no store here" in res.stderr
