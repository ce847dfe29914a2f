"""Cell values of a form → typed values: a target cell → (op, value, unit); a money cell → Decimal yuan;
a department cell → (code, name)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from kg.normalize import clean_text, normalize_op, parse_decimal, to_yuan

# Units split off a number (``12个`` → 12, 个); anything else after a number keeps the value whole (定性).
UNITS = frozenset("""% ‰ 元 万元 亿元 千元 个 次 人 人次 万人次 台 套 台套 台(套) 件 份 天 日 小时 分钟 秒 年 月 周 期 条 场 场次
项 家 户 间 处 所 座 平方米 万平方米 ㎡ 平米 米 公里 千米 km 吨 辆 部 本 册 篇 批 万次 个工作日 工作日 亩 万亩 公顷 株 棵
名 位 所 栋 盏 块 张 套 类 门 班 期次 课时 学时 课 节 组 支 只 头 箱 宗 单 起 例 床 床位 户次 人天 人日 个月 年度 万册 万元/人
元/人 元/年 万人 千人 万斤 口 眼 处次 厘米 毫米 分米 米/秒 千米/小时 批次 家次 株次 人·次 户次 场次 车次 万件 万户 千户 项次 个次 万公里 公里/年 万千米 万平方公里 平方公里 万辆 万台 万个 万份 万场 公斤 千克 斤 万吨 立方米 万立方米 千瓦 兆瓦 度 万千瓦时 小时/年 人/年 元/平方米 万元/公里 元/亩 户数 村 镇 个村 个镇 辆次 架次 份次 篇次 条次 人/次 次/年 小时/天 分 分钟/次 个百分点 Mbps TB GB m M 万株 万棵 万头 万只 页 万页
""".split())
_OPS = ("大于等于", "小于等于", "不低于", "不少于", "不超过", "不高于", "不大于", "不小于", "大于", "小于", "等于",
        ">=", "<=", "≥", "≤", "=", ">", "<", "≧", "≦")
_OP_MAP = {"≧": "≥", "≦": "≤", "不大于": "≤", "不小于": "≥"}
_NUM_UNIT = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)(.*)$")
_PER = re.compile(r"^/\d*万?$|^(?:万?元|人|次|个|小时|天|人次)/[\u4e00-\u9fff]{1,3}$")  # ≤10/10万, 1500元/户
_DEPT_CODE = re.compile(r"^[\[【(（]\s*(\w{3,24}?)\s*[\]】)）]\s*(.+)$|^(.+?)\s*[\[【(（]\s*(\d{3,24})\s*[\]】)）]$")
_DEPT_CODE_PLAIN = re.compile(r"^(\d{3,12})[-—\s]*(\D.+)$")


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", t)


def split_op(text: str) -> tuple[str | None, str]:
    """A leading operator word or sign, normalized, and the rest."""
    for op in _OPS:
        if text.startswith(op):
            return _OP_MAP.get(op) or normalize_op(op), text[len(op):]
    return None, text


def split_number_unit(text: str) -> tuple[str, str | None] | None:
    """``95%`` → (95, %); ``1,250万元`` → (1250, 万元); ``300.00(场)`` → (300.00, 场); None if not so."""
    m = _NUM_UNIT.match(text)
    if not m:
        return None
    num = m.group(1).replace(",", "")
    unit = m.group(2).strip()
    if unit.startswith("(") and unit.endswith(")"):
        unit = unit[1:-1]
    if not unit:
        return num, None
    if unit == "万":  # 250万: 万 alone means 万元
        return num, "万元"
    if unit in UNITS or _PER.match(unit) or unit == "百分比":
        return num, "%" if unit == "百分比" else unit
    return None


def parse_target(value: str | None, unit_col: str | None = None, op_col: str | None = None
                 ) -> tuple[str | None, str | None, str | None]:
    """A target cell (with an optional unit column and operator column) → (op, value, unit) by the gold rules."""
    unit_c = clean_text(unit_col)
    if unit_c in ("百分比", "％"):
        unit_c = "%"
    if unit_c and unit_c in ("无", "/", "-", "—"):
        unit_c = None
    op_c = normalize_op(op_col) if op_col else None
    v = _fold(value or "")
    if not v:
        return op_c, None, unit_c
    op, rest = split_op(v)
    nu = split_number_unit(rest)
    if nu is not None:
        num, unit = nu
        return op or op_c or "=", num, unit or unit_c
    if op is not None and rest:
        return op, rest, unit_c
    if op_c and op_c != "定性":
        return op_c, v, unit_c
    return "定性", v, None


def parse_money(text: str | None, unit: str | None) -> Decimal | None:
    """A money cell in ``unit`` (元/万元; a unit printed in the cell wins) → yuan."""
    t = _fold(text or "").rstrip("。")
    if not t:
        return None
    t = re.sub(r"^([+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|亿元|万)?)\(.*\)$", r"\1", t)  # 854万(…400万元,…295万元)
    m = re.match(r"^([+-]?\d[\d,]*(?:\.\d+)?)(万元|元|亿元|万)?$", t)
    if not m:
        return None
    amount = parse_decimal(m.group(1))
    own = "万元" if m.group(2) == "万" else m.group(2)  # 250万: 万 alone means 万元
    u = own or unit or "万元"
    if u == "亿元" and amount is not None:
        return to_yuan(amount * 10000, "万元")
    return to_yuan(amount, "万元" if u == "万元" else "元")


def split_department(text: str) -> tuple[str | None, str]:
    """``[015001]武汉市青山区教育局`` → (015001, 武汉市青山区教育局); a name without a code → (None, name)."""
    t = (clean_text(text) or "").strip()
    m = _DEPT_CODE.match(t)
    if m:
        if m.group(1):
            return m.group(1), m.group(2)
        return m.group(4), m.group(3)
    m = _DEPT_CODE_PLAIN.match(t)
    if m:
        return m.group(1), m.group(2)
    return None, t


_CHECKED = re.compile(r"([^□√☑■☐\s]+?)\s*[√☑■✓✔]")


def checked_option(text: str | None) -> str | None:
    """A field printed as check boxes (``新增项目□延续项目√``) → the option ticked; other text unchanged."""
    if text is None or not any(ch in text for ch in "□☐√☑■✓✔"):
        return text
    m = _CHECKED.search(text.replace("□", "□ "))
    if m:  # without the option's list number (1、部门预算项目☑)
        return re.sub(r"^\s*\d{1,2}\s*[、.．]\s*", "", m.group(1).strip("□☐ "))
    return text
