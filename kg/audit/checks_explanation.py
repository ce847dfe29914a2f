"""The 说明 against the tables and against itself (kinds ``explanation.*``), and the per-document note of
what the table checks could not check (``tables.not_checked``).

Only this year's statements are compared: a clause that names another year, 上年, or compares (比 …) is
not this year's figure. Amounts are compared in yuan within the printed precision of both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.audit.checks_rates import CHECKS as RATE_CHECKS
from kg.audit.checks_statements import check_parts, check_statements
from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.paragraphs import CITED_NUMBER, NUM, at, dec, half, squeezed
from kg.audit.tables_base import checked, doc_tables, skipped
from kg.tables import vocab as V

# "A 万元，比 … 增加 C 万元" (no base printed): the base A − C must not be negative.
CHANGE_NO_BASE = re.compile(rf"(?P<a>{NUM})(?P<u>万元|元)[，,]?比(?P<ctx>[^，。；\d]*(?:\d{{4}}年度?)?[^，。；\d]*?)"
                            rf"(?P<dir>增加|增长|减少|下降)(?P<c>{NUM})(?:万元|元)")
# "A 万元，比 … B 万元 增加/减少 C 万元" / "… 持平": the direction must fit A and B.
_NO_CHANGE_WORD = r"(?:(?!增加|减少|增长|下降|降低|持平)[^，。；%])"
CHANGE_WITH_BASE = re.compile(rf"(?P<a>{NUM})(?P<u>万元|元)[，,]?(?:比|较)(?P<ctx>{_NO_CHANGE_WORD}*?)(?P<b>{NUM})(?:万元|元)"
                              rf"[，,]?(?P<dir>增加|增长|减少|下降|降低|持平)")
# A base printed as 0 and a rate of it: "年初预算为0万元 … 完成年初预算的95.89%", "比上年0万元增长12%". This year's
# 0 is no base: "…费用预算0.00万元，比上年预算数下降100.0%" went down to nothing.
ZERO_BASE_RATE = re.compile(r"(?:年初预算|上年(?:预算|执行|决算)?|基数)(?:数)?(?:为|是)?0(?:\.0+)?(?:万元|元)[^。；]*?"
                            r"(?:完成(?:年初)?预算的?|增长|下降|增加|减少)(?P<p>\d+(?:\.\d+)?)%")
PLACEHOLDER = re.compile(r"(?<![A-Za-z\d\-])(?:[XＸ×]{2,}|[xｘ]{2,})(?![A-Za-z])|待填写|待补充|此处填写")
TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年?度?\s*(?:部门|单位)?(?:预算|决算)")


def check_changes(ad: AuditDoc) -> Iterator[Finding]:
    """增加 / 减少 / 持平 against the amounts; a change larger than the amount it led to."""
    for _n, line in squeezed(ad):
        for m in CHANGE_WITH_BASE.finditer(line):
            a, b, d = dec(m.group("a")), dec(m.group("b")), m.group("dir")
            tol = half(m.group("a")) + half(m.group("b"))
            wrong = (d in ("增加", "增长") and a < b - tol) or (d in ("减少", "下降", "降低") and a > b + tol) \
                or (d == "持平" and abs(a - b) > tol)
            if wrong:
                yield ad.finding("explanation.direction", "error", None,
                                 f"the 说明 says {d} from {m.group('b')} to {m.group('a')} {m.group('u')}",
                                 [ad.ev_line(at(ad, line, m.start()), "说明")], amount=str(a), base=str(b), stated=d)
        for m in CHANGE_NO_BASE.finditer(line):
            a, c = dec(m.group("a")), dec(m.group("c"))
            if m.group("dir") in ("增加", "增长") and c > a + half(m.group("a")) + half(m.group("c")):
                yield ad.finding("explanation.zero_base", "error", None,
                                 f"the 说明 gives {m.group('a')} {m.group('u')} as {m.group('dir')} {m.group('c')} "
                                 f"on the year before: the base would be {a - c} (negative)",
                                 [ad.ev_line(at(ad, line, m.start()), "说明")], amount=str(a), change=str(c))
        for m in ZERO_BASE_RATE.finditer(line):
            if dec(m.group("p")) > 0:
                yield ad.finding("explanation.zero_base", "error", None,
                                 f"the 说明 gives a rate of {m.group('p')}% of a base printed as 0",
                                 [ad.ev_line(at(ad, line, m.start()), "说明")], rate=m.group("p"))


def check_placeholders(ad: AuditDoc) -> Iterator[Finding]:
    for _n, line in squeezed(ad):
        m = PLACEHOLDER.search(line)
        if m:
            yield ad.finding("explanation.placeholder", "warning", None,
                             f"a placeholder {m.group(0)!r} is left in the text",
                             [ad.ev_line(at(ad, line, m.start()))], text=m.group(0))


def check_years(ad: AuditDoc) -> Iterator[Finding]:
    """A table title, or the document's own heading, naming a year that is not the document's."""
    year = ad.doc.year
    if not year:
        skipped(ad).append("years in titles (the document's year was not read)")
        return
    first = [(n, re.sub(r"\s+", "", raw)) for n, raw in enumerate(ad.lines, start=1)
             if raw.strip() and "\t" not in raw][:6]  # a table row (a header "2025年预算数") is no heading
    heads = [(n, line) for n, line in first if len(line) <= V.TITLE_MAX_CHARS and not re.search(r"[，。,比]", line)]
    heads += [(t.line, t.title) for t in doc_tables(ad)]
    for n, text in heads:
        text = CITED_NUMBER.sub("", text)
        for m in TITLE_YEAR.finditer(text):
            if int(m.group("y")) != year:
                yield ad.finding("explanation.year", "warning", None,
                                 f"the title names {m.group('y')} but the document is of {year}",
                                 [ad.ev_line(n)], printed=m.group("y"), year=str(year))

NOTE_HEAD_CHARS = 60  # the message quotes the first note cut to this; values["not_checked"] lists them all


def check_not_checked(ad: AuditDoc) -> Iterator[Finding]:
    """One info finding: what the table checks could not check here, and why (so nothing passes on nothing)."""
    notes = list(dict.fromkeys(skipped(ad)))
    found = {t.kind for t in doc_tables(ad) if not t.layout}
    for t in doc_tables(ad):
        if t.layout:
            notes.append(f"{t.name}: printed one cell a line; its rows were not read")
    unseen = [V.KIND_NAMES[k] for k in ("income_expense", "income", "expense", "general", "basic", "sanggong")
              if k not in found]
    if unseen:
        notes.append("no readable table of: " + ", ".join(unseen)
                     + " (not reported missing: it may be printed in a form not read here)")
    done = checked(ad)
    if not notes:
        notes.append("nothing: every identity found was checked")
    head = notes[0] if len(notes[0]) <= NOTE_HEAD_CHARS else notes[0][: NOTE_HEAD_CHARS - 1] + "…"
    yield ad.finding("tables.not_checked", "info", None,
                     f"{len(done)} table/说明 identities checked; {len(notes)} not checked, e.g. {head}", [],
                     checked=str(len(done)), not_checked="; ".join(notes))


CHECKS = [check_changes, check_placeholders, check_years, check_statements, check_parts, *RATE_CHECKS]
LAST = [check_not_checked]
