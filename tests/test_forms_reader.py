"""The label-driven reader on the hand-keyed 绩效目标表 fixtures (tests/fixtures/forms/): every record equals its
key, score.py gives projects F1 1.0 and indicators F1 ≥ 0.95, and a text with no form is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cells.text import split_words, text_to_rows
from kg.errors import UnknownLayoutError
from kg.extract import extract_file
from kg.forms.stream import split_glued_indicators
from kg.forms.values import parse_target
from tests.forms_keys import assert_full_marks, assert_records_equal_key, key_of

FORMS = Path(__file__).resolve().parent / "fixtures" / "forms"
DOCS = sorted(p for p in FORMS.glob("*.txt") if key_of(p)["projects"] or key_of(p)["department_indicators"])
NEGATIVE = sorted(p for p in FORMS.glob("*.txt") if p not in DOCS)  # no form at all


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_form_records_equal_key(path: Path) -> None:
    assert_records_equal_key(path)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_form_scores(path: Path, tmp_path: Path) -> None:
    assert_full_marks(path, tmp_path)


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.stem)
def test_text_without_a_form_says_no_form_found(path: Path) -> None:
    with pytest.raises(UnknownLayoutError, match="no form found"):
        extract_file(path)


def test_every_record_cites_its_lines() -> None:
    doc = extract_file(FORMS / "f09_spaces_wrapped_2024.txt")
    [p] = doc.projects
    assert p.provenance and p.provenance.line_start is not None
    wrapped = next(i for i in p.indicators if i.l3 == "带动脱贫人口和监测对象务工人数")
    assert wrapped.provenance.line_end == wrapped.provenance.line_start + 1  # the name wrapped onto a 2nd line


@pytest.mark.parametrize(("text", "expected"), [
    ("≥95%", ("≥", "95", "%")), ("≤75万元", ("≤", "75", "万元")), ("≥ 1,250 万元", ("≥", "1250", "万元")),
    ("不低于90%", ("≥", "90", "%")), ("＝100%", ("=", "100", "%")), ("12个", ("=", "12", "个")),
    ("参照政府采购成本控制", ("定性", "参照政府采购成本控制", None)), ("2024年12月底前", ("定性", "2024年12月底前", None)),
    ("≤2.5‰", ("≤", "2.5", "‰")), ("≤10/10万", ("≤", "10", "/10万")), ("=300.00(场)", ("=", "300.00", "场")),
])
def test_target_values(text: str, expected: tuple) -> None:
    assert parse_target(text) == expected


def test_separator_measured_per_line() -> None:
    rows = text_to_rows("a\tb\n| c | d |\ne    f\ng\n   \n")
    assert [(r.separator, r.texts) for r in rows] == [
        ("tab", ["a", "b"]), ("pipe", ["c", "d"]), ("spaces", ["e", "f"]), ("line", ["g"]), ("line", [""])]


def test_glued_indicators_cut_at_their_values() -> None:
    assert split_glued_indicators("提质改造道路里程≥4.6公里新增停车泊位120个") == [
        ("提质改造道路里程", "≥4.6公里"), ("新增停车泊位", "120个")]
    assert split_glued_indicators("工程完工时间2022年11月底前") == [("工程完工时间", "2022年11月底前")]
    assert split_words("目标值 ≥ 1,250 万元") == ["目标值", "≥1,250万元"]


def test_unit_budget_title_names_the_unit_without_its_kind_word() -> None:
    """Regression (a real 苏州 PDF): "2026 年度苏州市科学技术局单位预算公开" named the department "…科学技术局单位"."""
    from kg.cells.text import text_to_rows
    from kg.forms.reader import read_forms
    from kg.layouts.forms import disclosure_title

    for title, name in (("2026 年度苏州市科学技术局单位预算公开", "苏州市科学技术局"),
                        ("2025年度某市某区财政局部门综合预算", "某市某区财政局"),
                        ("2024年度中共某区委社会工作部部门决算", "中共某区委社会工作部")):
        reading = read_forms(text_to_rows(f"{title}\n单位：万元\n"))
        got = disclosure_title(reading)
        assert got is not None and got[1] == name, (title, got)


def test_standard_tables_without_a_title_are_read_as_a_disclosure() -> None:
    """Regression (a real 北京 报表 PDF): a file of standard tables naming no department was read only while a
    "金额单位：万元" line passed for its department ("万元"); with that fixed it was an unknown layout."""
    from kg.extract import extract_source
    from kg.reading import SourceText

    text = ("收支总表\n金额单位：万元\n收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n"
            "一、一般公共预算拨款收入\t100.00\t一、一般公共服务支出\t100.00\n本年收入合计\t100.00\t本年支出合计\t100.00\n"
            "收入总表\n金额单位：万元\n合计\t一般公共预算资金\n100.00\t100.00\n"
            "支出总表\n金额单位：万元\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n合计\t\t100.00\t60.00\t40.00\n"
            "2010301\t行政运行\t60.00\t60.00\t\n2010302\t一般行政管理事务\t40.00\t\t40.00\n")
    doc = extract_source(SourceText("t.txt", "t.txt", text, "utf-8", "0"))
    assert doc.layout == "forms" and doc.department is None and not doc.projects
    assert {"no_project_forms", "department_missing"} <= {w.kind for w in doc.warnings}
