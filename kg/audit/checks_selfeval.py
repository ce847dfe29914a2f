"""Self-evaluation forms (绩效自评表): does the score add up, and is it honest?

One document: the funds row (执行率 vs 全年执行数 / 全年预算数, spending above the budget, 得分 vs 分值 × 执行率),
the scores vs the printed 总分, the weights vs 100, unmet targets with full marks or without a 偏差原因 (project
and department-wide rows), cost targets overrun. Across documents: a target lowered between the budget of the
year and its self-evaluation (:func:`check_target_lowered`).

Printed figures are compared within their display rounding (:mod:`kg.audit.tolerances`); a figure that is not a
number, or a form whose scores or weights are not all printed, is left alone — a false alarm costs as much as a
miss.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from kg.audit.checks_money import is_cost_indicator
from kg.audit.context import AuditDoc
from kg.audit.findings import KINDS, Evidence, Finding
from kg.audit.tolerances import (
    DISPLAY_ROUNDING_HALF,
    FUNDS_RATE_CAP,
    MONEY_UNITS,
    SELFEVAL_EPSILON,
    SELFEVAL_WEIGHT_TOTAL,
    YUAN_EPSILON,
    money_to_yuan,
    squeeze,
    wan_str,
)
from kg.model import DepartmentIndicator, Funds, Indicator, Project
from kg.normalize import clean_text, number_and_unit
from kg.selfeval import budget_counterparts, decimal_or_none, lowered, match_project, match_target, met

SELFEVAL_KINDS: dict[str, str] = {
    "selfeval.rate_mismatch": "a self-evaluation's printed 执行率 ≠ 全年执行数 / 全年预算数 (beyond its rounding)",
    "selfeval.overspent": "a self-evaluation's 全年执行数 is above its 全年预算数",
    "selfeval.funds_score": "the funds row's 得分 ≠ 分值 × 执行率 (rate capped at 100%)",
    "selfeval.total_score": "the scores (funds row included) do not add up to the printed 总分",
    "selfeval.weights_total": "the weights (分值, funds row included) do not add up to 100",
    "selfeval.unmet_full_marks": "a target not met (numbers in one unit) still gets full marks",
    "selfeval.unmet_no_reason": "a target not met gives no 偏差原因",
    "selfeval.cost_over_target": "a cost indicator's achieved cost is above its ≤ target",
    "selfeval.target_lowered": "the self-evaluation's target asks less than the budget of the year promised",
}
KINDS.update(SELFEVAL_KINDS)

DEPARTMENT_SUBJECT = "部门整体"
_TOTAL_LABELS = ("总分", "合计")


def _half_step(text: str | None) -> Decimal:
    """Half of the last printed digit of a number (``98.04%`` → 0.005, ``100`` → 0.5)."""
    t = (clean_text(text) or "").rstrip("%分")
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return Decimal(1).scaleb(-decimals) * DISPLAY_ROUNDING_HALF


def _sum_tolerance(addends: list[str | None], total: str | None) -> Decimal:
    """How far a sum of printed figures may be from a printed total: the rounding of every addend printed with
    decimals (an integer score or weight is taken as exact) and of the total."""
    with_decimals = [t for t in addends if "." in (clean_text(t) or "")]
    return sum((_half_step(t) for t in with_decimals), _half_step(total) if total else Decimal(0)) + SELFEVAL_EPSILON


def _num(text: str | None) -> str:
    return clean_text(text) or "?"


# -- the funds row -------------------------------------------------------------------------------------
def _funds_ev(ad: AuditDoc, p: Project, f: Funds) -> Evidence:
    return ad.evidence(f.provenance, ["年度资金总额"], None, f.text or f"{p.name} 年度资金总额", "funds row")


def check_funds(ad: AuditDoc) -> Iterator[Finding]:
    """执行率 printed vs spent / budget; spending above the budget; 得分 vs 分值 × 执行率."""
    for p in ad.doc.projects:
        f = p.funds
        if f is None:
            continue
        ev = _funds_ev(ad, p, f)
        rate = decimal_or_none(f.rate)
        computed = (f.spent / f.budget * 100) if f.spent is not None and f.budget else None
        if rate is not None and computed is not None and abs(computed - rate) > _half_step(f.rate) + SELFEVAL_EPSILON:
            yield ad.finding("selfeval.rate_mismatch", "warning", p.name,
                             f"执行率 printed {_num(f.rate)}, but 全年执行数 {wan_str(f.spent)} / 全年预算数 "
                             f"{wan_str(f.budget)} 万元 = {computed:.2f}%", [ev],
                             printed=f.rate, computed=f"{computed:.4f}")
        if f.spent is not None and f.budget is not None and f.spent - f.budget > YUAN_EPSILON:
            yield ad.finding("selfeval.overspent", "warning", p.name,
                             f"全年执行数 {wan_str(f.spent)} 万元 is above 全年预算数 {wan_str(f.budget)} 万元 "
                             f"(by {wan_str(f.spent - f.budget)} 万元)", [ev],
                             budget=str(f.budget), spent=str(f.spent))
        yield from _funds_score(ad, p, f, ev, rate if rate is not None else computed)


def _funds_score(ad: AuditDoc, p: Project, f: Funds, ev: Evidence, rate: Decimal | None) -> Iterator[Finding]:
    weight, score = decimal_or_none(f.weight), decimal_or_none(f.score)
    if weight is None or score is None or rate is None:
        return
    expected = weight * min(rate, FUNDS_RATE_CAP) / 100
    rate_step = _half_step(f.rate) if f.rate else Decimal(0)
    tol = _half_step(f.score) + weight * rate_step / 100 + SELFEVAL_EPSILON
    if abs(expected - score) > tol:
        yield ad.finding("selfeval.funds_score", "warning", p.name,
                         f"funds 得分 printed {_num(f.score)}, but 分值 {_num(f.weight)} × 执行率 "
                         f"{_num(f.rate) if f.rate else f'{rate:.2f}%'} = {expected.normalize():f}", [ev],
                         printed=f.score, expected=f"{expected:f}")


# -- scores and weights --------------------------------------------------------------------------------
def _total_line(ad: AuditDoc, p: Project) -> int | None:
    """The 总分 (合计) line inside the project's span that prints its total score."""
    prov = p.provenance
    if not prov or not prov.line_start or not ad.lines:
        return None
    end = min(len(ad.lines), (prov.line_end or prov.line_start) + 2)
    total = squeeze(p.total_score)
    for i in range(prov.line_start - 1, end):
        s = ad.squeezed[i]
        if any(lab in s for lab in _TOTAL_LABELS) and total and total in s:
            return i + 1
    for i in range(prov.line_start - 1, end):  # one cell per line: the label, its value some lines below
        if any(ad.squeezed[i].startswith(lab) for lab in _TOTAL_LABELS):
            return i + 1
    return None


