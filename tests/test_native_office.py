"""Workbook (openpyxl / calamine), Word (python-docx), HTML and CSV readers: exact cell grids and locations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.native import native_source
from kg.native.detect import detect_format


def _grid(src):  # type: ignore[no-untyped-def]
    return [(loc, row.texts) for loc, row in zip(src.locations, src.rows, strict=True)]


# -- workbooks ---------------------------------------------------------------------------------------
def _workbook() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "05-1"
    ws.append(["部门项目支出预算表"])
    ws.merge_cells("A1:C1")
    ws.append(["功能科目", "项目名称", "金额（万元）"])
    ws.append(["2010301", "办公楼物业", 76.436338])
    ws.append(["011", "口岸单位补贴", 6200.0])
    ws.append([None, "合计", 6276.436338])
    ws["D4"] = 0.95
    ws["D4"].number_format = "0%"
    ws2 = wb.create_sheet("05-2")
    ws2.append(["项目名称", "一级指标", "指标值"])
    ws2.append(["办公楼物业", "产出指标", "≥6个"])
    ws2.append([None, None, "100%"])
    ws2.merge_cells("A2:A3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_values_merges_and_sheets() -> None:
    src = native_source(_workbook(), "budget.xlsx")
    assert src.format == "xlsx"
    assert _grid(src) == [
        ("05-1!A1", ["部门项目支出预算表", "", ""]),
        ("05-1!A2", ["功能科目", "项目名称", "金额（万元）"]),
        ("05-1!A3", ["2010301", "办公楼物业", "76.436338"]),
        ("05-1!A4", ["011", "口岸单位补贴", "6200", "95%"]),
        ("05-1!A5", ["", "合计", "6276.436338"]),
        ("05-2", []),  # an empty line between sheets
        ("05-2!A1", ["项目名称", "一级指标", "指标值"]),
        ("05-2!A2", ["办公楼物业", "产出指标", "≥6个"]),
        ("05-2!A3", ["", "", "100%"]),
    ]
    assert [c.merged for c in src.rows[0].cells] == ["A1:C1"] * 3
    assert src.rows[7].cells[0].merged == src.rows[8].cells[0].merged == "A2:A3"
    assert src.rows[3].cells[2].loc == "05-1!C4" and src.rows[3].cells[2].merged is None
    assert src.rows[0].table == "05-1" and src.rows[6].table == "05-2"
    assert src.text.split("\n")[3] == "011\t口岸单位补贴\t6200\t95%"


def test_calamine_reads_the_same_values() -> None:
    from kg.native.xlsx import read_calamine

    src = read_calamine(_workbook(), "budget.xlsx", "xlsx")
    texts = [r.texts for r in src.rows]
    assert texts[2] == ["2010301", "办公楼物业", "76.436338"]
    assert texts[3][:3] == ["011", "口岸单位补贴", "6200"]
    assert src.locations[2] == "05-1!A3"
    assert [c.merged for c in src.rows[0].cells] == ["A1:C1"] * 3 and texts[0] == ["部门项目支出预算表", "", ""]


@pytest.mark.parametrize("cut", [0.3, 0.8])
def test_truncated_workbook_is_one_clear_error(cut: float) -> None:
    data = _workbook()
    with pytest.raises(InputError, match=r"^cut.xlsx: corrupt or truncated"):
        native_source(data[: int(len(data) * cut)], "cut.xlsx")


# -- Word --------------------------------------------------------------------------------------------
def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("项目支出绩效目标表")
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate([["项目名称", "办公楼物业", ""], ["绩效指标", "数量指标", "≥6个"],
                             ["", "质量指标", "100%"], ["备注", "", ""]]):
        for c, text in enumerate(row):
            if text:
                t.cell(r, c).text = text
    t.cell(0, 1).merge(t.cell(0, 2))  # horizontal
    t.cell(1, 0).merge(t.cell(2, 0))  # vertical
    d.add_paragraph("")
    d.add_paragraph("单位：万元\n（第二行）")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_tables_with_merges_and_paragraphs() -> None:
    src = native_source(_docx(), "forms.docx")
    assert src.format == "docx"
    assert _grid(src) == [
        ("para 1", ["项目支出绩效目标表"]),
        ("table 1 row 1", ["项目名称", "办公楼物业", ""]),
        ("table 1 row 2", ["绩效指标", "数量指标", "≥6个"]),
        ("table 1 row 3", ["", "质量指标", "100%"]),
        ("table 1 row 4", ["备注", "", ""]),
        ("para 2", [""]),
        ("para 3", ["单位：万元（第二行）"]),
    ]
    cells = [r.cells for r in src.rows]
    assert [c.merged for c in cells[1]] == [None, "R1C2:R1C3", "R1C2:R1C3"]
    assert cells[2][0].merged == cells[3][0].merged == "R2C1:R3C1"
    assert cells[3][1].loc == "table 1 row 3 col 2"


def test_doc_is_read_and_old_wps_asks_for_docx() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert detect_format(ole + "WordDocument".encode("utf-16-le"), "old.doc") == "doc"
    with pytest.raises(InputError, match=r"^old.wps: is an old WPS document: convert it to \.docx "
                       r"\(e\.g\. libreoffice --headless --convert-to docx\)$"):
        detect_format(ole + "WksSSWorkBook".encode("utf-16-le"), "old.wps")
    assert detect_format(ole + "Workbook".encode("utf-16-le"), "old.xls") == "xls"
    with pytest.raises(InputError, match="password-protected Office file"):
        detect_format(ole + "EncryptedPackage".encode("utf-16-le"), "locked.xlsx")
    with pytest.raises(InputError, match=r"^old.doc: corrupt or truncated Word document"):
        native_source(ole + "WordDocument".encode("utf-16-le"), "old.doc")  # the bytes of no real container


@pytest.mark.parametrize("cut", [0.4, 0.9])
def test_truncated_docx_is_one_clear_error(cut: float) -> None:
    data = _docx()
    with pytest.raises(InputError, match=r"^cut.docx: corrupt"):
        native_source(data[: int(len(data) * cut)], "cut.docx")


def test_xls_read_with_calamine_or_a_clear_error() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "Workbook".encode("utf-16-le")
    with pytest.raises(InputError, match=r"^bad.xls: corrupt or truncated workbook"):
        native_source(ole, "bad.xls")


@pytest.mark.parametrize("magic,name", [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff\xe0", "JPEG"),
                                        (b"II*\x00", "TIFF"), (b"GIF89a", "GIF")])
def test_images_ask_for_ocr(magic: bytes, name: str) -> None:
    with pytest.raises(InputError, match=rf"^scan: is an image \({name}\): run OCR first"):
        detect_format(magic + b"\0" * 50, "scan")


def test_zip_that_is_no_office_file() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(InputError, match="zip archive"):
        detect_format(buf.getvalue(), "a.zip")
    with pytest.raises(InputError, match="corrupt or truncated zip"):
        detect_format(buf.getvalue()[:30], "a.xlsx")


# -- HTML --------------------------------------------------------------------------------------------
HTML = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>标题不读</title><style>td{color:red}</style></head>
<body><script>document.write("<td>脚本</td>")</script>
<h1>部门预算</h1><p>单位：<b>万元</b><br>第二行</p>
<table border=1>
<tr><th colspan=2>项目名称</th><th>金额</th></tr>
<tr><td rowspan=2>民政</td><td>养老服务发展资金</td><td>237.00</td></tr>
<tr><td>院内道路
维修</td><td>18.00</td></tr>
</table>
<div>表后说明</div></body></html>
"""


