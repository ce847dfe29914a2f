"""Layout family E — PDF text, cells separated by spaces and wrapped by width (seed 003).

Tables are numbered ``表 N`` on a line of their own and found by their titles: the department expenditure table
(部门支出总表) gives the totals, the project table (项目支出表) the projects with amounts and codes, the purchased
services table (政府购买服务) aliases, the project target forms (项目支出绩效目标申报表) codes, goals and
indicators, the department-wide target table (部门整体支出绩效目标申报表) the department indicators.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.errors import ParseError
from kg.layouts.linescan import count_nonblank, lines_starting, lines_with
from kg.layouts.pdf_wrapped.dept import department_indicators
from kg.layouts.pdf_wrapped.forms import forms_of
from kg.layouts.pdf_wrapped.link import assemble_projects
from kg.layouts.pdf_wrapped.tables import classifications, project_rows, purchases
from kg.layouts.pdf_wrapped.text import (
    TABLE_LABEL,
    Line,
    Section,
    despace,
    numbers_of,
    source_lines,
    split_sections,
)
from kg.model import Document, Figure, Provenance, dedupe_classifications
from kg.normalize import to_yuan
from kg.reading import SourceText

NAME = "pdf_wrapped"

# Detection: numbered table labels wanted for a full score, and the weights of the other signals.
DETECT_TABLES_FULL = 8
DETECT_BLANK_SHARE = 0.3
DETECT_MIN_PAGE_STARTS = 3
# Justified CJK (``部 门 预 算``): four Han characters spaced out. Led by the space, with the first character in a
# lookbehind, so a search skips ahead by a literal (found in the same texts as ``(?:[Han] ){3,}[Han]``, ~100× faster).
SPACED_CJK = re.compile(r"(?<=[\u4e00-\u9fff]) [\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]")
# Lines read from the text's start when detecting.
DETECT_MAX_LINES = 4000

YEAR_KIND = re.compile(r"(20\d{2})\s*年?\s*(?:度)?\s*部门\s*(预算|决算)")
# Lines opening the department's name in the prose: X（简称 …, X行政编制 …, X预算中 …
DEPARTMENT_PATTERNS = (re.compile(r"^(.{4,40}?)（简称"), re.compile(r"^(.{4,40}?)(?:行政编制|事业编制)"),
                       re.compile(r"^(.{4,40}?)预算中"))
DEPARTMENT_WORDS = ("（简称", "行政编制", "事业编制", "预算中")  # the words that end DEPARTMENT_PATTERNS' names
DEPARTMENT_BAD_CHARS = re.compile(r"[，。；：:、,（）()“”]|^\d|\d{4}")
# Prose lines joined when matching a name that the prose wraps.
DEPARTMENT_JOIN_LINES = 3
WAN = "万元"
# A unit-code cell: 202001 or 202001-<name>; the name after it marked as the unit's own (本级); a city prefix.
UNIT_CODE = re.compile(r"^(\d{6})(?:[-－](.*))?$")
# UNIT_CODE as a whole space-separated cell inside a line (\s as str.split cuts).
UNIT_CODE_CELL = re.compile(r"(?<!\S)(\d{6})(?:[-－](\S*))?(?!\S)")
OWN_UNIT_NAME = re.compile(r"^[^\d\s，。；]{2,40}?[（(]本级[）)]")
CITY_PREFIX = re.compile(r"^[^市]{2,3}市")
# Cells read after a unit code for its (wrapped) name.
UNIT_NAME_TOKENS = 6


def detect(src: SourceText) -> float:
    """Score in [0, 1]: numbered ``表 N`` labels, blank-line spacing, page-start spaces, justified CJK, no tabs."""
    lines = src.lines[:DETECT_MAX_LINES]
    if not lines:
        return 0.0
    head = src.text if len(lines) == len(src.lines) else "\n".join(lines)
    blanks = len(lines) - count_nonblank(lines)
    labels = sum(1 for ln in lines_with(head, "表", lines) if (s := ln.strip())[:1] == "表" and TABLE_LABEL.match(s))
    page_starts = sum(1 for ln in lines_starting(head, " ", lines) if ln[1:2].strip())  # a page-start space
    tabs = len(lines_with(head, "\t", lines))
    blank_share = blanks / len(lines)
    score = 0.55 * min(1.0, labels / DETECT_TABLES_FULL)
    score += 0.15 if blank_share >= DETECT_BLANK_SHARE else 0.0
    score += 0.15 if page_starts >= DETECT_MIN_PAGE_STARTS else 0.0
    score += 0.15 if SPACED_CJK.search(src.text[:200000]) else 0.0
    if tabs > len(lines) * 0.05 or labels == 0:
        score *= 0.3
    return round(min(score, 1.0), 3)


def parse(src: SourceText) -> Document:
    doc = Document(source=src.name)
    lines = source_lines(src.without_cut_last_line(doc))
    prose, sections = split_sections(lines)
    if not sections:
        raise ParseError("no numbered table (表 N) found: not a wrapped PDF budget text", src.name,
                         lines[0].no if lines else None)
    doc.department = department_of(prose)
    doc.year, doc.doc_kind = year_kind_of(lines)
    unit = unit_of(sections, prose, doc)
    doc.totals = totals_of(sections, unit, src.name, doc)
    rows, forms, buys = [], [], []
    sec = find_section(sections, "项目支出表")
    if sec:
        rows, table_total, problems = project_rows(sec)
        _warn_all(doc, "project_table", problems)
        _check_sum(doc, rows, table_total, sec, unit(sec))
    else:
        doc.warn("missing_table", "no project expenditure table (项目支出表)")
    sec_f = find_section(sections, "项目支出绩效目标")
    if sec_f:
        forms, problems = forms_of(sec_f, frozenset(r.text for r in rows))
        _warn_all(doc, "target_form", problems)
    sec_b = find_section(sections, "政府购买服务")
    if sec_b:
        buys = purchases(sec_b)
    doc.projects = assemble_projects(doc, rows, sec, forms, sec_f, buys, sec_b, unit)
    sec_d = find_section(sections, "部门整体支出绩效目标", "整体支出绩效目标")
    if sec_d:
        names = frozenset(n for p in doc.projects for i in p.indicators for n in (i.l3, i.l2) if n)
        doc.department_indicators = department_indicators(sec_d, src.name, names)
        if not doc.department_indicators:
            doc.warn("department_table_empty", f"{sec_d.label}: no indicator rows read", sec_d.line_no)
    doc.classifications = dedupe_classifications([c for s in sections for c in classifications(s, src.name)])
    doc.department_code = department_code_of(lines, doc.department)
    return doc


def find_section(sections: list[Section], *needles: str) -> Section | None:
    """The first table whose title holds the first needle that any title holds."""
    for needle in needles:
        found = next((s for s in sections if s.has_title(needle)), None)
        if found:
            return found
    return None


def department_of(prose: list[Line]) -> str | None:
    """The department's name: the most frequent of the prose's sentence openings that name it."""
    votes: dict[str, int] = {}
    texts = [ln.text for ln in prose]
    # despace of a join is the join of each line's despace when no tag (<p>) can span two lines
    lines = [despace(t) for t in texts] if not any("<" in t for t in texts) else None
    for i in range(len(prose)):
        text = "".join(lines[i:i + DEPARTMENT_JOIN_LINES]) if lines is not None else \
            despace("".join(texts[i:i + DEPARTMENT_JOIN_LINES]))
        if not any(w in text for w in DEPARTMENT_WORDS):  # every pattern needs one of them
            continue
        for pat in DEPARTMENT_PATTERNS:
            m = pat.match(text)
            if m and not DEPARTMENT_BAD_CHARS.search(m.group(1)):
                votes[m.group(1)] = votes.get(m.group(1), 0) + 1
    return max(votes, key=lambda k: (votes[k], len(k))) if votes else None


def department_code_of(lines: list[Line], department: str | None) -> str | None:
    """The unit's own code: a 6-digit cell followed (after an optional hyphen, maybe wrapped) by a name marked
    本级, else by the department's name with or without its city prefix."""
    texts = [ln.text for ln in lines]
    names = [n for n in (department, _without_city(department)) if n]
    by_name = None
    blob = "\n".join(texts)  # one search of the whole text: a cell never spans the newline (\s for the lookarounds)
    for m in UNIT_CODE_CELL.finditer(blob):  # the cells UNIT_CODE matches, found without splitting the lines
        li = blob.count("\n", 0, m.start())  # the line it is on (a document prints few such cells)
        end = blob.find("\n", m.end())
        rest = blob[m.end():end if end >= 0 else None]
        after = despace((m.group(2) or "") + "".join(_cells_after(texts, li, rest.split())))
        if OWN_UNIT_NAME.match(after):
            return m.group(1)
        if by_name is None and any(after.startswith(n) for n in names):
            by_name = m.group(1)
    return by_name


