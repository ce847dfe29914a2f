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


def write_spreadsheetml(rows: list[list[str]], path: Path, sheet: str = "Sheet1") -> Path:
    """An Excel 2003 XML workbook (SpreadsheetML), numbers typed Number as a spreadsheet would hold them."""
    from html import escape

    def cell(f: str) -> str:
        v = as_value(f)
        kind = "String" if isinstance(v, str) else "Number"
        return f'<Cell><Data ss:Type="{kind}">{escape(f)}</Data></Cell>' if f else "<Cell/>"

    body = "\n".join("<Row>" + "".join(cell(f) for f in fields) + "</Row>" for fields in rows)
    xml = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
           f'<Worksheet ss:Name="{sheet}"><Table>\n{body}\n</Table></Worksheet>\n</Workbook>\n')
    path.write_bytes(xml.encode("utf-8"))
    return path


def mhtml_bytes(pages: list[tuple[str, str]], charset: str = "utf-8") -> bytes:
    """A single-file web page: each (location, html) a quoted-printable text/html part of a multipart/related."""
    import quopri

    boundary = "----=_NextPart_01DA0000.5F0E7A30"
    parts = [f"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"{boundary}\"\r\n\r\n"
             "This document is a Single File Web Page, also known as a Web Archive file.\r\n"]
    for location, html in pages:
        body = quopri.encodestring(html.encode(charset)).decode("ascii")
        parts.append(f"\r\n--{boundary}\r\nContent-Location: file:///C:/x/{location}\r\n"
                     f"Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; "
                     f"charset=\"{charset}\"\r\n\r\n{body}\r\n")
    parts.append(f"\r\n--{boundary}--\r\n")
    return "".join(parts).encode("ascii")


def write_mhtml(rows: list[list[str]], path: Path, charset: str = "gb2312") -> Path:
    """A table page saved as a single file (Word/IE style), GB2312 by default, no charset in the page itself."""
    from html import escape

    body = "\n".join("<tr>" + "".join(f"<td>{escape(f)}</td>" for f in fields) + "</tr>" for fields in rows)
    page = f"<html><head><title>t</title></head><body><table>\n{body}\n</table></body></html>\n"
    path.write_bytes(mhtml_bytes([("page.htm", page)], "gb18030" if charset == "gb2312" else charset)
                     .replace(b'charset="gb18030"', f'charset="{charset}"'.encode()))
    return path


def write_doc_table(rows: list[list[str]], path: Path) -> Path:
    """A Word 97–2003 .doc holding the rows as one table (tests/doc_writer.py)."""
    from tests.doc_writer import rows_doc

    path.write_bytes(rows_doc(rows))
    return path
