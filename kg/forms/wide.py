"""One wide table of many projects: 项目名称 / 资金总额 / 年度绩效目标 are columns beside the indicator columns,
filled on each project's first row only (merged cells in the source). Each non-empty 项目名称 cell starts a
form; the indicator cells of its rows are read by the header as in :mod:`kg.forms.table`."""

from __future__ import annotations

from kg.cells.model import Row
from kg.forms import labels
from kg.forms import vocabulary as vocab
from kg.forms.blocks import split_centred
from kg.forms.form import FieldHit, Form, IndicatorRow
from kg.forms.packed import is_packed, unpack
from kg.forms.table import (
    ROW_SEPARATORS,
    Header,
    _anchor_shift,
    _column_key,
    _ends_table,
    _fill_levels,
    _header_follows,
    _map_row,
    _qualifies,
)

# Field columns a wide table may carry (the rest of its columns are the indicator table's).
FIELD_COLUMNS = frozenset({"name", "code", "amount_total", "amount_year", "fiscal", "goal_year", "goal_long",
                           "department", "implementing_unit", "category", "owner"})


# Headers of a column that packs all of a project's indicators into one cell (:mod:`kg.forms.packed`).
PACKED_HEADERS = frozenset({"绩效指标", "绩效指标及指标值", "绩效目标指标"})
# Rows of a wide table that total it rather than name a project.
TOTAL_NAMES = frozenset({"合计", "总计", "小计", "合 计"})


def find_wide_header(rows: list[Row]) -> tuple[int, dict[int, tuple[str, str | None]], Header] | None:
    """(row index, field columns {col: (key, unit)}, indicator header) of a wide table's header: one row, or two
    (项目名称 … 绩效指标 over 一级指标 二级指标 …, the second filling the first's spanned columns)."""
    for ri, row in enumerate(rows):
        if row.separator not in ROW_SEPARATORS or len(row.filled) < 3:
            continue
        cells = list(row.filled)
        nxt = rows[ri + 1] if ri + 1 < len(rows) else None
        if nxt is not None and nxt.separator == row.separator and row.separator != "spaces" and \
                len(nxt.filled) >= 3 and all(_column_key(c.text) for c in nxt.filled):
            below = {c.col for c in nxt.filled}  # the second row's headers replace a spanning one above them
            cells = [c for c in cells if c.col not in below] + list(nxt.filled)
        found = _header_of(cells, ri + (1 if len(cells) > len(row.filled) else 0))
        if found is not None:
            return found
    return None


def _header_of(cells: list, at: int) -> tuple[int, dict[int, tuple[str, str | None]], Header] | None:
    if len(cells) < 5:
        return None
    fields: dict[int, tuple[str, str | None]] = {}
    keys, cols, xs = [], [], []
    for cell in sorted(cells, key=lambda c: c.col):
        f = labels.match(cell.text, "field", fuzzy=False)
        ck = _column_key(cell.text)
        wide_only = vocab.WIDE_FIELD_LABELS.get(labels.canon(cell.text))
        if f is not None and f.key in FIELD_COLUMNS and ck is None:
            fields[cell.col] = (f.key, f.unit)
        elif wide_only is not None and ck is None:
            fields[cell.col] = (wide_only, None)
        elif ck is not None:
            keys.append(ck[0])
            cols.append(cell.col)
            xs.append(cell.x)
    if any(k == "name" for k, _ in fields.values()) and _qualifies(keys):
        return at, fields, Header(keys, cols, xs, True, 0, at)
    packed = [c.col for c in cells if labels.canon(c.text) in PACKED_HEADERS]
    if any(k == "name" for k, _ in fields.values()) and packed and not keys:
        return at, fields, Header(["packed"], packed[:1], [None], True, 0, at)  # indicators packed in one cell
    return None


def read_wide(rows: list[Row], money_unit: str | None,
              found: tuple[int, dict[int, tuple[str, str | None]], Header] | None = None) -> list[Form]:
    found = found or find_wide_header(rows)
    if found is None:
        return []
    at, field_cols, header = found
    forms: list[Form] = []
    state: dict[str, str | None] = {"l1": None, "l2": None, "l1_long": None, "l2_long": None}
    form: Form | None = None
    unit = next((u for _, u in field_cols.values() if u), None) or money_unit
    name_col = next(col for col, (k, _) in field_cols.items() if k == "name")
    body = rows[at + 1:]
    for k, row in enumerate(body):
        if not row.filled:
            continue
        shift = _anchor_shift(row.cells, header) if row.separator != "spaces" else 0
        by_col = {c.col + shift: c for c in row.cells if c.text}  # a row packed left (merged cells dropped)
        if name_col in by_col and labels.canon(by_col[name_col].text) in TOTAL_NAMES or any(
                labels.canon(c.text) in TOTAL_NAMES for c in row.filled[:1]):
            form = None  # a 合计 / 小计 row
            continue
        if _ends_table(row, form or Form(row.line, row.line)):
            if sum(1 for c in row.filled if _column_key(c.text)) >= 3 or _header_follows(body[k + 1:k + 5]):
                continue  # the header (and the table's title) printed again on a new page
            break
        if name_col in by_col and form is not None and by_col[name_col].text == form.text("name"):
            pass  # the project's name and goal printed again on a new page: the same form goes on
        elif name_col in by_col:
            form = Form(row.line, row.line, money_unit=unit, columns=list(header.keys))
            forms.append(form)
            state = {k: None for k in state}
            for col, (key, u) in field_cols.items():
                if col in by_col:
                    form.fields[key] = FieldHit(key, by_col[col].text, row.line, u or unit, 0, by_col[col])
        if form is None:
            continue
        form.line_end = row.line_end or row.line
        if header.keys == ["packed"]:
            cell = by_col.get(header.cols[0])
            for one in unpack(cell.text) if cell is not None and is_packed(cell.text) else []:
                form.indicators.append(IndicatorRow(one, row.line, row.line_end or row.line, None, cell.text))
            continue
        vals = _map_row(row, header)
        _fill_levels(vals, state)
        if vals.get("l3") or vals.get("value"):
            full = {**{k: v for k, v in state.items() if v}, **vals}
            form.indicators.append(IndicatorRow(full, row.line, row.line_end or row.line, None, row.joined()))
    forms = split_centred(forms)  # name cells centred on their blocks (merged cells)
    return [f for f in forms if f.indicators]  # a unit's own line (its code, name and total) is no form
