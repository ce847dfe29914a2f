"""Target-quality rules (kinds target.*): each fires on a planted case and stays quiet on a clean near-miss."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from kg.audit import AuditDoc, run_audit
from kg.audit.checks_quality import check_copied_in_document, check_coverage, check_measurability, check_money_sense
from kg.audit.findings import KINDS
from kg.audit.rules_targets import RULES, RuleConfig, load_rules_file, parse_choices, rules_table
from kg.model import Document, Indicator, Project, Provenance
from tests.test_audit_helpers import findings, gold_doc, seed_file, stem_of

CFG = RuleConfig()


def ind(l1, l2, l3, op, value, unit=None, line=None) -> Indicator:
    return Indicator(l1, l2, l3, op, value, unit, provenance=Provenance("x.txt", "表", line, line))


def full(cost="≤ 100000 元") -> list[Indicator]:
    """A complete, measurable form: output, effect, satisfaction and cost rows."""
    op, value, unit = cost.split()
    return [ind("产出指标", "数量指标", "培训人数", "≥", "200", "人", 1),
            ind("产出指标", "时效指标", "完成时间", "定性", "2024年12月底前", None, 2),
            ind("效益指标", "社会效益指标", "培训合格率", "≥", "95", "%", 3),
            ind("满意度指标", "服务对象满意度指标", "学员满意度", "≥", "90", "%", 4),
            ind("成本指标", "经济成本指标", "人均培训费", op, value, unit, 5)]


def doc(*projects, dept="测试单位", year=2024, source="x.txt") -> AuditDoc:
    return AuditDoc(Document(source=source, department=dept, year=year, doc_kind="budget",
                             projects=list(projects)), None)


def proj(name="项目甲", amount="100000.00", indicators=None) -> Project:
    return Project(name=name, amount=Decimal(amount), indicators=list(full() if indicators is None else indicators))


def kinds(fs) -> list[str]:
    return sorted(f.kind for f in fs)


def without(rows, l1) -> list[Indicator]:
    return [i for i in rows if i.l1 != l1]


# -- the table --------------------------------------------------------------------------------------------

def test_every_rule_is_a_registered_kind_with_reason_and_source():
    for r in RULES:
        assert r.id.startswith("target.") and r.id in KINDS
        assert r.reason and r.source and r.severity in ("info", "warning", "error")
    assert {row["id"] for row in rules_table()} == {r.id for r in RULES}


# -- coverage ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("l1", "rule"), [("产出指标", "target.no_output"), ("效益指标", "target.no_effect"),
                                          ("满意度指标", "target.no_satisfaction")])
def test_coverage_fires_on_a_missing_category_and_not_on_a_full_form(l1, rule):
    ad = doc(proj(indicators=without(full(), l1)), proj("项目乙"))
    [f] = [f for f in check_coverage(ad, CFG) if f.kind == rule]
    assert f.project == "项目甲" and f.evidence[0].line is not None
    assert not list(check_coverage(doc(proj(), proj("项目乙")), CFG))


def test_satisfaction_under_effect_counts_as_satisfaction():
    """2019 forms file 服务对象满意度指标 under 效益指标: that is a satisfaction row."""
    rows = [*without(full(), "满意度指标"), ind("效益指标", "服务对象满意度指标", "满意度", "≥", "90", "%")]
    assert not list(check_coverage(doc(proj(indicators=rows)), CFG))


def test_no_cost_only_where_the_template_has_the_category():
    no_cost = without(full(), "成本指标")
    [f] = check_coverage(doc(proj(indicators=no_cost), proj("项目乙")), CFG)
    assert f.kind == "target.no_cost" and len(f.evidence) == 2  # the form, and a cost row of another form
    assert not list(check_coverage(doc(proj(indicators=no_cost), proj("项目乙", indicators=no_cost)), CFG))
    old = [*no_cost, ind("产出指标", "产出成本指标", "软件开发费", "≤", "5", "万元")]  # 2019: 成本 under 产出
    assert not list(check_coverage(doc(proj(indicators=old), proj("项目乙")), CFG))


# -- measurability ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "rule"), [
    (ind("产出指标", "数量指标", "培训人数", "≥", None, "人"), "target.no_value"),
    (ind("产出指标", "数量指标", "培训人数", "≥", "/", "人"), "target.no_value"),
    (ind("满意度指标", "服务对象满意度指标", "职工满意度", "定性", "不涉及"), "target.placeholder_value"),
    (ind("产出指标", "数量指标", "综合工作经费", "=", "实际发生额"), "target.placeholder_value"),
    (ind("产出指标", "质量指标", "系统故障响应率", "定性", "及时"), "target.qualitative_quantity"),
    (ind("效益指标", "社会效益指标", "召开场次", "定性", "得到提升", "场次"), "target.qualitative_quantity"),
    (ind("产出指标", "质量指标", "验收合格率", "≥", "105"), "target.rate_over_100"),
    (ind("产出指标", "质量指标", "故障率", "≤", "120", "%"), "target.rate_over_100"),
    (ind("产出指标", "时效指标", "完成进度", "定性", "高中低"), "target.timing_not_date"),
    (ind("产出指标", "产出进度指标", None, "定性", "持续完成。"), "target.timing_not_date"),
])
def test_measurability_rule_fires_on_its_planted_row(row, rule):
    fs = list(check_measurability(doc(proj(indicators=[*full(), row])), CFG))
    assert kinds(fs) == [rule]


@pytest.mark.parametrize("row", [
    ind("产出指标", "质量指标", "培训质量", "定性", "优"),  # 质量 is quality, not a quantity (量)
    ind("产出指标", "质量指标", "系统正常运行率", "≥", "98", "%"),
    ind("产出指标", "质量指标", "系统故障响应率", "=", "100", "%"),
    ind("产出指标", "质量指标", "满意率", ">", "150", "%"),  # reported as target_percent_over_100 instead
    ind("产出指标", "时效指标", "试运行时间", "定性", "项目终验前"),
    ind("产出指标", "时效指标", "办结时限", "≤", "15", "工作日"),
    ind("产出指标", "时效指标", "救助审批时限", "≤", "5", "个工作日"),  # S6 self-evaluation: a false alarm fixed
    ind("产出指标", "时效指标", "按时完成率", "≥", "95", "%"),
    ind("产出指标", "产出进度指标", None, "定性", "预计上半年新增人员50%到岗"),
    ind("产出指标", "时效成本", "1季度支付2023年尾款", "≤", "70000", "元"),
    ind("产出指标", "时效成本", "项目预算控制数", "定性", "300000", "元"),  # a cost in a merged 时效成本 row
    ind("产出指标", "数量指标", "安全事故", "=", "0", "起"),
    ind("产出指标", "数量指标", "培训次数", "≥", "两次"),  # a number in Chinese numerals
])
def test_measurability_is_quiet_on_near_misses(row):
    assert not list(check_measurability(doc(proj(indicators=[*full(), row])), CFG))


# -- money sense ------------------------------------------------------------------------------------------

def test_one_cost_item_above_the_amount_and_a_cost_floor():
    [f] = check_money_sense(doc(proj(indicators=full("= 12 万元"))), CFG)
    assert f.kind == "target.cost_over_amount" and f.values["cost"] == "120000.00"
    [g] = check_money_sense(doc(proj(indicators=full("≥ 500 元"))), CFG)
    assert g.kind == "target.cost_floor"
    assert not list(check_money_sense(doc(proj(indicators=full("≤ 10 万元"))), CFG))  # equal to the amount


# -- copies in a document ---------------------------------------------------------------------------------

def test_copied_targets_in_one_document_and_a_near_miss():
    rows = full()
    changed = copy.deepcopy(rows)
    changed[0].value, changed[2].value = "300", "97"  # 3 of 5 shared: 60% < 80%
    [f] = check_copied_in_document(doc(proj(indicators=rows), proj("项目乙", indicators=copy.deepcopy(rows))), CFG)
    assert f.project == "项目乙" and f.values["other_project"] == "项目甲" and f.values["share"] == "1.00"
    assert not list(check_copied_in_document(doc(proj(indicators=rows), proj("项目乙", indicators=changed)), CFG))


# -- year over year, across departments, peers (planted copies of the seeds) ------------------------------

def planted_next_year(stem="004", factor="1.5") -> tuple[AuditDoc, AuditDoc]:
    """The seed and a copy one year later with every amount × factor and the first ≥ target lowered."""
    base = gold_doc(stem_of(stem))
    nxt = copy.deepcopy(base.doc)
    nxt.year, nxt.source = (base.doc.year or 0) + 1, "next.txt"
    for p in nxt.projects:
        p.amount = p.amount * Decimal(factor) if p.amount is not None else None
    return base, AuditDoc(nxt, None)


def test_a_target_lowered_next_year_while_money_grows():
    base, nxt = planted_next_year()
    row = next(i for p in nxt.doc.projects for i in p.indicators if i.op == "≥")
    row.value = str(int(row.value) - 10)
    fs = [f for f in run_audit([base, nxt]) if f.kind == "target.lowered"]
    assert len(fs) == 1 and fs[0].file == "next.txt" and fs[0].values["after"] == row.value
    assert fs[0].evidence[1].file == seed_file("004") and fs[0].evidence[1].line


def test_lowered_is_quiet_when_the_money_fell_as_much():
    base, nxt = planted_next_year(factor="0.5")
    row = next(i for p in nxt.doc.projects for i in p.indicators if i.op == "≥" and i.value == "90")
    row.value = "80"  # 80/90 = 0.89 of the target for 0.5 of the money
    assert not [f for f in run_audit([base, nxt]) if f.kind == "target.lowered"]


def test_unchanged_targets_for_much_more_money_and_a_dropped_target():
    base, nxt = planted_next_year("000", factor="1.5")
    fs = run_audit([base, nxt])
    assert {f.project for f in fs if f.kind == "target.unchanged"} >= {"西城区视频会议系统运行维护项目"}
    _, same = planted_next_year("000", factor="1.1")  # 10% more money: not a change worth a finding
    assert not [f for f in run_audit([base, same]) if f.kind == "target.unchanged"]
    p = next(p for p in nxt.doc.projects if p.name == "西城区视频会议系统运行维护项目")
    p.indicators = [i for i in p.indicators if i.l3 != "系统故障率"]
    [f] = [f for f in run_audit([base, nxt]) if f.kind == "target.dropped"]
    assert "系统故障率" in f.message and f.values["dropped"] == "1"


def test_targets_copied_across_departments():
    base = gold_doc(stem_of("003"))
    other = copy.deepcopy(base.doc)
    other.department, other.source = "北京市西城区某某局", "other.txt"
    other.projects = other.projects[1:2]
    fs = [f for f in run_audit([base, AuditDoc(other, None)]) if f.kind == "target.copied_across_departments"]
    assert len(fs) == 1 and fs[0].values["share"] == "1.00"
    assert not [f for f in findings("gold") if f.kind == "target.copied_across_departments"]


def _training_dept(n: int, fee: str) -> AuditDoc:
    rows = full(f"≤ {fee} 元")
    return doc(proj(f"培训项目{n}", "1000000.00", rows), dept=f"部门{n}", source=f"d{n}.txt")


def test_peer_outlier_among_five_departments_and_quiet_within_the_factor():
    docs = [_training_dept(n, fee) for n, fee in enumerate(["800", "900", "1000", "1100", "3500"])]
    fs = [f for f in run_audit(docs) if f.kind == "target.peer_outlier"]
    assert [f.department for f in fs] == ["部门4"]
    assert fs[0].values["median"] == "950.00" and len(fs[0].evidence) == 5  # the row and its four peers
    docs[4] = _training_dept(4, "2500")  # 2.6× the median: within the factor 3
    assert not [f for f in run_audit(docs) if f.kind == "target.peer_outlier"]
    assert not [f for f in run_audit(docs[:3] + [_training_dept(9, "9000")]) if f.kind == "target.peer_outlier"]


# -- choices --------------------------------------------------------------------------------------------

def test_disable_regrade_and_rules_file(tmp_path):
    ad = doc(proj(indicators=without(full(), "产出指标")), proj("项目乙"))
    cfg = parse_choices(["target.no_output"], None, set(KINDS))
    assert not [f for f in run_audit([ad], cfg) if f.kind == "target.no_output"]
    cfg = parse_choices(None, ["target.no_output=error"], set(KINDS))
    assert [f.severity for f in run_audit([ad], cfg) if f.kind == "target.no_output"] == ["error"]
    rules = tmp_path / "rules.toml"
    rules.write_text('[rules."target.copied_in_department"]\nshare_min = 0.5\n[rules."target.no_output"]\n'
                     'enabled = false\n', encoding="utf-8")
    cfg = load_rules_file(rules, set(KINDS))
    assert not cfg.enabled("target.no_output") and cfg.param("target.copied_in_department", "share_min") == 0.5
    rules.write_text('[rules."target.nope"]\nenabled = false\n', encoding="utf-8")
    with pytest.raises(ValueError, match="rules.toml.*target.nope"):
        load_rules_file(rules, set(KINDS))
    rules.write_text('[rules."target.peer_outlier"]\nfactor = "three"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="factor must be a float"):
        load_rules_file(rules, set(KINDS))
    rules.write_text('[rules."target.peer_outlier"]\nname_pattern = "人均("\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a valid pattern"):
        load_rules_file(rules, set(KINDS))
    with pytest.raises(ValueError, match="KIND=LEVEL"):
        parse_choices(None, ["target.no_output"], set(KINDS))


# -- the seeds --------------------------------------------------------------------------------------------

SEED_COUNTS = {  # (seed, kind): findings on the gold-built seeds, each read against the source lines
    ("000", "target.timing_not_date"): 2, ("000", "target.qualitative_quantity"): 1,
    ("000", "target.placeholder_value"): 4, ("001", "target.cost_over_amount"): 1,
    ("001", "target.placeholder_value"): 3, ("001", "target.timing_not_date"): 1,
    ("003", "target.copied_in_department"): 1, ("003", "target.timing_not_date"): 5,
    ("004", "target.no_cost"): 3, ("004", "target.no_effect"): 2, ("004", "target.no_output"): 1,
}


@pytest.mark.parametrize("source", ["gold", "extracted"])
def test_seed_target_findings(source):
    got: dict[tuple[str, str], int] = {}
    for f in findings(source):
        if f.kind.startswith("target."):
            got[(f.file[:3], f.kind)] = got.get((f.file[:3], f.kind), 0) + 1
    assert got == SEED_COUNTS
    hits = [f for f in findings(source) if f.kind == "target.no_output"]
    assert hits[0].project.startswith("12345市民热线") and hits[0].file == seed_file("004")


def test_readme_lists_every_rule():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{r.id}`" in readme for r in RULES)


def test_a_clean_corpus_raises_no_target_finding():
    """Two departments over two years: complete, measurable, distinct forms; targets rise with the money."""
    docs = []
    for d, dept in enumerate(["甲局", "乙局"]):
        for year, step in ((2024, 0), (2025, 10)):
            projects = []
            for n in range(3):
                rows = full(f"≤ {40 + 10 * n} 元")
                rows[0].l3, rows[0].value = f"培训人数{d}{n}", str(200 + 50 * n + step)
                rows[2].l3 = f"培训合格率{d}{n}"
                projects.append(proj(f"项目{d}{n}", str(100000 + 10000 * n + 1000 * step), rows))
            docs.append(doc(*projects, dept=dept, year=year, source=f"{dept}{year}.txt"))
    assert not [f for f in run_audit(docs) if f.kind.startswith("target.")]
