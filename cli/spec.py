"""One declarative option list per command, read two ways: it builds the typer command (help, errors, every
unusual input) and it lets :mod:`cli.fast` parse the usual command lines without importing typer or click
(about 75 ms of every ``perfkg search`` / ``trace`` / ``show``; issue 16).

A :class:`Param` says what ``typer.Argument`` / ``typer.Option`` would be given; :func:`typer_command` turns
the implementation (a plain function taking every parameter by keyword) into the function typer registers,
with the same name, docstring and parameters. :func:`parse` takes an argument list and returns the keyword
values typer would pass — or ``None`` for anything it does not take as plainly valid (``--help``, an unknown
option, a missing value, a value typer would reject or convert differently), so that typer answers it with
its own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_INT = re.compile(r"[0-9]+")
_FLOAT = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


class Param:
    """A command parameter: ``decls`` empty for an argument; a ``bool`` option either one flag (``--json``) or
    an on/off pair (``--met/--unmet``); ``default`` ``...`` for a required argument. (A plain class: a
    dataclass costs a millisecond of every start.)"""

    __slots__ = ("decls", "default", "help", "min", "name", "type")

    def __init__(self, name: str, type: type, default: Any, help: str, decls: tuple[str, ...] = (),
                 min: int | None = None):
        self.name, self.type, self.default, self.help, self.decls, self.min = name, type, default, help, decls, min

    @property
    def is_argument(self) -> bool:
        return not self.decls

    def typer_default(self) -> Any:
        import typer

        if self.is_argument:
            return typer.Argument(self.default, help=self.help)
        extra = {"min": self.min} if self.min is not None else {}
        return typer.Option(self.default, *self.decls, help=self.help, **extra)


def typer_command(fn: Callable[..., None], params: Sequence[Param]) -> Callable[..., None]:
    """The function typer registers for ``fn``: same name and docstring, parameters declared by ``params``."""
    import inspect  # ~10 ms: only when the typer app is built

    def command(**kw: Any) -> None:
        fn(**kw)

    command.__name__ = command.__qualname__ = fn.__name__
    command.__doc__ = fn.__doc__
    command.__module__ = fn.__module__
    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p.typer_default(),
                           annotation=p.type) for p in params])
    command.__annotations__ = {p.name: p.type for p in params}
    return command


def _convert(p: Param, raw: str) -> Any:
    """``raw`` as typer converts it for ``p``, or :data:`DOUBT` when typer might answer otherwise."""
    if p.type is str:
        return raw
    if p.type is Path:
        return Path(raw)
    pattern = _INT if p.type is int else _FLOAT if p.type is float else None
    if pattern is None or not pattern.fullmatch(raw):
        return DOUBT
    value = p.type(raw)
    return DOUBT if p.min is not None and value < p.min else value


DOUBT = object()


def _options(params: Sequence[Param]) -> dict[str, tuple[Param, Any]]:
    """Each option spelling → (its parameter, the value a flag sets, or :data:`DOUBT` for a valued option)."""
    out: dict[str, tuple[Param, Any]] = {}
    for p in params:
        for decl in p.decls:
            if p.type is bool:
                on, _, off = decl.partition("/")
                out[on] = (p, True)
                if off:
                    out[off] = (p, False)
            else:
                out[decl] = (p, DOUBT)
    return out


def parse(params: Sequence[Param], argv: Sequence[str]) -> dict[str, Any] | None:
    """The keyword values typer would call the command with for ``argv``, or None (let typer answer)."""
    options = _options(params)
    arguments = [p for p in params if p.is_argument]
    values: dict[str, Any] = {p.name: p.default for p in params}
    given: list[str] = []
    k = 0
    while k < len(argv):
        token = argv[k]
        k += 1
        if token.startswith("-") and token != "-":
            if token not in options:  # --help, -h, --name=value, -n5, --, an unknown option: typer's way
                return None
            p, flag = options[token]
            if flag is not DOUBT:
                values[p.name] = flag
                continue
            if k >= len(argv) or argv[k].startswith("-"):
                return None
            value = _convert(p, argv[k])
            k += 1
            if value is DOUBT:
                return None
            values[p.name] = value
        else:
            given.append(token)
    if len(given) > len(arguments):
        return None
    for p, raw in zip(arguments, given, strict=False):
        value = _convert(p, raw)
        if value is DOUBT:
            return None
        values[p.name] = value
    if any(v is ... for v in values.values()):
        return None
    return values
