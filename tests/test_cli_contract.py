"""Issue 15: no silent passes, one contract across commands (filters, not-found, ambiguity, help, extras)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from tests.cli_store import cli, ingest_bundled
from tests.conftest import ROOT, seed_by_prefix, seed_path

CITY = "北京市西城区城市管理指挥中心"
COMMANDS = ("extract", "ingest", "show", "trace", "search", "audit", "export")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest_bundled(tmp_path_factory.mktemp("cli15") / "store")


def _seed(prefix: str) -> str:
    return str(seed_path(seed_by_prefix(prefix)))


# -- 1. a filter that matches nothing is an error with "did you mean", never a pass ------------------------
def test_audit_dept_typo_exits_2_with_did_you_mean(store: Path) -> None:
    res = cli("audit", "--store", str(store), "--dept", "城市管里", "--fail-on", "error")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.strip() == (f"perfkg: error: --dept '城市管里' matches no department in the store; did you mean: "
                                  f"{CITY}, 北京市西城区政务服务管理办公室")
    assert cli("audit", "--store", str(store), "--dept", "城市管理", "--fail-on", "error").exit_code == 1


def test_audit_year_typo_exits_2_listing_the_years(store: Path) -> None:
    res = cli("audit", "--store", str(store), "--year", "1999", "--fail-on", "error")
    assert res.exit_code == 2 and "--year 1999 matches no document in the store; years: 2019, 2023, 2024, 2026" \
        in res.stderr
    res = cli("audit", "--store", str(store), "--dept", "城市管理", "--year", "2024")
    assert res.exit_code == 2 and "has no document of --year 2024; its years: 2026" in res.stderr


def test_audit_of_files_dept_typo_exits_2() -> None:
    res = cli("audit", _seed("004_"), "--dept", "外是", "--json")
    assert res.exit_code == 2 and "matches no department in the files given" in res.stderr


def test_search_year_typo_exits_2_listing_the_years(store: Path) -> None:
    res = cli("search", "外事", "--store", str(store), "--year", "1999")
    assert res.exit_code == 2 and "years indexed: 2019, 2023, 2024, 2026" in res.stderr
    res = cli("search", "外事", "--store", str(store), "--dept", "外事", "--year", "2026")
    assert res.exit_code == 2 and "--dept '外事' has no document of --year 2026; its years: 2024" in res.stderr


# -- 4. candidates that never look the same ------------------------------------------------------------
def test_trace_candidates_name_kind_text_project_department_year(store: Path) -> None:
    res = cli("trace", "满意度", "--store", str(store), "--json")
    out = json.loads(res.stdout)
    assert out["status"] == "several" and res.exit_code == 0  # issue 21: several matches are each traced
    cands = out["candidates"]
    assert all({"kind", "text", "project", "department", "year"} <= set(c) for c in cands)
    assert all(c["year"] and c["department"] for c in cands)  # a project's target has its document's year
    assert all(c["project"] for c in cands if c["kind"] == "Indicator")
    rows = {(c["kind"], c["text"], c["project"], c["department"], c["year"]) for c in cands}
    assert len(rows) == len(cands)
    text = cli("trace", "满意度", "--store", str(store)).stdout
    assert "外事工作经费" in text and "微信公众号运营服务费" in text and CITY in text


# -- 8. one contract: not found, ambiguous, help, options ------------------------------------------------
def test_not_found_is_exit_1_and_one_json_shape_for_search_trace_and_show(store: Path) -> None:
    shapes = {}
    for cmd, items in (("search", "hits"), ("trace", "traces"), ("show", "results")):
        res = cli(cmd, "qqqqzzzz", "--store", str(store), "--json")
        out = json.loads(res.stdout)
        assert res.exit_code == 1, cmd
        assert out["query"] == "qqqqzzzz" and out["status"] == "not_found" and out[items] == []
        shapes[cmd] = {"query", "status", "candidates"} <= set(out)
    assert all(shapes.values())
    assert json.loads(cli("trace", "qqqqzzzz", "--store", str(store), "--json").stdout)["candidates"] == []
    text = cli("show", "qqqqzzzz", "--store", str(store))
    assert text.exit_code == 1 and "no matches for qqqqzzzz" in text.stdout


def test_several_trace_exits_0_tracing_each(store: Path) -> None:
    # issue 21 changed this (issue 15: exit 1, nothing traced): a query several projects carry traces each
    res = cli("trace", "满意度", "--store", str(store))
    assert res.exit_code == 0 and "--pick" in res.stdout and "外事工作经费" in res.stdout
    assert cli("trace", "满意度", "--store", str(store), "--pick", "1").exit_code == 0


def test_help_h_and_version() -> None:
    assert cli("-h").exit_code == 0 and "Commands" in cli("-h").stdout
    for cmd in COMMANDS:
        res = cli(cmd, "-h")
        assert res.exit_code == 0 and "Usage" in res.stdout, cmd
    res = cli("--version")
    assert res.exit_code == 0 and re.fullmatch(r"perfkg \d+\.\d+\.\d+.*\n", res.stdout)


def test_help_metavars_are_plain_words() -> None:
    for cmd in COMMANDS:
        text = cli(cmd, "--help", env={"COLUMNS": "200"}).stdout
        assert not re.search(r"<bool>|<path>|<list\[|<int|<text>|<float>|\{[a-z]+\}", text), (cmd, text)
    usage = cli("extract", "--help", env={"COLUMNS": "200"}).stdout.split("Usage:")[1].split("\n")[0]
    assert usage.split() == ["perfkg", "extract", "[OPTIONS]", "FILE"]


def test_same_store_help_text_on_every_command() -> None:
    helps = set()
    for cmd in ("ingest", "show", "trace", "search", "audit", "export"):
        text = " ".join(cli(cmd, "--help", env={"COLUMNS": "400"}).stdout.split())
        m = re.search(r"--store DIR (.+?\)\.)", text)
        assert m, cmd
        helps.add(m.group(1))
    assert len(helps) == 1, helps


def test_gold_only_without_json_prints_the_gold_json() -> None:
    res = cli("extract", _seed("004_"), "--gold-only")
    assert res.exit_code == 0 and set(json.loads(res.stdout)) == set(json.loads(
        cli("extract", _seed("004_"), "--gold-only", "--json").stdout))


def test_search_accepts_a_long_indicator_name_that_trace_accepts(store: Path) -> None:
    from kg.store import Store

    with Store(store, create=False) as st:
        longest = max(st.distinct_values("indicators", "text"), key=len)
    assert len(longest) > 200
    assert cli("trace", longest, "--store", str(store), "--json").exit_code in (0, 1)
    res = cli("search", longest, "--store", str(store), "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["hits"]


def test_trace_and_show_accept_a_code_suffix_as_search_does(store: Path) -> None:
    for q in ("000002005036", "2005036"):
        out = json.loads(cli("trace", q, "--store", str(store), "--json").stdout)
        assert [t["project"]["code"] for t in out["traces"]] == ["11010223T000002005036"], q
        hit = json.loads(cli("search", q, "--store", str(store), "--json").stdout)["hits"][0]
        assert hit["code"] == "11010223T000002005036"
    shown = json.loads(cli("show", "2005036", "--store", str(store), "--json").stdout)
    assert shown["results"][0]["project"]["name"] == "城指中心工作经费"


# -- 7 and 10. the test command prints a count; install only what a user needs --------------------------
def test_readme_test_command_prints_a_count() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = project["tool"]["pytest"]["ini_options"].get("addopts", "")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"python -m pytest[^\n`]*", readme)
    assert commands
    for c in commands:
        quiet = (c + " " + addopts).split()
        assert quiet.count("-q") + 2 * quiet.count("-qq") <= 1, c  # -q twice prints no "N passed"


def test_jieba_is_an_extra_not_a_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith("jieba")]
    assert any(d.startswith("jieba") for d in project["optional-dependencies"]["jieba"])
    assert "pip install ." in (ROOT / "README.md").read_text(encoding="utf-8")
