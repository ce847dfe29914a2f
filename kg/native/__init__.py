"""Native files (PDF, XLSX/XLSM, XLS, DOCX, DOC, HTML, MHTML, Excel 2003 XML, CSV) read into rows of cells with their locations.

:func:`native_source` detects the format from the bytes (:mod:`kg.native.detect`) and returns a
:class:`~kg.reading.SourceText` whose ``rows`` are the file's cells, ``text`` those rows linearised (one line a
row, cells tab-separated; see :mod:`kg.native.grid` for the exact rules) and ``locations`` the native location
of each line, so the text layout families read native files unchanged and records cite ``p12 t1 r3``,
``Sheet!C7`` or ``table 2 row 3``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from kg.native.detect import detect_format
from kg.reading import SourceText

Reader = Callable[[bytes, str], SourceText]


# PDF reader: "pypdfium2" (default: PDFium's characters and ruling lines, ~6x faster) or "pdfplumber".
PDF_READER_ENV = "PERFKG_PDF_READER"
PDF_READERS = ("pypdfium2", "pdfplumber")


def _pdf(data: bytes, path: str) -> SourceText:
    if os.environ.get(PDF_READER_ENV, PDF_READERS[0]) == "pdfplumber":
        from kg.native.pdf import read_pdf
        return read_pdf(data, path)
    from kg.native.pdfium import read_pdf_pdfium
    return read_pdf_pdfium(data, path)


def _xlsx(data: bytes, path: str) -> SourceText:
    from kg.native.xlsx import read_xlsx
    return read_xlsx(data, path)


def _xls(data: bytes, path: str) -> SourceText:
    from kg.native.xlsx import read_calamine
    return read_calamine(data, path, "xls")


def _docx(data: bytes, path: str) -> SourceText:
    from kg.native.docx import read_docx
    return read_docx(data, path)


def _doc(data: bytes, path: str) -> SourceText:
    from kg.native.doc import read_doc
    return read_doc(data, path)


def _html(data: bytes, path: str) -> SourceText:
    from kg.native.html import read_html
    return read_html(data, path)


def _spreadsheetml(data: bytes, path: str) -> SourceText:
    from kg.native.spreadsheetml import read_spreadsheetml
    return read_spreadsheetml(data, path)


def _mhtml(data: bytes, path: str) -> SourceText:
    from kg.native.mhtml import read_mhtml
    return read_mhtml(data, path)


def _csv(data: bytes, path: str) -> SourceText:
    from kg.native.csv import read_csv
    return read_csv(data, path)


# format → reader (readers import their library lazily: a text ingest never loads pdfplumber)
READERS: dict[str, Reader] = {"pdf": _pdf, "xlsx": _xlsx, "xls": _xls, "docx": _docx, "doc": _doc, "html": _html, "csv": _csv,
                              "spreadsheetml": _spreadsheetml, "mhtml": _mhtml}
FORMATS = ("text", *READERS)


def native_source(data: bytes, path: str, fmt: str | None = None) -> SourceText:
    """Read a native file's bytes (format detected unless ``fmt`` is given); ``InputError`` on bad input."""
    fmt = fmt or detect_format(data, path)
    if fmt not in READERS:
        raise ValueError(f"not a native format: {fmt}")
    return READERS[fmt](data, path)
