"""Search: full-text (whoosh, BM25F) and fuzzy (rapidfuzz) candidates, one combined ranking.

Every candidate gets four features in [0, 1]:

- ``primary``: the share of the query's token weight found in the entry's own name, aliases or codes;
- ``any``: the same over every searchable field (its project, department, goal, levels …);
- ``bm25``: its idf-weighted field-boosted token score over the best one's (a BM25F without length
  normalization, computed from the postings directly);
- ``fuzzy``: :func:`index.fuzzy.score` of the query against the entry's name or best alias.

``score`` is their weighted sum (:data:`WEIGHTS`). Fuzzy candidates from the whole name lexicon are
added when the full-text candidates name the query poorly (:data:`FUZZY_SCAN_BELOW`). Candidates under :data:`MIN_SCORE` are dropped;
when the best is under :data:`GOOD_SCORE` the result carries "did you mean" suggestions. An empty query,
or one with nothing searchable in it, is a :class:`kg.errors.QueryError`.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Indel

from index.analysis import fold, query_weights
from index.build import INDEX_DIRNAME, MANIFEST, SearchIndex
from index.filters import SUGGESTIONS, Filters
from index.fuzzy import Lexicon
from index.fuzzy import score as fuzzy_score
from index.schema import ALIAS_SEP, CONTEXT_FIELDS, FIELD_BOOSTS, KINDS, PRIMARY_FIELDS
from kg.errors import QueryError, StoreError

if TYPE_CHECKING:  # whoosh loads only for a whoosh index
    from whoosh.reading import IndexReader

    from index.readers import Reader

WEIGHTS = {"primary": 0.45, "any": 0.15, "bm25": 0.10, "fuzzy": 0.30}
MIN_SCORE = 0.22  # below this a candidate is noise, not a hit
GOOD_SCORE = 0.6  # below this the best hit is a guess: offer "did you mean"
SUGGEST_MIN_FUZZY = 0.5
TEXT_CANDIDATES = 100
MAX_SCAN_POSTINGS = 5_000
FUZZY_CANDIDATES = 60  # best lexicon names considered
FUZZY_ENTRIES = 150  # at most this many index entries added through them (a common name has thousands)
FUZZY_LOOKUP_BATCH = 200  # their entry numbers are looked up this many at a time
# the whole fuzzy lexicon is scanned only when no full-text candidate's own name holds this much of the
# query (a typo, an alias, an abbreviation); otherwise fuzzy only re-scores the full-text candidates
FUZZY_SCAN_BELOW = 0.9
MAX_QUERY_CHARS = 2000  # a real indicator text runs to several hundred characters; trace accepts any
HL_OPEN, HL_CLOSE = "«", "»"
SNIPPET_CHARS = 80  # a longer text is cut to a window this long around its first match
SNIPPET_LEAD = 12  # characters kept before the first match


@dataclass
class Hit:
    kind: str
    name: str  # the entry's own name: project name, indicator 三级指标, department name
    project: str | None
    department: str | None
    year: int | None
    amount: str | None
    text: str
    score: float
    file: str | None
    line: int | None
    snippet: str = ""
    fuzzy: float = 0.0
    text_score: float = 0.0
    reason: str = ""
    doc_id: str = ""
    eid: str = ""
    code: str | None = None
    doc_kind: str | None = None
    l1: str | None = None
    l2: str | None = None
    op: str | None = None
    value: str | None = None
    unit: str | None = None
    met: bool | None = None  # a self-evaluated target: whether it was met (None: undecided, or not one)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def cite(self) -> str:
        return f"{self.file}:{self.line}" if self.line else (self.file or "")


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    did_you_mean: list[str] = field(default_factory=list)
    candidates: int = 0  # hits above MIN_SCORE before --limit
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "hits": [h.to_dict() for h in self.hits], "did_you_mean": self.did_you_mean,
                "candidates": self.candidates}


@dataclass
class _Cand:
    fields: dict[str, Any]
    primary: float = 0.0
    any: float = 0.0
    bm25: float = 0.0
    fuzzy: float = 0.0
    fuzzy_name: str = ""
    terms: set[str] = field(default_factory=set)
    score: float = 0.0
    covered: bool = False  # primary / any / terms computed


# ---- opening -------------------------------------------------------------------------------------
def open_index(target: SearchIndex | Path | str) -> SearchIndex:
    """An open index from itself, a store directory (``<dir>/index``) or an index directory."""
    if isinstance(target, SearchIndex):
        return target
    p = Path(target)
    if (p / INDEX_DIRNAME / MANIFEST).is_file():
        return SearchIndex.open(p / INDEX_DIRNAME)
    if (p / MANIFEST).is_file():
        return SearchIndex.open(p)
    raise StoreError("no search index here (run perfkg ingest first)", file=str(p))


# ---- query building ------------------------------------------------------------------------------
def strong_terms(weights: dict[str, float]) -> dict[str, float]:
    """The tokens that select candidates: bigrams, words and codes; the stand-by unigrams only when the
    query has nothing longer (a unigram is in a large share of a big corpus)."""
    return {t: w for t, w in weights.items() if w >= 1.0 and len(t) > 1} or weights


def strong_query_terms(text: str, method: str) -> list[str]:
    """The tokens a --level value must all match (its bigrams and words; unigrams when it has nothing longer)."""
    ws = query_weights(text, method)
    return [t for t, w in ws.items() if w >= 1.0] or list(ws)


# ---- candidates ----------------------------------------------------------------------------------
def _text_candidates(s: Reader, weights: dict[str, float], allowed: set[int] | None) -> dict[str, _Cand]:
    """The best TEXT_CANDIDATES entries by idf-weighted token presence over the boosted fields.

    Postings are read straight from the index (whoosh's own matcher tree is pure Python and grows with
    tokens × fields). Rare tokens are read first; a token in more than MAX_SCAN_POSTINGS entries is skipped
    once there are enough candidates — coverage of every token is still computed on the candidates.
    """
    n = max(1, s.doc_count_all())
    jobs = []
    for t, w in strong_terms(weights).items():
        for f, b in FIELD_BOOSTS.items():
            df = s.doc_frequency(f, t)
            if df:
                jobs.append((df, f, t, w * b * math.log(1 + n / df)))
    jobs.sort()
    acc: dict[int, float] = defaultdict(float)
    for df, f, t, wt in jobs:
        if df > MAX_SCAN_POSTINGS and len(acc) >= TEXT_CANDIDATES:
            continue
        for base, ids in s.posting_blocks(f, t):
            for d in ids:
                acc[d + base] += wt
    if allowed is not None:
        acc = defaultdict(float, {d: v for d, v in acc.items() if d in allowed})
    top = heapq.nlargest(TEXT_CANDIDATES, acc.items(), key=itemgetter(1))
    best = top[0][1] if top else 1.0
    out: dict[str, _Cand] = {}
    for (_d, sc), fields in zip(top, s.stored_many([d for d, _ in top]), strict=True):
        c = _Cand(dict(fields))
        c.bm25 = sc / best
        out[c.fields["eid"]] = c
    return out


def posting_blocks(reader: IndexReader, field_name: str, term: str) -> Iterator[tuple[int, Sequence[int]]]:
    """(doc number base, segment doc numbers) of a term's postings, a whole block at a time.

    The same ids as ``reader.postings(field, term).all_ids()``, without a generator step and three method
    calls per posting (most of a query's time on a large index). Segments with deletions, and postings
    whoosh stores inline, take the generic path.
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher

    for leaf, base in reader.leaf_readers():
        if (field_name, term) not in leaf:
            continue
        m = leaf.postings(field_name, term)
        if not isinstance(m, W3LeafMatcher) or leaf.has_deletions():
            yield base, list(m.all_ids())
            continue
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            yield base, m._ids
            m._next_block()


def _coverage(c: _Cand, weights: dict[str, float]) -> None:
    """Which query tokens the entry's own names hold (``primary``), and its stored text at all (``any``)."""
    total = sum(weights.values()) or 1.0
    f = c.fields
    primary = fold(" ".join(str(f.get(k) or "") for k in PRIMARY_FIELDS)).lower()
    rest = fold(" ".join(str(f.get(k) or "") for k in CONTEXT_FIELDS)).lower()
    c.terms = {t for t in weights if t in primary}
    c.primary = sum(weights[t] for t in c.terms) / total
    c.any = sum(w for t, w in weights.items() if t in primary or t in rest) / total
    c.covered = True


def _fuzzy_candidates(si: SearchIndex, s: Reader, query: str, allowed: set[int] | None,
                      have: dict[str, _Cand]) -> list[tuple[float, str]]:
    lex = _lexicon(si)
    matches = lex.match(query, limit=FUZZY_CANDIDATES)
    new: dict[str, int] = {}  # eid → doc number of the entries added, in order
    pending = (eid for _sc, i in matches for eid in lex.eids[i])
    while len(new) < FUZZY_ENTRIES:  # entry numbers looked up a batch at a time, entries taken in order
        batch = list(islice(pending, FUZZY_LOOKUP_BATCH))
        if not batch:
            break
        for eid, docnum in zip(batch, s.document_numbers(batch), strict=True):
            if len(new) >= FUZZY_ENTRIES:
                break
            if eid in have or eid in new or docnum is None or (allowed is not None and docnum not in allowed):
                continue
            new[eid] = docnum
    for eid, fields in zip(new, s.stored_many(list(new.values())), strict=True):
        have[eid] = _Cand(dict(fields))
    return [(sc, lex.display[i]) for sc, i in matches]


def document_number(reader: IndexReader, eid: str) -> int | None:
    """``searcher.document_number(eid=eid)``: an entry's doc number, or None.

    An eid is unique, so a segment's term info holds its one doc number (min id) and no postings need to be
    read (whoosh's ``first_id`` opens a posting reader: three file reads and two unpicklings per call). A
    deleted or repeated eid takes whoosh's path.
    """
    from whoosh.reading import TermNotFound

    for leaf, base in reader.leaf_readers():
        try:
            ti = leaf.term_info("eid", eid)
        except TermNotFound:
            continue
        docnum = ti.min_id()
        if ti.doc_frequency() == 1 and not (leaf.has_deletions() and leaf.is_deleted(docnum)):
            return base + docnum
        try:
            return base + leaf.first_id("eid", eid)
        except TermNotFound:
            continue
    return None


def _lexicon(si: SearchIndex) -> Lexicon:
    return si.fuzzy_lexicon()


def _names(fields: dict[str, Any]) -> list[str]:
    names = [fields.get("title") or ""]
    if fields.get("kind") == "project":
        names += [a for a in (fields.get("aliases") or "").split(ALIAS_SEP) if a]
    if fields.get("kind") in ("project", "department"):
        names.append(fields.get("code") or "")
    return [n for n in names if n]


def _score(c: _Cand, query: str, fuzzy: bool = True) -> None:
    if fuzzy:
        c.fuzzy, c.fuzzy_name = max(((fuzzy_score(query, n), n) for n in _names(c.fields)), default=(0.0, ""))
    c.score = (WEIGHTS["primary"] * c.primary + WEIGHTS["any"] * c.any + WEIGHTS["bm25"] * c.bm25
               + WEIGHTS["fuzzy"] * c.fuzzy)


# ---- hits ----------------------------------------------------------------------------------------
def highlight(text: str, terms: set[str], query: str = "") -> str:
    """``text`` with the characters a query matched wrapped in «»: its terms, else the fuzzy alignment."""
    low = fold(text).lower()
    if len(low) != len(text):  # a few letters change length when lower-cased; offsets must hold
        low = fold(text)
    marks = [False] * len(text)
    for t in terms:
        start = low.find(t)
        while t and start >= 0:
            for k in range(start, start + len(t)):
                marks[k] = True
            start = low.find(t, start + 1)
    if not any(marks) and query:
        for op in Indel.opcodes(fold(query).lower(), low):
            if op.tag == "equal":
                for k in range(op.dest_start, op.dest_end):
                    marks[k] = True
    start, end = _window(marks)
    out, inside = ["…"] if start else [], False
    for ch, m in zip(text[start:end], marks[start:end], strict=True):
        if m != inside:
            out.append(HL_OPEN if m else HL_CLOSE)
            inside = m
        out.append(ch)
    if inside:
        out.append(HL_CLOSE)
    if end < len(text):
        out.append("…")
    return "".join(out)


def _window(marks: list[bool]) -> tuple[int, int]:
    if len(marks) <= SNIPPET_CHARS:
        return 0, len(marks)
    first = marks.index(True) if any(marks) else 0
    start = max(0, min(first - SNIPPET_LEAD, len(marks) - SNIPPET_CHARS))
    return start, start + SNIPPET_CHARS


def _reason(c: _Cand) -> str:
    if c.primary >= 0.999:
        return "name" if c.fields.get("kind") != "project" or "codes" not in c.fields else "name or code"
    if c.primary > 0:
        return f"name {c.primary:.0%} of query"
    if c.any > 0 and c.fuzzy < SUGGEST_MIN_FUZZY:
        return "project, department or context"
    return f"fuzzy {c.fuzzy:.2f} ~ {c.fuzzy_name}"


def rank_candidates(cands: dict, q: str, weights: dict[str, float], fuzzy: bool, limit: int,
                    scan_names: Callable[[], list[tuple[float, str]]],
                    all_names: Callable[[], list[tuple[float, str]]]) -> SearchResult:
    """Cover and score every candidate, add the fuzzy ones when the text ones name the query poorly
    (``scan_names``: the engine's lexicon scan, which adds them to ``cands`` and returns (score, name) pairs), and
    rank them; a poor best hit gets "did you mean" names (``all_names`` when no scan ran). Shared by the embedded
    engines and PostgreSQL."""
    for c in cands.values():
        _coverage(c, weights)
    scan = fuzzy and max((c.primary for c in cands.values()), default=0.0) < FUZZY_SCAN_BELOW
    fuzzy_names = scan_names() if scan else []
    for c in cands.values():
        if not c.covered:  # the fuzzy candidates
            _coverage(c, weights)
        _score(c, q, fuzzy)
    ranked = sorted((c for c in cands.values() if c.score >= MIN_SCORE),
                    key=lambda c: (-c.score, KINDS.index(c.fields.get("kind", "department")), c.fields["eid"]))
    result = SearchResult(q, [_hit(c, q) for c in ranked[:limit]], candidates=len(ranked))
    if fuzzy and (not ranked or ranked[0].score < GOOD_SCORE):
        result.did_you_mean = suggestions(q, fuzzy_names if scan else all_names())
    return result


def _hit(c: _Cand, query: str) -> Hit:
    f = c.fields
    text = f.get("text") or f.get("title") or ""
    return Hit(
        kind=f.get("kind", ""), name=f.get("title", ""), project=f.get("project"), department=f.get("department"), year=f.get("year"),
        amount=f.get("amount_text"), text=text, score=round(c.score, 4), file=f.get("file"), line=f.get("line"),
        snippet=highlight(text, c.terms, query if c.primary == 0 else ""), fuzzy=round(c.fuzzy, 4),
        text_score=round(c.primary, 4), reason=_reason(c), doc_id=f.get("doc_id", ""), eid=f.get("eid", ""),
        code=f.get("code"), doc_kind=f.get("doc_kind"), l1=f.get("l1"), l2=f.get("l2"), op=f.get("op"),
        value=f.get("value"), unit=f.get("unit"), met={"true": True, "false": False}.get(f.get("met") or ""),
    )


# ---- the entry point -----------------------------------------------------------------------------
def search(target: SearchIndex | Path | str, query: str, *, dept: str | None = None, year: int | None = None,
           kind: str | None = None, level: str | None = None, op: str | None = None, unit: str | None = None,
           min_amount: float | None = None, max_amount: float | None = None, limit: int = 10,
           fuzzy: bool = True, met: bool | None = None) -> SearchResult:
    """Ranked hits for ``query`` (see the module doc). ``target``: an open index, a store or index dir.

    ``fuzzy=False`` ranks the full-text candidates by text features only (the benchmark uses it to compare
    analyzers without the fuzzy matcher covering for them). ``met`` keeps self-evaluated targets that met
    (True) or missed (False) their target; with it the query may be empty: every such target, in index order.
    """
    t0 = time.perf_counter()
    q = " ".join((query or "").split())
    if not q and met is not None:
        return _listing(open_index(target), Filters(dept, year, kind, level, op, unit, min_amount, max_amount, met),
                        limit, t0)
    if not q:
        raise QueryError("empty query: give a project name, an indicator word or a code")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(q)} characters, at most {MAX_QUERY_CHARS})")
    if limit < 1:
        raise QueryError(f"--limit must be at least 1 (got {limit})")
    si = open_index(target)
    weights = query_weights(q, si.analyzer)
    if not weights:
        raise QueryError(f"query {q!r} has no letters, digits or Chinese characters to search for")
    filters = Filters(dept, year, kind, level, op, unit, min_amount, max_amount, met)
    s = si.reader()
    allowed = s.allowed(filters)  # doc numbers passing the filters (None: no filter)
    if dept and year is not None and not allowed:
        s.no_year_of_department(filters)
    cands = _text_candidates(s, weights, allowed)
    result = rank_candidates(
        cands, q, weights, fuzzy, limit, lambda: _fuzzy_candidates(si, s, q, allowed, cands),
        lambda: [(sc, _lexicon(si).display[i]) for sc, i in _lexicon(si).match(q, limit=FUZZY_CANDIDATES)])
    result.seconds = time.perf_counter() - t0
    return result


def _listing(si: SearchIndex, f: Filters, limit: int, t0: float) -> SearchResult:
    """Every entry passing the filters (no query), in eid order."""
    if limit < 1:
        raise QueryError(f"--limit must be at least 1 (got {limit})")
    fields = sorted(si.reader().listing(f), key=lambda x: x.get("eid", ""))
    hits = [_hit(_Cand(x, primary=1.0, score=1.0), "") for x in fields]
    return SearchResult("", hits[:limit], candidates=len(hits), seconds=time.perf_counter() - t0)


def suggestions(query: str, fuzzy_names: list[tuple[float, str]]) -> list[str]:
    out: list[str] = []
    for sc, name in fuzzy_names:
        if sc >= SUGGEST_MIN_FUZZY and name != query and name not in out:
            out.append(name)
        if len(out) == SUGGESTIONS:
            break
    return out
