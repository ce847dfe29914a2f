"""Self-evaluations (绩效自评表) beside the budget: the same department's budget project of the same year, and
the promised target a self-evaluated target answers.

Pure functions shared by the audit (``selfeval.target_lowered``), the graph (``EVALUATES`` edges), ``trace``
and ``show``. A project is matched by code, else by its name: the same name (compared without whitespace and
punctuation), else the closest name at rapidfuzz ratio ≥ :data:`PROJECT_MATCH_MIN`; the method and the
confidence (ratio / 100) travel with the match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from kg.model import DepartmentIndicator, Document, Indicator, Project
from kg.normalize import clean_text, number_and_unit, target_met

# A self-evaluated project and a budget project whose names reach this rapidfuzz ratio (0-100) are the same.
PROJECT_MATCH_MIN = 90.0
# A self-evaluated target and a budget target (same project) whose names reach this ratio are the same target.
TARGET_MATCH_MIN = 90.0

_PUNCT = re.compile(r"[\s，,。.；;：:、“”\"'‘’（）()【】\[\]《》<>\-—_/\\]")

T = TypeVar("T")


def name_key(text: str | None) -> str:
    """A name for comparison: full-width folded, whitespace and punctuation removed."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", clean_text(text) or ""))


@dataclass(frozen=True)
class Match(Generic[T]):
    """What was matched, how (``code``, ``exact_name``, ``fuzzy_name``) and how sure (0-1)."""

    item: T
    method: str
    confidence: float


def match_project(p: Project, candidates: Sequence[Project]) -> Match[Project] | None:
    """The candidate that is ``p``: same code; else same name (or alias); else the closest name ≥ the minimum.
    Two different codes are two different projects, whatever the names."""
    if p.code:
        same = [c for c in candidates if c.code == p.code]
        if same:
            return Match(same[0], "code", 1.0)
    pool = [c for c in candidates if not (p.code and c.code and c.code != p.code)]
    names = {name_key(n) for n in [p.name, *p.aliases]} - {""}
    for c in pool:
        if names & ({name_key(n) for n in [c.name, *c.aliases]} - {""}):
            return Match(c, "exact_name", 1.0)
    best = _best(names, [(c, [c.name, *c.aliases]) for c in pool], PROJECT_MATCH_MIN)
    return Match(best[0], "fuzzy_name", best[1]) if best else None


def match_target(name: str | None, candidates: Sequence[T], names_of=lambda x: [x.l3]) -> Match[T] | None:
    """The candidate target of the same name (exact, else rapidfuzz ≥ :data:`TARGET_MATCH_MIN`)."""
    key = name_key(name)
    if not key:
        return None
    for c in candidates:
        if key in {name_key(n) for n in names_of(c)}:
            return Match(c, "exact_name", 1.0)
    best = _best({key}, [(c, names_of(c)) for c in candidates], TARGET_MATCH_MIN)
    return Match(best[0], "fuzzy_name", best[1]) if best else None


def _best(keys: set[str], pool: Iterable[tuple[T, list[str | None]]], minimum: float) -> tuple[T, float] | None:
    from rapidfuzz import fuzz  # (loaded only when a name is compared: issue 16)

    best: tuple[T, float] | None = None
    for item, names in pool:
        for n in names:
            nk = name_key(n)
            if not nk:
                continue
            score = max((fuzz.ratio(k, nk) for k in keys), default=0.0)
            if score >= minimum and (best is None or score / 100 > best[1]):
                best = (item, round(score / 100, 3))
    return best


def same_department(a: Document, b: Document) -> bool:
    return bool(a.department) and name_key(a.department) == name_key(b.department)


def budget_counterparts(evaluation: Document, docs: Iterable[T], doc_of=lambda x: x) -> list[T]:
    """The budget documents among ``docs`` of the evaluation's department and year."""
    return [x for x in docs if doc_of(x).doc_kind == "budget" and doc_of(x).year == evaluation.year
            and evaluation.year is not None and same_department(doc_of(x), evaluation)]


def is_evaluation(doc: Document) -> bool:
    """A document with at least one self-evaluated project or department-wide row."""
    return any(p.evaluated or any(i.evaluated for i in p.indicators) for p in doc.projects) or any(
        x.evaluated for x in doc.department_indicators)


def met(ind: Indicator | DepartmentIndicator) -> bool | None:
    """Whether a self-evaluated target (project or department-wide row) was met; None when undecidable."""
    if not ind.evaluated:
        return None
    got = target_met(ind.op, ind.value, ind.unit, ind.actual)
    if got is False and ind.op == "=" and not _lower_is_better(ind) and \
            target_met("≥", ind.value, ind.unit, ind.actual):
        return True  # 90% printed bare (read as =90%), 100% achieved: exceeding the mark meets it
    return got


# Words of an indicator (一级/二级/三级 or its 指标方向) under which less is better: exceeding an = target there
# does not meet it.
LOWER_IS_BETTER = ("成本", "反向", "费用", "支出", "投资", "单价", "发生率", "事故", "死亡率", "投诉")


def _lower_is_better(ind: Indicator | DepartmentIndicator) -> bool:
    words = " ".join(w for w in (getattr(ind, "l1", None), ind.l2, ind.l3, getattr(ind, "direction", None)) if w)
    return any(w in words for w in LOWER_IS_BETTER)


def lowered(promised_op: str | None, promised: str | None, promised_unit: str | None,
            op: str | None, value: str | None, unit: str | None) -> bool | None:
    """Whether the target ``op value unit`` asks less than the promised one: same operator and unit; for ≥ / >
    a lower value, for ≤ / < a higher one. None when they cannot be compared (different operators or units,
    text, =)."""
    if op != promised_op or op not in ("≥", ">", "≤", "<"):
        return None
    a, b = number_and_unit(promised), number_and_unit(value)
    if a is None or b is None:
        return None
    ua, ub = promised_unit or a[1], unit or b[1]
    if ua != ub:
        return None
    return b[0] < a[0] if op in ("≥", ">") else b[0] > a[0]


def decimal_or_none(text: str | None) -> Decimal | None:
    """A printed score, weight or rate as a number (``98.04%`` → 98.04, ``10分`` → 10); None when not one."""
    got = number_and_unit(text)
    if got is None or got[1] not in (None, "%", "分"):
        return None
    return got[0]
