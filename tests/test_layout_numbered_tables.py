"""Layout family B (预算01表…13表): the seed and variants of it built in code must parse to the right records."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from kg.errors import ParseError
from kg.extract import extract_source
from kg.layouts import detection_scores, numbered_tables
from kg.layouts.numbered_tables.assign import Candidate, DeptRow, Item, assign_owners
from kg.layouts.numbered_tables.funding import best_covers
from kg.layouts.numbered_tables.grid import split_code_name
from kg.reading import source_from_bytes
from tests.conftest import DATA, GOLD, SEEDS, seed_by_prefix

STEM = seed_by_prefix("004_")
TEXT = (DATA / f"{STEM}.txt").read_text(encoding="utf-8")
GOLD_JSON = (GOLD / f"{STEM}.json").read_text(encoding="utf-8")
DEPT = "北京市西城区城市管理指挥中心"
P_ROOM = "西城区城市管理指挥中心机房维护项目"


def parse_text(text: str, name: str = f"{STEM}.txt", encoding: str = "utf-8"):
    return numbered_tables.parse(source_from_bytes(text.encode(encoding), name))


def expected(gold_json: str = GOLD_JSON) -> dict:
    g = json.loads(gold_json)
    g.pop("notes")
    return g


def owners(doc) -> dict[str, list[str]]:
    return {p.name: [i.l3 for i in p.indicators] for p in doc.projects}


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def line_no(text: str, needle: str) -> int:
    """0-based index of the first line containing needle."""
    return next(n for n, ln in enumerate(lines_of(text)) if needle in ln)


@pytest.fixture(scope="module")
def seed_doc():
    return parse_text(TEXT)


def test_seed_equals_gold(seed_doc) -> None:
    assert seed_doc.to_gold_dict() == expected()


def test_detect_claims_only_its_family() -> None:
    for stem in SEEDS:
        src = source_from_bytes((DATA / f"{stem}.txt").read_bytes(), f"{stem}.txt")
        score = detection_scores(src)["numbered_tables"]
        assert (score >= 0.5) == (stem == STEM), (stem, score)


def test_link_methods_and_confidence(seed_doc) -> None:
    by_line = {i.provenance.line_start: i for p in seed_doc.projects for i in p.indicators}
    assert by_line[252].link_method == "form_row" and by_line[252].confidence == 1.0
    assert by_line[259].link_method == "merged_cell_repair:dept_table_group" and by_line[259].confidence == 0.9
    assert by_line[267].link_method == "merged_cell_repair:sibling_row" and by_line[267].confidence < 1
    assert all(i.confidence < 1 for ln, i in by_line.items() if i.link_method != "form_row")
    kinds = [w.kind for w in seed_doc.warnings]
    assert kinds.count("merged_cell_repair") == 2 and "funding_row_unassigned" in kinds


def test_funding_lines_and_classifications(seed_doc) -> None:
    room = next(p for p in seed_doc.projects if p.name == P_ROOM)
    (fl,) = room.funding_lines
    assert (fl.link_method, fl.function_code, fl.econ_dept_code) == ("sum_match", "2120199", "30227")
    assert 0 < fl.confidence < 1 and fl.provenance.line_start == 98
    work = seed_doc.projects[1]
    assert work.funding_lines[0].link_method == "exact" and work.funding_lines[0].confidence == 1.0
    pairs = {(c.scheme, c.code, c.name) for c in seed_doc.classifications}
    assert ("function", "2150299", "其他制造业支出") in pairs and ("econ_dept", "31002", "办公设备购置") in pairs
    assert ("function", "2210203", "购房补贴") in pairs  # 05表 prints code and name in two cells
    unassigned = [w for w in seed_doc.warnings if w.kind == "funding_row_unassigned"]
    assert len(unassigned) == 1 and unassigned[0].line == 100 and "200000.00" in unassigned[0].message


def test_totals_and_provenance(seed_doc) -> None:
    t = seed_doc.totals
    assert t["total"].provenance.table == "预算01表" and t["basic"].provenance.table == "预算03表"
    p0 = seed_doc.projects[0]
    assert p0.provenance.table == "预算12表" and (p0.provenance.line_start, p0.provenance.line_end) == (252, 254)
    assert p0.amount_text == "1, 431. 217495" and p0.goal.startswith("“由专业团队")
    assert all(d.provenance.table == "预算13表" for d in seed_doc.department_indicators)


def test_page_breaks_moved_and_inserted() -> None:
    ls = [ln for ln in lines_of(TEXT) if ln.strip() or not ln]  # keep structure
    # drop every blank line inside tables, then put page breaks after every third tabbed line
    out: list[str] = []
    tabbed = 0
    for ln in ls:
        if not ln.strip() and out and "\t" in out[-1]:
            continue
        out.append(ln)
        if "\t" in ln:
            tabbed += 1
            if tabbed % 3 == 0:
                out.extend(["", ""])
    doc = parse_text("\n".join(out))
    assert doc.to_gold_dict() == expected()


def test_renamed_department_projects_and_year() -> None:
    renames = {DEPT: "北京市东城区数字治理服务中心", P_ROOM: "东城区数据中心运维项目",
               "城指中心工作经费": "数治中心综合工作经费", "(2026年度)": "(2031年度)"}
    text, gold = TEXT, GOLD_JSON
    for a, b in renames.items():
        text, gold = text.replace(a, b), gold.replace(a, b)
    exp = expected(gold)
    exp["year"] = 2031
    doc = parse_text(text)
    assert doc.to_gold_dict() == exp


def test_gb18030_crlf() -> None:
    data = TEXT.replace("\n", "\r\n").encode("gb18030")
    doc = numbered_tables.parse(source_from_bytes(data, f"{STEM}.txt"))
    assert doc.to_gold_dict() == expected()
    assert extract_source(source_from_bytes(data, f"{STEM}.txt")).layout == "numbered_tables"


def test_amounts_changed_consistently() -> None:
    # 机房维护 82.9 → 92.9 万元; its 03表 row 1728.787495 → 1738.787495; 项目支出 totals +10
    text = TEXT.replace("82. 900000\t82. 900000", "92. 900000\t92. 900000")
    text = text.replace("1,728.787495", "1,738.787495")
    doc = parse_text(text)
    room = next(p for p in doc.projects if p.name == P_ROOM)
    assert room.amount == Decimal("929000.00") and room.funding_lines[0].link_method == "sum_match"
    assert room.function_code == "2120199"
    assert owners(doc) == owners(parse_text(TEXT))


def test_code_broken_at_other_places() -> None:
    text = TEXT.replace("11010223T000002005036-", "1101 0223T0000 02005036-")
    doc = parse_text(text)
    assert doc.projects[1].code == "11010223T000002005036" and doc.projects[1].name == "城指中心工作经费"
    assert split_code_name("11010226T000003852385-北京市党政机关项目-计算机终端") == (
        "11010226T000003852385", "北京市党政机关项目-计算机终端")
    assert split_code_name("5G-基站建设") == (None, "5G-基站建设")


def test_without_department_table_owners_still_decided() -> None:
    cut = line_no(TEXT, "预算13表")
    doc = parse_text("\n".join(lines_of(TEXT)[:cut]) + "\n")
    assert owners(doc) == {p["name"]: [i["l3"] for i in p["indicators"]] for p in expected()["projects"]}
    assert doc.year is None and any(w.kind == "year_missing" for w in doc.warnings)


def test_goal_cell_cut_by_a_newline_is_joined() -> None:
    n = line_no(TEXT, "11010226T000003852385")
    ls = lines_of(TEXT)
    ls[n] = ls[n].replace("减少重新工作的时间", "减少重新\n工作的时间", 1)
    doc = parse_text("\n".join(ls))
    assert doc.to_gold_dict() == expected()


def test_goal_cell_over_three_lines_is_joined() -> None:
    n = line_no(TEXT, "11010226T000003852385")
    ls = lines_of(TEXT)
    ls[n] = ls[n].replace("可以有效保护", "可以有效\n保护单位的2099年\n", 1)
    doc = parse_text("\n".join(ls))
    exp = expected()
    assert doc.to_gold_dict() == exp
    assert "保护单位的2099年" in doc.projects[-1].goal


def test_terminated_last_line_is_read() -> None:
    doc = parse_text(TEXT + "\n")
    assert len(doc.department_indicators) == 9
    assert doc.department_indicators[-1].l3 == "服务人员满意度"
    assert doc.department_indicators[-1].activity == "04-全响应服务/03-信息系统运行维护"
    assert owners(doc) == owners(parse_text(TEXT))
    assert "unterminated_last_line" in [w.kind for w in parse_text(TEXT).warnings]


def test_lying_unit_corrected_from_totals() -> None:
    n = line_no(TEXT, "预算12表")
    ls = lines_of(TEXT)
    ls[n + 2] = ls[n + 2].replace("万元", "元")
    doc = parse_text("\n".join(ls))
    assert [p.amount for p in doc.projects] == [p.amount for p in parse_text(TEXT).projects]
    assert any(w.kind == "unit_corrected" for w in doc.warnings)


@pytest.mark.parametrize("marker", ["11010226T00000383 1028", "预算12表", "预算13表", "部门名称", "整体绩效目标"])
def test_truncated_mid_table_gives_document(marker: str) -> None:
    cut = line_no(TEXT, marker)
    doc = parse_text("\n".join(lines_of(TEXT)[: cut + 1]))
    assert doc.totals["total"].amount == Decimal("55089743.86")
    assert doc.warnings


def test_empty_tables_and_no_tables() -> None:
    n = line_no(TEXT, "预算12表")
    ls = lines_of(TEXT)
    end = line_no(TEXT, "预算13表")
    doc = parse_text("\n".join(ls[: n + 5] + ls[end:]))
    assert doc.projects == [] and any(w.kind == "row_skipped" or w.kind == "empty_table" for w in doc.warnings)
    with pytest.raises(ParseError):
        parse_text("这不是表格\n只有文字\n")


def test_assignment_general_midpoint_blocks() -> None:
    """Synthetic form: 3 projects × 3 rows, every project row printed in the middle of its block; evidence from a
    department table grouping and one 满意度 row per project."""
    rows = [  # (l1, l3, unit, head_of)
        ("产出指标", "A路段巡查", "次", None), ("产出指标", "A路段养护", "次", 0), ("满意度指标", "A满意度", "%", None),
        ("产出指标", "B设备采购", "台", None), ("产出指标", "B设备安装", "台", 1), ("满意度指标", "B满意度", "%", None),
        ("产出指标", "C课程开发", "门", None), ("效益指标", "C培训覆盖", "人", 2), ("满意度指标", "C满意度", "%", None),
    ]
    items = [Item(n, l1, l1 + "x", l3, "≥", "1", u, h) for n, (l1, l3, u, h) in enumerate(rows)]
    projects = [Candidate("A路段项目", "A路段巡查养护", None, 1), Candidate("B设备项目", "B设备采购安装", None, 4),
                Candidate("C培训项目", "C课程开发培训", None, 7)]
    dept = [DeptRow("B设备采购", "≥", "1", "台", "g2"), DeptRow("B设备安装", "≥", "1", "台", "g2"),
            DeptRow("C课程开发", "≥", "1", "门", "g3"), DeptRow("C培训覆盖", "≥", "1", "人", "g3")]
    got = assign_owners(items, projects, dept)
    assert [o.project for o in got] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert got[3].method == "merged_cell_repair:dept_table_group" and got[3].confidence == 0.9
    assert got[2].method.endswith(("one_satisfaction_per_project", "position"))


def test_subset_sum_cover() -> None:
    sols, exhausted = best_covers([Decimal(3), Decimal(5), Decimal(2)], [Decimal(5), Decimal(10)])
    assert not exhausted and sols == [{0: 1, 1: 1, 2: 1}]  # covering all three beats {5} or {3, 2} → 5
    sols, _ = best_covers([Decimal(3), Decimal(2), Decimal(1)], [Decimal(3), Decimal(3)])
    assert sorted(sorted(s.items()) for s in sols) == [[(0, 0), (1, 1), (2, 1)], [(0, 1), (1, 0), (2, 0)]]


def test_no_bare_exception_on_garbled_rows() -> None:
    n = line_no(TEXT, "预算12表")
    ls = lines_of(TEXT)
    ls[n + 7] = re.sub(r"\t[^\t]*$", "", ls[n + 7])  # a row with its unit cell lost
    ls.insert(n + 7, "\t\t\t")  # a junk row in the form table
    doc = parse_text("\n".join(ls))
    assert len(doc.projects) == 5


def test_header_repeated_after_page_break() -> None:
    ls = lines_of(TEXT)
    h12 = line_no(TEXT, "单位名称\t项目名称")
    h13 = line_no(TEXT, "\t活动\t")
    ls.insert(line_no(TEXT, "04-全响应服务/02"), ls[h13])
    ls.insert(line_no(TEXT, "11010226T00000383 1239"), ls[h12 + 1])
    ls.insert(line_no(TEXT, "11010226T00000383 1239"), ls[h12])
    ls.insert(line_no(TEXT, "11010226T00000383 1239"), "")
    doc = parse_text("\n".join(ls))
    assert doc.to_gold_dict() == expected()


def test_assignment_midpoint_without_department_table() -> None:
    rows = [("产出指标", "巡查", "次", None), ("产出指标", "养护", "次", 0), ("满意度指标", "满意度", "%", None),
            ("产出指标", "采购", "台", None), ("产出指标", "安装", "台", 1), ("满意度指标", "满意度", "%", None)]
    items = [Item(n, l1, l1 + "x", l3, "≥", "1", u, h) for n, (l1, l3, u, h) in enumerate(rows)]
    projects = [Candidate("甲", "甲", None, 1), Candidate("乙", "乙", None, 4)]
    got = assign_owners(items, projects, [])
    assert [o.project for o in got] == [0, 0, 0, 1, 1, 1]
    assert got[0].method == "merged_cell_repair:block_edge" and got[1].method == "form_row"


def test_ambiguous_sum_match_has_low_confidence() -> None:
    from kg.layouts.numbered_tables.funding import ClassRow, link_projects
    from kg.layouts.numbered_tables.grid import Row

    rows = [ClassRow(Row(1, []), amounts={"project": Decimal(3)}), ClassRow(Row(2, []), amounts={"project": Decimal(3)})]
    links, _ = link_projects([Decimal(2), Decimal(1), Decimal(3)], rows)
    assert {k: v.method for k, v in links.items()} == {0: "sum_match", 1: "sum_match", 2: "sum_match"}
    assert all(v.confidence == 0.5 for v in links.values())


def test_audit_findings_are_warnings(seed_doc) -> None:
    found = {(w.kind, w.line) for w in seed_doc.warnings}
    assert {("dept_table_mismatch", 283), ("dept_table_mismatch", 288), ("cost_indicator_mismatch", 257)} <= found
    assert ("project_sum_mismatch", None) in found
