"""CLI start-up stays lean (heavy libraries load inside the commands that use them); parallel ingest is the
default for big batches and writes the same store as one process."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from cli.export import FORMATS as CLI_FORMATS
from cli.main import app
from kg.export import FORMATS
from kg.ingest import MIN_FILES_PER_WORKER, default_jobs
from tests.conftest import ROOT

HEAVY = ("networkx", "kg.layouts", "kg.graph", "kg.audit.report", "kg.extract")
COMMANDS = ("extract", "ingest", "show", "trace", "search", "audit", "export")


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import json, sys, cli.main; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_help_still_lists_every_command_with_its_options() -> None:
    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0 and all(c in res.stdout for c in COMMANDS)
    res = CliRunner().invoke(app, ["export", "--help"])
    assert res.exit_code == 0 and "graphml" in res.stdout and "neo4j" in res.stdout


def test_cli_export_formats_match_the_library() -> None:
    assert CLI_FORMATS == FORMATS


def test_default_jobs_pays_for_the_pool_only_when_big_enough(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert default_jobs(1) == 1
    assert default_jobs(2 * MIN_FILES_PER_WORKER) == 2
    assert default_jobs(10_000) == 8


def test_package_names_still_import_on_first_use() -> None:
    import kg
    from kg import Document, extract_file

    assert Document.__name__ == "Document" and callable(extract_file) and set(kg.__all__) >= {"PerfkgError"}
