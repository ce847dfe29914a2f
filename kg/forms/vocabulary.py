"""The forms' own labels, as data: field labels and their variants, indicator-table column labels, and the
national indicator categories (一级/二级指标). The label-driven reader (:mod:`kg.forms.reader`) knows a form only
through this module.

To teach perfkg a new label variant, add it to the tuple of its field below (longest variants need not come
first: matching sorts them). A label may carry a unit in brackets (``资金总额（万元）``); the unit applies to the
label's values. OCR-damaged labels match within :data:`MAX_LABEL_EDITS` edits (the distance is kept as evidence).
"""

from __future__ import annotations

# ---------------------------------------------------------------- header fields of a target / self-evaluation form
# field key -> label variants (compared after removing whitespace, colons and a bracketed unit)
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "项目名", "专项名称", "资金名称", "专项资金名称", "政策名称", "政策及项目名称",
             "单位（项目）名称", "项目（单位）名称", "单位名称/项目名称", "项目名称（单位名称）", "项目名称（资金使用单位）",
             "转移支付（项目）名称", "转移支付名称", "转移支付项目名称", "项目（转移支付）名称", "项目支出名称"),
    "code": ("项目编码", "项目代码", "项目编号", "项目编码及名称"),
    "department": ("主管部门及编码", "主管部门及代码", "主管部门（单位）", "主管部门", "主管单位", "预算部门",
                   "部门名称", "主管部门名称", "项目主管部门", "县级主管部门", "市级主管部门", "省级主管部门",
                   "区级主管部门", "地方主管部门", "资金主管部门", "业务主管部门"),
    # a transfer's central ministry (中央对地方转移支付区域绩效自评表): not the department that reports
    "central_department": ("中央主管部门",),
    "implementing_unit": ("实施单位", "项目实施单位", "执行单位", "项目执行单位", "项目承担单位", "承担单位", "预算单位", "项目单位", "实施主体", "项目实施主体", "资金使用单位",
                          "单位名称"),
    "category": ("项目属性", "项目类别", "项目类型", "项目性质"),
    "subcategory": ("项目分类", "资金用途", "资金性质", "支出类型", "项目用途"),
    "start": ("项目开始日期", "开始日期", "项目开始时间", "开始时间", "计划开始日期"),
    "finish": ("项目完成日期", "完成日期", "项目结束时间", "结束时间", "项目完成时间", "计划完成日期"),
    "summary": ("基本情况", "项目概况", "项目基本情况", "项目简介", "立项依据", "项目立项依据", "项目立项情况"),
    "funds_other": ("中央补助安排", "省级财政安排", "市级财政安排", "县级财政安排", "中央资金", "省级资金", "市级资金",
                    "县级资金", "本级财政", "上级补助", "中央补助", "自有资金", "中央财政资金", "省级财政资金",
                    "市级财政资金", "县级财政资金", "区级财政资金", "地方财政资金", "上级资金", "本级资金"),
    "period": ("项目起止时间", "项目起止日期", "项目期", "实施期限", "项目周期", "起止时间", "项目实施期",
               "项目执行期", "实施周期", "项目支出实施期", "建设周期"),
    "owner": ("项目负责人", "负责人", "项目联系人", "项目负责人及电话", "项目负责人及联系电话", "负责人及电话",
              "负责人及联系电话"),
    "phone": ("联系电话", "联系方式", "联系人及电话"),
    "amount_total": ("资金总额", "总计", "项目总额", "项目总投资", "资金金额", "实施期资金总额", "项目总预算", "项目资金总额", "项目总金额", "总预算", "项目资金申请", "项目资金",
                     "资金情况", "项目资金情况", "申请资金", "资金来源", "资金总额及构成", "总额", "资金投入情况",
                     "中期财政预算", "中期市财政预算"),
    "amount_year": ("年度资金总额", "当年资金总额", "当年预算", "本年预算", "年度预算", "当年金额", "本年资金总额",
                    "年度预算金额", "当年预算数", "年度金额", "预算金额", "项目金额", "年度资金", "当年资金", "年度预算资金总额",
                    "预算资金总额", "当年预算资金总额", "本年预算资金", "年度资金申请总额", "本年度资金总额",
                    "年度财政资金总额", "当年财政拨款预算金额", "年度本级预算金额", "本级预算金额", "当年年度预算",
                    "本年度申请资金", "本年度申请财政预算资金", "本年度申请市财政预算资金"),
    "fiscal": ("其中：财政拨款", "其中:财政拨款", "财政拨款", "其中：当年财政拨款", "当年财政拨款", "本年财政拨款", "其中：本年财政拨款", "财政资金",
               "其中：财政资金", "一般公共预算", "其中：一般公共预算", "财政拨款小计"),
    "carry": ("上年结转资金", "上年结转", "其中：上年结转", "结转资金"),
    "other": ("其他资金",),
    "goal_long": ("总体目标", "中期目标", "项目总目标", "实施期目标", "长期目标", "实施期总体目标", "整体目标",
                  "中长期目标", "实施期绩效目标", "中期滚动目标"),
    "goal_year": ("年度目标", "当年绩效目标", "年度总体目标", "年度绩效目标", "绩效目标", "年度预期目标",
                  "项目年度目标", "本年度目标", "当年目标", "年度绩效目标（当年）", "本年度绩效目标",
                  "年度主要目标", "年度主要目标和成果"),
    # department-wide forms: the year's money by kind
    "basic": ("基本支出",),
    "project_spend": ("项目支出",),
    "dept_name": ("部门（单位）名称", "部门(单位)名称", "单位名称（盖章）"),
    "dept_code": ("部门预算编码", "部门编码", "部门（单位）编码", "部门(单位)编码"),
    # self-evaluation (自评表)
    "initial_budget": ("年初预算数", "年初预算", "年初预算数（A）", "年初预算金额"),
    "budget": ("全年预算数", "全年预算数（A）", "全年预算", "调整后预算数", "调整后预算", "全年预算金额", "预算数（A）"),
    "spent": ("全年执行数", "全年执行数（B）", "全年执行", "实际执行数", "执行数", "预算执行数", "实际支出数",
              "全年实际支出"),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "执行率（B/A）", "预算执行率"),
    "score": ("得分", "自评得分"),
    "expected": ("预期目标", "项目年度目标", "年初设定目标"),
    "achieved": ("实际完成情况", "实际完成", "完成情况", "年度目标完成情况", "目标完成情况", "年度总体目标完成情况",
                 "年度总体目标完成情况综述", "全年实际完成情况", "全年完成情况"),
    "total_score": ("总分", "合计得分", "总得分", "合计"),
    # a form-level reason under an indicator table that has no reason column (湖北 省级项目自评表)
    "deviation": ("偏差大或目标未完成原因分析", "目标未完成原因分析", "偏差大或目标未完成原因", "未完成原因说明"),
}

