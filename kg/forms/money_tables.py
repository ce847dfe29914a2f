"""Money tables printed beside the forms of a generic document: the project table (项目支出表 …) and transfer
tables (专项转移支付预算表, 对下转移支付预算表 …), read by their title and header words.

:func:`money_tables` finds them in the rows; :func:`attach_money_tables` makes the project table's rows the
document's projects (in table order) and gives each form to its project — by the same name, else by the evidence
(:func:`kg.evidence_link.link_form_by_evidence`); a form with no plausible owner stays its own project and is
reported (``form_without_budget_line``). Transfer rows then follow the rule of :mod:`kg.funding`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.cells.model import Row
from kg.evidence_link import link_form_by_evidence, mark_evidence
from kg.funding import (
    DOC_NO_COLUMNS,
    RECIPIENT_COLUMNS,
    TRANSFER_WORD,
    TransferRow,
    doc_no_in,
    route_transfers,
    source_of,
)
from kg.funding import transfer_kind as _transfer_kind
from kg.model import Document, FundingLine, Project, Provenance
from kg.normalize import clean_text, parse_decimal, to_yuan

PROJECT_TITLE = re.compile(r"项目支出(?:预算)?(?:明细)?(?:情况)?表$|部门预算明细表$")
NAME_COLUMNS = ("项目名称",)
AMOUNT_COLUMNS = ("预算金额", "指标金额", "预算数", "金额", "合计")
CODE_COLUMNS = ("项目编码", "项目代码")
FUNCTION_COLUMNS = ("功能科目代码", "功能分类代码", "科目编码")
ECON_GOV_COLUMNS = ("政府经济分类代码",)
ECON_DEPT_COLUMNS = ("部门经济分类代码",)
UNIT = re.compile(r"单位[：:]\s*(万元|元)|[（(](万元|元)[)）]")
TOTAL_ROW = re.compile(r"^(合计|总计|小计)$")
# Rows searched after a title for its header row.
HEADER_WITHIN = 4
# Form fields that a table project takes from its form (when it has none of its own).
FORM_FIELDS = ("code", "category", "owner", "goal", "indicators", "long_term", "scoring", "funds", "outcome",
               "implementing_unit", "total_score")


@dataclass
class MoneyTable:
    title: str
    kind: str  # project / received / outgoing
    line: int
    rows: list[tuple[Row, dict[str, str]]] = field(default_factory=list)  # each row with its cells by meaning
    unit: str = "元"


def _kind(title: str) -> str | None:
    t = "".join(title.split())
    if not t.endswith("表") or "绩效" in t:
        return None
    return _transfer_kind(t) or ("project" if PROJECT_TITLE.search(t) else None)


def _column(header: list[str], labels: tuple[str, ...]) -> int | None:
    for exact in (True, False):
        for lab in labels:
            for j, h in enumerate(header):
                if (h == lab) if exact else (lab in h):
                    return j
    return None


def _columns(header: list[str]) -> dict[str, int]:
    spec = {"name": NAME_COLUMNS, "amount": AMOUNT_COLUMNS, "code": CODE_COLUMNS, "function": FUNCTION_COLUMNS,
            "econ_gov": ECON_GOV_COLUMNS, "econ_dept": ECON_DEPT_COLUMNS, "doc_no": DOC_NO_COLUMNS,
            "recipient": RECIPIENT_COLUMNS}
    return {k: j for k, labels in spec.items() if (j := _column(header, labels)) is not None}


def money_tables(rows: list[Row]) -> list[MoneyTable]:
    """The project and transfer tables among ``rows`` (a title row, a header with a name and an amount column)."""
    out: list[MoneyTable] = []
    i = 0
    while i < len(rows):
        filled = rows[i].filled
        kind = _kind(filled[0].text) if len(filled) == 1 else None
        if kind is None:
            i += 1
            continue
        t = MoneyTable(filled[0].text.strip(), kind, rows[i].line)
        cols: dict[str, int] = {}
        j = i + 1
        while j < min(len(rows), i + 1 + HEADER_WITHIN) and not cols:
            texts = ["".join(c.text.split()) for c in rows[j].cells]
            if (m := UNIT.search("".join(texts))) is not None:
                t.unit = m.group(1) or m.group(2)
            found = _columns(texts)
            if "amount" in found and ("name" in found or "recipient" in found):
                cols = found
            j += 1
        if not cols:
            i += 1
            continue
        while j < len(rows) and len(rows[j].filled) >= 2:
            cells = [c.text.strip() for c in rows[j].cells]
            got = {k: cells[c] for k, c in cols.items() if c < len(cells) and cells[c]}
            if not any(TOTAL_ROW.match("".join(c.text.split())) for c in rows[j].filled[:2]) and "amount" in got:
                t.rows.append((rows[j], got))
            j += 1
        out.append(t)
        i = j
    return out


def _line(t: MoneyTable, row: Row, got: dict[str, str], file: str) -> FundingLine:
    amount = to_yuan(parse_decimal(got["amount"]), t.unit)
    return FundingLine(got.get("name"), amount, got["amount"], got.get("function"), None, got.get("econ_gov"), None,
                       got.get("econ_dept"), None, provenance=Provenance(file, t.title, row.line, row.line_end or row.line),
                       doc_no=got.get("doc_no") or doc_no_in(list(got.values())))


def attach_money_tables(doc: Document, tables: list[MoneyTable], rows: list[Row]) -> None:
    """The document's projects from its project table(s) with the forms' projects given to them; then the
    transfer tables' rows by the rule of :mod:`kg.funding`."""
    table_projects = [_project(t, row, got, doc.source) for t in tables if t.kind == "project" for row, got in t.rows]
    if table_projects:
        doc.projects = _link_forms(doc, table_projects, doc.projects, rows)
    for t in tables:
        if t.kind == "project":
            continue
        rows = [TransferRow(clean_text(got.get("name")), _line(t, row, got, doc.source), clean_text(got.get("recipient")))
                for row, got in t.rows]
        doc.projects += route_transfers(doc, rows, t.kind, source_of(t.title, t.kind))


