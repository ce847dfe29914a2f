"""Opening a store without writing to it: a read-only mount, a colleague's folder, or simply a read command.

SQLite opens a WAL database ``mode=ro`` only by creating its -shm and -wal files beside it, which a read-only
folder refuses (and which a read command should not leave behind anyway); ``immutable=1`` reads the main file
alone. :func:`connect_read_only` chooses between them.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DB_NAME = "perfkg.sqlite"  # the database of a store folder (kg.store re-exports it)
STORE_ENV = "PERFKG_STORE"


def is_writable(path: Path) -> bool:
    """Can this process write the store directory and its database (False on a read-only mount or folder)?"""
    db = Path(path) / DB_NAME
    return os.access(path, os.W_OK) and (not db.exists() or os.access(db, os.W_OK))


def _wal_at_rest(db: Path) -> bool:
    """The database is in WAL mode (file-format byte 18 is 2) and no write-ahead log is present: nothing is
    being written, and the main file holds every committed transaction."""
    try:
        with open(db, "rb") as f:
            header = f.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2 and not Path(f"{db}-wal").exists()


def connect_read_only(db: Path, timeout: float) -> sqlite3.Connection:
    """Open ``db`` for reading without creating or changing any file, so a store on a read-only mount (or a
    colleague's folder) can be read. A WAL database at rest is opened ``immutable`` (SQLite would otherwise
    create its -shm and -wal files); one being written (its -wal present) ``mode=ro``, and ``immutable`` if
    that cannot open (no -shm and a read-only folder)."""
    uri = db.resolve().as_uri()
    if not _wal_at_rest(db):
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return conn
        except sqlite3.OperationalError:
            pass
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)


def resolve_store_dir(store: Path | None) -> Path:
    """``--store`` if given, else ``$PERFKG_STORE``, else ``$XDG_DATA_HOME/perfkg`` or ``~/.local/share/perfkg``."""
    if store is not None:
        return Path(store).expanduser()
    env = os.environ.get(STORE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "perfkg"
