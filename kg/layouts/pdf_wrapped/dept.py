"""Department-wide target table of family E (部门整体支出绩效目标申报表): lines → activity groups → rows.

Columns: 活动, 绩效指标, 指标性质 (operator), 指标值, 度量单位. The 活动 cell is merged over its group and printed
before (or on the line of) the group's first row, possibly wrapped; every row belongs to the label above it
until the next label. Lines without an operator are labels unless they finish the previous row's wrapped value
or unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.layouts.pdf_wrapped.text import (
    GLUED_OPERATOR,
    L2_NAMES,
    L2_SUFFIX,
    L2_VOCAB,
    Line,
    Section,
    despace,
    extends_scale,
    is_plain_unit,
    operator_of,
    value_unit_of,
)
from kg.model import DepartmentIndicator, Provenance

# First header cell of the indicator grid.
HEADER_FIRST = "活动"
# Header cells that may wrap onto lines of their own after the header line.
# The line closing the table's free-text part.
OTHER_NOTES = "其他说明"
# Most pieces an indicator name is wrapped over.
MAX_NAME_PIECES = 4
HEADER_PIECES = frozenset({"绩效指标", "指标性质", "指标值", "度量单位", "度量", "单位", "指标", "性质", "值"})


@dataclass
class DeptRow:
    activity: str | None
    name: str | None
    op: str
    tail: list[str]
    lines: list[Line] = field(default_factory=list)


def grid_lines(section: Section) -> list[Line]:
    """Lines after the grid's header (the line opening with 活动 and any wrapped header pieces)."""
    start = next((i for i, ln in enumerate(section.lines) if despace(ln.tokens[0]) == HEADER_FIRST), None)
    if start is None:  # no header: the grid follows the 其他说明 line, else starts at the first operator line
        start = next((i for i, ln in enumerate(section.lines) if despace(ln.text).startswith(OTHER_NOTES)), None)
    if start is None:
        first_op = next((i for i, ln in enumerate(section.lines) if any(operator_of(t) for t in _tokens(ln))), None)
        return section.lines[first_op:] if first_op is not None else []
    i = start + 1
    while i < len(section.lines) and despace(section.lines[i].text) in HEADER_PIECES:
        i += 1
    return section.lines[i:]


def _tokens(ln: Line) -> list[str]:
    out: list[str] = []
    for t in ln.tokens:
        m = GLUED_OPERATOR.match(t)
        out.extend([m.group(1), m.group(2)] if m else [t])
    return out


def dept_rows(lines: list[Line], known_names: frozenset[str] = frozenset()) -> list[DeptRow]:
    """Grid lines → rows with their activity label. ``known_names`` (the target forms' indicator names) tell a
    wrapped indicator name's head lines from an activity label."""
    rows: list[DeptRow] = []
    pending: list[Line] = []
    activity: str | None = None
    for ln in lines:
        toks = _tokens(ln)
        op_at = next((i for i, t in enumerate(toks) if operator_of(t)), None)
        if op_at is None:
            if rows and not pending and _continues(rows[-1], ln.text):
                rows[-1].tail.append(ln.text)
                rows[-1].lines.append(ln)
            else:
                pending.append(ln)
            continue
        pre = toks[:op_at]
        label_parts = [t for p in pending for t in _tokens(p)]
        if len(pre) >= 2:
            label_parts += pre[:-1]
            name: str | None = pre[-1]
        elif pre:
            name = pre[0]
        else:
            name = label_parts.pop() if label_parts else None
        k = _known_head(label_parts, name, known_names)
        if k:
            name = "".join(label_parts[-k:]) + (name or "")
            del label_parts[-k:]
        elif label_parts and name and _wrapped_name(label_parts[-1], name):
            name = label_parts.pop() + name
        if label_parts:
            activity = despace("".join(label_parts))
        rows.append(DeptRow(activity, despace(name or "") or None, operator_of(toks[op_at]) or "",
                            toks[op_at + 1:], [*pending, ln]))
        pending = []
    return rows


def _known_head(parts: list[str], name: str | None, known: frozenset[str]) -> int:
    """How many trailing label pieces, joined with the row's name, spell a known indicator name (0: none)."""
    for k in range(min(len(parts), MAX_NAME_PIECES), 0, -1):
        if despace("".join(parts[-k:]) + (name or "")) in known:
            return k
    return 0


def _wrapped_name(before: str, name: str) -> bool:
    """Whether a label-looking line is the head of the row's wrapped indicator name (服务对象满意度 / 指标)."""
    joined = despace(before + name)
    if joined in L2_VOCAB or joined in L2_NAMES:
        return True
    return joined.endswith(L2_SUFFIX) and not despace(name).endswith(L2_SUFFIX)


def _continues(row: DeptRow, text: str) -> bool:
    """A line finishing the previous row: its missing or wrapped 定性 value, or its missing unit."""
    if row.op == "定性":
        return not row.tail or extends_scale("".join(row.tail), text)
    value, unit, _ = value_unit_of(row.op, row.tail)
    return value is not None and unit is None and len(row.tail) == 1 and is_plain_unit(despace(text))


def department_indicators(section: Section, file: str,
                          known_names: frozenset[str] = frozenset()) -> list[DepartmentIndicator]:
    out = []
    for r in dept_rows(grid_lines(section), known_names):
        value, unit, _ = value_unit_of(r.op, r.tail)
        prov = Provenance(file, section.label, r.lines[0].no, r.lines[-1].no)
        out.append(DepartmentIndicator(r.activity, None, None, r.name, r.op, value, unit,
                                       text="\t".join(ln.text for ln in r.lines), provenance=prov))
    return out
