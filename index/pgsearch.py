"""Search inside PostgreSQL, for a PostgreSQL store (issue 17): the embedded index's entries, analysis, filters,
ranking and JSON, with the postings in the database.

Each index entry (:func:`index.schema.document_entries`) is a row of ``search_entries``: one ``tsvector`` per
searchable field (``simple`` configuration, built from the embedded analyzer's own tokens — CJK unigrams and
bigrams, codes and numbers whole — with ``array_to_tsvector``, so PostgreSQL's parser never splits them), a
``terms`` vector of all of them under a GIN index (the candidate prefilter), the filter columns, and the stored
fields as JSON. The fuzzy lexicon is ``search_names``: one row per (entry, name) with the name's distinct
characters under a GIN index — the same character-bound prefilter as :mod:`index.charindex`, evaluated by the
server. Rows are written and deleted in the document's own transaction, so search is never stale.

The ranking is :func:`index.query.search`'s: the same idf-weighted field-boosted token score (document
frequencies counted by the server), the same coverage, fuzzy score, weights, cut-offs and hits.
"""

from __future__ import annotations

import heapq
import json
import math
import time
from collections import Counter
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from index.analysis import DEFAULT_ANALYZER, index_terms, query_weights
from index.filters import KIND_FAMILIES, Filters, match_departments, no_year_message
from index.fuzzy import MIN_QUERY_COVER, RESCORE, _combine, compactness, normalize
from index.query import (
    FUZZY_CANDIDATES,
    FUZZY_ENTRIES,
    MAX_QUERY_CHARS,
    MAX_SCAN_POSTINGS,
    TEXT_CANDIDATES,
    SearchResult,
    _Cand,
    _hit,
    rank_candidates,
    strong_terms,
)
from index.readers import value_filters
from index.schema import FIELD_BOOSTS, KINDS, document_entries, lexicon_items
from kg.errors import QueryError

if TYPE_CHECKING:
    from kg.model import Document

SEARCH_FORMAT = 2  # 2: document frequencies kept in search_df
UNIGRAM_FIELDS = ("title", "aliases", "codes")  # the others index bigrams only (index.schema.make_schema)
TEXT_FIELDS = tuple(FIELD_BOOSTS)  # title, aliases, codes, project, levels, context
HIDDEN = ("levels", "context")  # searchable, not stored (whoosh stores neither)
_C = 'TEXT COLLATE "C"'
SEARCH_SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS search_entries (doc_id {_C} NOT NULL, ord INTEGER NOT NULL, eid {_C} NOT NULL, "
    f"kind {_C}, department {_C}, year INTEGER, amount DOUBLE PRECISION, op {_C}, unit {_C}, met {_C}, "
    + ", ".join(f"{f} TSVECTOR" for f in TEXT_FIELDS)
    + ", terms TSVECTOR NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (doc_id, ord))",
    "CREATE INDEX IF NOT EXISTS search_entries_terms ON search_entries USING GIN (terms)",
    "CREATE INDEX IF NOT EXISTS search_entries_eid ON search_entries (eid)",
    f"CREATE TABLE IF NOT EXISTS search_names (doc_id {_C} NOT NULL, n INTEGER NOT NULL, eid {_C} NOT NULL, "
    f"name {_C} NOT NULL, display TEXT NOT NULL, chars TEXT[] NOT NULL, PRIMARY KEY (doc_id, n))",
    "CREATE INDEX IF NOT EXISTS search_names_chars ON search_names USING GIN (chars)",
    # entries holding each (field, term), as whoosh's term info: a query reads its terms' rows, not the postings;
    # the row ('', '') counts the entries
    f"CREATE TABLE IF NOT EXISTS search_df (field {_C} NOT NULL, term {_C} NOT NULL, df INTEGER NOT NULL, "
    "PRIMARY KEY (field, term))",
]
_DF_UPSERT = ("INSERT INTO search_df VALUES (%s, %s, %s) ON CONFLICT (field, term) DO UPDATE "
              "SET df = search_df.df + EXCLUDED.df")


