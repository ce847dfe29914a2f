"""A form's indicator table → :class:`IndicatorRow` objects, by its header row, whatever the column order.

Row mode (tab, ``|``, space-aligned and native rows): each cell goes to the header column at its index (or, for
space-aligned text, its display column); blank 一级/二级 cells inherit from above; a space-aligned line that
fills neither the name nor the value column continues the row above (a cell wrapped by width). Stream mode
(one cell per line, glued text) is :mod:`kg.forms.stream`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.cells.model import Cell, Row
from kg.forms import labels
from kg.forms import vocabulary as vocab
from kg.forms.form import FieldHit, Form, IndicatorRow
from kg.forms.glued_eval import total_score
from kg.forms.header_shapes import (
    broken_header_line,
    broken_row_columns,
    long_before_annual,
    names_under_l2,
)
from kg.forms.values import split_number_unit

ROW_SEPARATORS = frozenset({"tab", "pipe", "spaces", "native"})
# Field labels that end an indicator table (the next form's head, a signature block …).
STOP_FIELDS = frozenset({"name", "department", "implementing_unit", "owner", "phone", "code", "category",
                         "period", "amount_total", "amount_year", "expected", "achieved"})
_STOP_TEXT = re.compile(r"^(?:注[:：]|备注[:：]|附件\d|附表\d|说明[:：]|"
                        + "|".join(re.escape(m) for m in vocab.END_MARKERS) + ")|^[^，。；,;]{0,14}(?:"
                        + "|".join(vocab.SIGN_OFF_ENDINGS) + r")\s*(?:[（(]盖章[)）])?$")
_TITLE = re.compile(r"(?:绩效目标表|绩效目标申报表|绩效自评表|评价表|公开表|预算表|决算表|情况表)\s*"
                    r"(?:[（(][^）)]{1,10}[)）])?\s*$")
_LONG = ("长期", "中期", "实施期", "总体")
_YEARLY = ("年度", "当年", "本年")
_REASON_HINT = ("原因", "下一步", "改进", "由于", "。", "；", "受", "因")


@dataclass
class Header:
    keys: list[str]  # column key per header cell, in order
    cols: list[int]  # the cells' column indices (row mode)
    xs: list[int | None]  # the cells' display columns (space-aligned text)
    row_mode: bool
    end_token: int  # index of the first token after the header (stream mode)
    row_index: int  # index of the header's (last) row
    last_cell: tuple[int, int] = (0, 0)  # (row index, cell column) of the header's last cell
    term: str | None = None  # a 长期/年度绩效指标 section title just before the header
    width: int = 0  # cells in the header row (row mode)
    filled: tuple[int, ...] = ()  # columns of the header row's non-empty cells, frames included


def _section_term(text: str) -> str | None:
    t = labels.canon(text)
    if t.endswith(("绩效指标", "绩效目标", "指标")) and len(t) <= 10:
        if t.startswith(_LONG):
            return "long"
        if t.startswith(_YEARLY):
            return "year"
    return None


@lru_cache(maxsize=65536)
def _column_key(text: str, fuzzy: bool = False) -> tuple[str, str | None] | None:
    """The indicator-table column ``text`` names; OCR-tolerant matching only where a header is being looked for."""
    if labels.is_frame(text) or labels.category(text, "l1") or labels.category(text, "l2"):
        return None
    m = labels.match(text, "column", fuzzy)
    if m is None:
        return None
    key, c = m.key, labels.canon(text)
    if key in ("l1", "l2", "l3", "value") and "长期" in c:
        key = {"l1": "l1_long", "l2": "l2_long", "l3": "l3_long", "value": "value_long"}[key]
    return key, m.unit


def find_header(rows: list[Row]) -> Header | None:
    """The indicator table's header: one row naming ≥3 columns incl. the indicator name, or a run of one-cell
    rows doing so (one cell per line), or the label run inside a glued row."""
    flat: list[tuple[int, Cell]] = [(ri, c) for ri, r in enumerate(rows) for c in r.cells if c.text]
    i = 0
    term: str | None = None
    while i < len(flat):
        run: list[tuple[int, Cell, str]] = []
        j = i
        while j < len(flat):
            ri, cell = flat[j]
            if run and ri != run[-1][0] and len(rows[ri].filled) > 1 and _qualifies([k for _, _, k in run]) \
                    and not broken_header_line(rows[ri]):
                break  # a header in one row ends with its row
            ck = _column_key(cell.text, fuzzy=True)
            if ck is None:
                if _section_term(cell.text):
                    term = _section_term(cell.text)
                    j += 1
                    continue
                if labels.is_frame(cell.text):
                    j += 1
                    continue
                break
            run.append((ri, cell, ck[0]))
            j += 1
        keys = long_before_annual([k for _, _, k in run])
        rows_used = {ri for ri, _, _ in run}
        one_row = len(rows_used) == 1 and rows[run[0][0]].separator in ROW_SEPARATORS
        if _qualifies(keys) or not one_row and names_under_l2(keys):
            hrow = rows[max(rows_used)]
            if not one_row and (cols := broken_row_columns(rows, sorted(rows_used), run)) is not None:
                return Header(keys, cols, [None] * len(keys), True, j, max(rows_used),
                              (run[-1][0], run[-1][1].col), term, cols[-1] + 1, tuple(range(cols[-1] + 1)))
            return Header(keys, [c.col for _, c, _ in run], [c.x for _, c, _ in run], one_row, j,
                          max(rows_used), (run[-1][0], run[-1][1].col), term, len(hrow.cells),
                          tuple(c.col for c in hrow.filled))
        i = max(j, i + 1)
    return None


def _qualifies(keys: list[str]) -> bool:
    return len(set(keys)) >= vocab.HEADER_MIN_COLUMNS and ("l3" in keys or "l3_long" in keys)


def read_table(rows: list[Row], form: Form) -> int | None:
    """Read the indicator table(s) of a form's rows into ``form``; return the index of the header row."""
    header = find_header(rows)
    if header is None:
        return None
    form.columns = header.keys
    if header.row_mode:
        _read_rows(rows, header, form)
    elif not _read_positional(rows, header, form):
        flat = [(ri, c) for ri, r in enumerate(rows) for c in r.cells if c.text]
        from kg.forms.stream import _read_stream, _word_tokens  # (stream mode imports this module)

        _read_stream(_word_tokens(flat[header.end_token:], rows), rows, header, form)
    return header.row_index


