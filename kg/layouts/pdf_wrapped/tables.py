"""Money tables of family E: project rows (项目支出表), purchased services (政府购买服务), classification codes.

Rows of these tables end with a line of amount cells; every wrapped cell before it is joined back and the row is
read by its code patterns (7-digit function code, 5xxxx government and 3xxxx department economic codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.layouts.pdf_wrapped.text import NUMBER, Line, Section, despace, join_wrapped, numbers_of
from kg.model import Classification, Provenance

# A classification code followed by its name: 2010301-行政运行, 50299-其他商品和服务支出, 30299-….
CODE_DASH = re.compile(r"(?<![0-9A-Za-z])(\d{7}|[35]\d{4})-")
# What every CODE_DASH match ends with (a quick test that a text can hold none).
FIVE_DIGITS_DASH = re.compile(r"\d{5}-")
# A function code printed as code then name (一般公共预算支出表): "2010301 行政运行 351.74".
CODE_SPACE_NAME = re.compile(r"^(\d{7})\s+([^\d\s]+)\s+[\d.]")
# The last amount cell of a joined row (the whole number: not preceded by a digit, comma or point).
LAST_NUMBER = re.compile(r"(?<![\d,.])[+-]?\d[\d,]*(?:\.\d+)?\s*$")
# Row code of a purchased-service line: A0501, B1203.
PURCHASE_CODE = re.compile(r"^[A-Z]\d{2,}$")
# Column titles of a project table header, stripped off the first row (longest first).
PROJECT_HEADER_WORDS = tuple(sorted((
    "项目名称", "项目单位", "项目", "名称", "支出功能分类科目", "支出功能分类", "政府支出经济分类科目", "政府支出经济分类",
    "部门支出经济分类科目", "部门支出经济分类", "经济分类科目", "科目", "合计", "总计", "本年拨款", "财政拨款结转结余",
    "财政拨款", "上年结转", "结转结余", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金",
    "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", "其他资金", "资金来源",
    "本年预算", "预算数", "小计", "其中", "单位", "金额",
), key=len, reverse=True))
SCHEME_BY_DIGITS = {"5": "econ_gov", "3": "econ_dept"}


@dataclass
class CodedName:
    scheme: str
    code: str
    name: str


@dataclass
class MoneyRow:
    """A joined table row: leading text (a name), codes with names, amount cells, source lines."""

    text: str
    codes: list[CodedName]
    amounts: list[tuple[str, Decimal]]
    lines: list[Line] = field(default_factory=list)

    def code(self, scheme: str) -> CodedName | None:
        return next((c for c in self.codes if c.scheme == scheme), None)

    @property
    def line_start(self) -> int:
        return self.lines[0].no

    @property
    def line_end(self) -> int:
        return self.lines[-1].no


def scheme_of(code: str) -> str:
    return "function" if len(code) == 7 else SCHEME_BY_DIGITS.get(code[0], "econ_gov")


def rows_by_numeric_tail(lines: list[Line]) -> tuple[list[list[Line]], list[Line]]:
    """Group lines into rows, each closed by a line whose last cell is an amount; also the unclosed rest."""
    rows: list[list[Line]] = []
    cur: list[Line] = []
    number = NUMBER.match  # is_number inlined
    for ln in lines:
        cur.append(ln)
        last = ln.text.rsplit(None, 1)  # the last token, without splitting the whole line
        if last and number(last[-1]):
            rows.append(cur)
            cur = []
    return rows, cur


def money_row(lines: list[Line]) -> MoneyRow:
    """Joined row → leading text, coded names and the amount cells of its tail."""
    joined = join_wrapped([ln.text for ln in lines])
    head = numeric_tail_start(joined)
    amounts = numbers_of(joined[len(head):])
    parts = CODE_DASH.split(head)
    return MoneyRow(parts[0].strip(), _coded_names(parts), amounts, lines)


def coded_names(joined: str) -> list[CodedName]:
    """``money_row(lines).codes`` for the lines' joined text, without reading the amounts."""
    parts = CODE_DASH.split(joined)  # only the text after the last code can hold the amount cells
    parts[-1] = numeric_tail_start(parts[-1])
    return _coded_names(parts)


def _coded_names(parts: list[str]) -> list[CodedName]:
    return [CodedName(scheme_of(parts[i]), parts[i], despace(parts[i + 1])) for i in range(1, len(parts) - 1, 2)]


