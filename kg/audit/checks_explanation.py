"""The 说明 against the tables and against itself (kinds ``explanation.*``), and the per-document note of
what the table checks could not check (``tables.not_checked``).

Only this year's statements are compared: a clause that names another year, 上年, or compares (比 …) is
not this year's figure. Amounts are compared in yuan within the printed precision of both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.audit.checks_sanggong import sanggong_groups
from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.tables_base import UNIT_YUAN, checked, doc_tables, skipped
from kg.audit.tolerances import YUAN_EPSILON
from kg.tables import vocab as V
from kg.tables.model import Amount, StdTable

_NUM = r"\d[\d,，]*(?:\.\d+)?"
# "A 万元，比 … 增加 C 万元" (no base printed): the base A − C must not be negative.
CHANGE_NO_BASE = re.compile(rf"(?P<a>{_NUM})(?P<u>万元|元)[，,]?比(?P<ctx>[^，。；\d]*(?:\d{{4}}年度?)?[^，。；\d]*?)"
                            rf"(?P<dir>增加|增长|减少|下降)(?P<c>{_NUM})(?:万元|元)")
# "A 万元，比 … B 万元 增加/减少 C 万元" / "… 持平": the direction must fit A and B.
_NO_CHANGE_WORD = r"(?:(?!增加|减少|增长|下降|降低|持平)[^，。；%])"
CHANGE_WITH_BASE = re.compile(rf"(?P<a>{_NUM})(?P<u>万元|元)[，,]?(?:比|较)(?P<ctx>{_NO_CHANGE_WORD}*?)(?P<b>{_NUM})(?:万元|元)"
                              rf"[，,]?(?P<dir>增加|增长|减少|下降|降低|持平)")
# A base printed as 0 and a rate of it: "年初预算为0万元 … 完成年初预算的95.89%", "比上年0万元增长12%".
ZERO_BASE_RATE = re.compile(r"(?:预算|上年|基数)(?:数)?(?:为|是)?0(?:\.0+)?(?:万元|元)[^。；]*?"
                            r"(?:完成(?:年初)?预算的?|增长|下降|增加|减少)(?P<p>\d+(?:\.\d+)?)%")
PLACEHOLDER = re.compile(r"(?<![A-Za-z\d\-])(?:[XＸ×]{2,}|[xｘ]{2,})(?![A-Za-z])|待填写|待补充|此处填写")
CITED_NUMBER = re.compile(r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]|\d{4}\s*年\s*\d{1,2}\s*月|\d{4}-\d{4}")
TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年?度?\s*(?:部门|单位)?(?:预算|决算)")
_SG_TAIL = rf"(?:支出)?(?:预算|决算)?数?(?:为|是)?(?P<a>{_NUM})(?P<u>万元|元)"
# This year's figures stated in the 说明: (what, table kind, table figure).
STATEMENTS: list[tuple[str, re.Pattern[str]]] = [
    ("income", re.compile(rf"(?:收入预算|收入总计|收支总计|收入支出总计|本年收入合计|收入决算)(?:总额)?(?:为|是|共计?|合计)?(?P<a>{_NUM})"
                          rf"(?P<u>万元|元)")),
    ("expense", re.compile(rf"(?:支出预算|支出总计|收入支出总计|本年支出合计|支出决算)(?:总额)?(?:为|是|共计?|合计)?(?P<a>{_NUM})"
                           rf"(?P<u>万元|元)")),
    ("basic", re.compile(rf"基本支出(?:预算|决算)?(?:为|是)?(?P<a>{_NUM})(?P<u>万元|元)")),
    ("project", re.compile(rf"项目支出(?:预算|决算)?(?:为|是)?(?P<a>{_NUM})(?P<u>万元|元)")),
    ("sg_total", re.compile(rf"三公经费(?:财政拨款)?(?:预算|决算|支出){{0,2}}(?:数)?(?:安排|为|共计?)?(?P<a>{_NUM})(?P<u>万元|元)")),
    ("sg_abroad", re.compile(rf"因公出国[（(]境[)）](?:经)?费用?{_SG_TAIL}")),
    ("sg_reception", re.compile(rf"公务接待费{_SG_TAIL}")),
    ("sg_car", re.compile(rf"公务用?车购置及运行(?:维护)?费{_SG_TAIL}")),
    ("sg_car_purchase", re.compile(rf"公务用车购置费{_SG_TAIL}")),
    ("sg_car_run", re.compile(rf"公务用?车(?:用车)?运行(?:维护)?费{_SG_TAIL}")),
    ("running", re.compile(rf"机关运行经费(?:财政拨款)?(?:预算|支出|决算)?(?:安排|支出)?(?:为|是|共计?)?(?P<a>{_NUM})"
                           rf"(?P<u>万元|元)")),
    ("procurement", re.compile(rf"政府采购(?:预算|支出)(?:总额)?(?:共计?|为|是)?(?P<a>{_NUM})(?P<u>万元|元)")),
]


# A heading naming one item alone, and the opening of the paragraph under it that states its figure.
HEADED_ITEMS: list[tuple[str, re.Pattern[str]]] = [
    ("sg_abroad", re.compile(r"因公出国[（(]境[)）](?:经)?费用?")),
    ("sg_reception", re.compile(r"公务接待费")),
    ("sg_car", re.compile(r"公务用?车购置及运行(?:维护)?费")),
    ("running", re.compile(r"机关运行经费(?:预算|支出)?(?:安排)?(?:情况)?(?:说明)?")),
]
HEADED_AMOUNT = re.compile(rf"^(?:(?:19|20)\d\d年度?)?[^，。；\d]{{0,20}}?(?:预算安排|安排|预算为|预算数为|决算为|支出)"
                           rf"(?P<a>{_NUM})(?P<u>万元|元)")
FIGURE_NAMES = {"sg_total": "三公经费", "sg_abroad": "因公出国(境)费", "sg_reception": "公务接待费",
                "sg_car": "公务用车购置及运行费", "sg_car_purchase": "公务用车购置费", "sg_car_run": "公务用车运行费",
                "running": "机关运行经费", "procurement": "政府采购", "income": "收入", "expense": "支出",
                "basic": "基本支出", "project": "项目支出"}

# A paragraph about a part of the spending (财政拨款, one fund, one 类/款/项): its 支出决算 is not the total.
ITEM_SUBJECT = re.compile(r"[（(][类款项][)）]")  # a numbered heading naming one 类/款/项
HEADING_CHARS = 60  # a paragraph this short before a statement is its heading ("1、…（类）…（项）。")
PART_SUBJECT = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|[（(][类款项][)）]|三公|机关运行|会议费|培训费")
# A stated figure's keyword follows one of these (or starts the line): 2024年收入预算, 部门支出总计, （一）…
STATEMENT_AFTER = set("年度门位：:，,。；;（）()、.．")


def _dec(s: str) -> Decimal:
    return Decimal(re.sub(r"[,，]", "", s))


def _half(s: str) -> Decimal:
    t = re.sub(r"[,，]", "", s)
    return Decimal(1).scaleb(-(len(t.split(".", 1)[1]) if "." in t else 0)) / 2


_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d{1,2}(?:、|[.．](?!\d))|第[一二三四五六七八九十]+部分|表)")
_ENDS = ("。", "；", "：", ":", ";")


def _paragraphs(ad: AuditDoc) -> list[tuple[list[int], str]]:
    """The prose as paragraphs, a PDF's wrapped lines joined (blank lines between them skipped), each with the
    1-based source line of every character (for evidence). Table rows (with tabs) are left out."""
    out: list[tuple[list[int], str]] = []
    lines: list[int] = []
    text = ""
    for n, raw in enumerate(ad.lines, start=1):
        line = re.sub(r"[\s“”\"]+", "", raw)
        if not line:
            continue
        if "\t" in raw or text.endswith(_ENDS) or _HEADING.match(line) or len(text) > 2000:
            if text:
                out.append((lines, text))
            lines, text = [], ""
            if "\t" in raw:
                continue
        lines += [n] * len(line)
        text += line
    if text:
        out.append((lines, text))
    return out


def _squeezed(ad: AuditDoc) -> Iterator[tuple[int, str]]:
    """(line, text) per paragraph; see :func:`_at` for the line of a match inside it."""
    for lines, text in _paragraphs(ad):
        ad.__dict__.setdefault("_para_lines", {})[text] = lines
        yield lines[0], text


def _at(ad: AuditDoc, text: str, pos: int) -> int:
    lines = ad.__dict__.get("_para_lines", {}).get(text)
    return lines[min(pos, len(lines) - 1)] if lines else 0


def check_changes(ad: AuditDoc) -> Iterator[Finding]:
    """增加 / 减少 / 持平 against the amounts; a change larger than the amount it led to."""
    for _n, line in _squeezed(ad):
        for m in CHANGE_WITH_BASE.finditer(line):
            a, b, d = _dec(m.group("a")), _dec(m.group("b")), m.group("dir")
            tol = _half(m.group("a")) + _half(m.group("b"))
            wrong = (d in ("增加", "增长") and a < b - tol) or (d in ("减少", "下降", "降低") and a > b + tol) \
                or (d == "持平" and abs(a - b) > tol)
            if wrong:
                yield ad.finding("explanation.direction", "error", None,
                                 f"the 说明 says {d} from {m.group('b')} to {m.group('a')} {m.group('u')}",
                                 [ad.ev_line(_at(ad, line, m.start()), "说明")], amount=str(a), base=str(b), stated=d)
        for m in CHANGE_NO_BASE.finditer(line):
            a, c = _dec(m.group("a")), _dec(m.group("c"))
            if m.group("dir") in ("增加", "增长") and c > a + _half(m.group("a")) + _half(m.group("c")):
                yield ad.finding("explanation.zero_base", "error", None,
                                 f"the 说明 gives {m.group('a')} {m.group('u')} as {m.group('dir')} {m.group('c')} "
                                 f"on the year before: the base would be {a - c} (negative)",
                                 [ad.ev_line(_at(ad, line, m.start()), "说明")], amount=str(a), change=str(c))
        for m in ZERO_BASE_RATE.finditer(line):
            if _dec(m.group("p")) > 0:
                yield ad.finding("explanation.zero_base", "error", None,
                                 f"the 说明 gives a rate of {m.group('p')}% of a base printed as 0",
                                 [ad.ev_line(_at(ad, line, m.start()), "说明")], rate=m.group("p"))


def check_placeholders(ad: AuditDoc) -> Iterator[Finding]:
    for _n, line in _squeezed(ad):
        m = PLACEHOLDER.search(line)
        if m:
            yield ad.finding("explanation.placeholder", "warning", None,
                             f"a placeholder {m.group(0)!r} is left in the text",
                             [ad.ev_line(_at(ad, line, m.start()))], text=m.group(0))


def check_years(ad: AuditDoc) -> Iterator[Finding]:
    """A table title, or the document's own heading, naming a year that is not the document's."""
    year = ad.doc.year
    if not year:
        skipped(ad).append("years in titles (the document's year was not read)")
        return
    first = [(n, re.sub(r"\s+", "", raw)) for n, raw in enumerate(ad.lines, start=1) if raw.strip()][:6]
    heads = [(n, line) for n, line in first if len(line) <= V.TITLE_MAX_CHARS and not re.search(r"[，。,比]", line)]
    heads += [(t.line, t.title) for t in doc_tables(ad)]
    for n, text in heads:
        text = CITED_NUMBER.sub("", text)
        for m in TITLE_YEAR.finditer(text):
            if int(m.group("y")) != year:
                yield ad.finding("explanation.year", "warning", None,
                                 f"the title names {m.group('y')} but the document is of {year}",
                                 [ad.ev_line(n)], printed=m.group("y"), year=str(year))


def _table_figures(ad: AuditDoc) -> dict[str, list[tuple[Amount, StdTable]]]:
    out: dict[str, list[tuple[Amount, StdTable]]] = {}
    for t in doc_tables(ad):
        if t.layout:
            continue
        if t.kind == "income_expense":
            for key, pats in (("income", (V.INCOME_TOTAL, V.INCOME_YEAR_TOTAL)),
                              ("expense", (V.EXPENSE_TOTAL, V.EXPENSE_YEAR_TOTAL))):
                for p in pats:
                    s = t.side_line(key, p)
                    if s and s.amount:
                        out.setdefault(key, []).append((s.amount, t))
        if t.kind == "expense" and (tr := t.total_row()) and t.positional:
            for key in ("basic", "project"):
                if key in tr.amounts:
                    out.setdefault(key, []).append((tr.amounts[key], t))
        if t.kind == "sanggong":
            for g in sanggong_groups(t):
                if g.other_year or any(y != str(ad.doc.year) for y in re.findall(r"(?:19|20)\d\d", g.label)):
                    continue  # 上年 / 2025年预算数: not this year's figure
                for item, amt in g.items.items():
                    out.setdefault(item, []).append((amt, t))
        if t.kind == "procurement" and (tr := t.total_row()) and tr.numbers:
            out.setdefault("procurement", []).append((tr.numbers[0], t))  # the 合计 column
        running = [r.amounts["running"] for r in t.rows if "running" in r.amounts]
        if t.kind == "running" and (tr := t.total_row()) and tr.numbers:
            out.setdefault("running", []).extend((a, t) for a in tr.numbers)
        elif t.kind != "running" and running:  # a column of 机关运行经费 beside the 三公 figures
            out.setdefault("running", []).append((running[0], t))
    return out


def _compare(ad: AuditDoc, figures: dict[str, list[tuple[Amount, StdTable]]], unread: set[str], key: str,
             a_text: str, unit: str, line: int) -> Finding | None:
    """The stated figure vs its table's figures: an error only when it equals none of them."""
    if key not in figures:
        unread.add(key)
        return None
    ya = _dec(a_text) * UNIT_YUAN[unit]
    diffs = []
    for amt, t in figures[key]:
        if t.unit not in UNIT_YUAN:
            break
        tol = _half(a_text) * UNIT_YUAN[unit] + amt.half_step * UNIT_YUAN[t.unit] + YUAN_EPSILON
        diffs.append(abs(ya - amt.value * UNIT_YUAN[t.unit]) > tol)
    checked(ad).append("explanation.amount")
    if not (diffs and len(diffs) == len(figures[key]) and all(diffs)):
        return None
    amt, t = figures[key][0]
    return ad.finding("explanation.amount", "error", None,
                      f"the 说明 states {FIGURE_NAMES.get(key, key)} {a_text} {unit}, the table {t.name} "
                      + " / ".join(f"{x.text or '(empty)'}" for x, _ in figures[key]) + f" {t.unit}",
                      [ad.ev_line(line, "说明"), ad.ev_line(amt.line, t.name)],
                      stated=str(_dec(a_text)), table=str(amt.value))


