"""A store of the bundled data, ingested once per test module that asks for it (the CLI tests of issue 15)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cli.main import app
from tests.conftest import DATA

runner = CliRunner()


def ingest_bundled(store: Path) -> Path:
    res = runner.invoke(app, ["ingest", str(DATA), "--store", str(store), "-j", "1", "--json"])
    assert res.exit_code == 0, res.output
    return store


def cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def csv_rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time (ns)."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}
