"""Project target forms of family E (项目支出绩效目标申报表): pieces → forms → goal text and indicator rows.

A form opens with ``<项目编码>-<name>`` (wrapped), its category (31-部门项目), its amounts, then the goal text and the
indicator rows. A row opens with a 一级指标 name at a line start once the previous row has its operator; cells
are l1, l2, l3, operator, value, unit, direction in that order. A page break inside a form may interleave goal
text and rows: after a finished row, a page-start line that opens no row resumes the goal; so does one after an
unfinished row when the goal is unfinished and a goal sentence ends before the next row. Once the resumed goal
has ended, a loose piece finishes the row the page cut (its wrapped value, or its remaining cells). A head without
a project code is found by :mod:`kg.layouts.pdf_wrapped.heads`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.layouts.pdf_wrapped.heads import Head, codeless_heads
from kg.layouts.pdf_wrapped.text import (
    L1_VOCAB,
    L2_NAMES,
    Frag,
    Section,
    despace,
    extends_scale,
    frags_of,
    is_number,
    is_plain_unit,
    l2_length,
    operator_of,
    value_unit_of,
)
from kg.model import Indicator, Provenance
from kg.normalize import clean_text, parse_decimal

# A project code opening a form: 11010223T000001962578-西….
FORM_CODE = re.compile(r"^(\d{6,}[A-Z]{0,2}\d{4,})-(.*)$")
# A code cut by the wrap before its hyphen: 11010223T00000 / 1962578-….
CODE_HEAD = re.compile(r"^\d{6,}[A-Z]{0,2}\d*$")
CODE_TAIL = re.compile(r"^\d*-")
# A 项目类别 cell: 31-部门项目.
CATEGORY = re.compile(r"^\d{1,2}-\D")
# Most line pieces an l1 name may be wrapped over.
L1_MAX_PIECES = 3
# Confidence of a row that a page break separated from its form's head.
PAGE_BREAK_CONFIDENCE = 0.95
# Confidence of an l1 taken from the row above (l1 printed once over a merged cell).
MERGED_L1_CONFIDENCE = 0.9
# Characters ending a goal sentence (a goal cut by a page break resumes until one of them).
GOAL_END = ("。", "！", "!")


@dataclass
class Row:
    l1: str
    frags: list[Frag] = field(default_factory=list)
    l1_pieces: int = 1  # leading pieces that print l1 (0: l1 merged over rows, taken from the row above)
    op_at: int | None = None
    op: str | None = None
    page_break: bool = False

    def add(self, f: Frag) -> None:
        op = operator_of(f.text) if self.op is None else None
        if op:
            self.op, self.op_at = op, len(self.frags)
        self.frags.append(f)

    @property
    def finished(self) -> bool:
        """Has its operator and, after it, a value."""
        return self.op_at is not None and len(self.frags) > self.op_at + 1


@dataclass
class Form:
    code: str | None
    name_parts: list[str]
    line_no: int = 0
    category_parts: list[str] = field(default_factory=list)
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)
    goal_parts: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    frags: list[Frag] = field(default_factory=list)

    @property
    def line_end(self) -> int:
        return self.frags[-1].line.no if self.frags else self.line_no

    @property
    def name(self) -> str:
        return despace("".join(self.name_parts))

    @property
    def category(self) -> str | None:
        return clean_text("".join(self.category_parts))

    @property
    def goal(self) -> str | None:
        return clean_text("".join(self.goal_parts))


def merge_wrapped_codes(frags: list[Frag]) -> list[Frag]:
    """Rejoin a project code cut before its hyphen (11010223T0000 / 01962578-外…)."""
    out: list[Frag] = []
    for f in frags:
        prev = out[-1] if out else None
        if prev and prev.alone and f.first and CODE_HEAD.match(prev.text) and CODE_TAIL.match(f.text):
            out[-1] = Frag(prev.text + f.text, prev.line, True, f.alone)
        else:
            out.append(f)
    return out


def l1_at(frags: list[Frag], i: int, vocab: frozenset[str] = L1_VOCAB) -> int:
    """Pieces (1..3) starting at ``i`` that spell a name of ``vocab`` (一级指标) at a line start, else 0."""
    if not frags[i].first:
        return 0
    text = ""
    for k in range(L1_MAX_PIECES):
        if i + k >= len(frags) or (k and not (frags[i + k].first and frags[i + k - 1].alone)):
            return 0
        text += frags[i + k].text
        if text in vocab:
            return k + 1
    return 0


def forms_of(section: Section, known_names: frozenset[str] = frozenset()) -> tuple[list[Form], list[str]]:
    """The section's pieces → forms (head, goal, rows); problems found along the way. ``known_names`` (the
    project table's names) help to cut the name of a head printed without a project code."""
    frags = merge_wrapped_codes(frags_of(section.lines))
    heads = codeless_heads(frags, known_names)
    forms: list[Form] = []
    problems: list[str] = []
    form: Form | None = None
    state = "head"
    row: Row | None = None
    cut: Row | None = None  # the row a page break cut while the goal resumes
    i = 0
    while i < len(frags):
        f = frags[i]
        m = FORM_CODE.match(f.text) if f.first else None
        if m or i in heads:
            form = Form(m.group(1), [m.group(2)] if m.group(2) else [], line_no=f.line.no) if m else \
                _codeless_form(heads[i], frags)
            forms.append(form)
            state, row, cut = ("name", None, None) if m else ("goal", None, None)
            i = i + 1 if m else heads[i].end
            continue
        if form is None:
            i += 1
            continue
        form.frags.append(f)
        if state in ("name", "category", "amounts"):
            state = _head_piece(form, f, state)
            if state != "goal":
                i += 1
                continue
        may_open = row is None or row.op is not None
        n = l1_at(frags, i) if may_open else 0
        if n:
            row = Row("".join(x.text for x in frags[i:i + n]), list(frags[i:i + n]), n,
                      page_break=_after_page_break(form, f))
            form.rows.append(row)
            cut = None
            i += n
            continue
        if may_open and form.rows and l1_at(frags, i, L2_NAMES):
            # l1 printed once for several rows (merged cell): the row opens with its l2 name
            row = Row(form.rows[-1].l1, [], 0, page_break=_after_page_break(form, f))
            form.rows.append(row)
            cut = None
        if row is None and cut is not None and _finishes_cut_row(form, cut, f):
            row = cut
        if row is not None and f.first and f.line.page_start and _goal_resumes(form, row, frags, i):
            row, cut = None, row
        if row is not None:
            row.add(f)
        else:
            form.goal_parts.append(f.text)
        i += 1
    for fm in forms:
        problems.extend(f"line {r.frags[0].line.no}: indicator row without operator in {section.label}"
                        for r in fm.rows if r.op is None)
    return forms, problems


