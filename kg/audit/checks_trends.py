"""Target-quality rules across documents: year over year, copies across departments, peer outliers.

They see a light digest of every project with targets (:class:`ProjectDigest`: the targets and the evidence of
each row, not the document), so a whole store fits in memory. Findings are about the later year's project
(year over year), the later project in store order (copies), or the outlying row (peers); the peers and the
earlier rows are quoted as evidence.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from kg.audit.checks_money import is_cost_indicator
from kg.audit.checks_quality import NUMERIC_OPS, show, target_key
from kg.audit.context import AuditDoc
from kg.audit.findings import Evidence, Finding
from kg.audit.rules_targets import RuleConfig
from kg.audit.tolerances import money_to_yuan, squeeze, yuan_str
from kg.model import Indicator
from kg.normalize import parse_decimal

# Years in a project's name (2024年度, 2023年) are dropped when linking it across years.
_YEAR_IN_NAME = re.compile(r"(19|20)\d{2}年?度?")
# Peers quoted as evidence of an outlier.
PEERS_SHOWN = 5
# Dropped rows quoted in one finding.
DROPPED_SHOWN = 3


@dataclass
class ProjectDigest:
    """One project with targets: who, when, how much, and each target row with its evidence."""

    department: str
    department_code: str | None
    year: int | None
    doc_kind: str | None
    file: str
    name: str
    code: str | None
    amount: Decimal | None
    rows: list[tuple[Indicator, Evidence]] = field(default_factory=list)
    project_evidence: Evidence | None = None
    selected: bool = True  # findings about it are reported (its document is under audit)

    @cached_property
    def dept_key(self) -> str:
        return squeeze(self.department)

    @property
    def link_key(self) -> str:
        return squeeze(_YEAR_IN_NAME.sub("", self.name))


def digest_document(ad: AuditDoc, selected: bool = True) -> list[ProjectDigest]:
    doc = ad.doc
    out = []
    for p in doc.projects:
        if not p.indicators:
            continue
        out.append(ProjectDigest(doc.department or "", doc.department_code, doc.year, doc.doc_kind, ad.file,
                                 p.name, (p.code or "").strip() or None, p.amount,
                                 [(i, ad.ev_indicator(i, p)) for i in p.indicators], ad.ev_project(p), selected))
    return out


def _finding(cfg: RuleConfig, rule: str, d: ProjectDigest, message: str, evidence: list[Evidence],
             **values: str | None) -> Finding:
    return Finding(rule, cfg.severity_of(rule), d.department or None, d.name, message, evidence, d.file, d.year,
                   dict(values))


# -- year over year ------------------------------------------------------------------------------------

def link_years(digests: list[ProjectDigest]) -> list[tuple[ProjectDigest, ProjectDigest]]:
    """(earlier, later) pairs: one department's project in a later document and its nearest earlier year,
    linked by project code, else by name without years; same kind of document."""
    by_dept: dict[tuple[str, str | None], list[ProjectDigest]] = defaultdict(list)
    for d in digests:
        if d.dept_key and d.year:
            by_dept[(d.dept_key, d.doc_kind)].append(d)
    pairs = []
    for items in by_dept.values():
        for later in items:
            earlier = [e for e in items if e.year < later.year  # type: ignore[operator]
                       and ((later.code and e.code == later.code) or e.link_key == later.link_key)]
            if earlier:
                pairs.append((max(earlier, key=lambda e: e.year), later))  # type: ignore[arg-type, return-value]
    return pairs


def _ratio(new: Decimal | None, old: Decimal | None) -> Decimal:
    return new / old if new is not None and old else Decimal(1)


def check_years(digests: list[ProjectDigest], cfg: RuleConfig) -> Iterator[Finding]:
    for old, new in link_years(digests):
        if new.selected:
            yield from _lowered(old, new, cfg)
            yield from _dropped(old, new, cfg)
            yield from _unchanged(old, new, cfg)


def _lowered(old: ProjectDigest, new: ProjectDigest, cfg: RuleConfig) -> Iterator[Finding]:
    rule = "target.lowered"
    if not cfg.enabled(rule):
        return
    money = _ratio(new.amount, old.amount)
    tol = Decimal(str(cfg.param(rule, "tolerance")))
    before = {(squeeze(i.l3), i.unit, i.op): (i, e) for i, e in old.rows if i.l3}
    for i, e in new.rows:
        hit = before.get((squeeze(i.l3), i.unit, i.op))
        v1 = parse_decimal(i.value)
        if hit is None or v1 is None:
            continue
        i0, e0 = hit
        v0 = parse_decimal(i0.value)
        if v0 is None or v0 == v1:
            continue
        if i.op in ("≥", ">") and v0 > 0 and v1 < v0:
            tighter, what = v1 / v0, "lowered"
        elif i.op in ("≤", "<") and i.unit == "%" and not is_cost_indicator(i) and v1 > v0 > 0:
            tighter, what = v0 / v1, "relaxed"
        else:
            continue
        if tighter >= money - tol:
            continue  # the target moved no more than the money did
        amounts = (f"while the amount went from {yuan_str(old.amount)} to {yuan_str(new.amount)} 元"
                   if old.amount is not None and new.amount is not None else "(amounts unknown)")
        yield _finding(cfg, rule, new, f"{i.l3} {what} from {i.op} {i0.value}{i.unit or ''} ({old.year}) to "
                       f"{i.op} {i.value}{i.unit or ''} ({new.year}) {amounts}", [e, e0],
                       before=i0.value, after=i.value, year_before=str(old.year),
                       amount_before=str(old.amount), amount_after=str(new.amount))


def _dropped(old: ProjectDigest, new: ProjectDigest, cfg: RuleConfig) -> Iterator[Finding]:
    rule = "target.dropped"
    if not cfg.enabled(rule):
        return
    names = {squeeze(i.l3) for i, _ in new.rows}
    gone = [(i, e) for i, e in old.rows if i.l3 and squeeze(i.l3) not in names
            and i.op in NUMERIC_OPS and parse_decimal(i.value) is not None]
    if gone:
        listed = "; ".join(show(i) for i, _ in gone[:DROPPED_SHOWN])
        more = f" and {len(gone) - DROPPED_SHOWN} more" if len(gone) > DROPPED_SHOWN else ""
        yield _finding(cfg, rule, new, f"{len(gone)} quantitative targets of {old.year} are gone in {new.year}: "
                       f"{listed}{more}", [*(e for _, e in gone[:DROPPED_SHOWN]), *_first(new)],
                       dropped=str(len(gone)), year_before=str(old.year))


def _first(d: ProjectDigest) -> list[Evidence]:
    return [d.rows[0][1]] if d.rows else []


def _unchanged(old: ProjectDigest, new: ProjectDigest, cfg: RuleConfig) -> Iterator[Finding]:
    rule = "target.unchanged"
    if not cfg.enabled(rule) or old.amount is None or new.amount is None or not old.amount:
        return
    keys_old, keys_new = {target_key(i) for i, _ in old.rows}, {target_key(i) for i, _ in new.rows}
    moved = abs(new.amount - old.amount) / old.amount
    if keys_old != keys_new or len(keys_new) < cfg.param(rule, "min_rows") or \
            moved <= Decimal(str(cfg.param(rule, "share_min"))):
        return
    yield _finding(cfg, rule, new, f"all {len(keys_new)} targets are those of {old.year} while the amount went "
                   f"from {yuan_str(old.amount)} to {yuan_str(new.amount)} 元 ({moved:.0%} change)",
                   [*_first(new), *_first(old)], year_before=str(old.year), amount_before=str(old.amount),
                   amount_after=str(new.amount))


# -- copies across departments -------------------------------------------------------------------------

def check_copied_across(digests: list[ProjectDigest], cfg: RuleConfig) -> Iterator[Finding]:
    """A project whose targets are (share_min of the smaller set) verbatim another department's project's."""
    rule = "target.copied_across_departments"
    if not cfg.enabled(rule):
        return
    least, min_rows = cfg.param(rule, "share_min"), cfg.param(rule, "min_rows")
    items = sorted((d for d in digests if d.dept_key), key=lambda d: (d.dept_key, d.year or 0, d.file, d.name))
    keys = [{target_key(i) for i, _ in d.rows} for d in items]
    depts = [d.dept_key for d in items]
    postings: dict[tuple, list[int]] = defaultdict(list)
    for n, ks in enumerate(keys):
        if len(ks) < min_rows:
            continue
        d = items[n]
        if not d.selected:  # a comparison only (another department or year of a --dept / --year audit)
            for k in ks:
                postings[k].append(n)
            continue
        shared: dict[int, int] = defaultdict(int)
        for k in ks:
            for m in postings[k]:
                shared[m] += 1
            postings[k].append(n)
        cands = [(c / min(len(ks), len(keys[m])), m) for m, c in shared.items() if depts[m] != depts[n]]
        if not cands:
            continue
        share, m = max(cands)
        if share < least:
            continue
        q = items[m]
        first = next(((i, e) for i, e in d.rows if target_key(i) in keys[m]), d.rows[0])
        twin = next(e for i, e in q.rows if target_key(i) == target_key(first[0]))
        yield _finding(cfg, rule, d, f"{share:.0%} of the targets are word for word those of {q.name} "
                       f"({q.department} {q.year or ''})", [first[1], twin], other_project=q.name,
                       other_department=q.department, share=f"{share:.2f}")


# -- peers ----------------------------------------------------------------------------------------------

def peer_name(i: Indicator) -> str:
    """An indicator's name for comparing across departments: squeezed, without years and digits."""
    return re.sub(r"\d+", "", squeeze(_YEAR_IN_NAME.sub("", i.l3 or "")))