# ---- writing (inside the store's per-document transaction) --------------------------------------------
def entry_rows(doc_id: str, doc: Document, method: str = DEFAULT_ANALYZER) -> tuple[list[tuple], list[tuple]]:
    """The ``search_entries`` and ``search_names`` rows of one document."""
    entries = document_entries(doc_id, doc)
    rows = []
    for k, e in enumerate(entries):
        toks = {f: sorted(set(index_terms(str(e.get(f) or ""), method, f in UNIGRAM_FIELDS))) for f in TEXT_FIELDS}
        stored = {x: v for x, v in e.items() if x not in HIDDEN}
        rows.append((doc_id, k, e["eid"], e["kind"], e.get("department"), e.get("year"), e.get("amount"), e.get("op"),
                     e.get("unit"), e.get("met"), *(toks[f] for f in TEXT_FIELDS),
                     sorted(set().union(*toks.values())), json.dumps(stored, ensure_ascii=False)))
    names = []
    for n, (eid, name) in enumerate(lexicon_items(entries)):
        key = normalize(name)
        if key:
            names.append((doc_id, n, eid, key, name, sorted(set(key))))
    return rows, names


def write_entries(raw: Any, doc_id: str, doc: Document, method: str = DEFAULT_ANALYZER) -> None:
    """Insert one document's search rows (``raw``: a psycopg connection inside the document's transaction)."""
    rows, names = entry_rows(doc_id, doc, method)
    df: Counter[tuple[str, str]] = Counter({("", ""): len(rows)})
    for r in rows:
        for k, f in enumerate(TEXT_FIELDS):
            df.update((f, t) for t in r[10 + k])
    vecs = ", ".join("array_to_tsvector(%s::text[])" for _ in TEXT_FIELDS)
    with raw.cursor() as cur:
        cur.executemany("INSERT INTO search_entries (doc_id, ord, eid, kind, department, year, amount, op, unit, met, "
                        f"{', '.join(TEXT_FIELDS)}, terms, fields) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                        f"{vecs}, array_to_tsvector(%s::text[]), %s)", rows)
        cur.executemany("INSERT INTO search_names VALUES (%s, %s, %s, %s, %s, %s)", names)
        cur.executemany(_DF_UPSERT, [(f, t, n) for (f, t), n in sorted(df.items())])  # sorted: no deadlock


def delete_entries(raw: Any, doc_id: str) -> None:
    counts = " UNION ALL ".join(
        f"SELECT '{f}' AS field, t AS term, count(*) AS n FROM search_entries, unnest(tsvector_to_array({f})) t "
        "WHERE doc_id = %s GROUP BY t" for f in TEXT_FIELDS)
    raw.execute(f"UPDATE search_df d SET df = d.df - x.n FROM (SELECT '' AS field, '' AS term, count(*) AS n FROM "
                f"search_entries WHERE doc_id = %s UNION ALL {counts}) x WHERE d.field = x.field AND d.term = x.term",
                (doc_id,) * (1 + len(TEXT_FIELDS)))
    raw.execute("DELETE FROM search_entries WHERE doc_id = %s", (doc_id,))
    raw.execute("DELETE FROM search_names WHERE doc_id = %s", (doc_id,))


