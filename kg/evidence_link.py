"""Links by evidence: the owner of a target form whose project name matches no project of the table exactly.

A form printed as ``…服务中心（站）运行保障项目`` belongs to the table's ``…服务站运行保障经费`` when the evidence
agrees: the names are alike by characters and by the words that differ (generic words such as 项目 / 经费 and
bracketed notes weigh nothing), and the form's amount is the table amount or near it (within
:data:`AMOUNT_NEAR_RATIO`), or its cost targets add up to the table amount; a code both give must be equal.
:func:`choose_owner` scores every candidate on each feature and returns the best when it is plausible and
clearly ahead of the runner-up; the families use it only after their exact and equal-amount rules failed, so a
form never becomes a second, codeless project while a table project is a plausible owner. The per-feature
scores go with the link (``features``), for the review queue and the document's warnings.

Every family links its forms through one helper, :func:`link_form_by_evidence` (cell_per_line, pdf_wrapped,
tabbed, numbered_tables, the generic forms layout): it chooses the owner among the document's projects, notes
the per-feature scores (``form_link_features``), makes the form's name an alias of the owner and records the
form's amount as a ``form_amount`` figure, which the audit compares with the owner's amount
(``form_amount_vs_table``, :func:`kg.audit.checks_money.check_form_amount`) — so a reviewer's decision that moves
or rejects the link (:func:`kg.links.apply_link_decisions_to_documents`) changes what the amount is compared with.
:func:`mark_evidence` gives the form's targets ``link_method`` ``form:evidence`` and the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kg.model import Document, Figure, Indicator, Project, Provenance
from kg.normalize import clean_text

EVIDENCE_METHOD = "form:evidence"
FORM_AMOUNT_KEY = "form_amount"  # the figure of a form's own amount (kg.audit.checks_money compares it)

# Amounts this close (relative to the larger) count as "near": a form and its table row that differ by a
# rounding, a late adjustment or a typo (1,400 元 on a six-figure project). An exact match scores 1.
AMOUNT_NEAR_RATIO = Decimal("0.05")
# Words that say nothing about which project a name means; dropped before the word-level comparison.
GENERIC_WORDS = re.compile(r"项目|经费|资金|费用|专项|工作|支出|[（(][^）)]*[）)]")
# Weights of the features in the overall score (they sum to 1).
WEIGHTS = {"name": 0.35, "words": 0.25, "amount": 0.4}
# Lowest overall score that makes a candidate plausible, and its lead over the runner-up.
MIN_SCORE = 0.7
MIN_LEAD = 0.1
# A name this alike (0-1, characters) is needed at all: an equal amount alone never links two unrelated names.
MIN_NAME = 0.45


@dataclass(frozen=True)
class Candidate:
    name: str
    amount: Decimal | None = None
    code: str | None = None


@dataclass
class OwnerLink:
    index: int
    method: str  # "evidence"
    confidence: float
    features: dict[str, float | None] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{k} {v:.2f}" for k, v in self.features.items() if v is not None)


def _core(name: str) -> str:
    return GENERIC_WORDS.sub("", clean_text(name) or "")


def amount_score(form: Sequence[Decimal], table: Decimal | None) -> float | None:
    """1 for an equal amount, falling linearly to 0 at :data:`AMOUNT_NEAR_RATIO` apart; None when unknown."""
    if table is None or not form:
        return None
    best = 0.0
    for a in form:
        top = max(abs(a), abs(table))
        if top == 0:
            return 1.0
        gap = abs(a - table) / top
        best = max(best, float(1 - gap / AMOUNT_NEAR_RATIO) if gap < AMOUNT_NEAR_RATIO else 0.0)
    return round(best, 4)


def features(name: str, amounts: Sequence[Decimal], cost_sum: Decimal | None, code: str | None,
             c: Candidate) -> dict[str, float | None]:
    amount = amount_score(amounts, c.amount)
    cost = amount_score([cost_sum], c.amount) if cost_sum is not None else None
    from rapidfuzz import fuzz  # (a parse-time link only, not on the answer path: issue 16)

    return {"name": round(fuzz.ratio(clean_text(name) or "", clean_text(c.name) or "") / 100, 4),
            "words": round(fuzz.ratio(_core(name), _core(c.name)) / 100, 4),
            "amount": max((s for s in (amount, cost) if s is not None), default=None),
            "code": None if not code or not c.code else float(code == c.code)}


def overall(f: dict[str, float | None]) -> float:
    """Weighted score of the known features; a differing code rules the candidate out."""
    if f.get("code") == 0.0 or (f["name"] or 0) < MIN_NAME:
        return 0.0
    known = {k: w for k, w in WEIGHTS.items() if f.get(k) is not None}
    total = sum(known.values())
    return sum(w * float(f[k] or 0) for k, w in known.items()) / total if total else 0.0


def choose_owner(name: str, amounts: Sequence[Decimal], candidates: Sequence[Candidate], *,
                 cost_sum: Decimal | None = None, code: str | None = None,
                 taken: set[int] | None = None) -> OwnerLink | None:
    """The candidate the evidence names as the form's owner, or None when none is plausible or two are alike.
    Without amount evidence (no amount on either side) the names alone must carry it."""
    scored = []
    for i, c in enumerate(candidates):
        if taken and i in taken:
            continue
        f = features(name, amounts, cost_sum, code, c)
        if f["amount"] is None and (f["name"] or 0) < 0.85:
            continue  # names alone link only when they are nearly the same
        scored.append((overall(f), i, f))
    scored.sort(key=lambda s: (-s[0], s[1]))
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MIN_LEAD:
        return None
    score, i, f = scored[0]
    return OwnerLink(i, "evidence", round(min(0.95, score), 3), f)


def link_form_by_evidence(doc: Document, name: str, amounts: Sequence[Decimal], projects: Sequence[Project], *,
                          code: str | None = None, cost_sum: Decimal | None = None, taken: set[int] | None = None,
                          line: int | None = None, amount: Provenance | None = None,
                          amount_text: str = "") -> OwnerLink | None:
    """The project of ``projects`` the evidence names as the owner of the form ``name`` (see the module doc), with
    the link noted in ``doc``; None (nothing noted) when no project is a plausible owner — the caller then keeps
    the form as its own project and reports it. ``amount`` is where the form's amount is printed."""
    owner = choose_owner(name, amounts, [Candidate(p.name, p.amount, p.code) for p in projects], code=code,
                         cost_sum=cost_sum, taken=taken)
    if owner is None:
        return None
    p = projects[owner.index]
    doc.warn("form_link_features", f"form {name} → {p.name}: {owner.describe()}; confidence {owner.confidence}",
             line, severity="info")
    if clean_text(name) != clean_text(p.name) and name not in p.aliases:
        p.aliases.append(name)
    if amounts:
        nearest = min(amounts, key=lambda a: abs(a - p.amount)) if p.amount is not None else amounts[0]
        doc.outcomes.append(Figure(FORM_AMOUNT_KEY, nearest, amount_text or str(nearest), subject=name,
                                   provenance=amount or Provenance(doc.source, None, line, line)))
    return owner


def mark_evidence(indicators: Sequence[Indicator], owner: OwnerLink) -> None:
    """Targets of a form linked by evidence: method ``form:evidence``, at most the link's confidence."""
    for ind in indicators:
        ind.link_method, ind.confidence = EVIDENCE_METHOD, min(ind.confidence, owner.confidence)
