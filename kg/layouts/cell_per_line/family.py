"""Layout family C — one cell per line, 2019 format with free-text indicators (seed 001).

Each table cell sits on its own tab-prefixed line, rows are separated by blank lines, and multi-paragraph
cells continue on untabbed lines. The chain is: lines → rows → tables (:mod:`cell_per_line_cells`) →
project lines / totals / classifications (:mod:`cell_per_line_budget`) and target forms
(:mod:`cell_per_line_forms`) → linked records (:mod:`cell_per_line_link`), with free-text indicator cells
read by the shared clause rule (:mod:`kg.forms.clauses`).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from kg.errors import ParseError
from kg.evidence_link import link_form_by_evidence
from kg.forms.clauses import free_text_indicators
from kg.funding import transfer_kind
from kg.layouts.cell_per_line.budget import (
    ProjectLine,
    Totals,
    add_transfer_lines,
    classifications,
    document_totals,
    funding_line,
    is_project_line_table,
    project_lines,
)
from kg.layouts.cell_per_line.cells import TABLE_LABEL, Table, lines_to_rows, rows_to_tables
from kg.layouts.cell_per_line.forms import Form, checked_category, forms_of_table
from kg.layouts.cell_per_line.link import Link, link_form, prose_alias_target, prose_mentions
from kg.layouts.linescan import LOOP_SHARE, count_nonblank, lines_starting, lines_with
from kg.model import (
    DepartmentIndicator,
    Document,
    Figure,
    Indicator,
    Project,
    Provenance,
    dedupe_classifications,
)
from kg.normalize import WAN, YUAN_QUANTUM, clean_text, parse_decimal, split_value_unit, to_yuan
from kg.reading import SourceText

NAME = "cell_per_line"
# Its transfer tables are read by the family itself (budget.add_transfer_lines), not by kg.extract.
READS_TRANSFER_TABLES = True

# Detection: share of non-empty lines that are one tab-prefixed cell, at which the structural signal is full.
ONE_CELL_SHARE_FULL = 0.6
ONE_CELL_SHARE_MIN = 0.3
MIN_TABLE_LABELS = 3
# A department-form figure in "万元" this large would be ≥ 10 billion yuan: the header unit is then not believed.
IMPLAUSIBLE_WAN = Decimal(1_000_000)
REPAIRED_ROW_CONFIDENCE = 0.9
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
_SLIPPED_GROUPING = re.compile(r"^\d[\d,]*,\d[\d,]*(?:\.\d+)?$")
_GOOD_GROUPING = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
GOAL_LABELS = ("项目绩效目标", "年度绩效目标", "绩效目标")


def detect(src: SourceText) -> float:
    """Score in [0, 1]: one-cell lines dominate, numbered table labels, free-text indicator forms."""
    text, lines = src.text, src.lines
    if text.count("\n\t") > len(lines) * LOOP_SHARE:  # tab-led lines abound: one pass over every line
        nonempty, one, labels = _line_counts(lines)
    else:  # the few tab-led and 表 lines found in the text
        nonempty = count_nonblank(lines)
        one = sum(1 for ln in lines_starting(text, "\t", lines) if ln.find("\t", 1) < 0 and ln.strip())
        labels = sum(1 for ln in lines_with(text, "表", lines) if TABLE_LABEL.match(ln))
    if not nonempty:
        return 0.0
    one_cell = one / nonempty
    score = 0.6 * min(1.0, one_cell / ONE_CELL_SHARE_FULL)
    if labels >= MIN_TABLE_LABELS:
        score += 0.2
    if "具体指标" in text or "绩效目标申报表" in text:
        score += 0.2
    return round(min(score, 0.3) if one_cell < ONE_CELL_SHARE_MIN else score, 3)


def _line_counts(lines: list[str]) -> tuple[int, int, int]:
    """Non-blank lines, one-cell lines (a leading tab, no other), table-label lines."""
    nonempty = one = labels = 0
    for ln in lines:
        if not ln.strip():
            continue
        nonempty += 1
        if ln[:1] == "\t" and ln.find("\t", 1) < 0:
            one += 1
        if "表" in ln and TABLE_LABEL.match(ln):
            labels += 1
    return nonempty, one, labels


def parse(src: SourceText) -> Document:
    try:
        return _parse(src)
    except ParseError:
        raise
    except (IndexError, KeyError, ValueError, InvalidOperation) as e:  # a broken document, never a traceback
        raise ParseError(f"cannot parse as {NAME}: {type(e).__name__}: {e}", src.path) from None


def _parse(src: SourceText) -> Document:
    doc = Document(source=src.name)
    tables = rows_to_tables(lines_to_rows(src.warn_cut_last_line(doc)))
    labelled = [t for t in tables if t.label]
    if not labelled:
        raise ParseError("no numbered tables (表一： …) found", src.path, 1)
    every = [ln for t in labelled if is_project_line_table(t) for ln in project_lines(t)]
    lines = [ln for ln in every if transfer_kind(ln.title) is None]
    forms = [f for t in labelled for f in forms_of_table(t)]
    warn_empty_tables(doc, labelled)
    warn_slipped_separators(doc, labelled)
    doc.year, doc.doc_kind = document_year(tables), document_kind(labelled)
    doc.department = choose_department(forms, every)
    doc.department_code = department_code(every, doc.department)
    doc.totals = totals_figures(doc, document_totals(labelled), forms)
    reconcile_line_units(doc, lines)
    doc.projects = projects_from_lines(doc, lines)
    check_project_sum(doc, lines)
    add_transfer_lines(doc, [ln for ln in every if transfer_kind(ln.title) is not None])
    link_project_forms(doc, [f for f in forms if f.kind == "project"])
    doc.department_indicators = department_indicators(doc, [f for f in forms if f.kind == "department"])
    add_prose_aliases(doc, tables[0])
    doc.classifications = dedupe_classifications(c for t in labelled for c in classifications(t, doc.source))
    if not doc.projects and not forms:
        doc.warn("no_records", "no project table and no target form found", labelled[0].line_start)
    return doc


# --- document metadata ---------------------------------------------------------------------------------

def _titles(tables: list[Table]) -> list[str]:
    titles = [t.title for t in tables if t.title]
    titles += [r.texts[0] for t in tables for r in t.rows if r.free and r.texts and r.texts[0]]
    return titles


def document_year(tables: list[Table]) -> int | None:
    years = [int(m.group(1)) for t in _titles(tables[1:]) for m in [_YEAR.search(t)] if m]
    if not years:
        years = [int(m.group(1)) for r in tables[0].rows[:3] for m in [_YEAR.search(r.texts[0] if r.texts else "")]
                 if m]
    return Counter(years).most_common(1)[0][0] if years else None


def document_kind(tables: list[Table]) -> str | None:
    titles = " ".join(_titles(tables))
    if "决算" in titles:
        return "final_account"
    return "budget" if "预算" in titles or "申报表" in titles else None


def choose_department(forms: list[Form], lines: list[ProjectLine]) -> str | None:
    """The fullest spelling of the department's name among the forms' and tables' unit-name cells."""
    names = [n for f in forms if (n := f.field_text("部门（单位）名称") or f.field_text("部门名称")
                                  or f.field_text("单位名称"))]
    # A table's 预算单位名称 may be a subordinate unit; it names the department only when no form does.
    names = names or [ln.unit_name for ln in lines if ln.unit_name]
    if not names:
        return None
    longest = max(names, key=lambda n: (len(n), names.count(n)))
    if all(n in longest for n in names):
        return longest
    return Counter(names).most_common(1)[0][0]


