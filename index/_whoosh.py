"""Import whoosh without the HTTP client stack it never uses here.

``whoosh.compat`` does ``from urllib.request import urlretrieve`` (for a download helper no code path of
perfkg calls), which loads http.client, email, ssl and socket: about 20 ms of every ``perfkg search``.
While ``whoosh.compat`` is first imported, ``urllib.request`` is a stand-in whose ``urlretrieve`` imports
the real module when called; the stand-in is removed right after, so any later ``import urllib.request``
gets the real module.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def import_whoosh() -> None:
    """Import ``whoosh.compat`` with the stand-in (a no-op once whoosh or urllib.request is loaded)."""
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stub = types.ModuleType("urllib.request")
    stub.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stub
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stub:
            del sys.modules["urllib.request"]


import_whoosh()
