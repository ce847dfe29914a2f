"""Option values without pydantic: typer (0.29) converts every parameter value through a pydantic
``TypeAdapter``, which costs every command run about 0.15 s (importing pydantic, then one adapter per
parameter) — more than a whole ``perfkg search`` needs otherwise.

:func:`install` wraps typer's ``build_runtime_param``: the plain annotations perfkg uses (``str``, ``bool``,
``int``, ``float``, ``Path`` and lists of them, with no custom parser) get a converter in a few lines of
Python; any value it does not take as obviously valid (a non-numeric ``--limit``, a ``--pick 0`` below its
``min`` …) and every other annotation go to typer's own pydantic path, built only then, so error messages
stay typer's word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_SIMPLE = (str, bool, int, float, Path)


def _plain_path_info(info: Any) -> bool:
    return (info.path_type is None and not info.resolve_path and not info.allow_dash and info.parser is None)


@dataclass(frozen=True)
class _Fast:
    """A typer RuntimeParam stand-in: ``coerce`` as typer's, a fast ``_coerce_value``, pydantic on doubt."""

    descriptor: Any
    leaf: type
    many: bool
    slow_param: list[Any] = field(default_factory=list, compare=False)

    @property
    def parameter_info(self) -> Any:
        return self.descriptor.parameter_info

    @property
    def annotation(self) -> Any:
        return self.descriptor.annotation

    def _slow(self) -> Any:
        if not self.slow_param:
            from typer._coercion import build_runtime_param

            self.slow_param.append(_original(build_runtime_param)(self.descriptor))
        return self.slow_param[0]

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        from typer._coercion import RuntimeParam

        return RuntimeParam.coerce(self, value, param, ctx)  # type: ignore[arg-type]

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.many:
            if isinstance(value, list | tuple):
                out = [self._one(v, param, ctx) for v in value]
                if all(o is not _DOUBT for o in out):
                    return out
            return self._slow()._coerce_value(value, param, ctx)
        got = self._one(value, param, ctx)
        return self._slow()._coerce_value(value, param, ctx) if got is _DOUBT else got

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        t, info = self.leaf, self.parameter_info
        if t is str:
            return value if isinstance(value, str) else _DOUBT
        if t is bool:
            return value if isinstance(value, bool) else _DOUBT
        if t is Path:
            if not isinstance(value, str | Path):
                return _DOUBT
            from typer._param_types import coerce_cli_path

            return coerce_cli_path(Path(value), info, path_type=None, param=param, ctx=ctx)
        if isinstance(value, str):
            if not (_INT if t is int else _FLOAT).fullmatch(value.strip()):
                return _DOUBT
            number: Any = t(value.strip())
        elif type(value) is t:
            number = value
        else:
            return _DOUBT
        if info.clamp or (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
            return _DOUBT
        return number


_DOUBT = object()


def _leaf(descriptor: Any) -> tuple[type, bool] | None:
    """(the element type, is a list) when perfkg's fast converter handles the annotation, else None."""
    info, ann = descriptor.parameter_info, descriptor.annotation
    if descriptor.file_annotation is not None or not _plain_path_info(info):
        return None
    many = get_origin(ann) is list
    if many:
        args = get_args(ann)
        if len(args) != 1:
            return None
        ann = args[0]
    return (ann, many) if ann in _SIMPLE else None


def _original(fn: Any) -> Any:
    return getattr(fn, "__wrapped_by_perfkg__", fn)


def install() -> None:
    """Route typer's parameter conversion through :class:`_Fast` where it applies (idempotent)."""
    import typer.core

    original = _original(typer.core.build_runtime_param)

    def build_runtime_param(descriptor: Any) -> Any:
        leaf = _leaf(descriptor)
        return original(descriptor) if leaf is None else _Fast(descriptor, *leaf)

    build_runtime_param.__wrapped_by_perfkg__ = original  # type: ignore[attr-defined]
    typer.core.build_runtime_param = build_runtime_param  # type: ignore[assignment]
