"""A self-contained HTML audit report: findings with the source lines quoted around each piece of evidence,
and inline SVG bar charts of findings per department and per kind. No scripts, no external files."""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from kg.audit.context import AuditDoc
from kg.audit.findings import SEVERITIES, Evidence, Finding
from kg.errors import InputError

# Source lines quoted before and after each evidence line.
CONTEXT_LINES = 2
# Quoted source lines are cut to this many characters.
QUOTE_MAX_CHARS = 200
COLORS = {"error": "#c0392b", "warning": "#e0a800", "info": "#95a5a6"}
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_WIDTH = 16, 6, 260, 360
# Rows of each scorecard table in the HTML report (the working paper has them all).
SCORECARD_ROWS = 50

CSS = """body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em;max-width:1100px;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2em}.f{margin:.8em 0;padding:.5em .8em;border-left:4px solid #999;
background:#fafafa}.error{border-color:#c0392b}.warning{border-color:#e0a800}.info{border-color:#95a5a6}
.sev{font-weight:bold;text-transform:uppercase;font-size:.8em}.kind{color:#555;font-family:monospace}
pre{background:#fff;border:1px solid #ddd;padding:.4em;overflow-x:auto;font-size:.85em;margin:.3em 0}
.hit{background:#fff3b0;display:block}.cite{font-family:monospace;font-size:.85em;color:#333}
.sc{border-collapse:collapse;font-size:.9em}.sc td,.sc th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
.dec{color:#2c7a2c;font-style:italic}"""


def bar_chart(title: str, counts: dict[str, Counter[str]]) -> str:
    """Horizontal bars, one per label, stacked by severity."""
    if not counts:
        return ""
    top = max(sum(c.values()) for c in counts.values()) or 1
    h = (BAR_HEIGHT + BAR_GAP) * len(counts) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + BAR_WIDTH + 60}" height="{h}" '
             f'role="img" aria-label="{escape(title)}"><text x="0" y="14" font-size="13" font-weight="bold">'
             f"{escape(title)}</text>"]
    for row, (label, c) in enumerate(counts.items()):
        y = 24 + row * (BAR_HEIGHT + BAR_GAP)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" font-size="12" text-anchor="end">'
                     f"{escape(label[:30])}</text>")
        x = LABEL_WIDTH
        for sev in reversed(SEVERITIES):
            w = c.get(sev, 0) * BAR_WIDTH / top
            if w:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" fill="{COLORS[sev]}">'
                             f"<title>{escape(label)}: {c[sev]} {sev}</title></rect>")
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}" font-size="12">{sum(c.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def quote_evidence(e: Evidence, lines: list[str]) -> str:
    """The evidence line with its neighbours, the line itself highlighted; the recorded text when unknown."""
    head = f'<div class="cite">{escape(e.cite())}</div>'
    if not e.line or not lines or e.line > len(lines):
        return head + f"<pre>{escape(e.text)}</pre>"
    lo, hi = max(1, e.line - CONTEXT_LINES), min(len(lines), e.line + CONTEXT_LINES)
    rows = []
    for n in range(lo, hi + 1):
        text = escape(f"{n:>5}  {' '.join(lines[n - 1].split())[:QUOTE_MAX_CHARS]}")
        rows.append(f'<span class="hit">{text}</span>' if n == e.line else text + "\n")
    return head + "<pre>" + "".join(rows) + "</pre>"


def scorecard_html(cards: dict[str, list[dict[str, Any]]]) -> str:
    """The target-quality scorecard as two tables, departments and projects, weakest first."""
    out = ["<h2>Target-quality scorecard</h2>"]
    for title, key, first in (("Departments", "departments", "department"), ("Projects", "projects", "project")):
        out.append(f"<h3>{title} (weakest first)</h3><table class='sc'><tr><th>{first}</th><th>year</th>"
                   "<th>targets</th><th>quantitative</th><th>missing</th><th>serious</th><th>findings by rule</th></tr>")
        for c in cards[key][:SCORECARD_ROWS]:
            rules = ", ".join(f"{k} ×{n}" for k, n in c["findings"].items())
            out.append(f"<tr><td>{escape(c[first] or '')}</td><td>{c['year'] or ''}</td><td>{c['targets']}</td>"
                       f"<td>{c['quantitative_share']:.0%}</td><td>{escape('、'.join(c['missing_categories']))}</td>"
                       f"<td>{c['serious_findings']}</td><td>{escape(rules)}</td></tr>")
        out.append("</table>")
    return "\n".join(out)


def render_html(findings: list[Finding], docs: list[AuditDoc], cards: dict[str, Any] | None = None) -> str:
    lines_of = {ad.file: ad.lines for ad in docs}
    by_dept: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        by_dept[f.department or "?"][f.severity] += 1
        by_kind[f.kind][f.severity] += 1
    sev = Counter(f.severity for f in findings)
    out = ["<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>perfkg audit</title>",
           f"<style>{CSS}</style></head><body><h1>perfkg audit</h1>",
           f"<p>{len(findings)} findings in {len(docs)} documents: {sev['error']} errors, {sev['warning']} "
           f"warnings, {sev['info']} info.</p>",
           bar_chart("Findings per department", dict(sorted(by_dept.items()))),
           bar_chart("Findings per kind", dict(sorted(by_kind.items(), key=lambda kv: -sum(kv[1].values())))),
           scorecard_html(cards) if cards else ""]
    current = None
    for f in findings:
        head = (f.department or "?", f.year, f.file)
        if head != current:
            current = head
            out.append(f"<h2>{escape(head[0])} {head[1] or ''} <small>{escape(f.file)}</small></h2>")
        ev = "".join(quote_evidence(e, lines_of.get(e.file, [])) for e in f.evidence)
        proj = f" — <b>{escape(f.project)}</b>" if f.project else ""
        decided = (f' <span class="dec">[{escape(f.status)}{": " + escape(f.reason) if f.reason else ""}]</span>'
                   if f.status != "open" else "")
        out.append(f'<div class="f {f.severity}" id="{escape(f.id)}"><span class="sev">{f.severity}</span> '
                   f'<span class="kind">{escape(f.kind)}</span>{proj}{decided}<p>{escape(f.message)}</p>{ev}</div>')
    out.append("</body></html>")
    return "\n".join(out)


def write_html(path: Path, findings: list[Finding], docs: list[AuditDoc], cards: dict[str, Any] | None = None) -> None:
    try:
        Path(path).write_text(render_html(findings, docs, cards), encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write the HTML report ({e.strerror or e})", str(path)) from None