def _headed_statement(ad: AuditDoc, figures: dict[str, list[tuple[Amount, StdTable]]], unread: set[str],
                      prev: str, para: str, year: str) -> Finding | None:
    """A heading naming one item ("2. 公务接待费") and the paragraph under it opening with this year's figure
    ("2024 年财政拨款预算安排 1.104185 万元")."""
    candidates = []
    if _HEADING.match(para):  # "1.因公出国（境）费2024年财政拨款预算安排0万元" (heading and text joined)
        candidates.append((_HEADING.sub("", para), para))
    if len(prev) <= HEADING_CHARS and _HEADING.match(prev):
        candidates.append((_HEADING.sub("", prev).rstrip("。：:") + para, para))
    for text, where in candidates:
        for key, pat in HEADED_ITEMS:
            item = pat.match(text)
            m = HEADED_AMOUNT.match(text[item.end():].lstrip("。：:")) if item else None
            if m is None or any(y != year for y in re.findall(r"(?:19|20)\d\d", m.group(0))):
                continue
            pos = where.find(m.group(0)) + m.start("a")
            return _compare(ad, figures, unread, key, m.group("a"), m.group("u"), _at(ad, where, max(pos, 0)))
    return None


def check_statements(ad: AuditDoc) -> Iterator[Finding]:
    """Each figure of this year the 说明 states equals one of the figures its table prints for it."""
    figures = _table_figures(ad)
    year = str(ad.doc.year or "")
    unread: set[str] = set()
    paras = [line for _n, line in _squeezed(ad)]
    for i, line in enumerate(paras):
        prev = paras[i - 1] if i else ""  # the paragraph before this one (a heading), searched for its subject
        for key, pat in STATEMENTS:
            for m in pat.finditer(line):
                if key in ("income", "expense", "basic", "project") and m.start() \
                        and line[m.start() - 1] not in STATEMENT_AFTER and not line[m.start() - 1].isdigit():
                    continue  # 项目支出预算 is not 支出预算
                before = re.split(r"[。；;]", line[: m.start()])
                head = before[0] if _HEADING.match(line) and len(before) > 1 else ""  # "1.…（项）。" opening it
                head += prev if len(prev) <= HEADING_CHARS and _HEADING.match(prev) else ""
                if key in ("income", "expense", "basic", "project") and (
                        PART_SUBJECT.search(before[-1]) or ITEM_SUBJECT.search(head)):
                    continue  # a sentence (or the heading above it) on 财政拨款, one fund or one 类/款/项
                clause = re.split(r"[，。；,;]", line[: m.start()])[-1]
                years = re.findall(r"(?:19|20)\d\d", CITED_NUMBER.sub("", clause + m.group(0)[:4]))
                if "比" in clause or "上年" in clause or any(y != year for y in years) or "较" in clause:
                    continue
                f = _compare(ad, figures, unread, key, m.group("a"), m.group("u"), _at(ad, line, m.start("a")))
                if f:
                    yield f
        f = _headed_statement(ad, figures, unread, prev, line, year)
        if f:
            yield f
    for key in sorted(unread):
        skipped(ad).append(f"说明's {key} figure (no table of it was read)")


