"""Layout C (one cell per line, 2019 format): clause rule, structure helpers and variants of seed 001."""

from __future__ import annotations

import pytest

from kg.errors import ParseError
from kg.forms.clauses import ClauseIndicator, free_text_indicators, split_clauses
from kg.layouts import cell_per_line, detection_scores
from kg.layouts.cell_per_line.cells import lines_to_rows, merge_split_rows
from kg.layouts.cell_per_line.forms import checked_category
from kg.layouts.cell_per_line.link import link_form
from kg.reading import SourceText, source_from_bytes
from tests.conftest import load_gold, seed_by_prefix, seed_path

STEM = seed_by_prefix("001_")
SEED = seed_path(STEM).read_text(encoding="utf-8")
GOLD = load_gold(STEM)
HOTLINE = "2018年12341政府服务热线建设服务项目承包款"
HOTLINE_FORM = "西城区12341政府服务热线建设服务项目"


def src_of(text: str, name: str = "variant.txt") -> SourceText:
    return source_from_bytes(text.encode("utf-8"), name)


def parse_text(text: str):
    return cell_per_line.parse(src_of(text))


def gold_view(doc) -> dict:
    d = doc.to_gold_dict()
    d.pop("source")
    return d


def gold_expected() -> dict:
    g = {k: v for k, v in GOLD.items() if k not in ("notes", "source")}
    return g


def project(doc, name):
    return next(p for p in doc.projects if p.name == name)


# --- clause rule ---------------------------------------------------------------------------------------

def ind(l3, op, value, unit):
    return ClauseIndicator(l3, op, value, unit)


@pytest.mark.parametrize("cell, expected", [
    ("人工接通率≥98%，人员到达率≥90%", [ind("人工接通率", "≥", "98", "%"), ind("人员到达率", "≥", "90", "%")]),
    ("及时率=100%", [ind("及时率", "=", "100", "%")]),
    ("响应时间≤2小时", [ind("响应时间", "≤", "2", "小时")]),
    ("故障率<1%。", [ind("故障率", "<", "1", "%")]),
    ("覆盖人数>500人", [ind("覆盖人数", ">", "500", "人")]),
    ("满意度＞＝90％", [ind("满意度", "≥", "90", "%")]),
    ("可办率不低于70%", [ind("可办率", "≥", "70", "%")]),
    ("培训人次不少于300人次", [ind("培训人次", "≥", "300", "人次")]),
    ("成本不超过50万元", [ind("成本", "≤", "50", "万元")]),
    ("投诉率不高于2%", [ind("投诉率", "≤", "2", "%")]),
    ("新增一窗式综合受理人员87人。", [ind("新增一窗式综合受理人员", "=", "87", "人")]),
    ("(1)应用软件开发费用：¥ 270.6万元。\n\n(2)安全评测费：¥ 9万元。",
     [ind("应用软件开发费用", "=", "270.6", "万元"), ind("安全评测费", "=", "9", "万元")]),
    ("1.开发建设表单库，并将三级数据进行归集113.7万元\n\n5．安全测评9万元",
     [ind("开发建设表单库，并将三级数据进行归集", "=", "113.7", "万元"), ind("安全测评", "=", "9", "万元")]),
    ("①购置设备，含安装12台；②培训40人次", [ind("购置设备，含安装", "=", "12", "台"), ind("培训", "=", "40", "人次")]),
    ("1.推动改革，实现受理。\n2.2019年底网上可办率不低于70%。", [ind("2019年底网上可办率", "≥", "70", "%")]),
    ("2019年4月签订合同，2019年4月完成第一次支付150万元", [ind("2019年4月完成第一次支付", "=", "150", "万元")]),
    ("采购金额1,200,000元", [ind("采购金额", "=", "1200000", "元")]),
    ("说明文字。满意率≥95%。其他文字", [ind("满意率", "≥", "95", "%")]),
    ("1.接通率≥98%，到达率≥90%", [ind("接通率", "≥", "98", "%"), ind("到达率", "≥", "90", "%")]),
])
def test_measurable_clauses(cell, expected):
    assert free_text_indicators(cell, "产出指标", "产出质量指标") == expected


@pytest.mark.parametrize("cell", [
    "2019年12月31日前完成",
    "完成时间≤2019年12月",
    "项目于2019年",
    "4月30日",
    "保障移动端智能咨询坐席7*24稳定运行。",
    "提供工商等40余家的政务服务咨询",
    "预计上半年新增人员50%到岗，下半年50%到岗。",
    "满意度不低于去年水平",
    "不涉及",
    "1.电子表单库建设项目。2. 数源供需对接平台建设项目",
])
def test_cells_without_measurable_clause_are_one_qualitative(cell):
    out = free_text_indicators(cell)
    assert len(out) == 1 and out[0].op == "定性" and out[0].l3 is None
    assert out[0].value == "".join(cell.split())


