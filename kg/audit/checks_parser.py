"""Contradictions the parsers noticed while reading (ParseWarning records) that no record shows afterwards.

Only warning kinds that state a fact about the document are passed on; notes about how a layout was
repaired (page-break joins, realigned rows) and warnings that other checks already report are left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.audit.context import AuditDoc
from kg.audit.findings import Finding

# parser warning kind -> (finding kind, severity, what it means for the reader)
PARSER_FACTS: dict[str, tuple[str, str, str]] = {
    "header_unit_mismatch": ("table_unit_wrong", "warning", "a table's stated unit does not fit its figures"),
    "unit_corrected": ("table_unit_wrong", "warning", "a table's stated unit does not fit its figures"),
    "form_amount_differs": ("form_amount_vs_table", "warning", "a target form's amount differs from the project table"),
    "totals_inconsistent": ("totals_differ", "warning", "the tables state different totals"),
    "totals_mismatch": ("totals_differ", "warning", "the tables state different totals"),
    "total_mismatch": ("totals_differ", "warning", "the tables state different totals"),
    "unterminated_last_line": ("file_cut_off", "info", "the file may be cut off at its end"),
    "empty_table": ("table_empty", "info", "a table is printed without rows"),
}


def check_parser_facts(ad: AuditDoc) -> Iterator[Finding]:
    for w in ad.doc.warnings:
        fact = PARSER_FACTS.get(w.kind)
        if fact is None:
            continue
        kind, severity, meaning = fact
        ev = [ad.ev_line(w.line, None)] if w.line and w.line <= len(ad.lines) else []
        yield ad.finding(kind, severity, None, f"{meaning}: {w.message}", ev, parser_warning=w.kind)


CHECKS = [check_parser_facts]
