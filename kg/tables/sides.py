"""Two-sided 收支 tables (收支总表, 财政拨款收支总表): each row's label/amount pairs put on the income or the expense
side, each amount with the line of its own cell."""

from __future__ import annotations

import re
from decimal import Decimal

from kg.cells.model import Row
from kg.normalize import parse_decimal
from kg.tables import vocab as V
from kg.tables.model import Amount, SideLine, StdTable
from kg.tables.read import _is_amount, _tokens
from kg.tables.vocab import squeeze


def _side_of(label: str) -> str | None:
    if "收入" in label or label.startswith("上年结转") or "弥补收支差额" in label:
        return "income"
    if "支出" in label or label.startswith(("年终结转", "结转下年")):
        return "expense"
    return None


def _spaced(label: str) -> bool:
    """A label printed one character a token so far (本 年 收 …)."""
    return all(len(x) == 1 for x in label.split(" "))


def read_sides(t: StdTable, head: list[Row], data: list[Row]) -> None:
    numbering = {c.col for r in head for c in r.cells if squeeze(c.text) == V.ROW_NUMBER_HEADER}
    split = _expense_column(head) if t.positional else None
    funds = _fund_columns(head) if t.positional else {}
    for r in data:
        pairs: list[tuple[str, list[str]]] = []
        cols: list[int] = []  # the column of each pair's label
        where: dict[int, int] = {}  # id of a pair's amount list → the line of its first amount (its cell's)
        cells_of: dict[int, list] = {}  # id of a pair's amount list → its amount cells
        if t.positional:
            cells = [c.text.strip() if c.col not in numbering else "" for c in r.cells]
            for c, cell in zip(cells, r.cells, strict=True):
                if c and not _is_amount(c):
                    pairs.append((c, []))
                    cols.append(cell.col)
                elif c and pairs:
                    pairs[-1][1].append(c)
                elif c:
                    pairs.append(("", [c]))
                    cols.append(cell.col)
                if c and _is_amount(c) and len(pairs[-1][1]) == 1:
                    where[id(pairs[-1][1])] = cell.line
                if c and _is_amount(c):
                    cells_of.setdefault(id(pairs[-1][1]), []).append(cell)
            # an empty left label with cells: the right side
            left_empty = not (cells and cells[0]) and not (len(cells) > 1 and cells[1])
        else:
            if len(r.cells) == 1 and len(_tokens(r)) <= 1:
                if _tokens(r) and _is_amount(_tokens(r)[0]):
                    t.sides_sure = {"income": False, "expense": False}  # a wrapped cell: a number alone
                continue
            left_empty = False
            for tok in _tokens(r):
                if _is_amount(tok) and pairs:
                    pairs[-1][1].append(tok)
                elif not _is_amount(tok):
                    if pairs and not pairs[-1][1] and len(tok) == 1 and pairs[-1][0][-1:] and _spaced(pairs[-1][0]):
                        pairs[-1] = (pairs[-1][0] + " " + tok, [])  # 本 年 收 入 合 计: one label spaced out
                    else:
                        pairs.append((tok, []))
        for n, (label, nums) in enumerate(pairs):
            lab = squeeze(label)
            group = 0
            if t.positional and split is not None:
                side, group = ("income" if cols[n] < split else "expense"), cols[n]  # 支出 by 功能 / 经济 side by side
            elif len(pairs) == 2:
                side = "income" if n == 0 else "expense"
            elif t.positional:
                side = "expense" if left_empty else "income"
            else:
                side = _side_of(lab)
            by_fund = _by_fund(cells_of.get(id(nums), []), funds) if len(nums) > 1 and side == "expense" else None
            if (len(nums) > 1 and by_fund is None) or side is None or (not t.positional and len(pairs) > 2):
                for s in ("income", "expense"):
                    if nums:
                        t.sides_sure[s] = False
                continue
            if by_fund is not None:
                amt = by_fund.get("total")
            else:
                amt = Amount(parse_decimal(nums[0]) or Decimal(0), nums[0], where.get(id(nums), r.line)) if nums else None
            t.sides.append(SideLine(side, lab, amt, r.line, re.sub(r"\s+", "", label), group, by_fund or {}))
    groups = {s.group for s in t.sides if s.side == "expense" and s.label}
    if len(groups) == 1:  # one expense column: one group
        for s in t.sides:
            s.group = 0


def _expense_column(head: list[Row]) -> int | None:
    """A header row "收入 | | 支出 …": the column where the expense side starts (three-sided tables print the
    expense by function and by economic class side by side under it)."""
    for r in head:
        words = [(c.col, squeeze(c.text)) for c in r.cells if c.text.strip()]
        if len(words) >= 2 and words[0][1] == "收入" and words[1][1] == "支出":
            return words[1][0]
    return None


FUND_COLUMNS = [("total", re.compile(r"^(?:合计|总计|小计)$")), ("general", re.compile(r"^一般公共预算")),
                ("fund", re.compile(r"^政府性基金")), ("soe", re.compile(r"^国有资本经营"))]


def _fund_columns(head: list[Row]) -> dict[int, str]:
    """A 财政拨款收支总表's expense columns by fund (合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算), from the
    header row naming them (a later row wins)."""
    out: dict[int, str] = {}
    for r in head:
        for c in r.cells:
            word = squeeze(c.text)
            meaning = next((m for m, p in FUND_COLUMNS if p.match(word)), None)
            if meaning and not word.endswith("收入"):
                out[c.col] = meaning
    return out if "total" in out.values() and len(out) >= 2 else {}


def _by_fund(cells: list, funds: dict[int, str]) -> dict[str, Amount] | None:  # type: ignore[type-arg]
    """An expense line's amounts by fund column; None unless every amount sits in a known fund column, the 合计
    among them, each fund once."""
    out: dict[str, Amount] = {}
    for c in cells:
        m = funds.get(c.col)
        if m is None or m in out:
            return None
        out[m] = Amount(parse_decimal(c.text) or Decimal(0), c.text.strip(), c.line)
    return out if "total" in out else None
