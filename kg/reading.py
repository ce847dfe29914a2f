"""Bytes → text: decide the encoding by trying, normalize line ends, reject binary and empty input."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError

if TYPE_CHECKING:
    from kg.cells.model import Row
    from kg.model import Document

# Share of control characters (other than tab/newline/CR/form feed) above which text is called binary.
MAX_CONTROL_SHARE = 0.01
# Encodings tried in order after the BOM checks; the first that decodes the whole file wins.
FALLBACK_ENCODINGS = ("utf-8", "gb18030")
# Share of the bytes on one parity that must be NUL for BOM-less text to be read as UTF-16.
UTF16_MIN_NUL_SHARE = 0.05


# A file that ends without a line break was cut off while being written: its last line may be a partial row,
# so table parsers report it (warning kind ``unterminated_last_line``) instead of reading it as a record.
READ_UNTERMINATED_LAST_LINE = False


@dataclass(frozen=True)
class SourceText:
    """A decoded document: its name, text, lines (index 0 is line 1), encoding and content hash."""

    path: str
    name: str
    text: str
    encoding: str
    sha256: str
    notes: tuple[str, ...] = ()  # what decoding had to repair (a cut last character …)
    # A native file (PDF, workbook, Word, HTML): the rows of cells its reader took from the file's own table
    # structure, and for each line of ``text`` (the rows linearised, one line a row, cells tab-separated) the
    # location it came from (``p12 t1 r3``, ``05-2!C7``); both None for a text file.
    rows: tuple[Row, ...] | None = None
    locations: tuple[str | None, ...] | None = None
    format: str = "text"

    def location_of(self, line: int | None) -> str | None:
        """The native location of 1-based ``line``, if this text came from a native file."""
        if self.locations is None or line is None or not 1 <= line <= len(self.locations):
            return None
        return self.locations[line - 1]

    @cached_property
    def lines(self) -> list[str]:
        """The text split at line breaks, once (every layout's detector reads them): callers do not change it."""
        return self.text.split("\n")

    def trusted_lines(self) -> tuple[list[str], str | None]:
        """The lines to read (numbering kept), and the text of an unterminated last line left out, if any."""
        lines = self.lines
        if READ_UNTERMINATED_LAST_LINE or self.text.endswith("\n") or not lines or not lines[-1].strip():
            return lines, None
        return lines[:-1] + [""], lines[-1]

    def warn_cut_last_line(self, doc: Document) -> list[str]:
        """:meth:`trusted_lines`, recording the left-out last line as a warning on ``doc``."""
        lines, cut = self.trusted_lines()
        if cut is not None:
            doc.warn("unterminated_last_line", "the file ends without a line break, so its last line may be cut "
                     f"short; it was not read as a record: {cut.strip()!r}", len(lines))
        return lines

    def without_cut_last_line(self, doc: Document) -> SourceText:
        """This text with an unterminated last line blanked (numbering kept), recorded as a warning on ``doc``."""
        lines = self.warn_cut_last_line(doc)
        return self if len(lines) == len(self.lines) and lines[-1] == self.lines[-1] else replace(
            self, text="\n".join(lines))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes; return (text with ``\\n`` line ends, encoding name). See :func:`decode_with_notes`."""
    text, enc, _ = decode_with_notes(data, name)
    return text, enc


def decode_with_notes(data: bytes, name: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode document bytes; return (text with ``\\n`` line ends, encoding name, notes on what was repaired).

    UTF-8 (with or without BOM), UTF-16 with BOM or without one (told by where the NUL bytes fall), then
    GB18030 (a superset of GBK/GB2312). A UTF-8 file cut inside its last character keeps the text before it.
    Raises :class:`InputError` naming the file for empty, binary or undecodable input.
    """
    notes: list[str] = []
    if not data.strip():
        raise InputError("empty file", name)
    if data.startswith(codecs.BOM_UTF8):
        text, enc = _decode(data[len(codecs.BOM_UTF8):], "utf-8", name), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = _decode(data, "utf-16", name), "utf-16"
    elif b"\x00" in data[:4096]:
        enc = _utf16_without_bom(data)
        if enc is None:
            raise InputError("binary file (NUL bytes), not a text document", name, _line_of(data, b"\x00"))
        text = _decode(data, enc, name)
    else:
        cut = _cut_utf8_tail(data)
        if cut:
            notes.append(f"the file ends inside a UTF-8 character ({cut} stray bytes dropped): it looks cut off")
            data = data[:-cut]
        for enc in FALLBACK_ENCODINGS:
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            err = _first_error(data)
            raise InputError(f"cannot decode as UTF-8 or GB18030 (byte {err} is invalid)", name,
                             _line_of(data[: err + 1], b"\n") if err is not None else None)
    text = normalize_newlines(text)
    _reject_binary(text, name)
    if not text.strip():
        raise InputError("empty file (only whitespace)", name)
    return text, enc, notes


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes fall on one parity only, as ASCII tabs, digits and newlines do there."""
    sample = data[:4096] if len(data) % 2 == 0 or len(data) > 4096 else b""
    if len(sample) < 2:
        return None
    even = sum(1 for b in sample[0::2] if b == 0)
    odd = sum(1 for b in sample[1::2] if b == 0)
    if odd >= UTF16_MIN_NUL_SHARE * len(sample) / 2 and even * 4 <= odd:
        return "utf-16-le"
    if even >= UTF16_MIN_NUL_SHARE * len(sample) / 2 and odd * 4 <= even:
        return "utf-16-be"
    return None


def _cut_utf8_tail(data: bytes) -> int:
    """How many bytes at the end are the start of a UTF-8 character the file was cut inside (0 if none)."""
    try:
        data.decode("utf-8")
        return 0
    except UnicodeDecodeError as e:
        tail = len(data) - e.start
        if tail < 4 and e.reason == "unexpected end of data":
            try:
                data[: e.start].decode("utf-8")
                return tail
            except UnicodeDecodeError:
                return 0
        return 0


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF so no ``\\r`` reaches a cell."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: str | Path) -> SourceText:
    """Read a file from disk into a :class:`SourceText`; errors name the file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", str(p)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", str(p)) from None
    except OSError as e:
        raise InputError(f"cannot read file ({e.strerror or e})", str(p)) from None
    return source_from_bytes(data, str(p))


