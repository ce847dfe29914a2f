"""The hand-keyed 绩效目标表 fixtures (tests/fixtures/forms/) are consistent with their own texts.

Guards the keys, not a reader: every keyed name, indicator name, value, code, goal prefix and amount must be
found in the document's text, and every key must follow gold/SCHEMA.md's shape and key order.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

FORMS = Path(__file__).resolve().parent / "fixtures" / "forms"
KEYS = sorted(FORMS.glob("*.json"))
TOP = ["source", "department", "department_code", "year", "doc_kind", "totals", "projects",
       "department_indicators", "notes"]
PROJECT = ["name", "aliases", "code", "amount", "function_code", "econ_gov_code", "econ_dept_code", "category",
           "owner", "goal_prefix", "indicators"]
INDICATOR = ["l1", "l2", "l3", "op", "value", "unit", "direction"]
OPS = {"≥", "≤", "=", ">", "<", "定性"}


def flat(path: Path) -> str:
    """The document's text with all whitespace and thousands separators removed (UTF-8, else GB18030)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    flat_text = re.sub(r"\s+", "", text)
    return flat_text + "\n" + flat_text.replace(",", "")


def occurs(needle: str, text: str) -> bool:
    """In the text as one run, or as two runs (a cell wrapped over two lines of an aligned table)."""
    if needle in text:
        return True
    return any(needle[:k] in text and needle[k:] in text for k in range(2, len(needle) - 1))


def test_enough_fixtures_and_a_negative() -> None:
    keys = [json.loads(k.read_text(encoding="utf-8")) for k in KEYS]
    assert len(keys) >= 22
    assert any(not k["projects"] for k in keys)
    assert all((FORMS / k["source"]).exists() for k in keys)


@pytest.mark.parametrize("key_path", KEYS, ids=lambda p: p.stem)
def test_key_matches_its_text(key_path: Path) -> None:
    key = json.loads(key_path.read_text(encoding="utf-8"))
    assert list(key) == TOP
    assert key["source"] == key_path.stem + ".txt"
    text = flat(FORMS / key["source"])
    assert key["doc_kind"] == "budget"
    assert key["department"] is None or key["department"] in text
    assert key["department_code"] is None or key["department_code"] in text
    assert key["year"] is None or str(key["year"]) in text
    for p in key["projects"]:
        assert list(p) == PROJECT
        assert occurs(p["name"], text), p["name"]
        assert p["code"] is None or p["code"] in text
        assert p["owner"] is None or p["owner"] in text
        assert p["category"] is None or p["category"] in text
        assert p["goal_prefix"] is None or occurs(p["goal_prefix"], text)
        assert re.fullmatch(r"\d+\.\d{2}", p["amount"]), p["amount"]
        amount = Decimal(p["amount"])
        printed = {format(amount.normalize(), "f"), format((amount / 10000).normalize(), "f"), p["amount"]}
        assert any(a in text for a in printed), (p["name"], p["amount"])
        assert 3 <= len(p["indicators"]) <= 15
        for i in p["indicators"]:
            assert list(i) == INDICATOR
            assert i["op"] in OPS
            assert i["l3"] is None or occurs(i["l3"], text), i["l3"]  # a free-text cell with no clause: l3 null
            # a table with no 一级/二级 columns (指标名称 / 指标性质 / 指标值 …) keys them null
            assert (i["l1"] is None or occurs(i["l1"], text)) and (i["l2"] is None or occurs(i["l2"], text))
            assert i["value"] in text, (i["l3"], i["value"])
            if i["op"] == "定性":
                assert i["unit"] is None
            else:
                assert re.fullmatch(r"\d+(\.\d+)?", i["value"]), i["value"]
    for d in key["department_indicators"]:
        assert list(d) == ["activity", "project", "l2", "l3", "op", "value", "unit"]
        assert d["l3"] in text and d["value"] in text and d["op"] in OPS
