"""A document is its content: its id is the sha256 of its bytes, never its path.

The same bytes under another name, in a moved folder or on another machine are one document with one id;
every record id (``project:<doc_id>#<n>``, ``indicator:<doc_id>#<n>.<i>`` …) derives from that id and the
record's position, so ids are the same on every machine. Where the bytes were seen lives in the store's
``locations`` table (path → doc_id); a path whose bytes change moves to the new content, and content no path
holds any more is dropped (as re-ingesting an edited file always replaced its records).

Schema version 2 added this; :func:`migrate_v1` rekeys a store made by the previous version (ids were the
absolute paths), merging copies of the same content and keeping each old path as a location.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Hex digits of the sha256 kept in a document id: 64 bits, no collision among any plausible store.
ID_HEX = 16
LOCATIONS_SQL = ("CREATE TABLE IF NOT EXISTS locations (path TEXT PRIMARY KEY, doc_id TEXT NOT NULL, "
                 "name TEXT NOT NULL)")
LOCATIONS_INDEX = "CREATE INDEX IF NOT EXISTS locations_doc ON locations (doc_id)"


def content_id(sha256: str) -> str:
    """The document id of content with this sha256 (hex)."""
    return sha256[:ID_HEX]


def migrate_v1(conn: sqlite3.Connection, tables: tuple[str, ...]) -> int:
    """Rekey a schema-1 store (doc_id = absolute path) by content; returns the number of documents merged away.
    Runs inside the caller's transaction."""
    conn.execute(LOCATIONS_SQL)
    conn.execute(LOCATIONS_INDEX)
    merged = 0
    for old, sha in conn.execute("SELECT doc_id, sha256 FROM documents ORDER BY doc_id").fetchall():
        new = content_id(sha)
        have = conn.execute("SELECT 1 FROM documents WHERE doc_id=?", (new,)).fetchone()
        for t in tables:
            if have:
                conn.execute(f"DELETE FROM {t} WHERE doc_id=?", (old,))
            else:
                conn.execute(f"UPDATE {t} SET doc_id=? WHERE doc_id=?", (new, old))
        merged += bool(have)
        conn.execute("INSERT OR REPLACE INTO locations VALUES (?, ?, ?)", (old, new, Path(old).name))
    return merged
