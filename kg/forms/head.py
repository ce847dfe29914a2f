"""A form's head (the rows above its indicator table) → label → value fields and the funds row.

The head is read as a stream of cells, so one cell per line, tab/| rows and glued text read alike: a label takes
the value cells after it; a run of labels of one group (资金总额 / 当年资金总额 / 财政拨款 …, 年初预算数 … 得分,
预期目标 / 实际完成情况) takes the values after the run in order, aligned from the end.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.cells.model import Cell, Row
from kg.forms import labels
from kg.forms.form import FieldHit, Form
from kg.forms.glued_eval import decode_funds
from kg.forms.values import split_number_unit

# Labels whose values follow a run of such labels, in order (a header row above a value row).
ORDERED = frozenset({"amount_total", "amount_year", "fiscal", "carry", "other", "goal_long", "goal_year",
                     "initial_budget", "budget", "spent", "weight", "rate", "score", "expected", "achieved"})
FUNDS_KEYS = ("initial_budget", "budget", "spent", "weight", "rate", "score")
# Row labels under a funds header whose values are that header's columns (the first is the funds row).
FUNDS_ROWS = ("amount_year", "amount_total", "fiscal", "carry", "other")
TEXT_JOIN_KEYS = frozenset({"goal_long", "goal_year", "expected", "achieved", "name", "category"})


# Column labels that begin the indicator table's header: the head ends there.
_TABLE_START = frozenset({"l1", "l2", "l3"})


def _tokens(rows: list[Row]) -> list[tuple[Cell, labels.LabelMatch | None]]:
    out = []
    for row in rows:
        for cell in row.cells:
            if not cell.text or labels.is_frame(cell.text) or not labels.canon(cell.text) \
                    or unit_note(cell.text):
                continue  # (盖章), (万元) and other bracketed notes are no value
            col = labels.match(cell.text, "column", fuzzy=False)
            if col is not None and col.key in _TABLE_START:
                return _join_split_labels(out)
            out.append((cell, labels.field(cell.text)))
    return _join_split_labels(out)


def _join_split_labels(toks: list[tuple[Cell, labels.LabelMatch | None]]) -> list[tuple[Cell, labels.LabelMatch | None]]:
    """A label printed over two cells (``主管部门`` + ``及编码``, ``项目起`` + ``止时间``) becomes one label."""
    out: list[tuple[Cell, labels.LabelMatch | None]] = []
    i = 0
    while i < len(toks):
        cell, m = toks[i]
        if i + 1 < len(toks) and toks[i + 1][1] is None and len(toks[i + 1][0].text) <= 6:
            joined = labels.field(cell.text + toks[i + 1][0].text)
            if joined is not None and joined.distance == 0 and not joined.value and (
                    m is None or len(joined.label) > len(m.label)):
                out.append((Cell(cell.text + toks[i + 1][0].text, cell.line, cell.col, cell.loc), joined))
                i += 2
                continue
        out.append((cell, m))
        i += 1
    return out


_FUNDS_CELL = re.compile(r"^[-+]?[\d,，]+(?:\.\d+)?[%％]?$|^[-—–/]$")
_MONEYISH = re.compile(r"^[-+]?[\d,，]+(?:\.\d+)?(?:万元|元)?$|^[-—–]$")
_UNIT_NOTE = re.compile(r"^\((万元|元)\)$")


def unit_note(text: str) -> str | None:
    """A cell that only states the money unit (``（万元）``, OCR ``(万兀)``) → the unit."""
    m = _UNIT_NOTE.match(labels.canon(text).replace("兀", "元"))
    return m.group(1) if m else None


def read_head(rows: list[Row], form: Form) -> None:
    """Fill ``form.fields`` and ``form.funds`` from the head rows."""
    note = next((u for r in rows for c in r.cells if c.text and (u := unit_note(c.text))), None)
    if note and not form.money_unit:
        form.money_unit = note
    rows = _read_aligned_blocks(rows, form)
    toks = _tokens(rows)
    i = 0
    funds_header: list[labels.LabelMatch] = []
    while i < len(toks):
        cell, m = toks[i]
        if m is None:
            i += 1
            continue
        if m.unit:
            form.money_unit = m.unit
        if m.value:
            _put(form, m, m.value, cell)
            i += 1
            continue
        # a run of labels
        run = [(cell, m)]
        j = i + 1
        while j < len(toks) and toks[j][1] is not None and not toks[j][1].value:
            run.append(toks[j])
            j += 1
        vals = []
        while j < len(toks) and toks[j][1] is None:
            vals.append(toks[j][0])
            j += 1
        i = j
        funds_run = [rm for _, rm in run if rm.key in FUNDS_KEYS]
        if len(funds_run) >= 3:
            funds_header = funds_run
            for _rc, rm in run:
                if rm.unit:
                    form.money_unit = rm.unit
            run = [(rc, rm) for rc, rm in run if rm.key not in FUNDS_KEYS]
            if not run:
                continue
        if funds_header and run[-1][1].key in FUNDS_ROWS and vals:
            if run[-1][1].key in ("amount_year", "amount_total") and not form.funds:
                glued = decode_funds(vals[0].text, [hm.key for hm in funds_header]) \
                    if 1 <= len(vals) < len(funds_header) else None
                if glued:  # the row's numbers ran together: cut by the header's kinds and the printed rate
                    vals = [Cell(glued.get(hm.key, ""), vals[0].line, vals[0].col, vals[0].loc) for hm in funds_header]
                for hm, vc in zip(funds_header, vals, strict=False):
                    if not _FUNDS_CELL.match(vc.text.replace(" ", "")):
                        break  # a note after the row's figures (an empty score cell left out): no more values
                    form.funds[hm.key] = FieldHit(hm.key, vc.text, vc.line, form.money_unit, hm.distance, vc)
                _empty_rate(form, [hm.key for hm in funds_header], len(vals))
            continue
        if not vals:
            continue
        group: list[tuple[Cell, labels.LabelMatch]] = []
        kind = _group_of(run[-1][1].key)
        for rc, rm in reversed(run):  # the run's trailing labels of one ordered group (a header over values)
            if rm.key not in ORDERED or _group_of(rm.key) != kind:
                break
            group.insert(0, (rc, rm))
        if len(group) >= 2 and len(vals) == 1 and 2 <= vals[0].text.count("。") <= len(group) and \
                vals[0].text.rstrip().endswith("。") and all(rm.key in TEXT_JOIN_KEYS for _, rm in group):
            parts = [p + "。" for p in vals[0].text.split("。") if p.strip()]
            vals = [Cell(p, vals[0].line, vals[0].col, vals[0].loc) for p in parts]  # glued goal texts
        if len(vals) < len(group) and not form.funds and not funds_header and \
                any(rm.key in ("goal_year", "goal_long") for _, rm in group):
            # a target form printing an (empty) 年度总体目标完成情况 column: the texts are the goals'
            group = [(rc, rm) for rc, rm in group if rm.key != "achieved"] or group
        if len(group) >= 2 and kind == "money":  # money labels take number cells only
            vals = [v for v in vals if _MONEYISH.match(v.text.replace(" ", ""))] or vals
        if len(group) >= 2:
            for (_rc, rm), vc in zip(group[-len(vals):] if len(vals) < len(group) else group, vals, strict=False):
                _put(form, rm, vc.text, vc)
            extra = vals[len(group):]
            if extra and group[-1][1].key in TEXT_JOIN_KEYS:
                hit = form.fields[group[-1][1].key]
                hit.text += "".join(c.text for c in extra)
            continue
        rc, rm = run[-1]
        text = "".join(c.text for c in vals) if rm.key in TEXT_JOIN_KEYS else vals[0].text
        _put(form, rm, text, vals[0])


def _read_aligned_blocks(rows: list[Row], form: Form) -> list[Row]:
    """Space-aligned text: a line of two or more text labels side by side (预期目标 … 实际完成情况, 中期目标 …
    年度目标) over lines whose cells wrap under them; each label takes the cells nearest its column, joined.
    Returns the rows left for the cell stream."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        heads = [(c, m) for c in row.filled if (m := labels.field(c.text)) and m.key in TEXT_JOIN_KEYS] \
            if row.separator == "spaces" else []
        if len(heads) < 2 or any(c.x is None for c, _ in heads) or len(heads) != sum(
                1 for c in row.filled if labels.field(c.text)):
            out.append(row)
            i += 1
            continue
        parts: dict[str, list[Cell]] = {m.key: [] for _, m in heads}
        j = i + 1
        while j < len(rows) and rows[j].separator == "spaces" and not any(
                labels.field(c.text) or labels.match(c.text, "column", False) for c in rows[j].filled):
            for c in rows[j].filled:
                if c.x is None or c.x < heads[0][0].x - 2:
                    continue  # a wrapped label printed down the left (年度总体 / 目标)
                key = min(heads, key=lambda h: abs((h[0].x or 0) - (c.x or 0)))[1].key
                parts[key].append(c)
            j += 1
        if not any(parts.values()):
            out.append(row)
            i += 1
            continue
        for _, m in heads:
            if parts[m.key]:
                _put(form, m, "".join(c.text for c in parts[m.key]), parts[m.key][0])
        i = j
    return out


