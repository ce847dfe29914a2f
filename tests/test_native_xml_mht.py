"""Excel 2003 XML workbooks (SpreadsheetML, often saved as .xls) and single-file web pages (MHTML): detection,
merged cells, skipped cells, number styles, several sheets / parts, charsets, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract import extract_file
from kg.native import native_source
from kg.native.detect import detect_format
from tests.native_fixtures import mhtml_bytes

HEAD = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        '<Styles><Style ss:ID="pct"><NumberFormat ss:Format="0.00%"/></Style>'
        '<Style ss:ID="d"><NumberFormat ss:Format="Short Date"/></Style></Styles>\n')

# A target form as a budget system exports it: the title merged across, the name merged over two rows, a row
# that skips to column C (ss:Index), a percent-styled number, a date.
FORM = HEAD + """<Worksheet ss:Name="项目支出绩效目标表"><Table>
<Row><Cell ss:MergeAcross="3"><Data ss:Type="String">项目支出绩效目标表</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">项目名称</Data></Cell>
 <Cell ss:MergeAcross="2"><Data ss:Type="String">社区养老服务补助</Data></Cell></Row>
<Row><Cell ss:MergeDown="1"><Data ss:Type="String">产出指标</Data></Cell>
 <Cell><Data ss:Type="String">数量指标</Data></Cell><Cell><Data ss:Type="String">服务人次</Data></Cell>
 <Cell><Data ss:Type="Number">1200</Data></Cell></Row>
<Row><Cell ss:Index="3"><Data ss:Type="String">覆盖率</Data></Cell>
 <Cell ss:StyleID="pct"><Data ss:Type="Number">0.95</Data></Cell></Row>
<Row ss:Index="6"><Cell><Data ss:Type="String">完成时限</Data></Cell>
 <Cell ss:StyleID="d"><Data ss:Type="DateTime">2025-12-31T00:00:00.000</Data></Cell>
 <Cell><Data ss:Type="Number">1.5E3</Data></Cell></Row>
</Table></Worksheet>
<Worksheet ss:Name="Sheet2"><Table><Row><Cell><Data ss:Type="String">附注</Data></Cell></Row></Table></Worksheet>
</Workbook>
"""


def test_spreadsheetml_saved_as_xls_is_detected_by_content(tmp_path: Path) -> None:
    data = FORM.encode("utf-8")
    assert detect_format(data, "form.xls") == "spreadsheetml"
    assert detect_format(b"<html><body><table><tr><td>1</td></tr></table></body></html>", "x.xls") == "html"


def test_spreadsheetml_cells_merges_skips_and_styles() -> None:
    src = native_source(FORM.encode("utf-8"), "form.xls")
    assert src.format == "spreadsheetml"
    lines = src.text.split("\n")
    assert lines[0] == "项目支出绩效目标表\t\t\t"
    assert lines[1] == "项目名称\t社区养老服务补助\t\t"
    assert lines[2] == "产出指标\t数量指标\t服务人次\t1200"
    assert lines[3] == "\t\t覆盖率\t95%"  # ss:Index=3; column A covered by the 产出指标 merge above
    assert lines[4] == ""  # row 5 is not in the file
    assert lines[5] == "完成时限\t2025-12-31\t1500"
    assert lines[7] == "附注"  # the next sheet after an empty line
    assert src.locations is not None and src.locations[2] == "项目支出绩效目标表!A3"
    rows = src.rows or ()
    covered = rows[3].cells[0]
    assert covered.text == "" and covered.merged == "A3:A4"
    assert rows[0].cells[2].merged == "A1:D1"


def test_spreadsheetml_corrupt_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "cut.xls"
    bad.write_bytes(FORM.encode("utf-8")[:700])
    with pytest.raises(InputError) as e:
        extract_file(bad)
    assert "SpreadsheetML" in str(e.value) and "\n" not in str(e.value)


SHEET = ("<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"></head><body>"
         "<table><tr><td>项目名称</td><td>{name}</td></tr><tr><td>年度资金总额</td><td>{amount}</td></tr></table>"
         "</body></html>")


def test_mhtml_excel_page_reads_each_sheet_and_skips_frames(tmp_path: Path) -> None:
    frames = "<html><frameset rows=\"*,39\"><frame src=\"sheet001.htm\"><frame src=\"tabstrip.htm\"></frameset></html>"
    tabs = "<html><body><table><tr><td><a href=sheet001.htm>Sheet1</a></td></tr></table></body></html>"
    data = mhtml_bytes([("book.htm", frames), ("tabstrip.htm", tabs),
                        ("sheet001.htm", SHEET.format(name="河道保洁经费", amount="36.5")),
                        ("sheet002.htm", SHEET.format(name="垃圾清运经费", amount="12"))], "gb18030")
    data = data.replace(b'charset="gb18030"', b'charset="gb2312"')
    assert detect_format(data, "book.mht") == "mhtml"
    src = native_source(data, "book.mht")
    assert src.format == "mhtml"
    assert src.text.rstrip("\n").split("\n") == ["项目名称\t河道保洁经费", "年度资金总额\t36.5", "项目名称\t垃圾清运经费",
                                    "年度资金总额\t12"]
    assert src.locations is not None and src.locations[2] == "table 2 row 1"


def test_mhtml_without_a_page_is_a_clear_error(tmp_path: Path) -> None:
    data = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
            b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n")
    f = tmp_path / "empty.mht"
    f.write_bytes(data)
    with pytest.raises(InputError) as e:
        extract_file(f)
    assert "no HTML page" in str(e.value) and "empty.mht" in str(e.value)
