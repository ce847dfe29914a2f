"""The generic layout: any 绩效目标表 or 绩效自评表, read by the forms' own labels (:mod:`kg.forms`).

text (or a native file's rows) → cells (:mod:`kg.cells`) → forms (:mod:`kg.forms.reader`) → records
(:mod:`kg.forms.records`). Used when no family claims a document.
"""

from __future__ import annotations

import re

from kg.cells.text import text_to_rows
from kg.errors import UnknownLayoutError
from kg.forms.money_tables import attach_money_tables, money_tables
from kg.forms.reader import Reading, read_forms
from kg.forms.records import department_indicators_of, department_of, department_totals, project_of
from kg.model import Document
from kg.reading import SourceText

NAME = "forms"
# Its transfer tables are read beside the forms (kg.forms.money_tables), not again by kg.extract.
READS_TRANSFER_TABLES = True


def rows_of(src: SourceText, doc: Document | None = None):
    if src.rows is not None:
        return list(src.rows)
    text = src.without_cut_last_line(doc).text if doc is not None else src.text
    return text_to_rows(text)


# The last detect's reading, handed to the parse that follows it (kg.extract runs detect, then parse, on one text):
# (the source, the rows' input — text or native rows — and the reading). Taken once: a parse never reuses it twice.
_last: list[tuple[SourceText, object, Reading]] = []


def _input_of(src: SourceText, doc: Document | None = None) -> object:
    if src.rows is not None:
        return src.rows
    return src.without_cut_last_line(doc).text if doc is not None else src.text


def _reading(src: SourceText, doc: Document | None = None, keep: bool = False) -> Reading:
    key = _input_of(src, doc)
    cached = _last.pop() if _last else None
    if cached is not None and cached[0] is src and (cached[1] is key or cached[1] == key):
        reading = cached[2]
    else:
        reading = read_forms(list(key) if src.rows is not None else text_to_rows(key))  # type: ignore[arg-type]
    if keep:
        _last.append((src, key, reading))
    return reading


def detect(src: SourceText) -> float:
    """0.4 when the text holds at least one form (a 项目名称 and an indicator header), else 0: a fallback that
    never outbids a family claiming the document. The reading is kept for the parse of the same text."""
    reading = _reading(src, keep=True)
    if reading.forms or reading.department_forms:
        return 0.4
    titled = disclosure_title(reading) or _department_label(reading)
    tables = standard_tables(reading)
    # a set of standard tables is a disclosure even when no title or label names its department (a 报表 file)
    return 0.2 if tables and (titled or len(tables) >= UNTITLED_MIN_TABLES) else 0.0


# Standard tables (收支总表, 收入总表 …) that make a disclosure of a text naming no department.
UNTITLED_MIN_TABLES = 3
# A disclosure's title: 2024年度<department>部门决算, <department>2026年部门预算, 2026年度<unit>单位预算公开, …
_DISCLOSURE = re.compile(r"^(?:(?P<y1>(?:19|20)\d{2})\s*年度?\s*)?(?P<name>.{2,40}?)\s*(?:(?P<y2>(?:19|20)\d{2})\s*年度?\s*)?"
                         r"(?:部门|单位)?(?:综合)?(?P<kind>预算|决算)(?:公开|表格|公开表格|说明)?")


_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_DEPT_LABEL = re.compile(r"(?:部门|单位)(?:名称)?[：:]\s*(?P<name>[^\s：:]{2,40}?)(?:\s|单位|金额|$)")


def disclosure_title(reading: Reading) -> tuple[int, str, str] | None:
    """(year, department, doc_kind) from a title such as ``2024年度中共…社会工作部部门决算`` (a title printed over
    several lines is tried joined)."""
    heads = [r.filled[0].text for r in reading.rows[:6] if len(r.filled) == 1]
    candidates = ["".join(heads[:n]) for n in (3, 2)] + [r.filled[0].text for r in reading.rows[:40] if r.filled]
    for text in candidates:
        t = _PART.sub("", "".join(text.split()))
        m = _DISCLOSURE.match(t)
        if m and (m.group("y1") or m.group("y2")) and ("部门" in t or "公开" in t):
            year = int(m.group("y1") or m.group("y2"))
            name = re.sub(r"^(?:(?:19|20)\d{2}年度?)", "", m.group("name")).strip("（）() ")
            return year, name, "final_account" if m.group("kind") == "决算" else "budget"
    return None


def _department_label(reading: Reading, limit: int = 60) -> str | None:
    """``部门：中共江苏省委办公厅`` / ``单位名称：重庆市水利局`` printed over a table."""
    for row in reading.rows[:limit]:
        for cell in row.filled[:2]:
            m = _DEPT_LABEL.search(cell.text)
            if m and not m.group("name")[0].isdigit() and m.group("name") not in ("万元", "元", "亿元", "千元"):
                return m.group("name")
    return None


