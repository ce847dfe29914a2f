"""Prose-final project reports (``三、<名>项目绩效评价报告``) → Project records, and 产出 counts → outcomes.

A project report section runs from its heading to the next report heading (or the end). Inside it the
template states the budget (``申请<名>预算金额138.60万元``), the goal (``项目绩效目标 …`` up to the next
``（二）``), other spellings of the name (``成立<名>项目自评工作小组``) and the achieved counts
(``项目产出情况。调研活动515次、…``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.layouts.prose_final.text import AMOUNT, CN_NUM, NUM, Prose, parse_amount
from kg.model import Achievement, Figure, Project, Provenance

Span = tuple[int, int]

# Subject of department-wide outcome counts (as the answer keys write it).
DEPARTMENT_SUBJECT = "department"
# Least difflib ratio for another spelling of a project name to count as an alias.
ALIAS_MIN_RATIO = 0.6
# Shortest name that counts as an alias by being contained in the other spelling.
ALIAS_MIN_CHARS = 4
# Quote pairs a heading may wrap a project's name in.
WRAPPING_QUOTES = (("“", "”"), ("\"", "\""), ("《", "》"), ("「", "」"))
# Longest project name (characters) read from a heading.
NAME_MAX = 60
# Count units of achieved outputs, longest first (money and % are not counts; 年/月/日 are dates).
COUNT_UNITS = ("万人次", "人次", "场次", "个工作日", "平方米", "公里", "项", "场", "次", "篇", "件", "个", "人", "户",
               "家", "期", "批", "份", "条", "册", "本", "套", "台", "辆", "处", "所", "部", "天", "吨", "组", "名", "座", "卷", "页",
               "张", "盒", "间", "棵", "株")

# 三、<名>项目绩效评价报告 — found in the joined text, so a heading wrapped across lines is still found; the name
# never spans a sentence end, another 报告 heading or another section number.
_REPORT_HEADING = re.compile(
    rf"(?:[{CN_NUM}]+、|[（(][{CN_NUM}]+[)）])(?P<name>(?:(?!报告|[{CN_NUM}]+、|[（(][{CN_NUM}]+[)）])[^。，；]){{2,{NAME_MAX}}}?)(?:项目)?(?:支出)?绩效(?:评价|自评)报告")
# A report heading over several projects (三、项目支出绩效评价报告, 部门整体支出绩效评价报告) names no project.
_GENERIC_REPORT_NAME = re.compile(r"^(?:(?:部门|单位)?整体(?:支出)?|(?:重点|部门|专项|其他)?项目(?:支出)?)$")
# Where a section uses the project's name as the subject of a sentence (…项目年度预算金额为, …综合评价：).
_NAME_USE = r"(?:年度)?(?:预算|综合评价)"
_NAME_USES = ("预算", "综合评价", "年度预算", "年度综合评价")  # every text _NAME_USE matches
# A list item's number at the start of a goal paragraph; how far into the text it is looked for.
_LIST_ITEM = re.compile(r"[（(]\d+[)）]|\d+[、.．]")
LIST_MARKER_MAX = 6
_BUDGET = re.compile(rf"预算(?:金额|资金|数|额)?(?:为|共计|合计|总额)?(?P<amount>{AMOUNT})")
_ACTUAL = re.compile(rf"(?:实际支出|执行数|决算数|实际使用资金|支出金额)(?:为|共计|合计)?(?P<amount>{AMOUNT})")
_GOAL = re.compile(r"(?:^|(?<=[。：:）)]))(?:\d+[、.．])?(?:项目)?绩效目标(?:情况)?[：:]?(?P<goal>.+?)(?=[（(][一二三四五六七八九十][)）]|$)")
_NAME_MENTIONS = (r"成立(?P<n>[^。，；]{2,%d}?)项目自评工作小组", r"申请(?P<n>[^。，；]{2,%d}?)预算",
                  r"制定(?P<n>[^。，；]{2,%d}?)项目的评分体系")
# （1）产出数量 / （一）产出数量 / 1、产出数量（完成情况）：… up to the next numbered heading.
_DEPT_OUTPUT = re.compile(rf"(?:[（(][\d{CN_NUM}]+[)）]|\d+[、.．])产出数量(?:完成情况)?[：:]?"
                          rf"(?P<body>.+?)(?=[（(][\d{CN_NUM}]+[)）]|\d+、|$)")
_PROJECT_OUTPUT = re.compile(r"项目产出(?:情况|完成情况)?[。：:](?P<body>.+?)(?=\d+、|[（(][\d一二三四五六七八九十]+[)）]|$)")
_THREE_DIGITS = re.compile(r"\d{3}(?!\d)")
_COUNT = re.compile(rf"(?<![\d.])(?P<value>{NUM})(?P<unit>{'|'.join(COUNT_UNITS)})(?![\d%％])")


@dataclass
class ReportSection:
    name: str  # the name as the heading prints it (项目/绩效评价报告 dropped)
    heading: str  # the heading text, used as the provenance table of the section's records
    heading_line: int
    start: int  # offset of the heading in the joined prose
    end: int  # offset where the next section starts


def report_sections(prose: Prose) -> list[ReportSection]:
    """Project report headings → sections of the joined text."""
    found = [m for m in _REPORT_HEADING.finditer(prose.text) if not _GENERIC_REPORT_NAME.match(m.group("name"))]
    sections = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(prose.text)
        sections.append(ReportSection(unquoted(m.group("name")), m.group(0), prose.line_at(m.start()), m.start(), end))
    return sections


def unquoted(name: str) -> str:
    """A heading's name quoted as a whole (“区委办工作经费”项目…) without its quote marks; inner quotes
    (西城区“十四五”规划…) stay."""
    for open_, close in WRAPPING_QUOTES:
        inner = name[1:-1]
        if name.startswith(open_) and name.endswith(close) and open_ not in inner and close not in inner:
            return inner
    return name


def section_to_project(prose: Prose, sec: ReportSection) -> tuple[Project, list[tuple[int, int, Figure]]]:
    """One report section → its Project (name, aliases, budget, goal) and its budget/actual figures
    (with their spans in the joined text)."""
    table = sec.heading
    body = prose.text[sec.start:sec.end]
    mentions = name_mentions(body)
    name = canonical_name(sec.name, mentions, body)
    project = Project(name=name, provenance=Provenance(prose.name, table, sec.heading_line,
                                                       prose.line_at(max(sec.start, sec.end - 1))))
    project.aliases = [a for a in dict.fromkeys(mentions) if a != name and is_alias(name, a)]
    figures: list[tuple[int, int, Figure]] = []
    if m := _BUDGET.search(body):
        project.amount = parse_amount(m.group("amount"))
        project.amount_text = m.group("amount")
        figures.append(_figure(prose, "budget", m, sec.start, name, table))
    for m in _ACTUAL.finditer(body):
        figures.append(_figure(prose, "actual", m, sec.start, name, table))
    if g := _GOAL.search(body):
        end = next_heading_at(prose, sec.start + g.start("goal"), sec.start + g.end("goal")) - sec.start
        project.goal = body[g.start("goal"):end].strip("：:")
    return project, figures


def name_mentions(body: str) -> list[str]:
    """Names the template prints for the project inside its section, in text order."""
    hits: list[tuple[int, str]] = []
    for pat in _NAME_MENTIONS:
        hits += [(m.start("n"), m.group("n").removeprefix("了")) for m in re.finditer(pat % NAME_MAX, body)]
    return [n for _, n in sorted(hits)]


def canonical_name(heading_name: str, mentions: list[str], body: str) -> str:
    """The heading's name; if it ends in 项目 but the body writes it without, the body's spelling. The
    heading's 项目 (…建设项目绩效评价报告) belongs to the name when the body only ever uses ``<name>项目``
    as a sentence subject (…建设项目预算金额为, …建设项目综合评价)."""
    if heading_name.endswith("项目") and heading_name[:-2] in mentions:
        return heading_name[:-2]
    with_suffix = heading_name + "项目"
    if _used_as_subject(with_suffix, body) and not _used_as_subject(heading_name, body) and heading_name not in mentions:
        return with_suffix
    return heading_name


def _used_as_subject(name: str, body: str) -> bool:
    """``re.search(re.escape(name) + _NAME_USE, body)`` without compiling a pattern per project name."""
    return any(name + use in body for use in _NAME_USES)


def next_heading_at(prose: Prose, start: int, default: int) -> int:
    """Offset of the first heading after ``start`` (a goal paragraph ends there), else ``default``. A goal
    that opens with a list item (（1）…) runs over the items numbered the same way."""
    own = _list_marker(prose.text[start:start + LIST_MARKER_MAX])
    return min((h.offset for h in prose.headings
                if start < h.offset < default and (own is None or _list_marker(h.text) != own)), default=default)


def _list_marker(text: str) -> str | None:
    """The numbering style a text opens with (``（1）`` → ``(n)``, ``1、`` → ``n、``), else None."""
    m = _LIST_ITEM.match(text)
    return None if m is None else re.sub(r"\d+", "n", m.group(0)).replace("（", "(").replace("）", ")")


def is_alias(name: str, other: str) -> bool:
    """A similar spelling, or a shorter/longer form containing the other (接诉即办 ⊂ 12345…接诉即办)."""
    short, long_ = sorted((name, other), key=len)
    if len(short) >= ALIAS_MIN_CHARS and short in long_:
        return True
    return difflib.SequenceMatcher(None, name, other).ratio() >= ALIAS_MIN_RATIO


def output_counts(prose: Prose, owners: list[tuple[ReportSection, str]]) -> list[Achievement]:
    """产出数量 / 项目产出情况 paragraphs → one ``output`` figure per clause with a count.

    ``owners`` pairs each report section with its project's name: counts inside a section are about that
    project, counts elsewhere about the department.
    """
    found: list[tuple[int, Figure]] = []
    for pat in (_DEPT_OUTPUT, _PROJECT_OUTPUT):
        for m in pat.finditer(prose.text):
            subject = next((n for s, n in owners if s.start <= m.start() < s.end), DEPARTMENT_SUBJECT)
            for start, clause in split_clauses(m.group("body"), m.start("body")):
                fig = clause_to_count(clause, subject, prose.provenance(start, start + len(clause)))
                if fig:
                    found.append((start, fig))
    found.sort(key=lambda sf: sf[0])
    return [f for _, f in found]


def split_clauses(body: str, offset: int) -> Iterator[tuple[int, str]]:
    """Split at ，、；。 outside “…” quotes; yield (offset in the joined text, clause)."""
    depth, start = 0, 0
    text = body + "。"
    for i, ch in enumerate(text):
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            depth = max(0, depth - 1)
        elif ch in "，,、；;。" and depth == 0 and not _is_thousands_comma(text, i):
            if i > start:
                yield offset + start, body[start:i]
            start = i + 1


def _is_thousands_comma(text: str, i: int) -> bool:
    """An ASCII comma between a digit and exactly three digits (``3,200户``) is part of a number."""
    return text[i] == "," and i > 0 and text[i - 1].isdigit() and bool(_THREE_DIGITS.match(text, i + 1))


def clause_to_count(clause: str, subject: str, prov: Provenance) -> Achievement | None:
    """A clause with exactly one ``<number><count unit>`` → an Achievement (measure, value, unit)."""
    hits = list(_COUNT.finditer(clause))
    if len(hits) != 1:
        return None
    m = hits[0]
    measure = (clause[:m.start()] + clause[m.end():]).strip()
    if not measure:
        return None
    return Achievement(subject, measure, m.group("value").replace(",", ""), m.group("unit"), clause, prov)


def _figure(prose: Prose, key: str, m: re.Match[str], base: int, subject: str,
            table: str) -> tuple[int, int, Figure]:
    start, end = base + m.start(), base + m.end()
    return start, end, Figure(key, parse_amount(m.group("amount")), m.group(0), subject, None,
                              prose.provenance(start, end, table))
