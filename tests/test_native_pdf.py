"""PDF reader: ruled and unruled tables, a table across a page break, page numbers and running heads,
copy-protected / password / text-less / corrupt files. Every PDF is drawn here with reportlab."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.native import PDF_READER_ENV, PDF_READERS, native_source
from tests.native_fixtures import pdf_bytes

pytest.importorskip("reportlab")

FONT = "STSong-Light"
HEAD = "某某局2024年部门预算"  # running head on every page


def _grid(c, x0: float, top: float, widths: list[float], rows: list[list[str]], h: float = 20) -> float:  # type: ignore[no-untyped-def]
    """A ruled table with its top-left at (x0, top) in top-down page coordinates; returns its bottom."""
    H = c._pagesize[1]
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [H - top - i * h for i in range(len(rows) + 1)]
    c.grid(xs, ys)
    c.setFont(FONT, 10)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 3, ys[r] - 14, text)
    return top + len(rows) * h


def _chrome(c, n: int) -> None:  # type: ignore[no-untyped-def]
    W, H = c._pagesize
    c.setFont(FONT, 9)
    c.drawString(250, H - 30, HEAD)
    c.drawString(290, 30, f"- {n} -")


HEADER = ["项目名称", "金额", "单位"]
PART1 = [["办公楼物业", "25.89", "万元"], ["口岸单位补贴", "6200.00", "万元"]]
PART2 = [["商务发展资金", "11600.00", "万元"], ["房屋租金", "14.74", "万元"]]


def _three_pages(c) -> None:  # type: ignore[no-untyped-def]
    W, H = c._pagesize
    _chrome(c, 1)
    c.setFont(FONT, 16)
    c.drawString(200, H - 80, "项目支出预算表")
    _grid(c, 100, 700, [200, 100, 60], [HEADER, *PART1])  # ends at 760, near the page bottom
    c.showPage()
    _chrome(c, 2)
    _grid(c, 100, 60, [200, 100, 60], [HEADER, *PART2])  # continues, header repeated
    c.setFont(FONT, 10)
    c.drawString(100, H - 200, "说明：本表为预算数。")
    # an unruled table: words at column positions
    for r, (name, amount) in enumerate([("科目名称", "金额"), ("一般公共服务支出", "1,234.56"), ("合计", "1,234.56")]):
        c.drawString(100, H - 260 - 18 * r, name)
        c.drawString(320, H - 260 - 18 * r, amount)
    c.showPage()
    _chrome(c, 3)
    c.setFont(FONT, 10)
    c.drawString(100, H - 100, "第三页正文")
    c.drawString(100, H - 118, "2 6")  # split digits in the body: not a page number (not in a margin)
    c.showPage()


@pytest.fixture(autouse=True, params=PDF_READERS)
def pdf_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with both PDF readers: they must give the same rows."""
    monkeypatch.setenv(PDF_READER_ENV, request.param)
    return str(request.param)


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    return pdf_bytes(_three_pages)


def test_rows_tables_joined_and_page_chrome_dropped(three_pages: bytes) -> None:
    src = native_source(three_pages, "t.pdf")
    assert src.format == "pdf"
    got = [(loc, row.texts) for loc, row in zip(src.locations, src.rows, strict=True)]
    assert got == [
        ("p1", ["项目支出预算表"]),
        ("p1 t1 r1", HEADER), ("p1 t1 r2", PART1[0]), ("p1 t1 r3", PART1[1]),
        ("p2 t1 r2", PART2[0]), ("p2 t1 r3", PART2[1]),  # the repeated header row p2 t1 r1 dropped
        ("p2", ["说明：本表为预算数。"]),
        ("p2", ["科目名称", "金额"]), ("p2", ["一般公共服务支出", "1,234.56"]), ("p2", ["合计", "1,234.56"]),
        ("p3", ["第三页正文"]), ("p3", ["2 6"]),
    ]
    assert src.rows[4].table == "p1 t1" and src.rows[4].meta.get("continued") == "1"
    assert src.text.split("\n")[4] == "商务发展资金\t11600.00\t万元"
    assert src.location_of(5) == "p2 t1 r2" and src.rows[4].line == 5
    cell = src.rows[1].cells[1]
    assert cell.loc == "p1 t1 r1 c2" and cell.bbox is not None
    x0, top, x1, bottom = cell.bbox
    assert (round(x0), round(top), round(x1), round(bottom)) == (300, 700, 400, 720)
    assert HEAD not in src.text and "- 1 -" not in src.text


