"""Glued text → cells: a form whose cells ran together with no separator at all (document-preview sites:
``项目名称镇域内基础设施建设项目属性新增项目主管部门…``) is cut where the known labels and indicator categories
stand; only those mark the cell borders.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.cells.model import Cell, Row
from kg.cells.text import split_words
from kg.forms import vocabulary as vocab

# A one-cell line is read as glued when it is at least this long and holds this many distinct labels.
GLUED_MIN_CHARS = 24
GLUED_MIN_LABELS = 3
# Labels shorter than this are not cut at (单位, 方向 … stand inside ordinary words), except these.
CUT_MIN_CHARS = 3
SHORT_CUTS = ("分值", "得分", "总分", "总额", "其中")
# Labels that also end ordinary indicator names (储备粮管理制度严格执行率, 价格执行率): a glued line is cut there
# only where the label carries its column marker (执行率(B/A)).
INNER_WORDS = ("执行率", "预算执行率")


@lru_cache(maxsize=1)
def _cut_pattern() -> re.Pattern[str]:
    words: set[str] = set()
    for table in (vocab.FIELD_LABELS, vocab.COLUMN_LABELS):
        for variants in table.values():
            words.update(v for v in variants if len(v) >= CUT_MIN_CHARS)
    words.update(t for t in (*vocab.L1_TERMS, *vocab.L2_TERMS) if t.endswith("指标"))
    words.update(SHORT_CUTS)
    words.update(vocab.CUT_VALUES)
    words.update(vocab.END_MARKERS)
    words.update(("长期绩效指标", "年度绩效指标", "绩效指标"))
    words.difference_update(INNER_WORDS)
    words.update(w + m for w in INNER_WORDS for m in ("(B/A)", "（B/A）"))
    # a label may carry a unit in brackets and a colon: 资金总额（万元）：
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # a year (2022年度, 202201-202212) is a value: matched first so a label cannot take its 年度
    return re.compile(rf"(?P<year>{_YEAR_VALUE})|(?P<note>{_FOOTNOTE})|(?:{alts})(?!表|绩效|自评|申报表|评价表)(?:[（(](?:万元|元|A|B|B/A)[)）])?[：:]?")


# the form's footnotes (注：1.一级指标分值统一设置为…): nothing after them is a cell of the form
_FOOTNOTE = r"注[:：](?=\s*\d)"
_YEAR_VALUE = r"(?:19|20)\d{2}(?:年度|年)(?=年度|资金|项目|当年)|(?:19|20)\d{4}[-—至](?:19|20)\d{4}"


def cut_glued(text: str) -> list[str] | None:
    """The pieces of a glued line (labels and the values between them), or None when it is not glued: a line
    is glued when it begins with a label and goes on, or is long and holds several labels."""
    hits = list(_cut_pattern().finditer(text))
    starts_with_label = bool(hits) and hits[0].start() == 0 and hits[0].end() < len(text) and not hits[0].group("year")
    if not starts_with_label and (len(text) < GLUED_MIN_CHARS or len({h.group(0) for h in hits}) < GLUED_MIN_LABELS):
        return None
    pieces: list[str] = []
    pos = 0
    for h in hits:
        if h.start() > pos:
            pieces.append(text[pos:h.start()].strip())
        pieces.append("注：" if h.group("note") else h.group(0).rstrip("：:"))
        pos = h.end()

    if pos < len(text):
        pieces.append(text[pos:].strip())
    return [p for p in pieces if p]


def _words_hold_labels(text: str) -> list[str] | None:
    """A one-cell line of single-space-separated cells with at least two labels among them, cut at the spaces."""
    if " " not in text.strip():
        return None
    words = split_words(text)
    flags = [_is_label_word(w) for w in words]
    hits = sum(flags)
    numbers = sum(1 for w in words if re.fullmatch(r"[-—–]|[+-]?\d[\d,]*(?:\.\d+)?[%％]?", w))
    return words if hits >= 2 or (hits == 1 and (flags[0] or numbers >= 2)) else None


def _is_label_word(word: str) -> bool:
    """A label, category or column name — exactly, or within the OCR tolerance of :mod:`kg.forms.labels`."""
    from kg.forms import labels

    w = word.rstrip("：:")
    if _cut_pattern().fullmatch(w):
        return True
    return any(labels.match(w, kind) is not None for kind in ("field", "column")) or any(
        labels.category(w, level) for level in ("l1", "l2"))  # 数量指标(或工作量指标): a category with a gloss


_PAGE_CHUNK = re.compile(r"^([1-9]\d?)、")
# a line break inside a cell, flattened to a space between two CJK characters (储备粮管理制 度严格执行率)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff（）()、]) (?=[\u4e00-\u9fff（）()])")


def _join_page_chunks(rows: list[Row]) -> list[Row]:
    """A document-preview site's text cut into numbered chunks (``1、…`` ``2、…`` ``3、…``, each a page's glued
    text, a row running on across the cut) → one line, the chunk numbers removed."""
    out: list[Row] = []
    expect = 0
    for row in rows:
        one = row.separator == "line" and len(row.cells) == 1
        m = _PAGE_CHUNK.match(row.cells[0].text) if one else None
        if m and int(m.group(1)) == expect and out:
            prev = out[-1]
            text = prev.cells[0].text + row.cells[0].text[m.end():]
            out[-1] = Row([Cell(text, prev.line, 0)], prev.line, prev.table, row.line_end or row.line, "line")
            expect += 1
            continue
        if m and m.group(1) == "1" and len(row.cells[0].text) >= GLUED_MIN_CHARS:
            row = Row([Cell(row.cells[0].text[m.end():], row.line, 0)], row.line, row.table, row.line_end, "line")
            expect = 2
        else:
            expect = 0
        out.append(row)
    return out


def unglue_rows(rows: list[Row]) -> list[Row]:
    """Rows with each glued one-cell line cut into cells by the vocabulary (separator ``glued``), and each line
    of single-space-separated cells holding labels cut at the spaces (separator ``words``)."""
    out: list[Row] = []
    for row in _join_page_chunks(rows):
        if row.separator == "spaces" and len(row.filled) == 1 and len(row.cells) <= 2:
            words = _words_hold_labels(row.filled[0].text)  # an indented line of single-space-separated cells
            if words is not None:
                out.append(Row([Cell(w, row.line, i) for i, w in enumerate(words)], row.line, row.table,
                               row.line_end, "words"))
                continue
        if row.separator == "line" and len(row.cells) == 1:
            words = _words_hold_labels(row.cells[0].text)
            if words is not None:
                out.append(Row([Cell(w, row.line, i) for i, w in enumerate(words)], row.line, row.table,
                               row.line_end, "words"))
                continue
            pieces = cut_glued(_CJK_GAP.sub("", row.cells[0].text))
            if pieces and len(pieces) > 1:
                out.append(Row([Cell(p, row.line, i) for i, p in enumerate(pieces)], row.line, row.table,
                               row.line_end, "glued"))
                continue
        out.append(row)
    return out
