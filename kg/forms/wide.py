"""One wide table of many projects: 项目名称 / 资金总额 / 年度绩效目标 are columns beside the indicator columns,
filled on each project's first row only (merged cells in the source). Each non-empty 项目名称 cell starts a
form; the indicator cells of its rows are read by the header as in :mod:`kg.forms.table`."""

from __future__ import annotations

from kg.cells.model import Row
from kg.forms import labels
from kg.forms.form import FieldHit, Form, IndicatorRow
from kg.forms.table import ROW_SEPARATORS, Header, _column_key, _ends_table, _fill_levels, _map_row, _qualifies

# Field columns a wide table may carry (the rest of its columns are the indicator table's).
FIELD_COLUMNS = frozenset({"name", "code", "amount_total", "amount_year", "fiscal", "goal_year", "goal_long",
                           "department", "implementing_unit", "category", "owner"})


def find_wide_header(rows: list[Row]) -> tuple[int, dict[int, tuple[str, str | None]], Header] | None:
    """(row index, field columns {col: (key, unit)}, indicator header) of a wide table's header row."""
    for ri, row in enumerate(rows):
        if row.separator not in ROW_SEPARATORS or len(row.filled) < 5:
            continue
        fields: dict[int, tuple[str, str | None]] = {}
        keys, cols, xs = [], [], []
        for cell in row.filled:
            f = labels.match(cell.text, "field", fuzzy=False)
            ck = _column_key(cell.text)
            if f is not None and f.key in FIELD_COLUMNS and ck is None:
                fields[cell.col] = (f.key, f.unit)
            elif ck is not None:
                keys.append(ck[0])
                cols.append(cell.col)
                xs.append(cell.x)
        if any(k == "name" for k, _ in fields.values()) and _qualifies(keys):
            return ri, fields, Header(keys, cols, xs, True, 0, ri)
    return None


def read_wide(rows: list[Row], money_unit: str | None) -> list[Form]:
    found = find_wide_header(rows)
    if found is None:
        return []
    at, field_cols, header = found
    forms: list[Form] = []
    state: dict[str, str | None] = {"l1": None, "l2": None, "l1_long": None, "l2_long": None}
    form: Form | None = None
    unit = next((u for _, u in field_cols.values() if u), None) or money_unit
    for row in rows[at + 1:]:
        if not row.filled:
            continue
        if _ends_table(row, form or Form(row.line, row.line)):
            if sum(1 for c in row.filled if _column_key(c.text)) >= 3:
                continue  # the header printed again
            break
        by_col = {c.col: c for c in row.cells if c.text}
        name_col = next(col for col, (k, _) in field_cols.items() if k == "name")
        if name_col in by_col:
            form = Form(row.line, row.line, money_unit=unit, columns=list(header.keys))
            forms.append(form)
            state = {k: None for k in state}
            for col, (key, u) in field_cols.items():
                if col in by_col:
                    form.fields[key] = FieldHit(key, by_col[col].text, row.line, u or unit, 0, by_col[col])
        if form is None:
            continue
        vals = _map_row(row, header)
        _fill_levels(vals, state)
        form.line_end = row.line_end or row.line
        if vals.get("l3") or vals.get("value"):
            full = {**{k: v for k, v in state.items() if v}, **vals}
            form.indicators.append(IndicatorRow(full, row.line, row.line_end or row.line, None, row.joined()))
    return forms
