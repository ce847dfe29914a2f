"""Percentages the 说明 states, recomputed from the amounts it or the tables print (kinds ``explanation.rate``,
``explanation.share``, ``explanation.completion``):

- a change rate: "A 万元，比上年增加 C 万元，增长 r%" (base A − C; A + C for 减少), "A，比上年 B 增加 C，增长 r%"
  (base B), "上年执行数为 B，今年安排 A，比上年增加 r%";
- a share: "X 万元，占总支出的 s%" — of a total the paragraph or the tables print, checked only when that total is
  confirmed (the share names 收入 / 支出 and the tables print it, or another share of the same paragraph fits it);
- a completion rate: "年初预算为 B，决算为 A，完成年初预算的 r%", or a 三公 item's 决算 against its 预算 in the table.

Every operand may be off by half its last printed digit and the rate by half of its own (RATE_EXTRA_POINTS on
top). A rate on the new figure instead of the base (C / A) is a convention some documents follow: info. A rate
whose base is not printed is not checked, and the per-document note counts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from itertools import product

from kg.audit.checks_sanggong import sanggong_groups
from kg.audit.context import AuditDoc
from kg.audit.findings import Finding
from kg.audit.paragraphs import NUM, at, dec, half, squeezed
from kg.audit.tables_base import UNIT_YUAN, checked, doc_tables, skipped
from kg.audit.tolerances import RATE_EXTRA_POINTS
from kg.tables import vocab as V

HUNDRED = Decimal(100)
# An amount with its unit (a number followed by 年 / 月 is a date, never an amount).
AMOUNT = re.compile(rf"(?P<a>{NUM})(?P<u>万元|元)")
BARE_AMOUNT = re.compile(rf"(?P<a>{NUM})(?P<u>万元|元)?(?![\d年月日号个%％])")
PCT = r"(?P<p>\d+(?:\.\d+)?)[%％]"
RATE = re.compile(rf"(?P<w>增长|下降|增加|减少|降低|提高|上升|增幅|减幅|降幅)(?:了|为)?{PCT}")
DIRECTION = re.compile(r"增加|减少|增长|下降|降低|上升|提高")
SHARE = re.compile(rf"(?P<a>{NUM})(?P<u>万元|元)[，,]?占(?:比)?(?P<of>[^，。；;%％\d]{{0,20}}?)的?{PCT}")
COMPLETION = re.compile(rf"完成(?:了)?(?P<w>年初|全年|调整后?)?预算(?:数)?的?{PCT}")
SENTENCE_END = re.compile(r"[。；;]")
LAST_YEAR = re.compile(r"(?:19|20)\d\d|上年|上一年|去年")
# A share naming the document's income or expense total: the tables' 收入 / 支出 totals are candidates.
NAMED_TOTAL = {k: re.compile(rf"^(?:本?部门|单位)?(?:总|本年|当年|全年)?{w}(?:预算|决算)?数?(?:总额|合计|总计|总数)?"
                             rf"(?:预算|决算)?$") for k, w in (("expense", "支出"), ("income", "收入"))}
SG_ITEMS = [("sg_abroad", re.compile(r"因公出国")), ("sg_reception", re.compile(r"公务接待")),
            ("sg_car_purchase", re.compile(r"公务用车购置费")), ("sg_car_run", re.compile(r"公务用车运行")),
            ("sg_car", re.compile(r"公务用车购置及运行")), ("sg_total", re.compile(r"三公经费"))]


def _sentence_start(text: str, pos: int) -> int:
    return max((m.end() for m in SENTENCE_END.finditer(text, 0, pos)), default=0)


def _amounts(text: str, start: int, end: int) -> list[re.Match[str]]:
    return [m for m in AMOUNT.finditer(text, start, end)]


def _range(f, *ops: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal] | None:  # type: ignore[no-untyped-def]
    """min / max of f over the corners of the operands' rounding intervals; None where the base is not positive."""
    vals = []
    for corner in product(*[(v - h, v + h) for v, h in ops]):
        try:
            vals.append(f(*corner))
        except (ZeroDivisionError, ArithmeticError):
            return None
    if any(v is None for v in vals):
        return None
    return min(vals), max(vals)


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den <= 0 else num / den * HUNDRED


