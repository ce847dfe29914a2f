"""The same forms as ruled PDF tables (drawn with reportlab, tables running over page breaks) give the records of
their tab-separated text twins: target forms and self-evaluation forms through the native PDF reader."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.extract import extract_file, extract_source
from kg.native import PDF_READER_ENV
from kg.reading import read_source
from tests.native_fixtures import pdf_bytes, text_rows

pytest.importorskip("reportlab")

ROOT = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
# (fixture, PDF reader). The drawing writes a long text as one run that overflows its cell, which PDFium assigns to
# the cell it starts in (pdfplumber cuts it by character position); PDFium leaves out a text object of one glyph
# in reportlab's non-embedded CID font (亩, ≥, 人 alone in a cell), which pdfplumber reads. Real files wrap their
# texts and embed their fonts, and read alike with both readers (tests/test_native_real.py).
PDF_TWINS = [(ROOT / "selfeval" / "S6_selfeval_2023.txt", "pypdfium2"),
             (ROOT / "forms" / "f12_tabs_yuan_operator_column_2024.txt", "pdfplumber"),
             (ROOT / "forms" / "f21_tabs_six_projects_unit_before_value_2025.txt", "pdfplumber")]
FONT, SIZE, ROW_H, MARGIN = "STSong-Light", 7, 14, 36


def draw_rows(rows: list[list[str]]):  # type: ignore[no-untyped-def]
    """A drawing of the rows: runs of multi-cell rows as ruled tables of equal columns, one-cell rows as text
    lines; a table reaching the page's foot goes on at the top of the next page."""
    from reportlab.lib.pagesizes import A4, landscape

    width = max(len(r) for r in rows)

    def draw(c) -> None:  # type: ignore[no-untyped-def]
        W, H = landscape(A4)
        c.setPageSize((W, H))
        col = (W - 2 * MARGIN) / width
        y = H - MARGIN
        grid_top = None
        for row in rows:
            if y - ROW_H < MARGIN:
                if grid_top is not None:
                    _rule(c, grid_top, y, col, width)
                c.showPage()
                y, grid_top = H - MARGIN, None
            c.setFont(FONT, SIZE)
            if len(row) > 1:
                grid_top = y if grid_top is None else grid_top
                for k, text in enumerate(row):
                    if text:
                        c.drawString(MARGIN + k * col + 2, y - ROW_H + 4, text)
            else:
                if grid_top is not None:
                    _rule(c, grid_top, y, col, width)
                    grid_top = None
                if row[0]:
                    c.drawString(MARGIN, y - ROW_H + 4, row[0])
            y -= ROW_H
        if grid_top is not None:
            _rule(c, grid_top, y, col, width)
        c.showPage()

    return draw


def _rule(c, top: float, bottom: float, col: float, width: int) -> None:  # type: ignore[no-untyped-def]
    xs = [MARGIN + k * col for k in range(width + 1)]
    n = round((top - bottom) / ROW_H)
    c.grid(xs, [top - i * ROW_H for i in range(n + 1)])


@pytest.mark.parametrize(("txt", "reader"), PDF_TWINS, ids=[p.stem for p, _ in PDF_TWINS])
def test_pdf_twin_gives_the_text_records(tmp_path: Path, txt: Path, reader: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PDF_READER_ENV, reader)
    src = read_source(txt)
    text_doc = extract_source(replace(src, text=src.text if src.text.endswith("\n") else src.text + "\n"))
    pdf = tmp_path / f"{txt.stem}.pdf"
    pdf.write_bytes(pdf_bytes(draw_rows([r for r in text_rows(src.text) if any(r)])))
    doc = extract_file(pdf)
    assert {**doc.to_gold_dict(), "source": None} == {**text_doc.to_gold_dict(), "source": None}
    first = doc.projects[0].indicators[0].provenance
    assert first is not None and first.loc and first.loc.startswith("p")
