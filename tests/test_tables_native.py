"""Native rows (PDF ruled tables) read into standard tables: 类/款/项 in columns of their own, a 栏次 row under the
header, a table continued on a page whose grid starts one column earlier, page numbers between the rows — each
read right (no false alarm on the clean table) and a planted error found."""

from __future__ import annotations

from decimal import Decimal

from kg.audit import AuditDoc
from kg.audit import checks_tables as T
from kg.cells.model import Cell, Row
from kg.model import Document
from kg.tables.read import read_tables

X = [0, 40, 80, 120, 300, 380, 460, 540]  # column edges on the page (points)


def _row(line: int, table: str | None, texts: list[str]) -> Row:
    cells = [Cell(t, line, j, f"{table} r{line} c{j}", (X[j], 0, X[j + 1], 10)) for j, t in enumerate(texts)]
    return Row(cells, line, table, separator="native")


def _expense(total_2010101: str = "60.00") -> list[Row]:
    p1, p2 = "p1 t1", "p2 t1"
    return [
        _row(1, "p1", ["2026年一般公共预算支出情况表"]),
        _row(2, "p1", ["单位：万元"]),
        _row(3, p1, ["科目编码", "", "", "功能科目", "总 计", "基本支出", "项目支出"]),
        _row(4, p1, ["类", "款", "项", "", "", "", ""]),
        _row(5, p1, ["**", "**", "**", "**", "1", "2", "3"]),
        _row(6, p1, ["", "", "", "合计", "100.00", "70.00", "30.00"]),
        _row(7, p1, ["201", "", "", "一般公共服务支出", "100.00", "70.00", "30.00"]),
        _row(8, p1, ["", "01", "", "人大事务", "100.00", "70.00", "30.00"]),  # 类 not repeated: 20101
        _row(9, p1, ["201", "01", "01", "行政运行", total_2010101, "60.00", ""]),
        _row(10, "p1", ["7"]),  # the page number
        _row(11, p2, ["201", "01", "02", "一般行政管理事务", "40.00", "10.00", "30.00"]),
    ]


def _findings(rows: list[Row]) -> list:
    doc = Document("native.pdf")
    doc.year = 2026
    ad = AuditDoc(doc, None, [" ".join(c.text for c in r.cells) for r in rows])
    ad.__dict__["_std_tables"] = read_tables(rows)
    return [f for check in T.CHECKS for f in check(ad)]


def test_code_columns_joined_and_header_read() -> None:
    (t,) = read_tables(_expense())
    assert t.columns[:3] == ["code_part"] * 3 and t.columns[4:] == ["total", "basic", "project"]
    assert [r.code for r in t.rows] == [None, "201", "20101", "2010101", "2010102"]
    assert t.rows[-1].amounts["total"].value == Decimal("40.00")


def test_clean_native_table_raises_nothing_and_checks_the_hierarchy() -> None:
    found = _findings(_expense())
    assert [f for f in found if f.severity != "info"] == []


def test_continued_page_with_shifted_grid_is_placed_by_position() -> None:
    rows = _expense()
    # the same cells where they sit on the page, numbered one column earlier (the page's grid has no 1st column)
    shifted = [Row([Cell(c.text, c.line, c.col - 1, c.loc, c.bbox) for c in rows[-1].cells[1:]],
                   11, "p2 t1", separator="native")]
    shifted[0].cells.insert(0, Cell("201", 11, 0, None, None))  # a cell with no position: cannot be placed
    (t,) = read_tables(rows[:-1] + shifted)
    assert t.incomplete and [r.line for r in t.rows][-1] == 9  # left out, and the column sums not checked
    shifted[0].cells[0] = Cell("201", 11, -1, None, (X[0], 0, X[1], 10))
    (t,) = read_tables(rows[:-1] + shifted)
    assert not t.incomplete and t.rows[-1].code == "2010102"
    assert t.rows[-1].amounts["project"].value == Decimal("30.00") and "basic" in t.rows[-1].amounts


def test_planted_item_error_found_in_native_rows() -> None:
    found = _findings(_expense(total_2010101="61.00"))
    kinds = {f.kind for f in found if f.severity == "error"}
    assert {"tables.row_sum", "tables.hierarchy"} <= kinds, [f.message for f in found]
