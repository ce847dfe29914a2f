"""Opening a store without writing to it: a read-only mount, a colleague's folder, or simply a read command.

SQLite opens a WAL database ``mode=ro`` only by creating its -shm and -wal files beside it, which a read-only
folder refuses (and which a read command should not leave behind anyway); ``immutable=1`` reads the main file
alone. :func:`connect_read_only` chooses between them.
"""

from __future__ import annotations

import os
import re
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


# -- a PostgreSQL store (kg.store_pg) is named by a URL instead of a folder ---------------------------------------
def as_url(store: Path | str | None) -> str | None:
    """``store`` as a PostgreSQL URL, or None. A URL that went through :class:`pathlib.Path` (``postgresql:/u@h``,
    its ``//`` folded) is repaired."""
    if store is None:
        return None
    m = re.match(r"(postgres(?:ql)?):/+(.*)$", str(store).strip())
    return f"{m.group(1)}://{m.group(2)}" if m else None


def store_url(store: Path | str | None) -> str | None:
    """The PostgreSQL URL that ``--store`` (else ``$PERFKG_STORE``) names, or None for a store folder."""
    return as_url(store if store is not None else os.environ.get(STORE_ENV, "").strip())


def public_url(url: str) -> str:
    """The URL without its password (for reports, messages and file names)."""
    from urllib.parse import urlsplit, urlunsplit  # a PostgreSQL store only (a folder store never loads it)

    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, host = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{user.split(':', 1)[0]}@{host}"))


def side_dir(url: str) -> Path:
    """The local folder kept for a PostgreSQL store: ``$XDG_CACHE_HOME/perfkg/pg-<hash of the URL>``."""
    import hashlib

    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "perfkg" / f"pg-{hashlib.sha256(public_url(url).encode()).hexdigest()[:16]}"


def resolve_store_dir(store: Path | None) -> Path:
    """``--store`` if given, else ``$PERFKG_STORE``, else ``$XDG_DATA_HOME/perfkg`` or ``~/.local/share/perfkg``.
    A PostgreSQL URL names a local side folder for what is kept beside it (:func:`side_dir`)."""
    url = store_url(store)
    if url:
        return side_dir(url)
    if store is not None:
        return Path(store).expanduser()
    env = os.environ.get(STORE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "perfkg"
