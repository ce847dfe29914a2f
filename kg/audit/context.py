"""A document under audit: its records, where its source text is, and evidence helpers.

Evidence lines come from the records' provenance. When a record carries no line (a document rebuilt
from JSON without provenance), the line is looked up in the source text by the record's own words;
a lookup that finds nothing leaves the line unknown rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kg.audit.findings import Evidence, Finding
from kg.audit.tolerances import squeeze
from kg.errors import PerfkgError
from kg.model import DepartmentIndicator, Document, Figure, Indicator, Project, Provenance
from kg.reading import SourceText, read_source

# Characters of a name used to find its line (long cells are wrapped over several lines in the source).
LOCATE_PREFIX_CHARS = 12
# Quoted evidence text is cut to this many characters.
EVIDENCE_TEXT_MAX = 160

_FORM_HEADING = re.compile(r"项目支出绩效目标(申报)?表$|项目绩效目标表$")
_DEPT_HEADING = re.compile(r"部门整体支出绩效目标(申报)?表$")
HEADING_MAX_CHARS = 40


@dataclass
class AuditDoc:
    """A :class:`Document` plus the path of its source file (None when unknown)."""

    doc: Document
    path: Path | None = None
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def file(self) -> str:
        return self.doc.source or (self.path.name if self.path else "")

    @cached_property
    def source(self) -> SourceText | None:
        """The file read once (its lines for quotes, a native file's rows for the table checks); None when it
        cannot be read."""
        if self.path is None or not self.path.is_file():
            return None
        try:
            return read_source(self.path)
        except PerfkgError:
            return None

    @cached_property
    def lines(self) -> list[str]:
        """The source lines (index 0 is line 1); [] when the file cannot be read."""
        if self._lines is not None:
            return self._lines
        return self.source.lines if self.source is not None else []

    @cached_property
    def squeezed(self) -> list[str]:
        return [squeeze(x) for x in self.lines]

    @cached_property
    def regions(self) -> dict[str, list[tuple[int, int]]]:
        """0-based [start, end) line ranges of the form tables ("form") and department table ("dept")."""
        heads: list[tuple[int, str]] = []
        for i, raw in enumerate(self.lines):
            t = re.sub(r"\s+", "", raw)
            if len(t) > HEADING_MAX_CHARS:
                continue
            if _DEPT_HEADING.search(t):
                heads.append((i, "dept"))
            elif _FORM_HEADING.search(t):
                heads.append((i, "form"))
        out: dict[str, list[tuple[int, int]]] = {"form": [], "dept": []}
        for k, (start, kind) in enumerate(heads):
            end = heads[k + 1][0] if k + 1 < len(heads) else len(self.lines)
            out[kind].append((start, end))
        return out

    def locate(self, needles: list[str | None], region: str | None = None, start: int = 0,
               whole: bool = False) -> int | None:
        """1-based line of the first source line containing every needle (compared squeezed), from ``start``;
        ``whole``: the whole needle, not its first :data:`LOCATE_PREFIX_CHARS` characters, and not inside a longer
        code (a code among codes sharing a prefix is found at its own row)."""
        keys = [squeeze(n) if whole else squeeze(n)[:LOCATE_PREFIX_CHARS] for n in needles if n]
        keys = [k for k in keys if k]
        if not keys or not self.lines:
            return None
        spans = self.regions.get(region or "", []) or [(0, len(self.lines))]
        if whole:  # first as a cell of its own (not inside a longer code), then anywhere
            pats = [re.compile(rf"(?<![0-9A-Za-z]){re.escape(k)}(?![0-9A-Za-z])") for k in keys]
            hit = self._first(spans, start, lambda i: all(p.search(self.lines[i]) for p in pats))
            if hit:
                return hit
        return self._first(spans, start, lambda i: all(k in self.squeezed[i] for k in keys))

    @staticmethod
    def _first(spans: list[tuple[int, int]], start: int, ok: Callable[[int], bool]) -> int | None:
        for lo, end in spans:
            for i in range(max(lo, start), end):
                if ok(i):
                    return i + 1
        return None

    def quote(self, line: int | None, fallback: str = "") -> str:
        if line and 0 < line <= len(self.lines):
            text = " ".join(self.lines[line - 1].split())
        else:
            text = fallback
        return text if len(text) <= EVIDENCE_TEXT_MAX else text[: EVIDENCE_TEXT_MAX - 1] + "…"

    # -- evidence for each kind of record -------------------------------------------------------

    def evidence(self, prov: Provenance | None, needles: list[str | None], region: str | None,
                  fallback: str, table: str | None = None) -> Evidence:
        line = prov.line_start if prov and prov.line_start else None
        end = prov.line_end if line and prov and prov.line_end and prov.line_end != line else None
        if line is None:
            line = self.locate(needles, region)
        loc = prov.loc if prov and prov.loc and line == prov.line_start else None
        return Evidence(self.file, line, (prov.table if prov else None) or table, self.quote(line, fallback),
                        line_end=end, loc=loc)

    def ev_indicator(self, ind: Indicator, project: Project | None = None) -> Evidence:
        fallback = f"{ind.l3 or ''} {ind.op or ''} {ind.value or ''} {ind.unit or ''}".strip()
        needles = [ind.l3 or ind.value, ind.value if ind.l3 else None]
        if ind.provenance and ind.provenance.line_start:
            return self.evidence(ind.provenance, [], "form", fallback)
        anchor = self.locate([project.name], "form") if project else None
        line = (self.locate(needles, "form", anchor - 1) if anchor else None) or self.locate(needles, "form")
        return Evidence(self.file, line, "project target form", self.quote(line, fallback))

    def ev_dept(self, d: DepartmentIndicator) -> Evidence:
        fallback = f"{d.l3 or ''} {d.op or ''} {d.value or ''} {d.unit or ''}".strip()
        needles = [d.l3 or d.value, d.value if d.l3 else None]
        return self.evidence(d.provenance, needles, "dept", fallback, "department-wide target table")

    def ev_project(self, p: Project) -> Evidence:
        """The project's own line: by provenance, else the line with its name and amount, else its name alone."""
        fallback = f"{p.name} {p.amount_text}".strip()
        if p.provenance and p.provenance.line_start:
            return self.evidence(p.provenance, [], None, fallback, "project table")
        line = None
        for amount in _amount_spellings(p):
            line = line or self.locate([p.name, amount])
        name = squeeze(p.name)
        line = line or next((i + 1 for i, s in enumerate(self.squeezed) if s == name), None) or self.locate([p.name])
        return Evidence(self.file, line, "project table", self.quote(line, fallback))

    def ev_figure(self, f: Figure, label: str) -> Evidence:
        return self.evidence(f.provenance, [], None, f"{label} {f.text or f.amount}".strip())

    def ev_line(self, line: int, table: str | None = None) -> Evidence:
        return Evidence(self.file, line, table, self.quote(line))

    def finding(self, kind: str, severity: str, project: str | None, message: str,
                evidence: list[Evidence], /, **values: str | None) -> Finding:
        """A finding about this document; keyword arguments are the compared values (any names)."""
        return Finding(kind, severity, self.doc.department, project, message, evidence, self.file,
                       self.doc.year, dict(values))


def _amount_spellings(p: Project) -> list[str]:
    """How the amount may be printed: 2,000,000.00 元 / 200.000000 万元 / 200 万元 (compared squeezed)."""
    if p.amount is None:
        return []
    wan = p.amount / 10000
    return [f"{p.amount:.2f}", f"{wan:.6f}", f"{wan:.2f}", format(wan.normalize(), "f")]
