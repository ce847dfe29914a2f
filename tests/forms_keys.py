"""Scoring fixture documents against their hand keys: ``score.py`` from ../shared when present, and a full
record comparison that needs nothing outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kg.extract import extract_file

SCORE_PY = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score.py"


def key_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def score(txt: Path, tmp: Path) -> dict | None:
    """score.py's figures for ``txt`` against its key, or None when ../shared/tools/score.py is absent."""
    if not SCORE_PY.exists():
        return None
    pred = tmp / f"{txt.stem}.pred.json"
    pred.write_text(json.dumps(extract_file(txt).to_gold_dict(), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, str(SCORE_PY), str(txt.with_suffix(".json")), str(pred)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def document_fields(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("projects", "department_indicators", "notes", "outcomes")}


def assert_records_equal_key(path: Path) -> None:
    """Every record of ``path`` (read by the label-driven reader) equals its hand key, field by field."""
    from tests.conftest import assert_projects_equal

    key = key_of(path)
    doc = extract_file(path)
    assert doc.layout == "forms"
    pred = doc.to_gold_dict()
    assert document_fields(pred) == document_fields(key)
    assert_projects_equal(pred["projects"], key["projects"])
    assert pred["department_indicators"] == key["department_indicators"]


def assert_full_marks(path: Path, tmp: Path, *, outcomes: bool = False) -> None:
    """score.py on ``path``: projects F1 1.0, indicators F1 ≥ 0.95 (1.0 with ``outcomes``, and outcomes and funds)."""
    import pytest

    s = score(path, tmp)
    if s is None:
        pytest.skip("../shared/tools/score.py not present")
    assert s["projects"][2] == 1.0
    assert s["indicators"][2] >= (1.0 if outcomes else 0.95)
    if outcomes and "outcomes" in s:
        assert s["outcomes"][2] == 1.0
        assert s["funds_ok"] == len(key_of(path)["projects"])
