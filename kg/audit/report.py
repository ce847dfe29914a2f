"""Collect documents to audit, filter findings, and render them: grouped text, JSON, exit status.

JSON shape (stable): ``{"findings": [finding…], "summary": {"documents": n, "by_severity": {…},
"by_kind": {…}}}``; each finding has ``kind, severity, department, year, file, project, message,
evidence: [{file, line, table, text}], values``.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from kg.audit import run_audit
from kg.audit.checks_trends import ProjectDigest, digest_document
from kg.audit.context import AuditDoc
from kg.audit.decisions import Decision, apply_decisions, load_decisions
from kg.audit.findings import KINDS, SEVERITIES, Finding, severity_rank
from kg.audit.rules_targets import RuleConfig, load_rules_file, parse_choices
from kg.audit.selection import Failure, Head, check_choice, failure_of, scan_sources
from kg.errors import PerfkgError, QueryError
from kg.extract import extract_file

# Called after each document (or department of the store) is read: (done, total, name).
Progress = Callable[[int, int, str], None]

# Info findings of one kind in one document are folded into one line listing this many projects.
INFO_NAMES_SHOWN = 4
# Findings of one kind about one project (or the document) are folded from this many on.
FOLD_AT = 3
# Kinds folded one line per kind in each document (many alike findings: the target-quality review).
FOLDED_PREFIX = "target."
# The per-document note of what the table checks could (not) check: shown on the document's heading line.
COVERAGE_KIND = "tables.not_checked"
FINDING_STATUSES = ("open", "dismissed", "confirmed")
# Finding kinds never folded together: each says something different about what was lost.
NEVER_FOLDED = frozenset({"document_incomplete", "file_cut_off"})
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


@dataclass
class AuditOptions:
    dept: str | None = None
    year: int | None = None
    kind: str | None = None
    severity: str = "info"  # the least severity shown
    fail_on: str | None = None  # exit 1 when a finding at or above this severity exists
    disable: list[str] = field(default_factory=list)  # finding kinds switched off (--disable)
    severity_of: list[str] = field(default_factory=list)  # KIND=LEVEL re-gradings (--severity-of)
    rules_file: Path | None = None  # a TOML file of rule choices (--rules-file); the options win over it
    status: str | None = None  # only findings with this decision status (open, dismissed, confirmed)

    def config(self) -> RuleConfig:
        """The user's rule choices: the rules file, then --disable / --severity-of over it."""
        try:
            base = load_rules_file(self.rules_file, set(KINDS)) if self.rules_file else RuleConfig()
            return base.merged(parse_choices(self.disable, self.severity_of, set(KINDS)))
        except ValueError as e:
            raise QueryError(str(e)) from None

    def validate(self) -> None:
        for name, value in (("--severity", self.severity), ("--fail-on", self.fail_on)):
            if value is not None and value not in SEVERITIES:
                raise QueryError(f"{name} must be one of {', '.join(SEVERITIES)}, not {value!r}")
        if self.kind and not any(k.startswith(self.kind) for k in KINDS):
            raise QueryError(f"--kind {self.kind!r} names no finding kind (kinds: {', '.join(sorted(KINDS))})")
        self.config()
        if self.status is not None and self.status not in FINDING_STATUSES:
            raise QueryError(f"--status must be one of {', '.join(FINDING_STATUSES)}, not {self.status!r}")


@dataclass
class AuditResult:
    """Findings (filtered), the documents audited, the files that could not be read, and the digests of the
    audited projects with targets (for the scorecard and the working paper)."""

    findings: list[Finding]
    docs: list[AuditDoc]
    failures: list[Failure] = field(default_factory=list)
    digests: list[ProjectDigest] = field(default_factory=list)


def extract_sources(paths: Iterable[Path], progress: Progress | None = None) -> tuple[list[AuditDoc], list[Failure]]:
    """Extract the given files (a folder means its .txt files, recursively) for auditing; a file that cannot
    be read or parsed is a :class:`Failure` and the others are still audited."""
    src = scan_sources(paths)
    out: list[AuditDoc] = []
    failures = list(src.failures)
    for n, f in enumerate(src.files, 1):
        try:
            out.append(AuditDoc(extract_file(f), f.resolve()))
        except PerfkgError as e:
            failures.append(failure_of(f, e))
        except Exception as e:  # a parser bug must not hide the other files' findings
            if os.environ.get("PERFKG_DEBUG", "") not in ("", "0"):
                raise
            failures.append(Failure(str(f), f"{f}: internal error ({type(e).__name__}: {e})"))
        if progress:
            progress(n, len(src.files), f.name)
    return out, failures


