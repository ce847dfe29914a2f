"""perfkg audit: JSON keys, filters, exit codes for gating, the HTML report, the store, and the text report size."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from cli.main import app
from kg.audit.report import render_text
from kg.store import Store
from tests.conftest import SEEDS, seed_by_prefix, seed_path
from tests.test_audit_helpers import extracted_doc, findings, gold_doc

runner = CliRunner()
FINDING_KEYS = {"kind", "severity", "department", "year", "file", "project", "message", "evidence", "values",
                "id", "status", "reason"}


def _seed(prefix: str) -> str:
    return str(seed_path(seed_by_prefix(prefix)))


def test_json_shape_and_fail_on_error_exit_1():
    res = runner.invoke(app, ["audit", _seed("004_"), "--json", "--fail-on", "error"])
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    assert set(out) == {"findings", "summary", "failed"} and out["failed"] == []
    assert all(set(f) == FINDING_KEYS for f in out["findings"])
    assert all(set(e) == {"file", "line", "line_end", "table", "text"} for f in out["findings"] for e in f["evidence"])
    cost = next(f for f in out["findings"] if f["kind"] == "cost_target_vs_budget" and f["severity"] == "error")
    assert {e["line"] for e in cost["evidence"]} == {256, 257}
    assert out["summary"]["by_severity"]["error"] == 2 and out["summary"]["documents"] == 1


def test_filters_and_no_failure_without_findings_at_that_level():
    res = runner.invoke(app, ["audit", _seed("003_"), "--json", "--fail-on", "error"])
    assert res.exit_code == 0
    res = runner.invoke(app, ["audit", _seed("002_"), _seed("004_"), "--json", "--kind", "prose_"])
    kinds = {f["kind"] for f in json.loads(res.stdout)["findings"]}
    assert kinds == {"prose_change_percent", "prose_trips_vs_cost"}
    res = runner.invoke(app, ["audit", _seed("004_"), "--json", "--severity", "error"])
    assert {f["severity"] for f in json.loads(res.stdout)["findings"]} == {"error"}
    res = runner.invoke(app, ["audit", _seed("003_"), "--fail-on", "warning"])
    assert res.exit_code == 1 and "微信公众号" in res.stdout


def test_bad_option_and_missing_file_are_one_line_exit_2(tmp_path: Path):
    res = runner.invoke(app, ["audit", _seed("004_"), "--severity", "fatal"])
    assert res.exit_code == 2
    assert [x for x in res.stderr.splitlines() if x.strip()] == [
        "perfkg: error: --severity must be one of info, warning, error, not 'fatal'"]
    res = runner.invoke(app, ["audit", _seed("004_"), "--kind", "cost_targt"])
    assert res.exit_code == 2 and "--kind 'cost_targt' names no finding kind" in res.stderr
    res = runner.invoke(app, ["audit", str(tmp_path / "nope.txt")])
    assert res.exit_code == 2 and "nope.txt" in res.stderr and "Traceback" not in res.output


def test_html_report_quotes_source_lines_and_has_a_chart(tmp_path: Path):
    out = tmp_path / "audit.html"
    res = runner.invoke(app, ["audit", _seed("004_"), _seed("000_"), "--html", str(out)])
    assert res.exit_code == 0 and str(out) in res.stdout
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "<script" not in page and "http" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert '<span class="hit">  257  成本指标 经济成本指标 项目预算成本 ≤ 241.37 万元</span>' in page
    assert "  256  " in page  # the neighbouring line is quoted too
    assert "北京市西城区城市管理指挥中心" in page and "11010224T0000002767691" in page


def test_store_mode_with_department_and_year_filters(tmp_path: Path):
    with Store(tmp_path / "store") as st:
        for prefix in ("003_", "004_"):
            ad = extracted_doc(seed_by_prefix(prefix)) or gold_doc(seed_by_prefix(prefix))
            ad.doc.sha256 = ad.doc.sha256 or "x" * 64
            st.put_document(str(Path(_seed(prefix)).resolve()), ad.doc)
    res = runner.invoke(app, ["audit", "--store", str(tmp_path / "store"), "--dept", "城市管理", "--json"])
    out = json.loads(res.stdout)
    assert out["summary"]["documents"] == 1
    assert {f["file"][:3] for f in out["findings"]} == {"004"}
    res = runner.invoke(app, ["audit", "--store", str(tmp_path / "store"), "--year", "2024", "--json"])
    assert {f["file"][:3] for f in json.loads(res.stdout)["findings"]} == {"003"}
    res = runner.invoke(app, ["audit", "--store", str(tmp_path / "nostore")])
    assert res.exit_code == 2 and "no store" in res.stderr


def test_text_report_on_all_seeds_fits_two_screens():
    buf = io.StringIO()
    fs = list(findings("extracted"))
    render_text(fs, len(SEEDS), Console(file=buf, width=160, color_system=None))
    text = buf.getvalue()
    assert len(text.splitlines()) <= 100, len(text.splitlines())  # messages wrap whole (issue 15), never cut
    assert "3 errors" in text and "project_without_target_form ×12" in text
