"""Audit: find where a disclosure contradicts itself or the rules, with the evidence on each side.

Each check is a small function ``check_x(ad: AuditDoc) -> Iterator[Finding]`` (or, for checks across
documents, over ``list[AuditDoc]``), registered in :data:`DOC_CHECKS` / :data:`CORPUS_CHECKS`.
:func:`run_audit` runs them all; :mod:`kg.audit.report` groups, filters and renders the findings.
Tolerances are named in :mod:`kg.audit.tolerances`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kg.audit import checks_money, checks_parser, checks_prose, checks_records, checks_targets, checks_years
from kg.audit.context import AuditDoc
from kg.audit.findings import KINDS, SEVERITIES, Evidence, Finding, severity_rank

DocCheck = Callable[[AuditDoc], Iterator[Finding]]
CorpusCheck = Callable[[list[AuditDoc]], Iterator[Finding]]

DOC_CHECKS: list[DocCheck] = [
    *checks_money.CHECKS, *checks_targets.CHECKS, *checks_records.CHECKS, *checks_prose.CHECKS,
    *checks_years.DOC_CHECKS, *checks_parser.CHECKS,
]
CORPUS_CHECKS: list[CorpusCheck] = [*checks_years.CORPUS_CHECKS]


def run_audit(docs: Iterable[AuditDoc]) -> list[Finding]:
    """Every finding of every check on every document, sorted by department, file, severity, project."""
    docs = list(docs)
    out: list[Finding] = []
    for ad in docs:
        for check in DOC_CHECKS:
            out.extend(check(ad))
    for corpus_check in CORPUS_CHECKS:
        out.extend(corpus_check(docs))
    return sorted(out, key=Finding.sort_key)


__all__ = ["AuditDoc", "Evidence", "Finding", "KINDS", "SEVERITIES", "run_audit", "severity_rank"]
