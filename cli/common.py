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

import typer

from kg.errors import PerfkgError

STORE_HELP = "Store folder. Default: $PERFKG_STORE, else $XDG_DATA_HOME/perfkg (~/.local/share/perfkg)."

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2

T = TypeVar("T")


def debug_enabled() -> bool:
    return os.environ.get("PERFKG_DEBUG", "") not in ("", "0")


def run(fn: Callable[[], T]) -> T:
    """Call into the library; a :class:`PerfkgError` becomes one line on stderr and exit code 2."""
    try:
        return fn()
    except PerfkgError as e:
        if debug_enabled():
            raise
        typer.echo(f"perfkg: error: {e.one_line()}", err=True)
        raise typer.Exit(e.exit_code) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
