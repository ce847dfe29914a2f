"""Checks of single records: project codes, targets that cannot be measured, forms missing or copied."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tolerances import squeeze
from kg.model import DepartmentIndicator, Indicator
from kg.normalize import parse_decimal

# A Beijing project code: 8 digits (区划 + 年度), T, 12 digits — 11010222T000000417204.
PROJECT_CODE = re.compile(r"^\d{8}T\d{12}$")
# A code of that family whatever its lengths: digits, T, digits (11010224T0000002767691 is one, broken).
BEIJING_FAMILY = re.compile(r"^(\d+)T(\d+)$")
# Any code: digits and letters (and -), at least one digit.
CODE_CHARS = re.compile(r"^(?=.*\d)[0-9A-Za-z-]+$")
# A code of another convention is malformed only when this many of the document's codes share another shape.
MIN_CODES_SHARING_SHAPE = 2
# Digits 7-8 of the code are the year the project entered the project library (…22T → 2022).
CODE_YEAR_SLICE = slice(6, 8)
# A percentage target above this is impossible to reach.
MAX_PERCENT = 100
# Names of satisfaction targets, for which only ≥ / > make sense.
SATISFACTION = re.compile(r"满意")
# A goal text at least this long printed twice in a row is a copy slip; goals shared by two forms too.
MIN_GOAL_CHARS = 15


def check_project_codes(ad: AuditDoc) -> Iterator[Finding]:
    """Codes that break the pattern 8 digits + T + 12 digits (a code of that family: digits, T, digits), or
    whose year is after the document's; a code of another convention (other provinces print 18 digits,
    350427230000000013, or letters, 33030424A000000016) only when its shape differs from the shape the
    document's other codes share (at least :data:`MIN_CODES_SHARING_SHAPE` of them)."""
    shapes = Counter(code_shape(c) for p in ad.doc.projects if (c := (p.code or "").strip()))
    for p in ad.doc.projects:
        code = (p.code or "").strip()
        if not code:
            continue
        line = ad.locate([code], whole=True)  # the line printing this very code, else the project's own line
        ev = [ad.ev_line(line, "project code") if line else ad.ev_project(p)]
        if PROJECT_CODE.match(code):
            if ad.doc.year and 2000 + int(code[CODE_YEAR_SLICE]) > ad.doc.year:
                yield ad.finding("project_code_year", "warning", p.name,
                                 f"project code {code} is from {2000 + int(code[CODE_YEAR_SLICE])}, after the "
                                 f"document's year {ad.doc.year}", ev, code=code)
            continue
        m = BEIJING_FAMILY.match(code)
        if m:
            yield ad.finding("project_code_malformed", "error", p.name,
                             f"project code {code} has {len(m.group(1))} digits before T and {len(m.group(2))} "
                             f"after; the pattern is 8 digits, T, 12 digits (e.g. 11010222T000000417204)", ev,
                             code=code)
            continue
        if not CODE_CHARS.match(code):
            yield ad.finding("project_code_malformed", "error", p.name,
                             f"project code {code} is not a code (no digit, or characters other than digits, "
                             f"letters and -)", ev, code=code)
            continue
        common, n = shapes.most_common(1)[0]
        others = n if common != code_shape(code) else 0
        if others >= MIN_CODES_SHARING_SHAPE:
            example = next(c for q in ad.doc.projects if code_shape(c := (q.code or "").strip()) == common)
            yield ad.finding("project_code_malformed", "error", p.name,
                             f"project code {code} has {len(code)} characters; the document's other codes are "
                             f"{len(common)} (e.g. {example})", ev, code=code)


def code_shape(code: str) -> str:
    """A code's shape: each digit 9, each letter A (350427230000000013 → 999999999999999999)."""
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", code))


def check_shared_codes(ad: AuditDoc) -> Iterator[Finding]:
    """Two different projects under one project code."""
    by_code: dict[str, list[str]] = {}
    for p in ad.doc.projects:
        if p.code:
            by_code.setdefault(p.code.strip(), []).append(p.name)
    for code, names in by_code.items():
        if len(names) > 1:
            yield ad.finding("project_code_shared", "warning", names[1],
                             f"project code {code} is given to {len(names)} projects: {', '.join(names)}",
                             [ad.ev_line(n, "project code") for n in [ad.locate([code], whole=True)] if n], code=code)


