"""Self-evaluation audit checks (selfeval.*): each fires on its planted case and stays quiet on the clean
near-miss; pinned on the fixtures the forms reader reads exactly and on planted copies of S6."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kg.audit import AuditDoc, run_audit
from kg.audit.checks_selfeval import SELFEVAL_KINDS
from kg.extract import extract_file

SELFEVAL = Path(__file__).resolve().parent / "fixtures" / "selfeval"
S6 = SELFEVAL / "S6_selfeval_2023.txt"
FUNDS_1 = "\t年度资金总额\t320.00\t318.50\t312.27\t10\t98.04%\t9.80\t"
TOTAL_1 = "总分\t\t\t\t\t\t100\t97.80\t"
STATIONS = "\t产出指标\t数量指标\t补贴驿站数量\t≥37家\t37家\t10\t10\t"
COST = "\t\t成本指标\t项目预算控制数\t≤318.5万元\t312.27万元\t10\t10\t"
FUNDS_2 = "\t年度资金总额\t150.00\t186.30\t185.90\t10\t100%\t10.00\t"

# Planted inconsistencies in the fixtures: (fixture, kind, project, first evidence line).
PLANTED = {
    ("a_cell_per_line_2023", "selfeval.unmet_full_marks", "农村人居环境整治专项", 251),
    ("b_pipe_cells_2023", "selfeval.total_score", "城市生活垃圾清运处置经费", 50),
    ("c_glued_cells_2022", "selfeval.funds_score", "水旱灾害防御能力提升项目", 5),
    ("c_glued_cells_2022", "selfeval.unmet_no_reason", "水旱灾害防御能力提升项目", 5),
    ("d_pdf_wrapped_pagebreak_2023", "selfeval.unmet_full_marks", "公共文化服务体系建设补助", 30),
    ("d_pdf_wrapped_pagebreak_2023", "selfeval.unmet_no_reason", "公共文化服务体系建设补助", 30),
    ("e_tabbed_quoted_cells_2022", "selfeval.rate_mismatch", "义务教育阶段课后服务经费", 29),
    ("h_department_wide_2023", "selfeval.unmet_full_marks", "部门整体", 78),
    ("h_department_wide_2023", "selfeval.unmet_no_reason", "部门整体", 78),
    ("j_gb18030_yuan_direction_2022", "selfeval.weights_total", "特种设备安全监管经费", 43),
    ("k_six_projects_2024", "selfeval.overspent", "乡镇敬老院改造提升项目", 47),
    ("k_six_projects_2024", "selfeval.cost_over_target", "乡镇敬老院改造提升项目", 57),
    ("k_six_projects_2024", "selfeval.unmet_full_marks", "乡镇敬老院改造提升项目", 57),
    ("k_six_projects_2024", "selfeval.unmet_no_reason", "乡镇敬老院改造提升项目", 57),
    ("p_glued_unscored_page_chunks_2023", "selfeval.unmet_no_reason", "县级应急物资储备", 3),
}
# every fixture (all are read exactly); the rows of the fixtures' README "Planted inconsistencies" table
EXACT = sorted(p.stem for p in SELFEVAL.glob("*.txt"))


def selfeval_findings(*paths: Path):
    return [f for f in run_audit([AuditDoc(extract_file(p), p) for p in paths]) if f.kind.startswith("selfeval.")]


def planted(tmp_path: Path, *edits: tuple[str, str], name: str = "S6_selfeval_2023.txt") -> Path:
    text = S6.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    out = tmp_path / name
    out.write_text(text, encoding="utf-8")
    return out


def kinds(findings) -> Counter:
    return Counter(f.kind for f in findings)


@pytest.mark.parametrize("stem", EXACT)
def test_fixtures_raise_exactly_the_planted_findings(stem: str) -> None:
    got = {(stem, f.kind, f.project, f.evidence[0].line) for f in selfeval_findings(SELFEVAL / f"{stem}.txt")}
    assert got == {x for x in PLANTED if x[0] == stem}


def test_findings_cite_file_and_line() -> None:
    for f in selfeval_findings(SELFEVAL / "b_pipe_cells_2023.txt", SELFEVAL / "k_six_projects_2024.txt"):
        assert f.kind in SELFEVAL_KINDS and f.severity == "warning"
        assert all(e.file.endswith(".txt") and e.line for e in f.evidence)


def test_s6_clean_and_rate_printed_without_decimals_is_rounding(tmp_path: Path) -> None:
    """185.90 / 186.30 = 99.79% printed as 100% (0 decimals) rounds to 100: not a finding; 99.8% neither."""
    assert selfeval_findings(S6) == []
    # 99.8% is right too; only its score (10 × 99.8% = 9.98, printed 10.00) is then off
    got = selfeval_findings(planted(tmp_path, (FUNDS_2, FUNDS_2.replace("100%", "99.8%"))))
    assert kinds(got) == {"selfeval.funds_score": 1}
    got = selfeval_findings(planted(tmp_path, (FUNDS_2, FUNDS_2.replace("100%", "99.7%"))))
    assert kinds(got)["selfeval.rate_mismatch"] == 1 and got[0].evidence[0].line == 38


def test_rate_mismatch(tmp_path: Path) -> None:
    got = selfeval_findings(planted(tmp_path, (FUNDS_1, FUNDS_1.replace("98.04%", "97.04%").replace("9.80", "9.70")),
                                    (TOTAL_1, TOTAL_1.replace("97.80", "97.70"))))
    assert kinds(got) == {"selfeval.rate_mismatch": 1}
    assert got[0].values["printed"] == "97.04%" and got[0].values["computed"].startswith("98.04")


def test_overspent(tmp_path: Path) -> None:
    over = FUNDS_1.replace("312.27", "318.60").replace("98.04%", "100.03%").replace("9.80", "10.00")
    got = selfeval_findings(planted(tmp_path, (FUNDS_1, over), (TOTAL_1, TOTAL_1.replace("97.80", "98.00"))))
    assert kinds(got) == {"selfeval.overspent": 1} and got[0].evidence[0].line == 15
    exact = FUNDS_1.replace("312.27", "318.50").replace("98.04%", "100%").replace("9.80", "10.00")
    assert selfeval_findings(planted(tmp_path, (FUNDS_1, exact), (TOTAL_1, TOTAL_1.replace("97.80", "98.00")))) == []


def test_funds_score(tmp_path: Path) -> None:
    got = selfeval_findings(planted(tmp_path, (FUNDS_1, FUNDS_1.replace("9.80", "10.00")),
                                    (TOTAL_1, TOTAL_1.replace("97.80", "98.00"))))
    assert kinds(got) == {"selfeval.funds_score": 1} and got[0].values["expected"].startswith("9.804")
    # 10 × 98.04% = 9.804, printed 9.80: within the rounding of the score (S6 itself is clean)
    assert selfeval_findings(planted(tmp_path, (FUNDS_1, FUNDS_1.replace("9.80", "9.8")))) == []


def test_total_score(tmp_path: Path) -> None:
    got = selfeval_findings(planted(tmp_path, (TOTAL_1, TOTAL_1.replace("97.80", "98.80"))))
    assert kinds(got) == {"selfeval.total_score": 1}
    assert [e.line for e in got[0].evidence][:2] == [30, 15]
    assert selfeval_findings(planted(tmp_path, (TOTAL_1, TOTAL_1.replace("97.80", "97.8")))) == []


def test_weights_total(tmp_path: Path) -> None:
    got = selfeval_findings(planted(tmp_path, (STATIONS, STATIONS.replace("\t10\t10\t", "\t15\t10\t"))))
    assert kinds(got) == {"selfeval.weights_total": 1} and got[0].values["computed"] == "105"


def test_unmet_full_marks_and_no_reason(tmp_path: Path) -> None:
    got = selfeval_findings(planted(tmp_path, (STATIONS, STATIONS.replace("\t37家\t", "\t35家\t"))))
    assert kinds(got) == {"selfeval.unmet_full_marks": 1, "selfeval.unmet_no_reason": 1}
    assert {f.evidence[0].line for f in got} == {22}
    # a reason given and points lost: quiet; a reason but full marks: only the full marks
    lost = STATIONS.replace("\t37家\t10\t10\t", "\t35家\t10\t8\t场地原因")
    assert selfeval_findings(planted(tmp_path, (STATIONS, lost), (TOTAL_1, TOTAL_1.replace("97.80", "95.80")))) == []
    full = STATIONS.replace("\t37家\t10\t10\t", "\t35家\t10\t10\t场地原因")
    assert kinds(selfeval_findings(planted(tmp_path, (STATIONS, full)))) == {"selfeval.unmet_full_marks": 1}
    # met exactly at the bound: quiet
    assert selfeval_findings(planted(tmp_path, (STATIONS, STATIONS.replace("\t37家\t", "\t37.0家\t")))) == []


def test_cost_over_target_across_money_units(tmp_path: Path) -> None:
    got = selfeval_findings(planted(tmp_path, (COST, COST.replace("312.27万元", "320.00万元"))))
    assert kinds(got) == {"selfeval.cost_over_target": 1, "selfeval.unmet_full_marks": 1,
                          "selfeval.unmet_no_reason": 1}
    # 元 against a 万元 target: compared in yuan (met is undecided across units, so only the cost check speaks)
    got = selfeval_findings(planted(tmp_path, (COST, COST.replace("312.27万元", "3190000元"))))
    assert kinds(got) == {"selfeval.cost_over_target": 1} and got[0].values["actual"] == "3190000.00"
    assert selfeval_findings(planted(tmp_path, (COST, COST.replace("312.27万元", "3185000元")))) == []
    assert selfeval_findings(planted(tmp_path, (COST, COST.replace("312.27万元", "318.5万元")))) == []


BUDGET = """北京市西城区民政局2023年项目支出绩效目标表
单位：万元

