"""Vocabulary of the standard disclosure tables, as data: titles, header words, row labels.

A table is recognised by its title (whatever the numbering convention: 表一…, 预算01表, 公开表1, 一、收支预算总表,
central 部门预算表) and, when the title says nothing known, by its header cells. A column's meaning comes from its
header words only; a column whose header names nothing below is never read as money.
"""

from __future__ import annotations

import re

from kg.normalize import squeeze as squeeze  # re-exported: titles and labels compared squeezed

# Kinds of standard table, each with the title pattern that names it (searched in the squeezed title, in this
# order: the first match wins, so 财政拨款收支总表 is tried before 收支总表).
TITLE_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("procurement", re.compile(r"政府采购(?!预算说明)")),  # 政府采购（资产配置、购买服务）预算表 too
    ("other", re.compile(r"绩效|购买服务|转移支付|目录|国有资产")),
    ("running", re.compile(r"^(?!.*三公).*机关运行经费")),  # a table of 机关运行经费 alone (not 三公经费和机关运行经费)
    ("fiscal_total", re.compile(r"财政拨款收支|财政拨款收入支出")),
    ("income_expense", re.compile(r"收支(预算)?总(体情况)?表|收支(预算)?总表|收支预算表$|收支情况表$|收入支出(预算|决算)总表$")),
    ("income", re.compile(r"收入(预算|决算)?总(体情况)?表|收入(预算|决算)?(情况)?表$")),
    ("sanggong", re.compile(r"三公")),
    ("basic", re.compile(r"基本支出")),
    ("fund", re.compile(r"政府性基金")),
    ("soe", re.compile(r"国有资本经营")),
    ("general", re.compile(r"一般公共预算(财政)?(拨款)?支出")),
    ("project", re.compile(r"项目支出(预算)?(情况|明细)?表$|项目支出表|部门预算明细表")),
    ("expense", re.compile(r"支出(预算|决算)?总(体情况)?表|支出(预算|决算)?(情况)?表$")),
]
# Human names of the kinds (for messages and the info finding).
KIND_NAMES = {
    "income_expense": "收支总表", "income": "收入总表", "expense": "支出总表", "fiscal_total": "财政拨款收支总表",
    "general": "一般公共预算支出表", "basic": "一般公共预算基本支出表", "fund": "政府性基金预算支出表",
    "soe": "国有资本经营预算支出表", "sanggong": "“三公”经费支出表", "project": "项目支出表",
    "procurement": "政府采购预算表", "running": "机关运行经费表", "other": "other table",
}
# A title line: a numbering convention before or after the name, and nothing but the name otherwise.
TITLE_MAX_CHARS = 40
TITLE_NUMBERING = re.compile(
    r"^(?:表[一二三四五六七八九十\d]+[、：:.\s]*|预算\d+表|决算\d+表|公开表\d+|附表\d+|[一二三四五六七八九十]+、|\d+[、.])")
TITLE_END = re.compile(r"表(?:[（(]\w{1,8}[)）]|按\w{2,12}|(?:功能|经济)(?:分类)?科目)?$")  # …明细表（按支出功能分类科目）, squeezed
TITLE_QUALIFIER = re.compile(r"表(?:按\w{2,12}|(?:功能|经济)(?:分类)?科目)$")
# A "表一：" / "表 1" / "公开表3" line alone: the title follows on the next line.
NUMBER_ONLY = re.compile(r"^(?:表[一二三四五六七八九十\d]+|预算\d+表|决算\d+表|公开表\d+|附表\d+)[、：:]?$")
# A title glued to the unit line in one cell (squeezed): 收支预算总表部门中共江苏省委办公厅单位万元
TITLE_WITH_UNIT = re.compile(r"^(.{2,38}?表(?:(?:功能|经济)(?:分类)?科目)?)(?:部门|单位|编制部门|编制单位)\w*单位(?:万元|元)$")
UNIT_LINE = re.compile(r"(?:金额)?单位[：:]\s*(万元|元)")