def check_no_target_form(ad: AuditDoc) -> Iterator[Finding]:
    """Projects without a target form (info): their money has no stated purpose to audit against."""
    if ad.doc.doc_kind == "final_account":
        return
    with_form = sum(1 for p in ad.doc.projects if p.indicators)
    for p in ad.doc.projects:
        if not p.indicators:
            yield ad.finding("project_without_target_form", "info", p.name,
                             f"no target form ({with_form} of {len(ad.doc.projects)} projects have one); "
                             f"amount {p.amount} 元", [ad.ev_project(p)], amount=str(p.amount))


def check_qualitative_only(ad: AuditDoc) -> Iterator[Finding]:
    """A project whose every target is 定性: nothing in it can be measured."""
    for p in ad.doc.projects:
        if p.indicators and all(i.op == "定性" for i in p.indicators):
            yield ad.finding("targets_all_qualitative", "warning", p.name,
                             f"all {len(p.indicators)} targets are 定性 (qualitative); none can be measured",
                             [ad.ev_indicator(i, p) for i in p.indicators[:3]])


def _unmeasurable(x: Indicator | DepartmentIndicator) -> tuple[str, str] | None:
    value = parse_decimal(x.value)
    if x.unit == "%" and value is not None and value > MAX_PERCENT and x.op in ("≥", ">", "="):
        return "target_percent_over_100", f"{x.l3} {x.op} {x.value}%: a percentage above {MAX_PERCENT} cannot be met"
    if SATISFACTION.search(f"{x.l3 or ''}") and x.op in ("≤", "<"):
        return "satisfaction_upper_bound", (f"{x.l3} {x.op} {x.value}{x.unit or ''}: a satisfaction target "
                                            "with ≤ sets a ceiling, not a floor")
    if x.l3 and x.value and len(squeeze(x.l3)) >= MIN_GOAL_CHARS // 3 and squeeze(x.l3) == squeeze(x.value):
        return "target_value_is_name", f"{x.l3}: the target value repeats the indicator's name; nothing to measure"
    return None


def check_unmeasurable_targets(ad: AuditDoc) -> Iterator[Finding]:
    """Percentages above 100, satisfaction targets with ≤, values that only repeat the name (form and dept table)."""
    for p in ad.doc.projects:
        for i in p.indicators:
            hit = _unmeasurable(i)
            if hit:
                yield ad.finding(hit[0], "warning", p.name, f"target form: {hit[1]}", [ad.ev_indicator(i, p)],
                                 op=i.op, value=i.value)
    for d in ad.doc.department_indicators:
        hit = _unmeasurable(d)
        if hit:
            yield ad.finding(hit[0], "warning", d.project or d.activity,
                             f"department table: {hit[1]}", [ad.ev_dept(d)], op=d.op, value=d.value)


def check_goals(ad: AuditDoc) -> Iterator[Finding]:
    """The same goal text in two projects' forms, or one goal printed twice in a row."""
    seen: dict[str, str] = {}
    for p in ad.doc.projects:
        g = squeeze(p.goal)
        if len(g) < MIN_GOAL_CHARS:
            continue
        ev = [ad.evidence(None, [p.goal], "form", (p.goal or "")[:60])]
        half = len(g) // 2
        if len(g) >= 2 * MIN_GOAL_CHARS and len(g) % 2 == 0 and g[:half] == g[half:]:
            yield ad.finding("goal_printed_twice", "warning", p.name,
                             f"the goal text ({half} characters) is printed twice in a row", ev)
        if g in seen:
            yield ad.finding("goal_copied", "warning", p.name,
                             f"the goal is word for word the goal of {seen[g]}: "
                             f"“{(p.goal or '')[:30]}…”", ev, other_project=seen[g])
        else:
            seen[g] = p.name


CHECKS = [check_project_codes, check_shared_codes, check_no_target_form, check_qualitative_only, check_unmeasurable_targets,
          check_goals]
