"""The 说明's percentages (change rates, shares, completion of the budget), the 财政拨款收支总表 read by fund column
(its 类 lines against the 一般公共预算支出表, also when money is carried over), and the lines under a 收支 line 一、:
each broken by one planted edit in a copy of a seed or of a fixture shaped like a real file, the originals raising
none of these kinds."""

from __future__ import annotations

import pytest

from kg.audit import AuditDoc
from kg.audit import checks_explanation as E
from kg.audit import checks_tables as T
from kg.audit.tables_base import checked
from kg.model import Document
from tests.test_audit_tables import YEARS, _audit, _kinds, _plant, _seed_lines

NEW_KINDS = {"explanation.rate", "explanation.share", "explanation.completion", "tables.sub_sum"}

# 公开表4 of file 01 (烟台): expense lines printed 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算.
FISCAL = """公开表4
财政拨款收支总体情况表
部门（单位）：某局\t单位：万元
收 入\t\t支 出\t\t\t\t
项目\t预算数\t项目\t预算数\t\t\t
\t\t\t总计\t一般公共预算\t政府性基金预算\t国有资本经营预算
一、一般公共预算收入\t3,401.35\t一、一般公共服务支出\t\t\t\t
二、政府性基金预算收入\t305.28\t二、教育支出\t16.00\t16.00\t\t
\t\t三、社会保障和就业支出\t3,385.35\t3,385.35\t\t
\t\t四、城乡社区支出\t305.28\t\t305.28\t
本 年 收 入 合 计\t3,706.63\t本 年 支 出 合 计\t3,706.63\t3,401.35\t305.28\t
上年结转\t\t结转下年\t\t\t\t
收 入 总 计\t3,706.63\t支 出 总 计\t3,706.63\t3,401.35\t305.28\t
公开表5
一般公共预算支出预算表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t3,401.35\t3,385.35\t16.00
205\t教育支出\t16.00\t\t16.00
208\t社会保障和就业支出\t3,385.35\t3,385.35\t
公开表6
政府性基金预算支出预算表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t305.28\t\t305.28
212\t城乡社区支出\t305.28\t\t305.28
"""

# 公开04表 of file 10 (国家信访局 决算): money carried over, a 行次 column, 一、 lines with 1、2、… under them.
CARRIED = """财政拨款收入支出决算总表
部门：某局\t金额单位：万元
收 入\t\t\t支 出\t\t\t\t\t
项目\t行次\t金额\t项目\t行次\t合计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款
一、本年收入\t1\t10,000.00\t一、本年支出\t30\t10,500.00\t10,500.00\t\t
1、一般公共预算财政拨款\t2\t10,000.00\t1、一般公共服务支出\t31\t9,846.82\t9,846.82\t\t
2、政府性基金预算财政拨款\t3\t\t2、教育支出\t32\t653.18\t653.18\t\t
二、年初财政拨款结转和结余\t4\t500.00\t二、年末财政拨款结转和结余\t33\t\t\t\t
总计\t5\t10,500.00\t总计\t34\t10,500.00\t10,500.00\t\t
一般公共预算财政拨款支出决算表
部门：某局\t金额单位：万元
科目代码\t科目名称\t小计\t基本支出\t项目支出
合计\t\t10,500.00\t10,000.00\t500.00
201\t一般公共服务支出\t9,846.82\t9,846.82\t
205\t教育支出\t653.18\t153.18\t500.00
"""

# One amount column, money carried over, no 政府性基金 / 国有资本经营 money: the 类 lines are the 一般公共预算 part.
CARRIED_ONE = """财政拨款收支预算总表
金额单位：万元
收 入\t\t支 出\t
项 目\t预算数\t项 目\t预算数
一、本年收入\t10,000.00\t一、本年支出\t10,500.00
（一）一般公共预算资金\t10,000.00\t一、一般公共服务支出\t9,846.82
（二）政府性基金预算资金\t\t二、教育支出\t653.18
二、上年结转\t500.00\t二、年终结转结余\t
收入总计\t10,500.00\t支出总计\t10,500.00
一般公共预算财政拨款支出表
金额单位：万元
科目代码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t10,500.00\t10,000.00\t500.00
201\t一般公共服务支出\t9,846.82\t9,846.82\t
205\t教育支出\t653.18\t153.18\t500.00
"""

