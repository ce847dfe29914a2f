"""What :func:`index.query.search` reads, the same for both engines: entry count, document frequencies,
postings, stored fields, eid → entry number, and the entries passing the filters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from index.filters import (
    KIND_FAMILIES,
    OP_ALIASES,
    UNIT_ALIASES,
    Filters,
    check_kind,
    check_year,
    department_names,
    filter_query,
    index_years,
    match_departments,
    no_year_message,
    no_year_of_department,
)
from index.query import document_number, posting_blocks, strong_query_terms
from kg.errors import QueryError

if TYPE_CHECKING:
    from whoosh.searching import Searcher

    from index.sqlite_engine import SqliteEngine


class Reader(Protocol):
    def doc_count_all(self) -> int: ...

    def doc_frequency(self, field: str, term: str) -> int: ...

    def posting_blocks(self, field: str, term: str) -> Iterator[tuple[int, Sequence[int]]]: ...

    def stored_fields(self, docnum: int) -> dict[str, Any]: ...

    def document_number(self, eid: str) -> int | None: ...

    def stored_many(self, docnums: Sequence[int]) -> list[dict[str, Any]]: ...

    def document_numbers(self, eids: Sequence[str]) -> list[int | None]: ...

    def allowed(self, f: Filters) -> set[int] | None: ...

    def no_year_of_department(self, f: Filters) -> None: ...

    def listing(self, f: Filters) -> list[dict[str, Any]]: ...


class WhooshReader:
    """A whoosh searcher seen through :class:`Reader`."""

    def __init__(self, searcher: Searcher, method: str):
        self.s, self.method, self.r = searcher, method, searcher.reader()

    def doc_count_all(self) -> int:
        return self.r.doc_count_all()

    def doc_frequency(self, field: str, term: str) -> int:
        return self.r.doc_frequency(field, term)

    def posting_blocks(self, field: str, term: str) -> Iterator[tuple[int, Sequence[int]]]:
        return posting_blocks(self.r, field, term)

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        return dict(self.s.stored_fields(docnum))

    def document_number(self, eid: str) -> int | None:
        return document_number(self.r, eid)

    def stored_many(self, docnums: Sequence[int]) -> list[dict[str, Any]]:
        return [self.stored_fields(d) for d in docnums]

    def document_numbers(self, eids: Sequence[str]) -> list[int | None]:
        return [self.document_number(e) for e in eids]

    def _query(self, f: Filters) -> Any:
        return filter_query(f, self.method, department_names(self.s) if f.dept else None,
                            index_years(self.s) if f.year is not None else None)

    def allowed(self, f: Filters) -> set[int] | None:
        fq = self._query(f)
        return set(self.s.docs_for_query(fq)) if fq is not None else None

    def no_year_of_department(self, f: Filters) -> None:
        no_year_of_department(self.s, f, self.method)

    def listing(self, f: Filters) -> list[dict[str, Any]]:
        return [dict(self.s.stored_fields(n)) for n in self.s.docs_for_query(self._query(f))]


class SqliteReader:
    """The sqlite engine seen through :class:`Reader`; filters as :func:`index.query.filter_query` has them."""

    def __init__(self, engine: SqliteEngine, method: str):
        self.e, self.method = engine, method

    def doc_count_all(self) -> int:
        return self.e.doc_count_all()

    def doc_frequency(self, field: str, term: str) -> int:
        return self.e.doc_frequency(field, term)

    def posting_blocks(self, field: str, term: str) -> Iterator[tuple[int, Sequence[int]]]:
        return self.e.posting_blocks(field, term)

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        return self.e.stored_fields(docnum)

    def document_number(self, eid: str) -> int | None:
        return self.e.document_number(eid)

    def stored_many(self, docnums: Sequence[int]) -> list[dict[str, Any]]:
        return self.e.stored_many(docnums)

    def document_numbers(self, eids: Sequence[str]) -> list[int | None]:
        return self.e.document_numbers(eids)

    def _where(self, f: Filters) -> tuple[list[str], list[Any], set[int] | None]:
        where: list[str] = []
        args: list[Any] = []
        levels: set[int] | None = None
        if f.dept:
            names = match_departments(f.dept, self.e.department_names())
            where.append(f"department IN ({','.join('?' * len(names))})")
            args.extend(names)
        if f.year is not None:
            check_year(f.year, self.e.years())
            where.append("year = ?")
            args.append(f.year)
        if f.kind:
            check_kind(f.kind)
            kinds = KIND_FAMILIES.get(f.kind, (f.kind,))
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            args.extend(kinds)
        if f.level:
            terms = strong_query_terms(f.level, self.method)
            if not terms:
                raise QueryError(f"--level {f.level!r} has nothing searchable in it")
            for t in terms:
                ids = self.e.postings("levels", t)
                levels = ids if levels is None else levels & ids
        value_filters(f, where, args, "?")
        return where, args, levels

    def allowed(self, f: Filters) -> set[int] | None:
        where, args, levels = self._where(f)
        if not where and levels is None:
            return None
        if not where:
            return levels
        ids = self.e.select(where, args)
        return ids & levels if levels is not None else ids

    def no_year_of_department(self, f: Filters) -> None:
        if self.allowed(Filters(dept=f.dept, year=f.year)):
            return
        where, args, _ = self._where(Filters(dept=f.dept))
        years = sorted({int(x["year"]) for x in self.e.stored_of(self.e.select(where, args)) if x.get("year")
                        is not None})
        raise QueryError(no_year_message(f, years))

    def listing(self, f: Filters) -> list[dict[str, Any]]:
        ids = self.allowed(f)
        return self.e.stored_of(sorted(ids) if ids is not None else [])


def value_filters(f: Filters, where: list[str], args: list[Any], ph: str) -> None:
    """The filters on a column's value (--op, --unit, --min/--max-amount, --met) as SQL conditions with the
    placeholder ``ph`` (``?`` for SQLite, ``%s`` for PostgreSQL); shared by the SQL engines."""
    if f.op:
        where.append(f"op = {ph}")
        args.append(OP_ALIASES.get(f.op.strip(), f.op.strip()))
    if f.unit:
        where.append(f"unit = {ph}")
        args.append(UNIT_ALIASES.get(f.unit.strip(), f.unit.strip()))
    if f.min_amount is not None:
        where.append(f"amount >= {ph}")
        args.append(f.min_amount)
    if f.max_amount is not None:
        where.append(f"amount <= {ph}")
        args.append(f.max_amount)
    if f.met is not None:
        where.append(f"met = {ph}")
        args.append(str(f.met).lower())
