"""The auditor's decisions on findings: dismissed (a false alarm, with the reason) or confirmed.

A finding's id is a hash of what it is about — kind, department, year, source file name, project and the
compared values — not of line numbers, message wording or the store's row ids, so it is the same after
``ingest --force`` or a parser upgrade that reads the same figures. Findings alike in all of these are
numbered in order (``…-2``). Decisions live beside the store's database in ``decisions.json`` (the store's
records are rebuilt by ingest; decisions must not be).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kg.audit.findings import Finding
from kg.audit.tolerances import squeeze
from kg.decision_files import load_records, save_records
from kg.errors import QueryError

DECISIONS_FILE = "decisions.json"
STATUSES = ("dismissed", "confirmed")
ID_CHARS = 12


@dataclass
class Decision:
    id: str
    status: str
    reason: str | None
    kind: str
    department: str | None
    year: int | None
    file: str
    project: str | None
    message: str
    decided_at: str


def base_id(f: Finding) -> str:
    key = [f.kind, squeeze(f.department), f.year, Path(f.file).name, squeeze(f.project),
           sorted((k, v) for k, v in f.values.items())]
    return hashlib.sha1(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:ID_CHARS]


def assign_ids(findings: list[Finding]) -> list[Finding]:
    """Give each finding its stable id (in place); alike findings get -2, -3 … in report order."""
    seen: dict[str, int] = {}
    for f in findings:
        b = base_id(f)
        seen[b] = seen.get(b, 0) + 1
        f.id = b if seen[b] == 1 else f"{b}-{seen[b]}"
    return findings


def decisions_path(store_dir: Path) -> Path:
    return Path(store_dir) / DECISIONS_FILE


def load_decisions(store_dir: Path) -> dict[str, Decision]:
    return load_records(decisions_path(store_dir), Decision, "decisions")


def save_decisions(store_dir: Path, decisions: dict[str, Decision]) -> None:
    """Write atomically (a temporary file renamed over the old one)."""
    save_records(decisions_path(store_dir), decisions, "decisions")


def apply_decisions(findings: list[Finding], decisions: dict[str, Decision]) -> list[Finding]:
    """Ids assigned, and each decided finding's status and reason set (in place)."""
    for f in assign_ids(findings):
        d = decisions.get(f.id)
        if d:
            f.status, f.reason = d.status, d.reason
    return findings


def decide(store_dir: Path, findings: list[Finding], finding_id: str, status: str,
           reason: str | None) -> Decision:
    """Record a decision on the finding with this id (a unique prefix will do) among ``findings``."""
    if status not in STATUSES:
        raise QueryError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if status == "dismissed" and not (reason or "").strip():
        raise QueryError("a dismissal needs --reason TEXT (why is it a false alarm?)")
    hits = [f for f in assign_ids(findings) if f.id == finding_id] or \
        [f for f in findings if f.id.startswith(finding_id)]
    if len(hits) != 1:
        what = "no finding" if not hits else f"{len(hits)} findings"
        raise QueryError(f"{what} with id {finding_id!r} (ids: perfkg audit --json, or perfkg findings)")
    f = hits[0]
    decisions = load_decisions(store_dir)
    d = Decision(f.id, status, (reason or "").strip() or None, f.kind, f.department, f.year, f.file, f.project,
                 f.message, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    decisions[f.id] = d
    save_decisions(store_dir, decisions)
    return d
