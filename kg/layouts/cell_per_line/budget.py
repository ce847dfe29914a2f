"""Budget tables of the one-cell-per-line layout → project lines, totals, classifications.

Tables are recognized by their header labels, not by their number: a project-line table has a 项目名称
column and an amount column (表九 部门预算明细表, 表十 专项转移支付预算表); the totals table has
合计 / 基本支出 / 项目支出 columns and a 合计 (总计) row (表三 支出总体情况表).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.funding import DOC_NO_COLUMNS, RECIPIENT_COLUMNS, TransferRow, route_transfers, source_of, transfer_kind
from kg.layouts.cell_per_line.cells import (
    Row,
    Table,
    cell_at,
    column_of,
    find_header,
    merge_split_rows,
    text_at,
)
from kg.model import Classification, Document, FundingLine, Provenance
from kg.normalize import clean_text, parse_decimal, to_yuan

NAME_COLUMN = ("项目名称",)
AMOUNT_COLUMNS = ("预算金额", "指标金额", "金额", "合计")
FUNCTION_COLUMNS = ("功能分类代码", "功能科目代码", "支出功能分类科目代码", "科目编码")
FUNCTION_NAME_COLUMNS = ("功能分类名称", "功能科目名称", "科目名称")
ECON_DEPT_COLUMNS = ("部门经济分类代码",)
ECON_DEPT_NAME_COLUMNS = ("部门经济分类名称",)
ECON_GOV_COLUMNS = ("政府经济分类代码",)
ECON_GOV_NAME_COLUMNS = ("政府经济分类名称",)
PROJECT_CODE_COLUMNS = ("项目编码", "项目代码")
UNIT_CODE_COLUMNS = ("预算单位代码", "单位代码", "单位编码")
UNIT_NAME_COLUMNS = ("预算单位名称", "单位名称")
# Rows of basic expenditure (基本支出) in a detail table; they are not projects.
BASIC_ROW = re.compile(r"^(人员支出|日常公用支出|对个人和家庭(的)?补助支出|人员经费|公用经费|基本支出)")
TOTAL_ROW = re.compile(r"^(合计|总计|本年支出合计|支出总计)$")
CODE = re.compile(r"^\d{3,}$")
# Code / name columns of classification schemes, as (scheme, code labels, name labels).
CLASSIFICATION_COLUMNS = (
    ("function", FUNCTION_COLUMNS, FUNCTION_NAME_COLUMNS),
    ("econ_dept", ECON_DEPT_COLUMNS, ECON_DEPT_NAME_COLUMNS),
    ("econ_gov", ECON_GOV_COLUMNS, ECON_GOV_NAME_COLUMNS),
)


@dataclass
class ProjectLine:
    """One project row of a project-line table."""

    name: str
    amount: Decimal | None
    amount_text: str
    table: str | None
    line_start: int
    line_end: int
    function_code: str | None = None
    function_name: str | None = None
    econ_dept_code: str | None = None
    econ_dept_name: str | None = None
    econ_gov_code: str | None = None
    econ_gov_name: str | None = None
    code: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None
    repaired: bool = False
    doc_no: str | None = None  # 市指标文号 of a transfer row
    recipient: str | None = None  # 地区名称 / 接收单位 of an outgoing transfer row
    title: str = ""  # the table's title (2019年专项转移支付预算表)


@dataclass
class Totals:
    total: tuple[Decimal, str, Row] | None = None
    basic: tuple[Decimal, str, Row] | None = None
    project: tuple[Decimal, str, Row] | None = None
    table: str | None = None


def _code(text: str) -> str | None:
    t = clean_text(text) or ""
    return t if CODE.match(t) else None


def _header_rows(table: Table, required: tuple[str, ...]) -> tuple[int, Row] | None:
    i = find_header(table.rows, required)
    return (i, table.rows[i]) if i is not None else None


def project_line_header(table: Table) -> tuple[int, Row] | None:
    """The header of a project-line table: 项目名称, an amount and a function-code column in one row."""
    for i, row in enumerate(table.rows):
        texts = row.texts
        if ("项目名称" in texts and column_of(row, *AMOUNT_COLUMNS) is not None
                and column_of(row, *FUNCTION_COLUMNS) is not None):
            return i, row
    return None


def is_project_line_table(table: Table) -> bool:
    return project_line_header(table) is not None


def table_rows_after_header(table: Table, header_index: int) -> tuple[list[Row], list[Row]]:
    """Data rows after the header: repeated headers, empty and free rows dropped, split rows joined."""
    header = table.rows[header_index]
    body = [r for r in table.rows[header_index + 1:]
            if not r.free and not r.is_empty and r.texts != header.texts]
    return merge_split_rows(body, len(header.cells))


def project_lines(table: Table) -> list[ProjectLine]:
    """Project rows of a project-line table, in table order (basic, group and total rows left out)."""
    hit = project_line_header(table)
    if not hit:
        return []
    hi, header = hit
    col = {key: column_of(header, *labels) for key, labels in (
        ("name", NAME_COLUMN), ("amount", AMOUNT_COLUMNS), ("fc", FUNCTION_COLUMNS), ("fn", FUNCTION_NAME_COLUMNS),
        ("dc", ECON_DEPT_COLUMNS), ("dn", ECON_DEPT_NAME_COLUMNS), ("gc", ECON_GOV_COLUMNS),
        ("gn", ECON_GOV_NAME_COLUMNS), ("code", PROJECT_CODE_COLUMNS), ("uc", UNIT_CODE_COLUMNS),
        ("un", UNIT_NAME_COLUMNS), ("no", DOC_NO_COLUMNS), ("to", RECIPIENT_COLUMNS))}
    unit = table.unit or "元"
    rows, repaired = table_rows_after_header(table, hi)
    out = []
    for row in rows:
        name = text_at(row, col["name"])
        amount_cell = cell_at(row, col["amount"])
        if not name or TOTAL_ROW.match(name) or BASIC_ROW.match(name) or amount_cell is None:
            continue
        out.append(ProjectLine(
            name=name, amount=to_yuan(parse_decimal(amount_cell.text), unit), amount_text=amount_cell.text.strip(),
            table=table.label, line_start=row.line_start, line_end=row.line_end,
            function_code=_code(text_at(row, col["fc"])), function_name=text_at(row, col["fn"]) or None,
            econ_dept_code=_code(text_at(row, col["dc"])), econ_dept_name=text_at(row, col["dn"]) or None,
            econ_gov_code=_code(text_at(row, col["gc"])), econ_gov_name=text_at(row, col["gn"]) or None,
            code=text_at(row, col["code"]) or None, unit_code=_code(text_at(row, col["uc"])),
            unit_name=text_at(row, col["un"]) or None, repaired=row in repaired, doc_no=text_at(row, col["no"]) or None,
            recipient=text_at(row, col["to"]) or None, title=table.title))
    return out


def totals_of_table(table: Table) -> Totals | None:
    """合计 / 基本支出 / 项目支出 of the table's total row, in yuan; None if the table has no such row."""
    hit = _header_rows(table, ("合计", "基本支出", "项目支出"))
    if not hit:
        return None
    hi, header = hit
    cols = {k: column_of(header, k) for k in ("合计", "基本支出", "项目支出")}
    unit = table.unit or "元"
    rows, _ = table_rows_after_header(table, hi)
    for row in rows:
        label = next((t for t in row.texts if t), "")
        if not TOTAL_ROW.match(label.replace(" ", "")):
            continue
        found = Totals(table=table.label)
        for key, attr in (("合计", "total"), ("基本支出", "basic"), ("项目支出", "project")):
            cell = cell_at(row, cols[key])
            amount = to_yuan(parse_decimal(cell.text), unit) if cell else None
            if amount is not None:
                setattr(found, attr, (amount, cell.text.strip(), row))
        return found if found.total else None
    return None