def _scored(p: Project) -> list[Indicator]:
    return [i for i in p.indicators if i.evaluated]


def _funds_scored_or_none_needed(p: Project) -> bool:
    """The funds row's score is printed, or the indicators' weights alone make 100 (a form that does not score
    its funds); otherwise the funds row was not read and the sum would be short."""
    if p.funds is not None and decimal_or_none(p.funds.score) is not None:
        return True
    weights = [decimal_or_none(i.weight) for i in _scored(p)]
    return None not in weights and sum(weights, Decimal(0)) == SELFEVAL_WEIGHT_TOTAL  # type: ignore[arg-type]


def check_total_score(ad: AuditDoc) -> Iterator[Finding]:
    """The indicator scores plus the funds score add up to the printed 总分 (only when every one is printed)."""
    for p in ad.doc.projects:
        inds, total = _scored(p), decimal_or_none(p.total_score)
        if not inds or total is None or not _funds_scored_or_none_needed(p):
            continue
        texts = [i.score for i in inds] + ([p.funds.score] if p.funds and p.funds.score else [])
        values = [decimal_or_none(t) for t in texts]
        if any(v is None for v in values):
            continue
        got = sum(values, Decimal(0))  # type: ignore[arg-type]
        if abs(got - total) > _sum_tolerance(texts, p.total_score):
            line = _total_line(ad, p)
            ev = [Evidence(ad.file, line, "总分", ad.quote(line, f"总分 {p.total_score}"))]
            if p.funds and p.funds.score:
                ev.append(_funds_ev(ad, p, p.funds))
            ev += [ad.ev_indicator(inds[0], p), ad.ev_indicator(inds[-1], p)]
            yield ad.finding("selfeval.total_score", "warning", p.name,
                             f"总分 printed {_num(p.total_score)}, but the {len(values)} scores "
                             f"({'funds + ' if p.funds and p.funds.score else ''}{len(inds)} indicators) add up "
                             f"to {got.normalize():f}", ev, printed=p.total_score, computed=f"{got:f}")


def check_weights(ad: AuditDoc) -> Iterator[Finding]:
    """The weights (分值) add up to 100, when the funds row and every indicator print one."""
    for p in ad.doc.projects:
        inds = _scored(p)
        if not inds or p.funds is None or not p.funds.weight:
            continue
        texts = [p.funds.weight] + [i.weight for i in inds]
        values = [decimal_or_none(t) for t in texts]
        if any(v is None for v in values):
            continue
        got = sum(values, Decimal(0))  # type: ignore[arg-type]
        if abs(got - SELFEVAL_WEIGHT_TOTAL) > _sum_tolerance(texts, None):
            line = _total_line(ad, p)
            ev = [Evidence(ad.file, line, "总分", ad.quote(line, f"总分 {p.total_score or ''}")),
                  _funds_ev(ad, p, p.funds), ad.ev_indicator(inds[0], p), ad.ev_indicator(inds[-1], p)]
            yield ad.finding("selfeval.weights_total", "warning", p.name,
                             f"the weights add up to {got.normalize():f} (funds {_num(p.funds.weight)} + "
                             f"{len(inds)} indicators), not {SELFEVAL_WEIGHT_TOTAL}", ev, computed=f"{got:f}")


