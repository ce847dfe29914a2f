"""Findings as data: what does not add up, how bad it is, and the evidence on each side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.audit.rules_targets import RULES

SEVERITIES = ("info", "warning", "error")  # in rising order


# Every finding kind, with what it means (for --kind and for readers of the JSON).
KINDS: dict[str, str] = {
    "cost_target_vs_budget": "a cost target naming the whole budget (项目预算控制数 …) differs from the project's amount",
    "cost_items_exceed_budget": "itemized cost targets add up to more than the project's amount",
    "totals_sum": "基本支出 + 项目支出 ≠ 支出总计",
    "totals_differ": "tables state different totals (noticed by the parser)",
    "project_sum": "the projects' amounts do not add up to 项目支出 (or the project table's 合计)",
    "funding_lines_vs_amount": "a project's funding lines do not add up to its amount",
    "form_amount_vs_table": "a target form's amount differs from the project table",
    "form_unlinked": "a target form has no project of the project table (no plausible owner, or rejected by review)",
    "target_operator_differs": "form and department table give one target different operators",
    "target_value_differs": "form and department table give one target different values",
    "target_unit_differs": "form and department table give one target different units",
    "target_name_cut": "one table prints a target's name cut short",
    "target_name_differs": "one target is named differently in the two tables",
    "target_missing_from_form": "a department-table row has no counterpart in the project's form",
    "target_missing_from_department_table": "form targets without a department-table row",
    "form_missing_from_department_table": "a project with a form has no rows in the department table",
    "department_table_unknown_project": "the department table names a project that has no form",
    "project_code_malformed": "a project code breaks the pattern 8 digits, T, 12 digits, or the shape its document's other codes share",
    "project_code_year": "a project code's year is after the document's",
    "project_code_shared": "one project code for several projects",
    "project_without_target_form": "a project without a target form",
    "targets_all_qualitative": "every target of a project is 定性",
    "target_percent_over_100": "a percentage target above 100",
    "satisfaction_upper_bound": "a 满意度 target with ≤",
    "target_value_is_name": "a target whose value only repeats its name",
    "goal_copied": "two projects with word-for-word the same goal",
    "goal_printed_twice": "a goal text printed twice in a row",
    "declared_targets_vs_forms": "the prose's count of projects with targets ≠ the forms printed",
    "prose_change_amount": "a change stated in the prose ≠ the difference of its figures",
    "prose_change_percent": "a percentage change stated in the prose ≠ change / base",
    "prose_trips_vs_cost": "因公出国 spending while the text says no delegation went",
    "number_grouping": "a number with misplaced thousands separators",
    "table_unit_wrong": "a table's stated unit does not fit its figures (noticed by the parser)",
    "table_empty": "a table printed without rows",
    "file_cut_off": "the file seems cut off at its end (its last line or character was not read)",
    "document_incomplete": "the parser lost data: a table, the year, a total or a row could not be read, or no "
                           "project at all",
    "budget_vs_final": "variance between a project's budget and its final account",
    "final_budget_differs": "the final account's budget figure differs from the budget document",
    "final_variance_arithmetic": "in a final account, actual − budget ≠ the stated variance",
    "tables.balance": "收支总表 / 财政拨款收支总表: 收入总计 ≠ 支出总计",
    "tables.side_sum": "a side of a 收支 table: its lines 一、二、… do not add up to its 合计 / 总计",
    "tables.sub_sum": "a 收支 line 一、… ≠ the sum of the lines under it (1、2、… / （一）（二）…)",
    "tables.row_sum": "a row of an expense table: 合计 ≠ 基本支出 + 项目支出, or 基本支出 ≠ 人员经费 + 公用经费",
    "tables.column_sum": "an expense table's 合计 row ≠ the sum of its top-level rows",
    "tables.hierarchy": "a 类 ≠ the sum of its 款, or a 款 ≠ the sum of its 项",
    "tables.sanggong": "三公: 合计 ≠ 出国 + 接待 + 公务用车, or 公务用车 ≠ 购置 + 运行",
    "tables.cross": "one figure differs between two tables (收支总表 ↔ 收入/支出总表, 一般公共预算支出表 ↔ 基本支出表, 财政拨款收支总表 ↔ 支出表 by 类)",
    "tables.sanggong_over": "final accounts: a 三公 item's 决算数 above its 预算数 (info)",
    "tables.not_checked": "what the table and explanation checks could not check in this document, and why",
    "explanation.amount": "an amount the 说明 states (收入, 支出, 基本/项目支出, 三公, 机关运行经费, 政府采购) differs from its table",
    "explanation.direction": "增加 / 减少 / 持平 in the 说明 contradicts the two amounts it compares",
    "explanation.zero_base": "a change or rate that cannot be: 0 万元 … 增加 Y 万元, a rate of a zero base",
    "explanation.change": "the change on last year the 说明 states (增加/减少/持平 C) differs from the table's two years",
    "explanation.parts": "a total the 说明 splits (政府采购 = 货物 + 工程 + 服务) differs from the sum of its parts",
    "explanation.rate": "a change rate the 说明 states (增长 r%) differs from the one its printed amounts give",
    "explanation.share": "a share the 说明 states (占 s%) differs from its amount over the total it is a share of",
    "explanation.completion": "a completion rate the 说明 states (完成预算的 r%) differs from 决算 / 预算",
    "explanation.placeholder": "a placeholder left in the text (XX, ××, 待填写)",
    "explanation.year": "a title or statement of the document's own figures names another year",
}
# The target-quality rules (kinds ``target.*``) are data in kg.audit.rules_targets.
KINDS.update({r.id: r.checks for r in RULES})


def severity_rank(severity: str) -> int:
    """0 info, 1 warning, 2 error; unknown names raise ValueError."""
    return SEVERITIES.index(severity)


@dataclass
class Evidence:
    """One side of a finding: a file, its 1-based line (None when unknown), the table and the quoted text."""

    file: str
    line: int | None = None
    table: str | None = None
    text: str = ""
    line_end: int | None = None  # the last line of a row wrapped over several lines (None: one line)
    loc: str | None = None  # a native file's location of the line (p12 t1 r3, 05-2!C7)

    def to_dict(self) -> dict[str, Any]:
        d = {"file": self.file, "line": self.line, "line_end": self.line_end, "table": self.table, "text": self.text}
        if self.loc:
            d["loc"] = self.loc
        return d

    def cite(self) -> str:
        where = f"{self.file} {self.loc}" if self.loc else f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} [{self.table}]" if self.table else where


@dataclass
class Finding:
    """One inconsistency. ``message`` states both values; ``values`` holds them for programs."""

    kind: str
    severity: str
    department: str | None
    project: str | None
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    file: str = ""  # source file name of the (first) document concerned
    year: int | None = None
    values: dict[str, str | None] = field(default_factory=dict)
    # the auditor's decision (kg.audit.decisions): open, dismissed or confirmed, with its reason
    status: str = "open"
    reason: str | None = None
    id: str = ""  # stable key of the finding (set by kg.audit.decisions.assign_ids)

    def __post_init__(self) -> None:
        severity_rank(self.severity)
        if self.kind not in KINDS:
            raise ValueError(f"unregistered finding kind {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "severity": self.severity, "department": self.department, "year": self.year,
            "file": self.file, "project": self.project, "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence], "values": dict(self.values),
            "id": self.id, "status": self.status, "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["kind"], d["severity"], d.get("department"), d.get("project"), d["message"],
                   [Evidence(**e) for e in d.get("evidence") or []], d.get("file") or "", d.get("year"),
                   dict(d.get("values") or {}), d.get("status") or "open", d.get("reason"), d.get("id") or "")

    def sort_key(self) -> tuple:
        return (self.department or "", self.year or 0, self.file, -severity_rank(self.severity),
                self.project or "", self.kind, self.message)
