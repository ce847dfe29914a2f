"""All of a project's indicators packed into one cell (a spreadsheet export of a wide form):
``1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:每年≥20场；年度指标值:每年≥20场。2、…``.
Items are numbered ``N、``; within an item the parts are cut at ``；``: the 一级 and 二级 categories (with their
codes), the indicator's name, then labelled values — the 年度 one is the target, the 实施周期 one is kept as
long-term."""

from __future__ import annotations

import re

_ITEM = re.compile(r"(?:^|(?<=[。.;；]))\s*\d{1,3}、")
_CODED = re.compile(r"^\d{1,3}-(.+)$")
_LABELLED = re.compile(r"^(?P<label>[^:：]{1,12}?)[:：](?P<value>.*)$")
_YEAR_LABELS = ("年度指标值", "年度", "本年指标值", "年度目标值", "指标值")
_LONG_LABELS = ("实施周期指标值", "实施期指标值", "中长期指标值", "长期指标值")


def is_packed(text: str) -> bool:
    """A cell that holds numbered indicator items with labelled values."""
    return bool(_ITEM.search(text)) and ("指标值" in text) and ("；" in text or ";" in text)


def unpack(text: str) -> list[dict[str, str]]:
    """The packed cell → one dict per indicator: l1, l2, l3, value (annual), value_long."""
    out: list[dict[str, str]] = []
    starts = [m.end() for m in _ITEM.finditer(text)]
    ends = [m.start() for m in _ITEM.finditer(text)][1:] + [len(text)]
    for start, end in zip(starts, ends, strict=True):
        item = text[start:end].strip().rstrip("。.")
        parts = [p.strip() for p in re.split(r"[；;]", item) if p.strip()]
        row: dict[str, str] = {}
        plain: list[str] = []
        for part in parts:
            m = _LABELLED.match(part)
            if m and m.group("label") in _YEAR_LABELS:
                row["value"] = m.group("value").strip().rstrip("。.")
            elif m and m.group("label") in _LONG_LABELS:
                row["value_long"] = m.group("value").strip().rstrip("。.")
            else:
                plain.append(part)
        levels = [(_CODED.match(p).group(1) if _CODED.match(p) else p) for p in plain]
        if len(levels) >= 3:
            row["l1"], row["l2"], row["l3"] = levels[0], levels[1], "".join(levels[2:]).rstrip(".")
        elif levels:
            row["l3"] = levels[-1].rstrip(".")
        if row.get("l3"):
            out.append(row)
    return out
