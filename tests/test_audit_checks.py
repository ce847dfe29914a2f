"""Each check on small made-up documents: what it reports, and the tolerances that keep it quiet."""

from __future__ import annotations

from decimal import Decimal

from kg.audit import AuditDoc, run_audit
from kg.audit.checks_money import check_cost_target, check_funding_lines, check_project_sum, check_totals
from kg.audit.checks_prose import check_prose_changes
from kg.audit.checks_records import check_project_codes, check_qualitative_only, check_unmeasurable_targets
from kg.audit.checks_targets import check_form_vs_department_table, name_score
from kg.audit.checks_years import check_budget_vs_final, check_outcome_arithmetic
from kg.model import DepartmentIndicator, Document, Figure, FundingLine, Indicator, Project, Provenance


def ind(l3, op, value, unit=None, l2="数量指标", line=None) -> Indicator:
    return Indicator("产出指标", l2, l3, op, value, unit, provenance=Provenance("x.txt", "表十三", line, line))


def proj(name="项目甲", amount="100000.00", indicators=(), **kw) -> Project:
    return Project(name=name, amount=Decimal(amount), indicators=list(indicators), **kw)


def doc(*projects, dept=(), **kw) -> AuditDoc:
    d = Document(source="x.txt", department="测试单位", year=2024, doc_kind="budget", projects=list(projects),
                 department_indicators=list(dept), **kw)
    return AuditDoc(d, None)


def dind(l3, op, value, unit=None, project="项目甲", line=None) -> DepartmentIndicator:
    return DepartmentIndicator("活动", project, "数量指标", l3, op, value, unit,
                               provenance=Provenance("x.txt", "表十四", line, line))


def kinds(findings) -> list[str]:
    return [f.kind for f in findings]


def test_cost_target_in_wan_short_by_100_yuan_is_an_error_with_both_values():
    ad = doc(proj(amount="2413800.00", indicators=[ind("项目预算成本", "≤", "241.37", "万元", "经济成本指标", 7)]))
    [f] = check_cost_target(ad)
    assert (f.severity, f.values["difference"]) == ("error", "-100.00")
    assert "2,413,700.00" in f.message and "2,413,800.00" in f.message
    assert f.evidence[0].line == 7


def test_cost_target_display_rounding_is_not_a_mismatch():
    """241.38 万元 printed with 2 decimals stands for 2413751 元 as well (tolerance: half the last digit)."""
    ad = doc(proj(amount="2413751.00", indicators=[ind("项目预算控制数", "≤", "241.38", "万元", "经济成本指标")]))
    assert list(check_cost_target(ad)) == []


def test_cost_target_in_yuan_equal_and_unitless_wan_guess():
    same = doc(proj(amount="894000.00", indicators=[ind("项目预算成本", "≤", "894000", "元", "经济成本指标")]))
    assert list(check_cost_target(same)) == []
    guessed = doc(proj(amount="894000.00", indicators=[ind("项目预算成本", "≤", "89.3", None, "经济成本指标")]))
    [f] = check_cost_target(guessed)
    assert f.severity == "warning" and f.values["difference"] == "-1000.00"


def test_form_vs_department_table_value_unit_operator_and_missing_rows():
    form = [ind("巡检次数", "≥", "250", "份", line=1), ind("满意度", "≥", "85", "%", line=2),
            ind("培训次数", "=", "2", "次", line=3), ind("故障率", "≤", "2", "%", line=4)]
    dept = [dind("巡检次数", "≥", "250", "次", line=11), dind("满意度", "≤", "85", "%", line=12),
            dind("培训次数", "=", "3", "次", line=13), dind("宣传场次", "≥", "5", "场", line=14)]
    fs = list(check_form_vs_department_table(doc(proj(indicators=form), dept=dept)))
    by_kind = {f.kind: f for f in fs}
    assert by_kind["target_unit_differs"].values == {"form": "份", "department_table": "次"}
    assert by_kind["target_operator_differs"].severity == "error"
    assert by_kind["target_value_differs"].values == {"form": "2", "department_table": "3"}
    assert by_kind["target_missing_from_form"].values["department_table"].startswith("宣传场次")
    assert by_kind["target_missing_from_department_table"].values["missing"] == "1"
    assert {e.line for e in by_kind["target_unit_differs"].evidence} == {1, 11}


def test_identical_tables_give_no_findings_and_punctuation_is_not_a_difference():
    form = [ind("符合目标,达到预期", "定性", "好"), ind("完成率", "≥", "98", "%")]
    dept = [dind("符合目标，达到预期", "定性", "好"), dind("完成率", "≥", "98", "%")]
    assert list(check_form_vs_department_table(doc(proj(indicators=form), dept=dept))) == []


