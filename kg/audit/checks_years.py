"""Budget vs final account: a department's 预算 and 决算 of the same year, compared by project."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tolerances import NAME_MATCH_MIN, VARIANCE_WARN_SHARE, YUAN_EPSILON, squeeze, yuan_str
from kg.model import Figure, Project

ACTUAL_KEYS = ("actual", "final", "spent")
BUDGET_KEYS = ("budget", "adjusted_budget")
VARIANCE_KEY = "variance"


def _figures_by_subject(doc_outcomes: list[Figure], keys: tuple[str, ...]) -> dict[str, Figure]:
    return {squeeze(f.subject): f for f in doc_outcomes if f.key in keys and f.subject and f.amount is not None}


def _find(figs: dict[str, Figure], p: Project) -> Figure | None:
    from kg.audit.checks_targets import name_score

    for n in [p.name, *p.aliases]:
        if squeeze(n) in figs:
            return figs[squeeze(n)]
    best = max(figs.values(), key=lambda f: name_score(f.subject, p.name), default=None)
    return best if best and name_score(best.subject, p.name) >= NAME_MATCH_MIN else None


def check_outcome_arithmetic(ad: AuditDoc) -> Iterator[Finding]:
    """In a final account, actual − budget = the stated variance for each subject."""
    actual = _figures_by_subject(ad.doc.outcomes, ACTUAL_KEYS)
    budget = _figures_by_subject(ad.doc.outcomes, BUDGET_KEYS)
    variance = _figures_by_subject(ad.doc.outcomes, (VARIANCE_KEY,))
    for subject, v in variance.items():
        a, b = actual.get(subject), budget.get(subject)
        if a is None or b is None:
            continue
        computed = a.amount - b.amount  # type: ignore[operator]
        if abs(abs(computed) - abs(v.amount)) > YUAN_EPSILON:  # type: ignore[arg-type]
            yield ad.finding("final_variance_arithmetic", "warning", v.subject,
                             f"actual {yuan_str(a.amount)} − budget {yuan_str(b.amount)} = {yuan_str(computed)} 元, "
                             f"but the stated variance is {yuan_str(v.amount)} 元",
                             [ad.ev_figure(a, "actual"), ad.ev_figure(b, "budget"), ad.ev_figure(v, "variance")],
                             computed=str(computed), stated=str(v.amount))


def pair_budget_final(docs: list[AuditDoc]) -> list[tuple[AuditDoc, AuditDoc]]:
    """(budget, final account) pairs of one department and one year."""
    budgets = {(squeeze(d.doc.department), d.doc.year): d for d in docs if d.doc.doc_kind == "budget"}
    return [(budgets[k], d) for d in docs if d.doc.doc_kind == "final_account"
            and (k := (squeeze(d.doc.department), d.doc.year)) in budgets and k[0]]


def check_budget_vs_final(docs: list[AuditDoc]) -> Iterator[Finding]:
    """Variance by project between the budget and the final account; differing budget figures."""
    for bud, fin in pair_budget_final(docs):
        actual = _figures_by_subject(fin.doc.outcomes, ACTUAL_KEYS)
        budget_in_final = _figures_by_subject(fin.doc.outcomes, BUDGET_KEYS)
        for p in bud.doc.projects:
            if p.amount is None:
                continue
            a, b = _find(actual, p), _find(budget_in_final, p)
            if b is not None and abs(b.amount - p.amount) > YUAN_EPSILON:  # type: ignore[operator]
                yield fin.finding("final_budget_differs", "warning", p.name,
                                  f"the final account gives the budget as {yuan_str(b.amount)} 元, the budget "
                                  f"document as {yuan_str(p.amount)} 元 (an adjustment during the year?)",
                                  [fin.ev_figure(b, "budget"), bud.ev_project(p)],
                                  final_budget=str(b.amount), budget=str(p.amount))
            if a is None:
                continue
            diff = a.amount - p.amount  # type: ignore[operator]
            share = abs(diff) / p.amount if p.amount else Decimal(1)
            sev = "warning" if share >= VARIANCE_WARN_SHARE else "info"
            yield fin.finding("budget_vs_final", sev, p.name,
                              f"budgeted {yuan_str(p.amount)} 元, spent {yuan_str(a.amount)} 元: variance "
                              f"{yuan_str(diff)} 元 ({(share * 100).quantize(Decimal('0.1'))}%)"
                              + (f"; stated reason: {a.note}" if a.note else ""),
                              [bud.ev_project(p), fin.ev_figure(a, "actual")],
                              budget=str(p.amount), actual=str(a.amount), variance=str(diff))


DOC_CHECKS = [check_outcome_arithmetic]
CORPUS_CHECKS = [check_budget_vs_final]
