"""Parse shortcuts of issue 16's fourth pass, each checked against the code it replaces on random inputs."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from kg.forms import labels
from kg.layouts.prose_final.projects import _NAME_USE, _used_as_subject

NAMES = st.text(alphabet="年度预算综合评价项目接诉办理.*(", min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(NAMES, st.text(alphabet="年度预算综合评价项目接诉办理.*(，。", max_size=40))
def test_used_as_subject_equals_the_pattern(name: str, body: str) -> None:
    assert _used_as_subject(name, body) == bool(re.search(re.escape(name) + _NAME_USE, body))


def _fuzzy_before(c: str, kind: str) -> tuple[int, str] | None:
    """The fuzzy step of :func:`kg.forms.labels.match` before the fourth pass: every variant, every time."""
    limit = labels._max_edits(len(c), kind)
    if not limit:
        return None
    best: tuple[int, str] | None = None
    for variant in labels._lookup(kind):
        allowed = min(limit, labels._max_edits(len(variant), kind))
        if allowed < 1 or abs(len(variant) - len(c)) > allowed:
            continue
        d = Levenshtein.distance(c, variant, score_cutoff=allowed)
        if d <= allowed and (best is None or d < best[0]):
            best = (d, variant)
    return best


def _fuzzy_now(c: str, kind: str) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for variant, allowed in labels._candidates(kind, len(c)):
        d = Levenshtein.distance(c, variant, score_cutoff=allowed)
        if d <= allowed and (best is None or d < best[0]):
            best = (d, variant)
    return best


LABEL_CHARS = "".join(sorted({ch for kind in ("field", "column") for v in labels._lookup(kind) for ch in v}))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["field", "column"]), st.text(alphabet=LABEL_CHARS, min_size=1, max_size=14))
def test_fuzzy_candidates_give_the_same_match(kind: str, text: str) -> None:
    assert _fuzzy_now(text, kind) == _fuzzy_before(text, kind)


def test_fuzzy_candidates_match_near_misses_of_real_labels() -> None:
    for kind in ("field", "column"):
        for v in list(labels._lookup(kind))[:80]:
            for c in {v[1:], v[:-1], v[:1] + "x" + v[2:], v + "的"}:
                if c:
                    assert _fuzzy_now(c, kind) == _fuzzy_before(c, kind), (kind, c)


def _lines_to_rows_before(lines: list[str]) -> list:
    """:func:`kg.layouts.cell_per_line.cells.lines_to_rows` before the fourth pass."""
    from kg.layouts.cell_per_line.cells import PAGE_BREAK_CHARS, Cell, Row, is_free_line

    rows: list = []
    current = None
    last = None
    after_blank = True
    for no, raw in enumerate(lines, start=1):
        line = raw.strip(PAGE_BREAK_CHARS).rstrip("\r")
        blank = not line.strip()
        blank_before, after_blank = after_blank, blank
        if line[:1] == "\t":
            if current is None:
                current = Row([], no, no)
                rows.append(current)
            cells = [Cell(part, no, no) for part in line[1:].split("\t")]
            current.cells.extend(cells)
            current.line_end = no
            last = (current, cells[-1])
        elif blank:
            current = None
        elif last is None or is_free_line(line, blank_before):
            rows.append(Row([Cell(line, no, no)], no, no, free=True))
            current, last = None, None
        else:
            row, cell = last
            cell.text += "\n" + line
            cell.line_end = row.line_end = no
    return rows


def _shape(rows: list) -> list:
    return [(r.line_start, r.line_end, r.free, [(c.text, c.line_start, c.line_end) for c in r.cells]) for r in rows]


LINE_PARTS = st.sampled_from(["\t", "\f", "\r", " ", "", "表一：", "（2019年度）", "项目名称", "1.", "申报表", "明细表",
                              "金额", "x" * 45])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(LINE_PARTS, max_size=5).map("".join), max_size=25))
def test_lines_to_rows_equals_the_previous_version(lines: list[str]) -> None:
    from kg.layouts.cell_per_line.cells import lines_to_rows

    assert _shape(lines_to_rows(lines)) == _shape(_lines_to_rows_before(lines))
