"""Which documents an audit reads: files and folders (going on past a bad file), and the --dept / --year choice.

A ``--dept`` or ``--year`` that matches no document is a user error with a "did you mean", never an audit of
nothing that passes: ``audit --dept 城市管里 --fail-on error`` must not exit 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError, PerfkgError, QueryError

# Names offered after "did you mean".
SUGGESTIONS = 3
# Least fuzzy score (0-100) of a name offered as a suggestion.
SUGGEST_MIN = 40.0


@dataclass(frozen=True)
class Head:
    """What the --dept / --year choice reads of a document."""

    department: str | None
    code: str | None
    year: int | None


@dataclass
class Failure:
    """A file the audit could not read: its path and the one-line reason."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "reason": self.reason}


@dataclass
class Sources:
    """The files an audit extracts (in doc_id order) and those it could not read."""

    files: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def dept_matches(dept: str | None, head: Head) -> bool:
    """``--dept``: part of the department's name, or its code."""
    return not dept or dept in (head.department or "") or dept == (head.code or "")


def did_you_mean(value: str, names: Iterable[str]) -> list[str]:
    """The names closest to ``value`` (characters in order, then similarity), best first."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import LCSseq

    def score(n: str) -> float:
        return 70 * LCSseq.similarity(value, n) / max(len(value), 1) + 0.3 * fuzz.ratio(value, n)

    ranked = sorted({n for n in names if n}, key=lambda n: (-score(n), n))
    return [n for n in ranked if score(n) >= SUGGEST_MIN][:SUGGESTIONS]


def check_choice(dept: str | None, year: int | None, heads: Sequence[Head], where: str) -> None:
    """Raise :class:`QueryError` when ``--dept`` or ``--year`` (or the two together) match no document of
    ``heads``; ``where`` names what was searched ("the store", "the files given")."""
    if not heads:
        return
    if dept and not any(dept_matches(dept, h) for h in heads):
        close = did_you_mean(dept, [h.department or "" for h in heads])
        raise QueryError(f"--dept {dept!r} matches no department in {where}"
                         + (f"; did you mean: {', '.join(close)}" if close else ""))
    years = sorted({h.year for h in heads if h.year is not None})
    if year is not None and year not in years:
        raise QueryError(f"--year {year} matches no document in {where}"
                         + (f"; years: {', '.join(map(str, years))}" if years else "; no document states a year"))
    if dept and year is not None and not any(dept_matches(dept, h) and h.year == year for h in heads):
        own = sorted({h.year for h in heads if dept_matches(dept, h) and h.year is not None})
        raise QueryError(f"--dept {dept!r} has no document of --year {year}"
                         + (f"; its years: {', '.join(map(str, own))}" if own else ""))


def scan_sources(paths: Iterable[Path]) -> Sources:
    """Files named and the .txt files under folders (recursively, as ingest finds them). A path that does
    not exist is a user error; a folder without documents too; a folder or file that cannot be listed is a
    failure and the audit goes on."""
    from kg.ingest import scan

    paths = list(paths)
    found = scan(paths)
    failures = [Failure(r.doc_id, r.reason or r.doc_id) for r in found.problems if r.status == "failed"]
    if not found.files and not failures:
        raise InputError("no .txt documents here", ", ".join(map(str, paths)))
    return Sources(list(found.files), failures)


def failure_of(path: Path, error: PerfkgError) -> Failure:
    """A file that could not be extracted: the error's one line (it names the file and, where known, the line)."""
    line = error.one_line()
    return Failure(str(path), line if str(path) in line or error.file else f"{path}: {line}")
