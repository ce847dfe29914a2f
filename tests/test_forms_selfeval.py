"""Self-evaluation forms (自评表) through the label-driven reader: the sample S6 and the fixtures beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract_file
from tests.forms_keys import assert_full_marks, assert_records_equal_key

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "selfeval"
DOCS = sorted(p for p in FIXTURES.glob("*.txt") if p.with_suffix(".json").exists())


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_selfeval_records_equal_key(path: Path) -> None:
    assert_records_equal_key(path)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_selfeval_scores_full_marks(path: Path, tmp_path: Path) -> None:
    assert_full_marks(path, tmp_path, outcomes=True)


def test_s6_targets_met_as_data() -> None:
    doc = extract_file(FIXTURES / "S6_selfeval_2023.txt")
    by_name = {i.l3: i for p in doc.projects for i in p.indicators}
    assert by_name["补贴驿站数量"].met is True  # ≥37家, 37家
    assert by_name["项目预算控制数"].met is True  # ≤318.5万元, 312.27万元
    assert by_name["老年人基本养老服务需求满足程度"].met is None  # qualitative
    d = by_name["补贴驿站数量"].to_dict()
    assert d["met"] is True and d["actual"] == "37家" and d["provenance"]["line_start"] == 22


def test_glued_funds_cut_by_the_printed_rate() -> None:
    from kg.forms.glued_eval import decode_funds, decode_indicator_rows

    keys = ["budget", "spent", "weight", "rate", "score"]
    assert decode_funds("56.8055.281097.32%9.73", keys) == {
        "budget": "56.80", "spent": "55.28", "weight": "10", "rate": "97.32%", "score": "9.73"}
    # 3030|10|10|0% also reads, but its score disagrees with 分值 × 执行率
    assert decode_funds("303010100%10", keys) == {
        "budget": "30", "spent": "30", "weight": "10", "rate": "100%", "score": "10"}
    assert decode_funds("12345%1", keys) is None  # nothing agrees with the rate: no guess
    assert decode_indicator_rows("农村供水保障水平20显著提升显著提升20", ["weight", "value", "actual", "score"]) == [
        {"l3": "农村供水保障水平", "weight": "20", "value": "显著提升", "actual": "显著提升", "score": "20"}]


def test_scoring_grid_rows_are_not_targets() -> None:
    doc = extract_file(FIXTURES / "g_scoring_grid_2023.txt")
    grid = doc.projects[0].scoring
    assert [r.l1 for r in grid][:1] == ["项目决策"] and not doc.projects[0].indicators
    assert {r.l3: r.score for r in grid}["预算执行率"] == "4.8"


def test_glued_rows_without_scores_and_as_far_as_they_go() -> None:
    from kg.forms.glued_eval import decode_indicator_rows

    keys = ["value", "actual", "reason"]
    assert decode_indicator_rows("5000吨稻谷、500吨成品粮储备到位率100%100%库存数量真实率100%100%", keys) == [
        {"l3": "5000吨稻谷、500吨成品粮储备到位率", "value": "100%", "actual": "100%"},
        {"l3": "库存数量真实率", "value": "100%", "actual": "100%"}]
    # never cut inside a figure's digits (100% is not 10 | 0%); the rest is left for the row reader
    rows, rest = decode_indicator_rows("利息费用保障率100%100%政策性挂账利息补贴保障率100%无没有轮换", keys, partial=True)
    assert rows == [{"l3": "利息费用保障率", "value": "100%", "actual": "100%"}]
    assert rest == "政策性挂账利息补贴保障率100%无没有轮换"
    # scored rows: the achieved value equal to the target is tried first (6620 → 6 | 6 | 20); 分值 ≤ 100
    assert decode_indicator_rows("补贴渔船数6620", ["value", "actual", "score"]) == [
        {"l3": "补贴渔船数", "value": "6", "actual": "6", "score": "20"}]
    assert decode_indicator_rows("验收合格率10100%100%10", ["weight", "value", "actual", "score"]) == [
        {"l3": "验收合格率", "weight": "10", "value": "100%", "actual": "100%", "score": "10"}]


def test_equal_target_exceeded_is_met_unless_less_is_better() -> None:
    from kg.model import Indicator
    from kg.selfeval import met

    def row(l2: str, l3: str, value: str, unit: str, actual: str) -> Indicator:
        return Indicator("产出指标", l2, l3, "=", value, unit, evaluated=True, actual=actual)

    assert met(row("服务对象满意度指标", "受益农户满意度", "90", "%", "96%")) is True
    assert met(row("数量指标", "修复损毁沟渠", "30", "处", "36处")) is True
    assert met(row("数量指标", "修复损毁沟渠", "30", "处", "28处")) is False
    assert met(row("成本指标", "项目总成本", "45", "万元", "47.25万元")) is False  # a cost: more is worse


def test_text_shapes_of_real_forms() -> None:
    from kg.cells.text import split_words, text_to_rows
    from kg.forms.values import checked_option

    rows = text_to_rows("    项目名称 水旱灾害防御经费\n    数量指标 指标1:完成项目数量 1 1 10 10\n")
    assert [r.separator for r in rows] == ["line", "line"]  # indentation only, no inner runs: not space-aligned
    assert split_words("数量指标 奖补村数 ≥12个 12 10 8 质量指标") == [
        "数量指标", "奖补村数", "≥12个", "12", "10", "8", "质量指标"]  # 8 | 质量指标, not 8质量指标
    assert checked_option("1、部门预算项目☑  2、省直专项□") == "部门预算项目"
