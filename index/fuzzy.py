"""Fuzzy name matching with rapidfuzz: typos, abbreviations, dropped or inserted words, aliases.

The score of a query ``q`` against a name ``s`` is built on their longest common subsequence
(characters in order, gaps allowed): how much of the query the name covers and how much of the name
the query covers. ``外事经费`` covers all of ``外事工作经费`` but two characters; ``运维`` is a
subsequence of ``运行维护``; ``会议室设被保障`` misses one character of its name.

A long text holds most characters of any short query somewhere, scattered; so the score is scaled
down when the matched characters are spread over a stretch of the name much longer than the query
(:data:`SPREAD_TOLERANCE`).
"""

from __future__ import annotations

import json
import os
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, overload

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from index.analysis import fold
from index.charindex import CHARS_FILE, CharIndex, open_names
from index.charindex import encode as encode_chars

QUERY_COVER_WEIGHT = 0.75  # weight of "how much of the query is in the name"
NAME_COVER_WEIGHT = 0.25  # weight of "how much of the name is in the query"
MIN_QUERY_COVER = 0.5  # names sharing less than half the query's characters are not candidates
SPREAD_TOLERANCE = 2.0  # matched characters may spread over this many times their count without penalty
CANDIDATES = 60
RESCORE = 4  # rescore this many times CANDIDATES of the best raw scores with the spread penalty
_DROP = re.compile(r"[^\w%]|_")


def normalize(s: str) -> str:
    """Folded, lower-cased, without spaces and punctuation that never decides a match."""
    return _DROP.sub("", fold(s).lower())


def score(query: str, name: str) -> float:
    """Fuzzy similarity in [0, 1] (see the module doc)."""
    q, s = normalize(query), normalize(name)
    if not q or not s:
        return 0.0
    return _combine(LCSseq.similarity(q, s), len(q), len(s)) * compactness(q, s)


def _combine(lcs: int, lq: int, ls: int) -> float:
    return QUERY_COVER_WEIGHT * lcs / lq + NAME_COVER_WEIGHT * lcs / ls


def compactness(q: str, s: str) -> float:
    """1.0 when the common characters sit within SPREAD_TOLERANCE × their count in ``s``, falling to 0.5."""
    blocks = [op for op in LCSseq.opcodes(q, s) if op.tag == "equal"]
    if not blocks:
        return 0.0
    matched = sum(b.dest_end - b.dest_start for b in blocks)
    span = blocks[-1].dest_end - blocks[0].dest_start
    allowed = max(matched * SPREAD_TOLERANCE, matched + 2)
    return 1.0 if span <= allowed else 0.5 + 0.5 * allowed / span


@dataclass
class Lexicon:
    """Distinct normalized names → the index entries (eids) that carry them."""

    names: Sequence[str]  # normalized, distinct
    display: Sequence[str]  # one original spelling per name
    eids: Sequence[list[str]]
    chars: CharIndex | None = None  # skips names that cannot reach the cutoff (None: scan every name)

    @classmethod
    def from_items(cls, items_by_doc: dict[str, list[list[str]]]) -> Lexicon:
        pos: dict[str, int] = {}
        names: list[str] = []
        display: list[str] = []
        eids: list[list[str]] = []
        for items in items_by_doc.values():
            for eid, name in items:
                key = normalize(name)
                if not key:
                    continue
                if key not in pos:
                    pos[key] = len(names)
                    names.append(key)
                    display.append(name)
                    eids.append([])
                eids[pos[key]].append(eid)
        return cls(names, display, eids)

    def match(self, query: str, limit: int = CANDIDATES, min_score: float = 0.0) -> list[tuple[float, int]]:
        """Best (score, name index) pairs for ``query``, best first."""
        q = normalize(query)
        if not q or not self.names:
            return []
        cutoff = max(1, int(len(q) * MIN_QUERY_COVER + 0.999))
        if self.chars is None:
            ids: Sequence[int] = range(len(self.names))
            choices = self.names
        else:
            ids = self.chars.candidates(q, cutoff)
            choices = [self.names[i] for i in ids]
        raw = [(_combine(int(lcs), len(q), len(choices[k])), ids[k])
               for _n, lcs, k in process.extract_iter(q, choices, scorer=LCSseq.similarity, processor=None,
                                                      score_cutoff=cutoff)]
        raw.sort(key=lambda t: -t[0])
        scored = [(sc * compactness(q, self.names[i]), i) for sc, i in raw[:limit * RESCORE]]
        scored = [t for t in scored if t[0] >= min_score]
        scored.sort(key=lambda t: (-t[0], len(self.names[t[1]])))
        return scored[:limit]