# ---------------------------------------------------------------- row mode


def _split_merged_level(vals: dict[str, str]) -> dict[str, str]:
    """A 二级 cell that also holds the indicator's name (服务对象满意度12345平台座席满意率, the 三级 cell empty)."""
    l2 = vals.get("l2")
    if l2 and not vals.get("l3") and not labels.category(l2, "l2"):
        for term in sorted(vocab.L2_TERMS, key=len, reverse=True):
            if l2.startswith(term) and len(l2) > len(term) + 1:
                return {**vals, "l2": term, "l3": l2[len(term):]}
    return vals


def _map_row(row: Row, header: Header) -> dict[str, str]:
    cells = [c for c in row.cells if c.text] if row.separator == "spaces" else row.cells
    if row.separator == "spaces" and header.xs and header.xs[0] is not None:
        # cells left of the table's first column belong to an outer label (绩效/指标 printed down the side)
        cells = [c for c in cells if c.x is None or c.x >= header.xs[0] - 2]
    keys = _keys_for(row, cells, header)
    vals: dict[str, str] = {}
    for cell, key in zip(cells, keys, strict=True):
        if not cell.text or key is None:
            continue
        vals[key] = f"{vals[key]}{cell.text}" if key in vals else cell.text
    return _split_merged_level(vals)


def _keys_for(row: Row, cells: list[Cell], header: Header) -> list[str | None]:
    """The header column of each cell. Tab/|/native cells by their index; space-aligned cells by order when the
    row is complete, right-aligned when merged 一级/二级 cells are missing on the left, and by nearest display
    column for a line of one or two cells (a wrapped cell)."""
    n, width = len(cells), len(header.keys)
    if row.separator != "spaces":
        by_col = dict(zip(header.cols, header.keys, strict=True))
        if header.width and len(cells) != header.width and len(cells) == len(header.filled):
            # a table continued on another page without the header's empty spanning columns: by position
            return [by_col.get(col) for col in header.filled]
        shift = _anchor_shift(cells, header)
        return [by_col.get(c.col + shift) for c in cells]
    if n == width:
        return list(header.keys)
    nearest = _nearest_columns(cells, header)
    if n < 3 or (nearest is not None and all(b > a for a, b in zip(nearest, nearest[1:], strict=False))):
        return [header.keys[i] if i is not None else None for i in (nearest or [None] * n)]
    return list(header.keys[width - n:]) if n < width else [None] * n


