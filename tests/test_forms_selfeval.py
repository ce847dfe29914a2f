"""Self-evaluation forms (自评表) through the label-driven reader: the sample S6 and the fixtures beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract_file
from tests.conftest import assert_projects_equal
from tests.forms_keys import document_fields, key_of, score

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "selfeval"
# Shapes not read exactly yet (each is a known gap, listed in the README): strict, so a fix must remove it here.
NOT_YET = {"c_glued_cells_2022", "g_scoring_grid_2023"}
DOCS = [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="shape not read exactly yet"))
        if p.stem in NOT_YET else p
        for p in sorted(p for p in FIXTURES.glob("*.txt") if p.with_suffix(".json").exists())]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: getattr(p, "stem", None))
def test_selfeval_records_equal_key(path: Path) -> None:
    key = key_of(path)
    doc = extract_file(path)
    pred = doc.to_gold_dict()
    assert document_fields(pred) == document_fields(key)
    assert_projects_equal(pred["projects"], key["projects"])
    assert pred["department_indicators"] == key["department_indicators"]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: getattr(p, "stem", None))
def test_selfeval_scores_full_marks(path: Path, tmp_path: Path) -> None:
    s = score(path, tmp_path)
    if s is None:
        pytest.skip("../shared/tools/score.py not present")
    assert s["projects"][2] == 1.0 and s["indicators"][2] == 1.0
    if "outcomes" in s:
        assert s["outcomes"][2] == 1.0
        assert s["funds_ok"] == len(key_of(path)["projects"])


def test_s6_targets_met_as_data() -> None:
    doc = extract_file(FIXTURES / "S6_selfeval_2023.txt")
    by_name = {i.l3: i for p in doc.projects for i in p.indicators}
    assert by_name["补贴驿站数量"].met is True  # ≥37家, 37家
    assert by_name["项目预算控制数"].met is True  # ≤318.5万元, 312.27万元
    assert by_name["老年人基本养老服务需求满足程度"].met is None  # qualitative
    d = by_name["补贴驿站数量"].to_dict()
    assert d["met"] is True and d["actual"] == "37家" and d["provenance"]["line_start"] == 22
