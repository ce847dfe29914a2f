"""An alternative PDF reader on pypdfium2 (PDFium, C++): characters with their loose boxes and ruling lines from
path segments, fed to the same table geometry as the HTML rendering reader (:mod:`kg.native.positioned`) and
the same page cleaning and joining as :mod:`kg.native.pdf`. Roughly ten times faster than pdfplumber; used by
``bench.bench_native`` for the comparison and selectable with ``PERFKG_PDF_READER=pypdfium2``.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

from kg.errors import InputError
from kg.native import positioned
from kg.native.grid import (
    MARGIN_SHARE,
    RawCell,
    RawRow,
    Word,
    group_lines,
    layers,
    make_source,
    split_cells,
    words_bbox,
    words_text,
)
from kg.native.pdf import _drop_margins, _Item, _join_pages, _pages
from kg.reading import SourceText

# Characters closer than this (points) on one line belong to one word (pdfplumber's x_tolerance for table cells).
WORD_GAP = 3.0


def read_pdf_pdfium(data: bytes, path: str) -> SourceText:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError("encrypted PDF that needs a password to open: decrypt it first "
                             "(e.g. qpdf --password=… --decrypt in.pdf out.pdf)", path) from None
        raise InputError(f"corrupt or truncated PDF ({e})", path) from None
    pages: list[list[_Item]] = []
    textless: list[int] = []
    for n in range(1, len(doc) + 1):
        page = doc[n - 1]
        items = _page_items(page, n)
        if not items:
            textless.append(n)
        pages.append(items)
    if not any(pages):
        raise InputError(f"no text layer ({_pages(textless)}): run OCR first (e.g. ocrmypdf)", path)
    notes = ()
    if len(textless) > len(pages) // 2:
        notes = (f"{_pages(textless)} have no text layer: run OCR first (e.g. ocrmypdf) to read them",)
    return make_source(_join_pages(_drop_margins(pages)), data, path, "pdf", notes=notes)


class _View:
    """PDF user space → the page as displayed, top-down (pdfplumber's ``x0``/``top``), whatever its /Rotate."""

    def __init__(self, page: Any):
        x0, y0, x1, y1 = page.get_mediabox()
        self.ox, self.oy, self.w, self.h = x0, y0, x1 - x0, y1 - y0
        self.rot = page.get_rotation() % 360
        self.height = float(page.get_height())

    def point(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.ox, y - self.oy
        if self.rot == 90:
            return y, x
        if self.rot == 180:
            return self.w - x, y
        if self.rot == 270:
            return self.h - y, self.w - x
        return x, self.h - y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        (a, b), (c, d) = self.point(x0, y0), self.point(x1, y1)
        return min(a, c), min(b, d), max(a, c), max(b, d)


def _words(page: Any, view: _View) -> list[Word]:
    import pypdfium2.raw as c

    tp = page.get_textpage()
    words: list[Word] = []
    cur: list[tuple[str, float, float, float, float, float]] = []

    def flush() -> None:
        if cur:
            words.append(Word("".join(x[0] for x in cur), cur[0][1], cur[-1][2], min(x[3] for x in cur),
                              max(x[4] for x in cur), max(x[5] for x in cur)))
            cur.clear()

    for i in range(tp.count_chars()):
        code = c.FPDFText_GetUnicode(tp.raw, i)
        ch = chr(code) if code else ""
        if not ch.strip() or c.FPDFText_IsGenerated(tp.raw, i) == 1:
            flush()
            continue
        x0, top, x1, bottom = view.box(*tp.get_charbox(i, loose=True))
        size = max(bottom - top, 1.0)  # the loose box is the font's height (GetFontSize ignores the text matrix)
        if cur and (abs(top - cur[-1][3]) > 0.5 * size or not -size < x0 - cur[-1][2] <= WORD_GAP):
            flush()
        cur.append((ch, x0, x1, top, bottom, size))
    flush()
    return words


def _edges(page: Any, view: _View) -> list[positioned.Edge]:
    import pypdfium2.raw as c

    out: list[positioned.Edge] = []
    for obj in page.get_objects(filter=[c.FPDF_PAGEOBJ_PATH], max_depth=4):
        m = obj.get_matrix()
        pts: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for k in range(c.FPDFPath_CountSegments(obj.raw)):
            seg = c.FPDFPath_GetPathSegment(obj.raw, k)
            x, y = ctypes.c_float(), ctypes.c_float()
            c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            px, py = m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f
            kind = c.FPDFPathSegment_GetType(seg)
            if kind == c.FPDF_SEGMENT_MOVETO or not pts:
                pts = [(px, py)]
                start = (px, py)
            else:
                pts.append((px, py))
                _add(out, view.point(*pts[-2]), view.point(*pts[-1]))
            if c.FPDFPathSegment_GetClose(seg) and start is not None:
                _add(out, view.point(*pts[-1]), view.point(*start))
    return out


def _add(out: list[positioned.Edge], a: tuple[float, float], b: tuple[float, float]) -> None:
    """The segment from ``a`` to ``b`` (displayed, top-down) as an edge when it is horizontal or vertical."""
    x0, x1 = sorted((a[0], b[0]))
    top, bottom = sorted((a[1], b[1]))
    e = positioned.edge(x0, top, x1, bottom)
    if e is not None:
        out.append(e)


def _page_items(page: Any, n: int) -> list[_Item]:
    view = _View(page)
    height = view.height
    words = _words(page, view)
    if not words:
        return []
    items: list[_Item] = []
    tables = positioned.find_tables(_edges(page, view))
    for t, table in enumerate(tables, start=1):
        rows = positioned.table_rows(table, words, n, t)
        if rows:
            items.append(_Item(table.bbox[1], rows, table, sorted({c[0] for c in table.cells})))
    loose = [w for w in words if not any(positioned.inside(w, t.bbox) for t in tables)]
    for line in group_lines(loose):
        for layer in layers(line):
            cells = [RawCell(words_text(ws), f"p{n} c{j}", words_bbox(ws))
                     for j, ws in enumerate(split_cells(layer), start=1)]
            top, bottom = min(w.top for w in layer), max(w.bottom for w in layer)
            text = " ".join(c.text for c in cells)
            margin = top < MARGIN_SHARE * height or bottom > (1 - MARGIN_SHARE) * height
            items.append(_Item(top, [RawRow(cells, f"p{n}", f"p{n}")], line_key=re.sub(r"\d+", "#", text),
                               margin=margin))
    items.sort(key=lambda it: it.top)
    return items
