"""Helpers for the audit tests (no tests here): seed documents from the gold keys (always) and extracted (when parsers work)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kg.audit import AuditDoc, Finding, run_audit
from kg.errors import PerfkgError
from kg.extract import extract_file
from tests.conftest import SEEDS, gold_document, seed_path


def gold_doc(stem: str) -> AuditDoc:
    return AuditDoc(gold_document(stem), seed_path(stem))


def extracted_doc(stem: str) -> AuditDoc | None:
    """The seed as the parser reads it, or None while its parser cannot read it."""
    try:
        return AuditDoc(extract_file(seed_path(stem)), seed_path(stem))
    except PerfkgError:
        return None


@cache
def findings(source: str) -> tuple[Finding, ...]:
    """All findings on the five seeds; ``source`` is "gold" or "extracted" (extracted falls back to gold)."""
    docs = [gold_doc(s) if source == "gold" else (extracted_doc(s) or gold_doc(s)) for s in SEEDS]
    return tuple(run_audit(docs))


def evidence_lines(f: Finding) -> set[int]:
    return {e.line for e in f.evidence if e.line}


def stem_of(prefix: str) -> str:
    return next(s for s in SEEDS if s.startswith(prefix))


def seed_file(prefix: str) -> str:
    return Path(seed_path(stem_of(prefix))).name
