"""Layout family E — PDF text, cells separated by spaces and wrapped by width (seed 003).

The family's reader is :mod:`.family` (``NAME``, ``detect``, ``parse``); its other modules are the steps
that reader chains.
"""

from kg.layouts.pdf_wrapped.family import NAME, detect, parse

__all__ = ["NAME", "detect", "parse"]
