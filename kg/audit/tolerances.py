"""Named tolerances and the money arithmetic the checks share.

Every comparison of money is done in yuan (元) quantized to 0.01, after converting 万元.
"""

from __future__ import annotations

from decimal import Decimal

from kg.normalize import WAN, YUAN_QUANTUM, parse_decimal
from kg.normalize import squeeze as squeeze  # re-exported: the audit's text comparison

# Two amounts in yuan that differ by less than this are equal (both are quantized to 0.01 yuan).
YUAN_EPSILON = Decimal("0.005")
# A value printed in 万元 with d decimals stands for any amount that rounds to it: display rounding
# (241.38 for 2413800.00 or for 2413751.00) is not a mismatch. The tolerance is half the last printed digit.
DISPLAY_ROUNDING_HALF = Decimal("0.5")
# A difference below this many yuan is real but trivial (a slip in the last printed digit): warning, not error.
TRIVIAL_DIFFERENCE_YUAN = Decimal("1.00")
# Money units a target value may carry, as factors to yuan.
MONEY_UNITS = {"元": Decimal(1), "万元": WAN, "亿元": WAN * WAN}
# A project-name or indicator-name similarity (rapidfuzz ratio, 0-100) at or above this is the same thing.
NAME_MATCH_MIN = 80.0
# A shorter name that is contained in the longer one counts as this similar (cut-off or abbreviated names).
CONTAINED_NAME_SCORE = 90.0
# The shortest name that may match by containment (avoids 期次 matching everything that contains 期次).
CONTAINED_NAME_MIN_CHARS = 4
# Percentage points by which a printed percentage may differ from the one recomputed from its figures.
PERCENT_TOLERANCE = Decimal("0.01")
# A budget-vs-final variance by project at or above this share of the budget is reported as a warning.
VARIANCE_WARN_SHARE = Decimal("0.10")


def money_to_yuan(value: str | Decimal | None, unit: str | None) -> Decimal | None:
    """A target value with a money unit → yuan (0.01); None when the value is not a number or not money."""
    if unit not in MONEY_UNITS:
        return None
    v = value if isinstance(value, Decimal) else parse_decimal(value)
    if v is None:
        return None
    return (v * MONEY_UNITS[unit]).quantize(YUAN_QUANTUM)


def printed_step_yuan(value_text: str | None, unit: str | None) -> Decimal:
    """The money one unit of the last printed digit stands for (``241.37`` 万元 → 100 元; ``2808000`` 元 → 1 元)."""
    t = (value_text or "").replace(" ", "")
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return (Decimal(1).scaleb(-decimals) * MONEY_UNITS.get(unit or "元", Decimal(1))).max(YUAN_QUANTUM)


def within_display_rounding(target_yuan: Decimal, amount_yuan: Decimal, step_yuan: Decimal) -> bool:
    """True when the amount rounds to the printed target at the printed precision."""
    return abs(target_yuan - amount_yuan) <= max(step_yuan * DISPLAY_ROUNDING_HALF, YUAN_EPSILON)


def yuan_str(v: Decimal | None) -> str:
    return "?" if v is None else f"{v.quantize(YUAN_QUANTUM):,}"


def wan_str(v: Decimal | None) -> str:
    """Yuan shown in 万元 with as many decimals as needed (2413800 → 241.38)."""
    if v is None:
        return "?"
    w = (v / WAN).normalize()
    s = format(w, "f")
    return s


# -- self-evaluation forms (kg.audit.checks_selfeval) ---------------------------------------------------
# A printed 执行率, 得分 or 总分 stands for any value that rounds to it at its printed decimals: the tolerance
# is DISPLAY_ROUNDING_HALF of its last printed digit (``100%`` covers 99.5-100.5, so 185.90/186.30 = 99.79%
# printed as 100% is not a finding; ``90.00%`` for 80.00% is). A sum of printed scores may be off by the
# rounding of every addend and of the total; this is added on top against binary noise.
SELFEVAL_EPSILON = Decimal("0.000001")
# The funds score is 分值 × 执行率, the rate capped at this (a form spending more than its budget gets 分值).
FUNDS_RATE_CAP = Decimal(100)
# The weights (分值) of a self-evaluation form, the funds row included, add up to this.
SELFEVAL_WEIGHT_TOTAL = Decimal(100)

# -- standard tables (kg.audit.checks_tables, kg.audit.checks_explanation) ------------------------------
# A sum of printed values (万元 with 2 or 6 decimals, 元 with 2) may be off by half the last printed digit of
# every operand and of the printed total: the tolerance is this many half-steps per operand (1 = exactly that).
TABLE_SUM_ROUNDING = Decimal(1)
# A figure the 说明 splits into parts (政府采购 = 货物 + 工程 + 服务) printed with fewer decimals than this is taken
# as having this many: the 说明 drops trailing zeros (812.5 for 812.50, 0 for 0.00), it does not round to 万元.
STATED_MIN_DECIMALS = 2
# A percentage the 说明 prints (增长 4.95%, 占 77.61%, 完成预算的 15.63%) may differ from the one recomputed from its
# printed amounts by half its own last digit and this many percentage points more (a rate truncated, not rounded).
RATE_EXTRA_POINTS = Decimal("0.01")
