"""perfkg extract: JSON in the gold shape, readable summary, and bad input as one stderr line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import load_gold, seed_by_prefix, seed_path

runner = CliRunner()


def test_extract_json_has_gold_keys_and_provenance():
    stem = seed_by_prefix("001_")
    res = runner.invoke(app, ["extract", str(seed_path(stem)), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    gold = load_gold(stem)
    assert out["totals"] == gold["totals"]
    assert [p["name"] for p in out["projects"]] == [p["name"] for p in gold["projects"]]
    first = next(p for p in out["projects"] if p["indicators"])
    prov = first["indicators"][0]["provenance"]
    assert prov["file"] == seed_path(stem).name and prov["line_start"] >= 1


def test_extract_gold_only_equals_schema_keys():
    stem = seed_by_prefix("001_")
    res = runner.invoke(app, ["extract", str(seed_path(stem)), "--json", "--gold-only"])
    assert set(json.loads(res.stdout)) == set(load_gold(stem)) - {"notes"}


def test_extract_summary_names_department_and_projects():
    stem = seed_by_prefix("001_")
    res = runner.invoke(app, ["extract", str(seed_path(stem))])
    assert res.exit_code == 0
    gold = load_gold(stem)
    assert gold["department"] in res.stdout
    assert gold["projects"][0]["name"][:8] in res.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "empty"), (b"\x00\x01\x02\x03" * 100, "binary"), (b"\xff\xfe\xfd" * 50 + b"\x81", "decode"),
     ("这是一份普通的说明文字，与预算无关。\n第二行\n".encode(), "unknown layout")],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, content: bytes, needle: str):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    res = runner.invoke(app, ["extract", str(f)])
    assert res.exit_code == 2
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "bad.txt" in lines[0] and needle in lines[0]
    assert "Traceback" not in res.output


def test_missing_file_is_exit_2(tmp_path: Path):
    res = runner.invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert res.exit_code == 2 and "no such file" in res.stderr


def test_final_account_json_keeps_gold_outcomes_and_round_trips():
    from kg.extract import extract_file
    from kg.model import Document

    stem = seed_by_prefix("002_")
    doc = extract_file(seed_path(stem))
    d = doc.to_dict()
    gold = load_gold(stem)
    assert [{k: o[k] for k in ("subject", "measure", "value", "unit")} for o in d["outcomes"]] == gold["outcomes"]
    assert all(o["provenance"]["line_start"] for o in d["outcomes"])
    assert d["figures"] and all("key" in f for f in d["figures"])
    back = Document.from_dict(json.loads(json.dumps(d)))
    assert back.to_dict() == d
