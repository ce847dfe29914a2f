"""Annotated PDFs: one box per finding's evidence on the page that prints it, numbered, and a legend page."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from kg.audit.annotate import annotate_sources
from kg.audit.findings import Evidence, Finding

ROWS = {1: [("产出指标", "时效指标", "完成进度", "定性", "高中低")],
        2: [("产出指标", "数量指标", "培训人数", "定性", "若干"), ("满意度指标", "服务对象满意度指标", "居民满意度", "≥", "85")]}


def _pdf(path: Path) -> None:
    """Three pages: a title page, then rows of targets on pages 2 and 3 (0-based 1 and 2)."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for page in range(3):
        c.setFont("STSong-Light", 10)
        c.drawString(50, 800, f"第{page + 1}页 项目支出绩效目标表")
        for k, row in enumerate(ROWS.get(page, [])):
            for x, text in zip((50, 130, 250, 370, 420), row, strict=True):
                c.drawString(x, 700 - 40 * k, text)
        c.showPage()
    c.save()


def _finding(kind: str, text: str, file: str = "t.pdf") -> Finding:
    return Finding(kind, "warning", "部门", "项目", f"{kind}: {text}", [Evidence(file, 3, None, text)], file)


def test_one_box_per_finding_on_the_right_page_and_a_legend(tmp_path):
    src = tmp_path / "t.pdf"
    _pdf(src)
    fs = [_finding("target.timing_not_date", "产出指标 时效指标 完成进度 定性 高中低"),
          _finding("target.qualitative_quantity", "产出指标 数量指标 培训人数 定性 若干"),
          _finding("target.no_value", "满意度指标 服务对象满意度指标 居民满意度 ≥ 85"),
          _finding("target.no_output", "并不在此文件中的文字 无处可寻"),
          _finding("target.no_cost", "产出指标 时效指标 完成进度", file="other.pdf")]
    [(out, boxed, missing)] = annotate_sources(fs, {"t.pdf": src, "other.pdf": tmp_path / "absent.pdf"},
                                               tmp_path / "ann")
    assert out == tmp_path / "ann" / "t.annotated.pdf" and (boxed, missing) == (3, 1)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 4  # the three pages and the legend
        boxes = {n: p.rects for n, p in enumerate(pdf.pages)}
        assert [len(boxes[n]) for n in range(3)] == [0, 1, 2]
        (r,) = boxes[1]
        row = [c for c in pdf.pages[1].chars if c["text"] in "完成进度高中低"]
        assert all(r["x0"] <= c["x0"] and c["x1"] <= r["x1"] and r["top"] <= c["top"] and c["bottom"] <= r["bottom"]
                   for c in row) and len(row) == 7  # the whole row is inside the box
        label = [c for c in pdf.pages[1].chars if c["text"] == "1"]
        assert label and abs(label[0]["bottom"] - r["top"]) < 3  # numbered just above it
        assert sorted(c["text"] for c in pdf.pages[2].chars if c["text"] in "23" and c["size"] < 8) == ["2", "3"]
        legend = pdf.pages[3].extract_text()
        assert "target.timing_not_date" in legend and "not located" in legend and "无处可寻" in legend
