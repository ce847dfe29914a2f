"""Shapes of indicator-table headers met in real forms, beside the ordinary one-row header of :mod:`kg.forms.table`:
a '|' header row broken over lines, long-term and annual columns side by side under the same labels, a header
with no 三级指标 column, and an explanation glued to an indicator's name."""

from __future__ import annotations

from kg.cells.model import Cell, Row
from kg.forms import labels
from kg.forms import vocabulary as vocab


def names_under_l2(keys: list[str]) -> bool:
    """一级指标 / 二级指标 / … / 指标值 with no 三级指标 header (the 二级 header spans the names' column too): read
    as a stream, each name follows its category."""
    return "l3" not in keys and "l2" in keys and "value" in keys and len(set(keys)) >= vocab.HEADER_MIN_COLUMNS


def broken_header_line(row: Row) -> bool:
    """A line of a '|' header row broken at its cells' line breaks: two cells at most, each a column label."""
    return row.separator == "pipe" and len(row.filled) <= 2 and all(
        labels.match(c.text, "column", fuzzy=False) or labels.is_frame(c.text) for c in row.filled)


_LONG_OF = {"l2": "l2_long", "l3": "l3_long", "value": "value_long"}


def long_before_annual(keys: list[str]) -> list[str]:
    """Long-term and annual columns side by side with the same labels (二级 三级 指标值 | 二级 三级 计划指标值):
    the first of each repeated column is the long-term one."""
    if any(k.endswith("_long") for k in keys):
        return keys
    out = list(keys)
    for key, long in _LONG_OF.items():
        at = [n for n, k in enumerate(keys) if k == key]
        if len(at) == 2:
            out[at[0]] = long
    return out


def broken_row_columns(rows: list[Row], used: list[int], run: list[tuple[int, Cell, str]]) -> list[int] | None:
    """A '|' header row broken over several lines (a cell's line break copied into the text), the table's rows
    below it whole: each header cell's column counted across its lines, else None."""
    nxt = next((r for r in rows[used[-1] + 1:used[-1] + 4] if r.filled), None)
    if nxt is None or nxt.separator != "pipe" or any(rows[ri].separator != "pipe" for ri in used) or \
            len(nxt.filled) < len(run) - 1 or used != list(range(used[0], used[-1] + 1)):
        return None
    col_of: dict[tuple[int, int], int] = {}
    n = 0
    for ri in used:
        for c in rows[ri].filled:
            col_of[(ri, c.col)] = n
            n += 1
    return [col_of[(ri, c.col)] for ri, c, _ in run]


def without_note(text: str) -> str:
    """A name with its explanation glued on (办公大楼日常维修维护次数反映办公大楼全年维修维护情况) → the name."""
    for opener in vocab.NOTE_OPENERS:
        at = text.find(opener)
        if at >= 2:
            return text[:at]
    return text
