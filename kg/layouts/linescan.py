"""Lines of a text picked by ``str.find`` instead of a Python loop over every line (the detectors' scans).

A detector asks of a 1,500-line document only for the few lines that start with a character or hold a word;
finding those in the text at C speed costs a fraction of visiting each line. Lines are the text split at "\n",
as :attr:`kg.reading.SourceText.lines`.
"""

from __future__ import annotations


def lines_with(text: str, needle: str) -> list[str]:
    """The lines holding ``needle``, each once, in order."""
    out: list[str] = []
    i = text.find(needle)
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        if end < 0:
            out.append(text[start:])
            break
        out.append(text[start:end])
        i = text.find(needle, end)
    return out


def lines_starting(text: str, prefix: str) -> list[str]:
    """The lines that start with ``prefix`` (one character or more, no line break in it)."""
    out: list[str] = []
    i = 0 if text.startswith(prefix) else text.find("\n" + prefix)
    while i >= 0:
        start = i if i == 0 and text.startswith(prefix) else i + 1
        end = text.find("\n", start)
        if end < 0:
            out.append(text[start:])
            break
        out.append(text[start:end])
        i = text.find("\n" + prefix, end)
    return out


def count_nonblank(lines: list[str]) -> int:
    """How many lines hold more than whitespace."""
    return sum(map(bool, map(str.strip, lines)))
