"""Layout D (prose-only 决算) on unseen documents: hand-made fixtures of other departments, years and shapes.

Each fixture in tests/fixtures/prose_final/ has an answer key in the tests/gold/SCHEMA.md shape (plus the
final-account ``outcomes`` counts, and a test-only ``budget_lines`` list of 决算/年初预算/variance figures).
Every field of every record must equal the key, in UTF-8 and in GB18030 with CRLF line ends.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kg.layouts import detection_scores, prose_final
from kg.model import Document
from kg.reading import read_source, source_from_bytes
from tests.conftest import assert_projects_equal

FIXTURES = Path(__file__).resolve().parent / "fixtures" / prose_final.NAME
STEMS = sorted(p.stem for p in FIXTURES.glob("*.txt"))
ENCODINGS = ("utf-8", "gb18030-crlf")
# (wrap width, blank page-break lines after every this many lines; 0 = none) for the re-wrapped variants.
REWRAPS = ((7, 0), (13, 5), (23, 3))
# The schema keys a document's answer key is compared on, in order (outcomes are the achieved counts).
DOC_KEYS = ("source", "department", "department_code", "year", "doc_kind", "totals")
_CACHE: dict[tuple[str, str], Document] = {}


def load_key(stem: str) -> dict:
    return json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))


def parsed(stem: str, encoding: str) -> Document:
    """The fixture parsed from its bytes in the given encoding (cached: every test reads the same document)."""
    if (stem, encoding) not in _CACHE:
        path = FIXTURES / f"{stem}.txt"
        if encoding == "utf-8":
            src = read_source(path)
        else:
            text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
            src = source_from_bytes(text.encode("gb18030"), path.name)
        _CACHE[(stem, encoding)] = prose_final.parse(src)
    return _CACHE[(stem, encoding)]


def test_fixtures_exist() -> None:
    assert len(STEMS) >= 4


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("stem", STEMS)
def test_document_fields(stem: str, encoding: str) -> None:
    key, pred = load_key(stem), parsed(stem, encoding).to_gold_dict()
    for field in DOC_KEYS:
        assert pred[field] == key[field], field


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("stem", STEMS)
def test_projects_every_field(stem: str, encoding: str) -> None:
    key, pred = load_key(stem), parsed(stem, encoding).to_gold_dict()
    assert_projects_equal(pred["projects"], key["projects"])
    assert pred["department_indicators"] == key["department_indicators"]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("stem", STEMS)
def test_outcomes_every_count(stem: str, encoding: str) -> None:
    key, pred = load_key(stem), parsed(stem, encoding).to_gold_dict()
    assert pred["outcomes"] == key["outcomes"]


@pytest.mark.parametrize("stem", STEMS)
def test_budget_line_variances(stem: str) -> None:
    """Each 项-level 决算 vs 年初预算 sentence → actual, budget and signed variance, under the item's name."""
    doc = parsed(stem, "utf-8")
    for line in load_key(stem)["budget_lines"]:
        got = {f.key: f.amount for f in doc.outcomes
               if f.subject == line["subject"] and f.key in ("actual", "budget", "variance")}
        assert got == {k: Decimal(line[k]) for k in ("actual", "budget", "variance")}, line["subject"]


@pytest.mark.parametrize("stem", STEMS)
def test_score_style(stem: str) -> None:
    """score.py's view: the family is detected, every project is matched with its amount, totals add up."""
    key, doc = load_key(stem), parsed(stem, "utf-8")
    scores = detection_scores(read_source(FIXTURES / f"{stem}.txt"))
    assert max(scores, key=scores.get) == prose_final.NAME and scores[prose_final.NAME] >= 0.5
    pred = {p.name: p for p in doc.projects}
    for kp in key["projects"]:
        names = {kp["name"], *kp["aliases"]}
        match = next((p for n, p in pred.items() if n in names or names & set(p.aliases)), None)
        assert match is not None and str(match.amount) == kp["amount"], kp["name"]
    assert len(doc.projects) == len(key["projects"])
    assert doc.total("basic") + doc.total("project") == doc.total("total")
    assert not {w.kind for w in doc.warnings} & {"no_totals", "totals_incomplete", "totals_mismatch", "no_title"}


def rewrapped(text: str, width: int, break_every: int) -> str:
    """Every line cut at ``width`` characters; two blank lines (a page break) after every ``break_every`` lines."""
    out: list[str] = []
    for line in text.split("\n"):
        for piece in [line[i:i + width] for i in range(0, len(line), width)] or [""]:
            out.append(piece)
            if break_every and len(out) % break_every == 0:
                out += ["", ""]
    return "\n".join(out)


@pytest.mark.parametrize(("width", "break_every"), REWRAPS)
@pytest.mark.parametrize("stem", STEMS)
def test_rewrapped_with_page_breaks(stem: str, width: int, break_every: int) -> None:
    key = load_key(stem)
    text = rewrapped((FIXTURES / f"{stem}.txt").read_text(encoding="utf-8"), width, break_every)
    pred = prose_final.parse(source_from_bytes(text.encode("utf-8"), f"{stem}.txt")).to_gold_dict()
    for field in (*DOC_KEYS, "projects", "department_indicators", "outcomes"):
        assert pred[field] == key[field], field
