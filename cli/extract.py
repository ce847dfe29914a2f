"""perfkg extract FILE [--json]."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import print_json, run

if TYPE_CHECKING:
    from kg.model import Document


def extract(
    file: Path = typer.Argument(..., help="A disclosure: text (UTF-8, UTF-16 or GB18030), PDF, XLSX/XLS, DOCX, "
                                "HTML or CSV."),
    as_json: bool = typer.Option(False, "--json", help="Print the records in the gold-schema shape, with provenance."),
    gold_only: bool = typer.Option(False, "--gold-only", help="With --json: only the keys of the gold schema."),
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
    if as_json:
        print_json(doc.to_gold_dict() if gold_only else doc.to_dict())
    else:
        render_summary(doc)


def render_summary(doc: Document) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"[bold]{doc.department or '?'}[/bold] ({doc.department_code or '-'})  "
              f"{doc.year or '?'} {doc.doc_kind or '?'}  layout={doc.layout}  file={doc.source}")
    tot = doc.to_gold_dict()["totals"]
    con.print(f"totals (元): total={tot['total']}  basic={tot['basic']}  project={tot['project']}")
    table = Table("project", "code", "amount (元)", "function", "indicators")
    for p in doc.projects:
        table.add_row(p.name, p.code or "", p.to_gold_dict()["amount"] or "", p.function_code or "",
                      str(len(p.indicators)))
    con.print(table)
    con.print(f"{len(doc.department_indicators)} department-wide indicators; {len(doc.warnings)} parse warnings")
    for w in doc.warnings:
        con.print(f"  [yellow]{w.severity}[/yellow] {w.file}:{w.line or ''} {w.kind}: {w.message}")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