def department_code(lines: list[ProjectLine], department: str | None) -> str | None:
    """The department's own (本级) unit code: a line whose unit is the department; a subordinate unit's code is not
    the department's, so without such a line the code is unknown (None)."""
    coded = [ln for ln in lines if ln.unit_code]
    for ln in coded:
        if department and ln.unit_name and (ln.unit_name in department or department in ln.unit_name):
            return ln.unit_code
    unnamed = [ln for ln in coded if not ln.unit_name]
    return unnamed[0].unit_code if unnamed and len(unnamed) == len(coded) else None


# --- totals --------------------------------------------------------------------------------------------

def totals_figures(doc: Document, totals: Totals | None, forms: list[Form]) -> dict[str, Figure]:
    """Totals from the totals table, else from the department form with its unit decided by the evidence."""
    figures: dict[str, Figure] = {}
    if totals:
        for key in ("total", "basic", "project"):
            found = getattr(totals, key)
            if found:
                amount, text, row = found
                figures[key] = Figure(key, amount, text, subject="支出总体情况",
                                      provenance=Provenance(doc.source, totals.table, row.line_start, row.line_end))
    dept = next((f for f in forms if f.kind == "department"), None)
    if dept:
        form_figures = department_form_figures(doc, dept, figures.get("total"))
        for key, fig in form_figures.items():
            figures.setdefault(key, fig)
    if all(k in figures for k in ("total", "basic", "project")):
        t, b, p = (figures[k].amount for k in ("total", "basic", "project"))
        if b + p != t:
            doc.warn("totals_inconsistent", f"basic {b} + project {p} != total {t}",
                     figures["total"].provenance.line_start if figures["total"].provenance else None)
    return figures


