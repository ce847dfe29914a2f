"""The ``perfkg`` console script: one typer app; each command lives in its own module."""

from __future__ import annotations

import os

import typer

from cli import audit, export, extract, findings, ingest, review, search, show, trace

app = typer.Typer(
    name="perfkg",
    help="Knowledge graph and search over Chinese budget disclosures (部门预算 / 决算公开).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show a traceback for errors instead of one line."),
) -> None:
    """perfkg: trace every performance target to the project and the money that funds it."""
    if debug:
        os.environ["PERFKG_DEBUG"] = "1"


for module in (extract, ingest, show, trace, search, audit, review, findings, export):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