# 说明 sentences shaped like files 03, 10 and 11.
RATES = """2026年部门预算说明
1.行政运行（2010801）2,338.24万元，较上年增加126.15万元，增长5.70%，主要原因是人员增加。
2.2022年当年预算执行数为274.85万元，2023年预算安排441.25万元，比2022年预算执行数增加60.54%。
3.三公经费财政拨款支出决算中，因公出国（境）费支出决算4.69万元，占10.15%；公务用车购置及运行费支出决算40.61万元，占87.88%；公务接待费支出决算0.9万元，占1.95%。
4.年初预算为2325.72万元，支出决算为2066.84万元，完成年初预算的88.87%。
"""
FIXTURES = {"FISCAL": FISCAL, "CARRIED": CARRIED, "CARRIED_ONE": CARRIED_ONE, "RATES": RATES}

# (seed or fixture, line in a seed / None, printed text, planted text, the kind that must fire, a line it cites)
PLANTED = [
    ("001", 30, "增长4.95%", "增长4.85%", "explanation.rate", 30),
    ("003", 46, "增加 6.5%", "增加 7.5%", "explanation.rate", 46),
    ("001", 33, "77.61%", "78.61%", "explanation.share", 33),
    ("002", 26, "75.18%", "76.18%", "explanation.share", 26),
    ("001", 834, "39,907,982.30", "39,907,992.30", "tables.sub_sum", 834),
    ("001", 43, "减少24,500.00元", "减少24,400.00元", "explanation.change", 43),
    ("RATES", None, "增长5.70%", "增长5.90%", "explanation.rate", 2),
    ("RATES", None, "增加60.54%", "增加50.54%", "explanation.rate", 3),
    ("RATES", None, "占87.88%", "占86.88%", "explanation.share", 4),
    ("RATES", None, "完成年初预算的88.87%", "完成年初预算的89.87%", "explanation.completion", 5),
    ("FISCAL", None, "二、教育支出\t16.00\t16.00", "二、教育支出\t16.50\t16.50", "tables.cross", 8),
    ("CARRIED", None, "2、教育支出\t32\t653.18\t653.18", "2、教育支出\t32\t653.18\t663.18", "tables.cross", 7),
    ("CARRIED_ONE", None, "二、教育支出\t653.18", "二、教育支出\t663.18", "tables.cross", 7),
    ("CARRIED", None, "1、一般公共预算财政拨款\t2\t10,000.00", "1、一般公共预算财政拨款\t2\t10,100.00",
     "tables.sub_sum", 6),
]


def _fixture_year(name: str) -> int:
    return {"FISCAL": 2026, "CARRIED": 2024, "CARRIED_ONE": 2026, "RATES": 2026}.get(name, 0) or YEARS[name]


@pytest.mark.parametrize("name,line,old,new,kind,cited", PLANTED, ids=[f"{p[0]}-{p[4]}-{p[3]}" for p in PLANTED])
def test_planted_error_found(name: str, line: int | None, old: str, new: str, kind: str, cited: int) -> None:
    if line is None:
        assert FIXTURES[name].count(old) == 1, old
        lines = FIXTURES[name].replace(old, new).split("\n")
    else:
        lines = _plant(name, line, old, new)
    found = [f for f in _audit(lines, _fixture_year(name)) if f.kind == kind and f.severity != "info"]
    assert found, f"{kind} not raised"
    assert any(cited in {e.line for e in f.evidence} for f in found), [f.message for f in found]
    assert all(f.severity == "error" for f in found), [f.message for f in found]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_clean_fixtures_raise_none(name: str) -> None:
    found = _audit(FIXTURES[name].split("\n"), _fixture_year(name))
    assert not _kinds(found, ("error", "warning")), [f.message for f in found if f.severity != "info"]


