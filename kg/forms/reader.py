"""Rows of cells → forms: a form starts at each 项目名称 (or at a title that names its project), its head is
read for label → value fields (:mod:`kg.forms.head`) and its indicator table by the header row
(:mod:`kg.forms.table`). Chrome and prose around the forms are never read as fields: only labels are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.cells.glued import unglue_rows
from kg.cells.model import Row
from kg.forms import labels
from kg.forms import vocabulary as vocab
from kg.forms.form import FieldHit, Form
from kg.forms.head import read_head
from kg.forms.table import _column_key, find_header, read_table
from kg.forms.wide import find_wide_header, read_wide

_TITLED_YEAR = re.compile(r"(?:表|报告)\s*[（(]\s*((?:19|20)\d{2})\s*年度\s*[)）]")
_YEAR_CELL = re.compile(r"[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_WORDS = ("绩效目标", "绩效自评", "自评表", "预算", "决算", "绩效指标", "申报表")
_UNIT_NOTE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)|[（(](万元|元)[)）]\s*$")
_DEPT_WIDE = ("整体支出", "部门整体", "整体绩效")


@dataclass
class Reading:
    """What the reader found in a document."""

    forms: list[Form] = field(default_factory=list)
    department_forms: list[Form] = field(default_factory=list)
    year: int | None = None
    rows: list[Row] = field(default_factory=list)
    tables: list | None = None  # the standard tables (kg.tables), read only for a text without forms
    notes: list[tuple[str, str, int | None]] = field(default_factory=list)  # (kind, message, line) → warnings


def _is_start(row: Row) -> FieldHit | None:
    for cell in row.filled[:3]:
        m = labels.field(cell.text)
        if m is not None and m.key == vocab.FORM_START:
            return FieldHit("name", m.value or "", cell.line, None, m.distance, cell)
    return None


def _split_glued_forms(rows: list[Row]) -> list[Row]:
    """A glued row (or one long line of single-space cells) holding a form's start becomes one row per form
    (cut before each 项目名称)."""
    out: list[Row] = []
    for row in rows:
        if row.separator not in ("glued", "words"):
            out.append(row)
            continue
        cur: list = []
        for cell in row.cells:
            m = labels.field(cell.text)
            if m is not None and m.key == vocab.FORM_START and cur:
                out.append(Row(cur, row.line, row.table, row.line_end, row.separator))
                cur = []
            cur.append(cell)
        if cur:
            out.append(Row(cur, row.line, row.table, row.line_end, row.separator))
    return out


def _title_name(row: Row) -> str | None:
    """``<name>项目绩效目标表`` as a one-cell title row → the project's name, when it names one."""
    if len(row.filled) != 1:
        return None
    t = labels.canon(row.filled[0].text)
    t = re.sub(r"^(?:(?:19|20)\d{2}年度?)", "", t)
    for suffix in vocab.FORM_TITLE_SUFFIXES:
        if t.endswith(suffix):
            name = t[: -len(suffix)]
            if len(name) >= 2 and not any(w in name for w in ("部门", "项目支出", "整体", "公开", "年度", "单位",
                                                             "政策和项目", "专项资金", "预算", "附件", "表")):
                return name
    return None


def find_starts(rows: list[Row]) -> list[tuple[int, FieldHit | None, str | None]]:
    """(row index, the 项目名称 label hit or None, a title-given name or None) per form, in order."""
    starts: list[tuple[int, FieldHit | None, str | None]] = []
    for i, row in enumerate(rows):
        hit = _is_start(row)
        if hit is not None:
            if starts and starts[-1][2] is not None and starts[-1][1] is None and i - starts[-1][0] <= 3:
                starts[-1] = (starts[-1][0], hit, None)  # the title's form has a 项目名称 after all: it names it
                continue
            starts.append((i, hit, None))
            continue
        name = _title_name(row)
        if name is not None:
            starts.append((i, None, name))
    return starts


def read_forms(rows: list[Row]) -> Reading:
    rows = _split_glued_forms(unglue_rows(rows))
    reading = Reading(rows=rows)
    reading.year, _ = document_year(rows)
    doc_unit = _unit_note(rows)
    found = find_wide_header(rows)
    wide = read_wide(rows, doc_unit, found) if found is not None else []
    if not wide:
        _read_labelled(rows, reading, doc_unit)
        return reading
    _read_labelled(_before_wide(rows, found[0]), reading, doc_unit)  # label-driven forms printed before it
    reading.forms.extend(f for f in wide if f.text("name"))
    for f in wide:
        if not f.text("name") and f.indicators:  # rows no named project owns (kg.forms.blocks): said, not lost
            reading.notes.append(("rows_without_project", f"{len(f.indicators)} indicator rows (lines "
                                  f"{f.line_start}–{f.line_end}) belong to no project of the table (a merged "
                                  "name cell printed outside it?): not credited to any project", f.line_start))
    return reading


def _before_wide(rows: list[Row], at: int) -> list[Row]:
    """The rows before a wide table's header (its first header row too, when the header spans two rows)."""
    pre = rows[:at]
    while pre and pre[-1].filled and all(labels.field(c.text) or _column_key(c.text) for c in pre[-1].filled):
        pre = pre[:-1]
    return pre