def test_html_gb2312_rowspan_colspan() -> None:
    data = HTML.encode("gb2312")
    assert detect_format(data, "page.htm") == "html"
    src = native_source(data, "page.htm")
    assert src.encoding == "gb18030"
    assert _grid(src) == [
        ("block 1", ["部门预算"]),
        ("block 2", ["单位：万元"]),
        ("block 3", ["第二行"]),
        ("table 1 row 1", ["项目名称", "", "金额"]),
        ("table 1 row 2", ["民政", "养老服务发展资金", "237.00"]),
        ("table 1 row 3", ["", "院内道路维修", "18.00"]),
        ("block 4", ["表后说明"]),
    ]
    assert [c.merged for c in src.rows[3].cells] == ["R1C1:R1C2", "R1C1:R1C2", None]
    assert src.rows[4].cells[0].merged == src.rows[5].cells[0].merged == "R2C1:R3C1"


def test_html_positioned_divs_read_in_visual_order() -> None:
    page = ('<html><body><div class="page" style="width:595pt;height:842pt">'
            '<div class="p" style="top:120pt;left:60pt;font-size:10pt">养老服务发展资金</div>'
            '<div class="p" style="top:120pt;left:300pt;font-size:10pt">237.00</div>'
            '<div class="p" style="top:100pt;left:60pt;font-size:10pt">项目名称</div>'
            '<div class="p" style="top:100.5pt;left:300pt;font-size:10pt">金额</div>'
            '<div class="p" style="top:40pt;left:200pt;font-size:16pt">公开表11</div>'
            '</div></body></html>')
    src = native_source(page.encode(), "p.html")
    assert _grid(src) == [("p1", ["公开表11"]), ("p1", ["项目名称", "金额"]), ("p1", ["养老服务发展资金", "237.00"])]
    assert src.rows[1].cells[1].loc == "p1 c2"


