"""Self-evaluations through the store, the graph, trace, show, search --met/--unmet and export."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from index import open_search_index
from index import search as search_index
from kg.export import export_all
from kg.extract import extract_file
from kg.graph import build_graph
from kg.graph_edges import out_edges
from kg.model import Document
from kg.show import show_store
from kg.store import Store
from kg.trace import trace_store
from tests.test_audit_selfeval import SELFEVAL, budget_file

S6 = SELFEVAL / "S6_selfeval_2023.txt"
EXACT = sorted(p.stem for p in SELFEVAL.glob("*.txt"))


@pytest.mark.parametrize("stem", EXACT)
def test_store_round_trip_keeps_the_evaluation(tmp_path: Path, stem: str) -> None:
    doc = extract_file(SELFEVAL / f"{stem}.txt")
    with Store(tmp_path / "st") as st:
        st.put_document(stem, doc)
        back = st.load_document(stem)
    assert back.to_dict() == doc.to_dict()
    assert back.to_gold_dict() == doc.to_gold_dict()
    for p, q in zip(doc.projects, back.projects, strict=True):
        assert (q.funds, q.total_score, q.outcome, q.implementing_unit) == \
            (p.funds, p.total_score, p.outcome, p.implementing_unit)
        assert [(i.actual, i.weight, i.score, i.reason, i.met, i.evaluated) for i in q.indicators] == \
            [(i.actual, i.weight, i.score, i.reason, i.met, i.evaluated) for i in p.indicators]
    assert [(x.actual, x.score, x.evaluated) for x in back.department_indicators] == \
        [(x.actual, x.score, x.evaluated) for x in doc.department_indicators]


def test_store_rows_carry_the_evaluation(tmp_path: Path) -> None:
    with Store(tmp_path / "st") as st:
        st.put_document("k", extract_file(SELFEVAL / "k_six_projects_2024.txt"))
        st.put_document("h", extract_file(SELFEVAL / "h_department_wide_2023.txt"))
        row = st.conn.execute("SELECT funds_budget, funds_spent, funds_rate, total_score FROM projects "
                              "WHERE doc_id='k' AND name='乡镇敬老院改造提升项目'").fetchone()
        assert row == ("450000.00", "472500.00", "105.00%", "100.00")
        assert st.conn.execute("SELECT actual, score, met FROM indicators WHERE doc_id='k' AND l3='改造总成本'"
                               ).fetchone() == ("47.25万元", "10", 0)
        assert st.conn.execute("SELECT actual, met FROM department_indicators WHERE l3='婴儿死亡率'").fetchone() == \
            ("2.8‰", 0)


def test_older_store_gains_the_columns(tmp_path: Path) -> None:
    with Store(tmp_path / "st") as st:
        for table in ("indicators", "department_indicators"):
            for col in ("actual", "weight", "score", "reason", "met"):
                st.conn.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
    with Store(tmp_path / "st") as st:  # opened for writing: the columns come back, a document is stored
        st.put_document("s6", extract_file(S6))
    cols = {r[1] for r in sqlite3.connect(tmp_path / "st" / "perfkg.sqlite").execute("PRAGMA table_info(indicators)")}
    assert {"actual", "met"} <= cols


@pytest.fixture
def pair_store(tmp_path: Path) -> Path:
    """S6 (self-evaluation 2023) and a budget of the same department and year with two targets lowered."""
    st_dir = tmp_path / "st"
    with Store(st_dir) as st:
        for p in (S6, budget_file(tmp_path, stations="40", days="3")):
            st.put_document(p.name, extract_file(p))
    return st_dir


def test_graph_links_evaluation_to_budget(pair_store: Path) -> None:
    with Store(pair_store, create=False) as st:
        g = build_graph(st)
    ev = {a["name"]: (pid, a) for pid, a in g.nodes(data=True)
          if a.get("kind") == "Project" and a.get("doc_kind") == "final_account"}
    pid, a = ev["西城区养老服务驿站运营补贴项目"]
    assert a["evaluated"] is True and a["funds_rate"] == "98.04%" and a["funds_budget"] == "3185000.00"
    (bud, d), = out_edges(g, pid, "EVALUATES")
    assert g.nodes[bud]["doc_kind"] == "budget" and (d["method"], d["confidence"]) == ("exact_name", 1.0)
    (_, d2), = out_edges(g, ev["西城区困难群众临时救助资金"][0], "EVALUATES")
    assert d2["method"] == "fuzzy_name" and 0.9 <= d2["confidence"] < 1
    ind = next(i for i, _ in out_edges(g, pid, "HAS_INDICATOR") if g.nodes[i]["l3"] == "补贴驿站数量")
    assert g.nodes[ind]["met"] is True and g.nodes[ind]["actual"] == "37家"
    (promised, _), = out_edges(g, ind, "ANSWERS")
    assert (g.nodes[promised]["op"], g.nodes[promised]["value"]) == ("≥", "40")
    # a project the budget does not hold has no EVALUATES edge; budget projects evaluate nothing
    assert not out_edges(g, ev["社会组织孵化培育服务项目"][0], "EVALUATES")
    assert not any(out_edges(g, n, "EVALUATES") for n, x in g.nodes(data=True) if x.get("doc_kind") == "budget")


def test_trace_of_a_target_reads_promised_achieved_score(pair_store: Path) -> None:
    with Store(pair_store, create=False) as st:
        res = trace_store(st, "补贴驿站数量", choice=2)
    t, = res["traces"]
    assert t["start"]["evaluation"] == {"actual": "37家", "weight": "10", "score": "10", "reason": None, "met": True}
    assert t["start"]["promised"]["value"] == "40" and t["start"]["promised"]["source"] == "S6_budget_2023.txt"
    assert t["chain"] == "budget ≥40家 → evaluated ≥37家 → achieved 37家 → score 10/10 (met)"
    with Store(pair_store, create=False) as st:
        budget_side = trace_store(st, "补贴驿站数量", choice=1)["traces"][0]
    assert budget_side["start"]["evaluation"] is None and budget_side["chain"] is None
    assert set(budget_side) >= {"project", "indicators", "other_years", "funding"}  # existing keys kept


def test_show_puts_both_documents_side_by_side(pair_store: Path) -> None:
    for name in ("西城区困难群众临时救助资金", "西城区困难群众临时救助资金项目"):
        with Store(pair_store, create=False) as st:
            r, = show_store(st, name)["results"]
        rows = {x["l3"]: x for x in r["side_by_side"]}
        assert rows["救助审批时限"]["budget"]["value"] == "3"
        assert rows["救助审批时限"]["evaluation"]["value"] == "5"
        assert rows["救助审批时限"]["evaluation"]["actual"] == "5个工作日"
        assert rows["救助对象满意度"]["budget"] is None  # printed only in the self-evaluation
    with Store(pair_store, create=False) as st:
        r, = show_store(st, "西城区困难群众临时救助资金")["results"]
    assert r["evaluation"]["funds"]["rate"] == "100%" and r["evaluation"]["total_score"] == "100.00"
    assert r["budget_project"]["method"] == "fuzzy_name"


def test_search_met_unmet(tmp_path: Path) -> None:
    st_dir = tmp_path / "st"
    with Store(st_dir) as st:
        for stem in ("S6_selfeval_2023", "h_department_wide_2023", "k_six_projects_2024"):
            st.put_document(stem, extract_file(SELFEVAL / f"{stem}.txt"))
    si, _ = open_search_index(st_dir)
    unmet = search_index(si, "", met=False, limit=50)
    assert sorted((h.name, h.line) for h in unmet.hits) == sorted([
        ("孵化培育社会组织数量", 66), ("婴儿死亡率", 78), ("提供养老服务人次", 118), ("改造总成本", 57)])
    assert all(h.met is False for h in unmet.hits)
    hits = search_index(si, "满意度", met=True, limit=50).hits
    assert hits and all(h.met is True and h.kind in ("indicator", "department_indicator") for h in hits)
    plain = {h.eid: h.met for h in search_index(si, "养老", limit=50).hits}
    kept = {h.eid for h in search_index(si, "养老", met=True, limit=50).hits}
    assert False in plain.values() and None in plain.values()  # the filter has something to filter
    assert kept == {e for e, m in plain.items() if m is True}
    assert search_index(si, "养老", met=False).hits[0].name == "提供养老服务人次"


def test_export_carries_the_evaluation(pair_store: Path, tmp_path: Path) -> None:
    with Store(pair_store, create=False) as st:
        g = build_graph(st)
        export_all(g, st, tmp_path / "out", ("csv", "jsonl", "graphml"))
    with (tmp_path / "out" / "records" / "indicators.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["l3"] == "孵化培育社会组织数量")
    assert (row["actual"], row["weight"], row["score"], row["met"]) == ("12家", "20", "16", "0")
    lines = (tmp_path / "out" / "records" / "projects.jsonl").read_text(encoding="utf-8").splitlines()
    p = next(json.loads(x) for x in lines if json.loads(x)["name"] == "社会组织孵化培育服务项目")
    assert (p["funds_spent"], p["funds_rate"], p["total_score"], p["evaluated"]) == ("648000.00", "75%", "93.50", 1)
    graphml = (tmp_path / "out" / "graph.graphml").read_text(encoding="utf-8")
    assert 'attr.name="met"' in graphml and "EVALUATES" in graphml and "ANSWERS" in graphml


def test_document_from_gold_key_has_no_evaluation_edges() -> None:
    """A budget-only graph gains no new edges or attributes."""
    from kg.graph import graph_from_documents

    bud = Document.from_dict(extract_file(SELFEVAL.parent / "forms" /
                                          "f11_tabs_wide_table_operator_column_2025.txt").to_dict())
    g = graph_from_documents([("f11", bud)])
    assert not any(d.get("rel") in ("EVALUATES", "ANSWERS") for *_, d in g.edges(data=True))
    assert not any("met" in a or "evaluated" in a for _, a in g.nodes(data=True))
