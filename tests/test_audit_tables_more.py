"""说明 vs tables for 机关运行经费 and 政府采购, the 政府采购 split, 三公 column groups (预算数 / 决算数, 上年 / 当年)
and the 财政拨款收支总表 ↔ 支出表 by 类: each broken by one planted edit in a small fixture shaped like a real
disclosure (files 01, 10 and 11 of ../shared/real-native), and the clean fixture raising none."""

from __future__ import annotations

import pytest

from kg.tables import tables_of_text
from tests.test_audit_tables import _audit, _kinds, _seed_lines

PROCUREMENT = """公开表12
政府采购预算表
部门（单位）：某局\t单位：万元
科目编码\t科目名称\t合计\t一般公共预算
\t合 计\t623.63\t623.63
208\t社会保障和就业支出\t49.75\t49.75
229\t其他支出\t573.88\t573.88
五、政府采购情况
2026年政府采购预算623.63万元，其中：政府采购货物预算34.44万元，政府采购工程预算280.65万元，政府采购服务预算308.54万元。
"""

RUNNING = """2023年部门“三公”经费和机关运行经费预算表
编制部门：某街道办事处\t单位:万元
2023年“三公”经费预算数\t\t\t\t\t\t2023年机关运行经费预算数
合计\t因公出国(境)费\t公务接待费\t公务用车购置及运行费\t\t\t
\t\t\t小计\t购置费\t运行费\t
22.91\t0\t1.35\t21.56\t0\t21.56\t786.09
二、机关运行经费预算
2023年本部门机关运行经费预算为786.09万元。
"""

FINAL = """一般公共预算财政拨款“三公”经费支出决算表
部门：某局\t金额单位：万元
预算数\t\t\t\t\t\t决算数\t\t\t\t\t
合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费\t合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费
\t\t小计\t公务用车购置费\t公务用车运行维护费\t\t\t\t小计\t公务用车购置费\t公务用车运行维护费\t
76.43\t30.00\t40.63\t\t40.63\t5.80\t46.21\t4.69\t40.61\t\t40.61\t0.90
七、一般公共预算财政拨款“三公”经费支出决算情况说明
2024年度“三公”经费财政拨款支出预算为76.43万元，其中：因公出国（境）费支出决算为4.69万元。
"""

# (fixture, year, printed text, planted text, the kind that must fire, a line its evidence must cite)
PLANTED = [
    ("PROCUREMENT", 2026, "政府采购预算623.63万元", "政府采购预算633.63万元", "explanation.amount", 9),
    ("PROCUREMENT", 2026, "货物预算34.44万元", "货物预算35.44万元", "explanation.parts", 9),
    ("RUNNING", 2023, "经费预算为786.09万元", "经费预算为787.09万元", "explanation.amount", 8),
    ("RUNNING", 2023, "21.56\t0\t21.56\t786.09", "21.56\t0\t20.56\t786.09", "tables.sanggong", 6),
    ("RUNNING", 2023, "22.91\t0\t1.35", "22.91\t0\t1.45", "tables.sanggong", 6),
    ("FINAL", 2024, "46.21\t4.69\t40.61", "47.21\t4.69\t40.61", "tables.sanggong", 6),  # the 决算数 group
    ("FINAL", 2024, "76.43\t30.00\t40.63\t\t40.63", "76.43\t30.00\t40.63\t\t41.63", "tables.sanggong", 6),
    ("FINAL", 2024, "费支出决算为4.69万元", "费支出决算为4.96万元", "explanation.amount", 8),
]
FIXTURES = {"PROCUREMENT": PROCUREMENT, "RUNNING": RUNNING, "FINAL": FINAL}


