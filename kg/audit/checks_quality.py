"""Target-quality rules on one document (kinds ``target.*``): coverage, measurability, money sense, copies.

The rules, their severities and thresholds are data in :mod:`kg.audit.rules_targets`; each check here takes
the document and the user's :class:`RuleConfig` and yields nothing for a rule that is switched off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.audit.checks_money import is_cost_indicator, is_total_cost
from kg.audit.context import AuditDoc
from kg.audit.findings import Evidence, Finding
from kg.audit.rules_targets import RuleConfig
from kg.audit.tolerances import MONEY_UNITS, YUAN_EPSILON, money_to_yuan, squeeze, yuan_str
from kg.model import Indicator, Project
from kg.normalize import parse_decimal

# The framework's categories, recognised from 一级 / 二级 indicator names.
_OUTPUT_L2 = re.compile(r"数量|质量|时效|进度")
_EFFECT_L2 = re.compile(r"效益|可持续影响")
_TIMING_L2 = re.compile(r"时效|进度")
# A date, a period or a milestone in a 时效 target's name or value.
DATE_OR_PERIOD = re.compile(
    r"\d{4}\s*年|\d{1,2}\s*月|\d+\s*(日|号)|[一二三四1-4]\s*季度|季度|上半年|下半年|年底|年末|年中|年初|年内|全年|当年|"
    r"月底|月末|年度内|\d+\s*个?\s*(工作日|日|天|周|星期|月|年|小时|分钟)|前$|前完成|内完成|之内|以内|截至|截止|"
    r"按月|按季|每月|每季|每年|每周|每日")
# Units that make a number a period (or, for %, an on-time rate): 天, 个工作日, 个月, 小时, % …
TIME_UNIT = re.compile(r"^个?(工作日|自然日|日|天|周|星期|月|季度|年|小时|分钟|秒)$|^%$")
NUMERIC_OPS = ("≥", "≤", "=", ">", "<")
_DIGIT = re.compile(r"\d")
# A value written in Chinese numerals (两次, 三场, 十二个月) is a number, not words.
_CHINESE_NUMBER = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+\D{0,2}$")
# Rows quoted in a copied-targets message.
QUOTED_ROWS = 3


def is_satisfaction(i: Indicator) -> bool:
    return "满意" in (i.l1 or "") or "满意" in (i.l2 or "")


def is_cost(i: Indicator) -> bool:
    return is_cost_indicator(i) or is_total_cost(i)


def is_output(i: Indicator) -> bool:
    if is_satisfaction(i):
        return False
    return "产出" in (i.l1 or "") or (not i.l1 and bool(_OUTPUT_L2.search(i.l2 or "")))


def is_effect(i: Indicator) -> bool:
    if is_satisfaction(i):
        return False
    return "效益" in (i.l1 or "") or bool(_EFFECT_L2.search(i.l2 or ""))


COVERAGE: dict[str, tuple[str, Callable[[Indicator], bool]]] = {
    "target.no_output": ("产出", is_output),
    "target.no_effect": ("效益", is_effect),
    "target.no_satisfaction": ("满意度", is_satisfaction),
    "target.no_cost": ("成本", is_cost),
}


def emit(ad: AuditDoc, cfg: RuleConfig, rule: str, project: str | None, message: str,
         evidence: list[Evidence], **values: str | None) -> Finding | None:
    """The finding of ``rule`` at the user's severity, or None when the rule is switched off."""
    if not cfg.enabled(rule):
        return None
    return ad.finding(rule, cfg.severity_of(rule), project, message, evidence, **values)


def show(i: Indicator) -> str:
    name = i.l3 or i.l2 or ""
    name = name if len(name) <= 30 else name[:29] + "…"
    return f"{name} {i.op or ''} {i.value or ''}{' ' + i.unit if i.unit else ''}".strip()


