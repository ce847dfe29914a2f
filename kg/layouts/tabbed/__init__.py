"""Layout family A — tab-separated export, 表一…表十四, amounts in 万元 (seed 000).

The family's reader is :mod:`.family` (``NAME``, ``detect``, ``parse``); its other modules are the steps
that reader chains.
"""

from kg.layouts.tabbed.family import NAME, detect, parse

__all__ = ["NAME", "detect", "parse"]
