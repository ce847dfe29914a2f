"""Family A, step 4: the department-wide table (表十四 部门整体支出绩效目标申报表) → department indicators.

The indicator part starts at the header row naming 活动 / 指标性质. 活动 and project are merged cells printed on
the first row of their group and filled down. Each row is realigned on its operator cell; the value is the
first filled cell after the operator and the unit the last (merged value cells make the unit drift a column
left after a page break). A row with neither operator nor 二级 label continues the row above (a cut-off cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.layouts.tabbed.forms import completes_label, is_label
from kg.layouts.tabbed.tables import Row, Table, choose_field, realign
from kg.model import DepartmentIndicator, ParseWarning, Provenance
from kg.normalize import clean_text, normalize_op, split_value_unit

# Standard columns of the indicator part, used where the header row names none.
DEFAULT_COLUMNS: dict[str, int | None] = {"activity": 1, "project": 2, "l2": 3, "l3": 4, "op": 5, "value": 6}
TEXT_FIELDS = ("activity", "project", "l3")


@dataclass
class DeptColumns:
    activity: int
    project: int | None  # None where the table has no project column
    l2: int
    l3: int
    op: int
    value: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def find_header(table: Table) -> tuple[int, DeptColumns] | None:
    """Index of the indicator header row and the columns it names."""
    for idx, row in enumerate(table.rows):
        texts = [clean_text(c) or "" for c in row.cells]
        if any("指标性质" in t or t == "性质" for t in texts) and any("活动" in t for t in texts):
            d = dict(DEFAULT_COLUMNS)
            for i, t in enumerate(texts):
                if "活动" in t:
                    d["activity"], d["project"] = i, i + 1
                elif "绩效指标" in t or t == "指标":
                    d["l2"], d["l3"] = i, i + 1
                elif "性质" in t:
                    d["op"] = i
                elif "指标值" in t:
                    d["value"] = i
            if d["project"] is not None and d["project"] >= d["l2"]:
                d["project"] = None
            return idx, DeptColumns(**d)
    return None


def value_and_unit(cells: list[str], op_col: int) -> tuple[str | None, str | None]:
    """First filled cell after the operator = value; last one (if another) = unit."""
    tail = [(i, clean_text(c)) for i, c in enumerate(cells) if i > op_col and clean_text(c)]
    if not tail:
        return None, None
    if len(tail) == 1:
        i, t = tail[0]
        if i == op_col + 1 or any(ch.isdigit() for ch in t or ""):
            return split_value_unit(t)
        return None, split_value_unit(None, t)[1]
    return split_value_unit(tail[0][1], tail[-1][1])


@dataclass
class DeptParser:
    file: str
    table_key: str
    cols: DeptColumns
    records: list[DepartmentIndicator] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    activity: str | None = None
    project: str | None = None
    # The last record's cells right of the operator as printed (column → text): a page break may cut the
    # value or unit, and they are split only once joined (``2023 年`` + ``11 月底前`` is one date).
    raw_tail: dict[int, str] = field(default_factory=dict)

    def feed(self, row: Row) -> None:
        cells = row.cells
        op_at = next((i for i, c in enumerate(cells) if normalize_op(c) is not None), None)
        if op_at is not None and op_at != self.cols.op:
            cells = realign(cells, op_at, self.cols.op)
            self.warnings.append(ParseWarning("realigned_row", "department-table row realigned on its operator",
                                              self.file, row.line))
        get = _getter(cells)
        has_value = any(get(i) for i in range(self.cols.op + 1, len(cells)))
        if op_at is None and not (is_label(get(self.cols.l2)) and has_value):
            self._continue(cells, row)  # the tail of a cut 二级 label (度指标) comes without a value
            return
        if get(self.cols.activity):
            self.activity = get(self.cols.activity)
        if get(self.cols.project):
            self.project = get(self.cols.project)
        value, unit = value_and_unit(cells, self.cols.op)
        self.raw_tail = {i: cells[i] for i in range(self.cols.op + 1, len(cells)) if get(i)}
        self.records.append(DepartmentIndicator(
            activity=self.activity, project=self.project, l2=get(self.cols.l2), l3=get(self.cols.l3),
            op=normalize_op(get(self.cols.op)), value=value, unit=unit,
            text="\t".join(c.strip() for c in cells if c.strip()),
            provenance=Provenance(self.file, self.table_key, row.line, row.line)))

    def _continue(self, cells: list[str], row: Row) -> None:
        get = _getter(cells)
        frags = [(i, get(i)) for i in range(len(cells)) if get(i)]
        if not frags:
            return
        if not self.records:
            self.warnings.append(ParseWarning("orphan_fragment", "text before any indicator row skipped",
                                              self.file, row.line))
            return
        rec = self.records[-1]
        for i, text in frags:
            rec.text += "\n" + (text or "")
            if i > self.cols.op:
                self._join_tail(rec, i, text or "")
                continue
            if i == self.cols.l2 and completes_label(rec.l2, text):
                rec.l2 = f"{rec.l2}{text}"
                continue
            cols = self.cols.as_dict()
            f = choose_field(i, text or "", {k: (cols[k], getattr(rec, k)) for k in TEXT_FIELDS if cols[k] is not None})
            setattr(rec, f, clean_text((getattr(rec, f) or "") + (text or "")))
            if f in ("activity", "project"):
                setattr(self, f, getattr(rec, f))
        if rec.provenance:
            rec.provenance.line_end = row.line
        self.warnings.append(ParseWarning("page_break_join", "department-table cell continued on this row joined "
                                          "to the row above", self.file, row.line))


    def _join_tail(self, rec: DepartmentIndicator, col: int, text: str) -> None:
        """A value / unit fragment: append it to the printed cell it continues and split value and unit again."""
        tail = self.raw_tail
        if tail and col not in tail and col != self.cols.op + 1:
            col = max(tail)  # the unit drifts a column between the 9- and 8-cell rows
        tail[col] = tail.get(col, "") + text
        cells = [tail.get(i, "") for i in range(max(tail) + 1)]
        rec.value, rec.unit = value_and_unit(cells, self.cols.op)


def _getter(cells: list[str]):
    def get(i: int | None) -> str | None:
        return clean_text(cells[i]) if i is not None and 0 <= i < len(cells) else None
    return get


def parse_department(table: Table, file: str) -> tuple[list[DepartmentIndicator], list[ParseWarning]]:
    """表十四 → department indicators in printed order, with warnings."""
    found = find_header(table)
    if found is None:
        return [], [ParseWarning("no_indicator_header", f"{table.key}: no 活动/指标性质 header row", file, table.line)]
    idx, cols = found
    parser = DeptParser(file, table.key, cols)
    for row in table.rows[idx + 1:]:
        parser.feed(row)
    return parser.records, parser.warnings
