"""Registry of layout families. Each module has ``NAME``, ``detect(src) -> float`` and ``parse(src) -> Document``.

Detection is separate from parsing: :func:`detect_layout` scores every family on the text and the best
score above :data:`DETECT_MIN` wins; no family claiming the text is an :class:`UnknownLayoutError`.
"""

from __future__ import annotations

from types import ModuleType

from kg.errors import UnknownLayoutError
from kg.layouts import cell_per_line, numbered_tables, pdf_wrapped, prose_final, tabbed
from kg.reading import SourceText

# Lowest detection score that counts as a claim on the text.
DETECT_MIN = 0.5

LAYOUTS: dict[str, ModuleType] = {
    m.NAME: m for m in (tabbed, numbered_tables, cell_per_line, prose_final, pdf_wrapped)
}


def detection_scores(src: SourceText) -> dict[str, float]:
    return {name: float(mod.detect(src)) for name, mod in LAYOUTS.items()}


def detect_layout(src: SourceText) -> ModuleType:
    scores = detection_scores(src)
    name, best = max(scores.items(), key=lambda kv: kv[1])
    if best < DETECT_MIN:
        raise UnknownLayoutError(
            "unknown layout: not a budget/final-account disclosure of a known family "
            f"(best guess {name} at {best:.2f})", src.path)
    return LAYOUTS[name]