def _cells_after(texts: list[str], li: int, rest: list[str]) -> list[str]:
    """The UNIT_NAME_TOKENS cells after a cell of line li (rest: the line's cells after it), read on into the next
    lines."""
    out = rest
    k = li + 1
    while len(out) < UNIT_NAME_TOKENS and k < len(texts):
        out += texts[k].split()
        k += 1
    return out[:UNIT_NAME_TOKENS]


def _without_city(name: str | None) -> str | None:
    m = CITY_PREFIX.match(name or "")
    return name[m.end():] if m and name else None


def year_kind_of(lines: list[Line]) -> tuple[int | None, str | None]:
    for ln in lines:
        m = YEAR_KIND.search(ln.text)
        if m:
            return int(m.group(1)), "budget" if m.group(2) == "预算" else "final_account"
    return None, None


def unit_of(sections: list[Section], prose: list[Line], doc: Document):
    """The money unit to read each table in: its printed unit, corrected where the prose's yuan figures disagree."""
    prose_text = despace("".join(ln.text for ln in prose))
    fixes: dict[str | None, str] = {}
    doc_unit = WAN
    sec = find_section(sections, "部门支出总表", "支出总表")
    found = _total_row(sec) if sec else None
    if sec and found:
        row = found[0]
        amount = row[0][1]
        printed = sec.unit or (WAN if "." in row[0][0] and len(row[0][0].split(".")[1]) > 2 else "元")
        seen = [u for u in (printed, "元" if printed == WAN else WAN) if _in_prose(to_yuan(amount, u), prose_text)]
        doc_unit = seen[0] if seen else printed
        if seen and seen[0] != printed:
            doc.warn("unit_corrected", f"{sec.label} says {printed} but the prose's figures fit {seen[0]}",
                     sec.line_no)
            fixes[sec.unit] = seen[0]
        elif sec.unit is None:
            fixes[None] = printed

    def unit(section: Section | None) -> str:
        """A table's unit: its printed one (corrected), else the department expenditure table's."""
        printed = section.unit if section else None
        return fixes.get(printed, printed) if printed else fixes.get(None, doc_unit)

    return unit


