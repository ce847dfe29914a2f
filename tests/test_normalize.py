from decimal import Decimal

import pytest

from kg.normalize import (
    clean_text,
    goal_prefix,
    normalize_op,
    normalize_unit,
    parse_decimal,
    split_value_unit,
    to_yuan,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1, 431. 217495", Decimal("1431.217495")), ("82. 900000", Decimal("82.9")), ("3,781.144721", Decimal("3781.144721")),
     ("-", None), ("无", None), ("", None), ("12 34", Decimal("1234"))],
)
def test_parse_decimal_handles_broken_numbers(text, expected):
    assert parse_decimal(text) == expected


def test_to_yuan_converts_wan_and_quantizes():
    assert str(to_yuan(Decimal("11.5"), "万元")) == "115000.00"
    assert str(to_yuan(Decimal("1431.217495"), "万元")) == "14312174.95"
    assert str(to_yuan(Decimal("49864180.9"), "元")) == "49864180.90"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [("98%", None, ("98", "%")), ("2808000元", "", ("2808000", "元")), ("1次全区大会", "次", ("1次全区大会", "次")),
     ("40", "场次", ("40", "场次")), ("0.8", "百分比", ("0.8", "%")), ("得到提升", "场次", ("得到提升", "场次")),
     ("2,808,000", None, ("2808000", None))],
)
def test_split_value_unit(value, unit, expected):
    assert split_value_unit(value, unit) == expected


def test_ops_and_units():
    assert normalize_op(">=") == "≥"
    assert normalize_op("不低于") == "≥"
    assert normalize_op(" 定性 ") == "定性"
    assert normalize_op("foo") is None
    assert normalize_unit("百分比") == "%"


def test_clean_text_and_goal_prefix():
    assert clean_text("<p>管理水 平</p>") == "管理水平"
    assert clean_text("  ") is None
    assert goal_prefix("<p>“以“2-2-1”框架为主导，以党建") == "以“2-2-1”框架为主导，以"
