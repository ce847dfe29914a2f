"""perfkg extract FILE [--json]."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import print_json, run

if TYPE_CHECKING:
    from kg.model import Document


def extract(
    file: Path = typer.Argument(..., help="A disclosure: text (UTF-8, UTF-16 or GB18030), PDF, XLSX/XLS (also "
                                "Excel 2003 XML), DOCX/DOC, HTML/MHT or CSV."),
    as_json: bool = typer.Option(False, "--json", help="Print the records in the gold-schema shape, with provenance."),
    gold_only: bool = typer.Option(False, "--gold-only", help="Print JSON with only the keys of the gold schema "
                                   "(implies --json)."),
    cells: bool = typer.Option(False, "--cells", help="Print the cell grid read from the file (location, then the "
                               "cells tab-separated); with --json the rows as JSON."),
) -> None:
    """Extract one document into typed records.

    Example: perfkg extract data/000_a6aa16080cbf3072.txt --json > 000.json
    """
    if cells:
        from kg.native.view import cells_dict, cells_lines
        from kg.reading import read_source

        src = run(lambda: read_source(file))
        if as_json:
            print_json(cells_dict(src))
        else:
            typer.echo("\n".join(cells_lines(src)))
        return
    from kg.extract import extract_file  # lazy: every parser loads only for this command

    doc = run(lambda: extract_file(file))
    if as_json or gold_only:
        print_json(doc.to_gold_dict() if gold_only else doc.to_dict())
    else:
        render_summary(doc)


def render_summary(doc: Document) -> None:
    from cli.answer import money
    from cli.output import Col, console, print_rows

    con = console()
    con.print(f"{doc.department or '?'} ({doc.department_code or '-'})  {doc.year or '?'} {doc.doc_kind or '?'}  "
              f"layout={doc.layout}  file={doc.source}", markup=False)
    tot = doc.to_gold_dict()["totals"]
    con.print(f"totals: total {money(tot['total'])}, basic {money(tot['basic'])}, project {money(tot['project'])}",
              markup=False)
    print_rows([Col("project"), Col("code", True), Col("amount (元)", True), Col("function", True, drop=1),
                Col("indicators", True, drop=2)],
               [[p.name, p.code, p.to_gold_dict()["amount"], p.function_code, len(p.indicators)]
                for p in doc.projects], con=con)
    con.print(f"{len(doc.department_indicators)} department-wide indicators; {len(doc.warnings)} parse warnings")
    for w in doc.warnings:
        con.print(f"  {w.severity} {w.file}:{w.line or ''} {w.kind}: {w.message}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