# ---- querying ------------------------------------------------------------------------------------------
def tsquery(term: str) -> str:
    """One lexeme as tsquery input (quoted: the analyzer's token, never re-parsed)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _filter_sql(raw: Any, f: Filters, method: str) -> tuple[str, list[Any]]:
    """The SQL condition every hit must meet, and its parameters (errors as :func:`index.query.filter_query`)."""
    parts, params = ["TRUE"], []
    if f.dept:
        names = [d for (d,) in raw.execute("SELECT DISTINCT department FROM search_entries "
                                           "WHERE department IS NOT NULL ORDER BY 1")]
        parts.append("department = ANY(%s)")
        params.append(match_departments(f.dept, names))
    if f.year is not None:
        years = {y for (y,) in raw.execute("SELECT DISTINCT year FROM search_entries WHERE year IS NOT NULL")}
        if f.year not in years:
            raise QueryError(f"--year {f.year} matches no document in the index"
                             + (f"; years indexed: {', '.join(map(str, sorted(years)))}" if years else ""))
        parts.append("year = %s")
        params.append(f.year)
    if f.kind:
        if f.kind not in KINDS and f.kind not in KIND_FAMILIES:
            raise QueryError(f"--kind {f.kind!r}: use one of project, indicator, department_indicator, department")
        parts.append("kind = ANY(%s)")
        params.append(list(KIND_FAMILIES.get(f.kind, (f.kind,))))
    if f.level:
        ws = query_weights(f.level, method)
        strong = [t for t, w in ws.items() if w >= 1.0] or list(ws)
        if not strong:
            raise QueryError(f"--level {f.level!r} has nothing searchable in it")
        parts.append("levels @@ %s::tsquery")
        params.append(" & ".join(map(tsquery, strong)))
    value_filters(f, parts, params, "%s")
    if f.min_amount is not None or f.max_amount is not None:
        parts.append("amount IS NOT NULL")
    return " AND ".join(parts), params


def _text_candidates(raw: Any, weights: dict[str, float], where: str, wp: list[Any]) -> dict[str, _Cand]:
    """As :func:`index.query._text_candidates`, with document frequencies and postings from the server."""
    strong = list(strong_terms(weights).items())
    if not strong:
        return {}
    known = {(f, t): df for f, t, df in raw.execute(
        "SELECT field, term, df FROM search_df WHERE term = ANY(%s) AND df > 0", ([t for t, _ in strong] + [""],))}
    n = max(1, known.get(("", ""), 0))
    jobs = []
    for t, w in strong:
        for f, b in FIELD_BOOSTS.items():
            df = known.get((f, t), 0)
            if df:
                jobs.append((df, f, t, w * b * math.log(1 + n / df)))
    jobs.sort()
    small = [j for j in jobs if j[0] <= MAX_SCAN_POSTINGS]
    big = [j for j in jobs if j[0] > MAX_SCAN_POSTINGS]
    acc: dict[str, float] = {}
    ok: dict[str, bool] = {}

    def scan(js: list[tuple]) -> None:
        if not js:
            return
        cols = ", ".join(f"{f} @@ %s::tsquery" for _df, f, _t, _w in js)
        q = " | ".join(sorted({tsquery(t) for _df, _f, t, _w in js}))
        rows = raw.execute(f"SELECT eid, ({where}), {cols} FROM search_entries WHERE terms @@ %s::tsquery "
                           "ORDER BY doc_id, ord", [*wp, *(tsquery(t) for _df, _f, t, _w in js), q]).fetchall()
        wts = [wt for _df, _f, _t, wt in js]
        for i, wt in enumerate(wts):  # job by job, as whoosh adds postings (the order decides ties)
            for r in rows:
                if r[2 + i]:
                    acc[r[0]] = acc.get(r[0], 0.0) + wt
                    ok[r[0]] = r[1]

    scan(small)
    if big and len(acc) < TEXT_CANDIDATES:  # jobs are in df order: only the first big one can be read
        scan(big[:1])
    top = heapq.nlargest(TEXT_CANDIDATES, ((e, v) for e, v in acc.items() if ok[e]), key=itemgetter(1))
    best = top[0][1] if top else 1.0
    fields = _fields(raw, [e for e, _ in top])
    out: dict[str, _Cand] = {}
    for eid, sc in top:
        c = _Cand(fields[eid])
        c.bm25 = sc / best
        out[eid] = c
    return out


def _fields(raw: Any, eids: list[str]) -> dict[str, dict[str, Any]]:
    return {e: json.loads(f) for e, f in raw.execute("SELECT eid, fields FROM search_entries WHERE eid = ANY(%s)",
                                                     (eids,))}


def fuzzy_match(raw: Any, query: str, limit: int = FUZZY_CANDIDATES) -> list[tuple[float, str, list[str]]]:
    """As :meth:`index.fuzzy.Lexicon.match`: (score, display name, eids), best first."""
    q = normalize(query)
    if not q:
        return []
    cutoff = max(1, int(len(q) * MIN_QUERY_COVER + 0.999))
    want = Counter(q)
    rows = raw.execute(
        "SELECT name, (array_agg(display ORDER BY doc_id, n))[1], array_agg(eid ORDER BY doc_id, n) "
        "FROM search_names WHERE chars && %s::text[] AND (SELECT coalesce(sum(k), 0) FROM unnest(%s::text[], "
        "%s::int[]) AS q(c, k) WHERE q.c = ANY(chars)) >= %s GROUP BY name ORDER BY min(doc_id), min(n)",
        (list(want), list(want), list(want.values()), cutoff)).fetchall()
    names = [r[0] for r in rows]
    raw_scores = [(_combine(int(lcs), len(q), len(names[k])), k)
                  for _n, lcs, k in process.extract_iter(q, names, scorer=LCSseq.similarity, processor=None,
                                                         score_cutoff=cutoff)]
    raw_scores.sort(key=lambda t: -t[0])
    scored = [(sc * compactness(q, names[i]), i) for sc, i in raw_scores[:limit * RESCORE]]
    scored.sort(key=lambda t: (-t[0], len(names[t[1]])))
    return [(sc, rows[i][1], rows[i][2]) for sc, i in scored[:limit]]


def _fuzzy_candidates(raw: Any, query: str, where: str, wp: list[Any],
                      have: dict[str, _Cand]) -> list[tuple[float, str]]:
    matches = fuzzy_match(raw, query)
    eids = list(dict.fromkeys(e for _s, _d, es in matches for e in es if e not in have))
    passing = {e for e, good in raw.execute(f"SELECT eid, ({where}) FROM search_entries WHERE eid = ANY(%s)",
                                            [*wp, eids]) if good}
    chosen: list[str] = []
    for _sc, _d, es in matches:
        for e in es:
            if len(chosen) >= FUZZY_ENTRIES:
                break
            if e in passing and e not in have and e not in chosen:
                chosen.append(e)
    for e, f in _fields(raw, chosen).items():
        have[e] = _Cand(f)
    return [(sc, d) for sc, d, _es in matches]


def search_pg(raw: Any, query: str, *, dept: str | None = None, year: int | None = None, kind: str | None = None,
              level: str | None = None, op: str | None = None, unit: str | None = None,
              min_amount: float | None = None, max_amount: float | None = None, limit: int = 10,
              fuzzy: bool = True, met: bool | None = None, method: str = DEFAULT_ANALYZER) -> SearchResult:
    """:func:`index.query.search` over a PostgreSQL store's search tables (``raw``: a psycopg connection)."""
    t0 = time.perf_counter()
    q = " ".join((query or "").split())
    filters = Filters(dept, year, kind, level, op, unit, min_amount, max_amount, met)
    if limit < 1:
        raise QueryError(f"--limit must be at least 1 (got {limit})")
    if not q and met is not None:
        where, wp = _filter_sql(raw, filters, method)
        rows = raw.execute(f"SELECT fields FROM search_entries WHERE {where} ORDER BY eid", wp).fetchall()
        hits = [_hit(_Cand(json.loads(f), primary=1.0, score=1.0), "") for (f,) in rows]
        return SearchResult("", hits[:limit], candidates=len(hits), seconds=time.perf_counter() - t0)
    if not q:
        raise QueryError("empty query: give a project name, an indicator word or a code")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(q)} characters, at most {MAX_QUERY_CHARS})")
    weights = query_weights(q, method)
    if not weights:
        raise QueryError(f"query {q!r} has no letters, digits or Chinese characters to search for")
    where, wp = _filter_sql(raw, filters, method)
    if dept and year is not None and not raw.execute(f"SELECT 1 FROM search_entries WHERE {where} LIMIT 1",
                                                     wp).fetchone():
        dw, dp = _filter_sql(raw, Filters(dept=dept), method)
        years = [y for (y,) in raw.execute(f"SELECT DISTINCT year FROM search_entries WHERE {dw} AND year IS NOT "
                                           "NULL ORDER BY 1", dp)]
        raise QueryError(no_year_message(Filters(dept=dept, year=year), years))
    cands = _text_candidates(raw, weights, where, wp)
    result = rank_candidates(cands, q, weights, fuzzy, limit, lambda: _fuzzy_candidates(raw, q, where, wp, cands),
                             lambda: [(sc, d) for sc, d, _es in fuzzy_match(raw, q)])
    result.seconds = time.perf_counter() - t0
    return result