def check_coverage(ad: AuditDoc, cfg: RuleConfig) -> Iterator[Finding]:
    """Forms without an 产出 / 效益 / 满意度 indicator; without 成本 where the document's other forms have one."""
    forms = [p for p in ad.doc.projects if p.indicators]
    for rule, (label, belongs) in COVERAGE.items():
        if not cfg.enabled(rule):
            continue
        having = [p for p in forms if any(belongs(i) for i in p.indicators)]
        if rule == "target.no_cost" and not having:
            continue  # the template has no 成本 category: nothing is omitted
        for p in forms:
            if p in having:
                continue
            cats = sorted({i.l1 or i.l2 or "?" for i in p.indicators})
            ev = [ad.ev_indicator(p.indicators[0], p)]
            note = ""
            if rule == "target.no_cost":
                q = having[0]
                ev.append(ad.ev_indicator(next(i for i in q.indicators if belongs(i)), q))
                note = f"; {len(having)} other forms of this document have one (e.g. {q.name})"
            f = emit(ad, cfg, rule, p.name, f"the target form has no {label} indicator: its {len(p.indicators)} "
                     f"targets are under {', '.join(cats)}{note}", ev, categories=", ".join(cats))
            if f:
                yield f


def _has_digit(text: str | None) -> bool:
    return bool(_DIGIT.search(text or "") or _CHINESE_NUMBER.match(squeeze(text)))


def _value_problem(i: Indicator, cfg: RuleConfig) -> tuple[str, str] | None:
    """The first measurability rule a row breaks: no value, a placeholder, or words where a quantity is asked."""
    v = squeeze(i.value)
    if not v:
        return "target.no_value", f"{show(i)}: the target has no value"
    placeholders = {squeeze(x) for x in cfg.param("target.placeholder_value", "placeholders")}
    if v in placeholders:
        return "target.placeholder_value", f"{show(i)}: “{i.value}” is a placeholder, not a target"
    name = squeeze(i.l3)
    asks = bool(name and re.search(cfg.param("target.qualitative_quantity", "name_suffix"), name))
    if (asks or (i.unit and i.unit not in ("", "无"))) and not _has_digit(i.value):
        why = "the name asks for a quantity" if asks else f"the unit {i.unit} asks for a number"
        return "target.qualitative_quantity", f"{show(i)}: {why}, but the value “{i.value}” is words"
    return None


def check_measurability(ad: AuditDoc, cfg: RuleConfig) -> Iterator[Finding]:
    """Rows without a value, with a placeholder or words for a quantity, rates above 100, undated 时效 targets."""
    for p in ad.doc.projects:
        for i in p.indicators:
            hit = _value_problem(i, cfg)
            found = [emit(ad, cfg, hit[0], p.name, hit[1], [ad.ev_indicator(i, p)], value=i.value)] if hit else []
            found.append(_rate_over_100(ad, cfg, p, i))
            found.append(_timing(ad, cfg, p, i))
            yield from (f for f in found if f)


def _rate_over_100(ad: AuditDoc, cfg: RuleConfig, p: Project, i: Indicator) -> Finding | None:
    value = parse_decimal(i.value)
    rate = i.unit == "%" or squeeze(i.l3).endswith("率")
    top = cfg.param("target.rate_over_100", "max_percent")
    if not rate or value is None or value <= top or i.op not in NUMERIC_OPS:
        return None
    if i.unit == "%" and i.op in ("≥", ">", "="):
        return None  # reported as target_percent_over_100
    why = "binds nothing: a share never exceeds 100%" if i.op in ("≤", "<") else \
        f"is a rate without a unit above {top}: a percentage that cannot be met, or a count in the wrong row?"
    return emit(ad, cfg, "target.rate_over_100", p.name, f"{show(i)} {why}", [ad.ev_indicator(i, p)],
                op=i.op, value=i.value)