def _project(t: MoneyTable, row: Row, got: dict[str, str], file: str) -> Project:
    fl = _line(t, row, got, file)
    return Project(clean_text(got.get("name")) or "", fl.amount, fl.amount_text, code=got.get("code"),
                   function_code=fl.function_code, econ_gov_code=fl.econ_gov_code, econ_dept_code=fl.econ_dept_code,
                   funding_lines=[fl], provenance=fl.provenance)


def _amount_at(f: Project, rows: list[Row]) -> Provenance | None:
    """Where the form's amount is printed: the first cell of the form's rows holding its amount text."""
    if not f.provenance or not f.amount_text:
        return None
    for r in rows:
        if f.provenance.line_start <= r.line <= (f.provenance.line_end or r.line) and f.amount_text in r.texts:
            return Provenance(f.provenance.file, f.provenance.table, r.line, r.line)
    return None


def _link_forms(doc: Document, table: list[Project], forms: list[Project], rows: list[Row]) -> list[Project]:
    taken: set[int] = set()
    unlinked: list[Project] = []
    for f in forms:
        exact = next((i for i, p in enumerate(table) if i not in taken and clean_text(p.name) == clean_text(f.name)),
                     None)
        owner = None
        if exact is None:
            owner = link_form_by_evidence(doc, f.name, [f.amount] if f.amount is not None else [], table,
                                          code=f.code, taken=taken, line=f.provenance.line_start if f.provenance
                                          else None, amount_text=f.amount_text, amount=_amount_at(f, rows))
        index = exact if exact is not None else owner.index if owner is not None else None
        if index is None:
            unlinked.append(f)
            doc.warn("form_without_budget_line", f"form {f.name} matches no project of the project table; kept as "
                     "its own project", f.provenance.line_start if f.provenance else None)
            continue
        taken.add(index)
        p = table[index]
        for k in FORM_FIELDS:
            if not getattr(p, k):
                setattr(p, k, getattr(f, k))
        if f.provenance:
            p.seen_in.append(f.provenance)
        if owner is not None:
            mark_evidence(p.indicators, owner)
    return table + unlinked


# A transfer table's title line ("表十二：专项转移支付预算表", "2024年对下转移支付预算表"): where a family that
# does not read such tables itself is given them (:func:`add_transfer_tables`).
TRANSFER_TITLE_LINE = re.compile(r"^[^\n]{0,30}转移支付[^\n]{0,20}表\s*$", re.M)
# Lines after a transfer table's title read for its header and rows; its header within this many printed lines.
TRANSFER_WINDOW = 200
TRANSFER_HEADER_WITHIN = 8


def add_transfer_tables(doc: Document, rows: list[Row] | None, text: str) -> None:
    """Route the rows of the transfer tables printed in ``text`` (or native ``rows``) by the rule of
    :mod:`kg.funding` — for a family that reads none itself. Cheap when the text prints no such title, or no
    header (a name and an amount label on one line) right below it."""
    if TRANSFER_WORD not in text:
        return
    lines = text.split("\n")
    starts = [t for m in TRANSFER_TITLE_LINE.finditer(text) if _header_below(lines, t := text.count("\n", 0, m.start()))]
    if not starts:
        return
    if rows is None:
        from kg.cells.text import text_to_rows

        keep = {i for t in starts for i in range(t, min(len(lines), t + TRANSFER_WINDOW))}
        rows = text_to_rows("\n".join(ln if i in keep else "" for i, ln in enumerate(lines)))
    tables = [t for t in money_tables(rows) if t.kind != "project"]
    if tables:
        attach_money_tables(doc, tables, rows)


def _header_below(lines: list[str], title: int) -> bool:
    below = [ln for ln in lines[title + 1:title + 1 + 3 * TRANSFER_HEADER_WITHIN] if ln.strip()]
    for ln in below[:TRANSFER_HEADER_WITHIN]:
        flat = "".join(ln.split())
        if any(n in flat for n in (*NAME_COLUMNS, *RECIPIENT_COLUMNS)) and any(a in flat for a in AMOUNT_COLUMNS):
            return True
    return False