def test_multi_paragraph_qualitative_value_joins_paragraphs_without_separator():
    out = free_text_indicators("第一段，内容。\n\n第二段 内容。 ")
    assert out == [ind(None, "定性", "第一段，内容。第二段内容。", None)]


def test_empty_cell_gives_nothing():
    assert free_text_indicators("  \u3000 ") == []


def test_split_clauses_keeps_numbered_items_whole():
    assert split_clauses("1.甲，乙。2.丙；丁") == ["1.甲，乙", "2.丙；丁"]
    assert split_clauses("甲，乙；丙。") == ["甲", "乙", "丙"]


# --- structure helpers ---------------------------------------------------------------------------------

def test_lines_to_rows_cells_continuations_and_titles():
    rows = lines_to_rows(["表十一：", "", "\t甲", "\t乙一", "乙二", "", "乙三", "", "\t丙", "项目支出绩效目标申报表"])
    assert [r.free for r in rows] == [True, False, False, True]
    assert rows[1].cells[1].text == "乙一\n乙二\n乙三" and rows[1].cells[1].line_end == 7
    assert rows[3].texts == ["项目支出绩效目标申报表"]


def test_merge_split_rows_joins_short_rows_only_when_they_fill_the_width():
    rows = lines_to_rows(["\ta", "\tb", "", "\tc", "\td", "", "\te", "", "\tf"])
    merged, repaired = merge_split_rows(rows, 4)
    assert [r.texts for r in merged] == [["a", "b", "c", "d"], ["e"], ["f"]]
    assert len(repaired) == 1


def test_checked_category():
    assert checked_category("1.大型会议培训    2.信息化系统改造类√\n3.宣传活动类      4.其他一般类") == "信息化系统改造类"
    assert checked_category("1.大型会议培训    2.信息化系统改造类\n3.宣传活动类") is None
    assert checked_category("其他一般类") == "其他一般类"


def test_link_form_needs_amount_evidence_for_loose_names():
    from decimal import Decimal as D
    cands = [("甲项目", D("100.00")), (HOTLINE, D("21000000.00"))]
    assert link_form(HOTLINE_FORM, [D("21000000.00")], cands, set()).index == 1
    assert link_form(HOTLINE_FORM, [D("5.00")], cands, set()) is None
    assert link_form("甲项目", [], cands, set()).method == "exact_name"
    assert link_form("甲项目", [], cands, {0}) is None


# --- the seed and its variants -------------------------------------------------------------------------

def test_seed_equals_gold():
    assert gold_view(parse_text(SEED)) == gold_expected()


def test_seed_records_are_complete():
    doc = parse_text(SEED)
    assert set(doc.totals) == {"total", "basic", "project"}
    assert doc.totals["total"].provenance.table == "表三"
    p = project(doc, HOTLINE)
    assert p.provenance.table == "表九" and p.amount_text == "21,000,000.00"
    assert [s.table for s in p.seen_in] == ["表十二", "说明"]
    assert p.funding_lines[0].function_name == "其他政府办公厅（室）及相关机构事务支出"
    assert p.indicators[0].provenance.table == "表十二" and p.indicators[0].link_method.startswith("form:")
    assert all(i.confidence < 1 for i in p.indicators)
    assert all(i.link_method == "form" for i in project(doc, "西城区一网通办").indicators)
    assert ("function", "2010301", "行政运行") in {(c.scheme, c.code, c.name) for c in doc.classifications}
    assert ("econ_gov", "50399", "其他资本性支出") in {(c.scheme, c.code, c.name) for c in doc.classifications}
    kinds = {w.kind for w in doc.warnings}
    assert {"header_unit_mismatch", "thousands_separator_slip", "form_linked_by_evidence"} <= kinds


def test_detect_claims_variants_and_not_other_seeds():
    assert cell_per_line.detect(src_of(SEED)) >= 0.9
    for stem in ("000_", "002_", "003_", "004_"):
        path = seed_path(seed_by_prefix(stem))
        assert detection_scores(source_from_bytes(path.read_bytes(), path.name))["cell_per_line"] < 0.5


def test_gb18030_crlf_gives_the_same_records():
    src = source_from_bytes(SEED.replace("\n", "\r\n").encode("gb18030"), "gbk.txt")
    assert cell_per_line.detect(src) >= 0.9
    assert gold_view(cell_per_line.parse(src)) == gold_expected()