def docs_from_paths(paths: Iterable[Path]) -> list[AuditDoc]:
    """Extract the given files (a folder means its .txt files) for auditing, leaving out those that fail."""
    return extract_sources(paths)[0]


def docs_from_store(store: Path | None) -> list[AuditDoc]:
    """Every document of the store; the doc_id is the path of the ingested file (for quoting lines)."""
    from kg.store import open_store

    with open_store(store) as st:
        return [AuditDoc(doc, st.source_path(doc_id)) for doc_id, doc in st.iter_documents()]


def select_docs(docs: list[AuditDoc], opts: AuditOptions) -> list[AuditDoc]:
    """Documents of the chosen department (substring of its name or code) and year."""
    out = []
    for ad in docs:
        d = ad.doc
        if opts.dept and opts.dept not in (d.department or "") and opts.dept != (d.department_code or ""):
            continue
        if opts.year and d.year != opts.year:
            continue
        out.append(ad)
    return out


def apply_choices(findings: Iterable[Finding], config: RuleConfig) -> list[Finding]:
    """Findings of kinds switched off dropped; re-graded kinds at their new severity (any kind)."""
    out = []
    for f in findings:
        if config.enabled(f.kind):
            f.severity = config.severity.get(f.kind, f.severity)
            out.append(f)
    return out


def filter_findings(findings: Iterable[Finding], opts: AuditOptions,
                    decisions: dict[str, Decision] | None = None) -> list[Finding]:
    """Rule choices applied, ids and the auditor's decisions set (before filtering, so ids do not depend on the
    filters), then the severity, kind and status filters."""
    least = severity_rank(opts.severity)
    kept = apply_decisions(apply_choices(findings, opts.config()), decisions or {})
    return [f for f in kept if severity_rank(f.severity) >= least
            and (not opts.kind or f.kind == opts.kind or f.kind.startswith(opts.kind))
            and (opts.status is None or f.status == opts.status)]


def store_decisions(store: Path | None) -> dict[str, Decision]:
    """The decisions saved beside the store (none when there is no store)."""
    from kg.store import resolve_store_dir

    return load_decisions(resolve_store_dir(store))


def audit_documents(docs: list[AuditDoc], opts: AuditOptions,
                    decisions: dict[str, Decision] | None = None) -> list[Finding]:
    """Run every check on the documents (cross-document checks see only these) and filter the findings."""
    opts.validate()
    return filter_findings(run_audit(docs, opts.config()), opts, decisions)


def audit_paths(paths: list[Path], opts: AuditOptions, progress: Progress | None = None,
                decisions: dict[str, Decision] | None = None) -> AuditResult:
    """The findings on the given files of the chosen department and year, going on past files that fail;
    a --dept / --year matching none of the files read is a :class:`QueryError`. ``decisions`` mark the
    findings the auditor dismissed or confirmed."""
    opts.validate()
    docs, failures = extract_sources(paths, progress)
    check_choice(opts.dept, opts.year, [Head(d.doc.department, d.doc.department_code, d.doc.year) for d in docs],
                 "the files given")
    docs = select_docs(docs, opts)
    return AuditResult(audit_documents(docs, opts, decisions), docs, failures, digests_of(docs))


def audit_sources(paths: list[Path] | None, store: Path | None,
                  opts: AuditOptions) -> tuple[list[Finding], list[AuditDoc]]:
    """The findings on the given files (or else the store's documents) of the chosen department and year."""
    if paths:
        r = audit_paths(paths, opts, decisions=store_decisions(store))
        return r.findings, r.docs
    opts.validate()
    docs = docs_from_store(store)
    check_choice(opts.dept, opts.year, [Head(d.doc.department, d.doc.department_code, d.doc.year) for d in docs],
                 "the store")
    docs = select_docs(docs, opts)
    return audit_documents(docs, opts, store_decisions(store)), docs


