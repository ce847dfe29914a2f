"""``perfkg trace --batch FILE`` and ``perfkg search --batch FILE``: one query per line (blank lines and lines
starting with ``#`` skipped), one output row per (query, answer) as CSV (default) or JSON Lines (``--json``).

Columns (:data:`BATCH_COLS`): query, status, n (the answer's rank; empty when nothing matched), kind, project,
code, amount, department, year, file, line, match (the matching target or text), score. A query that matches
nothing still gets one row (status ``not_found``), so every line of the working paper is accounted for.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cli.answer import target_text
from kg.errors import InputError, QueryError

BATCH_COLS = ("query", "status", "n", "kind", "project", "code", "amount", "department", "year", "file", "line",
              "match", "score")
CITE = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?:-\d+)?$")


def read_queries(path: Path) -> list[str]:
    """The queries of a batch file; :class:`InputError` naming the file when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the batch file ({getattr(e, 'strerror', None) or e})", str(path)) from None
    return [q.strip() for q in text.splitlines() if q.strip() and not q.lstrip().startswith("#")]


def split_cite(cite: str | None) -> tuple[str | None, int | None]:
    if not cite:
        return None, None
    m = CITE.match(cite)
    return (m["file"], int(m["line"])) if m else (cite, None)


def _row(query: str, status: str, **kw: Any) -> dict[str, Any]:
    return {k: kw.get(k) for k in BATCH_COLS} | {"query": query, "status": status}


def trace_rows(query: str, result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The rows of one trace answer: one per trace (project, or classification's project)."""
    traces = result.get("traces") or []
    if not traces:
        yield _row(query, result["status"])
        return
    for n, t in enumerate(traces, 1):
        items = t["projects"] if t.get("kind") == "classification" else [t]
        for it in items:
            p = it.get("project") or {}
            m = (it.get("matched") or [{}])[0]
            file, line = split_cite(m.get("cite") or p.get("cite"))
            yield _row(query, result["status"], n=n, kind=t.get("kind"), project=p.get("name"), code=p.get("code"),
                       amount=it.get("amount_under_code") or p.get("amount"),
                       department=(it.get("department") or {}).get("name"), year=(it.get("document") or {}).get("year"),
                       file=file, line=line, match=target_text(m) if m else None, score=t.get("score"))


def search_rows(query: str, hits: list[Any]) -> Iterator[dict[str, Any]]:
    if not hits:
        yield _row(query, "not_found")
        return
    for n, h in enumerate(hits, 1):
        d = h.to_dict()
        yield _row(query, "ok", n=n, kind=d.get("kind"), project=d.get("project") or d.get("name"),
                   code=d.get("code"), amount=d.get("amount"), department=d.get("department"), year=d.get("year"),
                   file=d.get("file"), line=d.get("line"), match=d.get("text") or d.get("name"), score=d.get("score"))


def run_batch(queries: Iterable[str], answer: Callable[[str], Iterable[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Rows of every query; a query the lookup refuses (e.g. too short) gets a row with its reason."""
    for q in queries:
        try:
            yield from answer(q)
        except QueryError as e:
            yield _row(q, "error", match=e.message)


def write_rows(rows: Iterable[dict[str, Any]], as_json: bool, out: Any = None) -> int:
    """CSV (header first) or JSON Lines on ``out`` (stdout); returns the number of rows."""
    out = out or sys.stdout
    n = 0
    writer = None if as_json else csv.DictWriter(out, fieldnames=BATCH_COLS, lineterminator="\n")
    if writer:
        writer.writeheader()
    for r in rows:
        if writer:
            writer.writerow(r)
        else:
            out.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n
