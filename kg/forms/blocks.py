"""Centred name cells in a wide table: a project's 项目名称 / 项目总额 cell is a merged cell printed vertically
centred on its block of indicator rows, so the rows after a name row's block belong to the next project (whose
name row follows them, or whose name was printed outside the table on the next page), not to this one.

The evidence is the document's own (gold/SCHEMA.md: decide where a layout puts a row before or after its
project's row by the document's evidence): a form whose 成本指标 rows add up to more than its amount, while the
cost rows up to some row add up to the amount exactly, ends before its next cost row. The rows after it go to the next form
when they make that form's cost rows add up to its amount; otherwise they are left unowned (a nameless form,
which the reader drops), never credited to a project they contradict. Without that evidence nothing moves."""

from __future__ import annotations

from decimal import Decimal

from kg.forms.form import Form, IndicatorRow
from kg.forms.values import parse_money

AMOUNT_FIELDS = ("amount_year", "amount_total", "fiscal")  # the project's amount, as records.project_of reads it
COST_L1 = "成本"  # 一级指标 of a cost row (成本指标)
MONEY_UNITS = frozenset({"元", "万元", "亿元"})


def _amount(form: Form) -> Decimal | None:
    hit = next((form.fields[k] for k in AMOUNT_FIELDS if k in form.fields), None)
    return parse_money(hit.text, hit.unit or form.money_unit) if hit is not None else None


def _cost(row: IndicatorRow) -> Decimal | None:
    """A cost row's target in yuan (None for another row or a per-unit cost such as 元/人)."""
    v = row.values
    unit = (v.get("unit") or "").strip()
    if COST_L1 not in (v.get("l1") or "") or unit not in MONEY_UNITS:
        return None
    return parse_money((v.get("value") or "").strip(), unit)


def _costs(rows: list[IndicatorRow]) -> Decimal:
    return sum((c for c in map(_cost, rows) if c is not None), Decimal(0))


def _cut(form: Form, amount: Decimal) -> int | None:
    """Index of the first cost row after the form's cost rows reach its amount exactly (None: no such row)."""
    running = Decimal(0)
    for i, row in enumerate(form.indicators):
        c = _cost(row)
        if c is None:
            continue
        running += c
        if running == amount:  # the block ends before the next cost row (rows between stay: no evidence)
            if _costs(form.indicators[i + 1:]) == amount:
                return None  # a total cost row, then its breakdown (成本 ≤ 140万元, then items adding up to 140)
            return next((j for j in range(i + 1, len(form.indicators)) if _cost(form.indicators[j]) is not None),
                        None)
        if running > amount:
            return None
    return None


def split_centred(forms: list[Form]) -> list[Form]:
    """The wide table's forms with each block's overflow rows moved to the next form or left unowned."""
    out = list(forms)
    i = 0
    while i < len(out):
        form = out[i]
        amount = _amount(form)
        cut = _cut(form, amount) if amount is not None and amount > 0 else None
        if cut is None:
            i += 1
            continue
        tail = form.indicators[cut:]
        form.indicators = form.indicators[:cut]
        form.line_end = form.indicators[-1].line_end
        nxt = out[i + 1] if i + 1 < len(out) else None
        nxt_amount = _amount(nxt) if nxt is not None else None
        if nxt is not None and nxt_amount is not None and _costs(tail) + _costs(nxt.indicators) == nxt_amount:
            nxt.indicators = tail + nxt.indicators
            nxt.line_start = min(nxt.line_start, tail[0].line)
        else:
            out.insert(i + 1, Form(tail[0].line, tail[-1].line_end, indicators=tail, money_unit=form.money_unit,
                                   columns=list(form.columns), title=form.title))
            i += 1
        i += 1
    return out