def _timing(ad: AuditDoc, cfg: RuleConfig, p: Project, i: Indicator) -> Finding | None:
    if not _TIMING_L2.search(i.l2 or "") or "满意" in (i.l2 or ""):
        return None
    if "成本" in (i.l2 or "") and i.unit in MONEY_UNITS:
        return None  # a money row of a merged 时效成本 category is a cost, not a time target
    if DATE_OR_PERIOD.search(squeeze(i.l3)) or DATE_OR_PERIOD.search(squeeze(f"{i.value or ''}{i.unit or ''}")):
        return None
    if parse_decimal(i.value) is not None and TIME_UNIT.match(squeeze(i.unit)):
        return None
    return emit(ad, cfg, "target.timing_not_date", p.name,
                f"{show(i)}: a {i.l2} target with neither a date nor a period (by when? within how long?)",
                [ad.ev_indicator(i, p)], value=i.value)


def check_money_sense(ad: AuditDoc, cfg: RuleConfig) -> Iterator[Finding]:
    """One cost item above the project's amount; cost indicators set as floors (≥)."""
    for p in ad.doc.projects:
        for i in p.indicators:
            if not is_cost_indicator(i):
                continue
            found = []
            yuan = money_to_yuan(i.value, i.unit)
            if (p.amount is not None and yuan is not None and not is_total_cost(i)
                    and yuan > p.amount + YUAN_EPSILON):
                found.append(emit(ad, cfg, "target.cost_over_amount", p.name,
                                  f"{show(i)} = {yuan_str(yuan)} 元 alone exceeds the project's amount "
                                  f"{yuan_str(p.amount)} 元 (a multi-year total, a 元/万元 slip, or another project's row?)",
                                  [ad.ev_indicator(i, p), ad.ev_project(p)],
                                  cost=str(yuan), amount=str(p.amount)))
            if i.op in ("≥", ">"):
                found.append(emit(ad, cfg, "target.cost_floor", p.name,
                                  f"{show(i)}: a cost target set as a floor ({i.op}); a cost is capped with ≤",
                                  [ad.ev_indicator(i, p)], op=i.op, value=i.value))
            yield from (f for f in found if f)


def target_key(i: Indicator) -> tuple[str, str, str, str]:
    """A row as compared verbatim: name (or 二级 name when unnamed), operator, value, unit."""
    return (squeeze(i.l3) or "/" + squeeze(i.l2), i.op or "", squeeze(i.value), i.unit or "")


def shared_share(a: list[Indicator], b: list[Indicator]) -> tuple[float, list[Indicator]]:
    """Share of the smaller set's rows found verbatim in the other, and those rows (of ``b``)."""
    ka = {target_key(i) for i in a}
    shared = [i for i in b if target_key(i) in ka]
    n = len({target_key(i) for i in shared})
    return n / max(1, min(len(ka), len({target_key(i) for i in b}))), shared


def check_copied_in_document(ad: AuditDoc, cfg: RuleConfig) -> Iterator[Finding]:
    """A project whose targets are mostly (share_min) an earlier project's of the same document, verbatim."""
    rule = "target.copied_in_department"
    if not cfg.enabled(rule):
        return
    least, min_rows = cfg.param(rule, "share_min"), cfg.param(rule, "min_rows")
    forms = [p for p in ad.doc.projects if len({target_key(i) for i in p.indicators}) >= min_rows]
    for j, p in enumerate(forms):
        best = max(((shared_share(q.indicators, p.indicators), q) for q in forms[:j]),
                   key=lambda x: x[0][0], default=None)
        if best is None or best[0][0] < least:
            continue
        (share, shared), q = best
        twin = {target_key(i): i for i in q.indicators}
        rows = "; ".join(show(i) for i in shared[:QUOTED_ROWS])
        f = emit(ad, cfg, rule, p.name,
                 f"{len(shared)} of {len(p.indicators)} targets ({share:.0%} of the smaller form) are word for word "
                 f"those of {q.name}: {rows}{' …' if len(shared) > QUOTED_ROWS else ''}",
                 [ad.ev_indicator(shared[0], p), ad.ev_indicator(twin[target_key(shared[0])], q)],
                 other_project=q.name, share=f"{share:.2f}", shared=str(len(shared)))
        if f:
            yield f


CHECKS = [check_coverage, check_measurability, check_money_sense, check_copied_in_document]