def _in_prose(yuan: Decimal | None, prose_text: str) -> bool:
    return yuan is not None and (f"{yuan:,.2f}" in prose_text or f"{yuan:.2f}" in prose_text)


def _total_row(sec: Section) -> tuple[list[tuple[str, Decimal]], int] | None:
    """Amount cells and line number of the table's 合计 row."""
    for ln in sec.lines:
        if despace(ln.text).startswith(("合计", "总计")):
            nums = numbers_of(ln.text)
            if nums:
                return nums, ln.no
    return None


def totals_of(sections: list[Section], unit, file: str, doc: Document) -> dict[str, Figure]:
    """合计 / 基本支出 / 项目支出 of the department expenditure table (部门支出总表)."""
    sec = find_section(sections, "部门支出总表", "支出总表")
    found = _total_row(sec) if sec else None
    if not sec or not found:
        doc.warn("missing_totals", "no 合计 row in a department expenditure table (部门支出总表)")
        return {}
    row, line = found
    prov = Provenance(file, sec.label, line, line)
    out = {key: Figure(key, to_yuan(d, unit(sec)), text, provenance=prov)
           for key, (text, d) in zip(("total", "basic", "project"), row, strict=False)}
    if len(row) >= 3 and row[1][1] + row[2][1] != row[0][1]:
        doc.warn("totals_mismatch", f"{sec.label}: 基本支出 + 项目支出 ≠ 合计", line)
    return out


def _check_sum(doc: Document, rows, table_total, sec: Section, unit: str) -> None:
    if table_total is None or not table_total.amounts or not rows:
        return
    got = sum((r.amounts[0][1] for r in rows if r.amounts), Decimal(0))
    if got != table_total.amounts[0][1]:
        doc.warn("project_sum_mismatch", f"{sec.label}: rows sum to {got} {unit}, 合计 says "
                 f"{table_total.amounts[0][0]}", table_total.line_start)


def _warn_all(doc: Document, kind: str, problems: list[str]) -> None:
    for p in problems:
        m = re.match(r"line (\d+): (.*)", p)
        doc.warn(kind, m.group(2) if m else p, int(m.group(1)) if m else None)

