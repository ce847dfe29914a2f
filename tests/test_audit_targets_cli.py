"""perfkg audit: the rules table, switching and re-grading rules, the working paper, target rules over a store."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from kg.audit.workpaper import display_width
from kg.store import Store
from tests.conftest import seed_by_prefix, seed_path
from tests.test_audit_helpers import gold_doc, stem_of

runner = CliRunner()


def _seed(prefix: str) -> str:
    return str(seed_path(seed_by_prefix(prefix)))


def test_rules_lists_every_rule_with_choices_applied():
    res = runner.invoke(app, ["audit", "--rules", "--json", "--disable", "target.no_cost",
                              "--severity-of", "target.dropped=warning"])
    assert res.exit_code == 0, res.output
    rules = {r["id"]: r for r in json.loads(res.stdout)["rules"]}
    assert rules["target.no_cost"]["enabled"] is False and rules["target.dropped"]["severity"] == "warning"
    assert rules["target.peer_outlier"]["params"]["factor"] == 3.0
    text = runner.invoke(app, ["audit", "--rules"]).stdout
    assert "target.copied_in_department" in text and "101号" in text


def test_disable_and_regrade_change_the_findings():
    def kinds(*opts):
        res = runner.invoke(app, ["audit", _seed("004_"), "--json", "--kind", "target.", *opts])
        return [(f["kind"], f["severity"]) for f in json.loads(res.stdout)["findings"]]

    assert ("target.no_cost", "warning") in kinds()
    assert not [k for k, _ in kinds("--disable", "target.no_cost") if k == "target.no_cost"]
    assert {s for k, s in kinds("--severity-of", "target.no_cost=info") if k == "target.no_cost"} == {"info"}
    bad = runner.invoke(app, ["audit", _seed("004_"), "--severity-of", "target.no_cost=fatal"])
    assert bad.exit_code == 2 and "severity must be one of" in bad.stderr


def test_rules_file_switches_a_rule_off(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[rules."target.timing_not_date"]\nenabled = false\n', encoding="utf-8")
    res = runner.invoke(app, ["audit", _seed("003_"), "--json", "--rules-file", str(rules)])
    assert not [f for f in json.loads(res.stdout)["findings"] if f["kind"] == "target.timing_not_date"]
    rules.write_text("[rules\n", encoding="utf-8")
    res = runner.invoke(app, ["audit", _seed("003_"), "--rules-file", str(rules)])
    assert res.exit_code == 2 and "rules.toml" in res.stderr


def test_working_paper_sheets_formats_and_counts(tmp_path):
    out = tmp_path / "wp.xlsx"
    args = ["audit", _seed("004_"), _seed("000_")]
    res = runner.invoke(app, [*args, "--xlsx", str(out)])
    assert res.exit_code == 0, res.output
    n_json = len(json.loads(runner.invoke(app, [*args, "--json"]).stdout)["findings"])
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Findings", "Scorecard", "Targets", "Rules"]
    fs = wb["Findings"]
    header = [c.value for c in fs[1]]
    assert header[:3] == ["No.", "kind", "severity"] and "line" in header and fs.freeze_panes == "A2"
    assert fs.auto_filter.ref
    assert len({r[0] for r in fs.iter_rows(min_row=2, values_only=True)}) == n_json
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["findings"] == n_json
    ts = wb["Targets"]
    th = [c.value for c in ts[1]]
    amount, code, flags = th.index("amount (元)") + 1, th.index("project code") + 1, th.index("project findings") + 1
    row = next(r for r in range(2, ts.max_row + 1) if ts.cell(r, code).value == "11010222T000000414812")
    assert ts.cell(row, amount).value == 14312174.95 and "0.00" in ts.cell(row, amount).number_format
    assert ts.cell(row, code).data_type == "s" and ts.cell(row, code).number_format == "@"
    assert "target.no_output" in ts.cell(row, flags).value
    dept_code = ts.cell(2, th.index("department code") + 1)
    assert isinstance(dept_code.value, str)  # 202001 kept as text
    width = ts.column_dimensions["K"].width  # 三级指标: sized for wide characters
    assert width >= display_width("三级指标") + 2
    assert len(list(wb["Rules"].iter_rows(min_row=2))) >= 15


def test_year_over_year_in_a_store_sees_the_other_year_under_year_filter(tmp_path):
    """A later year's copy with a lowered target: `audit --year` of the later year still compares it."""
    base = gold_doc(stem_of("004"))
    nxt = copy.deepcopy(base.doc)
    nxt.year, nxt.source = 2027, "004_next.txt"
    for p in nxt.projects:
        p.amount = p.amount * 2 if p.amount is not None else None
    row = next(i for p in nxt.projects for i in p.indicators if i.l3 == "群众满意度")
    row.value = "60"
    with Store(tmp_path / "s") as st:
        st.put_document(str(seed_path(stem_of("004"))), base.doc, "a")
        st.put_document(str(tmp_path / "004_next.txt"), nxt, "b")
    res = runner.invoke(app, ["audit", "--store", str(tmp_path / "s"), "--year", "2027", "--json",
                              "--kind", "target.lowered"])
    [f] = json.loads(res.stdout)["findings"]
    assert f["year"] == 2027 and f["values"]["before"] == "85" and f["values"]["after"] == "60"
    assert Decimal(f["values"]["amount_after"]) == 2 * Decimal(f["values"]["amount_before"])
    res = runner.invoke(app, ["audit", "--store", str(tmp_path / "s"), "--year", "2026", "--json",
                              "--kind", "target.lowered"])
    assert json.loads(res.stdout)["findings"] == []  # findings are about the later year only


def test_review_scorecard_ranks_weakest_first_json_and_csv():
    args = ["review", _seed("004_"), _seed("000_")]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    cards = json.loads(res.stdout)
    depts = cards["departments"]
    assert [d["department"] for d in depts] == ["北京市西城区城市管理指挥中心", "北京市西城区人民政府办公室"]
    city = depts[0]
    assert city["projects"] == 5 and city["targets"] == 15 and city["missing_categories"] == ["产出", "效益", "成本"]
    assert city["findings"] == {"target.no_cost": 3, "target.no_effect": 2, "target.no_output": 1}
    first = cards["projects"][0]
    assert first["serious_findings"] == max(p["serious_findings"] for p in cards["projects"])
    hotline = next(p for p in cards["projects"] if p["project"].startswith("12345"))
    assert hotline["quantitative"] == 2 and hotline["missing_categories"] == ["产出"]
    lines = runner.invoke(app, [*args, "--csv"]).stdout.splitlines()
    assert lines[0].startswith("level,department,year,project") and len(lines) == 1 + 2 + len(cards["projects"])


def test_html_report_has_the_scorecard(tmp_path):
    out = tmp_path / "a.html"
    assert runner.invoke(app, ["audit", _seed("003_"), "--html", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "Target-quality scorecard" in html and "对外工作决策服务保障经费" in html
    assert "target.copied_in_department ×1" in html
