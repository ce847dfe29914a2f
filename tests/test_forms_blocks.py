"""Centred name cells in wide tables (kg.forms.blocks): rows are moved between projects only on the evidence of
cost rows that add up to the amounts."""

from __future__ import annotations

from pathlib import Path

from kg.extract import extract_file
from kg.forms.blocks import split_centred
from kg.forms.form import FieldHit, Form, IndicatorRow

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "forms" / "f28_tabs_centred_name_cells_2026.txt"


def _row(line: int, l3: str, value: str, unit: str = "万元", l1: str = "成本指标") -> IndicatorRow:
    return IndicatorRow({"l1": l1, "l3": l3, "value": value, "unit": unit}, line, line)


def _form(line: int, name: str | None, amount: str | None, rows: list[IndicatorRow]) -> Form:
    f = Form(line, rows[-1].line, money_unit="万元", indicators=rows)
    if name:
        f.fields["name"] = FieldHit("name", name, line)
    if amount:
        f.fields["amount_total"] = FieldHit("amount_total", amount, line)
    return f


def test_rows_above_a_name_row_go_to_its_project() -> None:
    [a, b, c] = extract_file(FIXTURE).projects
    assert [i.l3 for i in b.indicators][:2] == ["泵站设备维修费", "维修泵站数量"]
    assert [i.l3 for i in a.indicators] == ["巡查排水管线长度", "排水设施巡查服务费", "周边居民满意度", "管线病害处置时限"]
    assert b.provenance.line_start == 9 and a.provenance.line_end == 8
    assert len(c.indicators) == 4


def test_overflow_that_fits_no_next_project_is_left_unowned() -> None:
    a = _form(1, "甲", "31.5", [_row(1, "甲成本", "31.5"), _row(2, "满意度", "95", "%", "满意度指标"),
                                _row(3, "乙成本", "112.11"), _row(4, "丙成本", "135.8")])
    b = _form(5, "丁", "253.2", [_row(5, "丁成本", "253.2")])
    out = split_centred([a, b])
    assert [len(f.indicators) for f in out] == [2, 2, 1]
    assert out[1].text("name") is None and out[2] is b and a.line_end == 2


def test_no_exact_sum_no_move() -> None:
    rows = [_row(1, "劳务", "500", "元/人·次"), _row(2, "甲", "291.4049"), _row(3, "乙", "81.23")]
    a = _form(1, "甲", "88.11", rows)
    assert split_centred([a]) == [a] and len(a.indicators) == 3
    one = _form(1, "乙", "20", [_row(1, "成本", "20"), _row(2, "满意度", "90", "%", "满意度指标")])
    assert split_centred([one]) == [one] and len(one.indicators) == 2  # reached, nothing after: nothing moves


def test_a_total_then_its_breakdown_stays() -> None:
    rows = [_row(1, "总成本", "140"), _row(2, "甲", "58.5"), _row(3, "乙", "81.5")]
    a = _form(1, "服务工作经费", "140", rows)
    assert split_centred([a]) == [a] and len(a.indicators) == 3


def test_rows_no_project_owns_are_said_not_lost() -> None:
    """Overflow rows that fit no next project are not credited to one — and a warning names them (no silent loss)."""
    from kg.extract import extract_source
    from kg.reading import source_from_bytes

    path = Path(__file__).resolve().parent / "fixtures" / "forms" / "f28_tabs_centred_name_cells_2026.txt"
    text = path.read_text(encoding="utf-8").replace("52.400000\t52.400000", "60.000000\t60.000000")
    doc = extract_source(source_from_bytes(text.encode("utf-8"), "f28_variant.txt"))
    (w,) = [w for w in doc.warnings if w.kind == "rows_without_project"]
    assert w.line == 9 and w.message.startswith("2 indicator rows (lines 9–10)")
    assert [len(p.indicators) for p in doc.projects][:2] == [4, 4]  # 泵站 keeps its own 4: 60 ≠ 18.6 + 33.8
