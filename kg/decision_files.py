"""Decision files kept beside the store (the auditor's decisions on findings, on inferred links): a JSON list of
records with an ``id``, read into a dict and written atomically (a temporary file renamed over the old one)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import InputError

T = TypeVar("T")


def load_records(path: Path, make: type[T], what: str) -> dict[str, T]:
    """``{id: make(**row)}`` from the file at ``path`` ({} when there is none); a bad file is an InputError."""
    if not path.is_file():
        return {}
    try:
        return {r["id"]: make(**r) for r in json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise InputError(f"cannot read the {what} ({e})", str(path)) from None


def save_records(path: Path, records: dict[str, Any], what: str) -> None:
    """The records sorted by id, written atomically."""
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps([asdict(d) for d in sorted(records.values(), key=lambda d: d.id)],
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(f"cannot write the {what} ({e.strerror or e})", str(path)) from None