def audit_sources_digests(paths: list[Path] | None, store: Path | None,
                          opts: AuditOptions) -> tuple[list[Finding], list[AuditDoc], list[ProjectDigest]]:
    """As :func:`audit_sources`, with the digest of every project with targets (for the working paper)."""
    findings, docs = audit_sources(paths, store, opts)
    return findings, docs, digests_of(docs)


def digests_of(docs: Iterable[AuditDoc]) -> list[ProjectDigest]:
    """The digest of every project with targets in the documents (for the scorecard and the working paper)."""
    return [d for ad in docs for d in digest_document(ad)]


def render_rules(table: list[dict[str, Any]], con: Console | None = None) -> None:
    """The target-quality rules, one block each: id, state, severity, what, why, source, thresholds."""
    con = con or Console()
    for r in table:
        state = SEVERITY_STYLE[r["severity"]] if r["enabled"] else "dim"
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        con.print(f"[bold]{escape(r['id'])}[/bold] [{state}]{r['severity'] if r['enabled'] else 'off'}[/]  "
                  f"{escape(r['checks'])}")
        con.print(f"    [dim]why: {escape(r['reason'])}; source: {escape(r['source'])}"
                  f"{'; ' + escape(params) if params else ''}[/dim]")


def should_fail(findings: Iterable[Finding], fail_on: str | None) -> bool:
    if fail_on is None:
        return False
    return any(severity_rank(f.severity) >= severity_rank(fail_on) for f in findings if f.status != "dismissed")


def _by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s: c[s] for s in reversed(SEVERITIES)}


def summary(findings: list[Finding], n_docs: int, failures: list[Failure] | None = None) -> dict[str, Any]:
    """Counts: documents audited, findings by severity, by kind and by department (each by severity), files
    that could not be read."""
    by_dept: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_dept[f.department or "?"].append(f)
    return {"documents": n_docs, "by_severity": _by_severity(findings),
            "by_kind": dict(sorted(Counter(f.kind for f in findings).items())),
            "by_department": {d: _by_severity(fs) for d, fs in sorted(by_dept.items())},
            "by_status": {s: sum(1 for f in findings if f.status == s) for s in FINDING_STATUSES},
            "findings": len(findings), "documents_failed": len(failures or [])}


def to_json(findings: list[Finding], n_docs: int, failures: list[Failure] | None = None,
            limit: int | None = None, summary_only: bool = False) -> dict[str, Any]:
    """``{"findings", "summary", "failed"}``: the first ``limit`` findings (all without a limit; none with
    ``summary_only``); the summary always counts every finding."""
    shown = [] if summary_only else findings[:limit] if limit else findings
    return {"findings": [f.to_dict() for f in shown], "summary": summary(findings, n_docs, failures),
            "failed": [x.to_dict() for x in failures or []]}


FINDING_COLUMNS = ("severity", "kind", "department", "year", "file", "project", "message", "evidence", "values")


def finding_rows(findings: Iterable[Finding]) -> list[list[Any]]:
    """One row per finding under :data:`FINDING_COLUMNS` (evidence as ``file:line ↔ line``, values as k=v)."""
    return [[f.severity, f.kind, f.department, f.year, f.file, f.project, f.message, short_cite(f),
             "; ".join(f"{k}={v}" for k, v in f.values.items())] for f in findings]


def summary_rows(findings: list[Finding]) -> list[list[Any]]:
    """Counts by department and kind: department, kind, error, warning, info (for ``--summary``)."""
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.department or "?", f.kind)].append(f)
    return [[d, k, *_by_severity(fs).values()] for (d, k), fs in sorted(groups.items())]


def short_cite(f: Finding) -> str:
    """Evidence as ``file:line ↔ line`` (the file named once)."""
    parts, last_file = [], None
    for e in f.evidence:
        if e.file != last_file:
            parts.append(f"{e.file}:{e.line or '?'}")
            last_file = e.file
        else:
            parts.append(str(e.line or "?"))
    return " ↔ ".join(parts)


