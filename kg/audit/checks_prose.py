"""Checks of the explanatory prose against itself and against the tables.

These read the source text (the prose is not a record): a change stated as "A 万元，比 … B 万元减少 C 万元，
下降 P%" must satisfy C = |A − B| and P = C / B; a count of projects with declared targets must match the
target forms printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tolerances import PERCENT_TOLERANCE
from kg.normalize import parse_decimal

_NUM = r"\d[\d,，]*(?:\.\d+)?"
_UNIT = r"(?:万元|元)"
_CHANGE = (rf"(?P<dir>增加|减少)(?P<c>{_NUM}){_UNIT}[，,]?(?P<dir2>增长|下降|降低|减少|增加)(?P<p>\d+(?:\.\d+)?)%")
# "… 比 2023 年年初预算 B 万元，减少 C 万元，下降 P%"  (base printed)
CHANGE_WITH_BASE = re.compile(rf"比(?P<ctx>[^，。；%]*?)(?P<b>{_NUM}){_UNIT}[，,]?{_CHANGE}")
# "A 元，比 2018 年增加 C 元，增长 P%"  (base = A ∓ C)
CHANGE_NO_BASE = re.compile(rf"(?P<a>{_NUM}){_UNIT}[，,]?比(?P<ctx>[^，。；%\d]*(?:\d{{4}}年度?)?[^，。；%\d]*?){_CHANGE}")
_BEFORE = re.compile(rf"(?P<a>{_NUM}){_UNIT}[，,]?$")
DECLARED_PROJECTS = re.compile(r"申报绩效目标的项目(?:有|共)?(?P<n>\d+)个")


def _dec(s: str) -> Decimal:
    d = parse_decimal(s)
    assert d is not None
    return d


def _half_step(text: str) -> Decimal:
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return Decimal(1).scaleb(-decimals) / 2


def _percent(c: Decimal, base: Decimal) -> Decimal | None:
    return None if base == 0 else c / base * 100


def check_prose_changes(ad: AuditDoc) -> Iterator[Finding]:
    for n, raw in enumerate(ad.lines, start=1):
        line = re.sub(r"\s+", "", raw)
        if "%" not in line:
            continue
        done: set[int] = set()
        for m in CHANGE_WITH_BASE.finditer(line):
            before = _BEFORE.search(line[: m.start()])
            a = _dec(before.group("a")) if before else None
            done.add(m.start("p"))
            yield from _check_change(ad, n, a, _dec(m.group("b")), m, before.group("a") if before else None)
        for m in CHANGE_NO_BASE.finditer(line):
            if m.start("p") in done:
                continue
            a, c = _dec(m.group("a")), _dec(m.group("c"))
            base = a - c if m.group("dir") == "增加" else a + c
            # the prose sometimes puts the base year's figure before 比: accept c / a as well
            yield from _check_change(ad, n, a, base, m, m.group("a"), base_printed=False, alt_base=a)


def _check_change(ad: AuditDoc, line: int, a: Decimal | None, b: Decimal, m: re.Match[str],
                  a_text: str | None, base_printed: bool = True, alt_base: Decimal | None = None) -> Iterator[Finding]:
    c, p = _dec(m.group("c")), _dec(m.group("p"))
    ev = [ad.ev_line(line, "prose")]
    if a is not None and base_printed and abs(abs(a - b) - c) > _half_step(m.group("c")) * 2:
        yield ad.finding("prose_change_amount", "warning", None,
                         f"line {line}: {a_text} vs {m.group('b')} differ by {abs(a - b)}, but the text says "
                         f"{m.group('dir')} {m.group('c')}", ev, stated=str(c), computed=str(abs(a - b)))
    expected = _percent(c, b)
    tol = PERCENT_TOLERANCE + _half_step(m.group("p"))
    if expected is None or abs(expected - p) <= tol:
        return
    on_a = _percent(c, a) if a is not None else None
    if alt_base is not None and on_a is not None and abs(on_a - p) <= tol:
        return
    why = ""
    if on_a is not None and abs(on_a - p) <= tol:
        why = f" — {m.group('p')}% is {c} / {a_text}, computed on the new figure instead of the base"
    yield ad.finding("prose_change_percent", "warning", None,
                     f"line {line}: {m.group('dir2')} {m.group('p')}% is stated, but {c} / {b} = "
                     f"{expected.quantize(Decimal('0.01'))}%{why}", ev, stated=f"{p}%",
                     computed=f"{expected.quantize(Decimal('0.01'))}%")


def check_declared_target_count(ad: AuditDoc) -> Iterator[Finding]:
    with_form = [p for p in ad.doc.projects if p.indicators]
    if not with_form:
        return
    for n, raw in enumerate(ad.lines, start=1):
        m = DECLARED_PROJECTS.search(re.sub(r"\s+", "", raw))
        if m and int(m.group("n")) != len(with_form):
            without = [p.name for p in ad.doc.projects if not p.indicators]
            yield ad.finding("declared_targets_vs_forms", "warning", None,
                             f"the text says {m.group('n')} projects declared targets, but {len(with_form)} "
                             f"target forms are printed" + (f" (none for {', '.join(without)})" if without else ""),
                             [ad.ev_line(n, "prose")] + [ad.ev_project(p) for p in ad.doc.projects
                                                         if not p.indicators][:3],
                             stated=m.group("n"), forms=str(len(with_form)))


# Numbers with thousands separators whose groups are not 3 digits (498,64,180.90 for 49,864,180.90).
GROUPED_NUMBER = re.compile(r"(?<![\d,，.])\d+(?:,\d+)+\.\d+")
WELL_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")
TRIPS_NONE = re.compile(r"因公出国（境）团组0个")
TRIPS_COST = re.compile(r"因公出国（境）费用?[。，]?[^。]*?决算数?(?P<x>\d+(?:\.\d+)?)万元")


def check_number_grouping(ad: AuditDoc) -> Iterator[Finding]:
    """A thousands separator in the wrong place makes a number ambiguous."""
    for n, raw in enumerate(ad.lines, start=1):
        line = re.sub(r"([,.])[ \u3000]+(?=\d)", r"\1", raw)
        for m in GROUPED_NUMBER.finditer(line):
            if not WELL_GROUPED.match(m.group(0)):
                fixed = f"{_dec(m.group(0)):,}"
                yield ad.finding("number_grouping", "warning", None,
                                 f"line {n}: {m.group(0)} has its thousands separators misplaced (read as {fixed})",
                                 [ad.ev_line(n)], printed=m.group(0), read_as=fixed)


def check_trips_vs_cost(ad: AuditDoc) -> Iterator[Finding]:
    """因公出国（境）费 spent while the text says no delegation (团组0个) was organised."""
    for n, raw in enumerate(ad.lines, start=1):
        line = re.sub(r"\s+", "", raw)
        cost = TRIPS_COST.search(line)
        if TRIPS_NONE.search(line) and cost and _dec(cost.group("x")) > 0:
            yield ad.finding("prose_trips_vs_cost", "warning", None,
                             f"line {n}: 因公出国（境）费 {cost.group('x')} 万元 was spent, but the same text says "
                             "团组0个、0人次", [ad.ev_line(n, "prose")], cost=cost.group("x"), delegations="0")


CHECKS = [check_prose_changes, check_declared_target_count, check_number_grouping, check_trips_vs_cost]
