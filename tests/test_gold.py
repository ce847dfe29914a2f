"""Gold tests: every field of every record of each seed equals the hand-made answer key."""

from __future__ import annotations

import pytest

from kg.extract import extract_file
from tests.conftest import SEEDS, assert_projects_equal, load_gold, seed_path


def _doc_fields(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("projects", "department_indicators", "notes")}


@pytest.mark.parametrize("stem", SEEDS)
def test_document_fields_equal_gold(stem: str) -> None:
    gold = load_gold(stem)
    pred = extract_file(seed_path(stem)).to_gold_dict()
    assert _doc_fields(pred) == _doc_fields(gold)


@pytest.mark.parametrize("stem", SEEDS)
def test_projects_equal_gold(stem: str) -> None:
    gold = load_gold(stem)
    pred = extract_file(seed_path(stem)).to_gold_dict()
    assert_projects_equal(pred["projects"], gold["projects"])


@pytest.mark.parametrize("stem", SEEDS)
def test_department_indicators_equal_gold(stem: str) -> None:
    gold = load_gold(stem)
    pred = extract_file(seed_path(stem)).to_gold_dict()
    assert pred["department_indicators"] == gold["department_indicators"]
