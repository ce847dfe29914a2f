"""The auditor's working paper: an Excel workbook (openpyxl) to file with the audit.

Sheets: ``Summary`` (documents, findings by severity and by kind), ``Findings`` (one row per piece of
evidence: file, line, table, text; the finding's number repeats so a filter keeps a finding whole),
``Scorecard`` (departments, then projects, weakest first: see :mod:`kg.audit.scorecard`),
``Targets`` (every target row with the findings citing its line and the findings about its project) and
``Rules`` (the target-quality rules as run). Amounts are numbers in a yuan format, codes are text (no
``2.01E+06``), header rows are frozen and filtered, column widths follow the (wide) Chinese text.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.audit.checks_trends import ProjectDigest
from kg.audit.findings import KINDS, SEVERITIES, Finding
from kg.audit.scorecard import scorecard
from kg.errors import InputError

YUAN_FORMAT = '#,##0.00" 元"'
TEXT_FORMAT = "@"
# Column widths in characters (a CJK character counts 2): at least, at most.
MIN_WIDTH, MAX_WIDTH = 6, 60
# Rows sampled to size a column.
WIDTH_SAMPLE_ROWS = 500
HEADER_FILL = "DDEBF7"

FINDING_COLUMNS = ("No.", "kind", "severity", "department", "year", "file", "project", "message",
                   "evidence", "evidence file", "line", "table", "text", "values", "id", "status", "reason")
TARGET_COLUMNS = ("department", "department code", "year", "file", "line", "project", "project code", "amount (元)",
                  "一级指标", "二级指标", "三级指标", "op", "value", "unit", "row findings", "project findings")
SCORECARD_COLUMNS = ("level", "department", "year", "project", "file", "amount (元)", "projects", "targets",
                     "quantitative", "quantitative share", "categories", "missing categories", "serious findings",
                     "target findings by rule")
RULE_COLUMNS = ("id", "enabled", "severity", "checks", "reason", "source", "params")
# Columns written as text whatever they hold (codes keep their leading zeros and digits).
TEXT_COLUMNS = {"department code", "project code", "value", "file", "evidence file", "id"}


def display_width(text: Any) -> int:
    s = "" if text is None else str(text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def finding_rows(findings: list[Finding]) -> list[list[Any]]:
    rows = []
    for n, f in enumerate(findings, 1):
        values = json.dumps(f.values, ensure_ascii=False) if f.values else ""
        evidence = f.evidence or [None]
        for k, e in enumerate(evidence, 1):
            rows.append([n, f.kind, f.severity, f.department, f.year, f.file, f.project, f.message,
                         k if e else None, e.file if e else None, e.line if e else None, e.table if e else None,
                         e.text if e else None, values, f.id, f.status, f.reason])
    return rows


def target_rows(digests: list[ProjectDigest], findings: list[Finding]) -> list[list[Any]]:
    """Every target row; ``row findings`` are the finding numbers and kinds whose evidence cites its line,
    ``project findings`` those about its project (coverage, copies, years)."""
    by_line: dict[tuple[str, int], list[str]] = defaultdict(list)
    by_project: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n, f in enumerate(findings, 1):
        label = f"#{n} {f.kind}"
        for e in f.evidence:
            if e.line and label not in by_line[(e.file, e.line)]:
                by_line[(e.file, e.line)].append(label)
        if f.project:
            by_project[(f.file, f.project)].append(label)
    rows = []
    for d in digests:
        for i, e in d.rows:
            rows.append([d.department, d.department_code, d.year, e.file, e.line, d.name, d.code, d.amount,
                         i.l1, i.l2, i.l3, i.op, i.value, i.unit, "; ".join(by_line.get((e.file, e.line or 0), [])),
                         "; ".join(by_project.get((d.file, d.name), []))])
    return rows


def scorecard_rows(cards: dict[str, list[dict[str, Any]]]) -> list[list[Any]]:
    rows = []
    for level, key in (("department", "departments"), ("project", "projects")):
        for c in cards[key]:
            rows.append([level, c["department"], c["year"], c["project"], c["file"],
                         Decimal(c["amount"]) if c["amount"] is not None else None, c["projects"], c["targets"],
                         c["quantitative"], c["quantitative_share"], "、".join(c["categories"]),
                         "、".join(c["missing_categories"]), c["serious_findings"],
                         "; ".join(f"{k} ×{n}" for k, n in c["findings"].items())])
    return rows


def summary_rows(findings: list[Finding], n_docs: int) -> list[list[Any]]:
    rows: list[list[Any]] = [["documents audited", n_docs, ""], ["findings", len(findings), ""]]
    rows += [[f"severity {s}", sum(1 for f in findings if f.severity == s), ""] for s in reversed(SEVERITIES)]
    rows.append(["", "", ""])
    rows.append(["kind", "findings", "what it means"])
    rows += [[k, n, KINDS.get(k, "")] for k, n in sorted(Counter(f.kind for f in findings).items())]
    return rows


def write_workpaper(path: Path, findings: list[Finding], digests: list[ProjectDigest],
                    rules: list[dict[str, Any]], n_docs: int) -> None:
    """Write the workbook; a path that cannot be written is an :class:`InputError` naming it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _fill(ws, ("item", "count", "note"), summary_rows(findings, n_docs), filters=False)
    _fill(wb.create_sheet("Findings"), FINDING_COLUMNS, finding_rows(findings))
    _fill(wb.create_sheet("Scorecard"), SCORECARD_COLUMNS, scorecard_rows(scorecard(digests, findings)))
    _fill(wb.create_sheet("Targets"), TARGET_COLUMNS, target_rows(digests, findings))
    rule_rows = [[r["id"], r["enabled"], r["severity"], r["checks"], r["reason"], r["source"],
                  json.dumps(r["params"], ensure_ascii=False) if r["params"] else ""] for r in rules]
    _fill(wb.create_sheet("Rules"), RULE_COLUMNS, rule_rows)
    try:
        wb.save(path)
    except OSError as e:
        raise InputError(f"cannot write the working paper ({e.strerror or e})", str(path)) from None


def _fill(ws: Any, header: tuple[str, ...], rows: list[list[Any]], filters: bool = True) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    text_cols = {c for c, h in enumerate(header) if h in TEXT_COLUMNS}
    money_cols = {c for c, h in enumerate(header) if "(元)" in h}
    share_cols = {c for c, h in enumerate(header) if h.endswith("share")}
    for row in rows:
        ws.append([str(v) if c in text_cols and v is not None else _number(v) if c in money_cols else v
                   for c, v in enumerate(row)])
        r = ws.max_row
        for c in text_cols:
            ws.cell(r, c + 1).number_format = TEXT_FORMAT
        for c in money_cols:
            ws.cell(r, c + 1).number_format = YUAN_FORMAT
        for c in share_cols:
            ws.cell(r, c + 1).number_format = "0%"
    ws.freeze_panes = "A2"
    if filters and rows:
        ws.auto_filter.ref = ws.dimensions
    for c, h in enumerate(header):
        width = max([display_width(h), *(display_width(r[c]) for r in rows[:WIDTH_SAMPLE_ROWS])])
        ws.column_dimensions[get_column_letter(c + 1)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _number(v: Any) -> Any:
    """Decimal yuan → float for Excel (to the cent; the cell format shows 2 decimals)."""
    return float(v) if v is not None else None
