"""What the parsers noticed while reading (ParseWarning records) that no record shows afterwards.

Two kinds are passed on. Facts about the document (a table's unit, totals that disagree) keep the meaning
the parser gave them. Warnings that mean data was lost — the file is cut off, a table or the year could not
be found, a row could not be read — are audit warnings, so ``--fail-on warning`` fails on a half-cut file;
so is a document that yields no project or no year at all. Notes about how a layout was repaired
(page-break joins, realigned rows) and warnings that other checks already report are left out.
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
    "form_without_budget_line": ("form_unlinked", "warning", "a target form matches no project of the project "
                                 "table (kept as a project of its own)"),
    "form_without_project_row": ("form_unlinked", "warning", "a target form matches no project of the project "
                                 "table (kept as a project of its own)"),
    "form_without_project_line": ("form_unlinked", "warning", "a target form matches no project of the project "
                                  "table (kept as a project of its own)"),
    "form_link_rejected": ("form_unlinked", "info", "a reviewer rejected a target form's link to its project"),
    "totals_inconsistent": ("totals_differ", "warning", "the tables state different totals"),
    "totals_mismatch": ("totals_differ", "warning", "the tables state different totals"),
    "total_mismatch": ("totals_differ", "warning", "the tables state different totals"),
    "empty_table": ("table_empty", "info", "a table is printed without rows"),
    # lost data: what the file holds was not all read
    "unterminated_last_line": ("file_cut_off", "warning", "the file may be cut off at its end (its last line "
                               "was not read)"),
    "decoding": ("file_cut_off", "warning", "the file looks cut off"),
    "table_missing": ("document_incomplete", "warning", "a table was not found"),
    "missing_table": ("document_incomplete", "warning", "a table was not found"),
    "no_records": ("document_incomplete", "warning", "no records were read"),
    "year_missing": ("document_incomplete", "warning", "no year was found"),
    "no_year": ("document_incomplete", "warning", "no year was found"),
    "no_title": ("document_incomplete", "warning", "no title was found"),
    "no_figures": ("document_incomplete", "warning", "no figures were read"),
    "no_totals": ("document_incomplete", "warning", "no totals were found"),
    "missing_totals": ("document_incomplete", "warning", "no totals were found"),
    "missing_total": ("document_incomplete", "warning", "a total was not found"),
    "total_missing": ("document_incomplete", "warning", "a total was not found"),
    "row_skipped": ("document_incomplete", "warning", "a row could not be read"),
    "amount_unreadable": ("document_incomplete", "warning", "an amount could not be read"),
}


def check_parser_facts(ad: AuditDoc) -> Iterator[Finding]:
    for w in ad.doc.warnings:
        fact = PARSER_FACTS.get(w.kind)
        if fact is None:
            continue
        kind, severity, meaning = fact
        ev = [ad.ev_line(w.line, None)] if w.line and w.line <= len(ad.lines) else []
        yield ad.finding(kind, severity, None, f"{meaning}: {w.message}", ev, parser_warning=w.kind)


def check_nothing_read(ad: AuditDoc) -> Iterator[Finding]:
    """A document that yields no project or no year: something was lost, whatever the parser said."""
    d = ad.doc
    # a disclosure of tables and 说明 only prints no project form: having none is not a loss there
    tables_only = any(w.kind == "no_project_forms" for w in d.warnings)
    # a department-wide self-evaluation (部门整体支出绩效自评表) has rows and no project form: nothing lost either
    missing = [what for what, lost in (("no project", not d.projects and not tables_only
                                        and not d.department_indicators),
                                       ("no fiscal year", d.year is None)) if lost]
    if missing:
        yield ad.finding("document_incomplete", "warning", None,
                         f"{' and '.join(missing)} could be read from this document ({d.layout or 'unknown'} "
                         "layout): it may be cut off or of a form the parser does not know", [],
                         projects=str(len(d.projects)), year=str(d.year) if d.year else None)


CHECKS = [check_parser_facts, check_nothing_read]
