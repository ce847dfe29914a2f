"""A throwaway PostgreSQL server for the test session (issue 17): initdb into a temporary folder, pg_ctl start on
a free loopback port with the socket in that folder, stopped at the end. PostgreSQL refuses to run as root, so
as root the server runs as the ``postgres`` system user (the folder is handed to it)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUN_AS = "postgres"  # the system user that runs the server when the tests run as root


def pg_bin() -> Path | None:
    """The newest PostgreSQL bin folder with initdb and pg_ctl (``$PG_BIN`` first), or None."""
    env = os.environ.get("PG_BIN")
    cands = [env] if env else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    ok = [Path(c) for c in cands if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file()]
    return ok[-1] if ok else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", RUN_AS, "--", *cmd]


@contextmanager
def pg_server() -> Iterator[str]:
    """Start a server, yield the URL of its ``postgres`` database, stop it and remove its files."""
    bindir = pg_bin()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="perfkg-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam(RUN_AS)
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, port = root / "data", _free_port()
    subprocess.run(_as_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                             "--locale=C", "--no-sync"]), check=True, capture_output=True)
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w",
                             "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A fresh empty database on the server; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name