# -- CSV ---------------------------------------------------------------------------------------------
def test_csv_fields_and_locations(tmp_path: Path) -> None:
    data = '项目名称,金额,编码\n"办公楼物业, 一期",25.89,011\n合计,25.89,\n'.encode("gb18030")
    assert detect_format(data, "a.csv") == "csv" and detect_format(data, "a.txt") == "text"
    src = native_source(data, "a.csv")
    assert _grid(src) == [("row 1", ["项目名称", "金额", "编码"]), ("row 2", ["办公楼物业, 一期", "25.89", "011"]),
                          ("row 3", ["合计", "25.89", ""])]
    assert src.text == "项目名称\t金额\t编码\n办公楼物业, 一期\t25.89\t011\n合计\t25.89\t\n"
    assert src.rows[1].cells[2].loc == "C2" and src.encoding == "gb18030"


def test_html_positioned_rules_make_a_table_with_wrapped_cells() -> None:
    def rule(left: float, top: float, width: float, height: float) -> str:
        return f'<div class="r" style="position:absolute;left:{left}pt;top:{top}pt;width:{width}pt;height:{height}pt;"> </div>'

    def text(left: float, top: float, t: str) -> str:
        return f'<div class="p" style="top:{top}pt;left:{left}pt;font-size:10pt;width:auto;">{t}</div>'

    rules = [rule(50, y, 300, 0) for y in (100, 130, 170)] + [rule(x, 100, 0, 70) for x in (50, 150, 350)]
    texts = [text(250, 180, "— 3 —"), text(55, 110, "三级指标"), text(155, 110, "指标值"),
             text(55, 140, "享受医疗保障待遇的优抚对"), text(155, 145, "≥90%"), text(55, 152, "象满意度"),
             text(60, 60, "政策和项目预算绩效目标表")]
    page = f'<html><body><div class="page" style="width:595pt;height:200pt">{"".join(rules + texts)}</div></body></html>'
    src = native_source(page.encode(), "r.html")
    assert _grid(src) == [("p1", ["政策和项目预算绩效目标表"]), ("p1 t1 r1", ["三级指标", "指标值"]),
                          ("p1 t1 r2", ["享受医疗保障待遇的优抚对象满意度", "≥90%"])]
    assert src.rows[2].cells[1].loc == "p1 t1 r2 c2" and src.rows[2].cells[1].bbox == (150.0, 130.0, 350.0, 170.0)


def test_a_cell_thinner_than_half_a_point_does_not_stop_the_table() -> None:
    """Regression (a real 北京 budget PDF): a ruled cell narrower than half a point left no column before its right
    edge, and the page raised ValueError (max of nothing) instead of being read."""
    from kg.native.grid import Word
    from kg.native.positioned import Table, table_rows

    cells = [(0.0, 0.0, 0.3, 20.0), (0.3, 0.0, 50.0, 10.0), (50.0, 0.0, 100.0, 10.0),
             (0.3, 10.0, 50.0, 20.0), (50.0, 10.0, 100.0, 20.0)]  # a sliver of a cell down the left edge
    words = [Word("项目", 2, 20, 1, 9), Word("金额", 52, 70, 1, 9), Word("合计", 2, 20, 11, 19),
             Word("12.00", 52, 80, 11, 19)]
    rows = table_rows(Table((0.0, 0.0, 100.0, 20.0), cells), words, 1, 1)
    assert [[c.text for c in r.cells] for r in rows] == [["", "项目", "金额"], ["", "合计", "12.00"]]