# ---- on disk -------------------------------------------------------------------------------------
# Four files, so that a search reads only what it needs: the names the matcher scans, as plain lines (a
# normalized name holds no whitespace); per name a JSON line [display, [eids]], read and parsed only for
# the names a query matched; the byte offsets of those lines; and the character index of the names
# (index.charindex: which names hold a character, where each name starts), so a search maps the names file
# and decodes only the names that can match. All start with the same token, so files of different writes
# are never paired; an index without the character index reads and scans the names file whole.
NAMES_FILE = "fuzzy_names.txt"
ROWS_FILE = "fuzzy_rows.jsonl"
OFFSETS_FILE = "fuzzy_rows.idx"
_TOKEN_BYTES = 32  # uuid4 hex


class _Rows:
    """Row i of the rows file as [display, eids]: read (one seek) and parsed on first use."""

    def __init__(self, f: BinaryIO, offsets: array[int]):
        self._f = f  # kept open: a later rewrite of the file (os.replace) does not change what it reads
        self._offsets = offsets
        self._parsed: dict[int, list[Any]] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __del__(self) -> None:
        self._f.close()

    def row(self, i: int) -> list[Any]:
        r = self._parsed.get(i)
        if r is None:
            start, end = self._offsets[i], self._offsets[i + 1]
            self._f.seek(start)
            r = self._parsed[i] = json.loads(self._f.read(end - start))
        return r


class _Column(Sequence[Any]):
    """One column (0: display, 1: eids) of :class:`_Rows`, a read-only list."""

    def __init__(self, rows: _Rows, col: int):
        self._rows, self._col = rows, col

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._rows.row(i)[self._col]


def write_lexicon(folder: Path, lex: Lexicon) -> None:
    """Write ``lex`` as the three files (see above)."""
    import uuid  # a lexicon is written at ingest only

    token = uuid.uuid4().hex.encode("ascii")
    lines = [json.dumps([d, e], ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
             for d, e in zip(lex.display, lex.eids, strict=True)]
    offsets = array("Q", [len(token) + 1])
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    _replace(folder / ROWS_FILE, b"".join([token, b"\n", *lines]))
    _replace(folder / OFFSETS_FILE, token + offsets.tobytes())
    _replace(folder / CHARS_FILE, encode_chars(token, lex.names))
    _replace(folder / NAMES_FILE, "\n".join([token.decode("ascii"), *lex.names]).encode("utf-8"))


def read_lexicon(folder: Path) -> Lexicon | None:
    """The lexicon written by :func:`write_lexicon`, or None when a file is missing or of another write."""
    try:
        with (folder / NAMES_FILE).open("rb") as nf:
            token = nf.read(_TOKEN_BYTES)
        raw = (folder / OFFSETS_FILE).read_bytes()
        f = (folder / ROWS_FILE).open("rb")
    except OSError:
        return None
    offsets = array("Q")
    offsets.frombytes(raw[_TOKEN_BYTES:len(raw) - (len(raw) - _TOKEN_BYTES) % offsets.itemsize])
    mapped = open_names(folder, NAMES_FILE, token)
    names: Sequence[str] | None = mapped[0] if mapped else _read_names(folder, token)
    if (names is None or len(token) != _TOKEN_BYTES or raw[:_TOKEN_BYTES] != token
            or f.read(_TOKEN_BYTES) != token or len(offsets) != len(names) + 1):
        f.close()
        return None
    rows = _Rows(f, offsets)
    return Lexicon(names, _Column(rows, 0), _Column(rows, 1), mapped[1] if mapped else None)


def _read_names(folder: Path, token: bytes) -> list[str] | None:
    """The names file read whole (an index written before the character index), or None if not ``token``'s."""
    try:
        names = (folder / NAMES_FILE).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return names[1:] if names[0].encode("utf-8") == token else None


def _replace(p: Path, data: bytes) -> None:
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, p)
