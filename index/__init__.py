"""Full-text and fuzzy search over projects, indicators and departments (whoosh + rapidfuzz).

Library entry points: :func:`sync_index` keeps ``<store>/index`` in step with a store;
:func:`search` answers a query from the index alone (it never opens the store or the graph).
"""

import index._whoosh  # noqa: F401  (first: whoosh without urllib.request, see the module)
from index.build import SearchIndex, SyncReport, build_index, is_stale, open_search_index, sync_index
from index.query import Hit, SearchResult, search

__all__ = ["Hit", "SearchIndex", "SearchResult", "SyncReport", "build_index", "is_stale", "open_search_index", "search",
           "sync_index"]
