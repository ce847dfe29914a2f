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
