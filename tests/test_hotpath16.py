"""Issue 16: ``perfkg search`` / ``trace`` / ``show`` with plain options run without typer, click, pydantic or
rich's console (a guard run with ``python -X importtime``), and the fast parser reads a command line exactly as
typer does — or hands it to typer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import search, show, trace
from cli.main import app
from cli.spec import parse
from tests.cli_store import ingest_bundled
from tests.test_startup16 import imported

# never on the answer path of a plain command line (rich.cells, the width table, is allowed for aligned text)
HEAVY = ("typer", "click", "pydantic", "rich.console", "rich.markup", "rich.tree", "whoosh", "networkx", "jieba",
         "logging")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest_bundled(tmp_path_factory.mktemp("hot16") / "store")


def _heavy(mods: set[str]) -> list[str]:
    return sorted(m for m in mods if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize("argv", [("search", "外事工作经费"), ("search", "满意度", "--json", "--limit", "3"),
                                  ("trace", "外事工作经费"), ("trace", "外事工作经费", "--pick", "1", "--csv"),
                                  ("show", "外事工作经费", "--json"), ("show", "北京市西城区人民政府外事办公室")])
def test_an_answer_imports_no_heavy_module(store: Path, argv: tuple[str, ...]) -> None:
    mods = imported(*argv, "--store", str(store))
    assert f"cli.{argv[0]}" in mods and ("index.query" in mods or "kg.scope" in mods)  # the answer ran
    assert _heavy(mods) == []


def test_an_exact_trace_loads_no_fuzzy_matcher(store: Path) -> None:
    mods = imported("trace", "外事工作经费", "--store", str(store))
    assert "kg.graph" in mods and not [m for m in mods if m.split(".")[0] == "rapidfuzz"]


def test_help_and_bad_options_still_go_to_typer(store: Path) -> None:
    assert "typer" in imported("search", "--help")
    assert "typer" in imported("trace", "外事", "--pick", "0", "--store", str(store))


def _typer_values(module: Any, argv: list[str]) -> dict[str, Any] | None:
    """The keyword values typer calls the command with (None when typer refuses the command line)."""
    got: list[dict[str, Any]] = []
    name = module.__name__.split(".")[-1]
    original = getattr(module, name)
    try:
        setattr(module, name, lambda **kw: got.append(kw))
        res = CliRunner().invoke(_fresh_app(), [name, *argv])
    finally:
        setattr(module, name, original)
    return got[0] if res.exit_code == 0 and got else None


def _fresh_app() -> Any:
    from cli.main import build_app

    return build_app()


@pytest.mark.parametrize("module,argv", [
    (search, ["外事", "--dept", "外事", "--year", "2024", "--kind", "indicator", "--level", "产出指标", "--op", ">=",
              "--unit", "%", "--min-amount", "100", "--max-amount", "2.5", "--unmet", "-n", "3", "--json"]),
    (search, ["--met", "--csv", "--store", "a/b"]), (search, []), (search, ["x", "--limit", "7", "--tsv"]),
    (search, ["--batch", "q.txt", "--met", "--met"]), (search, ["-", "--year", "007"]),
    (trace, ["满意度", "--pick", "2", "--limit", "1", "--store", "s"]), (trace, ["2010302", "--csv"]),
    (show, ["外事工作经费", "--pick", "1", "--tsv"]), (show, ["x", "--json", "--store", "."]),
])
def test_the_fast_parser_reads_what_typer_reads(module: Any, argv: list[str]) -> None:
    assert parse(module.PARAMS, argv) == _typer_values(module, argv)


@pytest.mark.parametrize("module,argv", [
    (search, ["x", "--help"]), (search, ["x", "-h"]), (search, ["x", "--limit=3"]), (search, ["x", "-n3"]),
    (search, ["x", "--limit", "x"]), (search, ["x", "--limit", "-1"]), (search, ["x", "--bogus"]),
    (search, ["x", "y"]), (search, ["x", "--dept"]), (search, ["--", "-x"]), (search, ["x", "--min-amount", "1e3"]),
    (trace, ["x", "--pick", "0"]), (show, []), (show, ["x", "--pick", " 1"]),
])
def test_anything_unusual_goes_to_typer(module: Any, argv: list[str]) -> None:
    assert parse(module.PARAMS, argv) is None


def test_the_typer_commands_keep_their_options() -> None:
    res = CliRunner().invoke(app, ["search", "--help"])
    assert res.exit_code == 0 and "--met" in res.output and "--unmet" in res.output and "-n" in res.output
    res = CliRunner().invoke(app, ["show", "--help"])
    assert res.exit_code == 0 and "NAME" in res.output and "--pick" in res.output