def test_renamed_department_and_projects():
    text = (SEED.replace("政务服务管理办公室", "城市管理委员会").replace("聘用引导员和一窗式综合受理人员经费", "环卫保洁服务经费")
            .replace("西城区一网通办", "东城区智慧城管平台"))
    doc = parse_text(text)
    assert doc.department == "北京市西城区城市管理委员会"
    names = [p.name for p in doc.projects]
    assert "环卫保洁服务经费" in names and "东城区智慧城管平台" in names
    assert project(doc, "环卫保洁服务经费").owner == "张萍"
    assert len(project(doc, "东城区智慧城管平台").indicators) == 15


def test_changed_year():
    doc = parse_text(SEED.replace("2019", "2021"))
    assert doc.year == 2021
    p = project(doc, "西城区政务服务综合管理平台")
    assert p.indicators[2].l3 == "2021年4月完成第一次支付" and p.indicators[2].value == "150"


def test_amount_changed_consistently_keeps_the_link():
    text = SEED.replace("\t21,000,000.00", "\t22,000,000.00").replace("\t2100万元", "\t2200万元")
    doc = parse_text(text)
    p = project(doc, HOTLINE)
    assert p.amount_text == "22,000,000.00" and str(p.amount) == "22000000.00"
    assert p.owner == "于杰" and HOTLINE_FORM in p.aliases
    assert "project_sum_mismatch" in {w.kind for w in doc.warnings}


def test_amount_evidence_decides_a_loose_name_link():
    doc = parse_text(SEED.replace("\t2100万元", "\t99万元"))
    assert project(doc, HOTLINE).owner is None
    orphan = project(doc, HOTLINE_FORM)
    assert str(orphan.amount) == "990000.00" and len(orphan.indicators) == 14
    assert "form_without_budget_line" in {w.kind for w in doc.warnings}


def test_page_breaks_and_repeated_headers_in_the_detail_table():
    header = "\t功能分类代码\n\t功能分类名称\n\t部门经济分类代码\n\t部门经济分类名称\n\t政府经济分类代码\n\t政府经济分类名称\n\t项目名称\n\t预算金额\n"
    anchor = "\t2010399\n\t    其他政府办公厅（室）及相关机构事务支出\n\t30299\n\t其他商品和服务支出\n\t50299\n\t其他商品和服务支出\n\t政务服务办工作经费"
    text = SEED.replace(anchor, "\f" + header + "\n" + anchor, 1)
    assert gold_view(parse_text(text)) == gold_expected()


def test_row_split_by_a_blank_line_is_joined():
    anchor = "\t50299\n\t其他商品和服务支出\n\t政务服务办工作经费"
    text = SEED.replace(anchor, "\t50299\n\n\t其他商品和服务支出\n\t政务服务办工作经费", 1)
    doc = parse_text(text)
    assert gold_view(doc) == gold_expected()
    assert "row_joined" in {w.kind for w in doc.warnings}


def test_split_indicator_row_is_repaired_with_lower_confidence():
    text = SEED.replace("\t产出指标\n\t产出数量指标\n\t新增一窗式", "\t产出指标\n\n\t产出数量指标\n\t新增一窗式", 1)
    doc = parse_text(text)
    assert gold_view(doc) == gold_expected()
    first = project(doc, "聘用引导员和一窗式综合受理人员经费").indicators[0]
    assert first.link_method.startswith("merged_cell_repair") and first.confidence < 1


def test_rewrapped_cells_keep_values():
    goal = "\t根据北京市西城区人民政府办公室印发关于北京市西城区全面推进"
    text = SEED.replace(goal, "\t根据北京市西城区人民政府\n办公室印发关于北京市西城区全面推进", 1)
    text = text.replace("\t新增一窗式综合受理人员87人。", "\t新增一窗式综合受理\n人员87人。", 1)
    assert gold_view(parse_text(text)) == gold_expected()


def test_department_form_in_wan_is_read_as_wan():
    text = SEED.replace("\t49,864,180.90\n\n\n\t\n\t基本支出：\n\t11,166,121.42\n\n\t\n\t项目支出：\n\t38,698,059.48",
                        "\t4986.41809\n\n\n\t\n\t基本支出：\n\t1116.612142\n\n\t\n\t项目支出：\n\t3869.805948")
    doc = parse_text(text)
    assert "header_unit_mismatch" not in {w.kind for w in doc.warnings}
    assert gold_view(doc) == gold_expected()


