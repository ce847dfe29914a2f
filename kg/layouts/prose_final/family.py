"""Layout family D — prose-only final account 决算 (seed 002).

A 部门决算 published as prose only (说明 + 绩效评价报告, the tables are an attachment not in the file).
Everything is read from sentences of the joined prose (line wraps removed):

lines → :class:`Prose` (joined text + offset → line map + headings)
      → metadata (department, year, doc_kind) from the title and the 基本情况 paragraph
      → totals from the 支出决算 sentence (本年支出合计 … 其中：基本支出 … 项目支出 …)
      → projects from the 项目绩效评价报告 sections
      → outcomes: 决算/预算/variance figures of every figure sentence, and achieved output counts.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice

from kg.errors import ParseError
from kg.layouts.prose_final.figures import read_figures
from kg.layouts.prose_final.projects import (
    ReportSection,
    output_counts,
    report_sections,
    section_to_project,
)
from kg.layouts.prose_final.text import AMOUNT, Prose, lines_to_prose, parse_amount
from kg.model import Document, Figure, Project
from kg.reading import SourceText

NAME = "prose_final"

# Detection: how many leading non-empty lines hold the title, and the markers of the final-account prose template.
TITLE_LINES = 6
# How many lines one title may be wrapped over.
TITLE_WRAP_LINES = 3
DETECT_MARKERS = ("决算说明", "收入支出决算总体情况", "支出决算", "年初预算", "决算数", "绩效评价", "比上年")
# Share of non-empty lines that look like table rows (a tab, or 3+ separate numbers) above which it is not prose.
MAX_TABLE_LINE_SHARE = 0.05
_TABLE_ROW = re.compile(r"\t|(?:(?:^|\s)[\d,.]+(?=\s|$).*){3}")
# Known prefixes a title drops from the department's full name (中共北京市…委办公室 → 北京市…委办公室).
NAME_PREFIXES = ("中国共产党", "中共")

# A title's department name: no sentence punctuation, no year, no 决算 (digits elsewhere are allowed: 第2中学).
_TITLE_NAME = r"(?P<name>(?:(?!\d{4}年|决算)[^，。：]){2,40}?)"
_TITLE = re.compile(rf"(?P<year>\d{{4}})年度?{_TITLE_NAME}(?:部门|单位)?决算")
_TITLE_NAME_FIRST = re.compile(rf"{_TITLE_NAME}(?P<year>\d{{4}})年度?(?:部门|单位)?决算")
# Shortest department name a title may give, and words a title's "name" must not start with.
TITLE_NAME_MIN = 4
_NOT_A_NAME = ("部门", "单位", "第", "目录")
_FULL_NAME = re.compile(r"基本情况(?:[（(]一[)）][^。]{0,12}?)?(?P<full>[^，。；（(是]{4,40}?)(?:[（(](?:以下)?简称|是)")
# Most characters a full department name may add in front of the title's name (中共, 中国共产党).
FULL_NAME_MAX_PREFIX = 6
_YEAR = re.compile(r"(\d{4})年度")
# The sentence's rest runs on over a 主要原因 / 其中 sentence that follows it (…增长2.32%。主要原因：…。其中：基本支出…).
_REST = r"(?P<rest>[^。]*(?:。(?=主要原因|其中)[^。]*)*)"
# 本年支出合计 / 本年度支出合计 / 2019年度支出合计 / 本年支出决算合计 (never 基本支出合计, 财政拨款支出合计).
_SPEND_TOTAL = re.compile(rf"(?:本年|年度)支出(?:决算)?合计(?:为)?(?P<total>{AMOUNT}){_REST}")
_SPEND_OVERALL = re.compile(rf"(?:资金总体支出|总体支出)(?:为)?(?P<total>{AMOUNT}){_REST}")
# The word that opens a total's breakdown into 基本支出 / 项目支出.
BREAKDOWN_WORD = "其中"
_BASIC = re.compile(rf"基本支出(?:决算数?)?(?:为)?(?P<amount>{AMOUNT})")
_PROJECT = re.compile(rf"项目支出(?:决算数?)?(?:为)?(?P<amount>{AMOUNT})")


def detect(src: SourceText) -> float:
    """Score in [0, 1]: a 决算 title, the template's prose markers, and no tab tables."""
    first = list(islice((s for s in (line.strip() for line in src.lines) if s), TITLE_LINES))
    if "决算" not in "".join(first):  # before the non-blank lines and table share: most texts stop here
        return 0.0
    lines = [line for line in src.lines if line.strip()]
    table_share = sum(bool(_TABLE_ROW.search(line)) for line in lines) / len(lines)
    if table_share > MAX_TABLE_LINE_SHARE:
        return 0.0
    text = src.text
    marker_share = sum(m in text for m in DETECT_MARKERS) / len(DETECT_MARKERS)
    return round(0.4 + 0.6 * marker_share, 3)


def parse(src: SourceText) -> Document:
    doc = Document(source=src.name, layout=NAME, doc_kind="final_account")
    prose = lines_to_prose(src.without_cut_last_line(doc))
    if not prose.text:
        raise ParseError("no text to parse", src.path)
    read_metadata(prose, doc)
    read_totals(prose, doc)
    sections = report_sections(prose)
    owners, project_figures = read_projects(prose, sections, doc)
    figures, _ = read_figures(prose, [(s, e) for s, e, _ in project_figures])
    doc.outcomes = figures + [f for _, _, f in project_figures]
    doc.achievements = output_counts(prose, owners)
    if not doc.outcomes:
        doc.warn("no_figures", "no figure sentence of a final account was found")
    return doc