@pytest.mark.parametrize("name,year,old,new,kind,cited", PLANTED, ids=[f"{p[0]}-{p[4]}-{p[3]}" for p in PLANTED])
def test_planted_error_found(name: str, year: int, old: str, new: str, kind: str, cited: int) -> None:
    text = FIXTURES[name]
    assert text.count(old) == 1, old
    found = [f for f in _audit(text.replace(old, new).split("\n"), year) if f.kind == kind]
    assert found, f"{kind} not raised"
    assert any(cited in {e.line for e in f.evidence} for f in found), [f.message for f in found]
    assert all(f.severity == "error" for f in found)


@pytest.mark.parametrize("name,year", [("PROCUREMENT", 2026), ("RUNNING", 2023), ("FINAL", 2024)])
def test_clean_fixtures_raise_none(name: str, year: int) -> None:
    found = _audit(FIXTURES[name].split("\n"), year)
    assert not _kinds(found, ("error", "warning", "info")) - {"tables.not_checked"}, [f.message for f in found]
    (note,) = [f for f in found if f.kind == "tables.not_checked"]
    assert int(note.values["checked"] or 0) >= 2


def test_clean_fixtures_compare_what_they_state() -> None:
    """The comparisons ran (a clean result is not a skipped check)."""
    from kg.audit import AuditDoc
    from kg.audit import checks_explanation as E
    from kg.audit import checks_tables as T
    from kg.audit.tables_base import checked
    from kg.model import Document

    for name, year, expected in (("PROCUREMENT", 2026, {"explanation.amount": 1, "explanation.parts": 1}),
                                 ("RUNNING", 2023, {"explanation.amount": 1, "tables.sanggong": 2}),
                                 ("FINAL", 2024, {"tables.sanggong": 4, "tables.sanggong_over": 6})):
        doc = Document(f"{name}.txt")
        doc.year = year
        ad = AuditDoc(doc, None, FIXTURES[name].split("\n"))
        for check in [*T.CHECKS, *E.CHECKS]:
            list(check(ad))
        counts = {k: checked(ad).count(k) for k in expected}
        assert counts == expected, (name, counts)


def test_actual_above_budget_is_info() -> None:
    over = FINAL.replace("46.21\t4.69\t40.61\t\t40.61\t0.90", "52.21\t4.69\t40.61\t\t40.61\t6.90")
    found = _audit(over.split("\n"), 2024)
    assert not _kinds(found), [f.message for f in found if f.severity != "info"]
    (info,) = [f for f in found if f.kind == "tables.sanggong_over"]
    assert info.severity == "info" and info.values["actual"] == "6.90" and info.values["budget"] == "5.80"


# A 三公 table printing last year's and this year's figures side by side: its title and header (rows follow).
SANGGONG_TWO_YEARS = """公开表7
一般公共预算“三公”经费支出情况表
单位：万元
2025年预算数\t\t\t\t\t\t2026年预算数\t\t\t\t\t
合计\t因公出国（境）经费\t公务用车购置及运行维护费\t\t\t公务接待费\t合计\t因公出国（境）经费\t公务用车购置及运行维护费\t\t\t公务接待费
\t\t小计\t公务用车购置经费\t公务用车运行维护费\t\t\t\t小计\t公务用车购置经费\t公务用车运行维护费\t
"""


def test_last_year_group_is_not_this_years_figure() -> None:
    """A 三公 table with 2025年预算数 and 2026年预算数 groups: the 说明's 2026 figure is compared with the 2026 group
    only, and each group adds up on its own."""
    text = SANGGONG_TWO_YEARS + """27.32\t5.00\t11.78\t\t11.78\t10.54\t24.62\t5.00\t10.08\t\t10.08\t9.54
二、“三公”经费预算情况
2026年通过一般公共预算财政拨款安排的“三公”经费预算共24.62万元，比上年减少2.7万元。
3.公务接待费9.54万元，比上年减少1万元。
"""
    assert not _kinds(_audit(text.split("\n"), 2026))
    assert "explanation.amount" in _kinds(_audit(text.replace("预算共24.62", "预算共27.32").split("\n"), 2026))
    # the change on last year against the table's 2025 group (27.32 → 24.62; 10.54 → 9.54)
    for old, new in (("比上年减少2.7万元", "比上年增加2.7万元"), ("比上年减少2.7万元", "比上年减少3.7万元"),
                     ("比上年减少1万元", "与上年持平"), ("比上年减少1万元", "比上年减少2万元")):
        found = [f for f in _audit(text.replace(old, new).split("\n"), 2026) if f.kind == "explanation.change"]
        assert found and all(f.severity == "error" for f in found), new


