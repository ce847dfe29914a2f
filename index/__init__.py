"""Full-text and fuzzy search over projects, indicators and departments (SQLite or whoosh, and rapidfuzz).

Library entry points: :func:`sync_index` keeps ``<store>/index`` in step with a store;
:func:`search` answers a query from the index alone (it never opens the store or the graph).

The names load with the module that defines them (a search never imports the index writers or whoosh;
whoosh itself is imported through :mod:`index._whoosh`, without the HTTP client stack, where it is used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.build import SearchIndex, SyncReport
    from index.query import Hit, SearchResult, search
    from index.sync import build_index, is_stale, open_search_index, sync_index

_HOME = {"Hit": "index.query", "SearchResult": "index.query", "search": "index.query",
         **dict.fromkeys(("SearchIndex", "SyncReport"), "index.build"),
         **dict.fromkeys(("build_index", "is_stale", "open_search_index", "sync_index"), "index.sync")}

__all__ = ["Hit", "SearchIndex", "SearchResult", "SyncReport", "build_index", "is_stale", "open_search_index", "search",
           "sync_index"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(__import__(_HOME[name], fromlist=["_"]), name)  # (an import statement: -X importtime sees it)