# Column headers that name a field only in the header row of a wide table (too generic for a form's head, where
# 预算数 / 执行数 are columns of a task list or a self-evaluation).
WIDE_FIELD_LABELS: dict[str, str] = {"预算数": "amount_year", "预算金额（元）": "amount_year", "金额": "amount_year"}

# Fields whose label, when a cell holds it, starts a new form.
FORM_START = "name"

# Labels that only frame a form (their cells carry no value of their own).
FRAME_LABELS: tuple[str, ...] = (
    "绩效指标", "年度绩效指标", "长期绩效指标", "中期绩效指标", "实施期绩效指标",
    "项目支出绩效目标表", "项目支出绩效目标申报表", "项目绩效目标申报表", "绩效自评表", "项目支出绩效自评表",
    "填报单位", "其中", "执行率分值", "预算执行情况", "项目年度目标完成情况", "年度预算数", "原因", "单位：万元", "单位:万元", "金额单位：万元", "金额单位：元", "单位：元",
)

# ---------------------------------------------------------------- the indicator table's columns
# column key -> header variants. ``value`` is the annual target; ``value_long`` the long-term (实施期) one.
COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "l1": ("一级指标", "一级指标（年度）", "一级指标(年度)"),
    "l2": ("二级指标", "二级指标（年度）", "二级指标(年度)"),
    "l3": ("三级指标", "三级指标（年度）", "三级指标(年度)", "指标名称", "绩效指标名称", "具体指标",
           "具体指标（指标内容、指标值）", "指标内容、指标值", "具体指标(指标内容、指标值)",
           "三级指标名称", "指标内容"),
    "value": ("指标值", "年度指标值", "目标值", "指标目标值", "年度目标值（指标值）", "年度(/项目)指标值", "年度/项目指标值",
              "年度（项目）指标值", "绩效指标值", "本年绩效指标值", "指标值（年度）", "年度目标值",
              "年度指标值（A）", "当年指标值", "预期指标值", "年度绩效指标值", "指标值(年度)", "年初目标值", "全年指标值",
              "全年目标值", "指标值及单位", "计划指标值", "当年预期实现值",
              "年初目标值（A）"),
    "value_long": ("实施期指标值", "指标值（长期）", "长期指标值", "中期指标值", "实施周期指标值", "指标值(长期)",
                   "总体指标值"),
    "l1_long": ("一级指标（长期）", "一级指标(长期)"),
    "l2_long": ("二级指标（长期）", "二级指标(长期)"),
    "l3_long": ("三级指标（长期）", "三级指标(长期)"),
    "unit": ("度量单位", "计量单位", "绩效度量单位", "指标单位", "单位"),
    "op": ("指标值类型", "指标性质", "运算符号", "绩效指标性质", "计算符号", "符号", "比较符"),
    "direction": ("指标方向", "指标方向性", "方向", "指标属性"),
    "actual": ("实际完成值", "全年实际值", "实际值", "实际完成值（B）", "完成值", "全年完成值", "全年实际完成值",
               "实际完成数", "全年完成数", "实际完成情况", "完成情况", "指标完成情况"),
    "weight": ("分值", "权重", "分值权重", "权重（%）", "指标权重", "指标分值", "分值（权重）", "权重（分值）", "满分",
               "标准分", "权重分", "指标权重(%)", "指标权重（%）"),
    "score": ("得分", "自评得分"),
    "reason": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "未完成原因分析", "偏差原因及改进措施",
               "未完成原因及拟采取的改进措施", "未完成原因及改进措施", "原因分析及改进措施", "未完成原因和改进措施",
               "未完成原因", "扣分原因", "偏差原因分析及改进措施说明"),
    "activity": ("活动", "部门职能", "主要活动", "年度主要任务", "任务名称", "职责", "履职活动", "主要职能"),
    "project": ("项目", "对应项目", "主要内容", "对应项目名称"),
    "note": ("备注", "评（扣）分标准", "评(扣)分标准", "评分标准", "指标值内容", "指标解释", "指标说明", "是否核心", "绩效标准"),
}

