"""Family A, step 2: budget tables → totals, 表四 project lines, classifications, codes, department metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.layouts.tabbed.tables import Row, Table, realign, split_code_name
from kg.model import Classification, Figure, FundingLine, Provenance
from kg.normalize import clean_text, parse_decimal, to_yuan

TOTAL_ROW_LABELS = ("合计", "总计")
SELF_UNIT_RE = re.compile(r"^\s*(\d+)\s*-\s*(.+?)\s*[（(]本级[）)]\s*$")
PROJECT_CODE_RE = re.compile(r"^\s*(\d{6,}[A-Z]\d{6,})\s*-\s*(\S.*?)\s*$")
TITLE_YEAR_RE = re.compile(r"(20\d{2})\s*年\s*度?[^\t\n]{0,30}?(?:部门|单位)\s*(预算|决算)")
YEAR_LINE_RE = re.compile(r"^\s*[(（]?\s*(20\d{2})\s*年\s*度?\s*[)）]?\s*$")
FUNCTION_CODE_RE = re.compile(r"^2\d{6}$")  # a 项-level 支出功能分类 code (the 表四 realignment anchor)
UNIT_COLUMN_WORD = "单位"  # the column titles 项目单位 / 单位名称 / 单位信息
DEPT_NAME_LABELS = ("部门（单位）名称", "部门(单位)名称", "单位名称", "部门名称")


@dataclass
class ProjectLine:
    """A project as the project-expenditure table (表四) prints it, lines merged by name."""

    name: str
    amount: Decimal | None
    amount_text: str
    provenance: Provenance
    function_code: str | None = None
    econ_gov_code: str | None = None
    econ_dept_code: str | None = None
    funding_lines: list[FundingLine] = field(default_factory=list)


# ---------------------------------------------------------------- headers


def header_rows(table: Table) -> list[Row]:
    """The leading rows that hold no number (column titles)."""
    out: list[Row] = []
    for row in table.rows:
        if any(parse_decimal(c) is not None for c in row.cells):
            break
        out.append(row)
    return out


def column_labels(table: Table) -> list[str]:
    """One label per column: the header rows' texts, merged cells filled rightwards, joined by ``/``."""
    heads = header_rows(table)
    width = max((len(r.cells) for r in table.rows), default=0)
    labels = [""] * width
    for row in heads:
        last = ""
        for i in range(width):
            t = clean_text(row.cell(i)) or ""
            if t:
                last = t
                labels[i] = f"{labels[i]}/{t}" if labels[i] else t
            elif last and row is heads[0]:
                labels[i] = last
    return labels


def find_column(labels: list[str], *keywords: str, exclude: str | None = None) -> int | None:
    for i, label in enumerate(labels):
        if all(k in label for k in keywords) and not (exclude and exclude in label):
            return i
    return None


def scheme_for(label: str) -> str | None:
    """Classification scheme named by a column title."""
    if "功能" in label:
        return "function"
    if "经济" in label and "部门" in label:
        return "econ_dept"
    if "经济" in label:
        return "econ_gov"
    return None


def scheme_by_shape(code: str) -> str | None:
    """A code's scheme from its shape, for columns whose title names none."""
    if not code.isdigit():
        return None
    if code[0] == "2" and len(code) in (3, 5, 7):
        return "function"
    if len(code) in (3, 5):
        return {"5": "econ_gov", "3": "econ_dept"}.get(code[0])
    return None


def is_total_row(row: Row) -> bool:
    return any((row.text(i) or "") in TOTAL_ROW_LABELS for i in range(min(3, len(row.cells))))


# ---------------------------------------------------------------- totals


def amount_after(row: Row, label: str) -> tuple[Decimal | None, str, int] | None:
    """The first number right of the cell reading ``label``: (value, text, column)."""
    for i, c in enumerate(row.cells):
        if clean_text(c) == label:
            for j in range(i + 1, len(row.cells)):
                v = parse_decimal(row.cells[j])
                if v is not None:
                    return v, row.cells[j].strip(), j
    return None


def totals_from(income_table: Table | None, spending_table: Table | None, file: str) -> dict[str, Figure]:
    """total from 表一 支出总计 (else 本年支出合计, else 表三 合计); basic / project from 表三 合计."""
    totals: dict[str, Figure] = {}
    if income_table is not None:
        for label in ("支出总计", "本年支出合计"):
            for row in income_table.rows:
                hit = amount_after(row, label)
                if hit:
                    totals["total"] = _figure("total", hit[0], hit[1], income_table, row, file, label)
                    break
            if "total" in totals:
                break
    if spending_table is not None:
        labels = column_labels(spending_table)
        cols = {"total": find_column(labels, "合计"), "basic": find_column(labels, "基本支出"),
                "project": find_column(labels, "项目支出")}
        for row in spending_table.rows:
            if not is_total_row(row):
                continue
            for key, col in cols.items():
                v = parse_decimal(row.cell(col))
                if col is not None and v is not None and key not in totals:
                    totals[key] = _figure(key, v, row.cell(col).strip(), spending_table, row, file, labels[col])
            break
    return totals