def check_peers(digests: list[ProjectDigest], cfg: RuleConfig) -> Iterator[Finding]:
    """Per-unit costs more than ``factor``× from the median of the same indicator in other departments."""
    rule = "target.peer_outlier"
    if not cfg.enabled(rule):
        return
    pattern = re.compile(cfg.param(rule, "name_pattern"))
    factor = Decimal(str(cfg.param(rule, "factor")))
    groups: dict[str, list[tuple[Decimal, Indicator, Evidence, ProjectDigest]]] = defaultdict(list)
    for d in digests:
        for i, e in d.rows:
            yuan = money_to_yuan(i.value, i.unit)
            if yuan and yuan > 0 and i.op in NUMERIC_OPS and d.dept_key and pattern.search(squeeze(i.l3)):
                groups[peer_name(i)].append((yuan, i, e, d))
    for rows in groups.values():
        for yuan, i, e, d in rows:
            if not d.selected:
                continue
            peers = [r for r in rows if r[3].dept_key != d.dept_key]
            if len(peers) < cfg.param(rule, "min_peers") or \
                    len({r[3].dept_key for r in peers}) < cfg.param(rule, "min_departments"):
                continue
            median = Decimal(statistics.median(r[0] for r in peers))
            ratio = yuan / median
            if 1 / factor < ratio < factor:
                continue
            near = sorted(peers, key=lambda r: abs(r[0] - median))[:PEERS_SHOWN]
            listed = "; ".join(f"{r[3].department} {r[3].year or ''} {yuan_str(r[0])}" for r in near)
            yield _finding(cfg, rule, d, f"{i.l3} {i.op} {yuan_str(yuan)} 元 is {ratio:.1f}× the median "
                           f"{yuan_str(median)} 元 of {len(peers)} peers in {len({r[3].dept_key for r in peers})} "
                           f"other departments ({listed})", [e, *(r[2] for r in near)],
                           value=str(yuan), median=str(median), ratio=f"{ratio:.2f}", peers=str(len(peers)))


STORE_CHECKS = [check_years, check_copied_across, check_peers]
STORE_RULES = ("target.lowered", "target.dropped", "target.unchanged", "target.copied_across_departments",
               "target.peer_outlier")
