"""Audit: find where a disclosure contradicts itself or the rules, with the evidence on each side.

Each check is a small function ``check_x(ad: AuditDoc) -> Iterator[Finding]`` (or, for checks across
documents, over ``list[AuditDoc]``), registered in :data:`DOC_CHECKS` / :data:`CORPUS_CHECKS`.
:func:`run_audit` runs them all; :mod:`kg.audit.report` groups, filters and renders the findings.
Tolerances are named in :mod:`kg.audit.tolerances`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg.audit import (
    checks_explanation,
    checks_money,
    checks_parser,
    checks_prose,
    checks_quality,
    checks_records,
    checks_selfeval,
    checks_tables,
    checks_targets,
    checks_trends,
    checks_years,
)
from kg.audit.checks_trends import ProjectDigest, digest_document
from kg.audit.context import AuditDoc
from kg.audit.findings import KINDS, SEVERITIES, Evidence, Finding, severity_rank
from kg.audit.rules_targets import DEFAULT_CONFIG, RuleConfig
from kg.audit.tolerances import squeeze
from kg.model import Document

if TYPE_CHECKING:
    from kg.audit.report import AuditOptions

DocCheck = Callable[[AuditDoc], Iterator[Finding]]
CorpusCheck = Callable[[list[AuditDoc]], Iterator[Finding]]

DOC_CHECKS: list[DocCheck] = [
    *checks_money.CHECKS, *checks_targets.CHECKS, *checks_records.CHECKS, *checks_prose.CHECKS,
    *checks_years.DOC_CHECKS, *checks_parser.CHECKS, *checks_selfeval.DOC_CHECKS,
    # the standard tables and the 说明 (kinds tables.* / explanation.*); the not-checked note runs last
    *checks_tables.CHECKS, *checks_explanation.CHECKS, *checks_explanation.LAST,
]
CORPUS_CHECKS: list[CorpusCheck] = [*checks_years.CORPUS_CHECKS, *checks_selfeval.CORPUS_CHECKS]
# Target-quality rules (kinds target.*, see kg.audit.rules_targets): on one document, and on the digests of
# every project with targets in the store (year over year, across departments).
RULE_CHECKS: list[Callable[[AuditDoc, RuleConfig], Iterator[Finding]]] = [*checks_quality.CHECKS]
STORE_CHECKS: list[Callable[[list[ProjectDigest], RuleConfig], Iterator[Finding]]] = [*checks_trends.STORE_CHECKS]


def doc_findings(ad: AuditDoc, config: RuleConfig = DEFAULT_CONFIG) -> list[Finding]:
    """Every single-document check, the target-quality rules included."""
    out: list[Finding] = []
    for check in DOC_CHECKS:
        out.extend(check(ad))
    for rule_check in RULE_CHECKS:
        out.extend(rule_check(ad, config))
    return out


def store_findings(digests: list[ProjectDigest], config: RuleConfig = DEFAULT_CONFIG) -> list[Finding]:
    return [f for check in STORE_CHECKS for f in check(digests, config)]


def run_audit(docs: Iterable[AuditDoc], config: RuleConfig = DEFAULT_CONFIG) -> list[Finding]:
    """Every finding of every check on every document, sorted by department, file, severity, project."""
    docs = list(docs)
    out: list[Finding] = []
    for ad in docs:
        out.extend(doc_findings(ad, config))
    for corpus_check in CORPUS_CHECKS:
        out.extend(corpus_check(docs))
    out.extend(store_findings([d for ad in docs for d in digest_document(ad)], config))
    return sorted(out, key=Finding.sort_key)


def audit_store(store: Path | None, opts: AuditOptions,
                progress: Callable[[int, int, str], None] | None = None) -> tuple[list[Finding], list[AuditDoc]]:
    findings, docs, _ = audit_store_digests(store, opts, progress)
    return findings, docs


def audit_store_digests(store: Path | None, opts: AuditOptions,
                        progress: Callable[[int, int, str], None] | None = None,
                        ) -> tuple[list[Finding], list[AuditDoc], list[ProjectDigest]]:
    """The store's documents of the chosen department and year, audited one department at a time: each
    document is read, checked and dropped, and cross-document checks see one department's documents (they
    pair documents of one department), so memory is bounded by the largest department, not the store.
    Returns the filtered findings and, for each audited document, a light :class:`AuditDoc` (its source and
    path; the records are not kept), and the digests of the chosen projects with targets. A --dept / --year
    matching no stored document is a :class:`QueryError` with a "did you mean"; ``progress(done, total,
    department)`` is called after each department."""
    from kg.audit.decisions import load_decisions
    from kg.audit.report import filter_findings
    from kg.audit.selection import Head, check_choice
    from kg.links import apply_link_decisions_to_documents
    from kg.store import open_store

    opts.validate()
    out: list[Finding] = []
    light: list[AuditDoc] = []
    digests: list[ProjectDigest] = []
    config = opts.config()
    with open_store(store) as st:
        heads = st.document_heads()
        check_choice(opts.dept, opts.year, [Head(h[1], h[2], h[3]) for h in heads], "the store")
        chosen: set[str] = set()
        groups = _department_groups(heads, opts)
        for n, group in enumerate(groups, 1):
            read = list(st.iter_documents(group))
            apply_link_decisions_to_documents(read, st.path)  # the reviewer's link decisions, as trace/show see them
            docs = [AuditDoc(doc, st.source_path(doc_id)) for doc_id, doc in read]
            for ad in docs:
                out.extend(doc_findings(ad, config))
                digests.extend(digest_document(ad))
            for corpus_check in CORPUS_CHECKS:
                out.extend(corpus_check(docs))
            light += [AuditDoc(Document(ad.doc.source), ad.path) for ad in docs]
            chosen.update(group)
            if progress:
                progress(n, len(groups), docs[0].doc.department or "" if docs else "")
        others = [h[0] for h in heads if h[0] not in chosen]
        if others and any(config.enabled(r) for r in checks_trends.STORE_RULES):
            # other years and departments are the comparison; findings are only about the chosen documents
            for doc_id, doc in st.iter_documents(others):
                digests.extend(digest_document(AuditDoc(doc, st.source_path(doc_id)), selected=False))
    out.extend(store_findings(digests, config))
    light.sort(key=lambda ad: str(ad.path))
    decisions = load_decisions(st.path)
    return (filter_findings(sorted(out, key=Finding.sort_key), opts, decisions), light,
            [d for d in digests if d.selected])


def _department_groups(heads: list[tuple], opts: AuditOptions) -> list[list[str]]:
    """doc_ids of the chosen documents (as ``report.select_docs`` chooses), grouped by department name
    (squeezed, as the budget / final-account pairing keys them); a document without one is a group alone."""
    groups: dict[object, list[str]] = {}
    for doc_id, dep, code, year, *_ in heads:
        if opts.dept and opts.dept not in (dep or "") and opts.dept != (code or ""):
            continue
        if opts.year and year != opts.year:
            continue
        key = squeeze(dep) if dep and squeeze(dep) else ("alone", doc_id)
        groups.setdefault(key, []).append(doc_id)
    return list(groups.values())


__all__ = ["AuditDoc", "audit_store", "audit_store_digests", "RuleConfig", "Evidence", "Finding", "KINDS", "SEVERITIES", "run_audit", "severity_rank"]
