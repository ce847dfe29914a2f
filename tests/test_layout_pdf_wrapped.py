"""Layout E (pdf_wrapped): the seed and variants of it built in code must parse to the same records."""

from __future__ import annotations

import copy
import json
import re

import pytest

from kg.errors import ParseError
from kg.layouts import detection_scores, pdf_wrapped
from kg.reading import read_source, source_from_bytes
from tests.conftest import SEEDS, load_gold, seed_by_prefix, seed_path

STEM = seed_by_prefix("003_")
SEED = seed_path(STEM).read_text(encoding="utf-8")
FORMS_MARK = "表 14\n"


def parse_text(text: str, name: str = "variant.txt"):
    return pdf_wrapped.parse(source_from_bytes(text.encode("utf-8"), name))


def gold_view(doc) -> dict:
    d = doc.to_gold_dict()
    d.pop("source")
    return d


def expected(subs: tuple[tuple[str, str], ...] = ()) -> dict:
    g = load_gold(STEM)
    g.pop("notes")
    g.pop("source")
    s = json.dumps(g, ensure_ascii=False)
    for old, new in subs:
        s = s.replace(old, new)
    return json.loads(s)


def wrapped(cell: str, width: int) -> str:
    return "\n\n".join(cell[i:i + width] for i in range(0, len(cell), width))


def rewrap(text: str, cell: str, width: int) -> str:
    """Re-wrap every occurrence of ``cell`` (printed wrapped at any points) at a new width."""
    pattern = r"(?:\n\n)?".join(re.escape(c) for c in cell)
    return re.sub(pattern, lambda _m: wrapped(cell, width), text)


def in_forms(text: str, fn) -> str:
    head, sep, forms = text.partition(FORMS_MARK)
    return head + sep + fn(forms)


def indicators_of(doc, name: str) -> list[dict]:
    return next(p.to_gold_dict()["indicators"] for p in doc.projects if p.name == name)


SEED_DOC = parse_text(SEED, STEM + ".txt")


def test_seed_equals_gold_and_records_are_complete():
    assert gold_view(SEED_DOC) == expected()
    assert {k: str(f.amount) for k, f in SEED_DOC.totals.items()} == {
        "total": "6488757.84", "basic": "5290657.84", "project": "1198100.00"}
    for p in SEED_DOC.projects:
        assert p.provenance.table == "表4" and p.amount_text and p.goal and p.funding_lines
        assert {s.table for s in p.seen_in} >= {"表14", "表11"}
        for ind in p.indicators:
            assert ind.provenance.line_start <= ind.provenance.line_end and ind.text
    fl = SEED_DOC.projects[1].funding_lines[0]
    assert (fl.function_code, fl.function_name, fl.econ_dept_code) == ("2010302", "一般行政管理事务", "30299")
    pairs = {(c.scheme, c.code, c.name) for c in SEED_DOC.classifications}
    assert ("function", "2010399", "其他政府办公厅（室）及相关机构事务支出") in pairs
    assert ("econ_gov", "50101", "工资奖金津补贴") in pairs
    assert ("econ_dept", "30108", "机关事业单位基本养老保险缴费") in pairs


def test_rows_after_page_break_are_marked_as_joined():
    inds = SEED_DOC.projects[3].indicators  # 对外工作决策服务保障经费: split by a page start inside its goal
    assert inds[0].link_method == "form" and inds[0].confidence == 1.0
    assert all(i.link_method == "page_break_join" and i.confidence < 1 for i in inds[1:])


def test_detect_claims_the_seed_only():
    for stem in SEEDS:
        score = detection_scores(read_source(seed_path(stem)))["pdf_wrapped"]
        assert (score >= 0.5) == stem.startswith("003_"), (stem, score)


@pytest.mark.parametrize("width", [3, 4, 5, 7, 20])
def test_form_cells_rewrapped_at_other_widths(width):
    cells = ["服务对象满意度指标", "可持续影响指标", "中央、市级和区内单位满意度", "无错别字等问题", "优良中低差",
             "区内单位满意度", "西城区外办出入境业务管理系统运维服务费", "外工作决策服务保障经费"]

    def fn(forms: str) -> str:
        for c in cells:
            forms = rewrap(forms, c, width)
        return forms

    text = in_forms(SEED, fn)
    assert text != SEED
    assert gold_view(parse_text(text)) == expected()