def department_form_figures(doc: Document, form: Form, reference: Figure | None) -> dict[str, Figure]:
    """资金总额 / 基本支出 / 项目支出 of the department form in yuan; the header's unit is checked against totals."""
    labels = {"total": "资金总额", "basic": "基本支出", "project": "项目支出"}
    raw = {k: (form.fields[lab], parse_decimal(form.fields[lab].text)) for k, lab in labels.items()
           if lab in form.fields and parse_decimal(form.fields[lab].text) is not None}
    if "total" not in raw:
        return {}
    unit = decide_unit(doc, form.funds_unit or "元", raw["total"][1], reference, raw["total"][0].line_start)
    return {k: Figure(k, to_yuan(v, unit), cell.text.strip(), subject="部门整体支出绩效目标申报表",
                      provenance=Provenance(doc.source, form.table, cell.line_start, cell.line_end))
            for k, (cell, v) in raw.items()}


def decide_unit(doc: Document, header_unit: str, raw_total: Decimal, reference: Figure | None, line: int) -> str:
    """The unit the figures are really in: the header's unless the document's own totals say otherwise."""
    other = "元" if header_unit == "万元" else "万元"
    if reference is not None and reference.amount is not None:
        if to_yuan(raw_total, header_unit) == reference.amount:
            return header_unit
        if to_yuan(raw_total, other) == reference.amount:
            doc.warn("header_unit_mismatch", f"header says {header_unit} but {raw_total} equals the document total "
                     f"{reference.amount} in {other}; read as {other}", line)
            return other
        return header_unit
    if header_unit == "万元" and raw_total >= IMPLAUSIBLE_WAN:
        doc.warn("header_unit_mismatch", f"header says 万元 but {raw_total} looks like yuan; read as 元", line)
        return "元"
    return header_unit


# --- projects ------------------------------------------------------------------------------------------

def projects_from_lines(doc: Document, lines: list[ProjectLine]) -> list[Project]:
    """One project per distinct name, in table order; rows of the same name add up (one funding line each)."""
    by_name: dict[str, Project] = {}
    for ln in lines:
        prov = Provenance(doc.source, ln.table, ln.line_start, ln.line_end)
        p = by_name.get(ln.name)
        if p is None:
            p = Project(ln.name, ln.amount, ln.amount_text, code=ln.code, function_code=ln.function_code,
                        econ_gov_code=ln.econ_gov_code, econ_dept_code=ln.econ_dept_code, provenance=prov)
            by_name[ln.name] = p
        else:
            p.amount = (p.amount or Decimal(0)) + (ln.amount or Decimal(0))
            p.amount_text += " + " + ln.amount_text
            p.seen_in.append(prov)
            doc.warn("project_multi_line", f"{ln.name} has several budget lines; amounts added, codes of the first "
                     "line kept", ln.line_start)
        if ln.amount is None:
            doc.warn("amount_unreadable", f"amount {ln.amount_text!r} of {ln.name} is not a number", ln.line_start)
        if ln.repaired:
            doc.warn("row_joined", f"row of {ln.name} was split by a blank line and joined", ln.line_start)
        p.funding_lines.append(funding_line(ln, doc.source))
    return list(by_name.values())


