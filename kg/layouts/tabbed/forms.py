"""Family A, step 3: the project target table (表十三 项目支出绩效目标申报表) → one form per project.

Rows are classified by structure, not by content:
- a *project row* has the name cell and a number in an amount cell (总额 / 财政资金);
- an *indicator row* has an operator or a value (or an 一级/二级 label) in the indicator columns;
- any other row is a *continuation* of the row above cut by a page break: its fragments are appended to
  the same column of the project (name, category, goal …) or of the last indicator (三级指标 …); a fragment
  landing in a label column (一级/二级/性质) is given to the nearest free-text column.
Rows whose leading tabs were lost (cells shifted left, empties trailing) are realigned on the operator cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.layouts.tabbed.budget import PROJECT_CODE_RE, column_labels, find_column, header_rows
from kg.layouts.tabbed.tables import Row, Table, choose_field, realign
from kg.model import Indicator, ParseWarning, Provenance
from kg.normalize import clean_text, normalize_op, parse_decimal, split_value_unit

# Standard column positions of the 15-column form, used where the header names none.
DEFAULT_COLUMNS = {"name": 0, "category": 1, "owner": 2, "phone": 3, "total": 4, "fiscal": 5, "other": 6,
                   "goal": 7, "l1": 8, "l2": 9, "l3": 10, "op": 11, "value": 12, "unit": 13, "direction": 14}
HEADER_KEYWORDS = {"name": ("项目名称",), "category": ("类别",), "owner": ("责任人",), "phone": ("电话",),
                   "total": ("总额",), "fiscal": ("财政",), "other": ("其他",), "goal": ("绩效目标",),
                   "l1": ("一级",), "l2": ("二级",), "l3": ("三级",), "op": ("性质",), "value": ("指标值",),
                   "unit": ("度量",), "direction": ("方向",)}
PROJECT_FIELDS = ("name", "category", "owner", "goal")  # free-text fields of the project part
INDICATOR_TEXT_FIELDS = ("l3", "value", "unit")  # free-text fields of an indicator
LABEL_FIELDS = ("l1", "l2", "direction")  # label fields a cut-off fragment may complete in place
# An 一级/二级 label cell: short and ending in 指标 / 成本 (时效成本).
LABEL_RE = re.compile(r"^.{1,10}(指标|成本)$")
# The four 一级指标 open with one of these.
L1_PREFIXES = ("产出", "效益", "成本", "满意")
# Confidence of an indicator whose row had to be realigned / whose owner came across a page break.
REALIGNED_CONFIDENCE = 0.9
PAGE_BREAK_CONFIDENCE = 0.95


@dataclass
class Form:
    """One project's target form as printed."""

    name: str
    category: str | None
    owner: str | None
    amount_text: str
    goal_parts: list[str]
    provenance: Provenance
    code: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    name_parts: list[str] = field(default_factory=list)
    category_parts: list[str] = field(default_factory=list)
    owner_parts: list[str] = field(default_factory=list)

    @property
    def goal(self) -> str | None:
        return clean_text("".join(self.goal_parts))


def form_columns(table: Table) -> dict[str, int]:
    labels = column_labels(table)
    cols = dict(DEFAULT_COLUMNS)
    for key, kws in HEADER_KEYWORDS.items():
        i = find_column(labels, *kws, exclude="电话" if key == "owner" else None)
        if i is not None:
            cols[key] = i
    return cols


def is_label(text: str | None) -> bool:
    return bool(text and LABEL_RE.match(text))


def is_l1_label(text: str | None) -> bool:
    return is_label(text) and (text or "").startswith(L1_PREFIXES)


def completes_label(current: str | None, fragment: str | None) -> bool:
    """``服务对象满意`` + ``度指标``: a label cut by a page break (the fragment alone may look like a label)."""
    return bool(current and fragment) and not is_label(current) and is_label(f"{current}{fragment}")


