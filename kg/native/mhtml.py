"""Saved web pages in one file (MHTML: ``.mht`` / ``.mhtml``, what a browser, Word or Excel saves as a "single
file web page"): a MIME message whose HTML parts are read as :mod:`kg.native.html` reads a page.

The HTML parts are read in the order the file holds them, tables and blocks numbered on across them (an Excel
page holds a sheet a part); a part that only frames the others (``<frameset>``) or lists the sheets (Excel's
``tabstrip.htm``) is left out. A part's charset comes from its MIME header (GB2312/GBK read as GB18030), else
from the page itself.
"""

from __future__ import annotations

from typing import Any

from kg.errors import InputError
from kg.native.grid import make_source
from kg.native.html import ENCODING_ALIASES, decode_html, html_root, html_rows
from kg.reading import SourceText

# Parts that frame or list the others, by the end of their Content-Location.
SKIPPED_PARTS = ("tabstrip.htm", "filelist.xml")


def read_mhtml(data: bytes, path: str) -> SourceText:
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    roots: list[Any] = []
    encodings: list[str] = []
    for part in msg.walk():
        if part.get_content_type() != "text/html":
            continue
        location = (part.get("Content-Location") or "").lower()
        if location.endswith(SKIPPED_PARTS):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text, enc = _decode_part(payload, part.get_content_charset(), path)
        root = html_root(text, path)
        if root.find(".//frameset") is not None and root.find(".//table") is None:
            continue
        roots.append(root)
        encodings.append(enc)
    if not roots:
        raise InputError("is a MIME (MHTML) file with no HTML page in it", path)
    return make_source(html_rows(roots), data, path, "mhtml", encodings[0])


def _decode_part(payload: bytes, charset: str | None, path: str) -> tuple[str, str]:
    if charset:
        enc = ENCODING_ALIASES.get(charset.lower(), charset.lower())
        try:
            return payload.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_html(payload, path)
