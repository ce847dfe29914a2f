"""Target-form tables of family ``numbered_tables``: 12表 (年度项目支出绩效目标表) rows → form rows and
13表 (部门整体支出绩效目标表) rows → department facts and department indicators.

Cells are read relative to an anchor cell found by content (the 一级指标 cell of a 12表 row, the operator cell of
a 13表 row), because rows of these exports drop or shift empty cells; the header fixes each column's offset from
the anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.layouts.numbered_tables.grid import Row, Table, amount_cells, header_index
from kg.model import DepartmentIndicator, Provenance
from kg.normalize import clean_text, normalize_op, parse_decimal, split_value_unit

# A 一级指标 cell: 产出指标, 效益指标, 成本指标, 满意度指标 …
L1_RE = re.compile(r"^[\u4e00-\u9fff]{1,6}指标$")
# A unit-name cell (单位名称): 295001-北京市…（本级）
UNIT_CELL_RE = re.compile(r"^(\d{3,})\s*[-－]?\s*(.+?（本级）)$")

# 12表 header words → role; 13表 header words → role. The first word found in a header cell wins.
FORM_ROLES: dict[str, tuple[str, ...]] = {
    "unit_name": ("单位名称",), "name": ("项目名称",), "amount": ("项目总额", "项目金额", "预算金额"),
    "goal": ("绩效目标", "年度目标"), "l1": ("一级指标",), "l2": ("二级指标",), "l3": ("三级指标",),
    "op": ("指标性质", "运算符号", "符号"), "value": ("指标值",), "unit": ("度量单位", "计量单位"),
    "direction": ("指标方向",),
}
DEPT_ROLES: dict[str, tuple[str, ...]] = {
    "activity": ("活动",), "project": ("项目名称",), "l2": ("二级指标",), "l3": ("绩效指标", "三级指标", "指标名称"),
    "op": ("指标性质", "运算符号"), "value": ("指标值",), "unit": ("度量单位", "计量单位"),
}


# Header cells that mark a header row printed again after a page break.
FORM_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "项目名称")
DEPT_HEADER_WORDS = ("指标性质", "度量单位", "绩效指标")
# A row naming this many header words is a repeated header.
HEADER_REPEAT_MIN = 2


def is_header_repeat(r: Row, words: tuple[str, ...]) -> bool:
    cells = {clean_text(c) for c in r.cells}
    return sum(w in cells for w in words) >= HEADER_REPEAT_MIN


@dataclass
class FormRow:
    """A 12表 row: the project cells when the row carries them, and its indicator cells."""

    row: Row
    name_cell: str | None = None  # raw 项目名称 cell (code-name) when this is a project's own row
    amount_text: str | None = None
    goal: str | None = None
    unit_cell: str | None = None  # 单位名称 when printed on this row
    l1: str | None = None
    l2: str | None = None
    l3: str | None = None
    op: str | None = None
    value: str | None = None
    unit: str | None = None
    direction: str | None = None
    text: str = ""

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def is_project_row(self) -> bool:
        return self.name_cell is not None

    @property
    def has_indicator(self) -> bool:
        return any((self.l1, self.l2, self.l3, self.op, self.value))


def role_columns(header_rows: list[Row], roles: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each role named in the header rows (first row that names it wins)."""
    cols: dict[str, int] = {}
    for hr in header_rows:
        for role, words in roles.items():
            if role not in cols:
                i = header_index(hr, *words)
                if i is not None:
                    cols[role] = i
    return cols


def split_header(table: Table, *anchor_words: str) -> tuple[list[Row], list[Row]]:
    """(header rows, body rows): the header starts at the first row naming an anchor word and runs until the
    first row that carries a number or an indicator anchor."""
    start = next((i for i, r in enumerate(table.rows) if header_index(r, *anchor_words) is not None), None)
    if start is None:
        return [], table.rows
    end = start + 1
    while end < len(table.rows) and not _looks_like_data(table.rows[end]):
        end += 1
    return table.rows[start:end], table.rows[end:]


def _looks_like_data(r: Row) -> bool:
    return bool(amount_cells(r)) or any(L1_RE.match(clean_text(c) or "") for c in r.cells) or any(
        normalize_op(c) for c in r.cells)


def find_anchor(row: Row, cols: dict[str, int]) -> tuple[str, int] | None:
    """(role, index) of the cell the row's indicator columns hang on: the 一级指标 cell, else the operator."""
    lo = min(cols.get("l1", 0), cols.get("op", 0)) - len(cols)
    start = max(0, lo)
    if "l1" in cols:
        for i in range(start, len(row.cells)):
            if L1_RE.match(clean_text(row.cells[i]) or ""):
                return "l1", i
    if "op" in cols:
        for i in range(start, len(row.cells)):
            if normalize_op(row.cells[i]) is not None:
                return "op", i
    return None


def cell_at(row: Row, cols: dict[str, int], anchor: tuple[str, int], role: str) -> str | None:
    """Raw cell of ``role``, placed by its header offset from the anchor."""
    if role not in cols:
        return None
    i = anchor[1] + cols[role] - cols[anchor[0]]
    return row.cells[i] if 0 <= i < len(row.cells) else None