def test_department_groups_by_activity_tie_to_the_project_sharing_their_indicators():
    a = proj("热线服务项目", indicators=[ind("群众满意度", "≥", "85", "%"), ind("预期社会效益", "定性", "高")])
    b = proj("机房维护项目", indicators=[ind("日常巡检", "≥", "250", "次")])
    dept = [DepartmentIndicator("04-全响应服务/01-政府热线工作", None, None, "群众满意度", "≥", "80", "%"),
            DepartmentIndicator("04-全响应服务/01-政府热线工作", None, None, "预期社会效益", "定性", "高", None)]
    fs = list(check_form_vs_department_table(doc(a, b, dept=dept)))
    assert [(f.kind, f.project) for f in fs if f.severity != "info"] == [
        ("target_value_differs", "热线服务项目"), ("form_missing_from_department_table", "机房维护项目")]


def test_name_score_counts_cut_names_as_similar():
    assert name_score("通过日常运维，对系统故障隐患进行排查，保证系统安全", "通过日常运维，对系统故障隐患进行排查") >= 90
    assert name_score("期次", "服务期次数量") < 80


def test_project_codes():
    ad = doc(proj(code="11010224T0000002767691"), proj("乙", code="11010222T000000417204"),
             proj("丙", code="11010229T000000417204"))
    fs = list(check_project_codes(ad))
    assert [(f.kind, f.severity, f.project) for f in fs] == [
        ("project_code_malformed", "error", "项目甲"), ("project_code_year", "warning", "丙")]
    assert "13 after" in fs[0].message


def test_totals_and_project_sum_with_printed_precision():
    def fig(k, amount, text):
        return Figure(k, Decimal(amount), text)

    ok = doc(proj(amount="100.00"), totals={"total": fig("total", "37811447.21", "3,781.144721"),
                                            "basic": fig("basic", "29716036.02", "2,971.603602"),
                                            "project": fig("project", "8095411.19", "809.541119")})
    assert list(check_totals(ok)) == []
    rounded = doc(totals={"total": fig("total", "40194000", "4019.40万元"),
                          "basic": fig("basic", "28054100", "基本支出2805.41万元"),
                          "project": fig("project", "12139900", "1213.99万元")})
    assert list(check_totals(rounded)) == []
    bad = doc(totals={"total": fig("total", "1000.00", "1000.00"), "basic": fig("basic", "600.00", "600.00"),
                      "project": fig("project", "300.00", "300.00")})
    [f] = check_totals(bad)
    assert f.severity == "error" and "-100.00" in f.message
    short = doc(proj(amount="100.00"), proj("乙", amount="50.00"),
                totals={"project": fig("project", "200.00", "200.00")})
    [f] = check_project_sum(short)
    assert f.values == {"projects_total": "150.00", "stated": "200.00", "difference": "-50.00"}


def test_project_sum_names_the_project_off_its_own_cost_target():
    slip = proj("乙", amount="984000.00", indicators=[ind("项目预算成本", "≤", "894000", "元", "经济成本指标")])
    ad = doc(proj(amount="100.00"), slip, totals={"project": Figure("project", Decimal("894100.00"), "894100.00")})
    [f] = check_project_sum(ad)
    assert "乙's amount 984,000.00 元 is off its own cost target" in f.message
    assert f.values["difference"] == "90000.00"


def test_funding_lines_must_add_up_to_the_project_amount():
    lines = [FundingLine("项目甲", Decimal("60000.00")), FundingLine("项目甲", Decimal("30000.00")),
             FundingLine("项目甲", Decimal("999999.00"), link_method="sum_match")]
    [f] = check_funding_lines(doc(proj(funding_lines=lines)))
    assert f.values == {"funding_total": "90000.00", "amount": "100000.00"}


def test_unmeasurable_targets():
    p = proj(indicators=[ind("完成率", "≥", "120", "%"), ind("群众满意度", "≤", "85", "%"),
                         ind("工单质量得到提升", "定性", "工单质量得到提升")])
    assert kinds(check_unmeasurable_targets(doc(p))) == [
        "target_percent_over_100", "satisfaction_upper_bound", "target_value_is_name"]
    q = proj(indicators=[ind(None, "定性", "好"), ind("质量", "定性", "优")])
    assert kinds(check_qualitative_only(doc(q))) == ["targets_all_qualitative"]
    assert list(check_qualitative_only(doc(proj(indicators=[ind("次数", "≥", "2", "次")])))) == []


