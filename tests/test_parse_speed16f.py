"""Parse shortcuts of issue 16's fifth pass (numbered_tables, pdf_wrapped): whole documents unchanged, and each
rewritten function checked against the code it replaces on random inputs."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import extract_source
from kg.layouts.numbered_tables import assign
from kg.layouts.numbered_tables.grid import Row, header_index
from kg.layouts.numbered_tables.solve import Solver
from kg.layouts.pdf_wrapped import family as pw_family
from kg.layouts.pdf_wrapped import text as text_mod
from kg.layouts.pdf_wrapped.tables import (
    CODE_DASH,
    CODE_SPACE_NAME,
    LAST_NUMBER,
    classifications,
    coded_names,
    money_row,
    numeric_tail_start,
    rows_by_numeric_tail,
)
from kg.layouts.pdf_wrapped.text import Line, Section, despace, is_number, join_wrapped
from kg.model import Classification, Provenance
from kg.normalize import clean_text
from kg.paths import bundled_data_dir
from kg.reading import read_source

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# sha256 (first 16 hex) of each document's to_dict() as JSON, taken before the fifth pass
BEFORE = {
    "003_3ef0f7294640413f.txt": "0da3a753e628883c",
    "004_91149ae9a9862230.txt": "5e2bed8f6c08870a",
    "numbered_tables/a_single_project_no_benji_2024.txt": "dd4b6aa3303635e2",
    "numbered_tables/b_eleven_projects_2025.txt": "6e6f38b40169dab7",
    "numbered_tables/c_no_dept_table_yuan.txt": "88d75841c4ae3c6c",
    "numbered_tables/d_conflicting_evidence_2027.txt": "51f83d9408efbe82",
    "pdf_wrapped/a_one_project_codeless_form.txt": "bdbb22d4c14ea1fc",
    "pdf_wrapped/b_eleven_projects_page_breaks.txt": "5ea1f1e8462ef475",
    "pdf_wrapped/c_yuan_tables_missing_optional.txt": "3f190d7d2ca016d0",
    "pdf_wrapped/d_department_table_wrapped_names.txt": "88cc3050d1cc4752",
}


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_document_unchanged(name: str) -> None:
    path = (FIXTURES / name) if "/" in name else bundled_data_dir() / name
    if not path.exists():
        pytest.skip(f"{name} absent")
    d = extract_source(read_source(path)).to_dict()
    text = json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == BEFORE[name]


TAILS = st.text(alphabet="0123456789,.+- \t支出合计a-", max_size=30)


def _tail_start_by_search(text: str) -> str:
    """The row's text before its amounts, cut by LAST_NUMBER searched in the whole text (before the sixth pass)."""
    head = text.rstrip()
    while (m := LAST_NUMBER.search(head)) is not None:
        head = head[: m.start()]
        if not head or not head[-1].isspace():
            break
    return head


@settings(max_examples=400, deadline=None)
@given(TAILS)
def test_numeric_tail_start_equals_the_whole_text_search(text: str) -> None:
    assert numeric_tail_start(text) == _tail_start_by_search(text)


ROW_TEXT = st.text(alphabet="2010301-行政运行 35.1\u3000ab", min_size=1, max_size=25).filter(str.strip)


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW_TEXT, min_size=1, max_size=5))
def test_coded_names_and_row_grouping_equal_money_row(texts: list[str]) -> None:
    lines = [Line(n, t.strip()) for n, t in enumerate(texts, 1)]
    assert coded_names(join_wrapped([ln.text for ln in lines])) == money_row(lines).codes
    rows: list[list[Line]] = []
    cur: list[Line] = []
    for ln in lines:  # rows_by_numeric_tail before: every token of the line split off
        cur.append(ln)
        if ln.tokens and is_number(ln.tokens[-1]):
            rows, cur = [*rows, cur], []
    assert rows_by_numeric_tail(lines) == (rows, cur)


CELLS = st.lists(st.text(alphabet="项目 支出<p>\0名称代码", max_size=6), max_size=6)


@settings(max_examples=300, deadline=None)
@given(CELLS, st.lists(st.text(alphabet="项目支出名称", min_size=1, max_size=3), min_size=1, max_size=3))
def test_header_index_equals_the_cell_scan(cells: list[str], words: list[str]) -> None:
    want = next((i for i, c in enumerate(cells) if any(w in (clean_text(c) or "") for w in words)), None)
    assert header_index(Row(1, cells), *words) == want


def _best_before(solver: Solver, ranges: dict[int, tuple[int, int]]) -> list[int]:
    """:meth:`Solver.best` before the fifth pass (``max`` with a key function, no reused prefix)."""
    if solver.n == 1:
        return []
    opts = [range(ranges.get(g, (0, len(gap)))[0], ranges.get(g, (0, len(gap)))[1] + 1)
            for g, gap in enumerate(solver.gaps)]
    value = {s: solver.seg(0, None, s)[0] for s in opts[0]}
    back: list[dict[int, int]] = []
    for k in range(1, solver.n - 1):
        nv, bk = {}, {}
        for s in opts[k]:
            bp = max(opts[k - 1], key=lambda sp, s=s, k=k: (value[sp] + solver.seg(k, sp, s)[0], sp))
            nv[s], bk[s] = value[bp] + solver.seg(k, bp, s)[0], bp
        value = nv
        back.append(bk)
    s = max(opts[-1], key=lambda sp: (value[sp] + solver.seg(solver.n - 1, sp, None)[0], sp))
    splits = [s]
    for bk in reversed(back):
        s = bk[s]
        splits.append(s)
    return list(reversed(splits))