def read_metadata(prose: Prose, doc: Document) -> None:
    """Department and year from the title (``2023年度<名>部门决算`` or ``<名>2023年度部门决算``); the full name
    from the 基本情况 paragraph."""
    found = next(filter(None, (title_parts(t) for t in title_windows(prose))), None)
    if found:
        doc.year, name = found
        doc.department = full_department_name(prose.text, name)
    else:
        doc.warn("no_title", "no title of the form <year>年度<department>部门决算 in the first lines", 1)
        m = _FULL_NAME.search(prose.text)
        doc.department = m.group("full") if m else None
        years = Counter(int(y) for y in _YEAR.findall(prose.text))
        doc.year = years.most_common(1)[0][0] if years else None


def title_windows(prose: Prose) -> list[str]:
    """Each of the first TITLE_LINES non-empty lines joined with the next ones (a title may wrap)."""
    ends = prose.starts[1:] + [len(prose.text)]
    spans = [(s, e) for s, e in zip(prose.starts, ends, strict=True) if e > s][:TITLE_LINES + TITLE_WRAP_LINES]
    return [prose.text[s:spans[min(i + TITLE_WRAP_LINES, len(spans)) - 1][1]]
            for i, (s, _) in enumerate(spans[:TITLE_LINES])]


def title_parts(title: str) -> tuple[int, str] | None:
    """(year, department name) of a title starting the text; a "name" of only 部门/第一部分 words is no name."""
    for pat in (_TITLE, _TITLE_NAME_FIRST):
        m = pat.match(title)
        if m and len(m.group("name")) >= TITLE_NAME_MIN and not m.group("name").startswith(_NOT_A_NAME):
            return int(m.group("year")), m.group("name")
    return None


def full_department_name(text: str, title_name: str) -> str:
    """The title's name, or a longer printed form of it (``中共`` + name, or the 基本情况 opening name)."""
    m = _FULL_NAME.search(text)
    if m and m.group("full").endswith(title_name) and len(m.group("full")) - len(title_name) <= FULL_NAME_MAX_PREFIX:
        return m.group("full")
    for prefix in NAME_PREFIXES:
        if prefix + title_name in text:
            return prefix + title_name
    return title_name


def read_totals(prose: Prose, doc: Document) -> None:
    """本年支出合计 … 其中：基本支出 A，项目支出 B (else the 资金总体支出 sentence) → doc.totals."""
    m = _SPEND_TOTAL.search(prose.text) or _SPEND_OVERALL.search(prose.text)
    if not m:
        doc.warn("no_totals", "no 本年支出合计 / 资金总体支出 sentence")
        return
    rest, rest_at = breakdown_part(m.group("rest"), m.start("rest"))
    parts = {"total": (m.start("total"), m.group("total"))}
    for key, pat in (("basic", _BASIC), ("project", _PROJECT)):
        if p := pat.search(rest):
            parts[key] = (rest_at + p.start("amount"), p.group(0))
    for key, (start, text) in parts.items():
        doc.totals[key] = Figure(key, parse_amount(text), text, None, None,
                                 prose.provenance(start, start + len(text)))
    check_totals(doc, prose.line_at(m.start()))


def breakdown_part(rest: str, rest_at: int) -> tuple[str, int]:
    """The part of a total's sentence from its 其中 on (a 主要原因 before it may name other 项目支出 amounts)."""
    at = rest.find(BREAKDOWN_WORD)
    return (rest[at:], rest_at + at) if at >= 0 else (rest, rest_at)


def check_totals(doc: Document, line: int) -> None:
    total, basic, project = doc.total("total"), doc.total("basic"), doc.total("project")
    if basic is None or project is None:
        doc.warn("totals_incomplete", "基本支出 or 项目支出 not stated in the 支出 sentence", line)
    elif total is not None and basic + project > total:
        doc.warn("totals_mismatch", f"基本支出 {basic} + 项目支出 {project} exceed 支出合计 {total}", line)


def read_projects(prose: Prose, sections: list[ReportSection],
                  doc: Document) -> tuple[list[tuple[ReportSection, str]], list[tuple[int, int, Figure]]]:
    """Report sections → doc.projects; returns (section, project name) pairs and the projects' figures
    with their spans (which the general figure sweep skips)."""
    owners: list[tuple[ReportSection, str]] = []
    figures: list[tuple[int, int, Figure]] = []
    for sec in sections:
        project, figs = section_to_project(prose, sec)
        if project.amount is None:
            doc.warn("project_amount_missing", f"no 预算 amount stated for project {project.name}", sec.heading_line)
        if project.goal is None:
            doc.warn("project_goal_missing", f"no 项目绩效目标 paragraph for project {project.name}", sec.heading_line)
        doc.projects.append(project)
        figures += figs
        owners.append((sec, project.name))
    _merge_duplicates(doc)
    return owners, figures


def _merge_duplicates(doc: Document) -> None:
    """Two report sections for the same project name: keep the first, note the second in seen_in."""
    seen: dict[str, Project] = {}
    kept: list[Project] = []
    for p in doc.projects:
        if p.name in seen:
            first = seen[p.name]
            if p.provenance:
                first.seen_in.append(p.provenance)
            doc.warn("duplicate_project", f"project {p.name} has two report sections",
                     p.provenance.line_start if p.provenance else None)
            continue
        seen[p.name] = p
        kept.append(p)
    doc.projects = kept
