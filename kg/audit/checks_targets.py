"""The same targets in a project's form and in the department-wide table (部门整体支出绩效目标表).

Rows of the department table are grouped by their project (or, when the table has none, by activity);
each group is tied to one project by name and by the indicator names the two share. Within a pair,
rows are matched one to one: first identical rows, then by indicator name, then a department row whose
name is the form row's 二级指标 with the same operator and value. Matched rows that differ in value,
unit or operator are findings; rows left on one side are too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tolerances import (
    CONTAINED_NAME_MIN_CHARS,
    CONTAINED_NAME_SCORE,
    NAME_MATCH_MIN,
    money_to_yuan,
    squeeze,
)
from kg.model import DepartmentIndicator, Indicator, Project
from kg.normalize import parse_decimal

# Weight of the activity/project-name similarity against the share of shared indicator names
# when a department-table group is tied to a project.
GROUP_NAME_WEIGHT = 0.4
# Least score (0-1) for a group to be tied to a project.
GROUP_MATCH_MIN = 0.35
# Operators that compare a number; a difference between two of them contradicts outright.
NUMERIC_OPS = ("≥", "≤", "=", ">", "<")
# Median share of form rows repeated in the department table above which the table is a full mirror of
# the forms (so rows missing at its very end mean it was cut off, not that it lists a subset).
MIRROR_SHARE = 0.9
# Form rows listed when rows are missing on one side.
MAX_LISTED_ROWS = 5

_ACTIVITY_CODE = re.compile(r"^(\d+-)|/\d+-")


def name_score(a: str | None, b: str | None) -> float:
    """0-100 similarity of two names; a cut-off or abbreviated name contained in the other scores 90."""
    x, y = squeeze(a), squeeze(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 100.0
    score = fuzz.ratio(x, y)
    short, long_ = sorted((x, y), key=len)
    if len(short) >= CONTAINED_NAME_MIN_CHARS and short in long_:
        score = max(score, CONTAINED_NAME_SCORE)
    return float(score)


@dataclass
class Group:
    label: str
    rows: list[DepartmentIndicator]
    by_project_name: bool


def dept_groups(rows: list[DepartmentIndicator]) -> list[Group]:
    """Department rows by project (or activity), in table order; rows with neither are department-wide."""
    groups: dict[str, Group] = {}
    for d in rows:
        label = d.project or d.activity
        if not label:
            continue
        groups.setdefault(label, Group(label, [], bool(d.project))).rows.append(d)
    return list(groups.values())


def _overlap(group: Group, p: Project) -> float:
    if not group.rows:
        return 0.0
    hits = sum(1 for d in group.rows if any(name_score(d.l3, i.l3) >= NAME_MATCH_MIN for i in p.indicators))
    return hits / len(group.rows)


def _group_score(group: Group, p: Project) -> float:
    label = _ACTIVITY_CODE.sub("/", group.label).split("/")[-1]
    names = max(name_score(label, n) for n in [p.name, *p.aliases]) / 100
    if group.by_project_name:
        return names
    overlap = _overlap(group, p)
    return 0.0 if overlap == 0 else GROUP_NAME_WEIGHT * names + (1 - GROUP_NAME_WEIGHT) * overlap


def tie_groups(groups: list[Group], projects: list[Project]) -> list[tuple[Group, Project | None]]:
    """Each group to at most one project and each project to at most one group, best scores first."""
    cands = sorted(((_group_score(g, p), gi, pi) for gi, g in enumerate(groups) for pi, p in enumerate(projects)),
                   reverse=True)
    tied: dict[int, int] = {}
    used: set[int] = set()
    for score, gi, pi in cands:
        minimum = NAME_MATCH_MIN / 100 if groups[gi].by_project_name else GROUP_MATCH_MIN
        if score >= minimum and gi not in tied and pi not in used:
            tied[gi] = pi
            used.add(pi)
    return [(g, projects[tied[gi]] if gi in tied else None) for gi, g in enumerate(groups)]


def match_rows(form: list[Indicator], dept: list[DepartmentIndicator]) -> list[tuple[Indicator, DepartmentIndicator]]:
    """One-to-one pairs: identical rows, then best name matches, then 二级指标-named department rows."""
    pairs: list[tuple[Indicator, DepartmentIndicator]] = []
    free_f, free_d = list(range(len(form))), list(range(len(dept)))

    def take(fi: int, di: int) -> None:
        pairs.append((form[fi], dept[di]))
        free_f.remove(fi)
        free_d.remove(di)

    for di in list(free_d):
        d = dept[di]
        same = [fi for fi in free_f if name_score(form[fi].l3, d.l3) == 100 and _same_target(form[fi], d)]
        if same:
            take(same[0], di)
    scored = sorted(((name_score(form[fi].l3 or form[fi].value, dept[di].l3 or dept[di].value), fi, di)
                     for di in free_d for fi in free_f), reverse=True)
    for score, fi, di in scored:
        if score >= NAME_MATCH_MIN and fi in free_f and di in free_d:
            take(fi, di)
    for di in list(free_d):
        d = dept[di]
        same = [fi for fi in free_f if name_score(form[fi].l2, d.l3) == 100 and form[fi].op == d.op
                and squeeze(form[fi].value) == squeeze(d.value)]
        if same:
            take(same[0], di)
    return pairs


def _num(value: str | None, unit: str | None) -> Decimal | None:
    return money_to_yuan(value, unit) if money_to_yuan(value, unit) is not None else parse_decimal(value)


def _same_value(i: Indicator, d: DepartmentIndicator) -> bool:
    a, b = _num(i.value, i.unit), _num(d.value, d.unit)
    if a is not None and b is not None:
        return a == b
    return squeeze(i.value) == squeeze(d.value)


def _same_unit(i: Indicator, d: DepartmentIndicator) -> bool:
    if i.unit is None or d.unit is None:  # a unit printed on one side only is not a contradiction by itself
        return True
    return i.unit == d.unit or (money_to_yuan("1", i.unit) is not None and money_to_yuan("1", d.unit) is not None)


def _same_target(i: Indicator, d: DepartmentIndicator) -> bool:
    return i.op == d.op and _same_value(i, d) and _same_unit(i, d)


def _show(x: Indicator | DepartmentIndicator) -> str:
    return f"{x.op or ''} {x.value or ''} {x.unit or ''}".strip()


def _short(text: str | None) -> str:
    """A target's name or value in a message: whole (a name is never cut; the text report wraps it)."""
    return text or ""


