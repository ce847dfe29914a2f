"""Layout family C — one cell per line, 2019 format with free-text indicators (seed 001).

The family's reader is :mod:`.family` (``NAME``, ``detect``, ``parse``); its other modules are the steps
that reader chains.
"""

from kg.layouts.cell_per_line.family import NAME, READS_TRANSFER_TABLES, detect, parse

__all__ = ["NAME", "READS_TRANSFER_TABLES", "detect", "parse"]
