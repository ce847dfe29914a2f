"""Lines of a text picked by ``str.find`` instead of a Python loop over every line (the detectors' scans).

A detector asks of a 1,500-line document only for the few lines that start with a character or hold a word;
finding those in the text at C speed costs a fraction of visiting each line. Lines are the text split at "\n",
as :attr:`kg.reading.SourceText.lines`.
"""

from __future__ import annotations

# Above this share of lines picked, a loop over the lines is cheaper than finding them one by one.
LOOP_SHARE = 0.25


def lines_with(text: str, needle: str, lines: list[str] | None = None) -> list[str]:
    """The lines holding ``needle``, each once, in order (``lines``: the text's lines, to loop over when many
    hold it)."""
    if lines is not None and text.count(needle) > len(lines) * LOOP_SHARE:
        return [ln for ln in lines if needle in ln]
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


def lines_starting(text: str, prefix: str, lines: list[str] | None = None) -> list[str]:
    """The lines that start with ``prefix`` (one character or more, no line break in it; ``lines`` as for
    :func:`lines_with`)."""
    if lines is not None and text.count("\n" + prefix) > len(lines) * LOOP_SHARE:
        return [ln for ln in lines if ln.startswith(prefix)]
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
