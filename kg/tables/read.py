"""Rows of cells → the standard tables, recognised by title and by header, with typed rows.

Rows come from ``SourceText.rows`` for a native file, else from :func:`kg.cells.text.text_to_rows`. A table
starts at a title line (any numbering convention) and ends at the next title. Rows whose cells keep their
columns (tabs, ``|``, native) are read by column, each column's meaning taken from its header words; a line
of single-space-separated words is read as tokens: leading codes, words, then a trailing run of amounts in
printed order (an empty cell leaves no token, so such amounts are assigned to columns only where the check
does not depend on which column is empty).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from kg.cells.model import Row
from kg.cells.text import text_to_rows
from kg.normalize import parse_decimal
from kg.tables import vocab as V
from kg.tables.header import spread_merged_label
from kg.tables.model import Amount, StdTable, TRow
from kg.tables.vocab import squeeze

POSITIONAL_SEPARATORS = ("tab", "pipe", "native")
_YEAR = re.compile(r"^(19|20)\d\d$")
_AMOUNT_TEXT = re.compile(r"^[+-]?\d[\d,，\s]*(?:\.\s*\d+)?$")


def read_tables(rows: list[Row] | tuple[Row, ...]) -> list[StdTable]:
    """Every recognised table (kind ``other`` tables are left out), in document order."""
    out: list[StdTable] = []
    for title, line, block in _blocks(list(rows)):
        kind = _title_kind(title)
        t = _read_block(kind, title, line, block)
        if t is None or t.kind == "other":
            continue
        if t.rows or t.sides or t.layout:
            out.append(t)
    return out


def tables_of_text(text: str) -> list[StdTable]:
    return read_tables(text_to_rows(text))


# -- segmentation ----------------------------------------------------------------------------------------

def _title_of(row: Row) -> str | None:
    filled = row.filled
    if not filled or len(filled) > 2:
        return None
    t = squeeze(" ".join(c.text for c in filled))
    glued = V.TITLE_WITH_UNIT.match(t) if len(filled) == 1 else None
    if glued:
        t = glued.group(1)  # 收支预算总表部门：… 单位：万元 in one cell
    if not t or len(t) > V.TITLE_MAX_CHARS or parse_decimal(t) is not None:
        return None
    if V.NUMBER_ONLY.match(t):
        return t
    if V.TITLE_END.search(t) and (_title_kind(t) is not None) and not t.startswith("-"):
        return t
    return None


def _title_kind(title: str) -> str | None:
    title = V.TITLE_QUALIFIER.sub("表", title)  # …支出预算表（功能科目） is a 支出…表
    for kind, pat in V.TITLE_KINDS:
        if pat.search(title):
            return kind
    return None


def _blocks(rows: list[Row]) -> list[tuple[str, int, list[Row]]]:
    out: list[tuple[str, int, list[Row]]] = []
    cur: tuple[str, int, list[Row]] | None = None
    for r in rows:
        title = _title_of(r)
        if title is not None:
            if cur and V.NUMBER_ONLY.match(cur[0]) and not cur[2]:
                cur = (cur[0] + title, cur[1], [])  # "表一：" then the title on the next line
                continue
            if cur:
                out.append(cur)
            cur = (title, r.line, [r] if V.UNIT_LINE.search(r.joined(" ")) else [])  # its unit, read as a line
            continue
        if cur is not None:
            cur[2].append(r)
    if cur:
        out.append(cur)
    return out


# -- one table ---------------------------------------------------------------------------------------------

def _is_amount(text: str) -> bool:
    t = text.strip()
    return bool(t) and bool(_AMOUNT_TEXT.match(t)) and not _YEAR.match(t) and parse_decimal(t) is not None


def _tokens(row: Row) -> list[str]:
    out: list[str] = []
    for c in row.filled:
        out.extend(c.text.split() if row.separator not in POSITIONAL_SEPARATORS else [c.text])
    return out


def _column_numbers(texts: list[str]) -> bool:
    """栏次 1 2 3 …: a row numbering the columns, not amounts."""
    nums = [t for t in texts if t.strip()]
    ints = [t for t in nums if t.strip().isdigit()]
    return len(ints) >= 2 and [int(x) for x in ints] == list(range(int(ints[0]), int(ints[0]) + len(ints)))


def _is_data(row: Row, positional: bool) -> bool:
    if _column_numbers([t for t in (_tokens(row) if not positional else row.texts) if _is_amount(t)]):
        return False
    first = V.SANGGONG_NUMBER.sub("", squeeze(row.filled[0].text)) if row.filled else ""
    if any(p.search(first) for _, p in V.SANGGONG_ROWS[:-1]) and len(row.filled) <= 3:
        return True  # a 三公 item row, printed empty
    if positional:
        return any(_is_amount(c.text) for c in row.cells)
    toks = _tokens(row)
    return bool(toks) and _is_amount(toks[-1])


def _is_sentence(row: Row) -> bool:
    """A line of prose: one cell, not cut by a table's separator, holding a sentence's end (。；)."""
    return row.separator not in POSITIONAL_SEPARATORS and len(row.filled) == 1 and \
        any(p in row.filled[0].text for p in V.SENTENCE_ENDS)


def _read_block(kind: str | None, title: str, line: int, block: list[Row]) -> StdTable | None:
    unit = None
    body: list[Row] = []
    for r in block:
        m = V.UNIT_LINE.search(r.joined(" "))
        if m and unit is None and len(r.joined("")) < 60:
            unit = m.group(1)
            continue
        body.append(r)
    voters = [r for r in body if not _is_sentence(r)]  # the 说明's paragraphs after a table are not its rows
    positional = sum(1 for r in voters if r.separator in POSITIONAL_SEPARATORS) > len(voters) / 2
    first = next((i for i, r in enumerate(body) if _is_data(r, positional)), None)
    if first is None:
        return StdTable(kind or "other", title, line, unit, positional)
    head, data = body[:first], body[first:]
    header_text = squeeze(" ".join(r.joined(" ") for r in head))
    by = "title"
    if kind is None:
        kind, by = _header_kind(header_text, data), "header"
    if kind is None:
        return None
    t = StdTable(kind, title, line, unit, positional, by=by)
    if not positional and sum(1 for r in data if len(_tokens(r)) <= 1) > len(data) / 2:
        t.layout = "cell_per_line"  # one cell a line: which column a number is in is not known here
        return t
    if kind in ("income_expense", "fiscal_total"):
        from kg.tables.sides import read_sides

        read_sides(t, head, data)
        return t
    if positional:
        t.columns, t.headers = _column_meanings(head)
        if kind == "income":
            t.columns = _income_columns(t.columns, t.headers)
        data = _align_continued(t, head, data)
    else:
        t.meanings = _token_meanings(head)
        t.coded = bool(re.search(r"编码|代码|科目", header_text))
    prev_parts: list[str] = []
    in_grid = any(_ruled(r) for r in data)
    for r in data:
        first = squeeze(r.filled[0].text) if r.filled else ""
        if first.startswith(("备注", "注", "说明")) and not first.startswith("注册"):
            break  # a note under the table: nothing after it is a row of it
        if positional and _column_numbers([x for x in r.texts if _is_amount(x)]):
            continue
        if in_grid and not _ruled(r):
            continue  # a page number or a line between the ruled rows: not a row of the table
        if not positional and all(x.isdigit() for x in _tokens(r)):
            continue  # a page number ("1 4", "16") between the rows, never a row of amounts without a label
        tr = _typed_row(r, t, prev_parts)
        if tr is not None:
            t.rows.append(tr)
    return t


def _header_kind(header: str, data: list[Row]) -> str | None:
    """A table without a known title, recognised by its header words."""
    if "人员经费" in header and "公用经费" in header and "项目支出" not in header:
        return "basic"
    if "因公出国" in header and "公务接待" in header:
        return "sanggong"
    labels = {squeeze(r.cells[0].text) for r in data if r.cells}
    if "收入总计" in labels or any("收入总计" in squeeze(r.joined("")) for r in data):
        return "income_expense"
    return None


def _header_rows(head: list[Row]) -> list[Row]:
    """The header rows that name columns: a 栏次 row (1 2 3 …, ** ** …) names none."""
    return [r for r in head if not _column_numbers([x for x in r.texts if _is_amount(x)])
            and not all(set(x) <= {"*"} or _is_amount(x) for x in r.texts if x.strip())]


def _column_meanings(head: list[Row]) -> tuple[list[str | None], list[str]]:
    """Each column's meaning and its header words (squeezed, top to bottom)."""
    head = _header_rows(head)
    width = max((len(r.cells) for r in head), default=0)
    grid = spread_merged_label([[c.text for c in r.cells] for r in head])
    grid = [r + [""] * (width - len(r)) for r in grid]
    for i in range(len(grid) - 1):  # a merged group label covers the columns its lower rows fill
        for j in range(1, width):
            if not grid[i][j] and grid[i][j - 1] and any(grid[k][j] for k in range(i + 1, len(grid))):
                grid[i][j] = grid[i][j - 1]
    out: list[str | None] = []
    texts: list[str] = []
    for j in range(width):
        parts: list[str] = []
        for i in range(len(grid)):
            s = squeeze(grid[i][j])
            if s and (not parts or parts[-1] != s):
                parts.append(s)
        out.append(_meaning("".join(parts)) if parts else None)
        texts.append("".join(parts))
        if parts and parts[-1] in V.CODE_PARTS:
            out[-1] = "code_part"  # 类 | 款 | 项 in columns of their own
    return _first_code_group(out), texts