def _fits(p_text: str, rng: tuple[Decimal, Decimal] | None) -> bool:
    """The printed rate is the recomputed one rounded, or cut after its last digit (23.998% printed 23.9%: many
    说明 truncate)."""
    p, hp = dec(p_text), half(p_text) + RATE_EXTRA_POINTS
    return rng is not None and rng[0] - hp - 2 * half(p_text) <= p <= rng[1] + hp


def _op(m: re.Match[str], unit: str | None = None) -> tuple[Decimal, Decimal]:
    """A printed amount and half its last digit, in yuan (its own unit, else ``unit``, else as printed)."""
    u = UNIT_YUAN.get(m.groupdict().get("u") or unit or "元", Decimal(1))
    return dec(m.group("a")) * u, half(m.group("a")) * u


def _rate_finding(ad: AuditDoc, kind: str, text: str, m: re.Match[str], what: str,
                  main: list[tuple[Decimal, Decimal] | None], alt: list[tuple[Decimal, Decimal] | None],
                  ) -> Finding | None:
    checked(ad).append(kind)
    if any(_fits(m.group("p"), r) for r in main):
        return None
    shown = next((r for r in main if r is not None), None)
    computed = f"{((shown[0] + shown[1]) / 2).quantize(Decimal('0.01'))}" if shown else "?"
    on_new = any(_fits(m.group("p"), r) for r in alt)
    msg = (f"the 说明 states {m.group('p')}% for {what}; recomputed: {computed}%"
           + ("; the printed rate is the change over the new figure, not over the base" if on_new else ""))
    return ad.finding(kind, "info" if on_new else "error", None, msg, [ad.ev_line(at(ad, text, m.start("p")), "说明")],
                      stated=m.group("p"), computed=computed)


OTHER_NUMBER = re.compile(rf"(?<![\d.,，])(?<!增加|减少|增长|下降|降低|上升|提高|减幅|增幅|降幅)(?P<a>{NUM})(?![\d.,，]*(?:年|[%％]))")


def _other_number(between: str) -> bool:
    """A number between a figure and its 比 that is not a year, a rate or a change: the figure may not be the one
    compared ("3,623.98为万元" printed after it)."""
    return bool(OTHER_NUMBER.search(between))


def _change_rate(ad: AuditDoc, text: str, m: re.Match[str]) -> Finding | None:
    start = _sentence_start(text, m.start())
    seg = text[start: m.start()]
    cpos = max(seg.rfind("比"), seg.rfind("较"))
    if cpos < 0:
        return None
    tail = seg[cpos:]
    d = DIRECTION.search(tail)
    dpos = d.start() if d else len(tail)
    b = [x for x in BARE_AMOUNT.finditer(tail, 0, dpos) if x.group("u") or (d and "." in x.group("a"))]
    b_m = b[-1] if b and not re.match(r"(?:19|20)\d\d$", b[-1].group("a")) else None
    c_m = AMOUNT.match(tail, d.end()) if d else None
    if (c_m and tail[c_m.end():] not in ("", "，", ",")) or (not c_m and re.search(r"[，,]", tail)):
        return None  # the rate does not follow its comparison: another clause's rate
    before = [x for x in _amounts(text, start, start + cpos)  # a change amount (减少 C 万元) is no figure of its own
              if not DIRECTION.search(text[max(start, x.start() - 2): x.start()])]
    near = [x for x in before[-1:] if not _other_number(text[x.end(): start + cpos])]
    a_ms = near + [x for x in before[:-1] if "其中" in text[x.end(): start + cpos]][:1]  # figure, or 其中's head
    decrease = bool(re.search(r"减少|下降|降低", (d.group(0) if d else "") + m.group("w")))
    if not b_m and not c_m and len(before) == 2 and LAST_YEAR.search(text[start: before[0].start()]):
        b_m, a_ms = before[0], before[1:]  # "上年执行数为 B，今年安排 A，比上年增加 r%"
    unit = next((x.group("u") for x in (*a_ms, c_m) if x is not None), None)
    if unit is None:
        return None
    main: list[tuple[Decimal, Decimal] | None] = []
    alt: list[tuple[Decimal, Decimal] | None] = []
    for a_m in a_ms or [None]:
        if b_m is not None:
            if c_m is not None:
                main.append(_range(lambda c, b: _ratio(c, b), _op(c_m), _op(b_m, unit)))
            if a_m is not None:
                main.append(_range(lambda a, b: _ratio(abs(a - b), b), _op(a_m), _op(b_m, unit)))
                alt.append(_range(lambda a, b: _ratio(abs(a - b), a), _op(a_m), _op(b_m, unit)))
        elif c_m is not None and a_m is not None:
            sign = -1 if decrease else 1
            main.append(_range(lambda a, c, s=sign: _ratio(c, a - s * c), _op(a_m), _op(c_m)))
            alt.append(_range(lambda a, c: _ratio(c, a), _op(a_m), _op(c_m)))
    if not any(main):
        if not a_ms or (b_m is None and c_m is None):
            skipped(ad).append("a 说明 change rate whose base is not printed")
        return None
    return _rate_finding(ad, "explanation.rate", text, m, "the change", main, alt)


