"""Layout family A (tabbed): the seed and variants of it built in code must give the gold records."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache

import pytest

from kg.errors import ParseError
from kg.layouts import detection_scores, tabbed
from kg.model import Document
from kg.reading import SourceText, source_from_bytes
from tests.conftest import SEEDS, load_gold, seed_by_prefix, seed_path

STEM = seed_by_prefix("000_")
NAME = f"{STEM}.txt"


@cache
def seed_text() -> str:
    return seed_path(STEM).read_bytes().decode("utf-8")


def gold(replace: dict[str, str] | None = None) -> dict:
    g = load_gold(STEM)
    g.pop("notes", None)
    if replace:
        s = json.dumps(g, ensure_ascii=False)
        for a, b in replace.items():
            s = s.replace(a, b)
        g = json.loads(s)
    return g


def parse_text(text: str, encoding: str = "utf-8") -> Document:
    return tabbed.parse(source_from_bytes(text.encode(encoding), NAME))


def view(doc: Document) -> dict:
    d = doc.to_gold_dict()
    d["source"] = NAME
    return d


def find_line(lines: list[str], *needles: str) -> int:
    hits = [i for i, line in enumerate(lines) if all(n in line for n in needles)]
    assert len(hits) == 1, (needles, hits)
    return hits[0]


def cut_row(text: str, needles: tuple[str, ...], cuts: dict[int, int]) -> str:
    """Cut one row across a page break: cell ``col`` keeps ``n`` chars, the rest goes to a continuation row."""
    lines = text.split("\n")
    i = find_line(lines, *needles)
    cells = lines[i].split("\t")
    first, second = list(cells), [""] * len(cells)
    for col, n in cuts.items():
        first[col], second[col] = cells[col][:n], cells[col][n:]
    lines[i: i + 1] = ["\t".join(first), "", "\t".join(second)]
    return "\n".join(lines)


def lose_leading_tabs(text: str, *needles: str) -> str:
    lines = text.split("\n")
    i = find_line(lines, *needles)
    stripped = lines[i].lstrip("\t")
    lines[i] = stripped + "\t" * (len(lines[i]) - len(stripped))
    return "\n".join(lines)


def project(doc_view: dict, name: str) -> dict:
    return next(p for p in doc_view["projects"] if p["name"] == name)


# ---------------------------------------------------------------- the seed itself


def test_seed_equals_gold() -> None:
    assert view(parse_text(seed_text())) == gold()


def test_detect_claims_only_its_family() -> None:
    for stem in SEEDS:
        src = source_from_bytes(seed_path(stem).read_bytes(), f"{stem}.txt")
        score = detection_scores(src)["tabbed"]
        assert (score >= 0.8) if stem == STEM else (score < 0.5), (stem, score)


def test_detect_needs_tab_rows_not_only_titles() -> None:
    other = seed_path(seed_by_prefix("001_")).read_bytes().decode("utf-8")
    flattened = "\n".join(line.lstrip("\t") for line in other.split("\n"))  # titles at column 0
    assert tabbed.detect(SourceText(NAME, NAME, flattened, "utf-8", "")) < 0.5


def test_project_with_two_lines_is_one_project() -> None:
    lines = seed_text().split("\n")
    i = find_line(lines, "\t区领导慰问经费\t")
    first = lines[i].replace("195.000000", "150.000000")
    second = lines[i].replace("195.000000", "45.000000").replace("50299-其他商品和服务支出\t30299-其他商品和服务支出",
                                                                  "50201-办公经费\t30201-办公费")
    lines[i: i + 1] = [first, second]
    doc = parse_text("\n".join(lines))
    p = next(p for p in doc.projects if p.name == "区领导慰问经费")
    assert view(doc)["projects"] == gold()["projects"]
    assert [f.econ_dept_code for f in p.funding_lines] == ["30299", "30201"]
    assert "project_codes_differ" in {w.kind for w in doc.warnings}


def test_full_record_has_provenance_codes_and_funding() -> None:
    doc = parse_text(seed_text())
    assert set(doc.totals) == {"total", "basic", "project"}
    assert doc.totals["total"].provenance.table == "表一"
    for p in doc.projects:
        assert p.provenance and p.provenance.table == "表四" and p.provenance.line_start
        assert p.funding_lines and p.funding_lines[0].function_name
        assert p.amount_text
        for ind in p.indicators:
            assert ind.provenance and ind.provenance.table == "表十三" and ind.text
    joined = next(i for p in doc.projects for i in p.indicators if i.l3 == "高清视频会议MCU控制主机")
    assert joined.confidence < 1 and joined.provenance.line_end > joined.provenance.line_start
    assert any(i.link_method.startswith("realigned_row") for p in doc.projects for i in p.indicators)
    schemes = {(c.scheme, c.code) for c in doc.classifications}
    assert {("function", "2010399"), ("econ_gov", "50299"), ("econ_dept", "30299")} <= schemes
    assert all(d.provenance and d.provenance.table == "表十四" for d in doc.department_indicators)
    assert {w.kind for w in doc.warnings} >= {"page_break_join", "realigned_row", "name_alias"}


# ---------------------------------------------------------------- page breaks elsewhere


def test_form_row_cut_in_name_category_goal_and_l3() -> None:
    text = cut_row(seed_text(), ("政府办工作经费\t31-部门项目",), {0: 4, 1: 4, 7: 20, 10: 9})
    assert view(parse_text(text)) == gold()


def test_uncut_row_gives_the_same_indicator() -> None:
    lines = seed_text().split("\n")
    i = find_line(lines, "高清视频会议\t=")
    a, b = lines[i].split("\t"), lines[i + 2].split("\t")
    lines[i: i + 3] = ["\t".join(x + y for x, y in zip(a, b, strict=True))]
    assert view(parse_text("\n".join(lines))) == gold()


def test_numbered_fragment_goes_to_the_list_it_continues() -> None:
    # items 5.-10. of an l3 (items 1.-4.) one column further left, nearer the goal (items 1.-3.)
    lines = seed_text().split("\n")
    i = find_line(lines, "\t5. 协助西城区开展绩效管理相关培训")
    lines[i] = lines[i][1:] + "\t"
    assert view(parse_text("\n".join(lines))) == gold()


def test_goal_fragment_in_a_later_column_joins_the_goal() -> None:
    text = cut_row(seed_text(), ("西城区视频会议系统设备备品备件\t31-部门项目",), {7: 10})
    lines = text.split("\n")
    i = find_line(lines, "\t备品备件，建立设备故障应急响应机制，确保设备")
    cells = lines[i].split("\t")
    cells[7], cells[8] = "", cells[7]
    lines[i] = "\t".join(cells)
    doc = view(parse_text("\n".join(lines)))
    assert doc == gold()


def test_department_rows_cut_in_activity_project_and_l3() -> None:
    text = cut_row(seed_text(), ("\t综合管理-系统运维\t",), {2: 6, 4: 5})
    text = cut_row(text, ("\t综合管理-其他业务\t",), {1: 3})
    assert view(parse_text(text)) == gold()


def test_project_table_row_cut_in_name_and_code() -> None:
    text = cut_row(seed_text(), ("（本级）\t1-行政单位\t西城区视频会议系统运行维护项目",), {2: 7, 3: 12})
    assert view(parse_text(text)) == gold()


def test_extra_page_breaks_between_rows_change_nothing() -> None:
    lines = seed_text().split("\n")
    for needle in ("西城区视频会议系统设备备品备件\t31-部门项目", "\t\t\t数量指标\t开展故障巡查", "\t预留机动费\t"):
        i = find_line(lines, needle)
        lines[i:i] = [""]
    assert view(parse_text("\n".join(lines))) == gold()


def test_rows_with_lost_leading_tabs_are_realigned() -> None:
    text = lose_leading_tabs(seed_text(), "\t开展故障巡查\t≤\t12\t场次\t正向指标")
    text = lose_leading_tabs(text, "\t\t\t数量指标\t开展故障巡查")
    assert view(parse_text(text)) == gold()


# ---------------------------------------------------------------- other departments, amounts, years, encodings


def test_renamed_department_and_projects() -> None:
    swaps = {"西城区": "海淀区", "202001": "305007", "视频会议": "远程会商", "政府办工作经费": "办公室综合经费"}
    text = seed_text()
    for a, b in swaps.items():
        text = text.replace(a, b)
    doc = view(parse_text(text))
    assert doc == gold(swaps | {"将在西城": "将在海淀"})  # a goal prefix cut inside 西城区
    assert doc["department_code"] == "305007"


def test_fuzzy_alias_for_a_new_spelling_in_the_department_table() -> None:
    text = seed_text().replace("\t西城区人大建议政协提案办理系统\t数量指标", "\t西城区人大建议政协提案办理系统项目\t数量指标")
    doc = view(parse_text(text))
    assert project(doc, "西城区人大建议政协提案办理系统")["aliases"] == ["西城区人大建议政协提案办理系统项目"]


def test_amounts_changed_consistently() -> None:
    text = seed_text().replace("区领导慰问经费\t2010399-其他政府办公厅（室）及相关机构事务支出\t50299-其他商品和服务支出\t"
                               "30299-其他商品和服务支出\t195.000000\t195.000000",
                               "区领导慰问经费\t2010399-其他政府办公厅（室）及相关机构事务支出\t50299-其他商品和服务支出\t"
                               "30299-其他商品和服务支出\t190.500000\t190.500000")
    text = text.replace("809.541119", "805.041119")
    doc = parse_text(text)
    assert project(view(doc), "区领导慰问经费")["amount"] == "1905000.00"
    assert view(doc)["totals"]["project"] == "8050411.19"
    assert "project_total_mismatch" not in {w.kind for w in doc.warnings}


def test_inconsistent_amount_is_reported() -> None:
    doc = parse_text(seed_text().replace("\t11.081119\t11.081119\t", "\t12.081119\t12.081119\t"))
    assert "project_total_mismatch" in {w.kind for w in doc.warnings}


def test_other_year() -> None:
    text = seed_text().replace("2024", "2031")
    expected = gold({"2024": "2031"})
    expected["year"] = 2031
    assert view(parse_text(text)) == expected


def test_year_without_a_title_line() -> None:
    text = seed_text().replace("年部门预算", "年部门情况").replace("年度部门预算", "年度部门情况")
    doc = parse_text(text)
    assert (doc.year, doc.doc_kind) == (2024, "budget")


def test_gb18030_with_crlf() -> None:
    data = seed_text().replace("\n", "\r\n").encode("gb18030")
    doc = tabbed.parse(source_from_bytes(data, NAME))
    assert view(doc) == gold()


def test_unit_header_that_lies_is_overruled_by_the_totals() -> None:
    text = seed_text().replace("金额单位：万元", "金额单位：元")
    doc = parse_text(text)
    assert view(doc) == gold()
    assert "unit_contradicts_header" in {w.kind for w in doc.warnings}


def test_terminated_last_line_is_read() -> None:
    doc = parse_text(seed_text() + "\n")
    assert len(doc.department_indicators) == len(gold()["department_indicators"]) + 1
    assert "unterminated_last_line" in {w.kind for w in parse_text(seed_text()).warnings}


# ---------------------------------------------------------------- bad input of the family


@pytest.mark.parametrize("cut_at", ["表十三：", "\t产出指标\t数量指标\t桌面话机", "表四：", "\t数量指标\t完善优化系统功能"])
def test_truncated_document_gives_warnings_not_crashes(cut_at: str) -> None:
    text = seed_text()
    doc = parse_text(text[: text.index(cut_at) + len(cut_at)])
    assert doc.year == 2024 and doc.warnings


def test_empty_tables_give_warnings() -> None:
    text = "北京市某某局\n\n2024 年部门预算公开目录\n\n表四：\n\n项目支出表\n\n金额单位：万元\n\n表十三：\n\n表十四：\n"
    doc = parse_text(text)
    assert doc.projects == [] and doc.department_indicators == []
    assert {"empty_table", "missing_total"} <= {w.kind for w in doc.warnings}


@pytest.mark.parametrize("make", [lambda t: t.split("表一：")[0], lambda t: "no tables at all\n"])
def test_no_tables_is_a_parse_error(make: Callable[[str], str]) -> None:
    with pytest.raises(ParseError) as e:
        tabbed.parse(SourceText(NAME, NAME, make(seed_text()), "utf-8", ""))
    assert NAME in str(e.value)


# ---------------------------------------------------------------- regressions found on unseen documents


def test_unit_code_without_a_benji_cell_comes_from_the_unit_named_like_the_department() -> None:
    doc = parse_text(seed_text().replace("（本级）", ""))
    assert view(doc) == gold()
    assert "unit_code_by_name" in {w.kind for w in doc.warnings}


def test_form_value_cut_by_a_page_break_is_split_after_joining() -> None:
    text = cut_row(seed_text(), ("\t签订 2024 年西城区视频会议系统运维合同\t定性", "正向指标"), {12: 6})  # 2024 年 | 7 月
    assert view(parse_text(text)) == gold()


def test_form_label_cut_by_a_page_break_is_not_a_new_indicator() -> None:
    text = cut_row(seed_text(), ("\t服务对象满意度指标\t用户满意程度\t定性", "正向指标"), {9: 6, 10: 2})  # …满意 | 度指标
    text = cut_row(text, ("\t服务对象满意度指标\t代表委员承办部门满意度\t≥", "正向指标"), {8: 3, 14: 2})  # 满意度 | 指标
    assert view(parse_text(text)) == gold()


def test_department_value_cut_by_a_page_break_is_split_after_joining() -> None:
    text = cut_row(seed_text(), ("\t\t\t时效成本\t签订 2024 年西城区视频会议系统运维合同\t定性",), {6: 6})
    assert view(parse_text(text)) == gold()


def test_department_label_cut_by_a_page_break_is_not_a_new_row() -> None:
    text = cut_row(seed_text(), ("\t\t\t服务对象满意度指标\t用户满意程度\t定性\t高",), {3: 6, 4: 2})
    assert view(parse_text(text)) == gold()


def test_form_spelled_with_words_swapped_is_linked_by_its_amount() -> None:
    text = seed_text().replace("西城区人大建议政协提案办理系统\t31-部门项目", "西城区政协提案人大建议办理系统\t31-部门项目")
    text = text.replace("\t西城区人大建议政协提案办理系统\t数量指标", "\t西城区政协提案人大建议办理系统\t数量指标")
    doc = view(parse_text(text))
    assert project(doc, "西城区人大建议政协提案办理系统")["aliases"] == ["西城区政协提案人大建议办理系统"]
    assert [p["name"] for p in doc["projects"]] == [p["name"] for p in gold()["projects"]]
    assert doc["projects"] == gold({'"aliases": [], "code": null, "amount": "894000.00"':
                                    '"aliases": ["西城区政协提案人大建议办理系统"], "code": null, "amount": "894000.00"'}
                                   )["projects"]
