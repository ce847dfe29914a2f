"""What every command shares: library errors → one stderr line and an exit code; JSON printing.

Exit codes: 0 ok; 1 the command ran but found what it was asked to fail on (audit --fail-on) or
some files of a batch failed; 2 user error (bad input, bad option, unknown layout, missing store).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from kg.errors import PerfkgError

STORE_HELP = "Store folder. Default: $PERFKG_STORE, else $XDG_DATA_HOME/perfkg (~/.local/share/perfkg)."
# --dept / --year as audit, review and findings take them (one that matches no document is an error).
DEPT_HELP = ("Only this department (part of its name, or its code); one that matches no document is an error with "
             "suggestions.")
YEAR_HELP = "Only documents of this fiscal year (one that no document has is an error)."

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2

T = TypeVar("T")


def debug_enabled() -> bool:
    return os.environ.get("PERFKG_DEBUG", "") not in ("", "0")


def run(fn: Callable[[], T]) -> T:
    """Call into the library; a :class:`PerfkgError` becomes one line on stderr and its exit code (2)."""
    try:
        return fn()
    except PerfkgError as e:
        if debug_enabled():
            raise
        echo_err(f"perfkg: error: {e.one_line()}")
        raise SystemExit(e.exit_code) from None


def echo_err(line: str) -> None:
    """One line on stderr, as ``typer.echo(line, err=True)`` writes it (without importing typer)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


# Help metavars: a word a user recognizes instead of typer's <bool>, {file} or <list[Path]>.
METAVARS = {"store": "DIR", "out": "DIR", "html": "FILE", "file": "FILE", "paths": "[PATH]...", "choice": "N",
            "limit": "N", "jobs": "N", "formats": "FORMAT", "min_amount": "YUAN", "max_amount": "YUAN",
            "fail_on": "SEVERITY", "xlsx": "FILE", "annotate": "DIR", "rules_file": "FILE", "top": "N",
            "disable": "KIND", "severity_of": "KIND=LEVEL", "severity": "SEVERITY", "status": "STATUS",
            "finding_id": "ID", "reason": "TEXT"}


def _plain(p: Any) -> Any:
    """One parameter with a plain metavar: none for a flag, else an upper-case word (also on the usage line)."""
    if getattr(p, "is_flag", False) or getattr(p, "is_bool_flag", False):
        p.metavar = ""
    elif p.metavar is None and p.name:
        p.metavar = METAVARS.get(p.name, p.name.upper())
    word = p.metavar
    p.display_type_rich = lambda ctx: word if getattr(p, "param_type_name", "") == "option" else None
    if getattr(p, "param_type_name", "") == "argument":
        p._usage_display_name = lambda: word if p.required or word.startswith("[") else f"[{word}]"
    return p


def clean_metavars(cmd: Any) -> None:
    """Give every parameter of ``cmd`` (and its help option) a plain metavar (see :func:`_plain`)."""
    for p in getattr(cmd, "params", []):
        _plain(p)
    get_help = getattr(cmd, "get_help_option", None)
    if get_help is not None:
        cmd.get_help_option = lambda ctx: (lambda h: _plain(h) if h is not None else None)(get_help(ctx))


def markup_mode() -> str | None:
    """typer's help and usage-error markup: rich on a terminal; off a terminal (a pipe, a test, a script) plain
    click text, so that ``--help`` in a pipe never imports rich (about 60 ms of every such call)."""
    return "rich" if sys.stdout.isatty() else None


def plain_help_group() -> type:
    """The app's group class: each command's help shows plain metavars (see :func:`clean_metavars`)."""
    from typer.core import TyperGroup

    class Group(TyperGroup):
        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            clean_metavars(self)
            for c in self.commands.values():
                clean_metavars(c)

    return Group


def print_version(value: bool) -> None:
    """``--version``: the installed package's version (the source tree's when not installed)."""
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    import typer

    try:
        v = version("perfkg")
    except PackageNotFoundError:
        v = "0.1.0 (not installed)"
    typer.echo(f"perfkg {v}")
    raise typer.Exit(EXIT_OK)