def test_same_as_last_year_words_are_read_as_no_change() -> None:
    """"与上年一致 / 相同 / 无变化" say what 持平 says: wrong where the figure changed, right where it did not."""
    text = SANGGONG_TWO_YEARS + """26.32\t5.00\t11.78\t\t11.78\t9.54\t24.62\t5.00\t10.08\t\t10.08\t9.54
二、“三公”经费预算情况
2026年通过一般公共预算财政拨款安排的“三公”经费预算共24.62万元，比上年减少1.7万元。
1.因公出国（境）经费5.00万元，与上年一致。
3.公务接待费9.54万元，与上年相同。
"""
    def changes(t: str) -> list:  # type: ignore[type-arg]
        return [f for f in _audit(t.split("\n"), 2026) if f.kind == "explanation.change"]

    assert not changes(text)
    for word in ("一致", "相同", "无变化"):
        wrong = text.replace("公务接待费9.54万元，与上年相同", f"公务接待费9.54万元，与上年{word}").replace(
            "\t9.54\t24.62", "\t10.54\t24.62").replace("26.32\t", "27.32\t").replace("减少1.7", "减少2.7")
        (f,) = changes(wrong)
        assert f.severity == "error" and "持平" in f.message, word


def test_procurement_and_running_tables_recognised() -> None:
    kinds = [t.kind for t in tables_of_text(PROCUREMENT)]
    assert kinds == ["procurement"]
    t = tables_of_text("部门综合预算政府采购（资产配置、购买服务）预算表\n单位：元\n采购项目\t预算金额\n合计\t4,020,000.00\n")
    assert [x.kind for x in t] == ["procurement"]
    run = tables_of_text("一般公共预算机关运行经费支出预算表\n单位：万元\n科目编码\t科目名称\t机关运行经费支出\n"
                         "\t合 计\t2,232.91\n302\t商品和服务支出\t2,232.91\n")
    assert [x.kind for x in run] == ["running"] and run[0].total_row().amounts["running"].text == "2,232.91"


def test_statement_without_its_table_is_named_in_the_note() -> None:
    found = _audit(["2026年部门预算", "2026年政府采购预算623.63万元。", "2026年机关运行经费安排102.18万元。"], 2026)
    (note,) = [f for f in found if f.kind == "tables.not_checked"]
    assert "procurement figure (no table" in note.values["not_checked"]
    assert "running figure (no table" in note.values["not_checked"]


def test_fiscal_by_class_skipped_when_money_is_carried_over() -> None:
    """Seed 004's 财政拨款收支总表 shows 上年结转: its 类 lines may include carried-over money, so they are not
    compared with the 一般公共预算支出表 (said in the note); seed 000 has none and is compared."""
    (n004,) = [f for f in _audit(_seed_lines("004"), 2026) if f.kind == "tables.not_checked"]
    assert "carried over" in n004.values["not_checked"]
    from kg.audit import AuditDoc
    from kg.audit.checks_cross import check_fiscal_by_class
    from kg.audit.tables_base import checked
    from kg.model import Document

    doc = Document("000.txt")
    doc.year = 2024
    ad = AuditDoc(doc, None, _seed_lines("000"))
    assert not list(check_fiscal_by_class(ad)) and checked(ad).count("tables.cross") == 4