def document_totals(tables: list[Table]) -> Totals | None:
    """The department-wide totals: the totals row with the largest 合计 over all tables."""
    found = [t for t in (totals_of_table(tb) for tb in tables) if t and t.total]
    return max(found, key=lambda t: t.total[0], default=None)


def classifications(table: Table, file: str) -> list[Classification]:
    """Every code + name pair printed in the table's code/name columns."""
    out: list[Classification] = []
    everything = "\0".join(r.joined for r in table.rows)  # a label in no cell of the table: no row to look for

    def header_row(label: str) -> int | None:
        return find_header(table.rows, (label,)) if label in everything else None

    for scheme, code_labels, name_labels in CLASSIFICATION_COLUMNS:
        hi = header_row(code_labels[0])
        hi = hi if hi is not None else next((i for lab in code_labels[1:] if (i := header_row(lab)) is not None), None)
        if hi is None:
            continue
        header = table.rows[hi]
        cc, nc = column_of(header, *code_labels), column_of(header, *name_labels)
        if cc is None or nc is None:
            continue
        for row in table.rows[hi + 1:]:
            code, name = _code(text_at(row, cc)), text_at(row, nc)
            if code and name:
                out.append(Classification(scheme, code, name, Provenance(file, table.label, row.line_start,
                                                                         row.line_end)))
    return out


def funding_line(ln: ProjectLine, file: str) -> FundingLine:
    return FundingLine(ln.name, ln.amount, ln.amount_text, ln.function_code, ln.function_name, ln.econ_gov_code,
                       ln.econ_gov_name, ln.econ_dept_code, ln.econ_dept_name, None, "exact", 1.0,
                       Provenance(file, ln.table, ln.line_start, ln.line_end), doc_no=ln.doc_no)


def add_transfer_lines(doc: Document, lines: list[ProjectLine]) -> None:
    """Rows of transfer tables (表十 专项转移支付预算表, 对下转移支付 …) by the rule of :mod:`kg.funding`: funding lines of
    the table's projects or of the department, or projects of their own (rows of one name add up)."""
    for title in dict.fromkeys(ln.title for ln in lines):
        kind = transfer_kind(title) or "received"
        rows = [TransferRow(ln.name, funding_line(ln, doc.source), ln.recipient) for ln in lines if ln.title == title]
        for p in route_transfers(doc, rows, kind, source_of(title, kind)):
            same = next((q for q in doc.projects if q.name == p.name and q.provenance and p.provenance
                         and q.provenance.table == p.provenance.table), None)
            if same is None:
                doc.projects.append(p)
                continue
            same.amount = (same.amount or Decimal(0)) + (p.amount or Decimal(0))
            same.amount_text += " + " + p.amount_text
            same.funding_lines += p.funding_lines
            if p.provenance:
                same.seen_in.append(p.provenance)