def numeric_tail_start(text: str) -> str:
    """The text before the row's closing run of amount cells (the last may be glued to a name: 支出13.81).

    Read a cell at a time from the end: a cell that is all amount is cut and the next one read; an amount glued to
    the end of a cell is cut and reading stops (a number never spans a space)."""
    head = text.rstrip()
    while head:
        body = head.rstrip()
        cell = body.rsplit(None, 1)[-1] if body else ""
        m = LAST_NUMBER.search(cell) if cell and (cell[-1].isdecimal() or cell[-1] == ",") else None
        if not m:
            return head
        start = len(body) - len(cell)
        if m.start():
            return head[: start + m.start()]
        head = head[:start]
    return head


def strip_header_words(text: str, words: tuple[str, ...] = PROJECT_HEADER_WORDS) -> str:
    """Drop the header's column titles that precede the first row's name in the joined text."""
    t = despace(text)
    changed = True
    while changed and t:
        changed = False
        for w in words:
            if t.startswith(w) and len(t) > len(w):
                t = t[len(w):]
                changed = True
                break
    return t


def project_rows(section: Section) -> tuple[list[MoneyRow], MoneyRow | None, list[str]]:
    """项目支出表 → project rows (name, codes, amounts), the 合计 row, and problems found."""
    groups, rest = rows_by_numeric_tail(section.lines)
    problems = [f"line {rest[0].no}: unfinished row at end of {section.label}"] if rest and groups else []
    rows: list[MoneyRow] = []
    total = None
    for k, g in enumerate(groups):
        row = money_row(g)
        name = despace(row.text)
        if k == 0:
            name = strip_header_words(name)
        if name.startswith(("合计", "总计")) and not row.codes:
            total = row
            continue
        if not row.codes or not row.amounts:
            problems.append(f"line {row.line_start}: row without codes or amounts skipped in {section.label}")
            continue
        row.text = name
        rows.append(row)
    return rows, total, problems


@dataclass
class Purchase:
    """A purchased-service line: catalogue code, catalogue name, item name, function code, amount."""

    code: str
    catalogue: str | None
    item: str
    function: CodedName | None
    amount: Decimal | None
    amount_text: str
    lines: list[Line]


def purchases(section: Section) -> list[Purchase]:
    """政府购买服务表 rows: each starts at a line whose first cell is a catalogue code (A0501)."""
    groups: list[list[Line]] = []
    for ln in section.lines:
        toks = ln.tokens
        if toks and PURCHASE_CODE.match(toks[0]):
            groups.append([ln])
        elif groups:
            groups[-1].append(ln)
    out = []
    for g in groups:
        code, _, first_rest = g[0].text.partition(" ")
        row = money_row([Line(g[0].no, first_rest, g[0].page_start), *g[1:]])
        label = despace(row.text)
        catalogue, sep, item = label.partition("-")
        amount_text, amount = row.amounts[-1] if row.amounts else ("", None)
        out.append(Purchase(code, catalogue if sep else None, item if sep else label,
                            row.code("function"), amount, amount_text, g))
    return out


def may_print_code_dash(lines: list[Line]) -> bool:
    """Whether a joined row of these lines could hold a CODE_DASH match: a match has no space in it, so it lies in
    the lines' text glued without separators, as five digits and a dash at least."""
    glued = "".join([ln.text for ln in lines])
    return "-" in glued and FIVE_DIGITS_DASH.search(glued) is not None


def classifications(section: Section, file: str) -> list[Classification]:
    """Every code+name pair a table prints (2010301-行政运行; 2010301 行政运行)."""
    if not may_print_code_dash(section.lines):  # then only the lines printing code and name can hold one
        return _spaced_codes(section.lines, section.label, file)
    out: list[Classification] = []
    groups, rest = rows_by_numeric_tail(section.lines)
    for g in [*groups, rest] if rest else groups:
        # a coded name (CODE_DASH) needs its dash, and its code before it, in the joined row; most rows print none
        joined = join_wrapped([ln.text for ln in g])  # holds a "-" exactly when one of the lines does
        if "-" in joined and CODE_DASH.search(joined):
            prov = Provenance(file, section.label, g[0].no, g[-1].no)
            out.extend(Classification(c.scheme, c.code, c.name, prov) for c in coded_names(joined) if c.name)
        out.extend(_spaced_codes(g, section.label, file))
    return out


def _spaced_codes(lines: list[Line], label: str, file: str) -> list[Classification]:
    """The lines printing a function code, a space and its name (2010301 行政运行 351.74)."""
    out = []
    for ln in lines:
        m = CODE_SPACE_NAME.match(ln.text) if ln.text[:1].isdigit() else None  # the pattern opens with a digit
        if m:
            out.append(Classification("function", m.group(1), m.group(2), Provenance(file, label, ln.no, ln.no)))
    return out
