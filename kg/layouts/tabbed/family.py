"""Layout family A — tab-separated export, 表一…表十四, amounts in 万元 (seed 000).

lines → tables (:mod:`tabbed_tables`) → totals, project lines, codes (:mod:`tabbed_budget`) → target forms
(:mod:`tabbed_forms`) → department indicators (:mod:`tabbed_dept`) → names tied across tables
(:mod:`tabbed_link`) → :class:`Document`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from kg.errors import ParseError
from kg.evidence_link import OwnerLink, link_form_by_evidence, mark_evidence
from kg.layouts.linescan import lines_starting
from kg.layouts.tabbed import budget as budget
from kg.layouts.tabbed.dept import parse_department
from kg.layouts.tabbed.forms import Form, parse_forms
from kg.layouts.tabbed.link import NameLink, link_by_amount, link_names
from kg.layouts.tabbed.tables import TITLE_RE, Table, split_tables
from kg.layouts.tabbed.units import resolve_units
from kg.model import DepartmentIndicator, Document, Project, Provenance, dedupe_classifications
from kg.normalize import clean_text, parse_decimal, to_yuan
from kg.reading import SourceText

NAME = "tabbed"

# Detection: at least this many ``表X：`` title lines at column 0 …
DETECT_MIN_TITLES = 4
# … and this many tab rows with three or more filled cells make a confident claim.
DETECT_MIN_TABLE_ROWS = 20
# Totals that differ by more than this (yuan) are reported.
TOTAL_TOLERANCE = Decimal("1.00")


def detect(src: SourceText) -> float:
    """Score in [0, 1]: numbered ``表X：`` titles at column 0 *and* tab-separated multi-cell rows."""
    titles = sum(1 for line in lines_starting(src.text, "表", src.lines) if TITLE_RE.match(line.rstrip()))  # titles open with 表
    if titles < DETECT_MIN_TITLES:
        return 0.1 * titles / DETECT_MIN_TITLES
    rows = sum(1 for line in src.lines if "\t" in line and sum(1 for c in line.split("\t") if c.strip()) >= 3)
    score = 0.3 * min(titles, 2 * DETECT_MIN_TITLES) / (2 * DETECT_MIN_TITLES)
    score += 0.5 * min(rows, DETECT_MIN_TABLE_ROWS) / DETECT_MIN_TABLE_ROWS
    if rows >= DETECT_MIN_TABLE_ROWS and ("绩效目标申报表" in src.text or "项目支出表" in src.text):
        score += 0.2
    return min(score, 1.0)


# ---------------------------------------------------------------- table lookup


def pick(tables: list[Table], key: str, test: Callable[[str], bool]) -> Table | None:
    """The table whose name passes ``test``, else the one numbered ``key``."""
    for t in tables:
        if t.name and test(t.name):
            return t
    return next((t for t in tables if t.key == key and not t.name), None)


def income_table(tables: list[Table]) -> Table | None:
    return pick(tables, "表一", lambda n: "收支总" in n and "财政拨款" not in n)


def spending_table(tables: list[Table]) -> Table | None:
    return pick(tables, "表三", lambda n: "支出总体" in n and "财政" not in n)


def project_table(tables: list[Table]) -> Table | None:
    return pick(tables, "表四", lambda n: "项目支出" in n and "绩效" not in n and "基本" not in n)


def form_table(tables: list[Table]) -> Table | None:
    return pick(tables, "表十三", lambda n: "项目" in n and "绩效目标" in n)


def department_table(tables: list[Table]) -> Table | None:
    return pick(tables, "表十四", lambda n: "整体" in n and "绩效" in n)


# ---------------------------------------------------------------- orchestration


def parse(src: SourceText) -> Document:
    doc = Document(source=src.name)
    tables = split_tables(src.warn_cut_last_line(doc))
    if not tables:
        raise ParseError("no numbered tables (表一：…) found", src.path)
    doc.warnings.extend(resolve_units(tables, src.lines, [income_table(tables), spending_table(tables)], src.name))
    fill_metadata(doc, src, tables)
    doc.totals = budget.totals_from(income_table(tables), spending_table(tables), src.name)
    forms: list[Form] = []
    if (ft := form_table(tables)) is not None:
        forms, warnings = parse_forms(ft, src.name)
        doc.warnings.extend(warnings)
    if (dt := department_table(tables)) is not None:
        doc.department_indicators, warnings = parse_department(dt, src.name)
        doc.warnings.extend(warnings)
    doc.projects = assemble_projects(doc, tables, forms, src.name)
    doc.classifications = dedupe_classifications(
        [c for t in tables for c in budget.classifications_in(t, src.name)])
    check_totals(doc)
    for t in tables:
        if not t.rows:
            doc.warn("empty_table", f"{t.key} {t.name or ''} has no rows", t.line)
    return doc



def fill_metadata(doc: Document, src: SourceText, tables: list[Table]) -> None:
    unit = budget.self_unit(tables)
    doc.department = budget.department_name(department_table(tables), src.lines, unit)
    if unit is None and doc.department and (unit := budget.unit_named(tables, doc.department)) is not None:
        doc.warn("unit_code_by_name", f"no 本级 cell; the unit cell {unit[0]}-{unit[1]} names the department",
                 unit[2], severity="info")
    doc.department_code = unit[0] if unit else None
    doc.year, doc.doc_kind, _ = budget.year_and_kind(src.lines)
    if doc.year is None:
        doc.warn("no_year", "no title line states the year and 预算/决算")
    if unit is None:
        doc.warn("no_unit_code", "no 本级 unit cell (code-name（本级）) found")


def assemble_projects(doc: Document, tables: list[Table], forms: list[Form], file: str) -> list[Project]:
    """表四 projects in 表四 order, each with its form, codes and other spellings; unmatched forms appended."""
    pt = project_table(tables)
    lines = budget.project_lines(pt, file) if pt is not None else []
    if pt is None:
        doc.warn("no_project_table", "no project-expenditure table (项目支出表); projects come from the forms")
    canon = [pl.name for pl in lines]
    ft = form_table(tables)
    form_links = link_forms(lines, forms, ft.money_unit if ft else "万元")
    by_canon: dict[str, Project] = {}
    for pl in lines:
        if len({(f.function_code, f.econ_gov_code, f.econ_dept_code) for f in pl.funding_lines}) > 1:
            doc.warn("project_codes_differ", f"{pl.name}: its 表四 lines differ in codes; the largest line's are used",
                     pl.provenance.line_start)
        by_canon[pl.name] = Project(
            name=pl.name, amount=pl.amount, amount_text=pl.amount_text, function_code=pl.function_code,
            econ_gov_code=pl.econ_gov_code, econ_dept_code=pl.econ_dept_code, funding_lines=pl.funding_lines,
            provenance=pl.provenance)
    projects = list(by_canon.values())
    taken = {i for i, p in enumerate(projects) if p.name in {x.canonical for x in form_links.values()}}
    unit = ft.money_unit if ft else "万元"
    for form in forms:
        link = form_links.get(form.name)
        owner = None if link is not None else _evidence_owner(doc, projects, form, unit, taken)
        if owner is not None:
            taken.add(owner.index)
            p = projects[owner.index]
            p.seen_in.append(form.provenance)
            apply_form(p, form)
            mark_evidence(p.indicators, owner)
            continue
        if link is None:
            doc.warn("form_without_project_line", f"form {form.name} matches no 表四 project; kept as a project",
                     form.provenance.line_start)
            p = Project(name=form.name, amount=to_yuan(parse_decimal(form.amount_text), ft.money_unit if ft else "万元"),
                        amount_text=form.amount_text, provenance=form.provenance)
            projects.append(p)
            by_canon[form.name] = p
        else:
            p = by_canon[link.canonical]
            _note_alias(doc, p, form.name, link.method, form.provenance.line_start)
            p.seen_in.append(form.provenance)
        apply_form(p, form)
    spellings = canon + [a for p in projects for a in p.aliases]
    dept_groups = department_groups(doc.department_indicators)
    dept_links = known_spellings(link_names(spellings, list(dept_groups)), projects)
    codes = budget.project_codes(tables)
    code_links = known_spellings(link_names(spellings, list(codes)), projects)
    for name, prov in dept_groups.items():
        link = dept_links.get(name)
        if link and link.canonical in by_canon:
            _note_alias(doc, by_canon[link.canonical], name, link.method, prov.line_start)
            by_canon[link.canonical].seen_in.append(prov)
    for name, (code, provs) in codes.items():
        link = code_links.get(name)
        if link and link.canonical in by_canon:
            p = by_canon[link.canonical]
            p.code = p.code or code
            _note_alias(doc, p, name, link.method, provs[0].line_start)
            p.seen_in.extend(Provenance(file, pv.table, pv.line_start, pv.line_end) for pv in provs)
    return projects


def _evidence_owner(doc: Document, projects: list[Project], form: Form, unit: str,
                    taken: set[int]) -> OwnerLink | None:
    """The 表四 project the evidence names for a form no spelling or equal amount tied (kg.evidence_link)."""
    yuan = to_yuan(parse_decimal(form.amount_text), unit)
    return link_form_by_evidence(doc, form.name, [yuan] if yuan is not None else [], projects, taken=taken,
                                 code=form.code, line=form.provenance.line_start, amount_text=form.amount_text)


def link_forms(lines: list[budget.ProjectLine], forms: list[Form], unit: str) -> dict[str, NameLink]:
    """Form name → 表四 name: by spelling, then (for the rest) by an equal amount and similar characters."""
    links = link_names([pl.name for pl in lines], [f.name for f in forms])
    taken = {link.canonical for link in links.values()}
    rest = {f.name: to_yuan(parse_decimal(f.amount_text), unit) for f in forms if f.name not in links}
    free = {pl.name: pl.amount for pl in lines if pl.name not in taken}
    return links | link_by_amount(rest, free)


def known_spellings(links: dict[str, NameLink], projects: list[Project]) -> dict[str, NameLink]:
    """Links made against a project's alias, redirected to the project's own name."""
    owner = {a: p.name for p in projects for a in p.aliases}
    return {o: NameLink(o, owner.get(link.canonical, link.canonical), link.method, link.score)
            for o, link in links.items()}


def apply_form(p: Project, form: Form) -> None:
    p.category, p.owner, p.goal = form.category, form.owner, form.goal
    p.indicators = form.indicators
    p.code = p.code or form.code


def _note_alias(doc: Document, p: Project, spelling: str, method: str, line: int | None) -> None:
    s = clean_text(spelling)
    if s and s != clean_text(p.name) and s not in p.aliases:
        p.aliases.append(s)
        doc.warn("name_alias", f"{s} linked to project {p.name} ({method})", line, severity="info")


def department_groups(records: list[DepartmentIndicator]) -> dict[str, Provenance]:
    """Project name of each 表十四 group → provenance spanning its rows."""
    out: dict[str, Provenance] = {}
    for r in records:
        if not r.project or r.provenance is None:
            continue
        prov = out.get(r.project)
        if prov is None:
            out[r.project] = Provenance(r.provenance.file, r.provenance.table, r.provenance.line_start,
                                        r.provenance.line_end)
        else:
            prov.line_end = r.provenance.line_end
    return out


def check_totals(doc: Document) -> None:
    """Report where the document's own figures disagree (project total vs the sum of project lines)."""
    project_total = doc.total("project")
    amounts = [p.amount for p in doc.projects if p.amount is not None and p.provenance
               and p.provenance.table and p.funding_lines]
    if project_total is not None and amounts and abs(sum(amounts, Decimal(0)) - project_total) > TOTAL_TOLERANCE:
        doc.warn("project_total_mismatch", f"project lines sum to {sum(amounts, Decimal(0))} yuan, "
                 f"the stated project total is {project_total}")
    for key in ("total", "basic", "project"):
        if key not in doc.totals:
            doc.warn("missing_total", f"no {key} total found")
