"""File → :class:`Document`: read, detect the layout, parse, stamp provenance of the whole file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.errors import ParseError
from kg.funding import TRANSFER_WORD
from kg.layouts import GENERIC, detect_layout
from kg.model import Document, Provenance
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
    if TRANSFER_WORD in src.text and not getattr(layout, "READS_TRANSFER_TABLES", False):
        from kg.forms.money_tables import add_transfer_tables  # (only for a text naming a transfer)

        add_transfer_tables(doc, list(src.rows) if src.rows is not None else None, src.text)
    doc.layout = layout.NAME
    doc.sha256 = src.sha256
    doc.encoding = src.encoding
    for note in src.notes:
        doc.warn("decoding", note, len(src.lines))
    if src.locations is not None:
        stamp_locations(doc, src)
    return doc


def provenances(doc: Document) -> Iterator[Provenance]:
    """Every provenance a document's records carry (projects, their indicators, funding lines, funds and
    other sightings; department indicators, figures, achievements, classifications, department funding)."""
    for p in doc.projects:
        yield from (x.provenance for x in (p, *p.indicators, *p.long_term, *p.scoring, *p.funding_lines)
                    if x.provenance)
        yield from p.seen_in
        if p.funds and p.funds.provenance:
            yield p.funds.provenance
    for rec in (*doc.department_indicators, *doc.totals.values(), *doc.outcomes, *doc.achievements,
                *doc.classifications, *doc.funding):
        if rec.provenance:
            yield rec.provenance


def stamp_locations(doc: Document, src: SourceText) -> None:
    """Give every record of a native file its location in the file (``p12 t1 r3``, ``Sheet1!A7``)."""
    for prov in provenances(doc):
        if prov.loc is None:
            prov.loc = src.location_of(prov.line_start)


def extract_file(path: str | Path) -> Document:
    """Extract one document. Raises :class:`kg.errors.PerfkgError` subclasses on bad input."""
    return extract_source(read_source(path))