def test_prose_change_percent_computed_on_the_wrong_base():
    ad = doc()
    ad._lines = ["2023年度决算1687.07万元，比2023年年初预算1796.67万元，减少109.60万元，下降6.50%。",
                 "2023年度决算169.37万元，比2023年年初预算172.04万元，减少2.67万元，下降1.55%。",
                 "2019年支出预算51,157,480.90元，比2018年增加2,414,942.18元，增长4.95%。"]
    [f] = check_prose_changes(ad)
    assert f.evidence[0].line == 1 and f.values == {"stated": "6.50%", "computed": "6.10%"}
    assert "computed on the new figure" in f.message


def _final(*outcomes) -> AuditDoc:
    return AuditDoc(Document(source="f.txt", department="测试单位", year=2024, doc_kind="final_account",
                             outcomes=list(outcomes)), None)


def test_budget_vs_final_account_by_project():
    bud = doc(proj("项目甲", "100000.00"), proj("项目乙", "50000.00"))
    fin = _final(Figure("actual", Decimal("80000.00"), "8万元", subject="项目甲", note="压减开支"),
                 Figure("actual", Decimal("49000.00"), "4.9万元", subject="项目乙"),
                 Figure("budget", Decimal("120000.00"), "12万元", subject="项目甲"))
    fs = list(check_budget_vs_final([bud, fin]))
    got = {(f.kind, f.project, f.severity) for f in fs}
    assert got == {("final_budget_differs", "项目甲", "warning"), ("budget_vs_final", "项目甲", "warning"),
                   ("budget_vs_final", "项目乙", "info")}
    var = next(f for f in fs if f.kind == "budget_vs_final" and f.project == "项目甲")
    assert var.values["variance"] == "-20000.00" and "压减开支" in var.message
    other_year = _final(Figure("actual", Decimal("1.00"), "", subject="项目甲"))
    other_year.doc.year = 2023
    assert list(check_budget_vs_final([bud, other_year])) == []


def test_final_account_variance_arithmetic():
    fin = _final(Figure("actual", Decimal("1687.07"), "", subject="行政运行"),
                 Figure("budget", Decimal("1796.67"), "", subject="行政运行"),
                 Figure("variance", Decimal("100.00"), "", subject="行政运行"))
    [f] = check_outcome_arithmetic(fin)
    assert f.values == {"computed": "-109.60", "stated": "100.00"}


def test_run_audit_sorts_by_department_then_severity():
    a = doc(proj(code="bad"), proj("乙", indicators=[ind("满意度", "≤", "80", "%")]))
    fs = run_audit([a])
    assert [f.severity for f in fs][:2] == ["error", "warning"]
    assert all(f.department == "测试单位" and f.year == 2024 for f in fs)


def test_shared_code_and_parser_facts():
    from kg.audit.checks_parser import check_parser_facts
    from kg.audit.checks_records import check_shared_codes

    ad = doc(proj(code="11010222T000000417204"), proj("乙", code="11010222T000000417204"))
    ad._lines = ["a", "b", "表十一（万元）", "d"]
    [f] = check_shared_codes(ad)
    assert f.values == {"code": "11010222T000000417204"} and "项目甲, 乙" in f.message
    ad.doc.warn("header_unit_mismatch", "header says 万元 but figures are in 元", 3)
    ad.doc.warn("page_break_join", "cells joined", 4)  # how the parser repaired the layout: not a finding
    [f] = check_parser_facts(ad)
    assert (f.kind, f.severity, f.evidence[0].line) == ("table_unit_wrong", "warning", 3)


def test_project_codes_of_other_provinces_are_not_malformed():
    """Regression: 18-digit codes of other provinces (福建 350427230000000013, 浙江 33030424A000000016) were all
    reported as breaking Beijing's 8 digits + T + 12 digits; only a code unlike the document's others is."""
    fujian = doc(proj(code="350427230000000013"), proj("乙", code="350427230000000012"),
                 proj("丙", code="350427230000000014"))
    assert list(check_project_codes(fujian)) == []
    zhejiang = doc(proj(code="33030424A000000016"), proj("乙", code="33030424A000000017"))
    assert list(check_project_codes(zhejiang)) == []
    slip = doc(proj(code="350427230000000013"), proj("乙", code="350427230000000012"),
               proj("丙", code="35042723000000014"))
    fs = list(check_project_codes(slip))
    assert [(f.kind, f.severity, f.project) for f in fs] == [("project_code_malformed", "error", "丙")]
    assert "17 characters" in fs[0].message and "18" in fs[0].message
    assert [f.project for f in check_project_codes(doc(proj(code="待定")))] == ["项目甲"]
