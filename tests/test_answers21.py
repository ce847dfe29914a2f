"""Issue 21: trace every match, batch questions, the review queue of inferred links, evidence at the value."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from kg.audit.checks_records import check_project_codes
from kg.audit.context import AuditDoc
from kg.graph import build_graph
from kg.ingest import ingest_paths
from kg.links import inferred_links, load_link_decisions
from kg.model import Document, Project, Provenance
from kg.store import Store
from tests.conftest import seed_by_prefix, seed_path

runner = CliRunner()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the five seeds read by the real parsers."""
    d = tmp_path_factory.mktemp("seeds")
    with Store(d) as st:
        ingest_paths(st, [seed_path(seed_by_prefix(f"00{n}_")) for n in range(5)], jobs=1)
    return d


def _cli(*args: str):
    return runner.invoke(app, list(args))


# -- 1. trace every match --------------------------------------------------------------------------------
def test_target_several_projects_carry_is_traced_per_project(seeds: Path) -> None:
    res = _cli("trace", "满意度", "--store", str(seeds), "--json")
    out = json.loads(res.stdout)
    assert res.exit_code == 0 and out["status"] == "several" and "candidates" in out
    projects = [t for t in out["traces"] if t.get("project")]
    assert len(projects) >= 8 and len({t["project"]["id"] for t in projects}) == len(projects)
    keys = [(-t["score"], t["document"]["year"]) for t in out["traces"]]
    assert keys == sorted(keys)  # by match score, then year
    foreign = next(t for t in projects if t["project"]["name"] == "外事工作经费")
    assert foreign["project"]["amount"] == "700000.00" and foreign["document"]["year"] == 2024
    assert foreign["department"]["name"] == "北京市西城区人民政府外事办公室" and foreign["funding"]
    assert foreign["funding"][0]["function"][-1]["code"] == "2010302"
    m = foreign["matched"][0]
    assert m["l3"] == "居民满意度" and (m["op"], m["value"], m["unit"]) == ("≥", "85", "%")
    assert m["cite"].startswith("003_") and ":" in m["cite"]
    assert all(c["year"] for c in out["candidates"])
    assert len(json.loads(_cli("trace", "满意度", "--store", str(seeds), "--json", "--limit", "3").stdout)
               ["traces"]) == 3
    text = _cli("trace", "满意度", "--store", str(seeds)).stdout
    assert "matches" in text and "外事工作经费" in text and "700000.00" in text


def test_department_wide_target_traces_to_totals_and_carrying_projects(seeds: Path) -> None:
    out = json.loads(_cli("trace", "群众满意度", "--store", str(seeds), "--json").stdout)
    rows = [t for t in out["traces"] if t["kind"] == "department_indicator"]
    assert rows, out["status"]
    t = rows[0]
    assert t["department_totals"]["total"] and t["department"]["name"] == "北京市西城区城市管理指挥中心"
    assert any(c["name"] == "12345市民热线西城分中心热线服务项目" and c["target"]["l3"] == "群众满意度"
               for c in t["carried_by"])


# -- 7. batch questions ----------------------------------------------------------------------------------
def test_trace_and_search_batch(seeds: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text("外事经费\n# a note\n\nqqqqzzzz\n满意度\n", encoding="utf-8")
    res = _cli("trace", "--batch", str(queries), "--store", str(seeds))
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["query"] for r in rows} == {"外事经费", "qqqqzzzz", "满意度"}
    foreign = next(r for r in rows if r["query"] == "外事经费")
    assert (foreign["project"], foreign["code"], foreign["amount"], foreign["year"]) == (
        "外事工作经费", "11010223T000001997670", "700000.00", "2024")
    assert foreign["file"].startswith("003_") and foreign["line"].isdigit()
    assert [r["status"] for r in rows if r["query"] == "qqqqzzzz"] == ["not_found"]
    assert sum(r["query"] == "满意度" for r in rows) >= 8
    res = _cli("search", "--batch", str(queries), "--store", str(seeds), "--json", "--limit", "2")
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert res.exit_code == 0 and [x["query"] for x in lines].count("外事经费") == 2
    assert lines[0]["project"] == "外事工作经费" and lines[0]["file"] and lines[0]["line"]
    bad = _cli("trace", "--batch", str(tmp_path / "nope.txt"), "--store", str(seeds))
    assert bad.exit_code == 2 and "nope.txt" in bad.stderr


