"""A character → names inverted map, so a fuzzy query scores only the names that can reach its cutoff.

The fuzzy matcher keeps a name only when the longest common subsequence (LCS) with the query holds at least
``cutoff`` characters. The LCS never holds more than ``sum(count of c in the query for each distinct
character c of the query that the name contains)``; a name whose sum falls below the cutoff is skipped
without changing any result (it could not have passed). Names that pass are kept in index order, so the
matcher ranks them, ties included, exactly as a scan of every name does.

On disk (``fuzzy_chars.bin``, written beside ``fuzzy_names.txt``), memory-mapped by a search and read only
in the slices a query needs::

    token (32 bytes, the lexicon write's) | u32 header length | header JSON {"n": names,
    "chars": {char: [start, count]}} | zero padding to 4 bytes | u32 × (n + 1) byte offsets of the names
    in fuzzy_names.txt (the last one is the file's length + 1) | u32 postings (name numbers, ascending)
"""

from __future__ import annotations

import json
import mmap
from array import array
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import overload

CHARS_FILE = "fuzzy_chars.bin"
_U32 = 4


def encode(token: bytes, names: Sequence[str]) -> bytes:
    """The file for ``names`` as written after ``token`` + ``\\n`` in the names file (one name a line)."""
    postings: dict[str, list[int]] = {}
    offsets = array("I", [len(token) + 1])
    for i, name in enumerate(names):
        offsets.append(offsets[-1] + len(name.encode("utf-8")) + 1)
        for c in set(name):
            postings.setdefault(c, []).append(i)
    flat = array("I")
    chars: dict[str, list[int]] = {}
    for c, ids in postings.items():
        chars[c] = [len(flat), len(ids)]
        flat.extend(ids)
    header = json.dumps({"n": len(names), "chars": chars}, ensure_ascii=False, separators=(",", ":")).encode()
    head = token + len(header).to_bytes(_U32, "little") + header
    head += b"\0" * (-len(head) % _U32)
    return head + offsets.tobytes() + flat.tobytes()


class CharIndex:
    """The decoded header of a ``fuzzy_chars.bin`` and views of its offsets and postings."""

    def __init__(self, buf: mmap.mmap, token: bytes):
        hlen = int.from_bytes(buf[len(token):len(token) + _U32], "little")
        start = len(token) + _U32
        header = json.loads(buf[start:start + hlen].decode("utf-8"))
        self.n: int = header["n"]
        self._chars: dict[str, list[int]] = header["chars"]
        start += hlen + (-(start + hlen) % _U32)
        ints = memoryview(buf)[start:].cast("I")
        self.offsets = ints[:self.n + 1]
        self._postings = ints[self.n + 1:]

    def candidates(self, query: str, cutoff: int) -> list[int]:
        """Ascending numbers of the names whose character bound (see the module doc) reaches ``cutoff``."""
        want = Counter(query)
        present = {c: k for c, k in want.items() if c in self._chars}
        if sum(present.values()) < cutoff:
            return []
        counts: Counter[int] = Counter()
        for c, k in present.items():
            start, count = self._chars[c]
            ids = self._postings[start:start + count]
            for _ in range(k):
                counts.update(ids)
        if cutoff <= 1:
            return sorted(counts)
        return sorted(i for i, v in counts.items() if v >= cutoff)


class Names(Sequence[str]):
    """The names of ``fuzzy_names.txt``, memory-mapped: name i is decoded when first asked for, then kept."""

    def __init__(self, buf: mmap.mmap, offsets: memoryview):
        self._buf, self._offsets = buf, offsets
        self._decoded: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        name = self._decoded.get(i)
        if name is None:
            if not 0 <= i < len(self):
                raise IndexError(i)
            name = self._decoded[i] = self._buf[self._offsets[i]:self._offsets[i + 1] - 1].decode("utf-8")
        return name


def open_names(folder: Path, names_file: str, token: bytes) -> tuple[Names, CharIndex] | None:
    """The names and their character index, both of the write ``token``; None when missing or mismatched."""
    try:
        with (folder / CHARS_FILE).open("rb") as f:
            chars = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        with (folder / names_file).open("rb") as f:
            names = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    if chars[:len(token)] != token or names[:len(token)] != token:
        return None
    try:
        index = CharIndex(chars, token)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if index.offsets[-1] != len(names) + 1:
        return None
    return Names(names, index.offsets), index
