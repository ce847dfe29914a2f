"""Family A (tabbed) on unseen documents: every fixture in tests/fixtures/tabbed/ must give its answer key.

Each fixture differs structurally from the seed (one / twelve projects, forms in another order, a project
without a form, aliases, page breaks in every kind of cell and between every kind of row, lost leading tabs,
amounts in 元, missing optional tables, no 本级 cell, other years). Each is read as UTF-8 + LF and as
GB18030 + CRLF, through layout detection like a real run.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from kg.extract import extract_source
from kg.reading import source_from_bytes
from tests.conftest import assert_projects_equal

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tabbed"
STEMS = sorted(p.stem for p in FIXTURES.glob("*.txt"))
ENCODINGS = {"utf8-lf": lambda t: t.encode("utf-8"), "gb18030-crlf": lambda t: t.replace("\n", "\r\n").encode("gb18030")}
DOC_FIELDS = ("department", "department_code", "year", "doc_kind", "totals")


def key(stem: str) -> dict:
    k = json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
    k.pop("notes", None)
    return k


@cache
def extracted(stem: str, encoding: str) -> tuple[str, dict]:
    text = (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")
    doc = extract_source(source_from_bytes(ENCODINGS[encoding](text), f"{stem}.txt"))
    return doc.layout, doc.to_gold_dict()


CASES = [(s, e) for s in STEMS for e in ENCODINGS]


def test_there_are_enough_fixtures() -> None:
    assert len(STEMS) >= 4
    assert all((FIXTURES / f"{s}.json").exists() for s in STEMS)


@pytest.mark.parametrize(("stem", "encoding"), CASES)
def test_detected_as_tabbed(stem: str, encoding: str) -> None:
    assert extracted(stem, encoding)[0] == "tabbed"


@pytest.mark.parametrize(("stem", "encoding"), CASES)
def test_document_fields(stem: str, encoding: str) -> None:
    pred, gold = extracted(stem, encoding)[1], key(stem)
    assert {k: pred[k] for k in DOC_FIELDS} == {k: gold[k] for k in DOC_FIELDS}


@pytest.mark.parametrize(("stem", "encoding"), CASES)
def test_projects_every_field(stem: str, encoding: str) -> None:
    pred, gold = extracted(stem, encoding)[1], key(stem)
    assert_projects_equal(pred["projects"], gold["projects"], alias_order=False)


@pytest.mark.parametrize(("stem", "encoding"), CASES)
def test_department_indicators(stem: str, encoding: str) -> None:
    pred, gold = extracted(stem, encoding)[1], key(stem)
    assert pred["department_indicators"] == gold["department_indicators"]


# ---------------------------------------------------------------- score.py-style figures


def _keys(p: dict) -> set[str]:
    return {k for k in [p["name"], p.get("code"), *p.get("aliases", [])] if k}


def _match(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    out: dict[int, int] = {}
    for gi, gp in enumerate(gold):
        pi = next((i for i, pp in enumerate(pred) if i not in out.values() and _keys(gp) & _keys(pp)), None)
        if pi is not None:
            out[gi] = pi
    return out


def _ind(i: dict) -> tuple:
    return tuple(i.get(k) for k in ("l1", "l2", "l3", "op", "value", "unit"))


@pytest.mark.parametrize("stem", STEMS)
def test_scores_are_perfect(stem: str) -> None:
    pred, gold = extracted(stem, "utf8-lf")[1], key(stem)
    m = _match(gold["projects"], pred["projects"])
    assert len(m) == len(gold["projects"]) == len(pred["projects"])
    assert all(gold["projects"][g]["amount"] == pred["projects"][p]["amount"] for g, p in m.items())
    assert all(gold["projects"][g]["code"] == pred["projects"][p]["code"] for g, p in m.items())
    gi = Counter((g, _ind(i)) for g, gp in enumerate(gold["projects"]) for i in gp["indicators"])
    inv = {p: g for g, p in m.items()}
    pi = Counter((inv.get(p), _ind(i)) for p, pp in enumerate(pred["projects"]) for i in pp["indicators"])
    assert gi == pi
    dept = Counter(tuple(d[k] for k in ("l3", "op", "value", "unit")) for d in pred["department_indicators"])
    assert dept == Counter(tuple(d[k] for k in ("l3", "op", "value", "unit")) for d in gold["department_indicators"])