def _codeless_form(head: Head, frags: list[Frag]) -> Form:
    form = Form(None, [head.name], line_no=frags[head.start].line.no,
                category_parts=[head.category] if head.category else [], amounts=list(head.amounts))
    form.frags.extend(frags[head.start:head.end])
    return form


def _goal_ended(form: Form) -> bool:
    return bool(form.goal_parts) and form.goal_parts[-1].endswith(GOAL_END)


def _goal_resumes(form: Form, row: Row, frags: list[Frag], i: int) -> bool:
    """At a page-start piece inside a row: whether the goal cell's text resumes here (before the row's rest).
    After a finished row it does unless the piece finishes the row's value; after an unfinished one only if the goal is unfinished and a line ending a
    goal sentence comes before the next operator or row."""
    if row.finished:
        return not _finishes_cut_row(form, row, frags[i])
    if _goal_ended(form):
        return False
    for k in range(i, len(frags)):
        text = frags[k].text
        if operator_of(text) or l1_at(frags, k) or FORM_CODE.match(text):
            return False
        if text.endswith(GOAL_END):
            return True
    return False


def _finishes_cut_row(form: Form, cut: Row, f: Frag) -> bool:
    """After the resumed goal ended: a piece that the cut row still needs (remaining cells, wrapped value/unit)."""
    if not _goal_ended(form):
        return False
    if not cut.finished:
        return True
    tail = "".join(x.text for x in cut.frags[(cut.op_at or 0) + 1:])
    if cut.op == "定性":
        return extends_scale(tail, f.text)
    _, unit, _ = value_unit_of(cut.op or "", [x.text for x in cut.frags[(cut.op_at or 0) + 1:]])
    return unit is None and f.alone and is_plain_unit(despace(f.text))


def _head_piece(form: Form, f: Frag, state: str) -> str:
    """Feed one head piece (name, category, amounts); return the next state (goal once amounts end)."""
    if state == "amounts" and (f.first or not is_number(f.text)):
        return "goal"
    if _in_numeric_tail(f):
        d = parse_decimal(f.text)
        if d is not None:
            form.amounts.append((f.text, d))
        return "amounts"
    if state == "name" and CATEGORY.match(f.text):
        form.category_parts.append(f.text)
        return "category"
    (form.category_parts if state == "category" else form.name_parts).append(f.text)
    return state


def _in_numeric_tail(f: Frag) -> bool:
    """An amount cell of the head: a number in the closing run of numbers of its line (not 2024 in a goal)."""
    toks = f.line.tokens
    k = len(toks)
    while k and is_number(toks[k - 1]):
        k -= 1
    return is_number(f.text) and f.text in toks[k:]


def _after_page_break(form: Form, f: Frag) -> bool:
    """Whether a page starts between the form's head and this piece."""
    return any(x.line.page_start and form.line_no < x.line.no <= f.line.no for x in form.frags)


def indicator_of(row: Row, file: str, table: str) -> Indicator:
    """A row's pieces → Indicator: l1, then l2 (shortest join that is a 二级指标 name), l3, operator, tail."""
    n_l1 = row.l1_pieces
    op_at = row.op_at if row.op_at is not None else len(row.frags)
    pre = [x.text for x in row.frags[n_l1:op_at]]
    k = l2_length(pre)
    l2 = despace("".join(pre[:k])) or None
    l3 = despace("".join(pre[k:])) or None
    tail = [x.text for x in row.frags[op_at + 1:]]
    value, unit, direction = value_unit_of(row.op, tail) if row.op else (None, None, None)
    lines = sorted({x.line.no: x.line.text for x in row.frags}.items())
    prov = Provenance(file, table, lines[0][0], lines[-1][0])
    link, confidence = ("page_break_join", PAGE_BREAK_CONFIDENCE) if row.page_break else ("form", 1.0)
    if not n_l1:
        link, confidence = "merged_cell_repair:l1_from_row_above", MERGED_L1_CONFIDENCE
    return Indicator(row.l1, l2, l3, row.op, value, unit, direction, text="\t".join(t for _, t in lines),
                     provenance=prov, link_method=link, confidence=confidence)