def _income_columns(cols: list[str | None], headers: list[str]) -> list[str | None]:
    """A 收入总表's source columns (一般公共预算拨款收入, 事业收入, 上年结转 …) after its 合计: ``income_part``; a 其中
    column (a part of a part) is ignored."""
    first = cols.index("total") if "total" in cols else len(cols)
    out = list(cols)
    for j in range(first + 1, len(cols)):
        h = headers[j] if j < len(headers) else ""
        if "其中" in h:
            out[j] = "ignore"
        elif cols[j] in (None, "amount") and V.INCOME_PART.search(h):
            out[j] = "income_part"
    return out


def _first_code_group(cols: list[str | None]) -> list[str | None]:
    """Only the first run of 类/款/项 columns is the row's code; a second classification (政府经济分类 beside
    部门经济分类) is ignored."""
    out: list[str | None] = []
    seen_end = False
    for j, m in enumerate(cols):
        if m == "code_part" and seen_end:
            out.append("ignore")
            continue
        if m != "code_part" and j and cols[j - 1] == "code_part":
            seen_end = True
        out.append(m)
    return out


def _ruled(r: Row) -> bool:
    """A row of a ruled native table ("p12 t1"), not a line of the page around it ("p12")."""
    return bool(r.table) and " t" in (r.table or "")


