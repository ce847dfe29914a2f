"""The ``perfkg`` console script: one typer app; each command lives in its own module.

``search``, ``trace`` and ``show`` with plain options run without importing typer (:mod:`cli.fast`); every
other command line — and ``--help``, ``--version``, any error in the options — goes to the typer app, built
only then (``cli.main.app`` builds it on first use).
"""

from __future__ import annotations

import os
import sys
from typing import Any


def build_app() -> Any:
    """The typer app with every command registered (their implementations load when a command runs)."""
    import typer

    from cli import audit, export, extract, findings, ingest, links, review, search, show, trace
    from cli.common import markup_mode, plain_help_group, print_version
    from cli.fastparams import install as install_fast_params

    install_fast_params()  # option values converted without importing pydantic (see cli.fastparams)

    app = typer.Typer(
        name="perfkg",
        help="Knowledge graph and search over Chinese budget disclosures (部门预算 / 决算公开).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=markup_mode(),
        cls=plain_help_group(),
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root(
        debug: bool = typer.Option(False, "--debug", help="Show a traceback for errors instead of one line."),
        version: bool = typer.Option(False, "--version", is_eager=True, callback=print_version,
                                     help="Print the version and exit."),
    ) -> None:
        """perfkg: trace every performance target to the project and the money that funds it."""
        if debug:
            os.environ["PERFKG_DEBUG"] = "1"

    for module in (extract, ingest, show, trace, search, audit, review, findings, links, export):
        module.register(app)
    return app


_APP: list[Any] = []


def __getattr__(name: str) -> Any:
    if name == "app":
        if not _APP:
            _APP.append(build_app())
        return _APP[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    from cli.fast import dispatch

    if not dispatch(sys.argv[1:]):
        build_app()()


if __name__ == "__main__":
    main()