项目名称	资金总额(万元)	年度绩效目标	一级指标	二级指标	三级指标	指标值类型	指标值	度量单位	备注
西城区养老服务驿站运营补贴项目	318.5	补贴养老服务驿站运营。	产出指标	数量指标	补贴驿站数量	≥	{stations}	家
				数量指标	服务老年人人次	≥	12	万人次
			成本指标	经济成本指标	项目预算控制数	≤	318.5	万元
			满意度指标	服务对象满意度指标	老年人满意度	≥	{satisfaction}	%
西城区困难群众临时救助资金项目	186.3	做好临时救助。	产出指标	数量指标	救助人次	≥	1200	人次
				时效指标	救助审批时限	≤	{days}	个工作日
"""


def budget_file(tmp_path: Path, stations: str = "37", satisfaction: str = "90", days: str = "5",
                name: str = "S6_budget_2023.txt") -> Path:
    p = tmp_path / name
    p.write_text(BUDGET.format(stations=stations, satisfaction=satisfaction, days=days), encoding="utf-8")
    return p


def test_budget_fixture_reads_as_the_same_department_and_year(tmp_path: Path) -> None:
    doc = extract_file(budget_file(tmp_path))
    assert (doc.doc_kind, doc.department, doc.year) == ("budget", "北京市西城区民政局", 2023)
    assert [len(p.indicators) for p in doc.projects] == [4, 2]


def test_target_lowered(tmp_path: Path) -> None:
    bud = budget_file(tmp_path, stations="40", days="3")
    got = selfeval_findings(S6, bud)
    assert kinds(got) == {"selfeval.target_lowered": 2}
    by_project = {f.project: f for f in got}
    f = by_project["西城区养老服务驿站运营补贴项目"]
    assert f.values["promised"] == "补贴驿站数量 ≥40家" and f.values["evaluated"] == "补贴驿站数量 ≥37家"
    assert f.values["project_match"] == "exact_name"
    assert [(e.file, e.line) for e in f.evidence] == [("S6_selfeval_2023.txt", 22), ("S6_budget_2023.txt", 5)]
    g = by_project["西城区困难群众临时救助资金"]  # ≤ 3 days promised, ≤ 5 evaluated: a looser bound
    assert g.values["project_match"] == "fuzzy_name" and float(g.values["project_confidence"]) >= 0.9
    assert [(e.file, e.line) for e in g.evidence] == [("S6_selfeval_2023.txt", 47), ("S6_budget_2023.txt", 10)]


def test_target_kept_or_raised_is_quiet(tmp_path: Path) -> None:
    assert selfeval_findings(S6, budget_file(tmp_path)) == []  # the same targets
    # raised (≥35 → ≥37, ≤7 → ≤5) or tightened: quiet
    assert selfeval_findings(S6, budget_file(tmp_path, stations="35", days="7")) == []
    # another year, or another department: not compared
    other_year = budget_file(tmp_path, stations="40", name="b.txt")
    other_year.write_text(other_year.read_text(encoding="utf-8").replace("2023年", "2024年"), encoding="utf-8")
    assert selfeval_findings(S6, other_year) == []
    other_dept = budget_file(tmp_path, stations="40", name="c.txt")
    other_dept.write_text(other_dept.read_text(encoding="utf-8").replace("民政局", "卫生健康委员会"), encoding="utf-8")
    assert selfeval_findings(S6, other_dept) == []
