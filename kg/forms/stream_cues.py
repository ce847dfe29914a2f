"""Cues of a stream of single cells (a form's text one cell per line or as single-space words) that the
indicator-table reader (:mod:`kg.forms.table`) takes from the national template: its placeholder rows, the rows
that close a form, categories wrapped over two lines, and rows whose target was left blank."""

from __future__ import annotations

import re
from decimal import Decimal

from kg.cells.model import Cell
from kg.forms import labels
from kg.forms import vocabulary as vocab

PLACEHOLDER = re.compile(vocab.L3_NUMBERING)
# a row under the indicators that closes the form (说明 | 无, 评价结论 | …), glued to its value
FOOT_ROW = re.compile(r"^(?:" + "|".join(map(re.escape, vocab.FOOT_LABELS)) + r")(?:[:：]|无$|$)")


def wrapped_category(toks: list[tuple[int, Cell]], i: int) -> str | None:
    """A 一级/二级 category printed over two lines (``可持续影`` / ``响指标``, ``服务对象`` / ``满意度指标``)."""
    if i + 1 >= len(toks):
        return None
    a, b = toks[i][1].text.strip(), toks[i + 1][1].text.strip()
    is_cat = [any(labels.category(x, lvl) for lvl in ("l1", "l2")) for x in (a, b)]
    if not labels.canon(a) or not labels.canon(b) or all(is_cat):
        return None
    joined = a + b  # 经济效益 / 指标 too: a category itself, the longer name printed whole
    return joined if any(labels.category(joined, lvl) for lvl in ("l1", "l2")) else None


_SCORE_FIGURE = re.compile(r"\d{1,3}(?:\.\d{1,2})?")


def only_scored(toks: list[tuple[int, Cell]], i: int, after: list[str]) -> bool:
    """A self-evaluated row (a line of single-space cells) whose name is followed by exactly two bare figures,
    the second no more than the first, in a table whose 分值 and 得分 come after its 指标值 and 完成值: the blank
    target and achieved cells were dropped, and the figures are the mandatory 分值 and 得分."""
    if not all(k in after for k in ("value", "actual", "weight", "score")) or \
            after.index("weight") < after.index("actual"):
        return False
    run = []
    for _ri, c in toks[i:i + 3]:
        if not _SCORE_FIGURE.fullmatch(c.text.strip()) or c.line != toks[i][1].line:
            break
        run.append(c.text.strip())
    return len(run) == 2 and Decimal(run[1]) <= Decimal(run[0])


def reason_goes_on(toks: list[tuple[int, Cell]], i: int, rows: list, ri: int, is_boundary, value_like) -> bool:
    """The next token continues a reason just read: same line of single-space cells, not a category, label or
    template numbering, not a figure, and not an indicator's name (a name is followed by its target)."""
    rj, cell = toks[i]
    if rj != ri or rows[ri].separator not in ("line", "words"):
        return False
    text = cell.text
    if is_boundary(text) or value_like(text) or PLACEHOLDER.match(text) or FOOT_ROW.match(text):
        return False
    last_on_line = i + 1 >= len(toks) or toks[i + 1][0] != ri
    # a name beside a reason would be followed by its target on the line; a piece of a sentence has its commas
    return last_on_line or bool(_SENTENCE.search(text)) and not value_like(toks[i + 1][1].text)


_SENTENCE = re.compile(r"[，,；;。]")
