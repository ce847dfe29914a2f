"""A file's format from its content (magic bytes, zip members, an HTML sniff), not from its name."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from kg.errors import InputError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF",
          b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP"}
# zip member → format
ZIP_MEMBERS = (("xl/workbook.xml", "xlsx"), ("xl/workbook.bin", "xlsb"), ("word/document.xml", "docx"))
# OLE2 stream names → format
OLE_WORKBOOK = (b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00", b"B\x00o\x00o\x00k\x00")
OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
OLE_WORD_DOCUMENT = "WordDocument".encode("utf-16-le")  # Word 97–2003 (and WPS saving in its format)
OLE_WORD = (b"W\x00k\x00s\x00S\x00S\x00",)  # older WPS documents
HTML_SNIFF = re.compile(rb"<(!doctype\s+html|html|table|body|head|meta\s)", re.I)
# What marks an Excel 2003 XML workbook (SpreadsheetML) in its first bytes.
SPREADSHEETML_MARKERS = (b"urn:schemas-microsoft-com:office:spreadsheet", b"<Workbook")
# Suffixes read as comma-separated values when the content is text.
CSV_SUFFIXES = (".csv",)

WORD_ADVICE = ("is an old WPS document: convert it to .docx "
               "(e.g. libreoffice --headless --convert-to docx)")
IMAGE_ADVICE = "is an image ({}): run OCR first, e.g. ocrmypdf/tesseract"


def detect_format(data: bytes, path: str = "") -> str:
    """"pdf", "xlsx", "xls", "doc", "docx", "html", "spreadsheetml", "mhtml", "csv" or "text"; :class:`InputError` for a type perfkg cannot read."""
    head = data[:8]
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(data, path)
    if head.startswith(OLE2):
        return _ole_format(data, path)
    for magic, name in IMAGES.items():
        if head.startswith(magic):
            raise InputError(IMAGE_ADVICE.format(name), path)
    if looks_spreadsheetml(data):  # before the HTML sniff: its <Table> looks like a page's
        return "spreadsheetml"
    if looks_mhtml(data):
        return "mhtml"
    if _looks_html(data):
        return "html"
    if Path(path).suffix.lower() in CSV_SUFFIXES:
        return "csv"
    return "text"


def looks_spreadsheetml(data: bytes) -> bool:
    """An Excel 2003 XML workbook: its namespace and ``<Workbook`` in the first bytes."""
    head = data[:4096]
    return all(m in head for m in SPREADSHEETML_MARKERS)


def looks_mhtml(data: bytes) -> bool:
    """A single-file web page: MIME headers naming a multipart/related message."""
    head = data[:4096].lower()
    return b"mime-version:" in head and b"multipart/related" in head


def _looks_html(data: bytes) -> bool:
    """HTML: the file opens with a tag (after a BOM and whitespace) and names ``<html``, ``<table``, ``<body``
    or a doctype early on."""
    start = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") and HTML_SNIFF.search(start) is not None


def _zip_format(data: bytes, path: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"corrupt or truncated zip container (xlsx/docx?): {e}", path) from None
    for member, fmt in ZIP_MEMBERS:
        if member in names:
            if fmt == "xlsb":
                return "xlsx"  # calamine reads .xlsb too
            return fmt
    if "content.xml" in names:
        raise InputError("is an OpenDocument file: save it as .xlsx or .docx first", path)
    raise InputError("is a zip archive, not a workbook or Word document: unpack it and ingest its files", path)


def _ole_format(data: bytes, path: str) -> str:
    body = data[:min(len(data), 1 << 20)]
    if not any(m in body for m in (OLE_WORD_DOCUMENT, *OLE_WORD, *OLE_WORKBOOK, OLE_ENCRYPTED)):
        body = data  # the directory may lie past the first MiB of a large file
    if OLE_ENCRYPTED in body:
        raise InputError("is a password-protected Office file: open it and save it without a password", path)
    if OLE_WORD_DOCUMENT in body:  # before the workbook check: a WPS stream name holds "Book"
        return "doc"
    if any(m in body for m in OLE_WORD):
        raise InputError(WORD_ADVICE, path)
    if any(m in body for m in OLE_WORKBOOK):
        return "xls"
    raise InputError("is an OLE2 (old Office) file perfkg cannot read: save it as .xlsx or .docx", path)
