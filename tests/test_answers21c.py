"""Issue 21, what was left: funding is not a project (4), evidence links in every family with a project table (3),
the auditor's link decisions used by the audit (6). Fixtures: tests/fixtures/funding/ (see its README)."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from kg.audit import run_audit
from kg.audit.context import AuditDoc
from kg.extract import extract_file
from kg.graph import graph_from_documents
from kg.model import Document, Figure, FundingLine, Project, Provenance
from kg.store import SCHEMA_VERSION, Store
from kg.store_schema import PROVENANCE_TABLES
from tests.conftest import assert_projects_equal, seed_by_prefix, seed_path

FIX = Path(__file__).resolve().parent / "fixtures" / "funding"
STEMS = sorted(p.stem for p in FIX.glob("*.txt"))
EXTRA = ("notes", "funding", "transfer_lines", "evidence")
runner = CliRunner()


def key_of(stem: str) -> dict:
    return json.loads((FIX / f"{stem}.json").read_text(encoding="utf-8"))


@cache
def doc_of(stem: str) -> Document:
    return extract_file(FIX / f"{stem}.txt")


def _cli(*args: str):
    return runner.invoke(app, list(args))


# -- every fixture record equals its key ------------------------------------------------------------------
@pytest.mark.parametrize("stem", STEMS)
def test_fixture_records_equal_their_keys(stem: str) -> None:
    key, doc = key_of(stem), doc_of(stem)
    pred = doc.to_gold_dict()
    assert {k: v for k, v in pred.items() if k != "projects"} == {k: v for k, v in key.items()
                                                                   if k not in (*EXTRA, "projects")}
    assert_projects_equal(pred["projects"], key["projects"])
    assert [f.to_dict() for f in doc.funding] == key.get("funding", [])
    by_name = {p.name: p for p in doc.projects}
    for name, lines in key.get("transfer_lines", {}).items():
        got = [f.to_dict() for f in by_name[name].funding_lines if f.source]
        assert got == lines, name


# -- 4. funding is not a project ---------------------------------------------------------------------------
def test_transfer_row_of_a_table_project_is_its_funding_line_not_a_second_project() -> None:
    doc = doc_of("c5_cell_per_line_transfers_2021")
    (p,) = [p for p in doc.projects if p.name == "文化惠民演出"]
    assert p.amount == Decimal("600000.00")  # the row says where part of its money comes from: not added
    assert [f.source for f in p.funding_lines] == [None, "专项转移支付"]
    assert sum(p.name == "文化惠民演出" for p in doc.projects) == 1
    assert not any(p.name in ("什刹海街道", "德胜街道", "街道综合文化中心运行补助") for p in doc.projects)
    assert {f.recipient for f in doc.funding} == {"什刹海街道", "德胜街道"}
    kinds = [f.kind for f in run_audit([AuditDoc(doc, FIX / "c5_cell_per_line_transfers_2021.txt")])]
    assert "funding_lines_vs_amount" not in kinds  # 600,000 + a 200,000 transfer line is not 800,000 of money


def test_seed_001_transfer_project_stays_a_project_with_its_origin_visible() -> None:
    doc = extract_file(seed_path(seed_by_prefix("001_")))
    (p,) = [p for p in doc.projects if p.name == "2019年新开办企业刻章补助经费"]
    (fl,) = p.funding_lines
    assert (p.amount, fl.source, fl.doc_no) == (Decimal("1293300.00"), "专项转移支付", "京财党政群指【2018】2181号")
    assert doc.funding == []


def test_department_funding_in_store_graph_and_show(tmp_path: Path) -> None:
    f = FIX / "g1_forms_project_table_outgoing_2024.txt"
    with Store(tmp_path / "st") as st:
        assert _cli("ingest", str(f), "--store", str(tmp_path / "st")).exit_code == 0
        rows = st.conn.execute("SELECT project_n, recipient, purpose, source, amount FROM funding_lines "
                               "WHERE project_n = -1 ORDER BY n").fetchall()
        (doc_id, doc), = list(st.iter_documents())
    assert rows == [(-1, "永宁镇", "农村人居环境整治补助", "对下转移支付", "300000.00"),
                    (-1, "康庄镇", "农村人居环境整治补助", "对下转移支付", "260000.00"),
                    (-1, "旧县镇", "美丽乡村村庄保洁补助", "对下转移支付", "145000.00")]
    assert [x.to_dict() for x in doc.funding] == key_of(f.stem)["funding"]  # the stored JSON gives it back
    g = graph_from_documents([(doc_id, doc)])
    dep = next(n for n, a in g.nodes(data=True) if a.get("kind") == "Department")
    funded = [v for _, v, d in g.out_edges(dep, data=True) if d["rel"] == "HAS_FUNDING"]
    assert [g.nodes[v]["recipient"] for v in funded] == ["永宁镇", "康庄镇", "旧县镇"]
    assert all(g.has_edge(v, "class:econ_gov:51301") for v in funded)
    out = json.loads(_cli("show", "北京市延庆区农业农村局", "--store", str(tmp_path / "st"), "--json").stdout)
    (d,) = out["results"][0]["documents"]
    assert [(x["recipient"], x["amount"], x["source"]) for x in d["funding"]] == [
        ("永宁镇", "300000.00", "对下转移支付"), ("康庄镇", "260000.00", "对下转移支付"),
        ("旧县镇", "145000.00", "对下转移支付")]
    assert len(d["projects"]) == 4


def test_project_sum_counts_department_funding() -> None:
    prov = Provenance("x.txt", "表", 1, 1)
    doc = Document("x.txt", doc_kind="budget", totals={"project": Figure("project", Decimal("1000.00"), "1,000.00")},
                   projects=[Project("甲", Decimal("700.00"), "700.00", provenance=prov)])
    assert [f.kind for f in run_audit([AuditDoc(doc, None, _lines=["x"])])].count("project_sum") == 1
    doc.funding = [FundingLine(None, Decimal("300.00"), "300.00", source="对下转移支付", recipient="某镇")]
    assert [f.kind for f in run_audit([AuditDoc(doc, None, _lines=["x"])])].count("project_sum") == 0


def test_schema_2_store_migrates_and_a_read_only_one_still_opens(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    f = FIX / "c5_cell_per_line_transfers_2021.txt"
    for name in ("rw", "ro"):
        with Store(tmp_path / name) as st:
            assert _cli("ingest", str(f), "--store", str(tmp_path / name)).exit_code == 0
            n = st.counts()["funding_lines"]
        conn = sqlite3.connect(tmp_path / name / "perfkg.sqlite")  # what schema 2 had
        for col in ("recipient", "doc_no", "purpose"):
            conn.execute(f"ALTER TABLE funding_lines DROP COLUMN {col}")
        for table in PROVENANCE_TABLES:  # schema 4's loc
            conn.execute(f"ALTER TABLE {table} DROP COLUMN loc")
        conn.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
        conn.commit()
        conn.close()
    with Store(tmp_path / "rw", create=False) as st:  # a read-only command migrates a writable store
        assert st.schema_version == SCHEMA_VERSION == 4 and "purpose" in st._columns("funding_lines")
        assert all("loc" in st._columns(t) for t in PROVENANCE_TABLES)
        assert st.counts()["funding_lines"] == n
    monkeypatch.setattr("kg.store.is_writable", lambda _p: False)  # a read-only folder (even for root)
    with Store(tmp_path / "ro", create=False) as st:  # read as it is
        assert st.schema_version == 2
        (_, doc), = list(st.iter_documents())
        assert {x.recipient for x in doc.funding} == {"什刹海街道", "德胜街道"}


# -- 3. links by evidence in every family with a project table ---------------------------------------------
@pytest.mark.parametrize("stem", ["g1_forms_project_table_outgoing_2024", "t1_tabbed_renamed_form_2025"])
def test_renamed_form_is_linked_by_evidence(stem: str) -> None:
    key, doc = key_of(stem), doc_of(stem)
    ev = key["evidence"]
    (p,) = [p for p in doc.projects if p.name == ev["project"]]
    assert p.indicators and {(i.link_method, i.confidence) for i in p.indicators} == {("form:evidence",
                                                                                         ev["confidence"])}
    (note,) = [w.message for w in doc.warnings if w.kind == "form_link_features"]
    assert all(f"{k} {v:.2f}" in note for k, v in ev["features"].items()) and f"confidence {ev['confidence']}" in note
    assert not [q for q in doc.projects if q.name in p.aliases]  # no codeless duplicate
    (fig,) = [o for o in doc.outcomes if o.key == "form_amount"]
    assert (str(fig.amount), fig.provenance.line_start, fig.subject) == (ev["form_amount"], ev["form_amount_line"],
                                                                        p.aliases[0])
    (finding,) = [x for x in run_audit([AuditDoc(doc, FIX / f"{stem}.txt")]) if x.kind == "form_amount_vs_table"]
    assert finding.project == p.name and "difference 1,400.00 元" in finding.message
    assert finding.evidence[0].line == ev["form_amount_line"]


def test_form_without_plausible_owner_stays_unlinked_and_is_reported() -> None:
    stem = "g1_forms_project_table_outgoing_2024"
    doc = doc_of(stem)
    (p,) = [p for p in doc.projects if p.name == "冬季农业技术培训讲座"]
    assert p.code is None and {i.link_method for i in p.indicators} == {"form"}
    (f,) = [x for x in run_audit([AuditDoc(doc, FIX / f"{stem}.txt")]) if x.kind == "form_unlinked"]
    assert "冬季农业技术培训讲座" in f.message and f.severity == "warning"


# -- 6. link decisions used by the audit, replayed after ingest --force -----------------------------------
def _form_link(store: Path) -> dict:
    out = json.loads(_cli("links", "--store", str(store), "--json").stdout)
    (link,) = [x for x in out if x["rel"] == "HAS_FORM"]
    assert link["method"] == "form:evidence" and link["features"]["amount"] > 0.99
    return link


def _audit(store: Path) -> list[dict]:
    return json.loads(_cli("audit", "--store", str(store), "--json").stdout)["findings"]


@pytest.mark.parametrize("owner", [None, 1])
def test_link_decision_changes_the_audit_after_force(tmp_path: Path, owner: int | None) -> None:
    f = FIX / "g1_forms_project_table_outgoing_2024.txt"
    store = tmp_path / "st"
    assert _cli("ingest", str(f), "--store", str(store)).exit_code == 0
    before = [x for x in _audit(store) if x["kind"] == "form_amount_vs_table"]
    assert [(x["project"], x["values"]) for x in before] == [
        ("农村公路日常养护经费", {"form": "827400.00", "table": "826000.00"})]
    link = _form_link(store)
    args = ["--owner", link["source"]["id"].replace("#0", f"#{owner}")] if owner is not None else []
    assert _cli("links", "reject", link["id"], *args, "--store", str(store)).exit_code == 0
    assert _cli("ingest", str(f), "--store", str(store), "--force").exit_code == 0
    after = _audit(store)
    amounts = [(x["project"], x["values"]) for x in after if x["kind"] == "form_amount_vs_table"]
    if owner is None:  # unlinked: compared with nothing, reported as rejected
        assert amounts == []
        assert any(x["kind"] == "form_unlinked" and x["severity"] == "info" and "rejected" in x["message"]
                   for x in after)
        assert any(x["kind"] == "project_without_target_form" and x["project"] == "农村公路日常养护经费" for x in after)
    else:  # reassigned: compared with the new owner's amount
        assert amounts == [("高标准农田建设监测", {"form": "827400.00", "table": "415500.00"})]
    shown = json.loads(_cli("show", "北京市延庆区农业农村局", "--store", str(store), "--json").stdout)
    targets = {p["name"]: p["indicators"] for p in shown["results"][0]["documents"][0]["projects"]}
    assert targets["农村公路日常养护经费"] == 0 and targets["高标准农田建设监测"] == (0 if owner is None else 4)
