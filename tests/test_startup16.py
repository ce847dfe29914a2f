"""Issue 16: start-up stays lean — ``perfkg --help`` imports no index, graph, rich or pydantic (a guard run with
``python -X importtime``), and option values convert as typer's own pydantic path converts them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.fastparams import _original, install
from tests.cli_store import cli
from tests.conftest import ROOT

HEAVY_FOR_HELP = ("index", "whoosh", "networkx", "rapidfuzz", "rich", "pydantic", "kg.graph", "kg.store",
                  "kg.layouts", "kg.extract", "kg.model", "sqlite3")


def imported(*argv: str) -> set[str]:
    """Module names ``python -X importtime -m cli.main ARGV`` imports."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "cli.main", *argv], cwd=ROOT,
                         capture_output=True, text=True)
    return {line.split("|")[-1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}


def test_help_imports_no_heavy_module() -> None:
    mods = imported("--help")
    assert "typer" in mods and "cli.search" in mods  # the measurement saw the imports at all
    heavy = sorted(m for m in mods if any(m == h or m.startswith(h + ".") for h in HEAVY_FOR_HELP))
    assert heavy == []


def test_a_command_run_imports_no_pydantic(tmp_path: Path) -> None:
    mods = imported("extract", str(ROOT / "data" / "003_3ef0f7294640413f.txt"), "--json")
    assert "kg.extract" in mods and not any(m.split(".")[0] == "pydantic" for m in mods)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def go(n: int = typer.Option(10, "--n", min=1), x: float = typer.Option(None, "--x"),
           p: Path = typer.Option(None, "--p"), ps: list[Path] = typer.Argument(None),
           flag: bool = typer.Option(False, "--flag"), s: str = typer.Option(None, "--s")) -> None:
        typer.echo(repr((n, x, p, ps, flag, s)))

    return app


@pytest.mark.parametrize("argv", [
    ["--n", "3", "--x", "2.5", "--p", "a/b", "--flag", "--s", "文字", "f1", "f2"],
    ["--x", "1e3"], ["--x", "-.5"], ["--n", " 7"], ["--n", "x"], ["--n", "0"], ["--x", "abc"], [],
])
def test_fast_conversion_equals_typers_own(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.core

    monkeypatch.setattr(typer.core, "build_runtime_param", _original(typer.core.build_runtime_param))
    slow = CliRunner().invoke(_app(), argv)
    install()
    assert typer.core.build_runtime_param is not _original(typer.core.build_runtime_param)
    fast = CliRunner().invoke(_app(), argv)
    assert (fast.exit_code, fast.output) == (slow.exit_code, slow.output)


def test_bad_option_values_keep_typers_messages() -> None:
    res = cli("search", "外事", "--limit", "x")
    assert res.exit_code == 2 and "Input should be a valid integer" in res.output
    res = cli("trace", "外事", "--pick", "0")
    assert res.exit_code == 2 and "greater than or equal to 1" in res.output
