"""Registry of layout families. Each module has ``NAME``, ``detect(src) -> float`` and ``parse(src) -> Document``.

Detection is separate from parsing: :func:`detect_layout` scores every family on the text and the best
score above :data:`DETECT_MIN` wins; when no family claims the text, the generic label-driven layout
(:mod:`kg.layouts.forms`) reads any 绩效目标表 / 绩效自评表 it holds; a text with neither is an
:class:`UnknownLayoutError` ("no form found").
"""

from __future__ import annotations

from types import ModuleType

from kg.errors import UnknownLayoutError
from kg.layouts import cell_per_line, forms, numbered_tables, pdf_wrapped, prose_final, tabbed
from kg.reading import SourceText

# Lowest detection score that counts as a claim on the text.
DETECT_MIN = 0.5
# Highest score a family's ``detect`` returns: a family reaching it wins (a later one could only tie, and a tie
# goes to the family registered first), so the others are not scored.
DETECT_MAX = 1.0

LAYOUTS: dict[str, ModuleType] = {
    m.NAME: m for m in (tabbed, numbered_tables, cell_per_line, prose_final, pdf_wrapped)
}


# The generic reader, tried when no family claims a document.
GENERIC: ModuleType = forms


def detection_scores(src: SourceText) -> dict[str, float]:
    return {name: float(mod.detect(src)) for name, mod in LAYOUTS.items()}


def detect_layout(src: SourceText) -> ModuleType:
    scores: dict[str, float] = {}
    for name, mod in LAYOUTS.items():  # detection_scores, stopping at a full claim
        scores[name] = float(mod.detect(src))
        if scores[name] >= DETECT_MAX:
            return mod
    name, best = max(scores.items(), key=lambda kv: kv[1])
    if best >= DETECT_MIN:
        return LAYOUTS[name]
    if GENERIC.detect(src) > 0:
        return GENERIC
    raise UnknownLayoutError(
        "no form found (unknown layout): not a disclosure of a known family, and no 绩效目标表/绩效自评表 (项目名称 with an "
        f"indicator table) in it (best guess {name} at {best:.2f})", src.path)