@pytest.mark.parametrize("prefix", sorted(YEARS))
def test_clean_seeds_raise_none_of_the_new_kinds(prefix: str) -> None:
    found = _audit(_seed_lines(prefix), YEARS[prefix])
    assert not _kinds(found) & NEW_KINDS, [f.message for f in found if f.kind in NEW_KINDS]


def _checked(text: str | list[str], year: int) -> list[str]:
    doc = Document("x.txt")
    doc.year = year
    ad = AuditDoc(doc, None, text if isinstance(text, list) else text.split("\n"))
    for check in [*T.CHECKS, *E.CHECKS]:
        list(check(ad))
    return checked(ad)


def test_the_new_comparisons_run() -> None:
    """A clean result is not a skipped check: each fixture and seed compares what it prints."""
    rates = _checked(RATES, 2026)
    assert (rates.count("explanation.rate"), rates.count("explanation.share"),
            rates.count("explanation.completion")) == (2, 3, 1)
    assert _checked(FISCAL, 2026).count("tables.cross") == 3  # 教育, 社会保障和就业 (一般), 城乡社区 (基金)
    carried = _checked(CARRIED, 2024)
    assert carried.count("tables.cross") == 2 and carried.count("tables.sub_sum") == 2
    assert _checked(CARRIED_ONE, 2026).count("tables.cross") == 2
    # seed 004: 一、本年支出 printed empty, 支出总计 5,508.97 holds 20.00 carried over (类 215) that its 一般公共预算
    # 支出表 (合计 5,488.97) does not: no printed total matches, so its 类 lines are not compared (said in the note)
    assert _checked(_seed_lines("004"), 2026).count("tables.cross") == 5
    seed001 = _checked(_seed_lines("001"), 2019)
    assert seed001.count("explanation.change") == 1 and seed001.count("explanation.share") == 2
    assert seed001.count("tables.sub_sum") >= 2


def test_rate_on_the_new_figure_is_info() -> None:
    """Seed 002 computes 决算 vs 预算 changes over the 决算 (109.60 / 1687.07 = 6.50%, not / 1796.67 = 6.10%): a
    convention, said as info, never an error."""
    found = [f for f in _audit(_seed_lines("002"), 2023) if f.kind == "explanation.rate"]
    assert len(found) == 4 and all(f.severity == "info" and "new figure" in f.message for f in found)


def test_rate_whose_base_is_not_printed_is_named() -> None:
    found = _audit(["2026年部门预算", "", "收入较去年增加54.13万元，上升2.88%。"], 2026)
    (note,) = [f for f in found if f.kind == "tables.not_checked"]
    assert "change rate whose base is not printed" in note.values["not_checked"]
    assert not _kinds(found)


def test_seed_001_income_header_spread_over_its_columns() -> None:
    """Seed 001's 收入总表 prints 科目 over two columns (科目编码 | 科目名称) one cell a line, so its header row is one
    cell short: spread, 合计 and each source sit over their own columns and 合计 = the sources runs on every row."""
    from kg.tables import tables_of_text
    from kg.tables.cell_lines import reread_cell_lines

    lines = _seed_lines("001")
    t = next(t for t in reread_cell_lines(tables_of_text("\n".join(lines)), lines) if t.kind == "income")
    assert t.columns[:4] == ["code", "name", "total", "income_part"] and t.headers[2] == "合计"
    (note,) = [f for f in _audit(lines, 2019) if f.kind == "tables.not_checked"]
    assert "收入总表" not in note.values["not_checked"]
    found = [f for f in _audit(_plant("001", 252, "39,907,982.30", "39,907,992.30"), 2019)
             if f.kind == "tables.row_sum" and "收入总表" in f.message]
    assert found and 252 in {e.line for f in found for e in f.evidence}


