"""Money checks of one document: cost targets vs budgets, sums of projects and totals, funding lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tolerances import (
    MONEY_UNITS,
    TRIVIAL_DIFFERENCE_YUAN,
    YUAN_EPSILON,
    money_to_yuan,
    printed_step_yuan,
    squeeze,
    wan_str,
    within_display_rounding,
    yuan_str,
)
from kg.evidence_link import FORM_AMOUNT_KEY  # the figure (in Document.outcomes) of a form's own amount
from kg.funding import RECEIVED_SOURCES
from kg.model import Figure, Indicator, Project
from kg.normalize import parse_decimal

# Indicator names that state the whole budget of the project (项目预算控制数, 项目预算成本 …).
TOTAL_COST_NAME = re.compile(r"项目预算(控制数|成本|总额|金额|资金|数)?$|预算控制数|预算成本|项目(总)?成本$|项目资金总额")
# Totals keys a parser may use for the printed 合计 of the project table itself.
PROJECT_TABLE_TOTAL_KEYS = ("project_table", "project_table_total", "projects_total")
# Parser warning naming a funding row that no project claims (its line is evidence for a short project sum).
UNASSIGNED_FUNDING_WARNING = "funding_row_unassigned"
_NUMBER_IN_TEXT = re.compile(r"\d[\d,，\s]*(?:\.\s*\d+)?")


def is_cost_indicator(ind: Indicator) -> bool:
    """A 成本指标 row (经济成本指标, 产出成本指标, 成本指标); 时效成本 rows are time targets, not costs."""
    l2, l1 = ind.l2 or "", ind.l1 or ""
    return ("成本" in l2 and "时效" not in l2) or l1 == "成本指标"


def is_total_cost(ind: Indicator) -> bool:
    return bool(ind.l3 and TOTAL_COST_NAME.search(squeeze(ind.l3)))


def check_cost_target(ad: AuditDoc) -> Iterator[Finding]:
    """A cost target naming the project's whole budget (项目预算控制数 ≤ X) must equal its amount."""
    for p in ad.doc.projects:
        if p.amount is None:
            continue
        for ind in p.indicators:
            if not is_total_cost(ind) or parse_decimal(ind.value) is None:
                continue
            f = _compare_cost(ad, p, ind)
            if f:
                yield f


def _compare_cost(ad: AuditDoc, p: Project, ind: Indicator) -> Finding | None:
    assert p.amount is not None
    unit = ind.unit
    guessed = unit not in MONEY_UNITS
    if guessed:  # no money unit printed: read it as whichever of 元 / 万元 comes nearer the budget
        unit = min(MONEY_UNITS, key=lambda u: abs((money_to_yuan(ind.value, u) or 0) - p.amount))
    target = money_to_yuan(ind.value, unit)
    assert target is not None
    step = printed_step_yuan(ind.value, unit)
    if within_display_rounding(target, p.amount, step):
        return None
    diff = target - p.amount
    sev = "warning" if guessed or abs(diff) < TRIVIAL_DIFFERENCE_YUAN else "error"
    msg = (f"cost target {ind.l3} {ind.op or ''} {ind.value} {ind.unit or '(no unit)'} = {yuan_str(target)} 元, "
           f"but the project's budget is {yuan_str(p.amount)} 元 ({wan_str(p.amount)} 万元): "
           f"{'short by' if diff < 0 else 'over by'} {yuan_str(abs(diff))} 元")
    return ad.finding("cost_target_vs_budget", sev, p.name, msg, [ad.ev_indicator(ind, p), ad.ev_project(p)],
                      target=str(target), budget=str(p.amount), difference=str(diff))


def check_cost_items(ad: AuditDoc) -> Iterator[Finding]:
    """Itemized cost targets (应用软件开发费用 = 270.6 万元 …) that add up to more than the project's budget."""
    for p in ad.doc.projects:
        items = [(i, money_to_yuan(i.value, i.unit)) for i in p.indicators
                 if is_cost_indicator(i) and not is_total_cost(i) and i.op in ("=", "≤", "<")]
        items = [(i, v) for i, v in items if v is not None]
        if p.amount is None or len(items) < 1:
            continue
        total = sum((v for _, v in items), Decimal(0))
        if total > p.amount + YUAN_EPSILON:
            parts = " + ".join(f"{i.value}{i.unit}" for i, _ in items)
            msg = (f"{len(items)} cost items add up to {yuan_str(total)} 元 ({parts}), more than the project's "
                   f"budget {yuan_str(p.amount)} 元 by {yuan_str(total - p.amount)} 元")
            yield ad.finding("cost_items_exceed_budget", "warning", p.name, msg,
                             [ad.ev_indicator(i, p) for i, _ in items[:3]] + [ad.ev_project(p)],
                             items_total=str(total), budget=str(p.amount))


