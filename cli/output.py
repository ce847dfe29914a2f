"""How commands print rows: a table on a terminal, plain lines in a pipe, CSV or TSV on request.

Nothing is ever cut short: on a terminal, name-like columns wrap, columns that must stay whole (amounts,
codes, citations, years) keep their full width, and when the table still does not fit, the columns marked
droppable go first, then each row is printed as a block of ``column: value`` lines. When stdout is not a
terminal (a pipe, a file), rows are plain aligned lines without box characters or colour, never wrapped.
``--csv`` / ``--tsv`` write a header and one row per line for csvkit, sqlite-utils or a spreadsheet.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.errors import QueryError

if TYPE_CHECKING:
    from rich.console import Console

# Width of the console when stdout is not a terminal: wide enough that rich never wraps or crops a line.
PIPE_WIDTH = 100_000
# A wrapping column is never squeezed below this many cells (or its header's width, if smaller).
MIN_WRAP_WIDTH = 8
# Cells rich adds around each column (padding and the vertical rule) and once for the outer border.
COLUMN_OVERHEAD, TABLE_OVERHEAD = 3, 1
# Two spaces between the columns of plain lines.
PLAIN_GAP = "  "
CSV_HELP = "Print CSV (a header, then one row per line) instead of text."
TSV_HELP = "Print tab-separated values (a header, then one row per line) instead of text."


@dataclass(frozen=True)
class Col:
    """A column: its header, whether its values must stay whole (amounts, codes, citations) and, for a
    terminal too narrow for every column, its drop rank (0 never dropped; higher ranks are dropped first)."""

    name: str
    whole: bool = False
    drop: int = 0


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console() -> Console:
    """A rich console for stdout: the terminal's own, else one that never wraps, crops or colours — printed
    without importing rich where that gives the same text (:class:`cli.plain.PlainConsole`)."""
    if not is_terminal() and _plain_pipe():
        from cli.plain import PlainConsole

        return PlainConsole(PIPE_WIDTH)  # type: ignore[return-value]
    from rich.console import Console

    if is_terminal():
        return Console()
    return Console(width=PIPE_WIDTH, no_color=True, highlight=False)


def _plain_pipe() -> bool:
    """rich's pipe console prints plain UTF-8 text: no variable that makes rich colour a pipe, a UTF encoding."""
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    return encoding.startswith("utf") and not {"FORCE_COLOR", "TTY_COMPATIBLE"} & set(os.environ)


def table_format(as_csv: bool, as_tsv: bool, as_json: bool = False) -> str:
    """``text``, ``csv`` or ``tsv`` from the options; two of --csv, --tsv and --json is a user error."""
    if sum((as_csv, as_tsv, as_json)) > 1:
        raise QueryError("choose one of --csv, --tsv and --json")
    return "csv" if as_csv else "tsv" if as_tsv else "text"


def cell(value: Any) -> str:
    """A value as a table cell: None is empty, lists are joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


def write_delimited(cols: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    """A header and the rows as CSV (RFC 4180 quoting) or TSV (tabs and line breaks inside a value become spaces)."""
    if fmt == "csv":
        import csv

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(cols)
        w.writerows([cell(v) for v in row] for row in rows)
        return
    for row in [cols, *rows]:
        sys.stdout.write("\t".join(" ".join(cell(v).split()) if cell(v).strip() else "" for v in row) + "\n")


def plain_lines(cols: Sequence[Col], rows: Sequence[Sequence[Any]]) -> list[str]:
    """Header and rows as aligned columns (East Asian characters count two cells); the last column unpadded."""
    from rich.cells import cell_len

    texts = [[c.name for c in cols], *[[" ".join(cell(v).split()) for v in row] for row in rows]]
    widths = [max(cell_len(r[k]) for r in texts) for k in range(len(cols))]
    out = []
    for r in texts:
        parts = [t + " " * (widths[k] - cell_len(t)) for k, t in enumerate(r[:-1])] + [r[-1]]
        out.append(PLAIN_GAP.join(parts).rstrip())
    return out


def _natural(cols: Sequence[Col], rows: Sequence[Sequence[str]]) -> list[int]:
    from rich.cells import cell_len

    return [max([cell_len(c.name), *(max((cell_len(x) for x in r[k].split("\n")), default=0) for r in rows)])
            for k, c in enumerate(cols)]


def fit_columns(cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Indexes of the columns to show on a terminal ``width`` cells wide (droppable ones removed, highest drop
    rank first, until the whole columns at full width and the wrapping ones at their minimum fit), or None
    when even the columns that cannot be dropped do not fit."""
    natural = _natural(cols, rows)
    keep = list(range(len(cols)))

    def need(ks: list[int]) -> int:
        return TABLE_OVERHEAD + sum(COLUMN_OVERHEAD + (natural[k] if cols[k].whole else
                                                       min(natural[k], MIN_WRAP_WIDTH)) for k in ks)

    for rank in sorted({c.drop for c in cols if c.drop}, reverse=True):
        if need(keep) <= width:
            break
        keep = [k for k in keep if cols[k].drop != rank]
    return keep if need(keep) <= width else None


def print_rows(cols: Sequence[Col], rows: Sequence[Sequence[Any]], fmt: str = "text",
               con: Console | None = None, title: str | None = None) -> None:
    """Print ``rows`` under ``cols`` as ``fmt`` (text, csv or tsv); a text ``title`` goes on the line above."""
    if fmt in ("csv", "tsv"):
        write_delimited([c.name for c in cols], rows, fmt)
        return
    con = con or console()
    if title:
        con.print(title)
    texts = [[cell(v) for v in row] for row in rows]
    if not is_terminal() or con.width >= PIPE_WIDTH:
        for line in plain_lines(cols, texts):
            con.print(line, markup=False, highlight=False)
        return
    keep = fit_columns(cols, texts, con.width)
    if keep is None:
        _print_blocks(con, cols, texts)
        return
    from rich.table import Table

    table = Table()
    natural = _natural(cols, texts)
    for k in keep:
        c = cols[k]
        if c.whole:
            table.add_column(c.name, no_wrap=True, min_width=natural[k])
        else:
            table.add_column(c.name, overflow="fold")
    for row in texts:
        table.add_row(*(_literal(row[k]) for k in keep))
    con.print(table)
    dropped = [cols[k].name for k in range(len(cols)) if k not in keep]
    if dropped:
        con.print(f"(not shown at this width: {', '.join(dropped)}; --csv or a pipe prints every column)")


def _print_blocks(con: Console, cols: Sequence[Col], rows: Sequence[Sequence[str]]) -> None:
    """Each row as ``column: value`` lines (a terminal too narrow for any table); rich wraps long values."""
    for n, row in enumerate(rows, 1):
        con.print(f"{n}.", markup=False)
        for c, v in zip(cols, row, strict=True):
            if v:
                con.print(f"  {c.name}: {v}", markup=False, highlight=False)


def _literal(text: str) -> Any:
    from rich.text import Text

    return Text(text)


def print_records(rows: list[dict], fields: tuple[str, ...], cols: tuple[Col, ...], fmt: str, noun: str) -> None:
    """Records as CSV/TSV (every field) or, on text, the table of ``cols`` and a closing count of ``noun``."""
    if fmt != "text":
        print_rows([Col(k) for k in fields], [[r[k] for k in fields] for r in rows], fmt)
        return
    con = console()
    print_rows(cols, [[r[c.name] for c in cols] for r in rows], fmt, con)
    con.print(f"{len(rows)} {noun}", markup=False)