def check_rates(ad: AuditDoc) -> Iterator[Finding]:
    """增长 / 下降 r% against the amounts of the same sentence."""
    for _n, text in squeezed(ad):
        for m in RATE.finditer(text):
            f = _change_rate(ad, text, m)
            if f:
                yield f


# -- shares ------------------------------------------------------------------------------------------------

def _totals(ad: AuditDoc) -> dict[str, list[Decimal]]:
    """The tables' totals in yuan: income / expense (收入总计, 本年收入合计, …) of the 收支总表, and under "other" those
    of the 财政拨款收支总表 and the 合计 of each expense table (a share of 财政拨款 loosely called 部门支出总额)."""
    out: dict[str, list[Decimal]] = {}
    for t in doc_tables(ad):
        if t.layout or t.unit not in UNIT_YUAN:
            continue
        if (tr := t.total_row()) and "total" in tr.amounts and tr.amounts["total"].value:
            out.setdefault("other", []).append(tr.amounts["total"].value * UNIT_YUAN[t.unit])  # type: ignore[index]
        if t.kind not in ("income_expense", "fiscal_total"):
            continue
        for key, pats in (("income", (V.INCOME_TOTAL, V.INCOME_YEAR_TOTAL, V.INCOME_SUM)),
                          ("expense", (V.EXPENSE_TOTAL, V.EXPENSE_YEAR_TOTAL, V.EXPENSE_SUM))):
            for p in pats:
                s = t.side_line(key, p)
                if s and s.amount and s.amount.value:
                    out.setdefault(key if t.kind == "income_expense" else "other", []).append(
                        s.amount.value * UNIT_YUAN[t.unit])  # type: ignore[index]
    return out


def _share_range(m: re.Match[str]) -> tuple[Decimal, Decimal]:
    """The totals (yuan) the item's amount and printed share allow."""
    a, ha = _op(m)
    p, hp = dec(m.group("p")), half(m.group("p")) + RATE_EXTRA_POINTS
    lo = (a - ha) * HUNDRED / (p + hp + 2 * half(m.group("p")))  # the share may be cut, not rounded (as _fits)
    hi = (a + ha) * HUNDRED / (p - hp) if p - hp > 0 else Decimal("Infinity")
    return lo, hi


