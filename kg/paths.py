"""Where the bundled sample corpus lives (works for editable and regular installs)."""

from __future__ import annotations

import sys
from pathlib import Path


def bundled_data_dir() -> Path:
    """The ``data/`` folder shipped with perfkg: next to the package in a checkout, else under sys.prefix."""
    here = Path(__file__).resolve().parent.parent / "data"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "perfkg" / "data"
