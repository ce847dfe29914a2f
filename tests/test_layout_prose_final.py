"""Layout D (prose-only 决算): the seed and variants of it built in code must parse to the right records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.errors import ParseError
from kg.layouts import detection_scores, prose_final
from kg.model import Document
from kg.reading import SourceText, read_source, source_from_bytes
from tests.conftest import DATA, load_gold, seed_by_prefix

STEM = seed_by_prefix("002_")
SEED_TEXT = (DATA / f"{STEM}.txt").read_text(encoding="utf-8")
GOLD = load_gold(STEM)

EXTRA_PROJECT = """四、档案数字化项目绩效评价报告
(一)基本情况
1、项目概况
为推进档案数字化工作。申请档案数字化预算金额56.20万元，主要用于扫描加工。
项目绩效目标
完成馆藏档案数字化加工，提升档案利用水平。
（二）绩效评价工作开展情况
成立档案数字化加工项目自评工作小组，由分管领导担任组长。
（三）综合评价情况及评价结论
档案数字化综合评价：95分，优。
（四）绩效评价指标分析
1、项目决策情况。经审议通过。
2、项目产出情况。扫描档案12000卷、著录条目3500条，完成率100%。
3、项目效益情况。不涉及。
"""


def src_of(text: str, name: str = "variant.txt") -> SourceText:
    return source_from_bytes(text.encode("utf-8"), name)


def parse_text(text: str) -> Document:
    return prose_final.parse(src_of(text))


def rewrap(text: str, width: int) -> str:
    """Every line cut into chunks of ``width`` characters (headings and numbers split too)."""
    out = []
    for line in text.split("\n"):
        out += [line[i:i + width] for i in range(0, len(line), width)] or [""]
    return "\n".join(out)


def renamed(text: str) -> str:
    """Another department, project and year, with other amounts, changed consistently."""
    for old, new in (("区委办公室工作经费", "宣传部门工作专项经费"), ("区委办工作经费", "宣传工作专项经费"),
                     ("区委办公室", "区委宣传部"), ("西城区", "海淀2区"), ("2023", "2021"), ("2022", "2020"),
                     ("4019.40", "5120.00"), ("2805.41", "3906.01"), ("138.60", "256.75"),
                     ("1687.07", "1700.50")):
        text = text.replace(old, new)
    return text


def with_extra_project(text: str) -> str:
    cut = text.index(" 详见附件")
    return text[:cut] + EXTRA_PROJECT + text[cut:]


def gold_projects(doc: Document) -> list[dict]:
    return [p.to_gold_dict() for p in doc.projects]


def test_seed_equals_gold_records() -> None:
    doc = prose_final.parse(read_source(DATA / f"{STEM}.txt"))
    pred = doc.to_gold_dict()
    for key in ("department", "department_code", "year", "doc_kind", "totals", "projects", "department_indicators"):
        assert pred[key] == GOLD[key], key
    assert [a.to_gold_dict() for a in doc.achievements] == GOLD["outcomes"]
    assert doc.warnings == []


def test_seed_provenance_and_texts() -> None:
    doc = prose_final.parse(read_source(DATA / f"{STEM}.txt"))
    assert doc.totals["basic"].provenance.line_start == 18
    assert doc.totals["total"].text == "4019.40万元"
    p = doc.projects[0]
    assert p.amount_text == "138.60万元"
    assert p.provenance.line_start == 226 and p.provenance.table.endswith("项目绩效评价报告")
    assert p.goal.endswith("服务保障等职责。")


def test_budget_variance_outcomes() -> None:
    doc = prose_final.parse(read_source(DATA / f"{STEM}.txt"))
    by_line = [f for f in doc.outcomes if f.provenance.line_start == 32]
    assert {f.key: f.amount for f in by_line} == {
        "actual": Decimal("16870700.00"), "budget": Decimal("17966700.00"), "variance": Decimal("-1096000.00")}
    variance = next(f for f in by_line if f.key == "variance")
    assert variance.subject == "一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）"
    assert variance.note.startswith("落实政府过紧日子要求")
    same = [f for f in doc.outcomes if f.subject == "公务接待费"]
    assert {f.key: f.amount for f in same} == {"actual": 0, "budget": 0, "variance": 0}
    travel = next(f for f in doc.outcomes if f.subject == "因公出国（境）费用" and f.key == "variance")
    assert travel.amount == Decimal("104700.00") and "代表团" in travel.note
    assert any(f.key == "budget" and f.subject == "区委办工作经费" and f.amount == Decimal("1386000.00")
               for f in doc.outcomes)
    assert any(f.key == "budget_adjusted" and f.subject == "基本支出" for f in doc.outcomes)


def test_renamed_department_year_amounts() -> None:
    doc = parse_text(renamed(SEED_TEXT))
    assert doc.department == "中共北京市海淀2区委宣传部"
    assert doc.year == 2021
    assert doc.total("total") == Decimal("51200000.00") and doc.total("basic") == Decimal("39060100.00")
    [p] = doc.projects
    assert (p.name, p.aliases, p.amount) == ("宣传工作专项经费", ["宣传部门工作专项经费"], Decimal("2567500.00"))
    counts = doc.achievements
    assert len(counts) == 21 and counts[-1].subject == "宣传工作专项经费"


@pytest.mark.parametrize("width", [13, 29, 61])
def test_rewrapped_lines(width: int) -> None:
    doc = parse_text(rewrap(SEED_TEXT, width))
    base = prose_final.parse(read_source(DATA / f"{STEM}.txt"))
    assert doc.to_gold_dict()["totals"] == GOLD["totals"]
    assert (doc.department, doc.year) == (GOLD["department"], GOLD["year"])
    assert doc.warnings == []
    assert gold_projects(doc) == GOLD["projects"]
    assert [a.to_gold_dict() for a in doc.achievements] == GOLD["outcomes"]
    assert [(f.key, f.amount, f.subject) for f in doc.outcomes] == [(f.key, f.amount, f.subject) for f in base.outcomes]


def test_rewrapped_provenance_points_at_the_right_line() -> None:
    text = rewrap(SEED_TEXT, 17)
    doc = parse_text(text)
    lines = text.split("\n")
    prov = doc.totals["project"].provenance
    span = "".join(lines[prov.line_start - 1:prov.line_end])
    assert "项目支出1213.99万元" in span


def test_gb18030_crlf() -> None:
    data = SEED_TEXT.replace("\n", "\r\n").encode("gb18030")
    src = source_from_bytes(data, "gbk.txt")
    doc = prose_final.parse(src)
    assert doc.to_gold_dict()["totals"] == GOLD["totals"]
    assert gold_projects(doc) == GOLD["projects"]
    assert prose_final.detect(src) >= 0.5


def test_second_project_section() -> None:
    doc = parse_text(with_extra_project(SEED_TEXT))
    assert [p.name for p in doc.projects] == ["区委办工作经费", "档案数字化"]
    second = doc.projects[1]
    assert second.amount == Decimal("562000.00")
    assert second.aliases == ["档案数字化加工"]
    assert second.goal == "完成馆藏档案数字化加工，提升档案利用水平。"
    assert gold_projects(doc)[0] == GOLD["projects"][0]
    counts = [a.to_gold_dict() for a in doc.achievements if a.subject == "档案数字化"]
    assert [c for c in counts if c["value"]] == [
        {"subject": "档案数字化", "measure": "扫描档案", "value": "12000", "unit": "卷"},
        {"subject": "档案数字化", "measure": "著录条目", "value": "3500", "unit": "条"}]
    # the first project's counts stop at its own section
    assert sum(1 for a in doc.achievements if a.subject == "区委办工作经费") == 7


def test_no_project_sections() -> None:
    text = SEED_TEXT[:SEED_TEXT.index("三、区委办工作经费项目绩效评价报告")]
    doc = parse_text(text)
    assert doc.projects == [] and doc.total("project") == Decimal("12139900.00")


def test_amounts_in_yuan() -> None:
    text = SEED_TEXT.replace("本年支出合计4019.40万元", "本年支出合计40194000.00元").replace(
        "基本支出2805.41万元，占支出合计", "基本支出28054100元，占支出合计")
    doc = parse_text(text)
    assert doc.total("total") == Decimal("40194000.00") and doc.total("basic") == Decimal("28054100.00")
    assert doc.total("project") == Decimal("12139900.00")


def test_totals_mismatch_warns() -> None:
    doc = parse_text(SEED_TEXT.replace("项目支出1213.99万元，占支出合计", "项目支出1313.99万元，占支出合计"))
    assert any(w.kind == "totals_mismatch" and w.line == 18 for w in doc.warnings)


@pytest.mark.parametrize("cut", [0.05, 0.3, 0.77, 0.9])
def test_truncated_gives_document_with_warnings(cut: int) -> None:
    text = SEED_TEXT[: int(len(SEED_TEXT) * cut)]
    doc = parse_text(text)
    assert doc.doc_kind == "final_account"
    if cut < 0.1:
        assert {w.kind for w in doc.warnings} >= {"no_totals"}


def test_truncated_inside_project_section_warns() -> None:
    text = SEED_TEXT[:SEED_TEXT.index("1、项目概况")]
    doc = parse_text(text)
    assert [p.name for p in doc.projects] == ["区委办工作经费"]
    assert {w.kind for w in doc.warnings} >= {"project_amount_missing", "project_goal_missing"}


def test_blank_text_is_parse_error() -> None:
    src = SourceText(path="blank.txt", name="blank.txt", text="\n \n", encoding="utf-8", sha256="")
    with pytest.raises(ParseError):
        prose_final.parse(src)


def test_detect_claims_only_its_family() -> None:
    for path in sorted(Path(DATA).glob("*.txt")):
        score = detection_scores(read_source(path))[prose_final.NAME]
        assert (score >= 0.5) == path.name.startswith("002_"), path.name
    assert prose_final.detect(src_of(rewrap(renamed(SEED_TEXT), 23))) >= 0.5
    budget = SEED_TEXT.replace("决算", "预算")
    assert prose_final.detect(src_of(budget)) < 0.5
    tabbed = SEED_TEXT + "\n".join(f"项目{i}\t{i}.00\t{i}.00" for i in range(40))
    assert prose_final.detect(src_of(tabbed)) < 0.5


def test_full_name_variants() -> None:
    alt = SEED_TEXT.replace("中共北京市西城区委办公室（简称区委办公室）", "中共北京市西城区委办公室（以下简称区委办公室）")
    assert parse_text(alt).department == "中共北京市西城区委办公室"
    # a 基本情况 that opens with a sub-heading and the title's own name: no prefix is invented
    alt = SEED_TEXT.replace("中共北京市西城区委办公室（简称区委办公室）是", "（一）机构设置、职责北京市西城区委办公室主要职责是")
    alt = alt.replace("组建中共北京市西城区委办公室", "组建区委办公室")
    assert parse_text("\n\n" + alt).department == "北京市西城区委办公室"


def test_prior_year_directions() -> None:
    text = SEED_TEXT.replace("本年收入合计4019.40万元，比上年增加（减少）0万元，增长（下降）0%",
                             "本年收入合计4019.40万元，比上年减少12.50万元，下降0.31%")
    text = text.replace("日常公用经费支出，合计86.05万元，比上年增加（减少）0万元",
                        "日常公用经费支出，合计86.05万元，较上年增加3.20万元")
    doc = parse_text(text)
    change = {f.subject: f.amount for f in doc.outcomes if f.key == "prior_year_change"}
    assert change["本年收入合计"] == Decimal("-125000.00")
    assert change["使用财政拨款安排的基本支出中的日常公用经费支出合计"] == Decimal("32000.00")


def test_title_name_first_and_blank_head() -> None:
    text = "\n\n\n" + SEED_TEXT.replace("2023年度北京市西城区委办公室\n部门决算", "北京市西城区委办公室\n2023年度部门决算")
    doc = parse_text(text)
    assert (doc.department, doc.year) == ("中共北京市西城区委办公室", 2023)
    untitled = parse_text(SEED_TEXT.replace("2023年度北京市西城区委办公室\n部门决算", "部门决算"))
    assert untitled.year == 2023 and untitled.department == "中共北京市西城区委办公室"
    assert any(w.kind == "no_title" for w in untitled.warnings)


# --- regressions found on unseen documents (tests/fixtures/prose_final) ---

NESTED_REPORTS = """三、项目支出绩效评价报告
（一）社区公益事业补助项目绩效评价报告
1、基本情况
（1）项目概况
社区公益事业补助项目年度预算金额为340.05万元，全部为财政拨款。
（2）项目绩效目标
支持社区开展公益事业，提升社区治理水平。
2、绩效评价工作开展情况
成立社区公益事业补助项目自评工作小组，由街道工委书记担任组长。
3、综合评价情况及评价结论
社区公益事业补助综合评价：92分，优。
（二）12345市民服务热线接诉即办项目绩效评价报告
1、基本情况
（1）项目概况
12345市民服务热线接诉即办项目年度预算金额为85.50万元。
2、绩效评价工作开展情况
成立接诉即办项目自评工作小组。
3、综合评价情况及评价结论
12345市民服务热线接诉即办综合评价：90分，优。
"""


def test_counts_with_thousands_separators() -> None:
    text = SEED_TEXT.replace("流转各类公文5035件", "流转各类公文5,035件")
    counts = [a.to_gold_dict() for a in parse_text(text).achievements]
    assert counts == GOLD["outcomes"]


def test_output_heading_with_colon_text() -> None:
    text = SEED_TEXT.replace("（1）产出数量\n\n服务区委发挥", "（1）产出数量：服务区委发挥")
    counts = [a.to_gold_dict() for a in parse_text(text).achievements]
    assert counts == GOLD["outcomes"]


def test_totals_breakdown_after_reason_sentence() -> None:
    text = SEED_TEXT.replace(
        "本年支出合计4019.40万元，比上年增加（减少）0万元，增长（下降）0%，其中：",
        "本年支出合计4019.40万元，比上年增加（减少）0万元，增长（下降）0%。主要原因：项目支出100.00万元结转。其中：")
    doc = parse_text(text)
    assert doc.to_gold_dict()["totals"] == GOLD["totals"]
    assert not doc.warnings


def test_heading_project_suffix_kept_when_body_uses_it() -> None:
    text = SEED_TEXT.replace("申请区委办工作经费预算金额", "区委办工作经费项目预算金额").replace(
        "区委办工作经费综合评价", "区委办工作经费项目综合评价").replace("制定区委办工作经费项目的评分体系", "制定评分体系")
    [p] = parse_text(text).projects
    assert p.name == "区委办工作经费项目" and p.amount == Decimal("1386000.00")


def test_generic_report_heading_is_not_a_project() -> None:
    cut = SEED_TEXT.index("三、区委办工作经费项目绩效评价报告")
    doc = parse_text(SEED_TEXT[:cut] + NESTED_REPORTS)
    assert [(p.name, p.amount) for p in doc.projects] == [
        ("社区公益事业补助", Decimal("3400500.00")), ("12345市民服务热线接诉即办", Decimal("855000.00"))]


def test_goal_ends_at_next_heading() -> None:
    cut = SEED_TEXT.index("三、区委办工作经费项目绩效评价报告")
    doc = parse_text(SEED_TEXT[:cut] + NESTED_REPORTS)
    assert doc.projects[0].goal == "支持社区开展公益事业，提升社区治理水平。"
    assert doc.projects[1].goal is None


def test_alias_contained_in_longer_name() -> None:
    cut = SEED_TEXT.index("三、区委办工作经费项目绩效评价报告")
    doc = parse_text(SEED_TEXT[:cut] + NESTED_REPORTS)
    assert doc.projects[1].aliases == ["接诉即办"]


def test_national_wording_budget_completion() -> None:
    text = SEED_TEXT.replace(
        "2023年度决算1687.07万元，比2023年年初预算1796.67万元，减少109.60万元，下降6.50%。主要原因：",
        "年初预算为1796.67万元，支出决算为1687.07万元，完成年初预算的93.90%。决算数小于年初预算数的主要原因是")
    doc = parse_text(text)
    by_line = {f.key: f for f in doc.outcomes if f.provenance.line_start == 32}
    assert {k: f.amount for k, f in by_line.items()} == {
        "actual": Decimal("16870700.00"), "budget": Decimal("17966700.00"), "variance": Decimal("-1096000.00")}
    assert by_line["variance"].subject.endswith("行政运行（项）")
    assert by_line["variance"].note.startswith("落实政府过紧日子要求")


@pytest.mark.parametrize("heading", ["（一）产出数量", "1、产出数量", "（1）产出数量完成情况："])
def test_output_heading_numbering(heading: str) -> None:
    text = SEED_TEXT.replace("（1）产出数量\n", heading + "\n").replace("（2）产出质量", "（二）产出质量")
    counts = [a.to_gold_dict() for a in parse_text(text).achievements]
    assert counts == GOLD["outcomes"]


def test_total_phrased_year_spending_total() -> None:
    text = SEED_TEXT.replace("2023年度本年支出合计4019.40万元", "2023年度支出合计4019.40万元")
    doc = parse_text(text)
    assert doc.to_gold_dict()["totals"] == GOLD["totals"]
    assert doc.totals["total"].provenance.line_start == 18


def test_goal_numbered_list_is_kept_whole() -> None:
    text = SEED_TEXT.replace("项目绩效目标\n\n保障服务中央", "项目绩效目标\n\n（1）保障服务\n（2）保障服务中央")
    [p] = parse_text(text).projects
    assert p.goal.startswith("（1）保障服务（2）保障服务中央") and p.goal.endswith("服务保障等职责。")


def test_quoted_heading_name() -> None:
    doc = parse_text(SEED_TEXT.replace("三、区委办工作经费项目绩效评价报告", "三、“区委办工作经费”项目绩效评价报告"))
    assert gold_projects(doc) == GOLD["projects"]