def _group_of(key: str) -> str:
    """Ordered labels come in groups that never share a header row: goal texts, and money figures."""
    return "text" if key in ("goal_long", "goal_year", "expected", "achieved") else "money"


def _put(form: Form, m: labels.LabelMatch, text: str, cell: Cell) -> None:
    if m.key in form.fields:  # the first value a form gives for a label stands
        return
    form.fields[m.key] = FieldHit(m.key, text.strip(), cell.line, m.unit or form.money_unit, m.distance, cell)


def _empty_rate(form: Form, keys: list[str], n_values: int) -> None:
    """A funds row one value short whose 执行率 cell was left empty (``880 880 880 10 10`` under 年初预算数 …
    分值 执行率 得分): the figure read as the rate has no ``%`` and is no more than the 分值, so it is the 得分."""
    rate, weight = form.funds.get("rate"), form.funds.get("weight")
    if rate is None or weight is None or "score" in form.funds or "score" not in keys or n_values != len(keys) - 1:
        return
    if keys.index("score") != keys.index("rate") + 1 or "%" in rate.text or "％" in rate.text:
        return
    r, w = split_number_unit(rate.text.replace(" ", "")), split_number_unit(weight.text.replace(" ", ""))
    try:
        smaller = r is not None and w is not None and Decimal(r[0].replace(",", "")) <= Decimal(w[0].replace(",", ""))
    except InvalidOperation:
        return
    if smaller:
        form.funds["score"] = FieldHit("score", rate.text, rate.line, None, rate.distance, rate.cell)
        del form.funds["rate"]