def compare_pair(ad: AuditDoc, p: Project, i: Indicator, d: DepartmentIndicator) -> Iterator[Finding]:
    ev = [ad.ev_indicator(i, p), ad.ev_dept(d)]
    name = _short(i.l3 or d.l3 or i.l2)
    same_name = squeeze(i.l3) == squeeze(d.l3)
    sides = f"(form “{_show(i)}” vs department table “{_show(d)}”)"
    if i.op != d.op:
        hard = i.op in NUMERIC_OPS and d.op in NUMERIC_OPS and same_name
        yield ad.finding("target_operator_differs", "error" if hard else "warning", p.name,
                         f"{name}: operator {i.op} in the target form, {d.op} in the department table {sides}",
                         ev, form=i.op, department_table=d.op)
    if not _same_value(i, d):
        hint = ""
        a, b = parse_decimal(i.value), parse_decimal(d.value)
        if a is not None and b is not None and "%" in (i.unit, d.unit) and (a == b * 100 or b == a * 100):
            hint = " — a percentage written once as a fraction?"
        yield ad.finding("target_value_differs", "warning", p.name,
                         f"{name}: value {_short(i.value)} in the target form, {_short(d.value)} in the department "
                         f"table{hint}", ev, form=i.value, department_table=d.value)
    if not _same_unit(i, d):
        yield ad.finding("target_unit_differs", "warning", p.name,
                         f"{name}: unit {i.unit} in the target form, {d.unit} in the department table {sides}",
                         ev, form=i.unit, department_table=d.unit)
    x, y = squeeze(i.l3), squeeze(d.l3)
    if x and y and x != y and (x.startswith(y) or y.startswith(x)):
        where = "department table" if len(y) < len(x) else "target form"
        yield ad.finding("target_name_cut", "warning", p.name,
                         f"indicator name cut short in the {where}: form “{i.l3}” vs department table “{d.l3}”",
                         ev, form=i.l3, department_table=d.l3)
    elif x and y and x != y and y != squeeze(i.l2):
        yield ad.finding("target_name_differs", "info", p.name,
                         f"indicator named differently: form “{i.l3}” vs department table “{d.l3}”",
                         ev, form=i.l3, department_table=d.l3)


