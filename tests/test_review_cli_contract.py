"""review and findings follow the CLI contract of issue 15: --csv/--tsv tables, plain lines in a pipe, a
--dept / --year that matches nothing is an error with did-you-mean, nothing cut; audit keeps target messages whole."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.review import CSV_COLUMNS
from tests.conftest import seed_by_prefix, seed_path

runner = CliRunner()


def _seed(prefix: str) -> str:
    return str(seed_path(seed_by_prefix(prefix)))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    s = str(tmp_path_factory.mktemp("st") / "s")
    assert runner.invoke(app, ["ingest", _seed("004_"), _seed("000_"), "--store", s]).exit_code == 0
    return s


def test_review_tsv_has_the_csv_columns_and_one_row_per_card() -> None:
    args = ["review", _seed("004_"), _seed("000_")]
    cards = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    lines = runner.invoke(app, [*args, "--tsv"]).stdout.splitlines()
    assert lines[0].split("\t") == list(CSV_COLUMNS)
    assert len(lines) == 1 + len(cards["departments"]) + len(cards["projects"])
    assert runner.invoke(app, [*args, "--csv", "--tsv"]).exit_code == 2


def test_review_in_a_pipe_is_plain_lines_with_whole_names() -> None:
    res = runner.invoke(app, ["review", _seed("004_"), _seed("000_"), "--top", "50"])
    assert res.exit_code == 0, res.output
    cards = json.loads(runner.invoke(app, ["review", _seed("004_"), _seed("000_"), "--json"]).stdout)
    assert not set("│┃─━┏┗") & set(res.stdout) and "…" not in res.stdout
    for p in cards["projects"]:
        assert p["project"] in res.stdout


@pytest.mark.parametrize("cmd", [["review"], ["findings"]])
def test_dept_or_year_matching_nothing_is_an_error_with_did_you_mean(store: str, cmd: list[str]) -> None:
    res = runner.invoke(app, [*cmd, "--store", store, "--dept", "城市管里指挥中心"])
    assert res.exit_code == 2 and "did you mean" in res.stderr and "城市管理指挥中心" in res.stderr
    res = runner.invoke(app, [*cmd, "--store", store, "--year", "1999"])
    assert res.exit_code == 2 and "--year 1999" in res.stderr


def test_findings_csv_rows_match_json(store: str) -> None:
    rows = json.loads(runner.invoke(app, ["findings", "--store", store, "--json"]).stdout)
    out = runner.invoke(app, ["findings", "--store", store, "--csv"]).stdout
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == [r["id"] for r in rows] and table[0]["message"] == rows[0]["message"]
    text = runner.invoke(app, ["findings", "--store", store]).stdout
    assert all(r["id"] in text for r in rows) and text.rstrip().endswith(f"{len(rows)} findings")


def test_audit_text_prints_target_messages_whole() -> None:
    res = runner.invoke(app, ["audit", _seed("004_"), "--kind", "target.", "--json"])
    messages = [f["message"] for f in json.loads(res.stdout)["findings"]]
    assert any(len(m) > 130 for m in messages)  # longer than the cut review19 once made
    text = runner.invoke(app, ["audit", _seed("004_"), "--kind", "target."]).stdout
    assert all(m in text for m in messages)


def test_audit_rules_as_tsv_one_row_per_rule() -> None:
    rules = json.loads(runner.invoke(app, ["audit", "--rules", "--json"]).stdout)["rules"]
    lines = runner.invoke(app, ["audit", "--rules", "--tsv"]).stdout.splitlines()
    assert lines[0].startswith("id\tenabled\tseverity") and len(lines) == 1 + len(rules)