def reconcile_line_units(doc: Document, lines: list[ProjectLine]) -> None:
    """If the first project table's lines add up to 项目支出 only in the other unit, its header unit lied."""
    expected = doc.total("project")
    if not lines or expected is None:
        return
    first = [ln for ln in lines if ln.table == lines[0].table and ln.amount is not None]
    got = sum((ln.amount for ln in first), Decimal(0))
    for factor in (WAN, 1 / WAN):
        if got != expected and (got * factor).quantize(YUAN_QUANTUM) == expected:
            for ln in first:
                ln.amount = (ln.amount * factor).quantize(YUAN_QUANTUM)
            doc.warn("header_unit_mismatch", f"{lines[0].table} lines add up to 项目支出 {expected} only when read in "
                     f"{'万元' if factor == WAN else '元'}; amounts rescaled", first[0].line_start)
            return


def check_project_sum(doc: Document, lines: list[ProjectLine]) -> None:
    """The first project table's lines should add up to the totals' 项目支出."""
    expected = doc.total("project")
    if not lines or expected is None:
        return
    first = [ln for ln in lines if ln.table == lines[0].table]
    got = sum((ln.amount or Decimal(0) for ln in first), Decimal(0))
    if got != expected:
        doc.warn("project_sum_mismatch", f"{lines[0].table} project lines add up to {got}, 项目支出 is {expected}",
                 first[0].line_start)


def form_amounts(form: Form) -> list[Decimal]:
    """The form's 预算金额 in yuan; with no unit printed, both readings (元, 万元) are candidates."""
    cell = form.fields.get("预算金额") or form.fields.get("项目金额")
    if cell is None:
        return []
    value, unit = split_value_unit(cell.text)
    number = parse_decimal(value)
    if number is None:
        return []
    if unit in ("元", "万元"):
        return [to_yuan(number, unit)]
    return [to_yuan(number, "元"), to_yuan(number, "万元")]


def link_project_forms(doc: Document, forms: list[Form]) -> None:
    """Attach every project form to its budget line (name + amount evidence), else add it as a project."""
    taken: set[int] = set()
    for form in forms:
        name = form.field_text("项目名称")
        if not name:
            doc.warn("form_without_name", "project form has no 项目名称", form.line_start)
            continue
        amounts = form_amounts(form)
        link = link_form(name, amounts, [(p.name, p.amount) for p in doc.projects], taken) or \
            evidence_link(doc, name, amounts, form, taken)
        if link is None:
            project = Project(name, amounts[0] if len(amounts) == 1 else None,
                              (form.fields["预算金额"].text.strip() if "预算金额" in form.fields else ""),
                              provenance=Provenance(doc.source, form.table, form.line_start, form.line_end))
            doc.projects.append(project)
            doc.warn("form_without_budget_line", f"form {name} matches no budget line; kept as its own project",
                     form.line_start)
        else:
            taken.add(link.index)
            project = doc.projects[link.index]
            if name != project.name and name not in project.aliases:
                project.aliases.append(name)
            if link.method != "exact_name":
                doc.warn("form_linked_by_evidence", f"form {name} linked to {project.name} ({link.method}, name "
                         f"similarity {link.similarity:.0f})", form.line_start)
            if amounts and not any(a == project.amount for a in amounts) and link.method != "evidence":
                warn_amount_differs(doc, name, project, amounts, form)  # an evidence link's is a form_amount figure
        fill_from_form(doc, project, form, link)


def warn_amount_differs(doc: Document, name: str, project: Project, amounts: list[Decimal], form: Form) -> None:
    """The form's amount (the reading nearest the table's) against the table's, cited at the amount's line."""
    cell = form.fields.get("预算金额") or form.fields.get("项目金额")
    line = cell.line_start if cell else form.line_start
    if project.amount is None:
        doc.warn("form_amount_differs", f"form {name} amount differs from its budget line", line)
        return
    nearest = min(amounts, key=lambda a: abs(a - project.amount))
    doc.warn("form_amount_differs", f"form {name} amount differs from its budget line ({project.name}): form "
             f"{nearest} 元, table {project.amount} 元, difference {nearest - project.amount} 元", line)