# A header is an indicator table's when it names at least this many columns, the indicator's name among them.
HEADER_MIN_COLUMNS = 3

# ---------------------------------------------------------------- national indicator categories
L1_TERMS: tuple[str, ...] = (
    "产出指标", "效益指标", "满意度指标", "成本指标", "产出", "效益", "满意度", "成本", "影响指标", "效果指标",
    "履职效能", "管理效率", "可持续发展能力", "社会效应", "预期产出指标", "项目完成指标", "项目效益指标",
    "预期效果指标",
)
L2_TERMS: tuple[str, ...] = (
    "数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标", "满意度指标",
    "社会公众满意度指标", "社会公众或服务对象满意度指标", "服务对象满意度", "环境效益指标", "生态环境效益指标",
    "经济效益", "社会效益", "生态效益", "可持续影响", "数量", "质量", "时效", "成本", "经济成本", "社会成本",
    "生态环境成本", "经济成本指标（万元）", "社会公众满意度", "服务对象满意度（%）",
    "预算控制指标", "社会、经济、生态效益指标", "建筑规模指标", "工期指标",
)
# Scoring-grid rows of a self-evaluation (10/25/40/25 points): kept apart, never indicators.
GRID_TERMS: tuple[str, ...] = ("项目决策", "项目过程", "项目产出", "项目效益", "过程", "决策")

# The basis a target was set on (指标值确定依据), printed in a 绩效标准 / 备注 column beside the value: a note cell,
# never the next indicator's name.
STANDARD_WORDS = frozenset({"计划标准", "行业标准", "历史标准", "其他标准", "其他", "国家标准", "省级标准",
                            "地方标准", "预算标准", "经验标准"})