def test_merged_cells_keep_text_in_the_first_cell() -> None:
    def draw(c) -> None:  # type: ignore[no-untyped-def]
        H = c._pagesize[1]
        xs, ys = [100, 200, 300, 400], [H - 100, H - 120, H - 140, H - 160]
        c.line(xs[0], ys[0], xs[3], ys[0])
        c.line(xs[0], ys[1], xs[3], ys[1])  # row 1 has one cell across 3 columns
        c.line(xs[1], ys[2], xs[3], ys[2])  # column 1 spans rows 2-3
        c.line(xs[0], ys[3], xs[3], ys[3])
        for x in (xs[0], xs[3]):
            c.line(x, ys[0], x, ys[3])
        for x in (xs[1], xs[2]):
            c.line(x, ys[1], x, ys[3])
        c.setFont(FONT, 10)
        c.drawString(103, H - 114, "绩效目标表")
        c.drawString(103, H - 134, "产出指标")
        for r, (a, b) in enumerate([("数量指标", "≥6个"), ("质量指标", "100%")]):
            c.drawString(203, H - 114 - 20 * (r + 1), a)
            c.drawString(303, H - 114 - 20 * (r + 1), b)
    src = native_source(pdf_bytes(draw), "m.pdf")
    assert [r.texts for r in src.rows] == [["绩效目标表", "", ""], ["产出指标", "数量指标", "≥6个"], ["", "质量指标", "100%"]]
    assert [c.merged for c in src.rows[0].cells] == ["R1C1:R1C3"] * 3
    assert src.rows[1].cells[0].merged == src.rows[2].cells[0].merged == "R2C1:R3C1"
    assert src.rows[1].cells[1].merged is None


def _protected(user: str) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    def draw(c) -> None:  # type: ignore[no-untyped-def]
        c.setFont(FONT, 12)
        c.drawString(100, 700, "复制保护的文件")
        c.showPage()

    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption(user, ownerPassword="owner", canCopy=0, canModify=0))
    draw(c)
    c.save()
    return buf.getvalue()


def test_copy_protected_pdf_is_read() -> None:
    src = native_source(_protected(""), "protected.pdf")
    assert src.text == "复制保护的文件\n"


def test_pdf_needing_a_password_says_so() -> None:
    with pytest.raises(InputError, match=r"^locked.pdf: encrypted PDF that needs a password"):
        native_source(_protected("secret"), "locked.pdf")


def test_pdf_without_text_layer_names_pages_and_asks_for_ocr() -> None:
    def draw(c) -> None:  # type: ignore[no-untyped-def]
        for _ in range(3):
            c.rect(100, 100, 300, 300, fill=1)
            c.showPage()
    with pytest.raises(InputError) as e:
        native_source(pdf_bytes(draw), "scan.pdf")
    assert e.value.one_line() == "scan.pdf: no text layer (pages 1-3): run OCR first (e.g. ocrmypdf)"


def test_some_textless_pages_are_a_note() -> None:
    def draw(c) -> None:  # type: ignore[no-untyped-def]
        c.setFont(FONT, 12)
        c.drawString(100, 700, "正文")
        c.showPage()
        for _ in range(2):
            c.rect(100, 100, 300, 300, fill=1)
            c.showPage()
    src = native_source(pdf_bytes(draw), "mixed.pdf")
    assert src.text == "正文\n" and src.notes == ("pages 2-3 have no text layer: run OCR first (e.g. ocrmypdf) "
                                                   "to read them",)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_one_clear_error(three_pages: bytes, cut: float) -> None:
    with pytest.raises(InputError, match=r"^cut.pdf: (corrupt|no text)"):
        native_source(three_pages[: int(len(three_pages) * cut)], "cut.pdf")


def test_overlapping_runs_become_separate_lines() -> None:
    def draw(c) -> None:  # type: ignore[no-untyped-def]
        c.setFont(FONT, 14)
        c.drawString(90, 800, "（三）部门预算项目绩效目标表")
        c.drawString(216, 799.7, "政策和项目预算绩效目标表")
        c.showPage()
    src = native_source(pdf_bytes(draw), "o.pdf")
    assert [r.texts for r in src.rows] == [["（三）部门预算项目绩效目标表"], ["政策和项目预算绩效目标表"]]


def test_extract_file_reads_a_pdf(tmp_path: Path, three_pages: bytes) -> None:
    from kg.reading import read_source

    (tmp_path / "budget.bin").write_bytes(three_pages)  # detected by content, not by name
    assert read_source(tmp_path / "budget.bin").format == "pdf"


def test_continued_table_after_its_reprinted_title_is_joined() -> None:
    def draw(c) -> None:  # type: ignore[no-untyped-def]
        H = c._pagesize[1]
        for part in (PART1, PART2):
            c.setFont(FONT, 14)
            c.drawString(200, H - 100, "项目支出预算情况表")
            c.setFont(FONT, 10)
            c.drawString(100, H - 130, "单位：万元")
            _grid(c, 100, 140, [200, 100, 60], [HEADER, *part])
            c.showPage()
    src = native_source(pdf_bytes(draw), "c.pdf")
    assert [(loc, r.texts, r.table) for loc, r in zip(src.locations, src.rows, strict=True)] == [
        ("p1", ["项目支出预算情况表"], "p1"), ("p1", ["单位：万元"], "p1"),
        ("p1 t1 r1", HEADER, "p1 t1"), ("p1 t1 r2", PART1[0], "p1 t1"), ("p1 t1 r3", PART1[1], "p1 t1"),
        ("p2 t1 r2", PART2[0], "p1 t1"), ("p2 t1 r3", PART2[1], "p1 t1")]