def _figure(key: str, v: Decimal, text: str, table: Table, row: Row, file: str, subject: str) -> Figure:
    return Figure(key, to_yuan(v, table.money_unit), f"{text} {table.money_unit}", subject=subject,
                  provenance=Provenance(file, table.key, row.line, row.line))


# ---------------------------------------------------------------- 表四 projects


@dataclass
class ProjectColumns:
    unit: int | None
    name: int
    function: int | None
    econ_gov: int | None
    econ_dept: int | None
    amount: int
    sources: dict[int, str]


def project_columns(table: Table) -> ProjectColumns | None:
    labels = column_labels(table)
    name = find_column(labels, "项目名称")
    amount = find_column(labels, "合计")
    if name is None or amount is None:
        return None
    sources = {i: lab for i, lab in enumerate(labels) if i > amount and lab}
    return ProjectColumns(find_column(labels, "单位"), name, find_column(labels, "功能"),
                          find_column(labels, "经济", exclude="部门"), find_column(labels, "部门", "经济"),
                          amount, sources)


def project_rows(table: Table, cols: ProjectColumns) -> list[tuple[list[str], list[int]]]:
    """Data rows as (cells, line numbers); a row with neither amount nor code continues the row above."""
    out: list[tuple[list[str], list[int]]] = []
    n_head = len(header_rows(table))
    for row in table.rows[n_head:]:
        if is_total_row(row):
            continue
        cells = _realign_project_row(row.cells, cols)
        amount = parse_decimal(_get(cells, cols.amount))
        code, _ = split_code_name(_get(cells, cols.function))
        if amount is None and code is None and out:
            prev_cells, prev_lines = out[-1]
            for i, c in enumerate(cells):
                if c.strip():
                    while len(prev_cells) <= i:
                        prev_cells.append("")
                    prev_cells[i] = prev_cells[i].rstrip() + c.strip()
            prev_lines.append(row.line)
            continue
        out.append((list(cells), [row.line]))
    return out


def _realign_project_row(cells: list[str], cols: ProjectColumns) -> list[str]:
    if cols.function is None:
        return cells
    for i, c in enumerate(cells):
        code, _ = split_code_name(c)
        if code and FUNCTION_CODE_RE.match(code):
            return realign(cells, i, cols.function) if i != cols.function else cells
    return cells


def _get(cells: list[str], i: int | None) -> str:
    return cells[i] if i is not None and 0 <= i < len(cells) else ""


def project_lines(table: Table, file: str) -> list[ProjectLine]:
    """表四 rows → projects (same name merged, one funding line per row), in table order."""
    cols = project_columns(table)
    if cols is None:
        return []
    by_name: dict[str, ProjectLine] = {}
    for cells, lines in project_rows(table, cols):
        name = clean_text(_get(cells, cols.name))
        if not name:
            continue
        prov = Provenance(file, table.key, lines[0], lines[-1])
        fl = _funding_line(name, cells, cols, table, prov)
        pl = by_name.get(name)
        if pl is None:
            pl = by_name[name] = ProjectLine(name, None, "", prov)
        pl.funding_lines.append(fl)
        pl.provenance.line_end = max(pl.provenance.line_end or 0, lines[-1])
    for pl in by_name.values():
        _settle_project(pl)
    return list(by_name.values())


def _funding_line(name: str, cells: list[str], cols: ProjectColumns, table: Table, prov: Provenance) -> FundingLine:
    fcode, fname = split_code_name(_get(cells, cols.function))
    gcode, gname = split_code_name(_get(cells, cols.econ_gov))
    dcode, dname = split_code_name(_get(cells, cols.econ_dept))
    text = _get(cells, cols.amount).strip()
    source = next((lab for i, lab in cols.sources.items() if parse_decimal(_get(cells, i))), None)
    return FundingLine(name, to_yuan(parse_decimal(text), table.money_unit), text, fcode, fname, gcode, gname,
                       dcode, dname, source=source, provenance=prov)


