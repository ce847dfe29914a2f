"""perfkg: typed records, store and graph over Chinese budget disclosures.

Names are imported on first use (PEP 562), so ``import kg.errors`` does not load every parser.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"PerfkgError": "kg.errors", "extract_file": "kg.extract", "extract_source": "kg.extract",
         "Document": "kg.model", "Indicator": "kg.model", "Project": "kg.model"}

__all__ = ["Document", "Indicator", "PerfkgError", "Project", "extract_file", "extract_source"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
