"""Layout family D — prose-only final account 决算 (seed 002).

The family's reader is :mod:`.family` (``NAME``, ``detect``, ``parse``); its other modules are the steps
that reader chains.
"""

from kg.layouts.prose_final.family import NAME, detect, parse

__all__ = ["NAME", "detect", "parse"]