# Column meanings from header words (squeezed header text of the column, top to bottom), first match wins.
COLUMN_MEANINGS: list[tuple[str, re.Pattern[str]]] = [
    ("ignore", re.compile(r"扣除基建|其中[:：]?$|比上年|增减|变动|占比|%|％")),
    ("sg_car_purchase", re.compile(r"公务用车购置(经)?费?$|购置(经)?费$")),  # …公务用车购置经费, 其中公务用车购置
    ("sg_car_run", re.compile(r"公务用车运行|(?<!及)运行(维护)?费$")),  # …购置及运行费 | 运行费 (not 购置及运行费)
    ("sg_car", re.compile(r"公务用车购置及运行")),
    ("sg_abroad", re.compile(r"因公出国")),
    ("sg_reception", re.compile(r"公务接待")),
    ("sg_total", re.compile(r"三公.*(总额|合计|总计)|三公经费$")),
    ("running", re.compile(r"机关运行经费")),
    ("personnel", re.compile(r"人员经费(支出)?$|人员支出$|人员类$")),
    ("public", re.compile(r"公用经费(支出)?$|公用支出$")),
    ("basic", re.compile(r"基本支出(小计|合计)?$")),
    ("project", re.compile(r"项目支出(总数|小计|合计)?$|专项业务经费支出$")),
    ("other_out", re.compile(r"事业单位经营支出$|上缴上级支出$|对附属单位补助支出$")),
    ("total", re.compile(r"(合计|总计|小计)$")),
    ("amount", re.compile(r"(预算数|决算数|预算金额|金额|支出数|预算|总额)$")),
    ("code", re.compile(r"编码$|代码$|科目编码")),
    ("name", re.compile(r"名称|项目$|科目$|单位$")),
]
# A 收入总表 column naming one source of income (its header's end), added up to the row's 合计.
# 事业收入（不含教育收费）; a fund named alone (一般公共预算 under 本年收入) is a source too
INCOME_PART = re.compile(r"(?:收入|拨款|资金|结转|结余|余额|金额|(?:一般公共|政府性基金|国有资本经营)预算)(?:不含\w{2,8})?$")
# The header of a code column of its own (类 | 款 | 项 side by side under 科目编码).
CODE_PARTS = ("类", "款", "项")
# Header words of the parts that add up to a total within one row.
ROW_IDENTITIES: list[tuple[str, tuple[str, ...]]] = [
    ("total", ("basic", "project")),
    ("basic", ("personnel", "public")),
    ("total", ("personnel", "public")),  # a 基本支出 table: 合计 | 人员经费 | 公用经费, no 基本/项目 columns
    ("total", ("personnel", "public", "project")),  # 合计 | 人员经费 | 公用经费 | 专项业务经费, no 基本 column
]
# Row labels.
TOTAL_LABEL = re.compile(r"^(?:合计|总计|本年支出合计|本年收入合计|支出总计|收入总计|收入合计|支出合计)[:：]?$")
INCOME_TOTAL = re.compile(r"^收入总计[:：]?$|^总计$")  # 决算: 总计 on each side
EXPENSE_TOTAL = re.compile(r"^支出总计[:：]?$|^总计$")
ROW_NUMBER_HEADER = "行次"  # a column numbering the lines (决算 总表), never an amount
INCOME_YEAR_TOTAL = re.compile(r"^本年收入合计[:：]?$")
# A grand total printed as 收入合计 / 支出合计 under 上年结转 (泉州): a candidate only where no 收入总计 is printed.
INCOME_SUM = re.compile(r"^收入合计[:：]?$")
EXPENSE_SUM = re.compile(r"^支出合计[:：]?$")
EXPENSE_YEAR_TOTAL = re.compile(r"^本年支出合计[:：]?$")
EXPENSE_YEAR_LINE = re.compile(r"^一本年支出$")  # 一、本年支出 over 1、2、… (a 财政拨款收支总表 of 长沙)
# A top-level line of a 收支总表 side: 一、…, 二、…
TOP_NUMBERED = re.compile(r"^([一二三四五六七八九十]+)、")
CN_DIGITS = "一二三四五六七八九"
# A line under a 一、 line: 1、 / 1. / （一）
SUB_NUMBERED = re.compile(r"^(?:(\d+)[、.．]|[（(]([一二三四五六七八九十]+)[)）])")
DEEPER_NUMBERED = re.compile(r"^(?:[（(]\d+[)）]|其中)")  # (1) / 其中: a part of a part
# 三公 items as rows.
SANGGONG_ROWS: list[tuple[str, re.Pattern[str]]] = [
    ("sg_car_purchase", re.compile(r"^(其中)?公务用车购置费?$")),
    ("sg_car_run", re.compile(r"公务用车运行(维护)?费?$")),
    ("sg_car", re.compile(r"公务用车购置及运行(维护)?费?$")),
    ("sg_abroad", re.compile(r"因公出国境?费用?$")),
    ("sg_reception", re.compile(r"公务接待费$")),
    ("sg_total", re.compile(r"^(合计|总计|三公经费(合计|总计)?)$")),
]
# A 三公 column group's header: another year (上年, 2025年预算数) or this one; 预算 or 决算 (final accounts).
SANGGONG_LAST_YEAR = re.compile(r"上年|上一年")
SANGGONG_THIS_YEAR = re.compile(r"当年|本年")
SANGGONG_ACTUAL = re.compile(r"决算|实际|支出数")
SANGGONG_BUDGET = re.compile(r"预算")
# Leading item numbers of a 三公 row (1、 / 1. / （一）) removed before matching.
SANGGONG_NUMBER = re.compile(r"^(?:其中)?(?:\d+|[一二三四五六七八九十]+)")
# Classification codes: 类 3 digits, 款 5, 项 7 (functional); economic 3 / 5. A code cell may carry its name.
# A name cell that opens with its code in brackets ([201]一般公共服务支出, 【2010301】行政运行) gives its code.
CODE_BRACKETS = ("[", "【")
CODE_CELL = re.compile(r"^[【\[]?(\d{3}|\d{5}|\d{7})[】\]]?(?:[-—－\s]+(\D.*)|([\u4e00-\u9fff].*))?$")
# Function-classification 类 (the first 3 digits of a 2xx code) by name, as the 财政拨款收支总表 prints them
# (earlier names too), so its expense lines can be matched with the 类 of the expense tables.
FUNCTION_CLASSES: dict[str, tuple[str, ...]] = {
    "201": ("一般公共服务支出",), "202": ("外交支出",), "203": ("国防支出",), "204": ("公共安全支出",),
    "205": ("教育支出",), "206": ("科学技术支出",), "207": ("文化旅游体育与传媒支出", "文化体育与传媒支出"),
    "208": ("社会保障和就业支出",), "209": ("社会保险基金支出",), "210": ("卫生健康支出", "医疗卫生与计划生育支出"),
    "211": ("节能环保支出",), "212": ("城乡社区支出",), "213": ("农林水支出",), "214": ("交通运输支出",),
    "215": ("资源勘探工业信息等支出", "资源勘探信息等支出"), "216": ("商业服务业等支出",), "217": ("金融支出",),
    "219": ("援助其他地区支出",), "220": ("自然资源海洋气象等支出", "国土海洋气象等支出"), "221": ("住房保障支出",),
    "222": ("粮油物资储备支出",), "223": ("国有资本经营预算支出",), "224": ("灾害防治及应急管理支出",),
    "227": ("预备费",), "229": ("其他支出",), "230": ("转移性支出",), "231": ("债务还本支出",),
    "232": ("债务付息支出",), "233": ("债务发行费用支出",), "234": ("抗疫特别国债安排的支出",),
}
# A 收支 line numbered 一、 / 1、 / （一） before its name.
LINE_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、?|\d+[、.．]?)")
# An income line of money carried over from earlier years (上年结转, 年初结转和结余).
CARRIED_OVER = re.compile(r"结转|结余")
# The document says it left items out for secrecy ("部分涉密事项在预算公开时予以剔除", "涉密项目不予公开"): a table
# whose rows fall short of its 合计 is then explained, not an error (kg.audit.tables_base.mismatch).
WITHHELD = re.compile(r"予以剔除|涉密(?:事项|项目|信息|内容)|不予公开")

# What ends a sentence of prose (a 说明 paragraph between or after the tables is not a table row).
SENTENCE_ENDS = ("。", "；")
# An amount cell that is no amount but digits run together: two cells' amounts the PDF's text joined.
GARBLED_AMOUNT = re.compile(r"^[\d,.]*\d\.\d+[\d,.]*\.\d+$")
