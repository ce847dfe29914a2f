"""Stream mode of the indicator-table reader (:mod:`kg.forms.table`): one cell per line, or glued text cut into
cells. The national categories (产出指标, 数量指标 …) mark the levels, and each indicator is its name followed by
the cells of the columns after 三级指标, each checked for its kind; glued names and values are cut apart by where
a value (operator and/or number with a unit, or a date) ends.
"""

from __future__ import annotations

import re

from kg.cells.model import Cell, Row
from kg.cells.text import split_words
from kg.forms import labels
from kg.forms import vocabulary as vocab
from kg.forms.form import Form, IndicatorRow
from kg.forms.glued_eval import decode_indicator_rows, name_and_target
from kg.forms.header_shapes import without_note
from kg.forms.stream_cues import FOOT_ROW, PLACEHOLDER, only_scored, reason_goes_on, wrapped_category
from kg.forms.table import (
    _REASON_HINT,
    _STOP_TEXT,
    _TITLE,
    STOP_FIELDS,
    Header,
    _category,
    _column_key,
    _ends_table,
    _is_chrome,
    _is_page_chrome,
    _section_term,
)
from kg.forms.values import split_number_unit, split_op
from kg.normalize import normalize_op


def _kind_ok(key: str, text: str) -> bool:
    t = text.replace(" ", "")
    if key == "op":
        return normalize_op(t) is not None
    if key == "unit":
        return len(t) <= 6 and not any(ch.isdigit() for ch in t) and normalize_op(t) is None
    if key == "direction":
        return t in ("正向", "反向", "正向指标", "反向指标", "正", "反", "中性")
    if key in ("weight", "score"):
        return split_number_unit(t) is not None and not split_op(t)[0]
    return True


def _value_like(text: str) -> bool:
    t = text.replace(" ", "")
    op, rest = split_op(t)
    return op is not None or split_number_unit(rest) is not None


def _read_stream(toks: list[tuple[int, Cell]], rows: list[Row], header: Header, form: Form) -> None:
    after = header.keys[header.keys.index("l3") + 1:] if "l3" in header.keys else \
        header.keys[header.keys.index("l2") + 1:] if "l2" in header.keys else ["value"]
    after = [k for k in after if k not in ("l1", "l2")]
    state: dict[str, str | None] = {"l1": None, "l2": None}
    term: str | None = header.term
    i = 0
    while i < len(toks):
        ri, cell = toks[i]
        text = cell.text
        if _TITLE.search(text) or _STOP_TEXT.match(text) or FOOT_ROW.match(text) or _is_page_chrome(text) or (
                labels.field(text) and _ends_table(Row([cell, *[c for _, c in toks[i + 1:i + 8]]], cell.line),
                                                   form)):
            return
        if _section_term(text):
            term = _section_term(text)
            i += 1
            continue
        ahead = [c.text for _, c in toks[i + 1:i + 5] if labels.canon(c.text)]
        nxt_text = ahead[0] if ahead else None
        if len(ahead) > 1 and not labels.category(ahead[0], "l2") and labels.category(ahead[0] + ahead[1], "l2"):
            nxt_text = ahead[0] + ahead[1]  # the next category is wrapped over two lines (服务对象 / 满意度指标)
        if (joined := wrapped_category(toks, i)) is not None:  # 可持续影 / 响指标: a category wrapped in its cell
            _category(joined, state, next((c.text for _, c in toks[i + 2:i + 5] if labels.canon(c.text)), None))
            i += 2
            continue
        if i + 1 < len(toks) and len(labels.canon(text)) >= 2 and labels.canon(toks[i + 1][1].text) and \
                (labels.canon(toks[i + 1][1].text) == "指标" or not labels.category(text, "l1")
                 and not labels.category(text, "l2")) and _category(text + toks[i + 1][1].text.strip(), state):
            i += 2  # a category wrapped over two lines (项目完成 / 指标)
            continue
        if _category(text, state, nxt_text) or labels.is_frame(text) or _column_key(text) or _is_chrome(text):
            i += 1
            continue
        if not labels.canon(text) or PLACEHOLDER.sub("", text).strip() in vocab.EMPTY_VALUES:
            i += 1  # (50分) after a category; an unfilled template row (指标2：, ……)
            continue
        if rows[ri].separator == "glued" and (decoded := decode_indicator_rows(text, after, partial=True)):
            for one in decoded[0]:  # a glued piece of whole rows, cut by the columns' kinds
                if "note" in after and one.get("l3"):
                    one = {**one, "l3": without_note(one["l3"])}
                full = {**{k: v for k, v in state.items() if v}, **one}
                form.indicators.append(IndicatorRow(full, cell.line, cell.line, term,
                                                    "\t".join(v for v in one.values() if v)))
            if not decoded[1]:
                i += 1
                continue
            text = decoded[1]  # the rows the kinds could not cut: read as one row, as before
            if FOOT_ROW.match(text):
                return
            if (last := name_and_target(text)) is not None:
                full = {**{k: v for k, v in state.items() if v}, **last}
                form.indicators.append(IndicatorRow(full, cell.line, cell.line, term, text))
                i += 1
                continue
        if labels.field(text) and i + 2 < len(toks) and _label_cut_off(toks[i + 1][1].text, toks[i + 2][1].text):
            text = text + toks[i + 1][1].text.strip()  # 财政资金 | 补助: a name the glued-line cutter split at a label
            i += 1
        vals: dict[str, str] = {"l3": without_note(text) if "note" in after else text}
        line_end = cell.line
        i += 1
        own = split_glued_indicators(text)
        if own[0][1] is not None and (i >= len(toks) or not _value_like(toks[i][1].text)):
            after_keys: list[str] = []  # the cell holds its name and value: the next cell is the next indicator
        elif only_scored(toks, i, after):
            # target and achieved left blank: the two figures are 分值 and 得分 (a reason may follow)
            after_keys = ["weight", "score", *(["reason"] if "reason" in after else [])]
        else:
            after_keys = after
        for key in after_keys:
            if i >= len(toks):
                break
            nxt = toks[i][1].text
            if _is_boundary(nxt):
                break
            if key == "reason" and not (_is_reason(toks, i) or reason_goes_on(toks, i, rows, ri, _is_boundary,
                                                                                _value_like)):
                continue
            if key == "note":
                c = labels.canon(nxt)
                value_next = i + 1 < len(toks) and _value_like(toks[i + 1][1].text)
                if c in vocab.STANDARD_WORDS or any(c.endswith(f"({w})") for w in vocab.STANDARD_WORDS) or \
                        value_next and _value_like(nxt):
                    i += 1  # 计划标准 / 100%(历史标准) / a number, the value after it: this row's note cell
                continue
            if key != "value" and not _kind_ok(key, nxt):
                continue
            vals[key] = nxt
            line_end = toks[i][1].line
            i += 1
            if key == "reason":  # a reason cut at its own spaces (a line of single-space cells): the rest of it
                while i < len(toks) and reason_goes_on(toks, i, rows, ri, _is_boundary, _value_like):
                    vals["reason"] += toks[i][1].text
                    i += 1
        pairs = [(vals["l3"], vals.get("value"))]
        if "value" not in vals and "value" in after:
            pairs = split_glued_indicators(text)
        for name, value in pairs:
            if "note" in after:
                name = without_note(name)
            one = {**vals, "l3": name, **({"value": value} if value is not None else {})}
            full = {**{k: v for k, v in state.items() if v}, **one}
            form.indicators.append(IndicatorRow(full, cell.line, line_end, term, "\t".join(one.values())))


