"""The target-quality scorecard: per project and per department, how complete and measurable the targets are.

A project's card: its targets, the share that is quantitative (a comparison with a number), the framework
categories its form covers (产出, 效益, 满意度, 成本) and its ``target.*`` findings by rule (dismissed ones
not counted). A department's card
sums its projects. Cards are ranked weakest first: most warning-or-worse findings, then fewest categories, then
lowest quantitative share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kg.audit.checks_quality import NUMERIC_OPS, is_cost, is_effect, is_output, is_satisfaction
from kg.audit.checks_trends import ProjectDigest
from kg.audit.findings import Finding, severity_rank
from kg.model import Indicator
from kg.normalize import parse_decimal

CATEGORIES = {"产出": is_output, "效益": is_effect, "满意度": is_satisfaction, "成本": is_cost}
REVIEW_PREFIX = "target."


def is_quantitative(i: Indicator) -> bool:
    return i.op in NUMERIC_OPS and parse_decimal(i.value) is not None


@dataclass
class Card:
    """One project's (or department's) scorecard."""

    department: str
    year: int | None
    project: str | None  # None on a department's card
    file: str
    amount: Decimal | None
    projects: int
    targets: int
    quantitative: int
    categories: list[str]  # covered by every project (a department: by all its projects)
    findings: Counter[str] = field(default_factory=Counter)  # target.* kind -> count
    serious: int = 0  # warning-or-worse target.* findings

    @property
    def quantitative_share(self) -> float:
        return self.quantitative / self.targets if self.targets else 0.0

    def rank_key(self) -> tuple:
        return (-self.serious, len(self.categories), self.quantitative_share, self.department, self.project or "")

    def to_dict(self) -> dict[str, Any]:
        return {"department": self.department, "year": self.year, "project": self.project, "file": self.file,
                "amount": None if self.amount is None else str(self.amount), "projects": self.projects,
                "targets": self.targets, "quantitative": self.quantitative,
                "quantitative_share": round(self.quantitative_share, 3), "categories": list(self.categories),
                "missing_categories": [c for c in CATEGORIES if c not in self.categories],
                "findings": dict(sorted(self.findings.items())), "serious_findings": self.serious}


def project_cards(digests: list[ProjectDigest], findings: list[Finding]) -> list[Card]:
    by_project: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.kind.startswith(REVIEW_PREFIX) and f.project and f.status != "dismissed":
            by_project.setdefault((f.file, f.project), []).append(f)
    cards = []
    for d in digests:
        rows = [i for i, _ in d.rows]
        fs = by_project.get((d.file, d.name), [])
        cards.append(Card(d.department, d.year, d.name, d.file, d.amount, 1, len(rows),
                          sum(1 for i in rows if is_quantitative(i)),
                          [c for c, belongs in CATEGORIES.items() if any(belongs(i) for i in rows)],
                          Counter(f.kind for f in fs), sum(1 for f in fs if severity_rank(f.severity) >= 1)))
    return sorted(cards, key=Card.rank_key)


def department_cards(cards: list[Card]) -> list[Card]:
    """One card per department and year: sums of its projects; categories covered by every project."""
    groups: dict[tuple[str, int | None], list[Card]] = {}
    for c in cards:
        groups.setdefault((c.department, c.year), []).append(c)
    out = []
    for (dept, year), cs in groups.items():
        amounts = [c.amount for c in cs if c.amount is not None]
        out.append(Card(dept, year, None, ", ".join(sorted({c.file for c in cs})),
                        sum(amounts, Decimal(0)) if amounts else None, len(cs), sum(c.targets for c in cs),
                        sum(c.quantitative for c in cs),
                        [k for k in CATEGORIES if all(k in c.categories for c in cs)],
                        sum((c.findings for c in cs), Counter()), sum(c.serious for c in cs)))
    return sorted(out, key=Card.rank_key)


def scorecard(digests: list[ProjectDigest], findings: list[Finding]) -> dict[str, list[dict[str, Any]]]:
    """``{"departments": [card…], "projects": [card…]}``, weakest first."""
    projects = project_cards(digests, findings)
    return {"departments": [c.to_dict() for c in department_cards(projects)],
            "projects": [c.to_dict() for c in projects]}