def text_step_yuan(amount: Decimal | None, text: str | None) -> Decimal:
    """Precision in yuan of an amount printed as ``text`` (3,781.144721 万元 → 0.01 元; 241.38 万元 → 100 元)."""
    if amount is None:
        return Decimal("0.01")
    for m in _NUMBER_IN_TEXT.finditer(text or ""):
        printed = parse_decimal(m.group(0))
        if not printed:
            continue
        for unit in ("元", "万元"):
            if abs(printed * MONEY_UNITS[unit] - amount) < MONEY_UNITS[unit]:
                return printed_step_yuan(re.sub(r"[\s,，]", "", m.group(0)), unit)
    return Decimal("0.01")


def figure_step_yuan(f: Figure | None) -> Decimal:
    return text_step_yuan(f.amount, f.text) if f else Decimal("0.01")


def check_totals(ad: AuditDoc) -> Iterator[Finding]:
    """基本支出 + 项目支出 = 支出总计, within the printed precision of the three figures."""
    t = ad.doc.totals
    total, basic, project = t.get("total"), t.get("basic"), t.get("project")
    if not (total and basic and project) or None in (total.amount, basic.amount, project.amount):
        return
    tol = sum((figure_step_yuan(f) for f in (total, basic, project)), Decimal(0)) / 2 + YUAN_EPSILON
    diff = basic.amount + project.amount - total.amount
    if abs(diff) > tol:
        msg = (f"basic {yuan_str(basic.amount)} + project {yuan_str(project.amount)} = "
               f"{yuan_str(basic.amount + project.amount)} 元, but the total is {yuan_str(total.amount)} 元 "
               f"(difference {yuan_str(diff)} 元)")
        yield ad.finding("totals_sum", "error", None, msg,
                         [ad.ev_figure(basic, "基本支出"), ad.ev_figure(project, "项目支出"),
                          ad.ev_figure(total, "支出总计")],
                         basic=str(basic.amount), project=str(project.amount), total=str(total.amount))


def check_project_sum(ad: AuditDoc) -> Iterator[Finding]:
    """The projects' amounts add up to the project table's 合计, or else to 项目支出 (budgets only) — with the
    department-level funding lines (:attr:`Document.funding`, money paid out to other governments) counted when
    the projects alone fall short of 项目支出 by exactly them."""
    doc = ad.doc
    if doc.doc_kind == "final_account":
        return  # a final account's prose names only some projects
    projects = [p for p in doc.projects if p.amount is not None]
    table_total = next((doc.totals[k] for k in PROJECT_TABLE_TOTAL_KEYS if k in doc.totals), None)
    ref = table_total or doc.totals.get("project")
    if not projects or ref is None or ref.amount is None:
        return
    total = sum((p.amount for p in projects), Decimal(0))  # type: ignore[misc]
    diff = total - ref.amount
    tol = figure_step_yuan(ref) / 2 + sum((text_step_yuan(p.amount, p.amount_text) for p in projects), Decimal(0)) / 2 + YUAN_EPSILON
    if abs(diff) <= tol:
        return
    funding = [f.amount for f in doc.funding if f.amount is not None]  # 对下转移支付 …: part of 项目支出, not projects
    if funding and not table_total and abs(diff + sum(funding, Decimal(0))) <= tol:
        return
    label = "the project table's 合计" if table_total else "项目支出"
    explain, sev, culprit = _explain_gap(projects, diff)
    sev = "error" if table_total and sev == "warning" else sev
    msg = (f"the {len(projects)} projects add up to {yuan_str(total)} 元 ({wan_str(total)} 万元), but {label} is "
           f"{yuan_str(ref.amount)} 元 ({wan_str(ref.amount)} 万元): "
           f"{'short by' if diff < 0 else 'over by'} {yuan_str(abs(diff))} 元{explain}")
    unassigned = [ad.ev_line(w.line, "funding row without a project") for w in ad.doc.warnings
                  if w.kind == UNASSIGNED_FUNDING_WARNING and w.line and diff < 0]
    yield ad.finding("project_sum", sev, None, msg, [ad.ev_figure(ref, label), *unassigned] +
                     [ad.ev_project(p) for p in ([culprit] if culprit else projects[:2])], projects_total=str(total),
                     stated=str(ref.amount), difference=str(diff))