def _disclosure_department(reading: Reading) -> str | None:
    """The department a disclosure's title names (``重庆市人民政府办公厅`` over ``2026年部门预算情况说明``)."""
    found = disclosure_title(reading)
    if found is None or len(found[1]) < 4 or found[1].startswith(("第", "目录")):
        return None
    name = re.sub(r"[（(]本级[)）]?$", "", found[1].lstrip(". "))
    return name or None


def standard_tables(reading: Reading) -> list:
    """The standard tables of a reading without forms (read once: detect and parse of one text share them)."""
    if reading.tables is None:
        from kg.tables.read import read_tables

        reading.tables = [t for t in read_tables(reading.rows) if t.kind]
    return reading.tables


def parse(src: SourceText) -> Document:
    doc = Document(source=src.name)
    reading = _reading(src, doc)
    document_of(reading, src.name, doc)
    if doc.doc_kind == "final_account":
        read_prose_facts(src, doc)
    return doc


def read_prose_facts(src: SourceText, doc: Document) -> None:
    """A final account's 说明 beside its self-evaluation forms: the 本年支出合计 / 基本支出 / 项目支出 sentence
    and the achieved counts, read as the prose family reads them."""
    if "支出" not in src.text:
        return
    from kg.layouts.prose_final.family import read_totals
    from kg.layouts.prose_final.projects import output_counts
    from kg.layouts.prose_final.text import lines_to_prose

    prose = lines_to_prose(src)
    scratch = Document(source=doc.source)
    read_totals(prose, scratch)
    for key, fig in scratch.totals.items():
        doc.totals.setdefault(key, fig)
    doc.achievements = output_counts(prose, [])


_TITLE_DEPT = re.compile(r"^(.{2,30}?(?:局|委员会|委|办公室|办|院|会|中心|部|厅|室|处|所|站|馆|政府|街道办事处|联合会))"
                         r"(?:19|20)\d{2}年")


def _department_in_title(reading: Reading) -> str | None:
    """With no 主管部门 field, the department a title names before its year (株洲市…信访局2025年项目…表)."""
    for row in reading.rows[:30]:
        for cell in row.filled[:1]:
            m = _TITLE_DEPT.match(cell.text.strip())
            if m and any(w in cell.text for w in ("绩效", "预算", "决算")):
                return m.group(1)
    return None


def document_of(reading: Reading, file: str, doc: Document) -> Document:
    if not reading.forms and not reading.department_forms:
        title = disclosure_title(reading)
        label = _department_label(reading)
        tables = standard_tables(reading)
        if tables and (title or label or len(tables) >= UNTITLED_MIN_TABLES):  # tables and 说明 only, no project
            doc.year, doc.department, doc.doc_kind = title or (None, label, None)
            doc.warn("no_project_forms", "no 项目名称 with an indicator table: read as a disclosure of standard "
                     "tables and 说明 only (no projects, no targets)", None, "info")
            if not (title or label):
                doc.warn("department_missing", "no title or 部门/单位 label names the department: the file's "
                         "standard tables are read, its department is not known", None)
            return doc
        raise UnknownLayoutError("no form found (unknown layout): no 项目名称 with an indicator table (一级/二级/三级指标, 指标值), "
                                 "and no known disclosure layout", file)
    doc.projects = [project_of(f, file) for f in reading.forms]
    for f in reading.department_forms:
        doc.department_indicators.extend(department_indicators_of(f, file))
        # a self-evaluation prints 年初预算数 / 全年预算数 / 全年执行数 side by side under each row: one figure per
        # label would be the first column, not the year's spending; its totals are left to a prose sentence
        for key, fig in (department_totals(f, file) if not f.evaluated else {}).items():
            doc.totals.setdefault(key, fig)
    for form in [*reading.forms, *reading.department_forms]:
        code, name = department_of(form)
        if name and doc.department is None:
            doc.department, doc.department_code = name, code
        for kind, message, line in form.notes:
            doc.warn(kind, message, line)
    for kind, message, line in reading.notes:
        doc.warn(kind, message, line)
    if doc.department is None:
        doc.department = _department_in_title(reading) or _disclosure_department(reading) \
            or _department_label(reading, 400)
    doc.year = reading.year
    if doc.year is None:
        for form in reading.forms:
            period = form.text("period") or ""
            if period[:4].isdigit():
                doc.year = int(period[:4])
                break
    evaluated = any(f.evaluated for f in [*reading.forms, *reading.department_forms])
    doc.doc_kind = "final_account" if evaluated else "budget"
    for p in doc.projects:
        if not p.indicators:
            doc.warn("no_indicators", f"the form of {p.name!r} has no indicator rows read",
                     p.provenance.line_start if p.provenance else None)
    tables = money_tables(reading.rows)
    if tables:  # a project table and transfer tables beside the forms (kg.forms.money_tables, kg.funding)
        attach_money_tables(doc, tables, reading.rows)
    return doc
