"""Header rows of a table, aligned before their columns are read."""

from __future__ import annotations

from kg.tables.vocab import squeeze


def spread_merged_label(grid: list[list[str]]) -> list[list[str]]:
    """A header row one cell short whose first cell is a label spanning two columns (科目 over 科目编码 | 科目名称 in
    the row below, printed one cell a line as in seed 001): an empty cell is put after it, so the row's other words
    (合计, 上年结转, …) sit over their own columns. Only when the row below names both columns under that label."""
    width = max((len(r) for r in grid), default=0)
    out = [list(r) for r in grid]
    for i, row in enumerate(out[:-1]):
        filled = len(row) - next((k for k, x in enumerate(reversed(row)) if x.strip()), len(row))
        label = squeeze(row[0]) if row else ""
        below = next((r for r in out[i + 1:] if len(r) >= 2 and r[0].strip() and r[1].strip()), None)
        if not label or filled != width - 1 or below is None:
            continue
        if squeeze(below[0]).startswith(label) and squeeze(below[1]).startswith(label) and row[1:2] != [""]:
            out[i] = [row[0], "", *row[1:width - 1]]
    return out
