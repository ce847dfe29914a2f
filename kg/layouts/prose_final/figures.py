"""Prose-final sentence patterns → :class:`kg.model.Figure` outcomes (actual, budget, variance …).

Each pattern is a regex over the joined prose (see :mod:`kg.layouts.prose_final.text`); each match becomes
one or more figures with the subject it is about, the explanation (主要原因 …) as ``note``, the original
sentence fragment as ``text`` and the source lines as provenance. Spans already read are returned so a
final sweep can keep every other printed amount as a plain ``stated`` figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.layouts.prose_final.text import AMOUNT, MONEY_UNIT, NUM, Prose, amount_to_yuan, parse_amount
from kg.model import Figure

Span = tuple[int, int]

# Longest subject (characters) a figure pattern reads before its amount.
SUBJECT_MAX = 40
# Words that say a change is a decrease; the variance is stored negative.
DECREASE_WORDS = ("减少", "下降")
# The template's undecided direction (增加（减少）) — fine for a zero change, suspicious otherwise.
UNDECIDED_DIRECTION = re.compile(r"增加[（(]减少[)）]|增长[（(]下降[)）]")

_DIR = r"(?:增加[（(]减少[)）]|增长[（(]下降[)）]|增加|减少|增长|下降)"
_YEAR = r"(?:\d{4}年度?)"
_REASON = r"(?:[，,。]?(?:主要)?原因(?:是|为)?[：:]?(?P<reason>[^。]*)。?)"

# 2023年度决算1687.07万元，比2023年年初预算1796.67万元，减少109.60万元，下降6.50%。主要原因：…
BUDGET_VARIANCE = re.compile(
    rf"(?P<year>\d{{4}})年度?(?P<subj>[^，。；：]{{0,{SUBJECT_MAX}}}?)决算(?:数|支出)?(?:为)?(?P<actual>{AMOUNT})[，,]?"
    rf"(?:(?:比|较){_YEAR}?(?:[^，。；]{{0,{SUBJECT_MAX}}}?)年初预算(?:数)?(?:为)?(?P<budget>{AMOUNT})[，,]?"
    rf"(?P<dir>{_DIR})(?P<var>{AMOUNT})(?:[，,]{_DIR}(?P<pct>{NUM})[%％])?"
    rf"|与{_YEAR}?(?:[^，。；]{{0,{SUBJECT_MAX}}}?)年初预算(?:数)?(?P<budget_eq>{AMOUNT})(?:一致|持平|相同|相等))"
    rf"(?:{_REASON}|[，,](?P<tail>[^。]*)。|。)?")

# The national wording: 年初预算为920.50万元，支出决算为905.36万元，完成年初预算的98.36%。决算数小于年初预算数的主要原因是…
BUDGET_COMPLETION = re.compile(
    rf"年初预算(?:数)?(?:为)?(?P<budget>{AMOUNT})[，,]?(?:支出)?决算(?:数)?(?:为)?(?P<actual>{AMOUNT})"
    rf"(?:[，,]完成年初预算的?(?P<pct>{NUM})[%％])?"
    rf"(?:。?决算数(?:大于|小于|等于|与)年初预算数(?:的|持平的|一致的)?(?:主要)?原因(?:是|为)?[：:]?(?P<reason>[^。]*)。?|。)?")

# 2023年度收、支总计4019.40万元，比上年增加（减少）0万元，增长（下降）0%。主要原因：…
PRIOR_YEAR_CHANGE = re.compile(
    rf"(?P<year>\d{{4}})年度?(?P<subj>[^。；：]{{1,{SUBJECT_MAX}}}?)(?P<amount>{AMOUNT})[，,]?"
    rf"(?:比|较)上年(?:度)?(?P<dir>{_DIR})(?P<var>{AMOUNT})(?:[，,]{_DIR}(?P<pct>{NUM})[%％])?{_REASON}?")

# …其中：基本支出2805.41万元，占支出合计的69.80%；…  /  1.一般公共服务支出3021.92万元，占本年财政拨款支出75.18%
SHARE_ITEM = re.compile(
    rf"(?P<subj>[^：:；;，,。\d.．、]{{2,{SUBJECT_MAX}}})(?P<amount>{AMOUNT})[，,]?占(?P<of>[^；;。，,\d]*?)(?P<pct>{NUM})[%％]")

# 全年预算调整后数4019.40万元，其中，基本支出预算数2805.41万元，… / 资金总体支出4019.40万元，其中，基本支出…
EXECUTION_SENTENCE = re.compile(rf"(?P<head>(?:预算调整后数|调整后预算数?|资金总体支出|总体支出))(?P<body>[^。]*{AMOUNT}[^。]*)。?")
LIST_ITEM = re.compile(rf"(?P<subj>[^：:；;，,。\d.．、]{{2,{SUBJECT_MAX}}}?)(?:预算数|数)?(?P<amount>{AMOUNT})")
ANY_AMOUNT = re.compile(rf"(?P<amount>{NUM})(?P<unit>{MONEY_UNIT})")

# "1、一般公共服务（类）…行政运行（项）。" right before a figure sentence names its subject.
_ITEM_HEADING = re.compile(r"(?<![\d.])\d{1,2}[、．.](?P<item>(?:(?!\d{1,2}[、．.]).)+?)。$")
_LEADING_YEAR = re.compile(r"^(?:\d{4})?(?:年度|年)")
_CLAUSE_YEAR = re.compile(r"\d{4}年度?")


def read_figures(prose: Prose, skip: list[Span]) -> tuple[list[Figure], list[Span]]:
    """All figure sentences of the prose outside ``skip`` → (figures in text order, spans read)."""
    found: list[tuple[int, Figure]] = []
    spans = list(skip)
    for reader in (budget_variance_figures, budget_completion_figures, prior_year_figures, execution_figures,
                   share_figures):
        for start, end, figs in reader(prose):
            if _overlaps((start, end), spans):
                continue
            spans.append((start, end))
            found.extend((start, f) for f in figs)
    for start, end, fig in stated_figures(prose, spans):
        spans.append((start, end))
        found.append((start, fig))
    found.sort(key=lambda sf: sf[0])
    return [f for _, f in found], spans


def budget_variance_figures(prose: Prose) -> Iterator[tuple[int, int, list[Figure]]]:
    """决算 vs 年初预算 sentences → actual, budget, variance (signed; note = 主要原因 or the tail remark)."""
    for m in BUDGET_VARIANCE.finditer(prose.text):
        subject = _subject_before(prose, m.start()) or _clean_subject(m.group("subj")) or _section(prose, m.start())
        note = _note(m.group("reason") or m.group("tail"))
        prov = prose.provenance(m.start(), m.end())
        text = m.group(0)
        figs = [Figure("actual", parse_amount(m.group("actual")), text, subject, None, prov)]
        if m.group("budget_eq"):
            budget = parse_amount(m.group("budget_eq"))
            figs += [Figure("budget", budget, text, subject, None, prov),
                     Figure("variance", _zero_like(budget), text, subject, note, prov)]
        else:
            figs += [Figure("budget", parse_amount(m.group("budget")), text, subject, None, prov),
                     Figure("variance", _signed(m.group("dir"), m.group("var")), text, subject, note, prov)]
        yield m.start(), m.end(), figs


def budget_completion_figures(prose: Prose) -> Iterator[tuple[int, int, list[Figure]]]:
    """年初预算为 B，支出决算为 A（完成年初预算的 P%） → actual, budget, variance A − B (note = 主要原因)."""
    for m in BUDGET_COMPLETION.finditer(prose.text):
        subject = _subject_before(prose, m.start()) or _section(prose, m.start())
        prov = prose.provenance(m.start(), m.end())
        actual, budget = parse_amount(m.group("actual")), parse_amount(m.group("budget"))
        variance = None if actual is None or budget is None else actual - budget
        text = m.group(0)
        yield m.start(), m.end(), [Figure("actual", actual, text, subject, None, prov),
                                   Figure("budget", budget, text, subject, None, prov),
                                   Figure("variance", variance, text, subject, _note(m.group("reason")), prov)]


def prior_year_figures(prose: Prose) -> Iterator[tuple[int, int, list[Figure]]]:
    """``…合计X万元，比上年增加Y万元`` → actual and prior_year_change (note = 主要原因)."""
    for m in PRIOR_YEAR_CHANGE.finditer(prose.text):
        subject = _clean_subject(m.group("subj")) or _section(prose, m.start())
        prov = prose.provenance(m.start(), m.end())
        text = m.group(0)
        yield m.start(), m.end(), [
            Figure("actual", parse_amount(m.group("amount")), text, subject, None, prov),
            Figure("prior_year_change", _signed(m.group("dir"), m.group("var")), text, subject,
                   _note(m.group("reason")), prov)]


def execution_figures(prose: Prose) -> Iterator[tuple[int, int, list[Figure]]]:
    """预算执行 sentences: 预算调整后数 … (budget_adjusted) and 资金总体支出 … (actual), item by item."""
    for m in EXECUTION_SENTENCE.finditer(prose.text):
        key = "actual" if "支出" in m.group("head") else "budget_adjusted"
        figs = []
        first = True
        for item in LIST_ITEM.finditer(m.group(0)):
            start = m.start() + item.start()
            prov = prose.provenance(start, m.start() + item.end())
            subject = m.group("head") if first else _clean_subject(item.group("subj"))
            figs.append(Figure(key, parse_amount(item.group("amount")), item.group(0), subject, None, prov))
            first = False
        if figs:
            yield m.start(), m.end(), figs


# No SHARE_ITEM match holds one of these, so its matches are those of the stretches between them that hold 占.
_SHARE_STOPS = re.compile("[。；;]")


def _share_items(text: str) -> Iterator[re.Match[str]]:
    """``SHARE_ITEM.finditer(text)``, scanning only the sentences that hold 占 (the pattern is slow to try at every
    position: it has no literal until 占)."""
    start = 0
    for stop in [*(m.start() for m in _SHARE_STOPS.finditer(text)), len(text)]:
        if text.find("占", start, stop) >= 0:
            yield from SHARE_ITEM.finditer(text, start, stop)
        start = stop + 1


def share_figures(prose: Prose) -> Iterator[tuple[int, int, list[Figure]]]:
    """``X A万元，占…B%`` list items → actual figures; note keeps the share."""
    for m in _share_items(prose.text):
        note = f"占{m.group('of')}{m.group('pct')}%"
        prov = prose.provenance(m.start(), m.end())
        subject = _clean_subject(m.group("subj"))
        yield m.start(), m.end(), [Figure("actual", parse_amount(m.group("amount")), m.group(0), subject, note, prov)]


def stated_figures(prose: Prose, spans: list[Span]) -> Iterator[tuple[int, int, Figure]]:
    """Every other printed amount → a ``stated`` figure whose subject is the clause before it."""
    for m in ANY_AMOUNT.finditer(prose.text):
        if _overlaps((m.start(), m.end()), spans):
            continue
        clause_start = max([prose.text.rfind(c, 0, m.start()) + 1 for c in "，,。；;：:"]
                           + [prose.heading_end_before(m.start())])
        # a heading wrapped into the clause ends where the sentence's year starts (…总体情况2023年度…)
        years = list(_CLAUSE_YEAR.finditer(prose.text, clause_start, m.start()))
        if years:
            clause_start = years[-1].start()
        subject = _clean_subject(_LEADING_YEAR.sub("", prose.text[clause_start:m.start()]))
        amount = amount_to_yuan(m.group("amount"), m.group("unit"))
        yield m.start(), m.end(), Figure("stated", amount, prose.text[clause_start:m.end()],
                                         subject or _section(prose, m.start()), None,
                                         prose.provenance(clause_start, m.end()))


def _subject_before(prose: Prose, offset: int) -> str | None:
    """The numbered item heading ending right before ``offset`` (``1、因公出国（境）费用。``)."""
    window = prose.text[max(0, offset - 120):offset]
    m = _ITEM_HEADING.search(window)
    return m.group("item") if m else None


def _section(prose: Prose, offset: int) -> str | None:
    h = prose.heading_before(offset)
    return h.text if h else None


def _clean_subject(s: str | None) -> str | None:
    if not s:
        return None
    s = _LEADING_YEAR.sub("", s).replace("，", "").replace(",", "")
    s = re.sub(r"(?:合计|为|数)$", lambda m: "合计" if m.group(0) == "合计" else "", s)
    return s or None


def _note(s: str | None) -> str | None:
    s = (s or "").strip("，,。：: ")
    return s or None


def _signed(direction: str, amount_text: str) -> Decimal | None:
    amount = parse_amount(amount_text)
    if amount is not None and direction.startswith(DECREASE_WORDS) and not UNDECIDED_DIRECTION.match(direction):
        return -amount
    return amount


def _zero_like(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else Decimal("0.00")


def _overlaps(span: Span, spans: list[Span]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)