def evidence_link(doc: Document, name: str, amounts: list[Decimal], form: Form, taken: set[int]) -> Link | None:
    """The budget line the evidence names (kg.evidence_link) when neither the name nor an equal amount did."""
    cell = form.fields.get("预算金额") or form.fields.get("项目金额")
    owner = link_form_by_evidence(
        doc, name, amounts, doc.projects, code=form.field_text("项目编码") or form.field_text("项目代码"), taken=taken,
        line=form.line_start, amount_text=cell.text.strip() if cell else "",
        amount=Provenance(doc.source, form.table, cell.line_start, cell.line_end) if cell else None)
    if owner is None:
        return None
    return Link(owner.index, owner.method, owner.confidence, 100 * (owner.features["name"] or 0))


def fill_from_form(doc: Document, project: Project, form: Form, link: Link | None) -> None:
    project.owner = project.owner or form.field_text("项目负责人")
    project.category = project.category or checked_category(
        form.fields["项目类型"].text if "项目类型" in form.fields else None) or form.field_text("项目类别")
    project.goal = project.goal or next((form.field_text(lab) for lab in GOAL_LABELS if form.field_text(lab)), None)
    project.code = project.code or form.field_text("项目编码") or form.field_text("项目代码")
    if project.provenance and project.provenance.table != form.table:
        project.seen_in.append(Provenance(doc.source, form.table, form.line_start, form.line_end))
    method, confidence = ("form", 1.0) if link is None or link.method == "exact_name" else (
        f"form:{link.method}", link.confidence)
    for row in form.indicators:
        row_method, row_conf = method, confidence
        if row.repaired:
            row_method, row_conf = "merged_cell_repair:split_row_join", min(confidence, REPAIRED_ROW_CONFIDENCE)
        for ind in free_text_indicators(row.content, row.l1, row.l2):
            project.indicators.append(Indicator(
                row.l1, row.l2, ind.l3, ind.op, ind.value, ind.unit, None, row.row_text,
                Provenance(doc.source, form.table, row.line_start, row.line_end), row_method, row_conf))


def department_indicators(doc: Document, forms: list[Form]) -> list[DepartmentIndicator]:
    out = []
    for form in forms:
        for row in form.indicators:
            for ind in free_text_indicators(row.content, row.l1, row.l2):
                out.append(DepartmentIndicator(None, None, row.l2, ind.l3, ind.op, ind.value, ind.unit, row.row_text,
                                               Provenance(doc.source, form.table, row.line_start, row.line_end)))
    return out


def add_prose_aliases(doc: Document, prose: Table) -> None:
    """Spellings of projects in the prose list of main projects (主要项目：一是…；二是…) become aliases."""
    for row in prose.rows:
        text = row.cells[0].text if row.cells else ""
        if "主要项目" not in text:
            continue
        for mention in prose_mentions(text.split("主要项目", 1)[1]):
            idx = prose_alias_target(mention, [[p.name, *p.aliases] for p in doc.projects])
            if idx is None:
                continue
            project = doc.projects[idx]
            project.aliases.append(clean_text(mention) or mention)
            project.seen_in.append(Provenance(doc.source, "说明", row.line_start, row.line_end))
            doc.warn("prose_alias", f"prose mention {mention} read as {project.name} (name similarity)", row.line_start)



# --- checks --------------------------------------------------------------------------------------------

def warn_empty_tables(doc: Document, tables: list[Table]) -> None:
    for t in tables:
        filled = sum(1 for r in t.rows if not r.free and sum(1 for x in r.texts if x) >= 2)
        if filled == 0:
            doc.warn("empty_table", f"{t.label} has no filled rows", t.line_start)


def warn_slipped_separators(doc: Document, tables: list[Table]) -> None:
    """Numbers whose thousands separators are misplaced (498,64,180.90) are read without them; say so."""
    for t in tables:
        for r in t.rows:
            for c, s in zip(r.cells, r.texts, strict=True):
                if "," in s and _SLIPPED_GROUPING.match(s) and not _GOOD_GROUPING.match(s):
                    doc.warn("thousands_separator_slip", f"{t.label}: {s} read as {parse_decimal(s)}", c.line_start)
