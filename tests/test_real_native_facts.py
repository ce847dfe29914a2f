"""Real disclosures as governments published them (../shared/real-native: 14 PDFs and one web page): the keyed
facts of expect.json (project names, amounts, indicator names with values, achieved values) come out of
``extract_file`` — the native readers' rows through the label-driven form reader."""

from __future__ import annotations

import json

import pytest

from bench.real_native import DEFAULT_DIR, run

pytestmark = pytest.mark.skipif(not (DEFAULT_DIR / "expect.json").exists(), reason="../shared/real-native absent")


@pytest.fixture(scope="module")
def scores():
    return {s.file: s for s in run(DEFAULT_DIR)}


def test_keyed_facts_come_out(scores) -> None:
    found, total = sum(s.found for s in scores.values()), sum(s.total for s in scores.values())
    assert found / total >= 0.95, [m for s in scores.values() for m in s.missed]


@pytest.mark.parametrize("stem", ["01_yantai", "03_xian", "04_changsha", "05_quanzhou", "06_fuzhou", "07_guangzhou",
                                  "09_gjxfj_budget", "10_gjxfj_final", "11_shanghai", "15_ningde"])
def test_every_fact_of_these_files(scores, stem: str) -> None:
    [s] = [s for f, s in scores.items() if f.startswith(stem)]
    assert s.found == s.total, s.missed


@pytest.mark.parametrize("stem", ["12_shanghai", "13_jiangsu"])
def test_files_without_projects_yield_none(scores, stem: str) -> None:
    [s] = [s for f, s in scores.items() if f.startswith(stem)]
    assert s.found == s.total == 1, s.missed


def test_self_evaluation_file_reads_achieved_values() -> None:
    from kg.extract import extract_file

    entry = next(e for e in json.loads((DEFAULT_DIR / "expect.json").read_text(encoding="utf-8"))
                 if e["file"].startswith("10_"))
    doc = extract_file(DEFAULT_DIR / entry["file"])
    assert doc.doc_kind == "final_account"
    by_name = {p.name: p for p in doc.projects}
    for p in entry["projects"]:
        got = by_name[p["name"]]
        assert got.funds is not None and str(got.funds.spent) == f"{float(p['spent_wan']) * 10000:.2f}"


def test_table_continued_without_spanning_column_keeps_its_columns() -> None:
    """File 10's 信息化运行维护 form goes on at the top of p36 without the header's empty column after 三级指标:
    its rows are read by position (regression: the achieved value took the weight, ten false findings)."""
    from kg.audit.report import AuditOptions, audit_paths
    from kg.extract import extract_file

    path = DEFAULT_DIR / "10_gjxfj_final2024.pdf"
    doc = extract_file(path)
    ind = next(i for p in doc.projects for i in p.indicators if i.l3 == "使用部门满意率")
    assert (ind.op, ind.value, ind.unit, ind.actual, ind.weight, ind.score) == ("≥", "96", "%", "90%", "10", "9.3")
    assert ind.provenance is not None and ind.provenance.loc == "p36 t1 r4"
    result = audit_paths([path], AuditOptions())
    assert [f.message for f in result.findings if f.kind.startswith("selfeval.")] == []


@pytest.mark.parametrize(("stem", "department", "year"), [
    ("12_shanghai_putuo_shgzb_final2024.pdf", "中共上海市普陀区委社会工作部", 2024),
    ("13_jiangsu_swbgt_budget2019_tables.pdf", "中共江苏省委办公厅", None)])
def test_disclosure_of_tables_only_is_read_without_projects(stem: str, department: str, year: int | None) -> None:
    """A final account or budget that prints its standard tables and 说明 but no project form is stored (no
    projects, an info note), so its tables and 说明 are audited — file 12's zero-base rate is found from the CLI."""
    from kg.audit.report import AuditOptions, audit_paths
    from kg.extract import extract_file

    doc = extract_file(DEFAULT_DIR / stem)
    assert (doc.department, doc.year, doc.projects) == (department, year, [])
    assert [w.kind for w in doc.warnings] == ["no_project_forms"]
    if year is not None:
        found = audit_paths([DEFAULT_DIR / stem], AuditOptions(severity="warning")).findings
        assert [f.kind for f in found] == ["explanation.zero_base"]