def source_from_bytes(data: bytes, path: str) -> SourceText:
    """A file's bytes as a :class:`SourceText`: a native file (PDF, workbook, Word, HTML, CSV — told by its
    content) through its reader in :mod:`kg.native`, anything else decoded as text."""
    if data.strip():
        from kg.native.detect import detect_format

        fmt = detect_format(data, path)
        if fmt != "text":
            from kg.native import native_source

            return native_source(data, path, fmt)
    text, enc, notes = decode_with_notes(data, path)
    return SourceText(path=path, name=Path(path).name, text=text, encoding=enc, sha256=sha256_bytes(data),
                      notes=tuple(notes))


def _decode(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise InputError(f"cannot decode as {enc} (byte {e.start} is invalid)", name) from None


def _first_error(data: bytes) -> int | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start
    return None


def _line_of(data: bytes, marker: bytes) -> int:
    idx = data.find(marker) if marker != b"\n" else len(data)
    return data[:idx].count(b"\n") + 1


# Control characters other than tab, newline and form feed, and the replacement character.
_CONTROL = re.compile("[\x00-\x08\x0b\x0d-\x1f\ufffd]")


def _reject_binary(text: str, name: str) -> None:
    sample = text[:20000]
    bad = _CONTROL.findall(sample)
    if len(bad) > max(3, MAX_CONTROL_SHARE * len(sample)):
        first = _CONTROL.search(sample)
        raise InputError("binary file (control characters), not a text document", name,
                         sample[: first.start() if first else 0].count("\n") + 1)
