"""Bytes → text: decide the encoding by trying, normalize line ends, reject binary and empty input."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError

if TYPE_CHECKING:
    from kg.model import Document

# Share of control characters (other than tab/newline/CR/form feed) above which text is called binary.
MAX_CONTROL_SHARE = 0.01
# Encodings tried in order after the BOM checks; the first that decodes the whole file wins.
FALLBACK_ENCODINGS = ("utf-8", "gb18030")


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

    @property
    def lines(self) -> list[str]:
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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes; return (text with ``\\n`` line ends, encoding name).

    UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030 (a superset of GBK/GB2312).
    Raises :class:`InputError` naming the file for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError("empty file", name)
    if data.startswith(codecs.BOM_UTF8):
        text, enc = _decode(data[len(codecs.BOM_UTF8):], "utf-8", name), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = _decode(data, "utf-16", name), "utf-16"
    else:
        if b"\x00" in data[:4096]:
            raise InputError("binary file (NUL bytes), not a text document", name, _line_of(data, b"\x00"))
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
    return text, enc


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
    text, enc = decode_bytes(data, path)
    return SourceText(path=path, name=Path(path).name, text=text, encoding=enc, sha256=sha256_bytes(data))


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


def _reject_binary(text: str, name: str) -> None:
    sample = text[:20000]
    bad = [i for i, c in enumerate(sample) if (ord(c) < 32 and c not in "\t\n\f") or c == "\ufffd"]
    if len(bad) > max(3, MAX_CONTROL_SHARE * len(sample)):
        raise InputError("binary file (control characters), not a text document", name,
                         sample[: bad[0]].count("\n") + 1)