def _read_labelled(rows: list[Row], reading: Reading, doc_unit: str | None) -> None:
    """Forms started by a 项目名称 label (or a title naming the project), and a department-wide form before them."""
    starts = find_starts(rows)
    bounds = [s[0] for s in starts] + [len(rows)]
    if starts and starts[0][0] > 0:
        pre = rows[: starts[0][0]]
        dept = _department_form(pre)
        if dept is not None:
            reading.department_forms.append(dept)
    elif not starts:
        dept = _department_form(rows)
        if dept is not None:
            reading.department_forms.append(dept)
    if not reading.department_forms:
        _department_by_title(rows, [s[0] for s in starts], reading)
    titles = [k for k, row in enumerate(rows) if _is_department_title(row)]
    for (i, hit, title_name), end in zip(starts, bounds[1:], strict=True):
        end = min([end, *(k for k in titles if k > i)])  # a department-wide form's title ends a project's form
        region = rows[i:end]
        form = Form(region[0].line, region[-1].line_end or region[-1].line)
        form.money_unit = _unit_note(rows[max(0, i - 4):i]) or doc_unit
        form.title = _title_before(rows, i)
        if title_name is not None:
            form.fields["name"] = FieldHit("name", title_name, region[0].line)
        header_at = read_table(region, form)
        head = region if header_at is None else region[:header_at + 1]
        read_head(head, form)
        if hit is not None and hit.text and "name" not in form.fields:
            form.fields["name"] = hit
        _deviation(region, form)
        if "total_score" not in form.fields:
            _total_in_title_zone(rows[max(0, i - 4):i], form)
        if not form.text("name"):
            continue
        if header_at is None and not form.funds:
            form.notes.append(("no_indicator_table", f"a 项目名称 without an indicator table: "
                               f"{form.text('name')!r} was not read as a form", form.line_start))
            continue
        reading.forms.append(form)


def _department_by_title(rows: list[Row], starts: list[int], reading: Reading) -> None:
    """A department-wide form anywhere: from its title (部门整体…绩效目标表) to the next form's start."""
    for i, row in enumerate(rows):
        if _is_department_title(row):
            end = next((s for s in starts if s > i), len(rows))
            dept = _department_form(rows[i:end])
            if dept is not None:
                reading.department_forms.append(dept)
                return


def _is_department_title(row: Row) -> bool:
    t = row.filled[0].text if len(row.filled) == 1 else ""
    return len(t) <= 40 and "绩效目标" in t and any(w in t for w in _DEPT_WIDE) and "自评" not in t


def _total_in_title_zone(rows: list[Row], form: Form) -> None:
    """``总分：98.80分`` printed in one cell beside the 填报日期 above the form (湖北 省级项目自评表)."""
    for row in rows:
        for cell in row.filled:
            m = labels.field(cell.text)
            if m is not None and m.key == "total_score" and m.value:
                value = re.sub(r"\s*分$", "", m.value.strip())
                if re.fullmatch(r"\d{1,3}(?:\.\d{1,2})?", value):
                    form.fields["total_score"] = FieldHit("total_score", value, cell.line)
                    return


def _deviation(region: list[Row], form: Form) -> None:
    """A form-level 偏差大或目标未完成原因分析 row (a table without a reason column) and its text."""
    for row in region:
        cells = row.filled
        m = labels.field(cells[0].text) if cells else None
        if m is not None and m.key == "deviation":
            text = m.value or "".join(c.text for c in cells[1:])
            if text:
                form.fields["deviation"] = FieldHit("deviation", text, row.line)
            return


def _department_form(rows: list[Row]) -> Form | None:
    title = next((r.filled[0].text for r in rows if r.filled and any(w in r.filled[0].text for w in _DEPT_WIDE)),
                 None)
    if title is None or find_header(rows) is None:
        return None
    form = Form(rows[0].line, rows[-1].line_end or rows[-1].line, title=title)
    header_at = read_table(rows, form)
    read_head(rows[: (header_at or 0) + 1], form)
    return form if form.indicators else None


def _title_before(rows: list[Row], i: int) -> str | None:
    for row in reversed(rows[max(0, i - 4):i]):
        if len(row.filled) == 1 and any(w in row.filled[0].text for w in _TITLE_WORDS):
            return row.filled[0].text
    return None


def _unit_note(rows: list[Row]) -> str | None:
    for row in rows:
        for cell in row.filled:
            if len(cell.text) <= 20:
                m = _UNIT_NOTE.search(cell.text)
                if m and ("单位" in cell.text or len(cell.text) <= 6):
                    return m.group(1) or m.group(2)
    return None


def document_year(rows: list[Row]) -> tuple[int | None, int | None]:
    """The fiscal year a title or heading states (``2024年度…绩效目标表``, ``（2024年度）``)."""
    fallback: tuple[int | None, int | None] = (None, None)
    for row in rows[:400]:
        for cell in row.filled[:4] + [c for c in row.filled[4:] if _YEAR_CELL.fullmatch(c.text)]:
            t = cell.text
            m = _YEAR.search(t)
            if m and len(t) > 60 and (b := _TITLED_YEAR.search(t)):  # 绩效自评表(2022年度) inside a long glued cell
                return int(b.group(1)), cell.line
            if not m or len(t) > 60:
                continue
            if "年度" in t or any(w in t for w in _TITLE_WORDS) or re.fullmatch(r"[（(]?\d{4}年度?[)）]?", t):
                return int(m.group(1)), cell.line
            if fallback[0] is None and ("下达" in t or "预算" in t):
                fallback = (int(m.group(1)), cell.line)
    return fallback