def _align_continued(t: StdTable, head: list[Row], data: list[Row]) -> list[Row]:
    """Rows of the table's continuation on a later page, put in the header's columns by where their cells sit
    (a page's grid may start one column earlier). A row that cannot be placed is left out and the table is
    marked ``incomplete`` (its column sums are then not checked)."""
    home = next((r.table for r in reversed(head) if _ruled(r)), None) or \
        next((r.table for r in data if _ruled(r)), None)
    ref = next((r for r in data if r.table == home), None)
    if home is None or ref is None:
        return data
    spans = [(c.col, c.bbox[0], c.bbox[2]) for c in ref.cells if c.bbox]
    out: list[Row] = []
    for r in data:
        if r.table == home or not _ruled(r):
            out.append(r)  # (a row outside any ruled table is dropped by the caller)
            continue
        cells, ok = [], bool(spans)
        for c in r.cells:
            if not c.text:
                continue
            x = (c.bbox[0] + c.bbox[2]) / 2 if c.bbox else None
            j = next((j for j, x0, x1 in spans if x is not None and x0 <= x <= x1), None)
            if j is None:
                ok = False
                break
            cells.append(replace(c, col=j))
        if not ok:
            t.incomplete = f"a row on {r.table} could not be placed in the header's columns"
            continue
        grid = [replace(ref.cells[0], text="", col=j, line=r.line, loc=None) for j in range(len(ref.cells))]
        for c in cells:
            if c.col < len(grid):
                grid[c.col] = c
        out.append(Row(grid, r.line, r.table, r.line_end, r.separator, dict(r.meta)))
    return out


def _meaning(text: str) -> str | None:
    for m, pat in V.COLUMN_MEANINGS:
        if pat.search(text):
            return m
    return None


AMOUNT_MEANINGS = {"total", "basic", "project", "personnel", "public", "other_out", "amount", "sg_total", "running",
                   "income_part",
                   "sg_abroad", "sg_reception", "sg_car", "sg_car_purchase", "sg_car_run"}