def realign_row(cells: list[str], cols: dict[str, int]) -> tuple[list[str], bool]:
    """Put the operator cell (else an 一级 label) back in its column; report whether the row moved."""
    for i, c in enumerate(cells):
        if normalize_op(c) is not None:
            return (realign(cells, i, cols["op"]), True) if i != cols["op"] else (cells, False)
    for i, c in enumerate(cells):
        if i < cols["l1"] and is_l1_label(clean_text(c)):
            return realign(cells, i, cols["l1"]), True
    return cells, False


def _cell(cells: list[str], i: int) -> str | None:
    return clean_text(cells[i]) if 0 <= i < len(cells) else None


def is_indicator_row(cells: list[str], cols: dict[str, int]) -> bool:
    """A fresh indicator has an operator, an 一级 label, or an 二级 label with a value; a cut-off fragment has
    none of these (the tail of a cut 二级 label, ``度指标``, looks like a label but comes without a value)."""
    if normalize_op(_cell(cells, cols["op"])) or is_l1_label(_cell(cells, cols["l1"])):
        return True
    return is_label(_cell(cells, cols["l2"])) and bool(_cell(cells, cols["value"]))


def is_project_row(cells: list[str], cols: dict[str, int]) -> bool:
    if not _cell(cells, cols["name"]):
        return False
    return any(parse_decimal(_cell(cells, cols[k])) is not None for k in ("total", "fiscal", "other", "phone"))