def read_form_rows(table: Table) -> tuple[list[FormRow], list[tuple[int, str]]]:
    """12表 rows → FormRows; also (line, message) for rows that could not be read."""
    header, body = split_header(table, "一级指标", "三级指标")
    cols = role_columns(header, FORM_ROLES)
    problems: list[tuple[int, str]] = []
    if not header or "l3" not in cols:
        return [], [(table.title_line, f"{table.label}: no indicator header (一级指标/三级指标) found")]
    out: list[FormRow] = []
    for r in body:
        if is_header_repeat(r, FORM_HEADER_WORDS):
            continue
        fr = read_form_row(r, cols)
        if fr is None:
            problems.append((r.line, f"{table.label}: row has neither project cells nor indicator cells"))
        else:
            out.append(fr)
    return out, problems


def read_form_row(r: Row, cols: dict[str, int]) -> FormRow | None:
    anchor = find_anchor(r, cols)
    left_end = anchor[1] - (cols[anchor[0]] - cols.get("l1", cols[anchor[0]])) if anchor else len(r.cells)
    fr = FormRow(row=r)
    _read_project_cells(fr, r, max(0, left_end))
    if anchor:
        get = {role: cell_at(r, cols, anchor, role) for role in ("l1", "l2", "l3", "op", "value", "unit", "direction")}
        fr.l1, fr.l2, fr.l3 = clean_text(get["l1"]), clean_text(get["l2"]), clean_text(get["l3"])
        fr.op = normalize_op(get["op"])
        fr.value, fr.unit = split_value_unit(get["value"], get["unit"])
        fr.direction = clean_text(get["direction"])
        fr.text = "\t".join(c for c in r.cells[max(0, left_end):])
    if not fr.is_project_row and not fr.has_indicator:
        return fr if fr.unit_cell else None
    return fr


def _read_project_cells(fr: FormRow, r: Row, left_end: int) -> None:
    """Project cells sit left of the indicator columns: [单位名称] 项目名称 金额… [绩效目标]."""
    amounts = amount_cells(r, 0, left_end)
    texts = [(i, c) for i, c in enumerate(r.cells[:left_end]) if c.strip() and parse_decimal(c) is None]
    if not amounts:
        fr.unit_cell = next((c for _, c in texts if UNIT_CELL_RE.match(clean_text(c) or "")), None)
        return
    first_amount = amounts[0][0]
    before = [(i, c) for i, c in texts if i < first_amount]
    after = [(i, c) for i, c in texts if i > amounts[-1][0]]
    if not before:
        return
    fr.name_cell = before[-1][1]
    fr.unit_cell = before[-2][1] if len(before) > 1 else None
    fr.amount_text = amounts[0][1].strip()
    fr.goal = clean_text(" ".join(c for _, c in after)) if after else None


# ---------------------------------------------------------------- 13表


@dataclass
class DeptFacts:
    """What the department-wide table states besides its indicator rows."""

    name: str | None = None
    name_line: int | None = None
    totals: dict[str, tuple[str, int]] | None = None  # key → (printed amount, line)


def read_dept_facts(table: Table) -> DeptFacts:
    facts = DeptFacts()
    for r in table.rows:
        for i, c in enumerate(r.cells):
            if (clean_text(c) or "") in ("部门名称", "单位名称") and facts.name is None:
                facts.name = next((clean_text(x) for x in r.cells[i + 1:] if clean_text(x)), None)
                facts.name_line = r.line
    facts.totals = _dept_totals(table)
    return facts


def _dept_totals(table: Table) -> dict[str, tuple[str, int]] | None:
    """预算支出总额 / 基本支出 / 项目支出 from the 总体资金情况 block (header rows, then a number row)."""
    cols: dict[str, int] = {}
    for r in table.rows:
        nums = amount_cells(r)
        if cols and nums:
            out = {k: (r.cell(i).strip(), r.line) for k, i in cols.items() if parse_decimal(r.cell(i)) is not None}
            return out or None
        for key, word in (("total", "预算支出总额"), ("basic", "基本支出"), ("project", "项目支出")):
            i = header_index(r, word)
            if i is not None and key not in cols:
                cols[key] = i
    return None


def read_dept_indicators(table: Table, src_name: str) -> tuple[list[DepartmentIndicator], list[tuple[int, str]]]:
    """13表 indicator rows → DepartmentIndicators; the 活动 label carries down to the rows below it."""
    header, body = split_header(table, "指标性质", "指标值")
    cols = role_columns(header[:1], DEPT_ROLES)
    problems: list[tuple[int, str]] = []
    if not header or "l3" not in cols:
        return [], problems
    out: list[DepartmentIndicator] = []
    activity: str | None = None
    project: str | None = None
    for r in body:
        if is_header_repeat(r, DEPT_HEADER_WORDS):
            continue
        anchor = find_anchor(r, {k: v for k, v in cols.items() if k == "op"}) if "op" in cols else None
        if anchor is None:
            anchor = ("l3", cols["l3"])
            if not clean_text(r.cell(cols["l3"])):
                problems.append((r.line, f"{table.label}: row without operator or indicator name skipped"))
                continue
        get = {role: cell_at(r, cols, anchor, role) for role in DEPT_ROLES}
        activity = clean_text(get["activity"]) or activity
        project = clean_text(get["project"]) or project
        value, unit = split_value_unit(get["value"], get["unit"])
        out.append(DepartmentIndicator(
            activity=activity, project=project, l2=clean_text(get["l2"]), l3=clean_text(get["l3"]),
            op=normalize_op(get["op"]), value=value, unit=unit, text=r.joined,
            provenance=Provenance(src_name, table.label, r.line, r.last_line)))
    return out, problems