@pytest.mark.parametrize("width", [1, 3, 4, 30])
def test_project_table_names_rewrapped(width):
    head, sep, rest = SEED.partition("表 5\n")
    for name in ("西城区外办出入境业务管理系统运维服务费", "外事工作经费", "微信公众号运营服务费", "对外工作决策服务保障经费",
                 "法律服务费"):
        head = rewrap(head, name, width)
    assert gold_view(parse_text(head + sep + rest)) == expected()


def test_wide_layout_rows_on_one_line():
    text = SEED.replace("满意度指标\n服务对象满意\n\n度指标\n\n中央、市级和\n\n区内单位满意\n\n度\n\n≥ 90 %",
                        "满意度指标 服务对象满意度指标 中央、市级和区内单位满意度 ≥ 90 %")
    text = text.replace("外事\n\n工作\n\n经费\n\n2010302-一\n\n般行政管理\n\n事务\n\n50299-其\n\n他商品和\n\n服务支出\n\n"
                        "30299-其他\n\n商品和服务\n\n支出\n\n70.000000",
                        "外事工作经费 2010302-一般行政管理事务 50299-其他商品和服务支出 30299-其他商品和服务支出 70.000000")
    assert text.count("服务对象满意度指标 中央") == 4 and "外事工作经费 2010302" in text
    assert gold_view(parse_text(text)) == expected()


def test_page_break_moved_inside_goal_and_between_rows():
    # 外事工作经费: the first page now ends three goal lines earlier; those lines move after the page break.
    moved = "多领域外事项目体\n\n系；践行“外事为\n\n民”理念，加强预\n\n"

    def fn(forms: str) -> str:
        assert forms.count(moved + "效益指标") == 1 and forms.count(" 防性领事保护宣") == 1
        forms = forms.replace(moved + "效益指标", "效益指标").replace(" 防性领事保护宣", " " + moved + "防性领事保护宣")
        # a page break between two rows
        return forms.replace("\n产出指标 数量指标 维护时长", "\n 产出指标 数量指标 维护时长")

    text = in_forms(SEED, fn).replace("\n区外\n", "\n 区外\n", 1)  # and one inside a project-table name cell
    doc = parse_text(text)
    assert gold_view(doc) == expected()
    assert doc.projects[1].goal == SEED_DOC.projects[1].goal
    assert [i.link_method for i in doc.projects[1].indicators][2:4] == ["form", "page_break_join"]


def test_page_break_without_rows_keeps_goal_whole():
    text = SEED.replace("\n根据《北京市西城\n", "\n 根据《北京市西城\n").replace("\n障西城区外办出入\n", "\n 障西城区外办出入\n")
    assert text.count("\n 根据《") == 1 and text.count("\n 障西城") == 1
    doc = parse_text(text)
    assert gold_view(doc) == expected()
    assert doc.projects[0].goal == SEED_DOC.projects[0].goal and doc.projects[4].goal == SEED_DOC.projects[4].goal


def test_renamed_department_and_projects_and_year():
    subs = (("西", "东"), ("外", "侨"), ("律", "援"), ("2024", "2026"))
    text = SEED
    for old, new in subs:
        text = text.replace(old, new)
    doc = parse_text(text)
    want = expected(subs)
    assert doc.year == 2026 and doc.department == "北京市东城区人民政府侨事办公室"
    assert gold_view(doc) == want


def test_gb18030_with_crlf():
    data = SEED.replace("\n", "\r\n").encode("gb18030")
    src = source_from_bytes(data, "gb.txt")
    assert src.encoding == "gb18030"
    assert gold_view(pdf_wrapped.parse(src)) == expected()


def test_changed_amount_flows_and_unbalanced_sum_is_warned():
    text = SEED.replace("\n6.000000 6.000000\n", "\n8.000000 8.000000\n").replace("\n6.00\n", "\n8.00\n")
    doc = parse_text(text)
    law = next(p for p in doc.projects if p.name == "法律服务费")
    assert str(law.amount) == "80000.00" and law.amount_text == "8.000000"
    assert any(w.kind == "project_sum_mismatch" for w in doc.warnings)
    assert not any(w.kind == "project_sum_mismatch" for w in SEED_DOC.warnings)


