"""Tie the tables of family E together: project rows + target forms + purchased services → Project records.

Projects come from the project table in its order (name, amount, codes); each target form is matched to a project
by name (or by amount and name likeness), giving code, category, goal and indicators; a purchased-service line
whose item name differs from its project's but whose amount equals it gives an alias.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from difflib import SequenceMatcher

from kg.evidence_link import link_form_by_evidence, mark_evidence
from kg.layouts.pdf_wrapped.forms import Form, indicator_of
from kg.layouts.pdf_wrapped.tables import MoneyRow, Purchase
from kg.layouts.pdf_wrapped.text import Section
from kg.model import Document, FundingLine, Project, Provenance
from kg.normalize import to_yuan

# Least name likeness (difflib ratio) for an alias or a form matched by amount.
MIN_NAME_LIKENESS = 0.4


def assemble_projects(doc: Document, rows: list[MoneyRow], sec: Section | None, forms: list[Form],
                      sec_f: Section | None, buys: list[Purchase], sec_b: Section | None,
                      unit: Callable[[Section | None], str]) -> list[Project]:
    projects = projects_from_rows(doc, rows, sec, unit(sec) if sec else "万元")
    for form in forms:
        attach_form(doc, projects, form, sec_f, unit(sec_f))
    for buy in buys:
        attach_purchase(doc, projects, buy, sec_b, unit(sec_b))
    return projects


def projects_from_rows(doc: Document, rows: list[MoneyRow], sec: Section | None, unit: str) -> list[Project]:
    """One project a row; a row without a name adds a funding line to the project above it."""
    out: list[Project] = []
    for r in rows:
        prov = Provenance(doc.source, sec.label if sec else None, r.line_start, r.line_end)
        text, amount = r.amounts[0]
        yuan = to_yuan(amount, unit)
        fn, eg, ed = r.code("function"), r.code("econ_gov"), r.code("econ_dept")
        line = FundingLine(r.text or None, yuan, text, fn.code if fn else None, fn.name if fn else None,
                           eg.code if eg else None, eg.name if eg else None, ed.code if ed else None,
                           ed.name if ed else None, provenance=prov)
        if not r.text and out:
            p = out[-1]
            line.project = p.name
            line.link_method, line.confidence = "merged_cell_repair:row_above", 0.8
            p.funding_lines.append(line)
            p.amount = (p.amount or Decimal(0)) + (yuan or Decimal(0))
            doc.warn("merged_project_cell", f"row without a project name joined to {p.name}", r.line_start)
            continue
        out.append(Project(name=r.text, amount=yuan, amount_text=text, function_code=line.function_code,
                           econ_gov_code=line.econ_gov_code, econ_dept_code=line.econ_dept_code,
                           funding_lines=[line], provenance=prov))
    return out


def likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def match_form(doc: Document, projects: list[Project], form: Form, yuan: Decimal | None) -> Project | None:
    """The project a form is about: same name; a header-polluted first row ending in it; or same amount, like name."""
    name = form.name
    for p in projects:
        if p.name == name:
            return p
    for p in projects:
        if name and p.name.endswith(name) and p is projects[0]:
            doc.warn("project_name_repaired", f"table header text dropped from {p.name!r} → {name!r}",
                     p.provenance.line_start if p.provenance else None)
            p.name = name
            for fl in p.funding_lines:
                fl.project = name
            return p
    same = [p for p in projects if yuan is not None and p.amount == yuan and not p.code]
    best = max(same, key=lambda p: likeness(p.name, name), default=None)
    return best if best and likeness(best.name, name) >= MIN_NAME_LIKENESS else None


def attach_form(doc: Document, projects: list[Project], form: Form, sec: Section | None, unit: str) -> None:
    """Give the form's code, category, goal and indicators to its project (a new one if none matches)."""
    file = doc.source
    label = sec.label if sec else None
    text, amount = form.amounts[0] if form.amounts else ("", None)
    yuan = to_yuan(amount, unit)
    prov = Provenance(file, label, form.line_no, form.line_end)
    p = match_form(doc, projects, form, yuan)
    owner = None if p is not None else link_form_by_evidence(
        doc, form.name, [yuan] if yuan is not None else [], projects, code=form.code, line=form.line_no,
        amount_text=text)
    if owner is not None:
        p = projects[owner.index]
    if p is None:
        if projects:
            doc.warn("form_without_project_row", f"target form {form.name} matches no project table row",
                     form.line_no)
        p = Project(name=form.name, amount=yuan, amount_text=text, provenance=prov)
        projects.append(p)
    else:
        p.seen_in.append(prov)
        if form.name and form.name != p.name and form.name not in p.aliases:
            p.aliases.append(form.name)
        if yuan is not None and p.amount is not None and yuan != p.amount and owner is None:
            doc.warn("amount_mismatch", f"{p.name}: form says {text}, project table {p.amount_text}",
                     form.line_no)
    p.code = p.code or form.code
    p.category = p.category or form.category
    p.goal = p.goal or form.goal
    new = [indicator_of(r, file, label or "") for r in form.rows]
    if owner is not None:
        mark_evidence(new, owner)
    p.indicators.extend(new)
    if not form.rows:
        doc.warn("form_without_indicators", f"target form {form.name} has no indicator rows", form.line_no)


def attach_purchase(doc: Document, projects: list[Project], buy: Purchase, sec: Section | None, unit: str) -> None:
    """A purchased-service line: same spelling → seen; other spelling with the same amount → alias; part → seen."""
    prov = Provenance(doc.source, sec.label if sec else None, buy.lines[0].no, buy.lines[-1].no)
    yuan = to_yuan(buy.amount, unit)
    exact = next((p for p in projects if p.name == buy.item or buy.item in p.aliases), None)
    if exact:
        exact.seen_in.append(prov)
        return
    same = [p for p in projects if yuan is not None and p.amount == yuan]
    best = max(same, key=lambda p: likeness(p.name, buy.item), default=None)
    if best and likeness(best.name, buy.item) >= MIN_NAME_LIKENESS:
        best.aliases.append(buy.item)
        best.seen_in.append(prov)
        return
    part = next((p for p in projects if buy.item.startswith(p.name)), None)
    if part:
        part.seen_in.append(prov)
        doc.warn("purchase_part", f"purchased service {buy.item} ({buy.amount_text}) is part of {part.name}, "
                 "not another name for it", buy.lines[0].no, severity="info")
        return
    doc.warn("purchase_unmatched", f"purchased service {buy.item} matches no project", buy.lines[0].no,
             severity="info")