@dataclass
class FormParser:
    """Walks the rows of the form table once, keeping the current form and indicator."""

    file: str
    table_key: str
    cols: dict[str, int]
    forms: list[Form] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # The last indicator's value and unit cells as printed: a page break may cut them, and they are split
    # into value + unit only once joined (``2023 年`` + ``11 月底前`` is one date, not 2023 + 年).
    raw_value: tuple[str | None, str | None] = (None, None)

    def feed(self, row: Row) -> None:
        cells, moved = realign_row(row.cells, self.cols)
        if moved:
            self._warn("realigned_row", "cells shifted by lost leading tabs; realigned on the operator cell", row)
        if is_project_row(cells, self.cols):
            self._start_form(cells, row)
        if not self.forms:
            if any(clean_text(c) for c in cells):
                self._warn("orphan_row", "row before any project row skipped", row)
            return
        if is_indicator_row(cells, self.cols):
            if not is_project_row(cells, self.cols):
                self._join_fragments(cells, row, range(0, self.cols["l1"]))
            self._add_indicator(cells, row, moved)
        elif not is_project_row(cells, self.cols):
            self._join_fragments(cells, row, range(0, len(cells)))

    def _start_form(self, cells: list[str], row: Row) -> None:
        c = self.cols
        raw_name = _cell(cells, c["name"]) or ""
        m = PROJECT_CODE_RE.match(raw_name)
        form = Form(name=clean_text(m.group(2)) if m else raw_name, category=None, owner=None,
                    amount_text=(cells[c["total"]] if c["total"] < len(cells) else "").strip(),
                    goal_parts=[], provenance=Provenance(self.file, self.table_key, row.line, row.line),
                    code=m.group(1) if m else None)
        form.name_parts = [form.name]
        self.forms.append(form)
        for f in ("category", "owner", "goal"):
            self._add_project_part(form, f, _cell(cells, c[f]))

    def _add_project_part(self, form: Form, f: str, text: str | None) -> None:
        if not text:
            return
        if f == "goal":
            form.goal_parts.append(text)
            return
        parts = getattr(form, f"{f}_parts")
        parts.append(text)
        joined = "".join(parts)
        if f == "name":
            form.name = joined
        else:
            setattr(form, f, joined)

    def _add_indicator(self, cells: list[str], row: Row, moved: bool) -> None:
        c, form = self.cols, self.forms[-1]
        prev = form.indicators[-1] if form.indicators else None
        self.raw_value = (_cell(cells, c["value"]), _cell(cells, c["unit"]))
        value, unit = split_value_unit(*self.raw_value)
        ind = Indicator(
            l1=_cell(cells, c["l1"]) or (prev.l1 if prev else None),
            l2=_cell(cells, c["l2"]) or (prev.l2 if prev else None),
            l3=_cell(cells, c["l3"]), op=normalize_op(_cell(cells, c["op"])), value=value, unit=unit,
            direction=_cell(cells, c["direction"]),
            text="\t".join(x.strip() for x in cells[c["l1"]:] if x.strip()),
            provenance=Provenance(self.file, self.table_key, row.line, row.line))
        if moved:
            ind.link_method, ind.confidence = "realigned_row:form", REALIGNED_CONFIDENCE
        elif row.after_break and not is_project_row(cells, c):
            ind.link_method, ind.confidence = "page_break_fill_down:form", PAGE_BREAK_CONFIDENCE
        form.indicators.append(ind)
        form.provenance.line_end = row.line

    def _targets(self, columns: range) -> dict[str, tuple[int, str | None]]:
        """Text fields a fragment in ``columns`` may continue: the form's, and the last indicator's."""
        form = self.forms[-1]
        out: dict[str, tuple[int, str | None]] = {}
        for f in PROJECT_FIELDS:
            if self.cols[f] in columns:
                out[f] = (self.cols[f], form.goal if f == "goal" else getattr(form, f))
        if form.indicators and any(self.cols[f] in columns for f in INDICATOR_TEXT_FIELDS):
            for f in INDICATOR_TEXT_FIELDS:
                out[f] = (self.cols[f], getattr(form.indicators[-1], f))
        return out

    def _join_fragments(self, cells: list[str], row: Row, columns: range) -> None:
        """Append the cut-off cell fragments of ``row`` (within ``columns``) to the fields they continue."""
        form = self.forms[-1]
        frags = [(i, cells[i].strip()) for i in columns if _cell(cells, i)]
        targets = self._targets(columns)
        if not frags or not targets:
            return
        for i, text in frags:
            if self._complete_label(i, clean_text(text)):
                continue
            f = choose_field(i, clean_text(text) or "", targets)
            if f in PROJECT_FIELDS:
                self._add_project_part(form, f, clean_text(text))
                targets[f] = (targets[f][0], form.goal if f == "goal" else getattr(form, f))
                continue
            ind = form.indicators[-1]
            if f in ("value", "unit"):
                self._join_value(ind, f, text)
            else:
                setattr(ind, f, clean_text((getattr(ind, f) or "") + text))
            targets[f] = (targets[f][0], getattr(ind, f))
            ind.text += "\n" + text
            if ind.provenance:
                ind.provenance.line_end = row.line
            if ind.link_method == "form":
                ind.link_method, ind.confidence = "page_break_join:form", PAGE_BREAK_CONFIDENCE
        form.provenance.line_end = row.line
        self._warn("page_break_join", f"cells cut by a page break joined to the row above ({form.name})", row)

    def _complete_label(self, col: int, fragment: str | None) -> bool:
        """Join ``fragment`` to the last indicator's label in the same column if it completes it."""
        form = self.forms[-1]
        if not form.indicators:
            return False
        ind = form.indicators[-1]
        for f in LABEL_FIELDS:
            if self.cols[f] == col and completes_label(getattr(ind, f), fragment):
                setattr(ind, f, f"{getattr(ind, f)}{fragment}")
                ind.text += "\n" + (fragment or "")
                return True
        return False

    def _join_value(self, ind: Indicator, f: str, text: str) -> None:
        """Append to the printed value (or unit) cell and split the joined text again."""
        value, unit = self.raw_value
        value, unit = (f"{value or ''}{text}", unit) if f == "value" else (value, f"{unit or ''}{text}")
        self.raw_value = (value, unit)
        ind.value, ind.unit = split_value_unit(value, unit)

    def _warn(self, kind: str, message: str, row: Row) -> None:
        self.warnings.append(ParseWarning(kind, message, self.file, row.line))


def parse_forms(table: Table, file: str) -> tuple[list[Form], list[ParseWarning]]:
    """表十三 → forms in table order, with the parse warnings."""
    parser = FormParser(file, table.key, form_columns(table))
    for row in table.rows[len(header_rows(table)):]:
        parser.feed(row)
    return parser.forms, parser.warnings