def _settle_project(pl: ProjectLine) -> None:
    """Amount = sum of its lines; codes = those of its largest line."""
    amounts = [f.amount for f in pl.funding_lines if f.amount is not None]
    pl.amount = sum(amounts, Decimal(0)) if amounts else None
    pl.amount_text = " + ".join(f.amount_text for f in pl.funding_lines if f.amount_text)
    main = max(pl.funding_lines, key=lambda f: f.amount or Decimal(0))
    pl.function_code, pl.econ_gov_code, pl.econ_dept_code = main.function_code, main.econ_gov_code, main.econ_dept_code


# ---------------------------------------------------------------- classifications, codes, metadata


def classifications_in(table: Table, file: str) -> list[Classification]:
    """Every code+name pair a table prints: ``code-name`` cells and 科目编码 | 科目名称 column pairs."""
    labels = column_labels(table)
    out: list[Classification] = []
    n_head = len(header_rows(table))
    coded = ["编码" in label for label in labels]  # a code column: a bare number there is a code
    for row in table.rows[n_head:]:
        prov = None
        for i, c in enumerate(row.cells):
            if "-" not in c and not (i < len(coded) and coded[i]):
                continue  # neither a code-name cell (split_code_name needs its -) nor a code column's cell
            label = labels[i] if i < len(labels) else ""
            code, name = split_code_name(c)
            if code is None and "编码" in label and (clean_text(c) or "").isdigit():
                code, name = clean_text(c), row.text(i + 1)
            if not code or not name:
                continue
            scheme = scheme_for(label) or scheme_by_shape(code)
            if scheme and code.isdigit():
                prov = prov or Provenance(file, table.key, row.line, row.line)  # one per row, shared by its cells
                out.append(Classification(scheme, code, name, prov))
    return out



def project_codes(tables: list[Table]) -> dict[str, tuple[str, list[Provenance]]]:
    """``项目编码-项目名称`` cells anywhere (政府购买服务表, form name cells): clean name → (code, where printed)."""
    out: dict[str, tuple[str, list[Provenance]]] = {}
    for t in tables:
        for row in t.rows:
            for c in row.cells:
                m = PROJECT_CODE_RE.match(clean_text(c) or "") if "-" in c else None  # the pattern needs its -
                if m:
                    code, provs = out.setdefault(clean_text(m.group(2)) or "", (m.group(1), []))
                    provs.append(Provenance("", t.key, row.line, row.line))
    return out


def self_unit(tables: list[Table]) -> tuple[str, str, int] | None:
    """The 本级 unit cell ``202001-…（本级）``: (code, name, line)."""
    for t in tables:
        for row in t.rows:
            for c in row.cells:
                m = SELF_UNIT_RE.match(clean_text(c) or "") if "本级" in c else None  # the pattern needs 本级
                if m:
                    return m.group(1), m.group(2), row.line
    return None


def unit_named(tables: list[Table], name: str) -> tuple[str, str, int] | None:
    """Without a 本级 cell: the ``code-name`` cell of a unit column (项目单位, 单位名称 …) naming the department."""
    want = clean_text(name)
    for t in tables:
        cols = [i for i, label in enumerate(column_labels(t)) if UNIT_COLUMN_WORD in label]
        for row in t.rows[len(header_rows(t)):]:
            for i in cols:
                code, unit = split_code_name(row.cell(i))
                if code and code.isdigit() and unit == want:
                    return code, unit, row.line
    return None


def year_and_kind(lines: list[str]) -> tuple[int | None, str | None, int | None]:
    """Fiscal year and 预算/决算 from the first title line that states them."""
    for idx, line in enumerate(lines, start=1):
        m = TITLE_YEAR_RE.search(line)
        if m:
            return int(m.group(1)), ("budget" if m.group(2) == "预算" else "final_account"), idx
    # No title: a bare year line (``(2024 年度)`` above the department-wide table) and the word the text uses.
    text = "\n".join(lines)
    kind = "final_account" if text.count("决算") > text.count("预算") else "budget" if "预算" in text else None
    for idx, line in enumerate(lines, start=1):
        m = YEAR_LINE_RE.match(line)
        if m:
            return int(m.group(1)), kind, idx
    return None, kind, None


def department_name(dept_table: Table | None, lines: list[str], unit: tuple[str, str, int] | None) -> str | None:
    """The 部门（单位）名称 cell of the department-wide table, else the 本级 unit's name, else the first line."""
    for row in dept_table.rows if dept_table is not None else []:
        first = row.text(0) or ""
        if any(lab in first for lab in DEPT_NAME_LABELS):
            rest = [row.text(i) for i in row.filled() if i > 0]
            if rest:
                return rest[0]
    if unit:
        return clean_text(unit[1])
    for line in lines:
        t = clean_text(line)
        if t:
            return t if not re.search(r"\d", t) else None
    return None