def test_header_unit_that_lies_is_corrected_from_prose():
    head, sep, rest = SEED.partition("2024 年部门支出总表\n单位：万元")
    text = head + "2024 年部门支出总表\n单位：元" + rest
    doc = parse_text(text)
    assert str(doc.total("total")) == "6488757.84"
    assert any(w.kind == "unit_corrected" for w in doc.warnings)


def test_value_continuation_and_unit_in_department_table():
    text = SEED.replace("律师服务\n完成进度 定性 高中低\n\n法律依据 定性 优良中低差",
                        "律师服务\n完成进度 定性\n高中低\n\n法律依据 定性 优良中低\n\n差")
    text = text.replace("对外决策服务保障\n完成进度", "对外决策服务保障\n\n 完成进度")
    assert text.count("定性\n高中低\n") == 1 and text.count("\n 完成进度") == 1
    assert gold_view(parse_text(text)) == expected()


@pytest.mark.parametrize("cut", ["表 14\n", "度指标\n居民满意度 ≥ 85 %\n 参阅", "\n外事\n\n工作\n", "\n活动 绩效指标"])
def test_truncated_text_gives_document_with_warnings(cut):
    text = SEED[: SEED.index(cut) + len(cut) // 2]
    doc = parse_text(text)
    assert doc.totals["total"].amount is not None
    gold_names = [p["name"] for p in expected()["projects"]]
    assert all(p.name in gold_names for p in doc.projects)


def test_empty_tables_warn():
    head, _, _ = SEED.partition("\n西城\n\n区外")
    _, _, tail = SEED.partition("\n合计 119.810000 119.810000\n")
    doc = parse_text(head + "\n合计 0.00 0.00\n" + tail)
    # no project rows: the forms still give the projects, with their codes and the forms' amounts
    assert [(p.name, str(p.amount), p.code) for p in doc.projects] == [
        (p["name"], p["amount"], p["code"]) for p in expected()["projects"]]
    assert any(w.kind == "project_sum_mismatch" for w in doc.warnings) is False
    empty = parse_text(SEED.partition(FORMS_MARK)[0] + FORMS_MARK + "2024 年项目支出绩效目标申报表\n")
    assert [p.indicators for p in empty.projects] == [[]] * 5


def test_no_tables_is_a_parse_error():
    with pytest.raises(ParseError) as e:
        parse_text("一、部门情况\n\n说明文字\n", "plain.txt")
    assert "plain.txt" in str(e.value)


def test_indicator_cells_keep_document_order_after_rewrap():
    doc = parse_text(in_forms(SEED, lambda f: rewrap(f, "中央、市级和区内单位满意度", 2)))
    got = indicators_of(doc, "外事工作经费")
    assert [i["l3"] for i in got] == [i["l3"] for i in copy.deepcopy(indicators_of(SEED_DOC, "外事工作经费"))]


def test_goal_opening_with_a_year_is_not_an_amount():
    text = SEED.replace("\n为持续推进“法治\n", "\n2024 年持续推进“法治\n")
    assert text != SEED
    law = parse_text(text).projects[4]
    assert law.goal_prefix == "2024年持续推进“法治西城”" and str(law.amount) == "60000.00"


def test_project_code_cut_before_its_hyphen():
    text = SEED.replace("11010223T000002206974-微\n", "11010223T00000\n\n2206974-微\n")
    assert text != SEED
    assert gold_view(parse_text(text)) == expected()


def test_second_funding_row_without_a_name_joins_the_project_above():
    row = "70.000000 70.000000\n"
    extra = ("60.000000 60.000000\n\n2010399-其他政府办公厅（室）及相关机构事务支出 50299-其他商品和服务支出 "
             "30299-其他商品和服务支出 10.000000 10.000000\n")
    before, sep4, after = SEED.partition("表 4\n")
    table4, sep5, rest = after.partition("表 5\n")
    assert table4.count(row) == 1
    doc = parse_text(before + sep4 + table4.replace(row, extra) + sep5 + rest)
    p = doc.projects[1]
    assert str(p.amount) == "700000.00" and p.function_code == "2010302"
    assert [f.function_code for f in p.funding_lines] == ["2010302", "2010399"]
    assert p.funding_lines[1].link_method.startswith("merged_cell_repair") and p.funding_lines[1].confidence < 1
    assert not any(w.kind == "project_sum_mismatch" for w in doc.warnings)


def test_department_table_without_grid_header():
    doc = parse_text(SEED.replace("活动 绩效指标 指标性质 指标值 度量单位\n", ""))
    assert doc.to_gold_dict()["department_indicators"] == expected()["department_indicators"]


def test_long_digit_runs_do_not_stall_and_truncations_never_crash():
    import time

    t = time.perf_counter()
    parse_text(SEED.replace("A0501 公共信息服务", "A0501 " + "1" * 60 + "x公共信息服务"))
    assert time.perf_counter() - t < 0.5
    for cut in range(100, len(SEED), 997):
        try:
            parse_text(SEED[:cut])
        except ParseError as e:
            assert e.file == "variant.txt"


def test_l1_printed_once_over_merged_rows():
    text = SEED.replace("\n产出指标 质量指标 法律依据 定性\n", "\n质量指标 法律依据 定性\n")
    text = text.replace("\n产出指标 质量指标 维护质量 定性\n", "\n 质量指标 维护质量 定性\n")
    assert text.count("\n质量指标 法律依据") == 1 and text.count("\n 质量指标 维护质量") == 1
    doc = parse_text(text)
    assert gold_view(doc) == expected()
    merged = [i for p in doc.projects for i in p.indicators if i.link_method.startswith("merged_cell_repair")]
    assert [i.l3 for i in merged] == ["维护质量", "法律依据"] and all(i.confidence < 1 for i in merged)


def test_department_indicator_name_wrapped_before_its_operator():
    text = SEED.replace("\n服务对象满意度指标 ≥ 90\n", "\n服务对象满意\n\n度指标 ≥ 90\n")
    assert text != SEED
    assert parse_text(text).to_gold_dict()["department_indicators"] == expected()["department_indicators"]


def test_department_name_with_a_digit_is_found_regression():
    """Regression: a district written with a digit (丰台1区) made the department None."""
    from kg.extract import extract_source
    from kg.reading import source_from_bytes
    from tests.conftest import seed_by_prefix, seed_path

    text = seed_path(seed_by_prefix("003_")).read_text(encoding="utf-8").replace("西城区", "丰台1区")
    doc = extract_source(source_from_bytes(text.encode("utf-8"), "x.txt"))
    assert doc.department == "北京市丰台1区人民政府外事办公室"


def _expected_without_codes() -> dict:
    want = expected()
    for p in want["projects"]:
        p["code"] = None
    return want


def test_form_heads_without_project_code_regression():
    """Regression: forms whose 项目名称 cell has no <项目编码>- prefix were not recognised (no goal, no rows)."""
    text = in_forms(SEED, lambda f: re.sub(r"(?m)^1101022\dT\d{12}-", "", f))
    assert "T000001962578" not in text.partition(FORMS_MARK)[2]
    assert gold_view(parse_text(text)) == _expected_without_codes()


def test_form_heads_without_code_or_project_table_regression():
    """The same without project-table names to cut the heads by: cut after the previous row's cells."""
    head, _, _ = SEED.partition("\n西城\n\n区外")
    _, _, tail = SEED.partition("\n合计 119.810000 119.810000\n")
    tail = in_forms(tail, lambda f: re.sub(r"(?m)^1101022\dT\d{12}-", "", f))
    doc = parse_text(head + "\n合计 0.00 0.00\n" + tail)
    want = _expected_without_codes()["projects"]
    got = doc.to_gold_dict()["projects"]
    assert [(p["name"], p["amount"], p["goal_prefix"], p["indicators"]) for p in got] == [
        (p["name"], p["amount"], p["goal_prefix"], p["indicators"]) for p in want]


def test_qualitative_value_cut_by_page_break_after_goal_regression():
    """Regression: a 定性 value wrapped over a page break (优良中低 / ␠差) was read as goal text."""
    text = SEED.replace("\n产出指标 质量指标 维护质量 定性\n优良中低\n\n差\n", "\n产出指标 质量指标 维护质量 定性\n优良中低\n\n 差\n")
    assert text != SEED
    doc = parse_text(text)
    assert gold_view(doc) == expected()
    assert doc.projects[0].goal == SEED_DOC.projects[0].goal


def test_qualitative_value_after_resumed_goal_regression():
    """A page break cuts the value and the goal: the new page prints the goal's rest first, then the value's."""
    old = "活动完成质量 定性\n优良中低\n\n差\n 防性"
    goal_end = "\n\n安全稳定的涉外环\n\n境。\n"
    assert SEED.count(old) == 1 and SEED.count(goal_end) == 1
    text = SEED.replace(old, "活动完成质量 定性\n优良中低\n\n 防性").replace(goal_end, goal_end + "\n差\n")
    doc = parse_text(text)
    assert gold_view(doc) == expected()
    assert doc.projects[1].goal == SEED_DOC.projects[1].goal


def test_indicator_name_cut_by_page_break_before_resumed_goal_regression():
    """Regression: an l3 cell cut by a page break whose new page resumes the goal first took the goal text."""
    old = "度指标\n居民满意度 ≥ 85 %\n 参阅》，对区委区\n\n政府决策提供参\n\n考。\n"
    assert SEED.count(old) == 1
    text = SEED.replace(old, "度指标\n居民满\n 参阅》，对区委区\n\n政府决策提供参\n\n考。\n\n意度 ≥ 85 %\n")
    doc = parse_text(text)
    assert gold_view(doc) == expected()
    assert doc.projects[3].goal == SEED_DOC.projects[3].goal


def test_department_indicator_name_wrapped_inside_a_word_regression():
    """Regression: a 表 13 name wrapped at a point not before 指标 (活动完成 / 质量) was read as an activity label."""
    text = SEED.replace("\n活动完成质量 定性 优良中低差\n", "\n活动完成\n\n质量 定性 优良中低差\n")
    text = text.replace("\n律师服务\n完成进度 定性 高中低\n", "\n律师服务\n完成\n\n进度\n定性 高中低\n")
    assert text.count("\n活动完成\n") == 1 and text.count("\n完成\n\n进度\n") == 1
    assert parse_text(text).to_gold_dict()["department_indicators"] == expected()["department_indicators"]


UNIT_ROW = "\n0.00\n 表 13\n"


@pytest.mark.parametrize(("row", "code"), [
    ("202101 西城区人民政府外\n\n事办公室 2010301 30299 50299 外事工作经费 1.00 京财〔2024〕1 号", "202101"),
    ("202102-北京市西城区人\n\n民政府外事办公室（本级） 2010301 30299 50299 外事工作经费 1.00", "202102"),
    ("202103 北京市西城区人民政府外事办公室 2010301 30299 50299 外事工作经费 1.00", "202103"),
    ("202104 北京市西城区外事服务中心 2010301 30299 50299 外事工作经费 1.00", None),
])
def test_department_code_from_unit_cells_regression(row, code):
    """Regression: the unit code was found only as six digits right before the full department name."""
    assert SEED.count(UNIT_ROW) == 1
    doc = parse_text(SEED.replace(UNIT_ROW, f"\n{row}\n{UNIT_ROW}"))
    assert doc.department_code == code


def test_table_without_unit_line_takes_the_document_unit_regression():
    """Regression: a table printing no unit (the target forms) was read in 万元 when the document is in 元."""
    from tests.test_unseen_pdf_wrapped import parsed

    doc = parsed("c_yuan_tables_missing_optional", "utf-8")["doc"]
    assert not [w for w in doc.warnings if w.kind == "amount_mismatch"]
    assert [str(p.amount) for p in doc.projects] == ["246000.00", "98500.00", "60000.00"]


def test_codeless_head_spelled_with_added_words_after_wrapped_value_regression():
    """Regression: a codeless head spelled …费项目 after a wrapped free 定性 value (年底前完 / 成) took 成 as its name."""
    from tests.test_unseen_pdf_wrapped import FIXTURES

    text = (FIXTURES / "d_department_table_wrapped_names.txt").read_text(encoding="utf-8")
    head, sep, forms = text.partition(" 表 14\n")
    assert forms.count("\n费\n\n31-部") == 1 and "年底前完\n\n成\n" in forms
    doc = parse_text(head + sep + forms.replace("\n费\n\n31-部", "\n费项目\n\n31-部"))
    last = doc.projects[-1]
    assert last.aliases == ["侨务信息平台运维费项目"] and len(last.indicators) == 2
    assert doc.projects[2].indicators[-1].value == "年底前完成"