NOTE_HEAD_CHARS = 60  # the message quotes the first note cut to this; values["not_checked"] lists them all


def check_not_checked(ad: AuditDoc) -> Iterator[Finding]:
    """One info finding: what the table checks could not check here, and why (so nothing passes on nothing)."""
    notes = list(dict.fromkeys(skipped(ad)))
    found = {t.kind for t in doc_tables(ad) if not t.layout}
    for t in doc_tables(ad):
        if t.layout:
            notes.append(f"{t.name}: printed one cell a line; its rows were not read")
    unseen = [V.KIND_NAMES[k] for k in ("income_expense", "income", "expense", "general", "basic", "sanggong")
              if k not in found]
    if unseen:
        notes.append("no readable table of: " + ", ".join(unseen)
                     + " (not reported missing: it may be printed in a form not read here)")
    done = checked(ad)
    if not notes:
        notes.append("nothing: every identity found was checked")
    head = notes[0] if len(notes[0]) <= NOTE_HEAD_CHARS else notes[0][: NOTE_HEAD_CHARS - 1] + "…"
    yield ad.finding("tables.not_checked", "info", None,
                     f"{len(done)} table/说明 identities checked; {len(notes)} not checked, e.g. {head}", [],
                     checked=str(len(done)), not_checked="; ".join(notes))


CHECKS = [check_changes, check_placeholders, check_years, check_statements]
LAST = [check_not_checked]
