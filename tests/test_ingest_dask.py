"""Issue 17: parsing on a Dask cluster stores exactly what the local pool stores; a killed worker loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kg.ingest import ingest_paths
from kg.ingest_dask import DaskExecutor, parse_bytes
from kg.store import RECORD_TABLES, open_store
from tests.cli_store import cli
from tests.conftest import DATA

distributed = pytest.importorskip("distributed", reason="distributed is not installed (pip install -e '.[test]')")
ROOT = Path(__file__).resolve().parent.parent
SLOW_S = 0.4
N_DATA = len(list(DATA.glob("*.txt")))  # documents of the bundled corpus


def slow_parse(name: str, data: bytes) -> Any:
    """The built-in parser, slowed down so that a worker can be killed while it holds documents."""
    time.sleep(SLOW_S)
    return parse_bytes(name, data)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def content(spec: str) -> dict[str, Any]:
    """Every record row and location of a store."""
    with open_store(spec, create=False) as st:
        out: dict[str, Any] = {t: sorted(map(repr, st.table_rows(t)[1])) for t in RECORD_TABLES}
        out["locations"] = st.locations()
    return out


def corpus(folder: Path, rounds: int) -> Path:
    """``rounds`` copies of the bundled documents, each round's bytes different (trailing newlines)."""
    folder.mkdir()
    for n in range(rounds):
        for f in sorted(DATA.glob("*.txt")):
            (folder / f"{n}_{f.name}").write_bytes(f.read_bytes() + b"\n" * n)
    return folder


def test_dask_ingest_stores_what_the_local_pool_stores(client, store_spec: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "docs", 2)
    lite = str(tmp_path / "local")
    with open_store(lite, create=True) as st:
        local = ingest_paths(st, [files], jobs=1)
    ex = DaskExecutor(client)
    seen = []
    with open_store(store_spec, create=True) as st:
        rep = ingest_paths(st, [files], executor=ex, progress=seen.append)
    assert rep.jobs == 2 and len(seen) == 2 * N_DATA and rep.records_written == local.records_written
    assert content(store_spec) == content(lite)
    with open_store(store_spec, create=True) as st:  # unchanged files are not even sent
        again = ingest_paths(st, [files], executor=ex)
    assert again.to_dict()["documents_unchanged"] == 2 * N_DATA


def test_a_killed_worker_loses_nothing(client, tmp_path: Path) -> None:
    files = corpus(tmp_path / "docs", 3)
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_one(_: Any) -> None:
        if not killed:
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    with open_store(str(tmp_path / "st"), create=True) as st:
        rep = ingest_paths(st, [files], executor=DaskExecutor(client, parse=slow_parse), progress=kill_one)
        assert killed and rep.to_dict()["documents_ok"] == 3 * N_DATA and not rep.failed
        assert st.counts()["documents"] == 3 * N_DATA
    with open_store(str(tmp_path / "ref"), create=True) as st:
        ingest_paths(st, [files], jobs=1)
    assert content(str(tmp_path / "st")) == content(str(tmp_path / "ref"))


def test_cli_with_a_separately_started_scheduler_and_worker(tmp_path: Path) -> None:
    sched_file = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(1200):  # a loaded machine takes a while to import distributed
            if sched_file.is_file() and sched_file.stat().st_size:
                break
            time.sleep(0.05)
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads",
                                       "1", "--no-dashboard", "--no-nanny"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        with distributed.Client(address, timeout=30) as c:
            c.wait_for_workers(1, timeout=60)
        r = cli("ingest", str(DATA), "--dask", address, "--store", str(tmp_path / "st"), "--json")
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert out["executor"] == "dask" and out["workers"] == 1 and out["documents_ok"] == N_DATA
        ref = cli("ingest", str(DATA), "--store", str(tmp_path / "ref"), "-j", "1", "--json")
        assert json.loads(ref.stdout)["executor"] == "local"
        assert content(str(tmp_path / "st")) == content(str(tmp_path / "ref"))
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: a worker still closing its comms
                p.kill()
                p.wait(timeout=30)


def test_unreachable_scheduler_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.ingest_dask.CONNECT_TIMEOUT_S", 2)
    r = cli("ingest", str(DATA), "--dask", "tcp://127.0.0.1:9", "--store", str(tmp_path / "st"))
    assert r.exit_code == 2 and "Dask scheduler" in r.output