def check_shares(ad: AuditDoc) -> Iterator[Finding]:
    """"X 万元，占 … s%": X / total, the total confirmed by the tables or by another share of the paragraph."""
    totals = _totals(ad)
    for _n, text in squeezed(ad):
        items = list(SHARE.finditer(text))
        if not items:
            continue
        printed = [dec(x.group("a")) * UNIT_YUAN[x.group("u")] for x in AMOUNT.finditer(text)]
        for k, m in enumerate(items):
            sibling_sum = sum((dec(x.group("a")) * UNIT_YUAN[x.group("u")] for x in items), Decimal(0))
            cands = [v for v in printed if v] + [sibling_sum, *totals.get("other", [])]
            named = [v for key, pat in NAMED_TOTAL.items() if pat.search(m.group("of")) for v in totals.get(key, [])]
            lo, hi = _share_range(m)
            if any(lo <= v <= hi for v in cands + named):
                checked(ad).append("explanation.share")
                continue
            confirmed = named or [v for v in cands for j, x in enumerate(items) if j != k  # a share of the same
                                  and x.group("of") == m.group("of")  # named total: 占…合同总额 ≠ 占…合同金额
                                  and (r := _share_range(x))[0] <= v <= r[1] and dec(x.group("a"))]
            if not confirmed:
                skipped(ad).append("a 说明 share whose total is not printed")
                continue
            checked(ad).append("explanation.share")
            total = confirmed[0] / UNIT_YUAN[m.group("u")]
            computed = (dec(m.group("a")) / total * HUNDRED).quantize(Decimal("0.01"))
            yield ad.finding("explanation.share", "error", None,
                             f"the 说明 states {m.group('a')} {m.group('u')} as {m.group('p')}% of "
                             f"{m.group('of') or 'the total'}; of {total.normalize():f} {m.group('u')} it is {computed}%",
                             [ad.ev_line(at(ad, text, m.start("p")), "说明")], stated=m.group("p"),
                             computed=str(computed))


# -- completion of the budget --------------------------------------------------------------------------------

def _sg_budget(ad: AuditDoc, clause: str) -> list[tuple[Decimal, Decimal]]:
    """The 三公 item the clause names: its 预算数 in the table's budget group (yuan, half step in yuan)."""
    item = next((k for k, p in SG_ITEMS if p.search(clause)), None)
    out = []
    for t in doc_tables(ad):
        if t.kind != "sanggong" or t.layout or t.unit not in UNIT_YUAN or item is None:
            continue
        budget = [g for g in sanggong_groups(t) if V.SANGGONG_BUDGET.search(g.label)
                  and not V.SANGGONG_ACTUAL.search(g.label)]
        if len(budget) == 1 and item in budget[0].items:
            a = budget[0].items[item]
            out.append((a.value * UNIT_YUAN[t.unit], a.half_step * UNIT_YUAN[t.unit]))  # type: ignore[index]
    return out


def check_completion(ad: AuditDoc) -> Iterator[Finding]:
    """"预算为 B … 决算为 A，完成预算的 r%": r = A / B (B from the 三公 table when the sentence names an item only)."""
    for _n, text in squeezed(ad):
        for m in COMPLETION.finditer(text):
            start = _sentence_start(text, m.start())
            before = _amounts(text, start, m.start())
            if not before:
                continue
            a_m = before[-1]
            ya, ha = dec(a_m.group("a")) * UNIT_YUAN[a_m.group("u")], half(a_m.group("a")) * UNIT_YUAN[a_m.group("u")]
            word = (m.group("w") or "")[:2]
            bases = [(dec(b.group("a")) * UNIT_YUAN[b.group("u")], half(b.group("a")) * UNIT_YUAN[b.group("u")])
                     for b in before[:-1] if "预算" in (pre := text[start: b.start()][-12:])
                     and (word in ("", "年初") or word in pre)]  # 完成调整预算的: only a budget called 调整
            if word in ("全年", "调整") and not bases:
                skipped(ad).append("a 说明 completion rate of a budget (全年 / 调整) not printed beside it")
                continue
            if not bases:
                clause_start = max(text.rfind(c, start, a_m.start()) for c in "，,：:")
                bases = _sg_budget(ad, text[max(clause_start, start): a_m.start()])
            if not bases or all(b <= 0 for b, _ in bases):
                if not bases:
                    skipped(ad).append("a 说明 completion rate whose budget is not printed")
                continue  # a zero budget: explanation.zero_base
            main = [_range(lambda a, b: _ratio(a, b), (ya, ha), b) for b in bases]
            f = _rate_finding(ad, "explanation.completion", text, m, "the share of the budget spent", main, [])
            if f:
                yield f


CHECKS = [check_rates, check_shares, check_completion]
