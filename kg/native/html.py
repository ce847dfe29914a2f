"""Saved web pages with lxml: tables (rowspan/colspan), text outside tables, PDF renderings as positioned divs.

Charset: a BOM, else the declared ``<meta charset>`` / ``http-equiv`` charset (GB2312/GBK read as GB18030),
else UTF-8, else GB18030. Scripts, styles and the ``<head>`` are dropped. In document order: a ``<table>`` gives
one row per ``<tr>`` (location ``table 2 row 3``, a cell ``table 2 row 3 col 1``; a rowspan/colspan keeps the
text in its top-left cell and records ``R3C1:R4C2`` on every covered cell); other text is cut into one-cell
rows at block elements and ``<br>`` (location ``block 5``). A page rendered from a PDF as absolutely positioned
``div``s (``div.page`` holding ``div.p`` with ``top``/``left`` styles) is read by position, not DOM order: its
rule divs (``div.r``) make ruled tables (:mod:`kg.native.positioned`; location ``p3 t1 r2``, a cell's runs
joined as a wrapped cell), its other text divs are grouped by ``top`` into lines, cut into cells at gaps
(location ``p3``), page numbers in the margins left out; tables and lines ordered top-down.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from kg.errors import InputError
from kg.native.grid import (
    RawCell,
    RawRow,
    Word,
    clean_cell,
    group_lines,
    is_page_number,
    layers,
    make_source,
    split_cells,
    words_bbox,
    words_text,
)
from kg.reading import SourceText, normalize_newlines

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
                    "cp936": "gb18030"}
DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "svg")
BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "h1", "h2", "h3", "h4",
          "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "form", "fieldset", "address",
          "figure", "figcaption", "center", "caption", "body", "hr"}
_STYLE = re.compile(r"(top|left|font-size|width|height)\s*:\s*(-?[\d.]+)\s*(pt|px)?", re.I)
PX_PER_PT = 4 / 3


def decode_html(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    m = _CHARSET.search(data[:8192])
    tried = []
    if m:
        enc = m.group(1).decode("ascii").lower()
        enc = ENCODING_ALIASES.get(enc, enc)
        try:
            codecs.lookup(enc)
            tried.append(enc)
        except LookupError:
            pass
    for enc in [*tried, "utf-8", "gb18030"]:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode(tried[0] if tried else "utf-8", "replace"), (tried[0] if tried else "utf-8") + "?"


def read_html(data: bytes, path: str) -> SourceText:
    text, enc = decode_html(data, path)
    walker = _Walker()
    walker.walk(html_root(text, path))
    walker.flush()
    return make_source(walker.rows, data, path, "html", enc)


def html_root(text: str, path: str) -> Any:
    """Decoded HTML → its lxml root, scripts, styles and the head dropped."""
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", normalize_newlines(text))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise InputError(f"cannot parse HTML: {e}", path) from None
    for el in list(root.iter(*DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    return root


def html_rows(roots: list[Any]) -> list[RawRow]:
    """The rows of several HTML documents read as one (tables and blocks numbered on across them)."""
    walker = _Walker()
    for root in roots:
        walker.walk(root)
        walker.flush()
    return walker.rows


class _Walker:
    """Document-order walk emitting rows: tables as grids, positioned pages by position, text blocks."""

    def __init__(self) -> None:
        self.rows: list[RawRow] = []
        self.buf: list[str] = []
        self.tables = 0
        self.blocks = 0
        self.pages = 0

    def flush(self) -> None:
        text = clean_cell("".join(self.buf), collapse=True) if self.buf else ""
        self.buf = []
        if text:
            self.blocks += 1
            self.rows.append(RawRow([RawCell(text, f"block {self.blocks}")], f"block {self.blocks}"))

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            self.flush()
            self.tables += 1
            self.rows.extend(table_rows(el, self.tables))
        elif tag == "div" and _is_positioned_page(el):
            self.flush()
            self.pages += 1
            self.rows.extend(positioned_rows(el, self.pages))
        elif tag == "br":
            self.flush()
        else:
            block = tag in BLOCKS
            if block:
                self.flush()
            if tag and el.text:
                self.buf.append(el.text)
            for child in el:
                self.walk(child)
                if child.tail:
                    self.buf.append(child.tail)
            if block:
                self.flush()


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _is_positioned_page(el: Any) -> bool:
    if "page" not in _classes(el):
        return False
    for child in el.iterchildren("div"):
        if "p" in _classes(child) and "top" in (child.get("style") or ""):
            return True
    return False


def _style(el: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, num, unit in _STYLE.findall(el.get("style") or ""):
        v = float(num)
        out[key.lower()] = v / PX_PER_PT if (unit or "").lower() == "px" else v
    return out


def positioned_rows(page: Any, n: int) -> list[RawRow]:
    """A positioned page: ruled tables from its ``div.r`` rules, other text runs as lines, top-down."""
    from kg.native import positioned

    words: list[Word] = []
    edges = []
    for div in page.iter("div"):
        cls = _classes(div)
        st = _style(div)
        if "r" in cls and "left" in st and "top" in st:
            e = positioned.edge(st["left"], st["top"], st["left"] + st.get("width", 0.0),
                                st["top"] + st.get("height", 0.0))
            if e is not None:
                edges.append(e)
            continue
        if "p" not in cls:
            continue
        text = clean_cell(div.text_content(), collapse=True)
        if not text or "top" not in st or "left" not in st:
            continue
        size = st.get("font-size", 10.0)
        width = st.get("width") or sum(size if ord(ch) > 0x2e80 else size / 2 for ch in text)
        words.append(Word(text, st["left"], st["left"] + width, st["top"], st["top"] + size, size))
    items: list[tuple[float, list[RawRow]]] = []
    tables = positioned.find_tables(edges)
    for t, table in enumerate(tables, start=1):
        items.append((table.bbox[1], positioned.table_rows(table, words, n, t)))
    loose = [w for w in words if not any(positioned.inside(w, t.bbox) for t in tables)]
    height = _style(page).get("height", 0.0)
    for line in group_lines(loose):
        if height and is_page_number(" ".join(w.text for w in line), line[0].top, line[-1].bottom, height):
            continue
        for layer in layers(line):
            cells = [RawCell(words_text(ws), f"p{n} c{j}", words_bbox(ws))
                     for j, ws in enumerate(split_cells(layer), start=1)]
            items.append((min(w.top for w in layer), [RawRow(cells, f"p{n}", f"p{n}")]))
    items.sort(key=lambda it: it[0])
    return [r for _, rows in items for r in rows]


def table_rows(table: Any, t: int) -> list[RawRow]:
    trs = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    grid: dict[tuple[int, int], tuple[str, str | None]] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            rs = min(rs, len(trs) - r)
            ref = f"R{r + 1}C{c + 1}:R{r + rs}C{c + cs}" if rs > 1 or cs > 1 else None
            text = _cell_text(td)
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = (text if dr == dc == 0 else "", ref)
            c += cs
            width = max(width, c)
    out: list[RawRow] = []
    for r in range(len(trs)):
        cells = []
        for c in range(width):
            text, ref = grid.get((r, c), ("", None))
            cells.append(RawCell(text, f"table {t} row {r + 1} col {c + 1}", None, ref, (r, c) in grid))
        out.append(RawRow(cells, f"table {t} row {r + 1}", f"table {t}"))
    return out


def _owner_table(tr: Any) -> Any:
    p = tr.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _span(v: str | None) -> int:
    try:
        return max(1, min(int(str(v).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _cell_text(td: Any) -> str:
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in BLOCKS or tag in ("br", "tr"):
            parts.append("\n")
        if tag and el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCKS:
            parts.append("\n")

    walk(td)
    return clean_cell("".join(parts), collapse=True)