def render_text(findings: list[Finding], n_docs: int, con: Console | None = None,
                counted: list[Finding] | None = None) -> None:
    """Grouped by department and document, then project; info findings folded one line per kind. Nothing
    is cut short. The closing count is of ``counted`` (every finding, when only the first are printed)."""
    con = con or Console()
    only_review = all(f.kind.startswith(FOLDED_PREFIX) for f in findings)
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.department or "?", f.year or 0, f.file)].append(f)
    for (dept, year, file), fs in groups.items():
        cover = next((f for f in fs if f.kind == COVERAGE_KIND), None)
        note = (f"  [dim]tables: {cover.values.get('checked')} identities checked, "
                f"{len((cover.values.get('not_checked') or '').split('; '))} not (--kind {COVERAGE_KIND})[/dim]"
                if cover else "")
        fs = [f for f in fs if f is not cover]
        con.print(f"\n[bold]{escape(dept)}[/bold] {year or ''}  [dim]{escape(file)}[/dim]{note}")
        full: dict[tuple, list[Finding]] = defaultdict(list)
        for f in fs:
            if f.severity != "info" and not f.kind.startswith(FOLDED_PREFIX):
                full[(f.kind, f.project, f.message if f.kind in NEVER_FOLDED else "")].append(f)
        for items in full.values():
            f = items[0]
            sev = f"[{SEVERITY_STYLE[f.severity]}]{f.severity:7}[/]"
            proj = f"[cyan]{escape(f.project)}[/cyan] " if f.project else ""
            more = ""
            if len(items) >= FOLD_AT:
                more = f" (+{len(items) - 1} alike: " + ", ".join(short_cite(x) for x in items[1:]) + ")"
                items = items[:1]
            for f in items:
                con.print(f"  {sev} {f.kind}: {proj}{escape(f.message + mark(f))}  "
                          f"[dim]{escape(short_cite(f) + more)}[/dim]")
        review = [f for f in fs if f.kind.startswith(FOLDED_PREFIX)]
        if review and not only_review:  # among other findings: one line per document
            counts = Counter(f.kind for f in review)
            con.print(f"  [dim]review  {len(review)} target-quality findings: "
                      f"{escape(', '.join(f'{k} ×{n}' for k, n in counts.items()))} (--kind {FOLDED_PREFIX})[/dim]")
        else:
            _render_folded(con, review)
        infos: dict[str, list[Finding]] = defaultdict(list)
        for f in fs:
            if f.severity == "info" and not f.kind.startswith(FOLDED_PREFIX):
                infos[f.kind].append(f)
        for kind, items in infos.items():
            if len(items) == 1:
                f = items[0]
                text = f"{(f.project + ': ') if f.project else ''}{f.message}"
            else:
                names = [x.project or (f"line {x.evidence[0].line}" if x.evidence else "") for x in items]
                text = ", ".join(names[:INFO_NAMES_SHOWN])
                text += f" (+{len(names) - INFO_NAMES_SHOWN} more)" if len(names) > INFO_NAMES_SHOWN else ""
            con.print(f"  [dim]info    {kind} ×{len(items)}: {escape(text)}[/dim]")
    counted = findings if counted is None else counted
    if len(counted) > len(findings):
        con.print(f"\n(printed {len(findings)} of {len(counted)} findings: raise --limit, or use --summary)")
    s = summary(counted, n_docs)["by_severity"]
    con.print(f"\n{len(counted)} findings in {n_docs} documents: "
              f"[bold red]{s['error']} errors[/], [yellow]{s['warning']} warnings[/], {s['info']} info"
              + (f" ({dismissed} dismissed)" if (dismissed := sum(f.status == "dismissed" for f in counted)) else ""))


def _render_folded(con: Console, findings: list[Finding]) -> None:
    """Target-quality findings of one document: one line per kind and severity, the first one in full."""
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.kind, f.severity)].append(f)
    for (kind, severity), items in sorted(groups.items(), key=lambda x: -severity_rank(x[0][1])):
        sev = f"[{SEVERITY_STYLE[severity]}]{severity:7}[/]"
        con.print(f"  {sev} {kind} ×{len(items)}")
        for f in items:
            head = f"{(f.project + ': ') if f.project else ''}{f.message}{mark(f)}"
            con.print(f"      {escape(head)}  [dim]{escape(short_cite(f))}[/dim]")


def mark(f: Finding) -> str:
    """`` [dismissed: reason]`` / `` [confirmed]`` after a decided finding's message; its id otherwise nothing."""
    if f.status == "open":
        return ""
    return f" [{f.status}{': ' + f.reason if f.reason else ''}]"

