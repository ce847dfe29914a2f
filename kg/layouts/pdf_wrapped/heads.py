"""Target-form heads without a project code (family E): ``<name> <category> <amounts>`` found by structure.

Some documents print the 项目名称 cell of 项目支出绩效目标申报表 without the ``<项目编码>-`` prefix. Such a head is
anchored on its amounts line (money cells, no operator before them); its name is the run of pieces before the
category, which started where the previous form's last indicator row ended. The name is cut, in order of
evidence: where the pieces spell a project name of the project table (or that name with words added); after the previous row's value, unit and
direction cells; after the table header's column titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.layouts.pdf_wrapped.text import (
    DIRECTIONS,
    Frag,
    despace,
    extends_scale,
    is_number,
    is_plain_unit,
    operator_of,
)
from kg.normalize import parse_decimal

# A money cell of a head's amounts line: 13.810000, 138,100.00 (two or more decimals).
MONEY = re.compile(r"^\d[\d,]*\.\d{2,}$")
# A 项目类别 cell inside the joined head text: 31-部门项目 (not the 25 of 2024-2025).
CATEGORY_IN_TEXT = re.compile(r"(?<!\d)\d{1,2}-\D.*$")
# A project code opening a coded head (those heads are read by the form reader itself).
CODE_OPENING = re.compile(r"^\d{6,}[A-Z]{0,2}\d*(?:-|$)")
# Most pieces a head's name and category are wrapped over.
MAX_HEAD_PIECES = 12
# Shortest project name a head may extend (…项目) and still be matched by it.
MIN_KNOWN_PREFIX = 4
# Characters of the form table's column titles (项目名称 项目类别 项目总额 其中 绩效目标 一级指标 … 其他资金).
HEADER_CHARS = frozenset("项目名称类别总额其中：:绩效目标一二三级指标性质本年值度量单位方向财政资金其他")


@dataclass
class Head:
    """A codeless form head: pieces [start, end) with its name, category and amounts."""

    start: int
    end: int
    name: str
    category: str | None
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)


def codeless_heads(frags: list[Frag], known_names: frozenset[str] = frozenset()) -> dict[int, Head]:
    """Heads without a project code, by the index of their first piece."""
    heads: dict[int, Head] = {}
    lower = _header_end(frags)
    for a, end in _anchor_lines(frags):
        if a <= lower:
            continue
        if any(f.first and CODE_OPENING.match(f.text) for f in frags[lower:a]):
            lower = end  # a coded head owns this amounts line
            continue
        head = _head_before(frags, lower, a, end, known_names)
        if head:
            heads[head.start] = head
        lower = end
    return heads


def _anchor_lines(frags: list[Frag]) -> list[tuple[int, int]]:
    """(first money piece, end of line) of each amounts line: money cells closing a line with no operator."""
    out = []
    i = 0
    while i < len(frags):
        j = i
        while j < len(frags) and frags[j].line is frags[i].line:
            j += 1
        k = j
        while k > i and MONEY.match(frags[k - 1].text):
            k -= 1
        no_op = not any(operator_of(f.text) for f in frags[i:j])
        before_op = k > 0 and operator_of(frags[k - 1].text)
        if k < j and no_op and not before_op:
            out.append((k, j))
        i = j
    return out


def _head_before(frags: list[Frag], lower: int, a: int, end: int, known: frozenset[str]) -> Head | None:
    """The head whose amounts start at ``a``: its first piece is a line start in [lower, a)."""
    starts = [s for s in range(max(lower, a - MAX_HEAD_PIECES), a) if frags[s].first]
    for spells in (_same_name, _name_with_suffix):
        for s in starts:  # earliest first: the longest run that spells a known project name
            name, category = split_category(despace("".join(f.text for f in frags[s:a])))
            if name and spells(name, known):
                return _head(frags, s, a, end, name, category)
    s = max(_row_end(frags, lower, a), lower)
    s = next((x for x in starts if x >= s), None)
    if s is None:
        return None
    name, category = split_category(despace("".join(f.text for f in frags[s:a])))
    return _head(frags, s, a, end, name, category) if name else None


def _same_name(name: str, known: frozenset[str]) -> bool:
    return name in known


def _name_with_suffix(name: str, known: frozenset[str]) -> bool:
    """The form spells a known name with words added at its end (…运维费项目)."""
    return any(len(k) >= MIN_KNOWN_PREFIX and name.startswith(k) for k in known)


def _head(frags: list[Frag], s: int, a: int, end: int, name: str, category: str | None) -> Head:
    amounts = [(f.text, d) for f in frags[a:end] if (d := parse_decimal(f.text)) is not None]
    return Head(s, end, name, category, amounts)


def split_category(text: str) -> tuple[str, str | None]:
    """Joined head text → (name, category): 法律服务费31-部门项目 → 法律服务费, 31-部门项目."""
    m = CATEGORY_IN_TEXT.search(text)
    if not m or not m.start():
        return text, None
    return text[: m.start()], m.group(0)


def _header_end(frags: list[Frag]) -> int:
    """Index after the table's column titles (pieces made only of title characters)."""
    i = 0
    while i < len(frags) and set(despace(frags[i].text)) <= HEADER_CHARS:
        i += 1
    return i


def _row_end(frags: list[Frag], lo: int, hi: int) -> int:
    """Index after the last indicator row's value, unit and direction pieces in [lo, hi) (lo if no row)."""
    op_at = next((k for k in range(hi - 1, lo - 1, -1) if operator_of(frags[k].text)), None)
    if op_at is None or op_at + 1 >= hi:
        return lo if op_at is None else hi
    k = op_at + 2
    value = frags[op_at + 1].text
    if operator_of(frags[op_at].text) == "定性":
        while k < hi and extends_scale(value, frags[k].text):
            value += frags[k].text
            k += 1
        return k
    value_line = frags[op_at + 1].line
    unit = ""
    while k < hi:
        piece = frags[k].text
        same_line = frags[k].line is value_line
        completes = is_plain_unit(despace(unit + piece)) or (
            k + 1 < hi and is_plain_unit(despace(unit + piece + frags[k + 1].text)))
        if not (same_line or completes or any(d.startswith(piece) or piece in d for d in DIRECTIONS)):
            break
        if is_number(piece):
            break
        unit += piece
        k += 1
    return k
