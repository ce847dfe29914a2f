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

from kg.layouts.prose_final_text import AMOUNT, CN_NUM, NUM, Prose, parse_amount
from kg.model import Achievement, Figure, Project, Provenance

Span = tuple[int, int]

# Subject of department-wide outcome counts (as the answer keys write it).
DEPARTMENT_SUBJECT = "department"
# Least difflib ratio for another spelling of a project name to count as an alias.
ALIAS_MIN_RATIO = 0.6
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
_BUDGET = re.compile(rf"预算(?:金额|资金|数|额)?(?:为|共计|合计|总额)?(?P<amount>{AMOUNT})")
_ACTUAL = re.compile(rf"(?:实际支出|执行数|决算数|实际使用资金|支出金额)(?:为|共计|合计)?(?P<amount>{AMOUNT})")
_GOAL = re.compile(r"(?:^|(?<=[。：:）)]))(?:\d+[、.．])?(?:项目)?绩效目标(?:情况)?[：:]?(?P<goal>.+?)(?=[（(][一二三四五六七八九十][)）]|$)")
_NAME_MENTIONS = (r"成立(?P<n>[^。，；]{2,%d}?)项目自评工作小组", r"申请(?P<n>[^。，；]{2,%d}?)预算",
                  r"制定(?P<n>[^。，；]{2,%d}?)项目的评分体系")
_DEPT_OUTPUT = re.compile(r"[（(]\d+[)）]产出数量(?P<body>.+?)(?=[（(]\d+[)）]|\d+、|$)")
_PROJECT_OUTPUT = re.compile(r"项目产出(?:情况|完成情况)?[。：:](?P<body>.+?)(?=\d+、|[（(][\d一二三四五六七八九十]+[)）]|$)")
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
    found = list(_REPORT_HEADING.finditer(prose.text))
    sections = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(prose.text)
        sections.append(ReportSection(m.group("name"), m.group(0), prose.line_at(m.start()), m.start(), end))
    return sections


def section_to_project(prose: Prose, sec: ReportSection) -> tuple[Project, list[tuple[int, int, Figure]]]:
    """One report section → its Project (name, aliases, budget, goal) and its budget/actual figures
    (with their spans in the joined text)."""
    table = sec.heading
    body = prose.text[sec.start:sec.end]
    mentions = name_mentions(body)
    name = canonical_name(sec.name, mentions)
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
        project.goal = g.group("goal").strip("：:")
    return project, figures


def name_mentions(body: str) -> list[str]:
    """Names the template prints for the project inside its section, in text order."""
    hits: list[tuple[int, str]] = []
    for pat in _NAME_MENTIONS:
        hits += [(m.start("n"), m.group("n").removeprefix("了")) for m in re.finditer(pat % NAME_MAX, body)]
    return [n for _, n in sorted(hits)]


def canonical_name(heading_name: str, mentions: list[str]) -> str:
    """The heading's name; if it ends in 项目 but the body writes it without, the body's spelling."""
    if heading_name.endswith("项目") and heading_name[:-2] in mentions:
        return heading_name[:-2]
    return heading_name


def is_alias(name: str, other: str) -> bool:
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
    for i, ch in enumerate(body + "。"):
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            depth = max(0, depth - 1)
        elif ch in "，,、；;。" and depth == 0:
            if i > start:
                yield offset + start, body[start:i]
            start = i + 1


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
