"""Word 97–2003 .doc files: paragraphs and tables in order, cells of several paragraphs, field codes, 8-bit
and UTF-16 text, a target form read into the same records as its text, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract import extract_file, extract_source
from kg.native import native_source
from kg.native.detect import detect_format
from kg.reading import read_source
from tests.doc_writer import doc_bytes

ROOT = Path(__file__).resolve().parents[1]


def test_paragraphs_and_tables_in_order_with_locations() -> None:
    data = doc_bytes(["2025年项目支出绩效目标表", [["项目名称", "社区养老服务补助", ""],
                                              ["年度资金总额", "36.50", "万元"],
                                              ["产出指标\n（50分）", "数量指标", "服务人次"]], "注：单位万元",
                      [["A", "B"]]])
    assert detect_format(data, "form.doc") == "doc"
    src = native_source(data, "form.doc")
    assert src.format == "doc"
    assert src.text.rstrip("\n").split("\n") == [
        "2025年项目支出绩效目标表", "项目名称\t社区养老服务补助\t", "年度资金总额\t36.50\t万元",
        "产出指标（50分）\t数量指标\t服务人次", "注：单位万元", "A\tB"]
    assert src.locations is not None and src.locations[:6] == (
        "para 1", "table 1 row 1", "table 1 row 2", "table 1 row 3", "para 2", "table 2 row 1")
    assert src.rows is not None and src.rows[3].cells[0].loc == "table 1 row 3 col 1"


def test_field_codes_are_left_out_and_their_results_kept() -> None:
    field = "\x13 PAGE \\* MERGEFORMAT \x1412\x15"
    src = native_source(doc_bytes([f"第{field}页", [[f"金额{field}万元", "x\x01y"]]]), "f.doc")
    assert src.text.rstrip("\n").split("\n") == ["第12页", "金额12万元\txy"]


def test_eight_bit_pieces_are_read() -> None:
    src = native_source(doc_bytes(["Budget 2025", [["Project", "36.50"]]], compressed=True), "a.doc")
    assert src.text.rstrip("\n").split("\n") == ["Budget 2025", "Project\t36.50"]


def test_a_target_form_in_doc_gives_the_text_records(tmp_path: Path) -> None:
    txt = ROOT / "tests" / "fixtures" / "forms" / "f12_tabs_yuan_operator_column_2024.txt"
    text = txt.read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.rstrip("\n").split("\n")]
    f = tmp_path / "f12.doc"
    f.write_bytes(doc_bytes([rows]))
    doc = extract_file(f)
    want = extract_source(read_source(txt))
    assert doc.projects and {**doc.to_gold_dict(), "source": None} == {**want.to_gold_dict(), "source": None}
    p = doc.projects[0]
    assert p.provenance is not None and p.provenance.loc is not None and p.provenance.loc.startswith("table 1 row ")


def test_encrypted_and_damaged_docs_are_one_line_errors(tmp_path: Path) -> None:
    enc = tmp_path / "locked.doc"
    enc.write_bytes(doc_bytes(["x"], encrypted=True))
    with pytest.raises(InputError) as e:
        extract_file(enc)
    assert "password" in str(e.value) and "locked.doc" in str(e.value) and "\n" not in str(e.value)
    cut = tmp_path / "cut.doc"
    cut.write_bytes(doc_bytes(["项目名称", [["a", "b"]]])[:3000])
    with pytest.raises(InputError) as e:
        extract_file(cut)
    assert "cut.doc" in str(e.value) and "\n" not in str(e.value)
