"""Findings as data: what does not add up, how bad it is, and the evidence on each side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "warning", "error")  # in rising order


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

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "table": self.table, "text": self.text}

    def cite(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
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

    def __post_init__(self) -> None:
        severity_rank(self.severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "severity": self.severity, "department": self.department, "year": self.year,
            "file": self.file, "project": self.project, "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence], "values": dict(self.values),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["kind"], d["severity"], d.get("department"), d.get("project"), d["message"],
                   [Evidence(**e) for e in d.get("evidence") or []], d.get("file") or "", d.get("year"),
                   dict(d.get("values") or {}))

    def sort_key(self) -> tuple:
        return (self.department or "", self.year or 0, self.file, -severity_rank(self.severity),
                self.project or "", self.kind, self.message)