# -- targets not met -----------------------------------------------------------------------------------
def _target_text(i: Indicator | DepartmentIndicator) -> str:
    return f"{i.l3 or ''} {i.op or ''}{i.value or ''}{i.unit or ''}".strip()


def _rows(ad: AuditDoc) -> Iterator[tuple[str | None, Indicator | DepartmentIndicator, Evidence]]:
    for p in ad.doc.projects:
        for i in _scored(p):
            yield p.name, i, ad.ev_indicator(i, p)
    for x in ad.doc.department_indicators:
        if x.evaluated:
            yield DEPARTMENT_SUBJECT, x, ad.ev_dept(x)


def check_unmet(ad: AuditDoc) -> Iterator[Finding]:
    """A target not met (numbers in one unit, direction from the operator) with full marks, or without a reason."""
    for subject, i, ev in _rows(ad):
        if met(i) is not False:
            continue
        weight, score = decimal_or_none(i.weight), decimal_or_none(i.score)
        what = f"target {_target_text(i)}, achieved {_num(i.actual)}"
        if weight is not None and score is not None and score >= weight:
            yield ad.finding("selfeval.unmet_full_marks", "warning", subject,
                             f"{what}: not met, yet full marks {_num(i.score)}/{_num(i.weight)}", [ev],
                             target=_target_text(i), actual=i.actual, weight=i.weight, score=i.score)
        if not clean_text(i.reason):
            yield ad.finding("selfeval.unmet_no_reason", "warning", subject,
                             f"{what}: not met, and no 偏差原因 is given", [ev],
                             target=_target_text(i), actual=i.actual)


def _cost_over(i: Indicator) -> tuple[Decimal, Decimal, str] | None:
    """(target, achieved, unit) when a ≤ / < cost target is exceeded; money is compared in yuan across 元/万元."""
    if i.op not in ("≤", "<"):
        return None
    t, a = number_and_unit(i.value), number_and_unit(i.actual)
    if t is None or a is None:
        return None
    tu, au = i.unit or t[1], a[1] or i.unit or t[1]
    if tu in MONEY_UNITS and au in MONEY_UNITS:
        ty, ay = money_to_yuan(t[0], tu), money_to_yuan(a[0], au)
        assert ty is not None and ay is not None
        over = ay > ty if i.op == "≤" else ay >= ty
        return (ty, ay, "元") if over else None
    if tu != au:
        return None
    over = a[0] > t[0] if i.op == "≤" else a[0] >= t[0]
    return (t[0], a[0], tu or "") if over else None


def check_cost_overrun(ad: AuditDoc) -> Iterator[Finding]:
    """A cost indicator (成本指标) whose achieved cost is above its ≤ target."""
    for p in ad.doc.projects:
        for i in _scored(p):
            if not is_cost_indicator(i):
                continue
            over = _cost_over(i)
            if over:
                yield ad.finding("selfeval.cost_over_target", "warning", p.name,
                                 f"cost target {_target_text(i)}, achieved {_num(i.actual)}: over by "
                                 f"{(over[1] - over[0]).normalize():f} {over[2]} (score {_num(i.score)}/"
                                 f"{_num(i.weight)})", [ad.ev_indicator(i, p)],
                                 target=str(over[0]), actual=str(over[1]), unit=over[2])


# -- across documents: the budget of the year vs its self-evaluation -------------------------------------
def check_target_lowered(docs: list[AuditDoc]) -> Iterator[Finding]:
    """A self-evaluated target that asks less than the same project's target in the same department's budget of
    the same year (≥: a lower value, ≤: a higher one; same operator and unit)."""
    for ev_doc in docs:
        if ev_doc.doc.doc_kind == "budget":
            continue
        for bud in budget_counterparts(ev_doc.doc, docs, lambda ad: ad.doc):
            for p in ev_doc.doc.projects:
                if not _scored(p):
                    continue
                pm = match_project(p, bud.doc.projects)
                if pm is None:
                    continue
                for i in _scored(p):
                    tm = match_target(i.l3, pm.item.indicators)
                    if tm is None:
                        continue
                    b = tm.item
                    if lowered(b.op, b.value, b.unit, i.op, i.value, i.unit):
                        yield ev_doc.finding(
                            "selfeval.target_lowered", "warning", p.name,
                            f"the self-evaluation states the target {_target_text(i)}; the budget of {bud.doc.year} "
                            f"promised {_target_text(b)} (project matched by {pm.method}, confidence "
                            f"{pm.confidence}; target by {tm.method}, confidence {tm.confidence})",
                            [ev_doc.ev_indicator(i, p), bud.ev_indicator(b, pm.item)],
                            promised=_target_text(b), evaluated=_target_text(i), budget_file=bud.file,
                            project_match=pm.method, project_confidence=str(pm.confidence),
                            target_match=tm.method, target_confidence=str(tm.confidence))


DOC_CHECKS = [check_funds, check_total_score, check_weights, check_unmet, check_cost_overrun]
CORPUS_CHECKS = [check_target_lowered]
