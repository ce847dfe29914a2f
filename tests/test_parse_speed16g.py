"""Parse shortcuts of issue 16's sixth pass, each checked against the code it replaces: the detectors' line scans,
the pdf_wrapped tail cut and department searches, clean_text without its pattern, prose_final's fold."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.layouts import cell_per_line, pdf_wrapped, prose_final, tabbed
from kg.layouts.cell_per_line import family as cpl_family
from kg.layouts.cell_per_line.cells import TABLE_LABEL as CPL_LABEL
from kg.layouts.linescan import count_nonblank, lines_starting, lines_with
from kg.layouts.pdf_wrapped import family as pw_family
from kg.layouts.pdf_wrapped import tables as pw_tables
from kg.layouts.pdf_wrapped.text import Line, Section, join_wrapped
from kg.layouts.prose_final.text import _FULLWIDTH, lines_to_prose
from kg.layouts.tabbed.tables import TITLE_RE
from kg.normalize import _TAG, _WS, clean_text, parse_decimal
from kg.paths import bundled_data_dir
from kg.reading import SourceText, read_source
from tests.test_parse_speed16f import _classifications_before, _tail_start_by_search

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ALL_TEXTS = sorted(bundled_data_dir().glob("*.txt")) + sorted(FIXTURES.glob("*/*.txt"))
LINE_TEXT = st.text(alphabet="表一：:\t \u3000\r\n12a决算具体指标", max_size=60)


def _src(text: str) -> SourceText:
    return SourceText("t.txt", "t.txt", text, "utf-8", "0")


@settings(max_examples=400, deadline=None)
@given(LINE_TEXT, st.sampled_from(["表", " ", "\t", "表一"]))
def test_line_scans_equal_the_loops(text: str, needle: str) -> None:
    lines = text.split("\n")
    for given_lines in (None, lines):  # found one by one, or by the loop when many lines hold the needle
        assert lines_starting(text, needle, given_lines) == [ln for ln in lines if ln.startswith(needle)]
        assert lines_with(text, needle, given_lines) == [ln for ln in lines if needle in ln]
    assert count_nonblank(lines) == sum(1 for ln in lines if ln.strip())


def _tabbed_titles_before(src: SourceText) -> int:
    return sum(1 for line in src.lines if line[:1] == "表" and TITLE_RE.match(line.rstrip()))


def _cell_per_line_counts_before(text: str) -> tuple[int, int, int]:
    nonempty = one = labels = 0
    for ln in text.split("\n"):
        if not ln.strip():
            continue
        nonempty += 1
        if ln[:1] == "\t" and ln.find("\t", 1) < 0:
            one += 1
        if "表" in ln and CPL_LABEL.match(ln):
            labels += 1
    return nonempty, one, labels


def _pdf_wrapped_counts_before(src: SourceText) -> tuple[int, int, int, int]:
    labels = blanks = page_starts = tabs = 0
    for ln in src.lines[:pw_family.DETECT_MAX_LINES]:
        s = ln.strip()
        if not s:
            blanks += 1
        elif s[0] == "表" and pw_family.TABLE_LABEL.match(s):
            labels += 1
        if ln[:1] == " " and ln[1:2].strip():
            page_starts += 1
        if "\t" in ln:
            tabs += 1
    return labels, blanks, page_starts, tabs


def _counts_now(src: SourceText) -> tuple:  # type: ignore[type-arg]
    text, lines = src.text, src.lines
    head_lines = lines[:pw_family.DETECT_MAX_LINES]
    head = text if len(head_lines) == len(lines) else "\n".join(head_lines)
    return (
        sum(1 for ln in lines_starting(text, "表") if TITLE_RE.match(ln.rstrip())),
        (count_nonblank(lines), sum(1 for ln in lines_starting(text, "\t") if ln.find("\t", 1) < 0 and ln.strip()),
         sum(1 for ln in lines_with(text, "表") if CPL_LABEL.match(ln))),
        (sum(1 for ln in lines_with(head, "表") if (s := ln.strip())[:1] == "表" and pw_family.TABLE_LABEL.match(s)),
         len(head_lines) - count_nonblank(head_lines),
         sum(1 for ln in lines_starting(head, " ") if ln[1:2].strip()), len(lines_with(head, "\t"))),
    )


def test_cell_per_line_detect_reads_tab_led_texts_in_one_pass() -> None:
    text = "\n".join(["\t表一：收支总表", "\t名称", "", "\t项目\t金额", "\t具体指标"] * 5)
    src = _src(text)
    nonempty, one, labels = cpl_family._line_counts(src.lines)
    assert (nonempty, one, labels) == _cell_per_line_counts_before(text) == (20, 15, 5)
    assert cell_per_line.detect(src) == 1.0


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["表一：收支总表", "表 3", " 表1", "\t项目\t金额", "\t名称", "", "  ", " 合 计 12",
                                 "表十二：\t", "\r", "具体指标"]), max_size=12).map("\n".join))
def test_detector_counts_equal_the_loops(text: str) -> None:
    src = _src(text)
    assert _counts_now(src) == (_tabbed_titles_before(src), _cell_per_line_counts_before(text),
                                _pdf_wrapped_counts_before(src))


@pytest.mark.parametrize("path", ALL_TEXTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_detector_counts_on_every_document(path: Path) -> None:
    src = read_source(path)
    assert _counts_now(src) == (_tabbed_titles_before(src), _cell_per_line_counts_before(src.text),
                                _pdf_wrapped_counts_before(src))
    for mod in (tabbed, cell_per_line, prose_final, pdf_wrapped):  # the scores are in [0, 1] and repeatable
        assert 0.0 <= mod.detect(src) <= 1.0 and mod.detect(src) == mod.detect(read_source(path))


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="a表 \t\n\r\u3000\u00a0\ufeff\x1c\u2028<p>/P", max_size=30))
def test_clean_text_equals_the_pattern(s: str) -> None:
    want = _WS.sub("", _TAG.sub("", s)) or None
    clean_text.cache_clear()
    assert clean_text(s) == want


ROW = st.lists(st.sampled_from(["2010301-", "行政运行", " ", "35.14", "1,2", "-", "30101-", "ab", "50101-", "12",
                                "-5.00", "３", "\u3000", ".", "+", ",", "0", "5", "\t"]), max_size=12).map("".join)


@settings(max_examples=600, deadline=None)
@given(ROW)
def test_tail_cut_and_coded_names_equal_the_whole_text_cut(text: str) -> None:
    assert pw_tables.numeric_tail_start(text) == _tail_start_by_search(text)
    before = pw_tables._coded_names(pw_tables.CODE_DASH.split(_tail_start_by_search(text)))
    assert pw_tables.coded_names(text) == before


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["表3", "行政", "2024-2026", "2010301 行政运行 12.00", "合计 1.00", "a-b", "2010301-行政运行",
                                 "30101-", "基本工资 3.00", "12345", "-6"]), max_size=8))
def test_classifications_with_the_code_dash_test_equal_the_grouped_scan(texts: list[str]) -> None:
    sec = Section("表3", "支出表", None, 1, [Line(n, t) for n, t in enumerate(texts, 2)])
    assert pw_tables.classifications(sec, "f") == _classifications_before(sec, "f")
    if not pw_tables.may_print_code_dash(sec.lines):  # never a wrong no: no joined run of lines holds a code-dash
        assert not any(pw_tables.CODE_DASH.search(join_wrapped(texts[i:j]))
                       for i in range(len(texts)) for j in range(i + 1, len(texts) + 1))


@pytest.mark.parametrize("path", sorted((FIXTURES / "prose_final").glob("*.txt")) + [bundled_data_dir() /
                                                                                        "002_706ba5c3936f72a8.txt"],
                         ids=lambda p: p.name)
def test_prose_without_fold_equals_the_folded_lines(path: Path) -> None:
    src = read_source(path)
    prose = lines_to_prose(src)
    assert prose.text == "".join(clean_text(ln.translate(_FULLWIDTH)) or "" for ln in src.lines)
    assert prose.heading_offsets == [h.offset for h in prose.headings]


def test_prose_with_full_width_digits_is_folded() -> None:
    prose = lines_to_prose(_src("支出合计１２３．４５万元\n"))
    assert prose.text == "支出合计123.45万元"
    assert re.search(r"123\.45", prose.text)


def _parse_decimal_before(text: str | None) -> Decimal | None:
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", _TAG.sub("", text)).strip()
    if not t or not re.match(r"^[+-]?[\d,，\s]*\.?[\d\s]*$", t) or not any(c.isdigit() for c in t):
        return None
    try:
        return Decimal(re.sub(r"[\s,，]", "", t))
    except InvalidOperation:
        return None


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="0123456789,，.+- \n１<p>a", max_size=14))
def test_parse_decimal_plain_path_equals_the_normalising_path(text: str) -> None:
    got, want = parse_decimal.__wrapped__(text), _parse_decimal_before(text)
    assert (str(got) if got is not None else None) == (str(want) if want is not None else None)
