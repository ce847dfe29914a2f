"""The whoosh side of the index's fields: the Chinese analyzer as a whoosh :class:`Analyzer`, the text field
that indexes straight from its terms, and the schema. Imported only by the whoosh engine (the classes keep
their historical module names, under which existing indexes pickled them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Token
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from index.analysis import ANALYZERS, DEFAULT_ANALYZER, index_terms, pieces
from index.schema import AMOUNT_SHIFT_STEP


class ChineseAnalyzer(Analyzer):
    """A whoosh analyzer over :func:`pieces`; picklable (the schema stores it), jieba loaded lazily.

    ``unigrams=False`` is for secondary fields (project of an indicator, levels, goal): bigrams and words
    only, which halves their postings; queries only fall back to unigrams on the entry's own names.
    """

    def __init__(self, method: str = DEFAULT_ANALYZER, unigrams: bool = True):
        if method not in ANALYZERS:
            raise ValueError(f"unknown analyzer {method!r}")
        self.method = method
        self.unigrams = unigrams

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseAnalyzer) and (other.method, other.unigrams) == (self.method, self.unigrams)

    def __hash__(self) -> int:
        return hash(("ChineseAnalyzer", self.method, self.unigrams))

    def __repr__(self) -> str:
        return f"ChineseAnalyzer({self.method!r}, unigrams={self.unigrams})"

    def index_terms(self, value: str) -> list[str]:
        """The index-mode token strings of ``value`` (see :func:`index_terms`)."""
        return index_terms(value, self.method, getattr(self, "unigrams", True))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        # one Token object reused for every token, as whoosh's own tokenizers do
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.stopped = False
        if not (positions or chars or keeporiginal) and mode != "query":
            t.boost = 1.0
            for text in self.index_terms(value):
                t.text = text
                yield t
            return
        for pos, p in enumerate(pieces(value, self.method, mode == "query", getattr(self, "unigrams", True))):
            t.text = p.text
            t.boost = p.boost
            if keeporiginal:
                t.original = p.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + p.start
                t.endchar = start_char + p.end
            yield t


class ChineseText(TEXT):
    """A TEXT field (frequencies, no positions) that indexes a string straight from
    :meth:`ChineseAnalyzer.index_terms`: the same terms and frequencies as whoosh's analyzer path, without a
    Token per token."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str) or kwargs.get("mode", "index") != "index":
            yield from super().index(value, **kwargs)
            return
        fb = self.format.field_boost
        for w, freq in Counter(self.analyzer.index_terms(value)).items():
            yield w.encode("utf-8"), freq, freq * fb, pack_uint(freq)


def _text(analyzer: ChineseAnalyzer, stored: bool = True) -> ChineseText:
    return ChineseText(analyzer=analyzer, stored=stored, phrase=False)


def make_schema(method: str = DEFAULT_ANALYZER) -> Schema:
    ana = ChineseAnalyzer(method)
    sec = ChineseAnalyzer(method, unigrams=False)
    return Schema(
        eid=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        kind=ID(stored=True),
        title=_text(ana),
        aliases=_text(ana),
        codes=_text(ana),
        project=_text(sec),
        department=ID(stored=True),  # exact name: --dept resolves a fragment to names first
        levels=_text(sec, stored=False),
        l1=STORED(),  # searched through ``levels`` (l1 + l2), also by --level
        l2=STORED(),
        context=_text(sec, stored=False),
        goal=STORED(),
        text=STORED(),
        year=NUMERIC(int, stored=True, shift_step=0),  # exact years only: one term per entry
        doc_kind=ID(stored=True),
        op=ID(stored=True),
        unit=ID(stored=True),
        met=ID(stored=True),  # a self-evaluated target: "true" met, "false" not met (absent: undecided / not one)
        value=STORED(),
        amount=NUMERIC(float, stored=True, shift_step=AMOUNT_SHIFT_STEP),
        amount_text=STORED(),
        file=STORED(),
        line=STORED(),
        table=STORED(),
        code=STORED(),
    )


ChineseAnalyzer.__module__ = "index.analysis"
ChineseText.__module__ = "index.schema"
