"""Form rows (12表) → Projects with their indicators, owners decided by :mod:`numbered_tables_assign`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.layouts.numbered_tables.assign import (
    MONEY_UNITS,
    Candidate,
    DeptRow,
    Item,
    Ownership,
    assign_owners,
    match_dept_rows,
)
from kg.layouts.numbered_tables.forms import FormRow
from kg.layouts.numbered_tables.grid import split_code_name
from kg.model import DepartmentIndicator, Indicator, Project, Provenance
from kg.normalize import parse_decimal, to_yuan

# A displaced row whose owner was decided with confidence below this gets a warning.
WARN_CONFIDENCE_BELOW = 0.75


@dataclass
class ProjectBlock:
    """A project's own row(s) in the form table and the form-row indices it owns."""

    project: Project
    head_rows: list[int] = field(default_factory=list)


def project_blocks(rows: Sequence[FormRow], unit: str, src_name: str, table: str) -> list[ProjectBlock]:
    """One block per distinct project row; a project row repeated right after itself (a merged cell printed
    again after a page break) joins the same block."""
    blocks: list[ProjectBlock] = []
    for n, fr in enumerate(rows):
        if not fr.is_project_row:
            continue
        code, name = split_code_name(fr.name_cell)
        if blocks and (blocks[-1].project.name, blocks[-1].project.code) == (name, code):
            blocks[-1].head_rows.append(n)
            continue
        amount = to_yuan(parse_decimal(fr.amount_text), unit)
        p = Project(name=name or "", amount=amount, amount_text=fr.amount_text or "", code=code, goal=fr.goal,
                    provenance=Provenance(src_name, table, fr.line, fr.row.last_line))
        blocks.append(ProjectBlock(p, [n]))
    return blocks


def candidates(blocks: Sequence[ProjectBlock]) -> list[Candidate]:
    return [Candidate(b.project.name, (b.project.name or "") + (b.project.goal or ""), b.project.amount,
                      b.head_rows[0], b.head_rows[-1]) for b in blocks]


def items_of(rows: Sequence[FormRow], blocks: Sequence[ProjectBlock]) -> tuple[list[Item], list[int]]:
    """Assignment items (indicator rows) and, for each, its form-row index."""
    head_of = {n: k for k, b in enumerate(blocks) for n in b.head_rows}
    items: list[Item] = []
    index: list[int] = []
    for n, fr in enumerate(rows):
        if fr.has_indicator:
            items.append(Item(n, fr.l1, fr.l2, fr.l3, fr.op, fr.value, fr.unit, head_of.get(n)))
            index.append(n)
    return items, index


def dept_rows(dept: Sequence[DepartmentIndicator]) -> list[DeptRow]:
    return [DeptRow(d.l3, d.op, d.value, d.unit, d.activity, d.project) for d in dept]


def attach_indicators(rows: Sequence[FormRow], blocks: Sequence[ProjectBlock], items: Sequence[Item],
                      index: Sequence[int], owners: Sequence[Ownership], src_name: str, table: str) -> None:
    """Put each indicator row under its owner (in line order) and widen the project's line span."""
    for it, n, own in zip(items, index, owners, strict=True):
        fr = rows[n]
        ind = Indicator(it.l1, it.l2, it.l3, it.op, it.value, it.unit, fr.direction, text=fr.text,
                        provenance=Provenance(src_name, table, fr.line, fr.row.last_line),
                        link_method=own.method, confidence=own.confidence)
        p = blocks[own.project].project
        p.indicators.append(ind)
        if p.provenance is not None:
            p.provenance.line_start = min(p.provenance.line_start or fr.line, fr.line)
            p.provenance.line_end = max(p.provenance.line_end or fr.row.last_line, fr.row.last_line)


def build_projects(rows: Sequence[FormRow], dept: Sequence[DepartmentIndicator], unit: str, src_name: str,
                   table: str) -> tuple[list[Project], list[tuple[str, str, int | None, str]]]:
    """Projects with indicators, and notes (kind, message, line, severity) on every inferred owner."""
    blocks = project_blocks(rows, unit, src_name, table)
    notes: list[tuple[str, str, int | None, str]] = []
    items, index = items_of(rows, blocks)
    if not blocks:
        if items:
            notes.append(("orphan_indicators", f"{table}: {len(items)} indicator rows but no project row",
                          rows[index[0]].line, "warning"))
        return [], notes
    owners = assign_owners(items, candidates(blocks), dept_rows(dept))
    attach_indicators(rows, blocks, items, index, owners, src_name, table)
    for it, n, own in zip(items, index, owners, strict=True):
        above = max((k for k, b in enumerate(blocks) if b.head_rows[0] <= it.pos), default=0)
        if own.project != above:
            notes.append(("merged_cell_repair", f"{table} row '{it.l3}' printed in the block of "
                          f"'{blocks[above].project.name}' assigned to '{blocks[own.project].project.name}' "
                          f"by {own.method} (confidence {own.confidence})", rows[n].line, "info"))
        if own.confidence < WARN_CONFIDENCE_BELOW:
            notes.append(("indicator_owner_uncertain", f"{table} row '{it.l3}': owner "
                          f"'{blocks[own.project].project.name}' decided by {own.method} only "
                          f"(confidence {own.confidence})", rows[n].line, "warning"))
    notes.extend(dept_table_differences(items, index, rows, dept, table))
    notes.extend(cost_differences(blocks, table))
    return [b.project for b in blocks], notes


def dept_table_differences(items: Sequence[Item], index: Sequence[int], rows: Sequence[FormRow],
                           dept: Sequence[DepartmentIndicator], table: str) -> list[tuple[str, str, int | None, str]]:
    """13表 rows that restate a 12表 row with another operator, value or unit (audit findings, as info)."""
    out: list[tuple[str, str, int | None, str]] = []
    matches = match_dept_rows(items, dept_rows(dept))
    for i, d in sorted(matches.items()):
        it, dr = items[i], dept[d]
        diffs = [f"{k} {a!r}≠{b!r}" for k, a, b in (("op", it.op, dr.op), ("value", it.value, dr.value),
                                                    ("unit", it.unit, dr.unit)) if a != b]
        if diffs:
            line = dr.provenance.line_start if dr.provenance else None
            out.append(("dept_table_mismatch", f"'{dr.l3}' (line {line}) restates {table} line "
                        f"{rows[index[i]].line} with {', '.join(diffs)}", line, "info"))
    for d, dr in enumerate(dept):
        if d not in matches.values():
            line = dr.provenance.line_start if dr.provenance else None
            out.append(("dept_row_unmatched", f"'{dr.l3}' matches no {table} indicator row", line, "info"))
    return out


def cost_differences(blocks: Sequence[ProjectBlock], table: str) -> list[tuple[str, str, int | None, str]]:
    """成本 indicators in 元/万元 whose value is not the project's own amount (as info)."""
    out: list[tuple[str, str, int | None, str]] = []
    for b in blocks:
        p = b.project
        for ind in p.indicators:
            if "成本" not in (ind.l1 or "") + (ind.l2 or "") or ind.unit not in MONEY_UNITS or p.amount is None:
                continue
            v = parse_decimal(ind.value)
            if v is not None and to_yuan(v * MONEY_UNITS[ind.unit], "元") != p.amount:
                line = ind.provenance.line_start if ind.provenance else None
                out.append(("cost_indicator_mismatch", f"'{p.name}': cost target {ind.op}{ind.value}{ind.unit} "
                            f"differs from its amount {p.amount_text}", line, "info"))
    return out