def _anchor_shift(cells: list[Cell], header: Header) -> int:
    """Columns a row is shifted by against its header: a row whose first cell is a 一级/二级 category that sits
    left of that column in the header (a leading merged label cell such as 绩效指标 printed only in the header)."""
    first = next((c for c in cells if c.text), None)
    if first is None:
        return 0
    for level in ("l1", "l2"):
        at = [header.cols[n] for n, k in enumerate(header.keys) if k in (level, f"{level}_long")]
        if at and labels.category(first.text, level):
            col = min(at)
            return col - first.col if col > first.col else 0
    if "l1" in header.keys:  # a web table whose merged cells were dropped and the row's cells packed left, the
        col = header.cols[header.keys.index("l1")]  # missing ones as empty cells at its end
        for c in [c for c in cells if c.text][1:4]:
            shift = col - c.col
            if shift > 0 and labels.category(c.text, "l1") and len(cells) >= shift and \
                    not any(t.text for t in cells[-shift:]):
                return shift
    return 0


def _nearest_columns(cells: list[Cell], header: Header) -> list[int] | None:
    if any(c.x is None for c in cells) or any(x is None for x in header.xs):
        return None
    return [min(range(len(header.xs)), key=lambda i: abs((header.xs[i] or 0) - (c.x or 0))) for c in cells]


def _read_rows(rows: list[Row], header: Header, form: Form) -> None:
    state = {"l1": None, "l2": None, "l1_long": None, "l2_long": None}
    term: str | None = header.term
    last: IndicatorRow | None = None
    body = rows[header.row_index + 1:]
    for k, row in enumerate(body):
        filled = row.filled
        if not filled:
            continue
        if _ends_table(row, form):
            if len(filled) == 1 and (_header_follows(body[k + 1:k + 4]) or _rows_follow(body[k + 1:k + 5])):
                continue  # a running title over the table going on (its header printed again, or not) on a new page
            break
        first = filled[0].text
        if len(filled) == 1 and (_PAGE_NUMBER.fullmatch(first) or "\f" in first):
            continue
        if len(filled) == 1 and _section_term(first):
            term = _section_term(first)
            continue
        if sum(1 for c in filled if _column_key(c.text)) >= vocab.HEADER_MIN_COLUMNS:
            continue  # the header printed again after a page break
        if row.separator not in ROW_SEPARATORS:
            if len(filled) == 1:
                _category(first, state)  # a lone 一级/二级 category line sets the level; other lines are not rows
            continue
        vals = _map_row(row, header)
        has_name = bool(vals.get("l3") or vals.get("l3_long"))
        has_value = bool(vals.get("value") or vals.get("value_long"))
        levels_complete = any(labels.category(vals.get(k, ""), k) for k in ("l1", "l2") if vals.get(k))
        if row.separator == "spaces" and last is not None and not (has_name and has_value) and not levels_complete:
            _continue_row(last, vals, row, state)  # a line of cells wrapped by width
            continue
        _fill_levels(vals, state)
        if not has_name and not has_value:
            continue
        full = {**{k: v for k, v in state.items() if v}, **vals}
        last = IndicatorRow(full, row.line, row.line_end or row.line, term, row.joined())
        form.indicators.append(last)


def _rows_follow(rows: list[Row]) -> bool:
    """After one-cell title lines, the next row goes on with indicators (a 一级/二级 category or the 绩效指标 side
    label in its first cells), not with a new form's 项目名称."""
    for row in rows:
        if len(row.filled) <= 1:
            continue
        texts = [c.text for c in row.filled[:3]]
        if any(labels.field(t) for t in texts if labels.field(t) and labels.field(t).key == "name"):
            return False
        return any(labels.category(t, "l1") or labels.category(t, "l2") or labels.is_frame(t) for t in texts)
    return False


def _total_score_of(cells: list[Cell]) -> str | None:
    """The 得分 of a 总分 / 合计 row: the last of its numbers (分值 100, 得分 97.80); a lone number followed by an
    empty cell is the 分值 with the 得分 left blank."""
    nums = [(i, c.text) for i, c in enumerate(cells) if c.text and split_number_unit(c.text.replace(" ", ""))]
    if not nums:
        return None
    if len(nums) == 1:
        i, text = nums[0]
        if i + 1 < len(cells) and not cells[i + 1].text:
            return None
        return total_score(text)
    return total_score(nums[-1][1])


def _header_follows(rows: list[Row]) -> bool:
    return any(sum(1 for c in r.filled if _column_key(c.text)) >= vocab.HEADER_MIN_COLUMNS for r in rows)


def _continue_row(last: IndicatorRow, vals: dict[str, str], row: Row, state: dict[str, str | None]) -> None:
    """Append a wrapped line's cells to the row above (and to the 一级/二级 it carries on)."""
    for k, v in vals.items():
        last.values[k] = last.values.get(k, "") + v
        if k in state and state[k] is not None:
            state[k] = (state[k] or "") + v
    last.line_end = row.line_end or row.line


