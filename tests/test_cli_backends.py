"""Issue 17: every command above the store answers the same from a PostgreSQL database as from a store folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli_store import cli, ingest_bundled

QUERIES = ("外事经费", "满意度", "会议室设备保障", "接诉既办")
COMMANDS = [("search", q, "--json") for q in QUERIES] + [
    ("search", "满意度", "--kind", "indicator", "--unit", "%", "--json"),
    ("trace", "外事经费", "--json"), ("show", "外事工作经费", "--json"), ("audit", "--json"),
    ("export", "-f", "json", "--out", "{out}")]


def _strip(x: Any) -> Any:
    """The answer without where the store is (its folder or URL)."""
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in ("store", "seconds")}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


def _answers(spec: str, out: Path) -> list[Any]:
    res = []
    for args in COMMANDS:
        r = cli(*[a.format(out=out) for a in args], "--store", spec)
        assert r.exit_code in (0, 1), (args, r.output)
        if "--out" in args:
            res.append({p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())})
        else:
            res.append(_strip(json.loads(r.stdout)))
    return res


def test_commands_answer_the_same_on_both_backends(pg_db: str, tmp_path: Path) -> None:
    lite = tmp_path / "lite"
    ingest_bundled(lite)
    ingest_bundled(pg_db)  # type: ignore[arg-type]
    data = Path(__file__).resolve().parent.parent / "data"
    again = cli("ingest", str(data), "--store", pg_db, "--json")
    assert json.loads(again.stdout)["documents_unchanged"] == len(list(data.glob("*.txt"))) and json.loads(again.stdout)["store"] == pg_db
    a, b = _answers(str(lite), tmp_path / "out_lite"), _answers(pg_db, tmp_path / "out_pg")
    assert a[0]["hits"] and a[-2]  # the comparison compares something
    for cmd, x, y in zip(COMMANDS, a, b, strict=True):
        assert x == y, cmd