def _explain_gap(projects: list[Project], diff: Decimal) -> tuple[str, str, Project | None]:
    """Name a project whose amount equals the gap (e.g. a transfer printed outside the budget tables), or
    whose amount is off its own cost target by exactly the gap (a slip in the project table)."""
    for p in projects:
        targets = [money_to_yuan(i.value, i.unit) for i in p.indicators if is_total_cost(i)]
        if p.amount is not None and any(t is not None and abs(p.amount - t - diff) <= YUAN_EPSILON for t in targets):
            return (f"; {p.name}'s amount {yuan_str(p.amount)} 元 is off its own cost target by exactly this much",
                    "warning", p)
    same = [p for p in projects if p.amount is not None and abs(p.amount - abs(diff)) <= YUAN_EPSILON]
    if diff > 0 and same:
        p = same[-1]
        tables = {x.provenance.table for x in projects if x.provenance and x.provenance.table}
        other_table = p.provenance and p.provenance.table and len(tables) > 1
        return (f"; the excess equals the amount of {p.name}"
                f"{' (printed in ' + p.provenance.table + ', outside the project table)' if other_table else ''}",
                "info" if other_table else "warning", p)
    if diff < 0:
        return "; part of 项目支出 has no project line (no project table row, no target form)", "warning", None
    return "", "warning", None


def check_funding_lines(ad: AuditDoc) -> Iterator[Finding]:
    """A project's funding lines (tied to it exactly) add up to its amount."""
    for p in ad.doc.projects:
        lines = [f for f in p.funding_lines if f.amount is not None and f.link_method == "exact"]
        own = [f for f in lines if f.source not in RECEIVED_SOURCES]
        lines = own or lines  # a transfer row says where part of the money comes from: not more money (kg.funding)
        if not lines or p.amount is None:
            continue
        total = sum((f.amount for f in lines), Decimal(0))  # type: ignore[misc]
        if abs(total - p.amount) > YUAN_EPSILON:
            msg = (f"{len(lines)} funding lines add up to {yuan_str(total)} 元, but the project's amount is "
                   f"{yuan_str(p.amount)} 元 (difference {yuan_str(total - p.amount)} 元)")
            ev = [ad.evidence(f.provenance, [], None, f"{f.function_code or ''} {f.amount_text}") for f in lines[:3]]
            yield ad.finding("funding_lines_vs_amount", "warning", p.name, msg, ev + [ad.ev_project(p)],
                             funding_total=str(total), amount=str(p.amount))


def check_form_amount(ad: AuditDoc) -> Iterator[Finding]:
    """The amount printed in a project's own target form equals its amount in the project table."""
    by_name = {squeeze(n): p for p in ad.doc.projects for n in [p.name, *p.aliases]}
    for f in ad.doc.outcomes:
        p = by_name.get(squeeze(f.subject)) if f.key == FORM_AMOUNT_KEY else None
        if p is None or p.amount is None or f.amount is None:
            continue
        if not within_display_rounding(f.amount, p.amount, figure_step_yuan(f)):
            diff = f.amount - p.amount
            sev = "error" if abs(diff) >= TRIVIAL_DIFFERENCE_YUAN else "warning"
            msg = (f"the target form states {yuan_str(f.amount)} 元 but the project table {yuan_str(p.amount)} 元 "
                   f"(difference {yuan_str(diff)} 元)")
            yield ad.finding("form_amount_vs_table", sev, p.name, msg,
                             [ad.ev_figure(f, "form amount"), ad.ev_project(p)],
                             form=str(f.amount), table=str(p.amount))


CHECKS = [check_cost_target, check_cost_items, check_totals, check_project_sum, check_funding_lines,
          check_form_amount]
