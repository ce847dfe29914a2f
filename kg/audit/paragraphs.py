"""The 说明 as paragraphs: a PDF's wrapped lines joined, each character's source line kept for evidence; the
number and rounding helpers the 说明 checks share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from kg.audit.context import AuditDoc

NUM = r"\d[\d,，]*(?:\.\d+)?"
CITED_NUMBER = re.compile(r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]|\d{4}\s*年\s*\d{1,2}\s*月|\d{4}-\d{4}")


def dec(s: str) -> Decimal:
    return Decimal(re.sub(r"[,，]", "", s))


def half(s: str) -> Decimal:
    t = re.sub(r"[,，]", "", s)
    return Decimal(1).scaleb(-(len(t.split(".", 1)[1]) if "." in t else 0)) / 2


HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d{1,2}(?:、|[.．](?!\d))|第[一二三四五六七八九十]+部分|表)")
ENDS = ("。", "；", "：", ":", ";")


def paragraphs(ad: AuditDoc) -> list[tuple[list[int], str]]:
    """The prose as paragraphs, a PDF's wrapped lines joined (blank lines between them skipped), each with the
    1-based source line of every character (for evidence). Table rows (with tabs) are left out."""
    out: list[tuple[list[int], str]] = []
    lines: list[int] = []
    text = ""
    for n, raw in enumerate(ad.lines, start=1):
        line = re.sub(r"[\s“”\"]+", "", raw)
        if not line:
            continue
        if "\t" in raw or text.endswith(ENDS) or HEADING.match(line) or len(text) > 2000:
            if text:
                out.append((lines, text))
            lines, text = [], ""
            if "\t" in raw:
                continue
        lines += [n] * len(line)
        text += line
    if text:
        out.append((lines, text))
    return out


def squeezed(ad: AuditDoc) -> Iterator[tuple[int, str]]:
    """(line, text) per paragraph; see :func:`at` for the line of a match inside it."""
    for lines, text in paragraphs(ad):
        ad.__dict__.setdefault("_para_lines", {})[text] = lines
        yield lines[0], text


def at(ad: AuditDoc, text: str, pos: int) -> int:
    lines = ad.__dict__.get("_para_lines", {}).get(text)
    return lines[min(pos, len(lines) - 1)] if lines else 0