def test_sanggong_columns_told_apart_by_year() -> None:
    """Seed 001's 三公 table prints 2018年预算数 | 2019年预算数: the 2019 column is this year's figure, so the 说明's
    2018 公务用车 24,500 (under a sentence naming 2018) is not compared with it, and 2019's is."""
    from kg.audit.checks_sanggong import sanggong_groups
    from kg.tables import tables_of_text

    t = next(t for t in tables_of_text("\n".join(_seed_lines("001"))) if t.kind == "sanggong")
    assert t.kind == "sanggong"
    labels = [g.label for g in sanggong_groups(t)] if not t.layout else []
    found = _audit(_seed_lines("001"), 2019)
    assert not [f for f in found if f.kind == "explanation.amount" and f.severity == "error"]
    assert labels == [] or any("2019" in x for x in labels)


@pytest.mark.parametrize("text", [
    "2026年收入预算100.00万元，比上年增加10.00万元，增长11.11%，主要是人员增加，人数增长5%。",  # another clause's rate
    "2026年基本支出80.00万元，其中人员经费60.00万元，占基本支出的80.00%。",  # a share of a total not printed
    "2026年一般公共服务支出60.00万元，占30.00%；教育支出40.00万元，占20.00%。",  # a total not printed, both agree
    "2026年部门收入100.00万元，其中财政拨款90.00万元，比上年增加10.00万元，增长12.50%。",  # the rate of the 其中 part
    "2025年执行数为0万元，2026年预算安排60.13万元，比2025年执行数增加100.00%。",  # a zero base: not a rate
    "2026年委托业务费预算1,391.68万元，比上年预算增加3,338,300元，增长31.56%。",  # 万元 and 元 in one sentence
    "年初预算为100.00万元，支出决算为90.00万元，完成调整预算的95.00%。",  # the adjusted budget is not printed
    "2026年收入预算100.00万元，项目经费为50.00为万元，比上年增加10.00万元，增长25.00%。",  # the figure misprinted
])
def test_rates_not_raised_where_nothing_is_wrong(text: str) -> None:
    assert not _kinds(_audit(["2026年部门预算", "", text], 2026)) & NEW_KINDS


@pytest.mark.parametrize("rate,raised", [("24.0%", False), ("23.9%", False), ("24%", False), ("23.8%", True),
                                         ("24.1%", True)])
def test_a_truncated_rate_is_not_an_error(rate: str, raised: bool) -> None:
    """Regression (a real 湖州 说明): 11,688.70 of 48,707.45 is 23.998%; many 说明 cut it to 23.9% — read as printed,
    not as a wrong rate; 23.8% and 24.1% are wrong whichever way the figure was shortened."""
    text = f"2026年部门预算说明\n一般公共预算当年拨款37018.75万元，比上年执行数减少11688.70万元，下降{rate}，主要是人员调整。\n"
    found = [f for f in _audit(text.split("\n"), 2026) if f.kind == "explanation.rate" and f.severity == "error"]
    assert bool(found) == raised, [f.message for f in found]


def test_a_share_of_another_named_total_does_not_confirm_the_base() -> None:
    """Regression (a real 西安 说明): "24,498.01万元，占政府采购支出合同总额的9%，其中：7,086.06万元，占授予中小企业合同
    金额的28.93%" — the second share's total (24,498.01) is not the first one's, so no false 9%-vs-100% error."""
    text = ("2022年部门决算说明\n政府采购授予中小企业合同金额24,498.01万元，占政府采购支出合同总额的9%，其中：授予小微企业"
            "合同金额7,086.06万元，占授予中小企业合同金额的28.93%。\n")
    assert not [f.message for f in _audit(text.split("\n"), 2022) if f.kind == "explanation.share"]


@pytest.mark.parametrize("share,raised", [("49.5%", False), ("49.4%", False), ("49.3%", True)])
def test_a_truncated_share_is_not_an_error(share: str, raised: bool) -> None:
    """Regression (a real 杭州 说明): 2,906.80 of 5,876.68 is 49.46%, printed 49.4% (cut after one decimal)."""
    text = (f"2026年部门预算说明\n支出预算5,876.68万元，其中：基本支出2,906.80万元，占{share}；项目支出2,969.88万元，"
            "占50.54%。\n")
    found = [f for f in _audit(text.split("\n"), 2026) if f.kind == "explanation.share" and f.severity == "error"]
    assert bool(found) == raised, [f.message for f in found]