# (rows cut from file 03's 表1; the second 政府经济分类 line carries the lines left out, 676,004.00, so that the lines
# under each 一、 still add up to it: tables.sub_sum)
THREE_SIDED = """表1
部门综合预算收支总表
单位：元
收入\t\t支出\t\t\t\t\t
项目\t预算数\t支出功能分类科目（按大类）\t预算数\t部门预算支出经济分类科目（按大类）\t预算数\t政府预算支出经济分类科目（按大类）\t预算数
一、部门预算\t41,052,896.08\t一、部门预算\t42,034,723.58\t一、部门预算\t42,034,723.58\t一、部门预算\t42,034,723.58
1、财政拨款\t40,052,896.08\t1、一般公共服务支出\t31,722,917.00\t1、人员经费和公用经费支出\t33,544,216.08\t1、机关工资福利支出\t29,812,828.40
6、其他收入\t1,000,000.00\t5、教育支出\t210,000.00\t2、专项业务经费支出\t8,490,507.50\t2、机关商品和服务支出\t12,221,895.18
本年收入合计\t41,052,896.08\t本年支出合计\t42,034,723.58\t本年支出合计\t42,034,723.58\t本年支出合计\t42,034,723.58
上年实户资金余额\t981,827.50\t结转下年\t\t结转下年\t\t结转下年\t
收入总计\t42,034,723.58\t支出总计\t42,034,723.58\t支出总计\t42,034,723.58\t支出总计\t42,034,723.58
"""


def test_three_sided_income_expense_table() -> None:
    """File 03's 收支总表: the expense printed by function and by two economic classes side by side. Each
    expense column group is one side: its 支出总计 = 收入总计 and its 一、 lines = its 本年支出合计."""
    (t,) = tables_of_text(THREE_SIDED)
    assert {s.group for s in t.sides if s.side == "expense"} == {2, 4, 6}
    assert {s.side for s in t.sides if s.raw == "1、财政拨款"} == {"income"}
    assert not _kinds(_audit(THREE_SIDED.split("\n"), 2026))
    last = THREE_SIDED.replace("支出总计\t42,034,723.58\n", "支出总计\t42,034,724.58\n")
    found = [f for f in _audit(last.split("\n"), 2026) if f.kind == "tables.balance"]
    assert len(found) == 1 and found[0].values["expense"] == "42034724.58"
    middle = THREE_SIDED.replace("一、部门预算\t42,034,723.58\t一、部门预算\t42,034,723.58\t一",
                                 "一、部门预算\t42,034,723.58\t一、部门预算\t42,034,733.58\t一")
    assert [f.evidence[0].line for f in _audit(middle.split("\n"), 2026) if f.kind == "tables.side_sum"] == [6]


def test_prose_after_a_table_does_not_unseat_its_columns() -> None:
    """Regression: a tab table followed by as many 说明 sentences as it has rows was read as one cell a line (no
    identity checked); the sentences are not the table's rows."""
    table = ("一般公共预算“三公”经费支出情况表\n单位：万元\n合计\t因公出国（境）费\t公务用车购置及运行费\t公务接待费\n"
             "12.00\t2.00\t6.00\t4.00\n")
    prose = "".join(f"{k}.第{k}段说明文字，金额另见表格。\n" for k in range(1, 6))
    (t,) = tables_of_text(table + prose)
    assert t.kind == "sanggong" and t.positional and not t.layout and len(t.rows) >= 1


def test_an_empty_first_cell_does_not_hand_its_column_key_on() -> None:
    """Regression (a real 烟台 file): 2025's 因公出国 cell was empty, so 2026's 13.00 took the column's plain key and
    was read as 2025's: 合计 10.40 vs 23.40, and the 说明's 13 万元 vs an empty cell — two false errors."""
    text = SANGGONG_TWO_YEARS + """10.40\t\t5.40\t\t5.40\t5.00\t23.40\t13.00\t5.40\t\t5.40\t5.00
二、“三公”经费预算情况
2026年因公出国（境）费预算13万元。
"""
    found = [f for f in _audit(text.split("\n"), 2026) if f.severity != "info"]
    assert not found, [f.message for f in found]
    wrong = text.replace("\t23.40\t13.00", "\t24.40\t13.00")
    assert "tables.sanggong" in {f.kind for f in _audit(wrong.split("\n"), 2026)}