def _label_cut_off(rest: str, after: str) -> bool:
    """The rest of a name cut at a label: a short word, neither value nor label nor category, a value after it."""
    r = labels.canon(rest)
    return 1 <= len(r) <= 4 and not _value_like(rest) and not labels.field(rest) and not _is_boundary(rest) \
        and _value_like(after)


def _word_tokens(toks: list[tuple[int, Cell]], rows: list[Row]) -> list[tuple[int, Cell]]:
    """Stream tokens with the cells of single-space-separated lines cut at the spaces."""
    out: list[tuple[int, Cell]] = []
    for ri, cell in toks:
        if rows[ri].separator in ("line", "words") and " " in cell.text.strip():
            out.extend((ri, Cell(w, cell.line, cell.col)) for w in split_words(cell.text))
        else:
            out.append((ri, cell))
    return out


def _is_boundary(text: str) -> bool:
    if labels.category(text, "l1") or labels.category(text, "l2") or _section_term(text) or _column_key(text) \
            or labels.is_frame(text):
        return True
    if _STOP_TEXT.match(text) or _is_page_chrome(text) or _TITLE.search(text):
        return True
    m = labels.field(text)
    return bool(m and m.distance == 0 and (m.key in STOP_FIELDS or m.key == "total_score"))


def _is_reason(toks: list[tuple[int, Cell]], i: int) -> bool:
    text = toks[i][1].text
    if any(h in text for h in _REASON_HINT):
        return True
    nxt = toks[i + 1][1].text if i + 1 < len(toks) else None
    return nxt is None or _is_boundary(nxt)


_DATE_VALUE = r"(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末|中旬|上旬|下旬)?(?:前|以前|之前|完成)?"
_OPS_RE = r"(?:[≥≤=＝><]|大于等于|小于等于|不低于|不少于|不超过|不高于)"


def _value_pattern() -> re.Pattern[str]:
    from kg.forms.values import UNITS
    units = "|".join(re.escape(u) for u in sorted({*UNITS, "百分比"}, key=len, reverse=True))
    return re.compile(rf"{_DATE_VALUE}(?=$|[^\d月日])|{_OPS_RE}\s*\d[\d,.]*\s*(?:{units})?|\d[\d,.]*\s*(?:{units})")


_VALUE_SPAN = _value_pattern()


def split_glued_indicators(text: str) -> list[tuple[str, str | None]]:
    """A glued piece of one or more indicators (``提质改造道路里程≥4.6公里新增停车泊位120个``) → (name, value)
    pairs, cut where a value (operator and/or number with a unit, or a date) ends; else the piece whole."""
    spans = [m for m in _VALUE_SPAN.finditer(text) if m.end() > m.start()]
    pairs: list[tuple[str, str | None]] = []
    pos = 0
    for m in spans:
        name = text[pos:m.start()]
        if len(name) < 2 or not re.search(r"[\u4e00-\u9fff]", name):
            continue
        pairs.append((name, m.group(0)))
        pos = m.end()
    if pairs and pos == len(text):
        return pairs
    name, value = split_name_value(text)
    return [(name, value)]


_NAME_VALUE = re.compile(r"^(?P<name>.+?)(?P<value>(?:[≥≤=＝><]|大于等于|小于等于|不低于|不少于|不超过|不高于).+)$")
_TRAILING_NUMBER = re.compile(r"^(?P<name>.*?\D)(?P<value>\d[\d,.]*\s*\S{0,5})$")


def split_name_value(text: str) -> tuple[str, str | None]:
    """A glued indicator ``新建道路长度≥5公里`` → (新建道路长度, ≥5公里); ``工程验收合格率100%`` → (…率, 100%)."""
    m = _NAME_VALUE.match(text)
    if m:
        return m.group("name"), m.group("value")
    m = _TRAILING_NUMBER.match(text)
    if m and split_number_unit(m.group("value").replace(" ", "")) is not None:
        return m.group("name"), m.group("value")
    return text, None