@pytest.mark.parametrize("cut", [1500, 1900, 2200, 2380, 2470, 2700])
def test_truncated_documents_give_a_document_with_warnings(cut):
    doc = parse_text("\n".join(SEED.split("\n")[:cut]))
    assert doc.totals["total"].amount is not None
    assert doc.warnings


def test_empty_detail_table_is_warned():
    lines = SEED.split("\n")
    start = lines.index("\t表九：")
    end = lines.index("\t表十：")
    doc = parse_text("\n".join(lines[:start + 1] + [""] + lines[end:]))
    kinds = {w.kind for w in doc.warnings}
    assert "empty_table" in kinds
    assert [p.name for p in doc.projects][0] == "2019年新开办企业刻章补助经费"


def test_no_tables_is_a_parse_error_naming_the_file():
    with pytest.raises(ParseError) as e:
        parse_text("\t只有一个单元格\n\n\t再一个\n")
    assert "variant.txt" in str(e.value)


def test_detail_table_header_unit_that_lies_is_overruled_by_the_totals():
    lines = SEED.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.strip() == "单位：元" and k > lines.index("\t表九："))
    doc = parse_text("\n".join(lines[:i] + ["\t单位：万元"] + lines[i + 1:]))
    assert gold_view(doc) == gold_expected()
    assert any(w.kind == "header_unit_mismatch" and "表九" in w.message for w in doc.warnings)


# --- regressions found on unseen documents (tests/fixtures/cell_per_line) --------------------------------

def test_form_row_cut_between_label_and_value_stays_a_project_form():
    text = SEED.replace("\t项目名称\n\t聘用引导员和一窗式综合受理人员经费\n",
                        "\t项目名称\n\n\t聘用引导员和一窗式综合受理人员经费\n", 1)
    doc = parse_text(text)
    assert gold_view(doc) == gold_expected()


def test_subordinate_unit_code_is_not_the_department_code():
    text = SEED.replace("\t299001\n\t西城区政务服务管理办公室\n", "\t299002\n\t北京市西城区政务服务中心\n", 1)
    doc = parse_text(text)
    assert doc.department == GOLD["department"] and doc.department_code is None


def test_cell_paragraph_ending_like_a_table_title_stays_in_its_cell():
    text = SEED.replace("\t持续完成。\n", "\t持续完成。\n报送热线运行情况表\n3.报送抽检结果汇总表\n", 1)
    doc = parse_text(text)
    p = project(doc, HOTLINE)
    assert p.indicators[7].value == "持续完成。报送热线运行情况表3.报送抽检结果汇总表"
    assert len(p.indicators) == len(GOLD["projects"][6]["indicators"])


@pytest.mark.parametrize("cell, expected", [
    ("扫描不少于120万页，著录条目不少于8万条。", [ind("扫描", "≥", "120", "万页"), ind("著录条目", "≥", "8", "万条")]),
    ("扫描单价不高于0.6元/页", [ind("扫描单价", "≤", "0.6", "元/页")]),
    ("接收进馆档案不少于5000卷", [ind("接收进馆档案", "≥", "5000", "卷")]),
    ("安全事故0起", [ind("安全事故", "=", "0", "起")]),
    ("提供咨询等40余", [ind(None, "定性", "提供咨询等40余", None)]),
    ("第3季度", [ind(None, "定性", "第3季度", None)]),
])
def test_units_with_multiplier_per_part_or_one_character(cell, expected):
    assert free_text_indicators(cell) == expected


@pytest.mark.parametrize("cell", ["2021年9月至10月", "9月至12月分批实施"])
def test_month_range_is_a_date_not_a_value(cell):
    assert free_text_indicators(cell)[0].op == "定性"


@pytest.mark.parametrize("cell, expected", [
    ("接通率≥95%、按时办结率≥98%", [ind("接通率", "≥", "95", "%"), ind("按时办结率", "≥", "98", "%")]),
    ("完成率=100%\n处置率≥95%\n出具时间≤20个工作日",
     [ind("完成率", "=", "100", "%"), ind("处置率", "≥", "95", "%"), ind("出具时间", "≤", "20", "个工作日")]),
])
def test_several_operators_without_separator_give_one_indicator_each(cell, expected):
    assert free_text_indicators(cell) == expected


def test_unterminated_last_line_is_not_read_as_a_value():
    cut = SEED[:SEED.index("人员到达率≥90%") + len("人员到达率≥9")]
    doc = parse_text(cut)
    assert "unterminated_last_line" in {w.kind for w in doc.warnings}
    assert all(i.value != "9" for i in project(doc, HOTLINE).indicators)
