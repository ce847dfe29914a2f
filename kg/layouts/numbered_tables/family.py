"""Layout family B — 预算01表…预算13表: tab-separated tables with HTML <p> in cells, numbers and codes broken by
spaces (``1, 431. 217495``, ``11010224T00000291 5537``), merged cells printed at a vertical mid-point (seed 004).

Pipeline: lines → numbered tables (:mod:`numbered_tables_grid`) → document facts (:mod:`numbered_tables_facts`)
→ 13表 department rows and 12表 form rows (:mod:`numbered_tables_forms`) → projects with indicator owners
(:mod:`numbered_tables_projects`, :mod:`numbered_tables_assign`) → 03表 funding lines and classifications
(:mod:`numbered_tables_funding`) → cross-checks as warnings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.errors import ParseError
from kg.layouts.numbered_tables import facts as facts
from kg.layouts.numbered_tables.forms import DeptFacts, read_dept_facts, read_dept_indicators, read_form_rows
from kg.layouts.numbered_tables.funding import (
    ClassRow,
    classifications,
    is_total_row,
    link_projects,
    project_rows,
    read_class_rows,
)
from kg.layouts.numbered_tables.grid import TITLE_RE, Table, split_tables
from kg.layouts.numbered_tables.projects import build_projects
from kg.model import Document, Figure, FundingLine, Project, Provenance, dedupe_classifications
from kg.normalize import clean_text, money_str, parse_decimal
from kg.reading import SourceText

NAME = "numbered_tables"

# Detection: distinct numbered-table titles needed for a full score, and the share of tabbed lines expected.
DETECT_FULL_TITLES = 6
DETECT_MIN_TITLES = 2
DETECT_MIN_TAB_SHARE = 0.3
# Shortest project name looked up in other tables for Project.seen_in.
MIN_SEEN_NAME_CHARS = 4
_TITLE_LINE = re.compile(TITLE_RE.pattern, re.M)
# The head of a _TITLE_LINE match, led by its literal (a search skips ahead instead of trying every line start).
_TITLE_HEAD = re.compile(r"(?:预算|决算)\s*(\d{1,2})\s*表")


def title_numbers(text: str) -> set[str]:
    """The table numbers of ``_TITLE_LINE.finditer(text)``: a head counts when only whitespace stands between it
    and the start of its line."""
    return {m.group(1) for m in _TITLE_HEAD.finditer(text)
            if not text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip()}


def detect(src: SourceText) -> float:
    """Score in [0, 1]: numbered 预算NN表 titles on their own lines and tab-separated rows."""
    numbers = title_numbers(src.text)
    if len(numbers) < DETECT_MIN_TITLES:
        return 0.0
    lines = [ln for ln in src.lines if ln.strip()]
    tab_share = sum("\t" in ln for ln in lines) / max(1, len(lines))
    score = min(1.0, len(numbers) / DETECT_FULL_TITLES)
    return round(score if tab_share >= DETECT_MIN_TAB_SHARE else score * 0.4, 3)


def parse(src: SourceText) -> Document:
    doc = Document(source=src.name, layout=NAME, sha256=src.sha256, encoding=src.encoding)
    tables = split_tables(src.warn_cut_last_line(doc))
    if not tables:
        raise ParseError("no numbered tables (预算NN表) found", src.path, 1)
    unit = facts.document_unit(tables)
    doc.doc_kind = facts.doc_kind(tables)
    doc.year, _ = facts.find_year(tables, src.lines)
    if doc.year is None:
        doc.warn("year_missing", "no year (e.g. (2026年度)) in any table heading", tables[0].title_line)
    dept_t, forms_t = facts.table_for(tables, "dept"), facts.table_for(tables, "forms")
    dept_facts = read_dept_facts(dept_t) if dept_t else None
    doc.department = facts.department_name(tables, dept_facts.name if dept_facts else None)
    doc.department_code, _ = facts.department_code(tables)
    class_rows = read_totals_and_classes(doc, tables, unit, src.name, dept_t, dept_facts)
    if dept_t:
        doc.department_indicators, problems = read_dept_indicators(dept_t, src.name)
        for line, msg in problems:
            doc.warn("row_skipped", msg, line)
    else:
        doc.warn("table_missing", "no department-wide target table (部门整体支出绩效目标表)")
    if forms_t:
        doc.projects = read_projects(doc, forms_t, unit, src.name)
    else:
        doc.warn("table_missing", "no project target table (项目支出绩效目标表): no projects read")
    exp_t = facts.table_for(tables, "expenditure")
    link_funding(doc, project_rows(class_rows.get(exp_t.label, [])) if exp_t else [], exp_t, src.name)
    mark_seen_in(doc.projects, tables, forms_t, src.name)
    check_project_sum(doc)
    return doc



def read_totals_and_classes(doc: Document, tables: list[Table], unit: str, src_name: str, dept_t: Table | None,
                            dept_facts: DeptFacts | None) -> dict[str, list[ClassRow]]:
    """Totals (01表 支出总计, 03表 合计 基本/项目, 13表 as fallback) and classification rows of every table."""
    over_t, exp_t = facts.table_for(tables, "overview"), facts.table_for(tables, "expenditure")
    rows_by_table: dict[str, list[ClassRow]] = {}
    for t in tables:
        rows = read_class_rows(t, t.unit or unit)
        if any(cr.codes for cr in rows):
            rows_by_table[t.label] = rows
            doc.classifications.extend(classifications(rows, src_name, t.label))
    doc.classifications = dedupe_classifications(doc.classifications)
    figures: dict[str, Figure] = {}
    total = facts.overview_total(over_t, over_t.unit or unit, src_name) if over_t else None
    if total:
        figures["total"] = total
    exp_rows = rows_by_table.get(exp_t.label, []) if exp_t else []
    total_row = next((cr for cr in exp_rows if is_total_row(cr)), None)
    if total_row and exp_t:
        for key in ("total", "basic", "project"):
            if key in total_row.amounts:
                fig = Figure(key, total_row.amounts[key], total_row.texts[key],
                             provenance=Provenance(src_name, exp_t.label, total_row.row.line, total_row.row.line))
                _set_total(doc, figures, fig)
    if dept_t and dept_facts and dept_facts.totals:
        for key, (text, line) in dept_facts.totals.items():
            _set_total(doc, figures, facts.figure(key, text, dept_t.unit or unit, src_name, dept_t, line))
    doc.totals = figures
    for key in ("total", "basic", "project"):
        if key not in figures:
            doc.warn("total_missing", f"no {key} expenditure figure found in 01表/03表/13表")
    return rows_by_table


def _set_total(doc: Document, figures: dict[str, Figure], fig: Figure) -> None:
    """Keep the first source of a total; a later source that disagrees is a warning."""
    have = figures.get(fig.key)
    if have is None:
        figures[fig.key] = fig
    elif fig.amount is not None and have.amount != fig.amount:
        p = fig.provenance
        doc.warn("total_mismatch", f"{fig.key}: {money_str(have.amount)} ({have.provenance.table if have.provenance else '?'})"
                 f" but {money_str(fig.amount)} in {p.table if p else '?'}", p.line_start if p else None)


def read_projects(doc: Document, forms_t: Table, unit: str, src_name: str) -> list[Project]:
    rows, problems = read_form_rows(forms_t)
    for line, msg in problems:
        doc.warn("row_skipped", msg, line)
    raw_sum = sum((_decimal(fr.amount_text) for fr in rows if fr.is_project_row), Decimal(0))
    ref = doc.total("project")
    table_unit = facts.settle_unit(forms_t.unit, raw_sum, ref, unit)
    if forms_t.unit and table_unit != forms_t.unit:
        doc.warn("unit_corrected", f"{forms_t.label} says {forms_t.unit} but its amounts only fit the document's "
                 f"项目支出 total in {table_unit}", forms_t.title_line)
    projects, notes = build_projects(rows, doc.department_indicators, table_unit, src_name, forms_t.label)
    for kind, msg, line, severity in notes:
        doc.warn(kind, msg, line, severity)
    if not projects and not problems:
        doc.warn("empty_table", f"{forms_t.label} has no project rows", forms_t.title_line)
    return projects


def _decimal(text: str | None) -> Decimal:
    return parse_decimal(text) or Decimal(0)


def link_funding(doc: Document, rows: list[ClassRow], exp_t: Table | None, src_name: str) -> None:
    """Tie 03表 project rows to projects by equal amount, else by subset sum; warn on rows left over."""
    if not rows or not doc.projects or exp_t is None:
        return
    label = exp_t.label
    links, exhausted = link_projects([p.amount for p in doc.projects], rows)
    if exhausted:
        doc.warn("funding_search_limit", f"{label}: subset-sum search stopped at its budget; links may be partial")
    for k, p in enumerate(doc.projects):
        link = links.get(k)
        if link is None:
            doc.warn("funding_unlinked", f"project '{p.name}' ({money_str(p.amount)}) matches no {label} "
                     "project row by amount", p.provenance.line_start if p.provenance else None)
            continue
        cr = rows[link.row]
        fl = _funding_line(p, cr, link.method, link.confidence, src_name, label)
        p.funding_lines.append(fl)
        p.function_code, p.econ_gov_code, p.econ_dept_code = fl.function_code, fl.econ_gov_code, fl.econ_dept_code
    linked = {links[k].row for k in links}
    for r, cr in enumerate(rows):
        if r not in linked:
            codes = " / ".join(f"{c}-{n or ''}" for c, n in cr.codes.values())
            doc.warn("funding_row_unassigned", f"{label} project row {codes} {cr.texts.get('project', '')} "
                     f"({money_str(cr.amounts.get('project'))} yuan) matches no project of the target table",
                     cr.row.line)


def _funding_line(p: Project, cr: ClassRow, method: str, confidence: float, src_name: str, label: str) -> FundingLine:
    def code(s: str) -> tuple[str | None, str | None]:
        return cr.codes.get(s, (None, None))

    (fc, fn), (gc, gn), (dc, dn) = code("function"), code("econ_gov"), code("econ_dept")
    return FundingLine(project=p.name, amount=p.amount, amount_text=p.amount_text, function_code=fc,
                       function_name=fn, econ_gov_code=gc, econ_gov_name=gn, econ_dept_code=dc, econ_dept_name=dn,
                       link_method=method, confidence=confidence,
                       provenance=Provenance(src_name, label, cr.row.line, cr.row.last_line))


def mark_seen_in(projects: list[Project], tables: list[Table], forms_t: Table | None, src_name: str) -> None:
    """Other tables whose cells name a project (政府购买服务表, 政府采购表 …)."""
    # each row's clean cells joined by NUL once: a (clean, NUL-free) name is in some cell iff it is in the join
    rows = [(t, r, "\0".join(clean_text(c) or "" for c in r.cells)) for t in tables if t is not forms_t
            for r in t.rows]
    for p in projects:
        if len(p.name) < MIN_SEEN_NAME_CHARS:
            continue
        for t, r, joined in rows:
            if p.name in joined if "\0" not in p.name else any(p.name in (clean_text(c) or "") for c in r.cells):
                p.seen_in.append(Provenance(src_name, t.label, r.line, r.last_line))


def check_project_sum(doc: Document) -> None:
    """The target table's projects against the 项目支出 total: a gap is spending with no target form."""
    ref = doc.total("project")
    amounts = [p.amount for p in doc.projects if p.amount is not None]
    if ref is None or not amounts:
        return
    s = sum(amounts, Decimal(0))
    if s != ref:
        doc.warn("project_sum_mismatch", f"projects of the target table sum to {money_str(s)} yuan, 项目支出 total is "
                 f"{money_str(ref)} (difference {money_str(ref - s)})", None)
