"""Chinese-aware whoosh analyzers: character n-grams, jieba words, or both.

Every analyzer splits text into *runs* first:

- a run of Han characters is cut into words (``jieba``), into character unigrams and bigrams
  (``cjk``), or both (``both``);
- a run of ASCII letters and digits is one token, lower-cased, so codes (``11010224T000002931457``,
  ``2010301``) and numbers (``98.5``) stay whole;
- ``%`` and a few unit signs are tokens of their own; other punctuation is dropped.

Full-width ASCII (``１２３``, ``％``) is folded to half-width one character for one character, so
character offsets stay valid for highlighting. Stored field values are never touched: the analyzer only
decides what is searchable.

In query mode the ``cjk`` analyzer emits bigrams for Han runs of two or more characters, and unigrams
with a low boost (:data:`QUERY_UNIGRAM_BOOST`) so that a typo does not lose the whole word. jieba is
imported and its dictionary loaded only the first time a jieba analyzer actually runs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ANALYZERS = ("cjk", "jieba", "both")
DEFAULT_ANALYZER = "cjk"
QUERY_UNIGRAM_BOOST = 0.25

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[A-Za-z0-9]+(?:\.[0-9]+)*)|(?P<sign>[%‰℃㎡])")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


_HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _half(m: re.Match[str]) -> str:
    return chr(_FULLWIDTH[ord(m.group())])


def fold(text: str) -> str:
    """Full-width ASCII → half-width, one character for one (offsets stay valid).

    A regex substitution touches only the full-width characters (Chinese commas and brackets are the
    usual ones); ``str.translate`` with a dict looks up every character and is three times slower."""
    return _HAS_FULLWIDTH.sub(_half, text)


@dataclass(frozen=True)
class Piece:
    """One token before it becomes a whoosh :class:`Token`."""

    text: str
    start: int
    end: int
    boost: float = 1.0


def runs(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, run text, start offset) for every Han run, ASCII word and sign of ``text``."""
    for m in _RUN.finditer(fold(text)):
        kind = m.lastgroup or ""
        yield kind, m.group().lower() if kind == "word" else m.group(), m.start()


def ngram_pieces(run: str, start: int, query: bool, unigrams: bool = True) -> list[Piece]:
    """Han run → unigrams + bigrams (index); bigrams + low-boost unigrams (query).

    ``unigrams=False`` (secondary fields) keeps unigrams only for one-character runs.
    """
    pieces: list[Piece] = []
    if len(run) == 1:
        return [Piece(run, start, start + 1)]
    uni_boost = QUERY_UNIGRAM_BOOST if query else 1.0
    for i, ch in enumerate(run):
        if unigrams or query:
            pieces.append(Piece(ch, start + i, start + i + 1, uni_boost))
        if i + 1 < len(run):
            pieces.append(Piece(run[i:i + 2], start + i, start + i + 2))
    return pieces


_jieba: Any = None


def load_jieba() -> Any:
    """Import jieba and load its dictionary once per process (about half a second)."""
    global _jieba
    if _jieba is None:
        with warnings.catch_warnings():  # jieba imports pkg_resources, which warns about our ``index`` package
            warnings.simplefilter("ignore")
            try:
                import jieba
            except ImportError:
                from kg.errors import StoreError

                raise StoreError("the jieba analyzer needs jieba: pip install 'perfkg[jieba]' (or use the default "
                                 "analyzer: unset PERFKG_ANALYZER)") from None
        import logging

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def jieba_pieces(run: str, start: int, query: bool) -> list[Piece]:
    """Han run → jieba words; the index side also gets the sub-words of long words (search mode)."""
    jb = load_jieba()
    mode = "default" if query else "search"
    return [Piece(w, start + s, start + e) for w, s, e in jb.tokenize(run, mode=mode, HMM=False) if w.strip()]


def pieces(text: str, method: str = DEFAULT_ANALYZER, query: bool = False, unigrams: bool = True) -> list[Piece]:
    """Tokenize ``text`` with ``method`` (one of :data:`ANALYZERS`); duplicates at one offset merged."""
    if method not in ANALYZERS:
        raise ValueError(f"unknown analyzer {method!r}; choose one of {', '.join(ANALYZERS)}")
    out: list[Piece] = []
    for kind, run, start in runs(text):
        if kind != "han":
            out.append(Piece(run, start, start + len(run)))
            continue
        if method in ("cjk", "both"):
            out.extend(ngram_pieces(run, start, query, unigrams))
        if method in ("jieba", "both"):
            out.extend(jieba_pieces(run, start, query))
    seen: set[tuple[str, int]] = set()
    unique = []
    for p in out:
        if (p.text, p.start) not in seen:
            seen.add((p.text, p.start))
            unique.append(p)
    return unique


def index_terms(text: str, method: str = DEFAULT_ANALYZER, unigrams: bool = True) -> list[str]:
    """Index-mode token strings, the same multiset as :func:`token_texts` (order aside), without the
    per-token objects: the hot path of index writes. jieba methods take the general path."""
    if method != "cjk":
        return [p.text for p in pieces(text, method, False, unigrams)]
    out: list[str] = []
    for m in _RUN.finditer(fold(text)):
        kind, run = m.lastgroup, m.group()
        if kind == "word":
            out.append(run.lower())
        elif kind != "han" or len(run) == 1:
            out.append(run)
        else:
            if unigrams:
                out.extend(run)
            out.extend([run[i:i + 2] for i in range(len(run) - 1)])
    return out


def token_texts(text: str, method: str = DEFAULT_ANALYZER, query: bool = False, unigrams: bool = True) -> list[str]:
    """Just the token strings (what tests and the query builder look at)."""
    return [p.text for p in pieces(text, method, query, unigrams)]


def __getattr__(name: str) -> object:
    """``ChineseAnalyzer`` (a whoosh class) lives in :mod:`index.whoosh_fields`: only a whoosh index imports
    whoosh; pickled whoosh schemas still find it here."""
    if name == "ChineseAnalyzer":
        from index.whoosh_fields import ChineseAnalyzer

        return ChineseAnalyzer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def query_weights(text: str, method: str) -> dict[str, float]:
    """Query tokens and their weights (bigrams and words 1.0, stand-by unigrams less)."""
    out: dict[str, float] = {}
    for p in pieces(text, method, query=True):
        out[p.text] = max(out.get(p.text, 0.0), p.boost)
    return out
