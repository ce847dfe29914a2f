"""Target forms of the one-cell-per-line layout (项目支出绩效目标申报表, 部门整体支出绩效目标申报表) → form records.

A form is a run of rows holding an indicator header (一级指标 / 二级指标 / 具体指标…). The rows before the
header are label/value pairs (项目名称 | name | 预算金额 | amount …); the rows after it are indicator rows
(marker | 一级指标 | 二级指标 | free text), l1 carried down over merged cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.layouts.cell_per_line.cells import (
    PLACEHOLDERS,
    Cell,
    Row,
    Table,
    cell_at,
    column_of,
    find_header,
    merge_split_rows,
    text_at,
)
from kg.normalize import clean_text

FORM_TITLE = re.compile(r"申报表$")
DEPARTMENT_FORM_TITLE = re.compile(r"部门整体|部门（单位）整体|整体支出")
PROJECT_FORM_TITLE = re.compile(r"项目支出绩效|项目绩效目标")
INDICATOR_HEADER = ("一级指标", "二级指标")
CONTENT_COLUMNS = ("具体指标", "指标内容", "三级指标")
FORM_END = re.compile(r"^(其他说明|填报人|填报日期|审核人)")
FIELD_LABELS = frozenset({
    "部门（单位）名称", "部门名称", "单位名称", "项目名称", "预算金额", "项目金额", "资金总额", "基本支出", "项目支出",
    "其他", "项目负责人", "联系电话", "项目类型", "项目类别", "项目绩效目标", "年度绩效目标", "绩效目标",
    "部门（单位）绩效目标", "部门（单位）负责人", "项目编码", "项目代码", "部门（单位）职能概述", "单位地址",
})
FUNDS_UNIT = re.compile(r"资金情况.*?[（(](万元|元)[)）]")
CHECK_MARKS = "√☑■✓✔"
_OPTION = re.compile(rf"\d+[.．、]\s*([^\d{CHECK_MARKS}\s]+)\s*([{CHECK_MARKS}])?")


@dataclass
class IndicatorRow:
    l1: str | None
    l2: str | None
    content: str  # raw cell text, paragraphs joined by newlines
    row_text: str
    line_start: int
    line_end: int
    repaired: bool = False


@dataclass
class Form:
    kind: str  # "project" or "department"
    table: str | None
    title: str
    line_start: int
    line_end: int
    fields: dict[str, Cell] = field(default_factory=dict)
    funds_unit: str | None = None  # the unit the form's 资金情况 header states
    indicators: list[IndicatorRow] = field(default_factory=list)

    def field_text(self, label: str) -> str | None:
        c = self.fields.get(label)
        return clean_text(c.text) if c else None


def field_label(text: str) -> str:
    return (clean_text(text) or "").rstrip("：:")


def split_forms(table: Table) -> list[tuple[str, list[Row]]]:
    """The table's rows cut at form titles (…申报表): (title, rows) runs."""
    runs: list[tuple[str, list[Row]]] = [("", [])]
    for row in table.rows:
        text = row.texts[0] if row.free and row.texts else ""
        if row.free and FORM_TITLE.search(text):
            runs.append((text, []))
        else:
            runs[-1][1].append(row)
    return [r for r in runs if r[1]]


def form_fields(rows: list[Row]) -> tuple[dict[str, Cell], str | None]:
    """Label → value cell for the label/value rows, and the unit stated in a 资金情况 label.

    The cells are read as one sequence, so a row cut by a blank line between a label and its value (a page
    break) still pairs them; a label followed by another label has no value.
    """
    fields: dict[str, Cell] = {}
    unit = None
    cells = [c for row in rows if not row.free for c in row.cells]
    for i, cell in enumerate(cells):
        m = FUNDS_UNIT.search(cell.clean)
        if m:
            unit = m.group(1)
        label = field_label(cell.text)
        if label in FIELD_LABELS and i + 1 < len(cells) and label not in fields:
            if field_label(cells[i + 1].text) not in FIELD_LABELS:
                fields[label] = cells[i + 1]
    return fields, unit


def form_kind(title: str, fields: dict[str, Cell]) -> str:
    """"department" or "project": the title says so (部门整体… / 项目支出…); failing that, a 项目名称 field."""
    if DEPARTMENT_FORM_TITLE.search(title):
        return "department"
    if PROJECT_FORM_TITLE.search(title) or "项目名称" in fields:
        return "project"
    return "department"


def indicator_rows(rows: list[Row], header: Row) -> list[IndicatorRow]:
    """Indicator rows after the header up to the form's end, l1 carried down, placeholder rows dropped."""
    c1, c2 = column_of(header, "一级指标"), column_of(header, "二级指标")
    cc = column_of(header, *CONTENT_COLUMNS)
    if cc is None:
        cc = len(header.cells) - 1
    body: list[Row] = []
    for row in rows:
        first = next((t for t in row.texts if t), "")
        if row.free or FORM_END.match(first):
            break
        if row.texts != header.texts:
            body.append(row)
    body, repaired = merge_split_rows(body, len(header.cells))
    out: list[IndicatorRow] = []
    l1: str | None = None
    for row in body:
        l1 = text_at(row, c1) or l1
        l2 = text_at(row, c2) or None
        content = cell_at(row, cc)
        if content is None or (clean_text(content.text) or "") in PLACEHOLDERS:
            continue
        out.append(IndicatorRow(l1, l2, content.text, row.raw_text(), row.line_start, row.line_end,
                                row in repaired))
    return out


def parse_form(title: str, rows: list[Row], table: str | None) -> Form | None:
    """One form from its rows; None if the rows hold no indicator header."""
    hi = find_header(rows, INDICATOR_HEADER)
    if hi is None:
        return None
    fields, unit = form_fields(rows[:hi])
    form = Form(form_kind(title, fields), table, title, rows[0].line_start, rows[-1].line_end, fields, unit)
    form.indicators = indicator_rows(rows[hi + 1:], rows[hi])
    return form


def forms_of_table(table: Table) -> list[Form]:
    forms = []
    last_title = ""
    for title, rows in split_forms(table):
        last_title = title or last_title
        form = parse_form(title or last_title, rows, table.label)
        if form:
            forms.append(form)
    return forms


def checked_category(text: str | None) -> str | None:
    """项目类型 checkbox cell → the ticked option (number and tick dropped); plain text as is; None if unticked."""
    t = clean_text(text)
    if not t:
        return None
    options = _OPTION.findall(t)
    if not options:
        return t
    ticked = [name for name, mark in options if mark]
    return ticked[0] if len(ticked) == 1 else None