def check_form_vs_department_table(ad: AuditDoc) -> Iterator[Finding]:
    doc = ad.doc
    groups = dept_groups(doc.department_indicators)
    if not groups:
        return
    ties = tie_groups(groups, [p for p in doc.projects if p.indicators])
    matched = [(g, p, match_rows(p.indicators, g.rows)) for g, p in ties if p is not None]
    mirrors = _table_mirrors_forms(matched)
    for g, p in ties:
        if p is None and g.by_project_name:
            yield ad.finding("department_table_unknown_project", "warning", g.label,
                             f"the department table lists {len(g.rows)} targets for {g.label}, "
                             "which matches no project with a target form", [ad.ev_dept(g.rows[0])])
    for g, p, pairs in matched:
        cut_off = g is groups[-1] and (mirrors or _ends_file(ad, g.rows[-1]))
        yield from _compare_group(ad, p, g, pairs, cut_off)
    tied_projects = {id(p) for _, p, _ in matched}
    for p in doc.projects:
        if p.indicators and id(p) not in tied_projects:
            yield ad.finding("form_missing_from_department_table", "warning", p.name,
                             f"the target form has {len(p.indicators)} targets; the department table has none "
                             f"for this project ({len(groups)} other groups are there)",
                             [ad.ev_indicator(p.indicators[0], p)], form_rows=str(len(p.indicators)),
                             department_table_rows="0")


def _table_mirrors_forms(matched: list[tuple[Group, Project, list]]) -> bool:
    """True when, apart from the last group, the department table repeats (nearly) every form row."""
    shares = sorted(len(pairs) / len(p.indicators) for _, p, pairs in matched[:-1])
    return bool(shares) and shares[len(shares) // 2] >= MIRROR_SHARE


def _ends_file(ad: AuditDoc, d: DepartmentIndicator) -> bool:
    """The row is on the last non-blank line of the source."""
    line = d.provenance.line_start if d.provenance else None
    last = max((i + 1 for i, x in enumerate(ad.lines) if x.strip()), default=None)
    return line is not None and last is not None and (d.provenance.line_end or line) >= last  # type: ignore[union-attr]


def _compare_group(ad: AuditDoc, p: Project, g: Group, pairs: list[tuple[Indicator, DepartmentIndicator]],
                   cut_off: bool) -> Iterator[Finding]:
    for i, d in pairs:
        yield from compare_pair(ad, p, i, d)
    paired_f = {id(i) for i, _ in pairs}
    paired_d = {id(d) for _, d in pairs}
    left_f = [i for i in p.indicators if id(i) not in paired_f]
    left_d = [d for d in g.rows if id(d) not in paired_d]
    for d in left_d:
        yield _dept_only(ad, p, d, left_f)
    if not left_f:
        return
    tail = p.indicators[len(p.indicators) - len(left_f):]
    if cut_off and [id(x) for x in tail] == [id(x) for x in left_f] and pairs:
        sev, what = "warning", "the department table ends here: it looks cut off"
    else:
        sev, what = "info", "the department table lists a subset"
    names = "; ".join(f"{_short(i.l3 or i.l2)} {_show(i)}" for i in left_f[:MAX_LISTED_ROWS])
    more = f" and {len(left_f) - MAX_LISTED_ROWS} more" if len(left_f) > MAX_LISTED_ROWS else ""
    yield ad.finding("target_missing_from_department_table", sev, p.name,
                     f"{len(left_f)} of {len(p.indicators)} form targets have no row in the department table "
                     f"({what}): {names}{more}", [ad.ev_indicator(i, p) for i in left_f[:MAX_LISTED_ROWS]],
                     form_rows=str(len(p.indicators)), missing=str(len(left_f)))


def _dept_only(ad: AuditDoc, p: Project, d: DepartmentIndicator, left_f: list[Indicator]) -> Finding:
    """A department row with no form counterpart; say so if it sums the leftover form rows or sits in another form."""
    ev = [ad.ev_dept(d)]
    sev, note = "warning", ""
    value = parse_decimal(d.value)
    same_l2 = [i for i in left_f if i.l2 == d.l2 and parse_decimal(i.value) is not None]
    if value is not None and same_l2 and sum(parse_decimal(i.value) for i in same_l2) == value:  # type: ignore[misc]
        sev, note = "info", f"; it sums {len(same_l2)} {d.l2} rows of the form ({value})"
        ev += [ad.ev_indicator(same_l2[0], p)]
    else:
        elsewhere = [(q, i) for q in ad.doc.projects if q is not p for i in q.indicators
                     if name_score(i.l3, d.l3) >= NAME_MATCH_MIN and _same_target(i, d)]
        if elsewhere:
            q, i = elsewhere[0]
            note = f"; the same target is in the form of {q.name}"
            ev.append(ad.ev_indicator(i, q))
    return ad.finding("target_missing_from_form", sev, p.name,
                      f"department table row {_short(d.l3 or d.l2)} {_show(d)} (under {d.project or d.activity}) has no "
                      f"counterpart in the target form of {p.name}{note}", ev,
                      department_table=f"{d.l3} {_show(d)}")


CHECKS = [check_form_vs_department_table]
