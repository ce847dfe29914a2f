"""The figures the 说明 states for this year (kind ``explanation.amount``) against the tables: 收入, 支出, 基本支出,
项目支出, the 三公 total and each item, 机关运行经费 and 政府采购; and the split of a total the 说明 gives (kind
``explanation.parts``: 政府采购 = 货物 + 工程 + 服务).

Only this year's statements are compared: a clause that names another year, 上年, or compares (比 …) is not this
year's figure. A stated figure is wrong only when it equals none of the figures its table prints for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.audit.checks_sanggong import sanggong_groups
from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.paragraphs import CITED_NUMBER, HEADING, NUM, at, dec, half, squeezed
from kg.audit.tables_base import UNIT_YUAN, checked, doc_tables, skipped
from kg.audit.tolerances import STATED_MIN_DECIMALS, YUAN_EPSILON
from kg.tables import vocab as V
from kg.tables.model import Amount, StdTable

_SG_TAIL = rf"(?:支出)?(?:预算|决算)?数?(?:为|是)?(?P<a>{NUM})(?P<u>万元|元)"
# This year's figures stated in the 说明: (what, table kind, table figure).
STATEMENTS: list[tuple[str, re.Pattern[str]]] = [
    ("income", re.compile(rf"(?:收入预算|收入总计|收支总计|收入支出总计|本年收入合计|收入决算)(?:总额)?(?:为|是|共计?|合计)?(?P<a>{NUM})"
                          rf"(?P<u>万元|元)")),
    ("expense", re.compile(rf"(?:支出预算|支出总计|收入支出总计|本年支出合计|支出决算)(?:总额)?(?:为|是|共计?|合计)?(?P<a>{NUM})"
                           rf"(?P<u>万元|元)")),
    ("basic", re.compile(rf"基本支出(?:预算|决算)?(?:为|是)?(?P<a>{NUM})(?P<u>万元|元)")),
    ("project", re.compile(rf"项目支出(?:预算|决算)?(?:为|是)?(?P<a>{NUM})(?P<u>万元|元)")),
    ("sg_total", re.compile(rf"三公经费(?:财政拨款)?(?:预算|决算|支出){{0,2}}(?:数)?(?:安排|为|共计?)?(?P<a>{NUM})(?P<u>万元|元)")),
    ("sg_abroad", re.compile(rf"因公出国[（(]境[)）](?:经)?费用?{_SG_TAIL}")),
    ("sg_reception", re.compile(rf"公务接待费{_SG_TAIL}")),
    ("sg_car", re.compile(rf"公务用?车购置及运行(?:维护)?费{_SG_TAIL}")),
    ("sg_car_purchase", re.compile(rf"公务用车购置费{_SG_TAIL}")),
    ("sg_car_run", re.compile(rf"公务用?车(?:用车)?运行(?:维护)?费{_SG_TAIL}")),
    ("running", re.compile(rf"机关运行经费(?:财政拨款)?(?:预算|支出|决算)?(?:安排|支出)?(?:为|是|共计?)?(?P<a>{NUM})"
                           rf"(?P<u>万元|元)")),
    ("procurement", re.compile(rf"政府采购(?:预算|支出)(?:总额)?(?:共计?|为|是)?(?P<a>{NUM})(?P<u>万元|元)")),
]


# A part of a stated total named after it ("其中：…资金安排1,293,300.00元").
NAMED_PART = re.compile(rf"(?P<a>{NUM})(?P<u>万元|元)")
# Words that say a figure did not change, as 持平 does: "，与上年一致" / "与上年相同" / "与上年无变化".
SAME_WORDS = "一致|相同|相等|无变化|没有变化|保持不变|不变"
# What follows a figure to state its change on last year: "，比上年减少2.7万元" / "，较2025年预算增加7.594万元" / "，与上年持平".
CHANGE_AFTER = re.compile(rf"[，,]?(?:比|较|与)(?:上年|上一年|(?P<y>(?:19|20)\d\d)年)度?(?:年初)?(?:预算)?数?(?:相比)?[，,]?"
                          rf"(?P<dir>增加|减少|增长|下降|持平|{SAME_WORDS})了?(?:(?P<c>{NUM})(?P<u>万元|元))?")
# A heading naming one item alone, and the opening of the paragraph under it that states its figure.
HEADED_ITEMS: list[tuple[str, re.Pattern[str]]] = [
    ("sg_abroad", re.compile(r"因公出国[（(]境[)）](?:经)?费用?")),
    ("sg_reception", re.compile(r"公务接待费")),
    ("sg_car", re.compile(r"公务用?车购置及运行(?:维护)?费")),
    ("running", re.compile(r"机关运行经费(?:预算|支出)?(?:安排)?(?:情况)?(?:说明)?")),
]
HEADED_AMOUNT = re.compile(rf"^(?:(?:19|20)\d\d年度?)?[^，。；\d]{{0,20}}?(?:预算安排|安排|预算为|预算数为|决算为|支出)"
                           rf"(?P<a>{NUM})(?P<u>万元|元)")
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



def _table_figures(ad: AuditDoc) -> dict[str, list[tuple[Amount, StdTable]]]:
    out: dict[str, list[tuple[Amount, StdTable]]] = {}
    for t in doc_tables(ad):
        if t.layout:
            continue
        if t.kind == "income_expense":
            for key, pats in (("income", (V.INCOME_TOTAL, V.INCOME_YEAR_TOTAL, V.INCOME_SUM)),
                              ("expense", (V.EXPENSE_TOTAL, V.EXPENSE_YEAR_TOTAL, V.EXPENSE_SUM))):
                for p in pats:
                    s = t.side_line(key, p)
                    if s and s.amount:
                        out.setdefault(key, []).append((s.amount, t))
        if t.kind == "expense" and (tr := t.total_row()) and t.positional:
            for key in ("basic", "project"):
                if key in tr.amounts:
                    out.setdefault(key, []).append((tr.amounts[key], t))
        if t.kind == "sanggong":
            groups = sanggong_groups(t)
            last = list({g.label: g for g in reversed(groups) if _last_year(g.label, ad.doc.year)}.values())
            for g in last if len(last) == 1 else []:  # one group of last year's figures: what a change is from
                for item, amt in g.items.items():
                    out.setdefault(f"last:{item}", []).append((amt, t))
            for g in groups:
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


def _last_year(label: str, year: int | None) -> bool:
    years = set(re.findall(r"(?:19|20)\d\d", label))
    return bool(V.SANGGONG_LAST_YEAR.search(label)) and not years or bool(year) and years == {str((year or 0) - 1)}


def _change(ad: AuditDoc, figures: dict[str, list[tuple[Amount, StdTable]]], key: str, m: re.Match[str],
            line: str, year: str) -> Finding | None:
    """"A 万元，比上年减少 C 万元" after a figure that agrees with its table: the table's last-year figure L must give
    the word (A − L < 0 for 减少, > 0 for 增加, 0 for 持平) and the amount (|A − L| = C)."""
    c = CHANGE_AFTER.match(line, m.end()) or _change_later(line, m.end(), year)
    last = figures.get(f"last:{key}", [])
    if c is None or len(last) != 1 or (c.group("y") and year and int(c.group("y")) != int(year) - 1) \
            or (c.group("c") is not None) != (c.group("u") is not None):
        return None
    (amt, t), unit = last[0], m.group("u")
    if t.unit not in UNIT_YUAN:
        return None
    diff = dec(m.group("a")) * UNIT_YUAN[unit] - amt.value * UNIT_YUAN[t.unit]
    tol = _stated_half(m.group("a")) * UNIT_YUAN[unit] + amt.half_step * UNIT_YUAN[t.unit] + YUAN_EPSILON
    if c.group("c"):
        tol += _stated_half(c.group("c")) * UNIT_YUAN[c.group("u")]
    d = "持平" if re.fullmatch(SAME_WORDS, c.group("dir")) else c.group("dir")
    wrong = (d in ("增加", "增长") and diff < -tol) or (d in ("减少", "下降") and diff > tol) \
        or (d == "持平" and abs(diff) > tol) \
        or (c.group("c") is not None and abs(abs(diff) - dec(c.group("c")) * UNIT_YUAN[c.group("u")]) > tol)
    checked(ad).append("explanation.change")
    if not wrong:
        return None
    return ad.finding("explanation.change", "error", None,
                      f"the 说明 states {FIGURE_NAMES.get(key, key)} {m.group('a')} {unit}, {d}"
                      f"{' ' + c.group('c') + ' ' + c.group('u') if c.group('c') else ''} on last year, but the table "
                      f"{t.name} prints {amt.text or '0'} {t.unit} for last year (change {diff / UNIT_YUAN[unit]} {unit})",
                      [ad.ev_line(at(ad, line, m.start("a")), "说明"), ad.ev_line(amt.line, t.name)],
                      stated=d + (c.group("c") or ""), table=str(amt.value))


# The change stated later in the sentence, after last year's figure: "…6,008.16元，2018年…30,508.16元，2019年比2018年减少24,500.00元"
CHANGE_LATER = re.compile(r"[，,](?:(?P<y0>(?:19|20)\d\d)年度?)?" + CHANGE_AFTER.pattern[len("[，,]?"):])


def _change_later(line: str, start: int, year: str) -> re.Match[str] | None:
    """A change clause later in the same sentence, when every figure between is in a clause naming last year."""
    end = line.find("。", start)
    c = CHANGE_LATER.search(line, start, end if end >= 0 else len(line))
    if c is None or not year or (c.group("y0") and c.group("y0") != year):
        return None
    for a in NAMED_PART.finditer(line, start, c.start()):
        clause = re.split(r"[，,；;]", line[start: a.start()])[-1]
        if str(int(year) - 1) not in clause and "上年" not in clause:
            return None
    return c


def _named_parts(after: str) -> list[str]:
    """The amounts the sentence names as parts of a stated figure (after its 其中; a change on last year is none)."""
    sentence = after.split("。")[0]
    return [m.group(0) for m in NAMED_PART.finditer(sentence.split("其中", 1)[1])] if "其中" in sentence else []


def _compare(ad: AuditDoc, figures: dict[str, list[tuple[Amount, StdTable]]], unread: set[str], key: str,
             a_text: str, unit: str, line: int, after: str = "",
             parts_named: dict[Decimal, list[str]] | None = None) -> Finding | None:
    """The stated figure vs its table's figures: an error only when it equals none of them; info when the gap is
    a part the 说明 itself names right after the figure ("51,157,480.90元，其中：…市级提前下达专项转移支付1,293,300.00元"
    beside a table of 49,864,180.90: the table leaves that part out, and the 说明 says so)."""
    if key not in figures:
        unread.add(key)
        return None
    ya = dec(a_text) * UNIT_YUAN[unit]
    diffs = []
    for amt, t in figures[key]:
        if t.unit not in UNIT_YUAN:
            break
        tol = half(a_text) * UNIT_YUAN[unit] + amt.half_step * UNIT_YUAN[t.unit] + YUAN_EPSILON
        diffs.append(abs(ya - amt.value * UNIT_YUAN[t.unit]) > tol)
    checked(ad).append("explanation.amount")
    if not (diffs and len(diffs) == len(figures[key]) and all(diffs)):
        return None
    amt, t = figures[key][0]
    gap = abs(ya - amt.value * UNIT_YUAN[t.unit])  # type: ignore[index]
    named = next((p for p in [*_named_parts(after), *(parts_named or {}).get(ya, [])]
                  if abs(dec(NAMED_PART.match(p).group("a")) * UNIT_YUAN[NAMED_PART.match(p).group("u")] - gap)  # type: ignore[union-attr]
                  <= YUAN_EPSILON * 2), None)
    return ad.finding("explanation.amount", "info" if named else "error", None,
                      f"说明 {FIGURE_NAMES.get(key, key)} {a_text} {unit} ≠ {V.KIND_NAMES[t.kind]} "
                      + " / ".join(dict.fromkeys(f"{x.text or '(empty)'}" for x, _ in figures[key])) + f" {t.unit}"
                      + (f"; the gap is the part the 说明 names ({named}), which the table leaves out" if named else ""),
                      [ad.ev_line(line, "说明"), ad.ev_line(amt.line, t.name)],
                      stated=str(dec(a_text)), table=str(amt.value))


def _headed_statement(ad: AuditDoc, figures: dict[str, list[tuple[Amount, StdTable]]], unread: set[str],
                      prev: str, para: str, year: str, done: set[int]) -> Finding | None:
    """A heading naming one item ("2. 公务接待费") and the paragraph under it opening with this year's figure
    ("2024 年财政拨款预算安排 1.104185 万元")."""
    candidates = []
    if HEADING.match(para):  # "1.因公出国（境）费2024年财政拨款预算安排0万元" (heading and text joined)
        candidates.append((HEADING.sub("", para), para))
    if len(prev) <= HEADING_CHARS and HEADING.match(prev):
        candidates.append((HEADING.sub("", prev).rstrip("。：:") + para, para))
    for text, where in candidates:
        for key, pat in HEADED_ITEMS:
            item = pat.match(text)
            m = HEADED_AMOUNT.match(text[item.end():].lstrip("。：:")) if item else None
            if m is None or any(y != year for y in re.findall(r"(?:19|20)\d\d", m.group(0))):
                continue
            pos = where.find(m.group(0)) + m.start("a")
            if where is para and pos in done:
                return None  # the same figure, already compared as a statement of its own
            return _compare(ad, figures, unread, key, m.group("a"), m.group("u"), at(ad, where, max(pos, 0)))
    return None


def check_statements(ad: AuditDoc) -> Iterator[Finding]:
    """Each figure of this year the 说明 states equals one of the figures its table prints for it."""
    figures = _table_figures(ad)
    year = str(ad.doc.year or "")
    unread: set[str] = set()
    paras = [line for _n, line in squeezed(ad)]
    parts_named: dict[Decimal, list[str]] = {}  # a stated figure → the parts one of its statements names
    for line in paras:
        for _key, pat in STATEMENTS[:2]:  # 收入 / 支出 totals
            for m in pat.finditer(line):
                parts_named.setdefault(dec(m.group("a")) * UNIT_YUAN[m.group("u")], []).extend(
                    _named_parts(line[m.end():]))
    for i, line in enumerate(paras):
        prev = paras[i - 1] if i else ""  # the paragraph before this one (a heading), searched for its subject
        done: set[int] = set()  # where a figure compared starts
        for key, pat in STATEMENTS:
            for m in pat.finditer(line):
                if key in ("income", "expense", "basic", "project") and m.start() \
                        and line[m.start() - 1] not in STATEMENT_AFTER and not line[m.start() - 1].isdigit():
                    continue  # 项目支出预算 is not 支出预算
                before = re.split(r"[。；;]", line[: m.start()])
                head = before[0] if HEADING.match(line) and len(before) > 1 else ""  # "1.…（项）。" opening it
                head += prev if len(prev) <= HEADING_CHARS and HEADING.match(prev) else ""
                sentence, full = before[-1], line[: m.start()].split("。")
                if full[-1].startswith("其中") and len(full) > 1:  # "…财政拨款支出X万元。其中：基本支出Y万元；项目…"
                    sentence = full[-2] + full[-1]  # parts of the sentence before them: its subject holds
                if key in ("income", "expense", "basic", "project") and (
                        PART_SUBJECT.search(sentence) or ITEM_SUBJECT.search(head)):
                    continue  # a sentence (or the heading above it) on 财政拨款, one fund or one 类/款/项
                clause = re.split(r"[，。；,;]", line[: m.start()])[-1]
                years = re.findall(r"(?:19|20)\d\d", CITED_NUMBER.sub("", clause + m.group(0)[:4]))
                if not years:  # "2018年公务用车数量为1辆，…，其中…运行维护费24,500元": the sentence's last year
                    years = re.findall(r"(?:19|20)\d\d", CITED_NUMBER.sub("", re.split(r"[。；;]", line[: m.start()])[-1]))[-1:]
                if "比" in clause or "上年" in clause or any(y != year for y in years) or "较" in clause:
                    continue
                done.add(m.start("a"))
                f = _compare(ad, figures, unread, key, m.group("a"), m.group("u"), at(ad, line, m.start("a")),
                             line[m.end():], parts_named)
                if f:
                    yield f
                elif key in figures and (f := _change(ad, figures, key, m, line, year)):
                    yield f
        f = _headed_statement(ad, figures, unread, prev, line, year, done)
        if f:
            yield f
    for key in sorted(unread):
        skipped(ad).append(f"说明's {key} figure (no table of it was read)")


# "政府采购预算(总额) X 万元，其中：(政府采购)货物(类)预算 a、工程 b、服务 c": X = a + b + c.
PROCUREMENT_TOTAL = re.compile(rf"政府采购(?:预算|支出|金额)(?:总额)?(?:[（(][^）)]{{0,12}}[)）])?(?:共计?|为|是)?"
                               rf"(?P<a>{NUM})(?P<u>万元|元)[^。]{{0,12}}?其中")
PROCUREMENT_PARTS = {w: re.compile(rf"(?:政府采购)?{w}(?:类)?(?:采购)?(?:预算|支出|金额)?(?:为)?(?P<a>{NUM})(?P<u>万元|元)")
                     for w in ("货物", "工程", "服务")}


def _stated_half(text: str) -> Decimal:
    """Half the last digit of a 说明 figure, trailing zeros dropped by the 说明 counted (STATED_MIN_DECIMALS)."""
    return min(half(text), Decimal(1).scaleb(-STATED_MIN_DECIMALS) / 2)


def check_parts(ad: AuditDoc) -> Iterator[Finding]:
    """A total the 说明 splits into its parts equals their sum (within the printed rounding of each)."""
    for _n, para in squeezed(ad):
        for m in PROCUREMENT_TOTAL.finditer(para):
            sentence = para[m.end(): (para.find("。", m.end()) + 1 or len(para) + 1) - 1]
            parts = [p.search(sentence) for p in PROCUREMENT_PARTS.values()]
            if not all(parts) or len({p.group("u") for p in parts if p} | {m.group("u")}) != 1:
                continue  # a part not stated (or in another unit): nothing to add up
            whole = dec(m.group("a"))
            total = sum((dec(p.group("a")) for p in parts if p), start=whole - whole)
            tol = _stated_half(m.group("a")) + sum((_stated_half(p.group("a")) for p in parts if p), start=whole - whole)
            checked(ad).append("explanation.parts")
            if abs(total - whole) > tol:
                yield ad.finding("explanation.parts", "error", None,
                                 f"the 说明 gives 政府采购 {m.group('a')} {m.group('u')} as 货物 + 工程 + 服务 = "
                                 + " + ".join(p.group("a") for p in parts if p) + f" = {total}",
                                 [ad.ev_line(at(ad, para, m.start("a")), "说明")], stated=str(whole),
                                 computed=str(total))