NAMES = st.sampled_from(["满意度", "接诉办理", "办理率", "培训人数", "成本", None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, st.sampled_from(["%", "人", "万元"]), st.sampled_from(["90", "1"])),
                min_size=3, max_size=12), st.lists(st.integers(0, 11), min_size=2, max_size=4, unique=True))
def test_split_search_equals_the_keyed_max(rows: list[tuple], heads: list[int]) -> None:
    heads = sorted(h for h in heads if h < len(rows)) or [0]
    items = [assign.Item(i, "产出指标", "数量指标", l3, "≥", v, u, heads.index(i) if i in heads else None)
             for i, (l3, u, v) in enumerate(rows)]
    projects = [assign.Candidate(f"项目{k}接诉", f"项目{k}接诉办理", Decimal(k), h) for k, h in enumerate(heads)]
    gaps, fixed = assign._layout(items, projects)
    ev = assign._Evidence(items, projects, [], {}, dict(fixed), True, dict(fixed))
    solver = Solver(gaps, fixed, ev, len(projects))
    assert solver.best() == _best_before(solver, {})
    for g, gap in enumerate(gaps):
        for rng in ((0, j) for j in range(len(gap) + 1)):
            assert solver.best({g: rng}) == _best_before(solver, {g: rng})


def _department_code_before(lines: list[Line], department: str | None) -> str | None:
    tokens = [t for ln in lines for t in ln.tokens]
    names = [n for n in (department, pw_family._without_city(department)) if n]
    by_name = None
    for i, tok in enumerate(tokens):
        m = pw_family.UNIT_CODE.match(tok)
        if not m:
            continue
        after = despace((m.group(2) or "") + "".join(tokens[i + 1:i + 1 + pw_family.UNIT_NAME_TOKENS]))
        if pw_family.OWN_UNIT_NAME.match(after):
            return m.group(1)
        if by_name is None and any(after.startswith(n) for n in names):
            by_name = m.group(1)
    return by_name


UNIT_TEXT = st.lists(st.sampled_from(["202001", "2020011", "202002-", "北京市", "城管委", "（本级）", "x", "12",
                                      "202003-城管委（本级）", "２０２００４", "a202005", "202006－市"]),
                     min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(UNIT_TEXT, min_size=1, max_size=6), st.sampled_from([None, "北京市城管委", "城管委"]))
def test_department_code_equals_the_token_scan(texts: list[str], department: str | None) -> None:
    lines = [Line(n, t) for n, t in enumerate(texts, 1)]
    assert pw_family.department_code_of(lines, department) == _department_code_before(lines, department)


def _department_before(prose: list[Line]) -> str | None:
    votes: dict[str, int] = {}
    for i in range(len(prose)):
        text = despace("".join(ln.text for ln in prose[i:i + pw_family.DEPARTMENT_JOIN_LINES]))
        for pat in pw_family.DEPARTMENT_PATTERNS:
            m = pat.match(text)
            if m and not pw_family.DEPARTMENT_BAD_CHARS.search(m.group(1)):
                votes[m.group(1)] = votes.get(m.group(1), 0) + 1
    return max(votes, key=lambda k: (votes[k], len(k))) if votes else None


PROSE = st.lists(st.sampled_from(["北京市城市管理委员会", "（简称", "市城管委）", "行政 编制", "事业编制", "预算中", "，", "x"]),
                 min_size=1, max_size=4).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(PROSE, min_size=1, max_size=6))
def test_department_equals_the_pattern_scan(texts: list[str]) -> None:
    prose = [Line(n, t) for n, t in enumerate(texts, 1)]
    assert pw_family.department_of(prose) == _department_before(prose)


def _classifications_before(section: Section, file: str) -> list:  # type: ignore[type-arg]
    out = []
    groups, rest = rows_by_numeric_tail(section.lines)
    for g in [*groups, rest] if rest else groups:
        joined = join_wrapped([ln.text for ln in g])
        if "-" in joined and CODE_DASH.search(joined):
            prov = Provenance(file, section.label, g[0].no, g[-1].no)
            out.extend(Classification(c.scheme, c.code, c.name, prov) for c in money_row(g).codes if c.name)
        for ln in g:
            m = CODE_SPACE_NAME.match(ln.text)
            if m:
                out.append(Classification("function", m.group(1), m.group(2), Provenance(file, section.label,
                                                                                          ln.no, ln.no)))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["2010301-行政运行", "2010301", "行政", "35.14", "1,2", "-", "30101-基本工资",
                                          "ab", "50101-"]), min_size=1, max_size=4).map(" ".join), max_size=8))
def test_classifications_equal_the_grouped_scan(texts: list[str]) -> None:
    sec = Section("表3", "支出表", None, 1, [Line(n, t.strip()) for n, t in enumerate(texts, 2)])
    assert classifications(sec, "f") == _classifications_before(sec, "f")


@pytest.mark.parametrize("path", sorted((FIXTURES / "pdf_wrapped").glob("*.txt")), ids=lambda p: p.name)
def test_source_lines_equal_constructed_lines(path: Path) -> None:
    src = read_source(path)
    want = [Line(no, raw.strip(), raw.startswith(text_mod.PAGE_START_CHARS))
            for no, raw in enumerate(src.lines, 1) if raw.strip()]
    got = text_mod.source_lines(src)
    assert got == want and [hash(x) for x in got] == [hash(x) for x in want]
