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


# -- 3. links by evidence ----------------------------------------------------------------------------------
C3 = Path(__file__).resolve().parent / "fixtures" / "cell_per_line" / "c3_culture_2021.txt"
C3_FORM = "\t西城区公共文化服务体系建设项目\n\t预算金额\n\t95.00"


def _renamed(tmp_path: Path, name: str, amount: str) -> Path:
    text = C3.read_text(encoding="utf-8")
    assert C3_FORM in text
    out = tmp_path / "renamed.txt"
    out.write_text(text.replace(C3_FORM, f"\t{name}\n\t预算金额\n\t{amount}"), encoding="utf-8")
    return out


def test_renamed_form_links_to_the_table_project_and_the_difference_is_a_finding(tmp_path: Path) -> None:
    from kg.audit import run_audit
    from kg.extract import extract_file

    f = _renamed(tmp_path, "西城区公共文化服务中心（站）体系建设保障项目", "95.14")  # 1,400 元 above the table
    doc = extract_file(f)
    assert len(doc.projects) == 6  # no second, codeless project
    (p,) = [p for p in doc.projects if p.name == "公共文化服务体系建设"]
    assert len(p.indicators) == 10 and {i.link_method for i in p.indicators} == {"form:evidence"}
    assert all(0.7 <= i.confidence < 1 for i in p.indicators)
    assert "西城区公共文化服务中心（站）体系建设保障项目" in p.aliases
    feats = [w.message for w in doc.warnings if w.kind == "form_link_features"]
    assert feats and "amount" in feats[0] and "name" in feats[0]
    (finding,) = [x for x in run_audit([AuditDoc(doc, f)]) if x.kind == "form_amount_vs_table"]
    assert "difference 1,400.00 元" in finding.message and finding.evidence[0].text == "95.14"
    assert finding.values == {"form": "951400.00", "table": "950000.00"}


def test_form_without_plausible_owner_stays_unlinked_and_reported(tmp_path: Path) -> None:
    from kg.extract import extract_file

    doc = extract_file(_renamed(tmp_path, "街道垃圾分类宣传活动", "3.00"))
    assert any(w.kind == "form_without_budget_line" for w in doc.warnings)
    assert not any(i.link_method == "form:evidence" for p in doc.projects for i in p.indicators)


def test_choose_owner_needs_a_clear_lead() -> None:
    from decimal import Decimal as D

    from kg.evidence_link import Candidate, choose_owner

    cands = [Candidate("社区服务站运行保障经费", D("498600")), Candidate("政务服务中心信息化建设", D("500000"))]
    link = choose_owner("社区服务中心（站）运行保障项目", [D("500000")], cands)
    assert link and link.index == 0 and set(link.features) == {"name", "words", "amount", "code"}
    assert choose_owner("社区服务中心（站）运行保障项目", [D("500000")], cands, code="X", taken={0}) is None
    twins = [Candidate("社区服务站运行保障经费", D("500000")), Candidate("社区服务站运行保障费用", D("500000"))]
    assert choose_owner("社区服务中心（站）运行保障项目", [D("500000")], twins) is None