def _token_meanings(head: list[Row]) -> list[str] | None:
    """The header's amount meanings in printed order; None when a word after the first amount word is not
    understood (a wrapped header: which column an amount belongs to is then unknown)."""
    out: list[str] = []
    for r in head:
        for tok in _tokens(r):
            m = _meaning(squeeze(tok))
            if m in AMOUNT_MEANINGS:
                out.append(m)
            elif out and m is None and not _YEAR.match(tok):
                return None
    if "total" in out and out[0] == "amount":
        out = out[1:]  # 本年预算数 over 合计 人员经费 公用经费: a group label
    return out


def _code_of_parts(parts: list[str], prev: list[str]) -> str | None:
    """类 | 款 | 项 cells → one code; a part left empty before a printed one is the previous row's (a 款 row
    printed under its 类 without repeating it). None unless the result is a 3/5/7-digit code."""
    last = max((i for i, p in enumerate(parts) if p), default=-1)
    if last < 0:
        return None
    full = [p or (prev[i] if i < len(prev) and i < last else "") for i, p in enumerate(parts[: last + 1])]
    code = "".join(full)
    if not all(full) or not code.isdigit() or len(code) not in (3, 5, 7) or len(full[0]) != 3:
        return None
    prev[:] = full
    return code


def _typed_row(r: Row, t: StdTable, prev_parts: list[str] | None = None) -> TRow | None:
    if t.positional:
        words: list[str] = []
        code: str | None = None
        in_code = [c.text.strip() for j, c in enumerate(r.cells) if j < len(t.columns) and t.columns[j] == "code_part"]
        parts = [x if x.isdigit() else "" for x in in_code]
        words += [x for x in in_code if x and not x.isdigit()]  # 合计 printed across the code columns
        if any(parts):
            code = _code_of_parts(parts, prev_parts if prev_parts is not None else [])
            if code is None:
                code = "?"  # a code not understood: the row counts as coded, in no hierarchy
        amounts: dict[str, Amount] = {}
        numbers: list[Amount] = []
        unread: list[int] = []
        for j, c in enumerate(r.cells):
            meaning = t.columns[j] if j < len(t.columns) else None
            if meaning in ("code_part", "ignore"):
                continue
            if meaning in AMOUNT_MEANINGS:
                if _is_amount(c.text):
                    a = Amount(parse_decimal(c.text) or Decimal(0), c.text.strip(), c.line)
                    # the plain key is the meaning's first column only (an empty first cell must not hand it on)
                    key = meaning if t.columns.index(meaning) == j else f"{meaning}#{j}"
                    amounts[key] = a
                    numbers.append(a)
                elif V.GARBLED_AMOUNT.match(c.text.strip()):
                    unread.append(j)  # two amounts run together (238.0041,534.73): the row's sums are not known
                continue
            m = V.CODE_CELL.match(c.text.strip()) if meaning == "code" or not _is_amount(c.text) else None
            if m and code is None and (meaning != "name" or c.text.strip()[:1] in V.CODE_BRACKETS):
                code = m.group(1)
                words.append(m.group(2) or m.group(3) or "")
            elif c.text.strip() and not _is_amount(c.text):
                words.append(c.text)
            elif meaning is None and _is_amount(c.text):
                unread.append(j)
        return TRow(r.line, squeeze("".join(words)), code, amounts, numbers, r.joined(" "), tuple(unread))
    toks = _tokens(r)
    if _column_numbers([x for x in toks if _is_amount(x)]):
        return None
    if t.coded and toks and V.CODE_CELL.match(toks[0]) and "." not in toks[0]:
        code_tok, toks = toks[0], toks[1:]
    else:
        code_tok = None
    k = len(toks)
    while k > 0 and _is_amount(toks[k - 1]):
        k -= 1
    lead, trail = toks[:k], toks[k:]
    code = V.CODE_CELL.match(code_tok).group(1) if code_tok else None  # type: ignore[union-attr]
    words = []
    for tok in lead:
        m = V.CODE_CELL.match(tok)
        if m and code is None and not words:
            code = m.group(1)
            words.append(m.group(2) or m.group(3) or "")
        else:
            words.append(tok)
    numbers = [Amount(parse_decimal(x) or Decimal(0), x, r.line) for x in trail]
    amounts: dict[str, Amount] = {}
    if t.meanings is not None and len(numbers) == len(t.meanings):
        for j, (m, a) in enumerate(zip(t.meanings, numbers, strict=True)):
            amounts[m if m not in amounts else f"{m}#{j}"] = a
    return TRow(r.line, squeeze("".join(words)), code, amounts, numbers, r.joined(" "))