# -- 6. the review queue -----------------------------------------------------------------------------------
def test_links_listed_decided_and_replayed_after_force(tmp_path: Path) -> None:
    seed = seed_path(seed_by_prefix("004_"))
    store = tmp_path / "st"
    with Store(store) as st:
        ingest_paths(st, [seed], jobs=1)
    out = json.loads(_cli("links", "--store", str(store), "--json", "--below", "0.9").stdout)
    assert out and all(x["confidence"] < 0.9 for x in out)
    assert {"name", "code", "amount", "department", "year"} == set(out[0]["features"])
    repairs = [x for x in out if x["method"].startswith("merged_cell_repair")]
    assert repairs
    wrong, right = repairs[0], next(x for x in out if x["id"] != repairs[0]["id"] and x["rel"] == "HAS_INDICATOR")
    other = next(x["source"]["id"] for x in out if x["source"]["id"] != wrong["source"]["id"]
                 and x["source"]["kind"] == "Project")
    assert _cli("links", "reject", wrong["id"], "--owner", other, "--store", str(store)).exit_code == 0
    assert _cli("links", "accept", right["id"][:8], "--store", str(store)).exit_code == 0
    assert _cli("links", "accept", "zzzz", "--store", str(store)).exit_code == 2
    assert set(load_link_decisions(store)) == {wrong["id"], right["id"]}
    with Store(store) as st:
        ingest_paths(st, [seed], jobs=1, force=True)  # the decisions are keyed by content ids: they survive
        g = build_graph(st)
    target = wrong["target"]["id"]
    owners = [u for u, _, d in g.in_edges(target, data=True) if d["rel"] == "HAS_INDICATOR"]
    assert owners == [other] and g.edges[other, target]["method"] == "reviewed"
    u, v = right["source"]["id"], right["target"]["id"]
    assert g.edges[u, v]["confidence"] == 1.0 and g.edges[u, v]["reviewed"] == "accepted"
    assert right["id"] not in {x["id"] for x in inferred_links(g, below=0.9)}
    traced = json.loads(_cli("trace", wrong["target"]["label"], "--store", str(store), "--json").stdout)
    assert any(t.get("project", {}) and t["project"]["id"] == other for t in traced["traces"])


# -- 5. evidence at the value ------------------------------------------------------------------------------
def test_malformed_code_is_cited_at_its_own_row_not_a_prefix_twin() -> None:
    lines = ["项目代码\t项目名称", "11010222T000000417204\t甲项目", "11010222T00000041720\t乙项目"]
    doc = Document("codes.txt", year=2024, projects=[
        Project(name="乙项目", code="11010222T00000041720", provenance=Provenance("codes.txt", "表", 3, 3))])
    ad = AuditDoc(doc, None, _lines=lines)
    (f,) = [f for f in check_project_codes(ad) if f.kind == "project_code_malformed"]
    assert f.evidence[0].line == 3  # the first 12 characters also match line 2


def test_wrapped_row_evidence_has_line_and_line_end() -> None:
    ad = AuditDoc(Document("w.txt"), None, _lines=["a", "b", "c", "d"])
    ev = ad.evidence(Provenance("w.txt", "表", 2, 4), [], None, "x")
    assert (ev.line, ev.line_end) == (2, 4) and ev.to_dict()["line_end"] == 4
    assert ad.evidence(Provenance("w.txt", "表", 3, 3), [], None, "x").line_end is None
