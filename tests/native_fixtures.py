"""Writers for native test files (each format from rows of text fields), shared by the native tests."""

from __future__ import annotations

import io
import re
from pathlib import Path

NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")


def as_value(field: str) -> str | int | float:
    """A field as a spreadsheet would hold it: a number when it reads back as the same text, else text."""
    if NUMBER.fullmatch(field) and len(field) < 16:
        v: int | float = int(field) if "." not in field else float(field)
        if str(v) == field:
            return v
    return field


def write_xlsx(rows: list[list[str]], path: Path, sheet: str = "Sheet1") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, fields in enumerate(rows, start=1):
        for c, f in enumerate(fields, start=1):
            if len(fields) > 1 or f:  # an empty field between tabs is an (empty) cell of the sheet
                cell = ws.cell(r, c, as_value(f))
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text such as "=100%" typed with a quote prefix, not a formula
    wb.save(path)
    return path


def write_csv(rows: list[list[str]], path: Path) -> Path:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_docx_table(rows: list[list[str]], path: Path) -> Path:
    import docx

    d = docx.Document()
    width = max(1, max(len(r) for r in rows))
    t = d.add_table(rows=len(rows), cols=width)
    for r, fields in enumerate(rows):
        cells = t.rows[r].cells
        for c, f in enumerate(fields):
            cells[c].text = f
        tr = t.rows[r]._tr
        for tc in tr.tc_lst[max(1, len(fields)):]:  # a ragged row: its grid ends after its last field
            tr.remove(tc)
    d.save(path)
    return path


def write_html_table(rows: list[list[str]], path: Path, encoding: str = "utf-8") -> Path:
    from html import escape

    body = "\n".join("<tr>" + "".join(f"<td>{escape(f)}</td>" for f in fields) + "</tr>" for fields in rows)
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>t</title>'
            f"<style>td {{border: 1px}}</style><script>var x = '<td>no</td>';</script></head>\n"
            f"<body><table>\n{body}\n</table></body></html>\n")
    path.write_bytes(page.encode(encoding))
    return path


def text_rows(text: str) -> list[list[str]]:
    """A tab export's lines as rows of fields (the last empty line after the final newline dropped)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return [line.split("\t") for line in lines]


def pdf_bytes(draw) -> bytes:  # type: ignore[no-untyped-def]
    """A PDF drawn by ``draw(canvas)`` with the CID font STSong-Light registered as "song"."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    draw(c)
    c.save()
    return buf.getvalue()