# Words an indicator's explanation (指标解释 / 绩效标准) opens with: glued to the name before it, it is cut off.
NOTE_OPENERS: tuple[str, ...] = ("反映",)

# Values that say a row carries no indicator.
EMPTY_VALUES = frozenset({"", "无", "不适用", "—", "-", "--", "/", "——", "…", "……", "...", "......", "不涉及"})

# A template's placeholder numbering before an indicator's name (``指标1：``, ``指标2:`` left empty): not part of
# the name; a row holding only the numbering is an unfilled template row.
L3_NUMBERING = r"^指标\s*[0-9０-９一二三四五六七八九十]{1,2}\s*[:：]\s*"

# OCR confusions folded before fuzzy label matching (scanned-then-recognised forms): seen → meant.
OCR_FIXES: tuple[tuple[str, str], ...] = (("Fl", "目"), ("万兀", "万元"), ("预匏", "预算"), ("H标", "目标"),
                                          ("秫", "称"), ("祢", "称"), ("旨标", "指标"), ("扌旨", "指"), ("部冂", "部门"),
                                          ("単", "单"), ("时问", "时间"), ("頟", "额"), ("摽", "标"), ("杯值", "标值"),
                                          ("楆", "标"), ("祘", "标"), ("戍", "成"), ("敖", "数"), ("拔款", "拨款"),
                                          ("囚", "因"), ("迸", "进"), ("欵", "款"))

# OCR-noise tolerance: a label of at least ``n`` characters matches within this many edits (column headers are
# matched a row at a time, so a three-character one may take one edit too).
MAX_LABEL_EDITS: tuple[tuple[int, int], ...] = ((4, 1), (7, 2))
MAX_COLUMN_EDITS: tuple[tuple[int, int], ...] = ((3, 1), (7, 2))

# Values a glued line is also cut at, so a label that begins with the value's last word (新增项目|主管部门, not
# 新增|项目主管部门) keeps its own characters.
CUT_VALUES: tuple[str, ...] = ("新增项目", "延续项目", "经常性项目", "一次性项目", "其他项目", "正向指标",
                               "反向指标", "正向", "反向", "定性", "定量")

# Words after which a form has nothing more to read (signature block, free notes): a glued line is cut there too.
END_MARKERS: tuple[str, ...] = ("其他说明的问题", "其他需要说明的问题", "填报人", "填表人", "单位负责人", "填报日期", "审核人",
                                "（单位盖章）", "单位盖章", "抄送", "印发", "主送：",
                                "财务负责人", "联系人：", "联系人:",
                                "财政部门审核意见", "主管部门审核意见", "财政部门意见", "主管部门意见")

# A cell ending so is a reviewer's sign-off box after the form (财政部门支出股室初审意见, 区扶贫办审核意见).
SIGN_OFF_ENDINGS: tuple[str, ...] = ("审核意见", "初审意见", "审批意见", "复核意见", "审查意见")

# Row labels under the indicator table that close a form (说明 | 无, 评价结论 | …).
FOOT_LABELS: tuple[str, ...] = ("说明", "评价结论", "存在问题", "改进措施", "其他说明的问题", "自评结论")

# Page chrome of web pages and document sites: a cell holding one of these ends an indicator table.
CHROME_MARKERS: tuple[str, ...] = ("打印本页", "关闭窗口", "【打印】", "[打印]", "【关闭】", "[关闭]", "ICP备", "扫一扫",
                                   "版权所有", "主办：", "主办:", "技术支持", "网站标识码", "公网安备", "分享到",
                                   "上一篇", "下一篇", "相关链接", "附件：", "附件:", "来源：", "浏览次数", "免责声明",
                                   "全文预览", "下载本文档", "还剩", "阅读全文", "文档简介", "此件公开发布")

# Words that end a title naming a project: "<name>项目绩效目标表".
FORM_TITLE_SUFFIXES: tuple[str, ...] = ("项目支出绩效目标表", "项目绩效目标表", "绩效目标表", "绩效目标申报表",
                                         "项目支出绩效自评表", "绩效自评表")
