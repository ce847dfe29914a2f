"""Layout C (one cell per line, 2019 free-text forms) on unseen documents: hand-made fixtures with answer keys.

Each fixture in tests/fixtures/cell_per_line/ differs structurally from seed 001 (see each key's ``notes``);
every field of every record must equal its key, in UTF-8 and in GB18030 with CRLF line ends.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from kg.extract import extract_source
from kg.layouts import cell_per_line
from kg.reading import source_from_bytes
from tests.conftest import assert_projects_equal

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cell_per_line"
STEMS = sorted(p.stem for p in FIXTURES.glob("*.txt"))
ENCODINGS = ("utf-8", "gb18030-crlf")


def test_there_are_enough_fixtures():
    assert len(STEMS) >= 4 and all((FIXTURES / f"{s}.json").exists() for s in STEMS)


def key_of(stem: str) -> dict:
    return json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))


def source_of(stem: str, encoding: str):
    text = (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")
    data = text.encode("utf-8") if encoding == "utf-8" else text.replace("\n", "\r\n").encode("gb18030")
    return source_from_bytes(data, f"{stem}.txt")


@cache
def extracted(stem: str, encoding: str):
    return extract_source(source_of(stem, encoding))


def predicted(stem: str, encoding: str) -> dict:
    return extracted(stem, encoding).to_gold_dict()


CASES = [(s, e) for s in STEMS for e in ENCODINGS]


@pytest.mark.parametrize("stem, encoding", CASES)
def test_layout_is_detected(stem, encoding):
    assert cell_per_line.detect(source_of(stem, encoding)) >= 0.9
    assert extracted(stem, encoding).layout == cell_per_line.NAME


@pytest.mark.parametrize("stem, encoding", CASES)
def test_document_fields_equal_key(stem, encoding):
    key, pred = key_of(stem), predicted(stem, encoding)
    for field in ("source", "department", "department_code", "year", "doc_kind", "totals"):
        assert pred[field] == key[field], field


@pytest.mark.parametrize("stem, encoding", CASES)
def test_projects_equal_key(stem, encoding):
    key, pred = key_of(stem), predicted(stem, encoding)
    assert_projects_equal(pred["projects"], key["projects"])


@pytest.mark.parametrize("stem, encoding", CASES)
def test_department_indicators_equal_key(stem, encoding):
    assert predicted(stem, encoding)["department_indicators"] == key_of(stem)["department_indicators"]


# --- score.py-style checks: what the owners' scorer counts --------------------------------------------------

def _keys(p: dict) -> set[str]:
    return {k for k in (p["name"], *p["aliases"], p.get("code")) if k}


def _ind(i: dict) -> tuple:
    return (i["l1"], i["l2"], i["l3"], i["op"], i["value"], i["unit"])


@pytest.mark.parametrize("stem", STEMS)
def test_score_style_f1_is_one(stem):
    key, pred = key_of(stem), predicted(stem, "utf-8")
    matched = {}
    for gi, gp in enumerate(key["projects"]):
        matched[gi] = next(pi for pi, pp in enumerate(pred["projects"]) if _keys(gp) & _keys(pp))
    assert len(set(matched.values())) == len(key["projects"]) == len(pred["projects"])
    for gi, pi in matched.items():
        gp, pp = key["projects"][gi], pred["projects"][pi]
        assert Decimal(pp["amount"]) == Decimal(gp["amount"])
        assert Counter(map(_ind, pp["indicators"])) == Counter(map(_ind, gp["indicators"]))
    dept = Counter((d["l3"], d["op"], d["value"], d["unit"]) for d in pred["department_indicators"])
    assert dept == Counter((d["l3"], d["op"], d["value"], d["unit"]) for d in key["department_indicators"])


@pytest.mark.parametrize("stem", STEMS)
def test_totals_add_up_and_every_record_has_provenance(stem):
    doc = extracted(stem, "utf-8")
    t, b, p = (doc.total(k) for k in ("total", "basic", "project"))
    assert b + p == t
    assert "totals_inconsistent" not in {w.kind for w in doc.warnings}
    lines = (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    for proj in doc.projects:
        assert proj.provenance and 1 <= proj.provenance.line_start <= len(lines)
        for ind in proj.indicators:
            assert ind.provenance.table and ind.provenance.line_start <= ind.provenance.line_end
    for d in doc.department_indicators:
        assert d.provenance.table


def test_gb18030_crlf_gives_identical_records():
    for stem in STEMS:
        assert predicted(stem, "gb18030-crlf") == predicted(stem, "utf-8")


def rewrapped(text: str, width: int) -> str:
    """Every one-cell line longer than ``width`` hard-wrapped onto untabbed continuation lines (another wrap width)."""
    out = []
    for line in text.split("\n"):
        body = line[1:]
        if line.startswith("\t") and "\t" not in body and len(body) > width:
            parts = [body[i:i + width] for i in range(0, len(body), width)]
            out += ["\t" + parts[0], *parts[1:]]
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("width", [7, 19])
@pytest.mark.parametrize("stem", STEMS)
def test_other_wrap_widths_give_the_same_records(stem, width):
    text = rewrapped((FIXTURES / f"{stem}.txt").read_text(encoding="utf-8"), width)
    doc = extract_source(source_from_bytes(text.encode("utf-8"), f"{stem}.txt"))
    assert doc.to_gold_dict() == predicted(stem, "utf-8") == {k: v for k, v in key_of(stem).items() if k != "notes"}
