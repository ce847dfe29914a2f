"""The library's error hierarchy. The CLI maps :class:`PerfkgError` to exit code 2 and one line on stderr."""

from __future__ import annotations


class PerfkgError(Exception):
    """Base of every error a user can cause (bad input, bad options, missing store …)."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


class InputError(PerfkgError):
    """A file that cannot be read as a text document: missing, binary, empty, undecodable."""


class UnknownLayoutError(PerfkgError):
    """Text that matches none of the known layout families."""


class ParseError(PerfkgError):
    """A document of a known layout that is too broken to yield records."""


class StoreError(PerfkgError):
    """The record store cannot be opened or written."""


class QueryError(PerfkgError):
    """A query that cannot be answered as asked (empty, nonsense, ambiguous without a choice)."""


class NotFoundError(QueryError):
    """A well-formed query that matches nothing in the store (trace and show answer it as status not_found)."""
