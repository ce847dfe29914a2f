"""PDF with a text layer, with pdfplumber: ruled tables by its table finder, other text as lines of words.
(The default reader is :mod:`kg.native.pdfium`, ~6x faster, sharing this module's page cleaning and joining;
``PERFKG_PDF_READER=pdfplumber`` selects this one.)

Per page, in top-down order: each ruled table is a grid (row location ``p12 t1 r3``, cell ``p12 t1 r3 c2`` with
its bounding box; a merged cell keeps its text in its top-left grid cell, covered cells are empty and record
``R1C1:R2C3``); text outside tables is grouped into lines by ``top`` and cut into cells at gaps wider than
~2 character widths (location ``p12``, cell ``p12 c2``). Runs drawn over each other on one line (a heading
printed over a form title) become separate lines instead of interleaved characters. Page numbers (``3``,
``- 3 -``, ``—3—``, ``第 3 页``, split digits ``2 6``) and running heads (the same text at the same height in the
top or bottom margin of most pages) are left out. A table that opens a page with the column count and
column positions of the table that closed the previous page continues it (same ``table`` name) and its
repeated header rows are dropped.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kg.errors import InputError
from kg.native.grid import (
    MARGIN_SHARE,
    PAGE_NUMBER,
    RawCell,
    RawRow,
    Word,
    clean_cell,
    group_lines,
    layers,
    make_source,
    split_cells,
    words_bbox,
    words_text,
)
from kg.reading import SourceText

# A margin line repeated (digits ignored) at the same height on at least this share of pages is a running head.
RUNNING_HEAD_SHARE = 0.5
RUNNING_HEAD_MIN_PAGES = 3
# Column positions of a continued table may differ by this many points.
CONTINUE_TOLERANCE = 3.0
# Header rows of a continued table compared with the first rows of the table it continues.
MAX_HEADER_ROWS = 3
WORD_OPTIONS = {"use_text_flow": True, "keep_blank_chars": False, "x_tolerance": 1.5, "y_tolerance": 2}


@dataclass
class _Item:
    """A table or a text line on one page, before page-level cleaning."""

    top: float
    rows: list[RawRow]
    table: Any = None  # pdfplumber Table, for continuation
    xs: list[float] = field(default_factory=list)
    line_key: str | None = None  # a text line's text with digits masked, for running heads
    margin: bool = False


def _quiet_pdfminer() -> None:
    """pdfminer calls ``log.debug`` about a million times for a 50-page file (~5% of the read); when debug
    logging is off for its loggers, those calls are made no-ops."""
    import logging
    import sys

    for name, mod in list(sys.modules.items()):
        log = getattr(mod, "log", None)
        if name.startswith("pdfminer") and isinstance(log, logging.Logger) and not log.isEnabledFor(logging.DEBUG):
            log.debug = lambda *a, **k: None  # type: ignore[method-assign]


def read_pdf(data: bytes, path: str) -> SourceText:
    pdf = _open(data, path)
    _quiet_pdfminer()
    fixer = _CidFixer(data)
    try:
        pages: list[list[_Item]] = []
        textless: list[int] = []
        for n, page in enumerate(pdf.pages, start=1):
            try:
                fixer.fix(page, n - 1)
                items = _page_items(page, n)
            except Exception as e:  # a damaged page stream
                raise InputError(f"corrupt PDF: page {n} cannot be read ({type(e).__name__}: {e})", path) from None
            if not items:
                if page.images or not page.chars:
                    textless.append(n)
            pages.append(items)
            page.flush_cache()
            if hasattr(page, "close"):
                page.close()
    finally:
        pdf.close()
    if not any(pages):
        raise InputError(f"no text layer ({_pages(textless)}): run OCR first (e.g. ocrmypdf)", path)
    notes = ()
    if len(textless) > len(pages) // 2:
        notes = (f"{_pages(textless)} have no text layer: run OCR first (e.g. ocrmypdf) to read them",)
    raw = _join_pages(_drop_margins(pages))
    return make_source(raw, data, path, "pdf", notes=notes)


class _CidFixer:
    """Characters pdfminer cannot map to Unicode (``(cid:1711)``: a CID font whose encoding it misses, e.g. in
    an encrypted file) get their text from pypdfium2, matched by position on the page."""

    def __init__(self, data: bytes):
        self.data = data
        self.doc: Any = None

    def fix(self, page: Any, index: int) -> None:
        bad = [c for c in page.chars if c["text"].startswith("(cid:")]
        if not bad:
            return
        try:
            import pypdfium2 as pdfium

            if self.doc is None:
                self.doc = pdfium.PdfDocument(self.data)
            tp = self.doc[index].get_textpage()
        except Exception:  # pypdfium2 missing or unable: keep pdfminer's text
            return
        h = float(page.height)
        known: list[tuple[float, float, str]] = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if ch.strip():
                x0, y0, x1, y1 = tp.get_charbox(i)
                known.append(((x0 + x1) / 2, h - (y0 + y1) / 2, ch))
        for c in bad:
            cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
            best = min(known, key=lambda k: abs(k[0] - cx) + abs(k[1] - cy), default=None)
            if best is not None and abs(best[0] - cx) + abs(best[1] - cy) < max(2.0, c["size"] * 0.6):
                c["text"] = best[2]


def _pages(ns: list[int]) -> str:
    """``pages 1-6`` / ``page 3`` / ``pages 2, 5-7``."""
    spans: list[list[int]] = []
    for n in ns:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
    return f"page{'s' if len(ns) > 1 else ''} {text}"


def _open(data: bytes, path: str) -> Any:
    import pdfplumber

    if not data.lstrip()[:1024].count(b"%PDF"):
        raise InputError("not a PDF file", path)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
        return pdf
    except Exception as e:
        chain = [e, e.__cause__, e.__context__, *(getattr(e, "args", ()) or ())]
        names = " ".join(type(x).__name__ + " " + str(x) for x in chain if x is not None)
        if "Password" in names or "password" in names:
            raise InputError("encrypted PDF that needs a password to open: decrypt it first "
                             "(e.g. qpdf --password=… --decrypt in.pdf out.pdf)", path) from None
        if "Encryption" in names:
            raise InputError(f"encrypted PDF perfkg cannot decrypt: {names.strip()}", path) from None
        raise InputError(f"corrupt or truncated PDF ({type(e).__name__}: {e})", path) from None


def _page_items(page: Any, n: int) -> list[_Item]:
    items: list[_Item] = []
    tables = page.find_tables() if (page.lines or page.rects) else []
    boxes = []
    for t_i, table in enumerate(tables, start=1):
        rows, xs = _table_rows(table, n, t_i)
        if rows:
            items.append(_Item(table.bbox[1], rows, table, xs))
            boxes.append(table.bbox)
    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["bottom"] - w["top"])
             for w in page.extract_words(**WORD_OPTIONS)
             if not any(_inside(w, b) for b in boxes)]
    h = float(page.height)
    for line in group_lines(words):
        for layer in layers(line):
            cells = split_cells(layer)
            raw = [RawCell(words_text(ws), f"p{n} c{j}", words_bbox(ws)) for j, ws in enumerate(cells, start=1)]
            top = min(w.top for w in layer)
            bottom = max(w.bottom for w in layer)
            text = " ".join(c.text for c in raw)
            margin = top < MARGIN_SHARE * h or bottom > (1 - MARGIN_SHARE) * h
            items.append(_Item(top, [RawRow(raw, f"p{n}", f"p{n}")], line_key=re.sub(r"\d+", "#", text),
                               margin=margin))
    items.sort(key=lambda it: it.top)
    return items


def _inside(w: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _table_rows(table: Any, n: int, t: int) -> tuple[list[RawRow], list[float]]:
    texts = table.extract()
    rows = table.rows
    xs = sorted({c[0] for c in table.cells})
    tops = [r.bbox[1] for r in rows]
    merged: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            c1 = max(i for i, x in enumerate(xs) if x < bbox[2] - 0.5)
            r1 = max(i for i, y in enumerate(tops) if y < bbox[3] - 0.5)
            if c1 > c or r1 > r:
                ref = f"R{r + 1}C{c + 1}:R{r1 + 1}C{c1 + 1}"
                for rr in range(r, r1 + 1):
                    for cc in range(c, c1 + 1):
                        merged[(rr, cc)] = ref
    out: list[RawRow] = []
    for r, (row, vals) in enumerate(zip(rows, texts, strict=False)):
        cells = []
        for c, (bbox, v) in enumerate(zip(row.cells, vals, strict=False)):
            box = tuple(round(x, 2) for x in bbox) if bbox else None
            cells.append(RawCell(clean_cell(v), f"p{n} t{t} r{r + 1} c{c + 1}", box, merged.get((r, c))))
        out.append(RawRow(cells, f"p{n} t{t} r{r + 1}", f"p{n} t{t}"))
    return [r for r in out if any(c.text for c in r.cells)], xs


def _drop_margins(pages: list[list[_Item]]) -> list[list[_Item]]:
    """Pages without page-number lines and running heads (see the module doc)."""
    seen: Counter[tuple[str, int]] = Counter()
    for items in pages:
        for key in {(it.line_key, round(it.top / 4)) for it in items if it.margin and it.line_key}:
            seen[key] += 1
    need = max(RUNNING_HEAD_MIN_PAGES, RUNNING_HEAD_SHARE * len(pages))
    heads = {k for k, v in seen.items() if v >= need}

    def keep(it: _Item) -> bool:
        if not it.margin or it.line_key is None:
            return True
        if PAGE_NUMBER.match(" ".join(c.text for c in it.rows[0].cells)):
            return False
        key = (it.line_key, round(it.top / 4))
        return key not in heads
    return [[it for it in items if keep(it)] for items in pages]


def _join_pages(pages: list[list[_Item]]) -> list[RawRow]:
    """Rows in reading order; a table continued from the previous page joined, its repeated header dropped.

    A continuation opens its page, or follows only lines that repeat the title lines printed just before the
    table it continues (a form title and unit line reprinted on every page); those repeats are dropped too."""
    out: list[RawRow] = []
    prev: _Item | None = None
    intro: dict[int, set[str]] = {}  # id(table item) → texts of the lines just before it on its page
    for items in pages:
        first = next((k for k, it in enumerate(items) if it.table is not None), None)
        lead = items[:first] if first is not None else []
        skip = 0
        if first is not None and prev is not None and prev.table is not None and _continues(prev, items[first]) \
                and all(_text(it) in intro.get(id(prev), set()) for it in lead):
            skip = first
        for k, it in enumerate(items):
            if k < skip:
                continue
            if k == skip and skip == first and prev is not None and prev.table is not None and first is not None \
                    and _continues(prev, it):
                name = prev.rows[0].table
                rows = _drop_header(prev.rows, it.rows)
                for r in rows:
                    r.table = name
                    r.meta["continued"] = "1"
                out.extend(rows)
                joined = _Item(it.top, prev.rows + rows, it.table, it.xs)  # the header stays the first table's
                intro[id(joined)] = intro.get(id(prev), set())
                it = joined
            else:
                if it.table is not None:
                    intro[id(it)] = {_text(x) for x in _lines_before(items, k)}
                out.extend(it.rows)
            prev = it
    return out


def _text(it: _Item) -> str:
    return " ".join(c.text for r in it.rows for c in r.cells) if it.table is None else "\0table"


def _lines_before(items: list[_Item], k: int) -> list[_Item]:
    """The text lines right before item ``k`` (back to the previous table)."""
    j = k
    while j > 0 and items[j - 1].table is None:
        j -= 1
    return items[j:k]


def _continues(prev: _Item, it: _Item) -> bool:
    if len(prev.xs) != len(it.xs):
        return False
    return all(abs(a - b) <= CONTINUE_TOLERANCE for a, b in zip(prev.xs, it.xs, strict=True))


def _drop_header(first: list[RawRow], cont: list[RawRow]) -> list[RawRow]:
    k = 0
    while k < min(MAX_HEADER_ROWS, len(first), len(cont)) and \
            [c.text for c in first[k].cells] == [c.text for c in cont[k].cells]:
        k += 1
    return cont[k:]
