"""Layout E (pdf_wrapped) on unseen documents of the family: hand-keyed fixtures in tests/fixtures/pdf_wrapped/.

a: one project, form head without a project code, unit code in 表 12 without the city prefix, a 定性 value cut
   by a page break after the goal ended, a 表 13 name wrapped inside a word, 2025.
b: 11 projects, forms in another order, a project without form, a form spelled with 项目 added, page breaks in
   every kind of cell, every operator, units in the value cell, a direction column, 2026.
c: tables in 元, 2023, coded and codeless heads mixed, no purchased-services or department-wide table, 本级 code.
d: department-wide table with names wrapped over 2-3 lines, wrapped labels and values, all heads codeless.
Each fixture is also read as GB18030 with CRLF line ends.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kg.layouts import pdf_wrapped
from kg.reading import source_from_bytes
from tests.conftest import assert_projects_equal

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf_wrapped"
STEMS = sorted(p.stem for p in FIXTURES.glob("*.json"))
ENCODINGS = ("utf-8", "gb18030-crlf")
_CACHE: dict[tuple[str, str], dict] = {}


def key_of(stem: str) -> dict:
    key = json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
    key.pop("notes", None)
    return key


def parsed(stem: str, encoding: str):
    if (stem, encoding) not in _CACHE:
        text = (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")
        data = text.encode("utf-8") if encoding == "utf-8" else text.replace("\n", "\r\n").encode("gb18030")
        doc = pdf_wrapped.parse(source_from_bytes(data, f"{stem}.txt"))
        _CACHE[(stem, encoding)] = {"doc": doc, "gold": doc.to_gold_dict()}
    return _CACHE[(stem, encoding)]


def test_fixtures_present():
    assert len(STEMS) >= 4


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("stem", STEMS)
def test_every_field_equals_the_key(stem, encoding):
    got, key = parsed(stem, encoding)["gold"], key_of(stem)
    for field in ("source", "department", "department_code", "year", "doc_kind", "totals"):
        assert got[field] == key[field], field
    assert_projects_equal(got["projects"], key["projects"])
    assert got["department_indicators"] == key["department_indicators"]


def _ind(i: dict) -> tuple:
    return i["l1"], i["l2"], i["l3"], i["op"], i["value"], i["unit"]


@pytest.mark.parametrize("stem", STEMS)
def test_score_style_figures_are_perfect(stem):
    """Projects matched by name, alias or code; indicators credited only under their project (score.py)."""
    got, key = parsed(stem, "utf-8")["gold"], key_of(stem)

    def keys(p):
        return {p["name"], *p["aliases"], *([p["code"]] if p["code"] else [])}

    matched = {gi: next(pi for pi, pp in enumerate(got["projects"]) if keys(gp) & keys(pp))
               for gi, gp in enumerate(key["projects"])}
    assert len(set(matched.values())) == len(key["projects"]) == len(got["projects"])
    gold_inds = Counter((gi, _ind(i)) for gi, gp in enumerate(key["projects"]) for i in gp["indicators"])
    inv = {pi: gi for gi, pi in matched.items()}
    pred_inds = Counter((inv[pi], _ind(i)) for pi, pp in enumerate(got["projects"]) for i in pp["indicators"])
    assert pred_inds == gold_inds
    money = {k: Decimal(v) for k, v in got["totals"].items()}
    assert money["basic"] + money["project"] == money["total"]
    assert sum(Decimal(p["amount"]) for p in got["projects"]) == money["project"]


@pytest.mark.parametrize("stem", STEMS)
def test_records_are_complete(stem):
    doc = parsed(stem, "utf-8")["doc"]
    for p in doc.projects:
        assert p.provenance and p.amount_text and p.funding_lines
        if p.indicators:
            assert p.goal and p.goal.endswith("。"), p.name  # the goal is whole: no row text, no lost tail
            assert not set("≥≤＜＞") & set(p.goal) and "定性" not in p.goal, p.name
        for i in p.indicators:
            assert i.provenance.line_start <= i.provenance.line_end and i.text
    for d in doc.department_indicators:
        assert d.provenance and d.text
