"""File → :class:`Document`: read, detect the layout, parse, stamp provenance of the whole file."""

from __future__ import annotations

from pathlib import Path

from kg.errors import ParseError
from kg.layouts import GENERIC, detect_layout
from kg.model import Document
from kg.reading import SourceText, read_source


def extract_source(src: SourceText) -> Document:
    layout = detect_layout(src)
    try:
        doc = layout.parse(src)
    except ParseError as e:
        # a family claimed the text but cannot read it: the label-driven reader may (a form in a family's shape)
        if layout is GENERIC or GENERIC.detect(src) <= 0:
            raise
        layout, doc = GENERIC, GENERIC.parse(src)
        doc.warn("family_fallback", f"not read as a known family ({e.message}); read by the forms' labels", e.line,
                 "info")
    doc.source = src.name
    doc.layout = layout.NAME
    doc.sha256 = src.sha256
    doc.encoding = src.encoding
    for note in src.notes:
        doc.warn("decoding", note, len(src.lines))
    return doc


def extract_file(path: str | Path) -> Document:
    """Extract one document. Raises :class:`kg.errors.PerfkgError` subclasses on bad input."""
    return extract_source(read_source(path))