def test_a_title_glued_to_its_editor_line_opens_a_table() -> None:
    """Regression (a real 上海 file): "…财政拨款收支预算总表编制单位：…中心 单位：元" in one cell did not open a table,
    so its rows were read as the 支出总表's, and a false row error followed."""
    text = ("2026年预算单位支出预算总表\n单位：元\n项目\t合计\t基本支出\t项目支出\n合计\t100\t60\t40\n"
            "2026年预算单位财政拨款收支预算总表编制单位：某医疗保险事业管理中心 单位：元\n"
            "财政拨款收入\t\t财政拨款支出\t\n项目\t预算数\t项目\t合计\n一、一般公共预算\t100\t一、社会保障和就业支出\t100\n"
            "收入总计\t100\t支出总计\t100\n")
    tables = tables_of_text(text)
    assert [t.kind for t in tables] == ["expense", "fiscal_total"], [(t.kind, t.title) for t in tables]
    assert tables[1].unit == "元"
    assert not [f.message for f in _audit(text.split("\n"), 2026) if f.severity != "info"]


def test_two_amounts_run_together_leave_the_row_unchecked() -> None:
    """Regression (a real 重庆 PDF): "238.0041,534.73" (two cells' amounts joined by the PDF's text) was no amount,
    so the row's sources added up to 0 and a false error followed; such a row is left unchecked, the others are."""
    text = ("2026年部门收入总体情况表\n单位：万元\n科目编码\t科目名称\t总计\t一般公共预算拨款收入\t政府性基金预算拨款收入\n"
            "合计\t\t41,872.73\t338.00\t41,534.73\n\t资源勘探工业信息等支出\t41,772.73\t238.0041,534.73\t\n"
            "21505\t工业和信息产业\t238.00\t238.00\t\n2159802\t制造业\t41,534.73\t\t41,534.73\n"
            "2010301\t行政运行\t100.00\t90.00\t\n")
    found = [f for f in _audit(text.split("\n"), 2026) if f.kind == "tables.row_sum"]
    assert [f.evidence[0].line for f in found] == [8], [f.message for f in found]  # 90 ≠ 100 on 行政运行 only


def test_a_grand_total_printed_as_income_sum_is_the_counterpart_of_the_income_table() -> None:
    """Regression (real 泉州 files): the 收支总表 prints 本年收入合计, 上年结转结余, then 收入合计 (no 收入总计); the
    收入总表's 合计 (with 上年结转) and the 说明's 收入 equal 收入合计 — two false errors before."""
    text = ("2026年度收支预算总表\n单位：万元\n收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n"
            "一、一般公共预算拨款收入\t469.41\t一、公共安全支出\t583.41\n二、其他收入\t38.00\t\t\n"
            "本年收入合计\t507.41\t本年支出合计\t583.41\n上年结转结余\t76.00\t结转下年支出\t0.00\n"
            "收入合计\t583.41\t支出合计\t583.41\n"
            "2026年度收入预算总表\n单位：万元\n单位名称\t总计\t一般公共预算拨款收入\t其他收入\t上年结转结余\n"
            "合计\t583.41\t469.41\t38.00\t76.00\n"
            "2026年，某局单位收入预算为583.41万元。\n")
    found = [f for f in _audit(text.split("\n"), 2026) if f.severity != "info"]
    assert not found, [f.message for f in found]
    wrong = text.replace("合计\t583.41\t469.41", "合计\t593.41\t469.41")
    assert "tables.cross" in {f.kind for f in _audit(wrong.split("\n"), 2026)}
