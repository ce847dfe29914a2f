"""Layout family B — 预算01表…预算13表: tab-separated tables with HTML <p> in cells, numbers and codes broken by

The family's reader is :mod:`.family` (``NAME``, ``detect``, ``parse``); its other modules are the steps
that reader chains.
"""

from kg.layouts.numbered_tables.family import NAME, detect, parse

__all__ = ["NAME", "detect", "parse"]