def _ends_table(row: Row, form: Form) -> bool:
    for cell in row.filled[:2]:
        m = labels.field(cell.text)
        if m is not None and m.distance == 0 and m.key == "total_score":
            score = _total_score_of(row.cells[row.cells.index(cell) + 1:])
            if score is not None:
                form.fields["total_score"] = FieldHit("total_score", score, row.line)
            return True
        if m is not None and m.distance == 0 and m.key in STOP_FIELDS:
            return True
    first = row.filled[0].text
    return bool(_STOP_TEXT.match(first) or (len(row.filled) == 1 and _TITLE.search(first)) or _is_page_chrome(first))


def _is_page_chrome(text: str) -> bool:
    return any(m in text for m in vocab.CHROME_MARKERS)


def _category(text: str, state: dict[str, str | None], nxt: str | None = None) -> bool:
    """Update the 一级/二级 state from a category cell. A term of both levels (成本指标) is 一级 when a 二级 term
    follows it, else 二级 under the current 一级 (or among 二级 terms printed with no 一级 column)."""
    c1, c2 = labels.category(text, "l1"), labels.category(text, "l2")  # as printed, a score note dropped
    if c1 and c2 and (state.get("l1") or state.get("l2")) and not (nxt and labels.category(nxt, "l2")):
        state["l2"] = c2
        return True
    if c1:
        state["l1"], state["l2"] = c1, None
        return True
    if c2:
        state["l2"] = c2
        return True
    return False


_PAGE_NUMBER = re.compile(r"[-—–\s]*第?\s*\d{1,4}\s*页?\s*(?:[/／]?\s*共?\s*\d{1,4}\s*页?)?[-—–\s]*")
_DASHED_PAGE = re.compile(r"[-—–]\s*\d{1,4}\s*[-—–]")
_CHROME = re.compile(r"[-—–\s第页共/\d]+|[（(]?(?:19|20)\d{2}年度?[)）]?|[\u4e00-\u9fff]|指标")


def _is_chrome(text: str) -> bool:
    """Page numbers, a year line, and the single characters of a label printed vertically (绩/效/指/标)."""
    return bool(_CHROME.fullmatch(text.strip()))


# ---------------------------------------------------------------- positional mode


def _read_positional(rows: list[Row], header: Header, form: Form) -> bool:
    """One cell per line with every cell written, empty ones as a blank-looking line: the cells after the header
    come in groups of the header's width, each group a row whose 一级/二级 cells are categories or empty."""
    keys = header.keys
    if "l1" not in keys or "l2" not in keys or len(keys) < 4:
        return False
    toks: list[Cell] = []
    seen = False
    for ri, r in enumerate(rows):
        for c in r.cells:
            if seen and len(r.cells) == 1:
                toks.append(c)
            if (ri, c.col) == header.last_cell:
                seen = True
    toks = [c for c in toks if not (c.text and (labels.is_frame(c.text) or _DASHED_PAGE.fullmatch(c.text)))]
    n, i1, i2 = len(keys), keys.index("l1"), keys.index("l2")
    state: dict[str, str | None] = {"l1": None, "l2": None}
    read: list[IndicatorRow] = []
    end = 0
    for k in range(0, len(toks) - n + 1, n):
        chunk = toks[k:k + n]
        if not all(not chunk[i].text or labels.category(chunk[i].text, lvl)
                   for i, lvl in ((i1, "l1"), (i2, "l2"))):
            break
        end = k + n
        vals = {key: c.text for key, c in zip(keys, chunk, strict=True) if c.text}
        _fill_levels(vals, state)
        if vals.get("l3") or vals.get("l3_long") or vals.get("value") or vals.get("value_long"):
            full = {**{k2: v for k2, v in state.items() if v}, **vals}
            read.append(IndicatorRow(full, chunk[0].line, chunk[-1].line, None,
                                     "\t".join(c.text for c in chunk)))
    if not read or len(read) * n < (len([c for c in toks if c.text]) - n) * 0.5 and len(read) < 2:
        return False
    form.indicators.extend(read)
    rest = toks[end:end + 4]
    if rest and rest[0].text:
        _ends_table(Row(rest, rest[0].line), form)  # a 总分/合计 row after the table gives the total score
    return True


def _fill_levels(vals: dict[str, str], state: dict[str, str | None]) -> None:
    for lvl in ("activity", "project"):  # merged 活动 / 项目 cells of a department-wide table
        if vals.get(lvl):
            state[lvl] = vals[lvl]
    for lvl in ("l1", "l2", "l1_long", "l2_long"):
        if vals.get(lvl):
            state[lvl] = vals[lvl]
            if lvl == "l1":
                state["l2"] = None
            if lvl == "l1_long":
                state["l2_long"] = None
