"""Funding is not a project: the rows of transfer-payment tables become funding lines (issue 21, point 4).

The decided rule, applied by every family that reads such a table (:func:`route_transfers`):

* A row of a table of money *received* (专项转移支付预算表, 上级转移支付细化明细表, 转移支付 tables of any
  numbering) whose project name is a project of the document's project table — exactly, or by the evidence link
  of :mod:`kg.evidence_link` — becomes a :class:`FundingLine` of that project (``source`` 专项转移支付 /
  上级转移支付, the 文号 in ``doc_no``), not a second project; the project's amount is not increased (the row says
  where part of its money comes from).
* A row of a table paying money *out* to other governments or units (对下转移支付, 转移支付 to 区县 / 乡镇, rows
  that are recipients, economic code 513xx 上下级政府间转移性支出) becomes a department-level funding line
  (:attr:`Document.funding`, ``project`` None, ``recipient`` the government or unit, ``purpose`` the row's
  项目名称), shown by ``perfkg show <department>``, a graph node below the department, and counted by the
  audit's project-sum check.
* A received row naming a spending item of the department's own that appears in no other table stays a project
  (seed 001's 2019年新开办企业刻章补助经费 of 表十), with a funding line of the transfer source so the money's
  origin is visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.evidence_link import Candidate, choose_owner
from kg.model import Document, FundingLine, Project
from kg.normalize import clean_text

# A transfer table's title holds this word (kg.extract searches a text for such tables only when it holds it).
TRANSFER_WORD = "转移支付"
TRANSFER_TITLE = re.compile(TRANSFER_WORD)
# A table (title) paying money out, and the economic codes of money paid to other governments.
OUTGOING_TITLE = re.compile(r"对下|下级|补助(?:区县|乡镇|街道)|转移性支出")
OUTGOING_ECON = ("513",)
SOURCE_RECEIVED = "专项转移支付"
SOURCE_FROM_ABOVE = "上级转移支付"
SOURCE_OUTGOING = "对下转移支付"
RECEIVED_SOURCES = (SOURCE_RECEIVED, SOURCE_FROM_ABOVE)
# Column labels: the allocation's 文号 and the recipient of an outgoing row.
DOC_NO_COLUMNS = ("市指标文号", "指标文号", "文号", "下达文号")
RECIPIENT_COLUMNS = ("地区名称", "地区", "区县名称", "乡镇（街道）名称", "接收单位", "补助对象", "下级单位名称",
                     "收款单位")
# A 文号 printed in a cell or a note: 京财党政群指【2018】2181号, 西财预〔2024〕12号.
DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,16}[〔【\[（(]\s*(?:19|20)\d{2}\s*[〕】\]）)]\s*\d+\s*号")


def transfer_kind(title: str | None) -> str | None:
    """``"outgoing"`` / ``"received"`` for a transfer table's title, None for any other table."""
    t = clean_text(title) or ""
    if not TRANSFER_TITLE.search(t):
        return None
    return "outgoing" if OUTGOING_TITLE.search(t) else "received"


def source_of(title: str | None, kind: str) -> str:
    if kind == "outgoing":
        return SOURCE_OUTGOING
    return SOURCE_FROM_ABOVE if "上级" in (title or "") else SOURCE_RECEIVED


def is_outgoing_code(econ_gov_code: str | None) -> bool:
    return bool(econ_gov_code) and econ_gov_code.startswith(OUTGOING_ECON)  # type: ignore[union-attr]


def doc_no_in(texts: Sequence[str | None]) -> str | None:
    """The first 文号 printed in ``texts``."""
    for t in texts:
        m = DOC_NO.search(clean_text(t) or "")
        if m:
            return re.sub(r"\s+", "", m.group(0))
    return None


@dataclass
class TransferRow:
    """One row of a transfer table: its 项目名称, its recipient (outgoing tables) and its money as a funding line
    (amount, codes, 文号, provenance)."""

    name: str | None
    line: FundingLine
    recipient: str | None = None


def route_transfers(doc: Document, rows: Sequence[TransferRow], kind: str, source: str) -> list[Project]:
    """Apply the rule of the module doc to the rows of one transfer table; ``doc.projects`` must hold the project
    table's projects. Returns the projects to add (received rows that are no table project)."""
    new: list[Project] = []
    table_projects = list(doc.projects)
    for r in rows:
        fl = r.line
        fl.source = fl.source or source
        if kind == "outgoing" or is_outgoing_code(fl.econ_gov_code):
            fl.project, fl.source = None, SOURCE_OUTGOING
            fl.recipient = r.recipient or r.name
            fl.purpose = r.name if r.recipient else None
            doc.funding.append(fl)
            continue
        owner, method, confidence = _owner(r, table_projects)
        if owner is not None:
            fl.project, fl.link_method, fl.confidence = owner.name, method, confidence
            owner.funding_lines.append(fl)
            line = fl.provenance.line_start if fl.provenance else None
            doc.warn("transfer_funding_line", f"{fl.source} row {r.name} ({fl.amount_text}) is a funding line of "
                     f"{owner.name} ({method}), not a second project", line, severity="info")
            continue
        p = Project(r.name or "", fl.amount, fl.amount_text, function_code=fl.function_code,
                    econ_gov_code=fl.econ_gov_code, econ_dept_code=fl.econ_dept_code, provenance=fl.provenance,
                    funding_lines=[fl])
        fl.project = p.name
        new.append(p)
    return new


def _owner(r: TransferRow, projects: list[Project]) -> tuple[Project | None, str, float]:
    key = clean_text(r.name) or ""
    for p in projects:
        if key and key in {clean_text(n) for n in (p.name, *p.aliases)}:
            return p, "exact", 1.0
    if not key:
        return None, "", 0.0
    amounts = [r.line.amount] if r.line.amount is not None else []
    link = choose_owner(key, amounts, [Candidate(p.name, p.amount, p.code) for p in projects])
    if link is None:
        return None, "", 0.0
    return projects[link.index], "transfer:evidence", link.confidence
