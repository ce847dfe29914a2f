"""The answer commands (search, trace, show) without typer: a command line :func:`cli.spec.parse` takes as plainly
valid runs the command's implementation directly; anything else (``--help``, ``--version``, an unknown option,
a bad value, any other command) returns False and typer answers it, so behaviour and messages stay typer's.

What typer would add around a run is done here too: an error's exit code (the implementation raises
``SystemExit``), exit 130 on Ctrl-C, ``Aborted!`` at the end of input, and a quiet exit 1 when the reader of
a pipe goes away.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence

# command → module holding PARAMS (the declarative option list) and the implementation of the same name
COMMANDS = {"search": "cli.search", "trace": "cli.trace", "show": "cli.show"}
DEBUG = "--debug"


def dispatch(argv: Sequence[str]) -> bool:
    """Run ``perfkg ARGV`` here if it is an answer command with plain options; False: let typer run it."""
    from cli.spec import parse

    args = list(argv)
    debug = False
    while args and args[0] == DEBUG:
        debug = True
        args.pop(0)
    if not args or args[0] not in COMMANDS:
        return False
    module = __import__(COMMANDS[args[0]], fromlist=["_"])  # not importlib: -X importtime sees this one
    values = parse(module.PARAMS, args[1:])
    if values is None:
        return False
    if debug:
        os.environ["PERFKG_DEBUG"] = "1"
    _run(lambda: getattr(module, args[0])(**values))
    return True


def _run(fn: object) -> None:
    """Call ``fn`` as typer's standalone mode would (see ``typer.core._main``)."""
    try:
        fn()  # type: ignore[operator]
    except KeyboardInterrupt:
        sys.exit(130)
    except EOFError:
        sys.stderr.write("\nAborted!\n")
        sys.stderr.flush()
        sys.exit(1)
    except OSError as e:
        if e.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
