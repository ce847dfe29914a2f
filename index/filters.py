"""Search filters (--dept, --year, --kind, --level, --op, --unit, amounts, --met): their values checked against
the index, and the whoosh query every hit must match (the SQLite engine reads the same values: index.readers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import LCSseq

from index.analysis import query_weights
from index.fuzzy import normalize
from index.fuzzy import score as fuzzy_score
from index.schema import KINDS
from kg.errors import QueryError

if TYPE_CHECKING:  # whoosh loads only for a whoosh index
    from whoosh import query as Q
    from whoosh.searching import Searcher

KIND_FAMILIES = {"indicator": ("indicator", "department_indicator")}
OP_ALIASES = {">=": "≥", "=>": "≥", "≧": "≥", "<=": "≤", "=<": "≤", "≦": "≤", "==": "=", "qualitative": "定性"}
UNIT_ALIASES = {"百分比": "%", "％": "%", "percent": "%"}
SUGGESTIONS = 3  # departments (and names) offered by a "did you mean"


@dataclass
class Filters:
    dept: str | None = None
    year: int | None = None
    kind: str | None = None
    level: str | None = None
    op: str | None = None
    unit: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    met: bool | None = None  # only self-evaluated targets that met (True) / missed (False) their target


def _all_terms(field_name: str, text: str, method: str) -> Q.Query | None:
    from whoosh import query as Q

    ws = query_weights(text, method)
    strong = [t for t, w in ws.items() if w >= 1.0] or list(ws)
    return Q.And([Q.Term(field_name, t) for t in strong]) if strong else None


def department_names(s: Searcher) -> list[str]:
    """Every department name in the index (the terms of the exact ``department`` field)."""
    return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in s.reader().lexicon("department")]


def match_departments(fragment: str, names: list[str]) -> list[str]:
    """Names holding every character of ``fragment`` in order (``外事`` and ``西城外事办`` both find 外事办公室)."""
    frag = normalize(fragment)
    if not frag:
        raise QueryError(f"--dept {fragment!r} has nothing searchable in it")
    hits = [n for n in names if LCSseq.similarity(frag, normalize(n)) == len(frag)]
    if not hits:
        close = sorted(names, key=lambda n: -fuzzy_score(fragment, n))[:SUGGESTIONS]
        raise QueryError(f"--dept {fragment!r} matches no department in the index"
                         + (f"; did you mean: {', '.join(close)}" if close else ""))
    return hits


def index_years(s: Searcher) -> set[int]:
    """Every fiscal year in the index (the full-precision terms of the numeric ``year`` field)."""
    f = s.schema["year"]
    return {f.from_bytes(t) for t in f.sortable_terms(s.reader(), "year")}


def filter_query(f: Filters, method: str, departments: list[str] | None = None,
                 years: set[int] | None = None) -> Q.Query | None:
    """The whoosh query every hit must match; :class:`QueryError` for a filter value that cannot match.

    ``departments``: the index's department names, needed for ``--dept``; ``years``: its years, for ``--year``.
    """
    from whoosh import query as Q

    parts: list[Q.Query] = []
    if f.dept:
        parts.append(Q.Or([Q.Term("department", n) for n in match_departments(f.dept, departments or [])]))
    if f.year is not None:
        check_year(f.year, years)
        parts.append(Q.NumericRange("year", f.year, f.year))
    if f.kind:
        check_kind(f.kind)
        parts.append(Q.Or([Q.Term("kind", k) for k in KIND_FAMILIES.get(f.kind, (f.kind,))]))
    if f.level:
        parts.append(_required(_all_terms("levels", f.level, method), "--level", f.level))
    if f.op:
        parts.append(Q.Term("op", OP_ALIASES.get(f.op.strip(), f.op.strip())))
    if f.unit:
        parts.append(Q.Term("unit", UNIT_ALIASES.get(f.unit.strip(), f.unit.strip())))
    if f.min_amount is not None or f.max_amount is not None:
        parts.append(Q.NumericRange("amount", f.min_amount, f.max_amount))
    if f.met is not None:
        parts.append(Q.Term("met", str(f.met).lower()))
    return Q.And(parts) if parts else None


def check_year(year: int, years: set[int] | None) -> None:
    if years is not None and year not in years:
        raise QueryError(f"--year {year} matches no document in the index"
                         + (f"; years indexed: {', '.join(map(str, sorted(years)))}" if years else ""))


def check_kind(kind: str) -> None:
    if kind not in KINDS and kind not in KIND_FAMILIES:
        raise QueryError(f"--kind {kind!r}: use one of project, indicator, department_indicator, department")


def no_year_message(f: Filters, years: list[int]) -> str:
    return (f"--dept {f.dept!r} has no document of --year {f.year}"
            + (f"; its years: {', '.join(map(str, years))}" if years else ""))


def no_year_of_department(s: Searcher, f: Filters, method: str) -> None:
    """--dept and --year each match, but not together: a user error naming the department's years."""
    names = department_names(s)
    if any(True for _ in s.docs_for_query(filter_query(Filters(dept=f.dept, year=f.year), method, names))):
        return
    dq = filter_query(Filters(dept=f.dept), method, names)
    years = sorted({int(y) for n in s.docs_for_query(dq) if (y := s.stored_fields(n).get("year")) is not None})
    raise QueryError(no_year_message(f, years))


def _required(q: Q.Query | None, option: str, value: str) -> Q.Query:
    if q is None:
        raise QueryError(f"{option} {value!r} has nothing searchable in it")
    return q
