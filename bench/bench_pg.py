"""Scale-out benchmark (issue 17): ingest docs/s with the local pool vs a Dask cluster of 1 and 2 workers, search
p50/p99 on PostgreSQL vs the embedded index, and store size on each, at N documents (``bench.gen_corpus``).

A throwaway PostgreSQL server is started as for the tests (``tests/pg_server.py``). Ingest: wall clock of
:func:`kg.ingest.ingest_paths` over ``--ingest`` generated files into a fresh SQLite store (the executor is what
differs: local pool, Dask of 1 and 2 workers), and the local pool into PostgreSQL. Search, at each of
``--sizes``: the documents of :func:`bench.bench_search.corpus` (seed variants, no parsing) put into both stores;
every query of ``tests/search_queries.json``, in process, store opened once.

Usage: ``python -m bench.bench_pg [--sizes 1000,5000] [--ingest 200] [--workdir DIR]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.gen_corpus import generate

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [q["query"] for q in json.loads((ROOT / "tests" / "search_queries.json").read_text("utf-8"))["queries"]]


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * len(s) + 0.5) - 1))]


def dir_mb(p: Path) -> float:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) / 2**20


def ingest_rate(spec: str, files: Path, n: int, executor: Any = None) -> float:
    from kg.ingest import ingest_paths
    from kg.store import open_store

    t0 = time.perf_counter()
    with open_store(spec, create=True) as st:
        rep = ingest_paths(st, [files], executor=executor)
        if not hasattr(st, "search"):
            from index import sync_index

            sync_index(st)
    assert rep.to_dict()["documents_ok"] == n, rep.to_dict()
    return n / (time.perf_counter() - t0)


def search_times(fn: Any) -> dict[str, float]:
    fn(QUERIES[0])  # warm: open files, caches
    ts = []
    for q in QUERIES:
        t0 = time.perf_counter()
        fn(q)
        ts.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(pct(ts, 0.5), 1), "p99_ms": round(pct(ts, 0.99), 1)}


def bench_ingest(work: Path, n: int, server: str) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    from kg.ingest_dask import DaskExecutor
    from tests.pg_server import new_database

    files = work / f"corpus-{n}"
    if not files.is_dir():
        generate(files, n)
    row: dict[str, Any] = {"n_files": n}
    lite = work / f"ingest-{n}"
    shutil.rmtree(lite, ignore_errors=True)
    row["local_pool_docs_per_s"] = round(ingest_rate(str(lite), files, n), 1)
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            shutil.rmtree(lite, ignore_errors=True)
            row[f"dask_{workers}_worker_docs_per_s"] = round(ingest_rate(str(lite), files, n, DaskExecutor(client)), 1)
    row["postgresql_local_pool_docs_per_s"] = round(ingest_rate(new_database(server), files, n), 1)
    shutil.rmtree(lite, ignore_errors=True)
    return row


def bench_search(work: Path, n: int, server: str) -> dict[str, Any]:
    from bench.bench_search import corpus
    from index import open_search_index, search, sync_index
    from kg.store import open_store
    from tests.pg_server import new_database

    docs = corpus(n)
    lite, pg = work / f"search-{n}", new_database(server)
    shutil.rmtree(lite, ignore_errors=True)
    row: dict[str, Any] = {"n_docs": n}
    for spec in (str(lite), pg):
        t0 = time.perf_counter()
        with open_store(spec, create=True) as st:
            for doc_id, doc in docs:
                st.put_document(doc_id, doc, doc.sha256)
            if not hasattr(st, "search"):
                sync_index(st)
        row["load_docs_per_s_" + ("pg" if spec == pg else "sqlite")] = round(n / (time.perf_counter() - t0), 1)
    si, _ = open_search_index(lite)
    row["search_embedded"] = search_times(lambda q: search(si, q, limit=10))
    with open_store(pg, create=False) as st:
        row["search_pg"] = search_times(lambda q: st.search(q, limit=10))
        row["store_pg_mb"] = round(st.conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
                                   / 2**20, 1)
        pairs = [(search(si, q).hits[:5], st.search(q).hits[:5]) for q in QUERIES]
    same = sum([h.eid for h in a] == [h.eid for h in b] for a, b in pairs)
    # the same hits up to ties: equal score lists (equal-score entries compete for the candidate cut-off, where
    # the embedded index takes them in its segment order and PostgreSQL in document order)
    tied = sum([h.score for h in a] == [h.score for h in b] for a, b in pairs)
    row["same_top5"] = f"{same}/{len(QUERIES)}"
    row["same_top5_up_to_ties"] = f"{tied}/{len(QUERIES)}"
    row["differing"] = [q for q, (a, b) in zip(QUERIES, pairs, strict=True)
                        if [h.score for h in a] != [h.score for h in b]]
    row["store_sqlite_mb"] = round(dir_mb(lite), 1)
    shutil.rmtree(lite, ignore_errors=True)
    return row


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--ingest", type=int, default=200, help="files generated for the ingest comparison (0: none)")
    ap.add_argument("--workdir", type=Path, default=None)
    a = ap.parse_args(argv)
    from tests.pg_server import pg_server

    work = a.workdir or Path(tempfile.mkdtemp(prefix="perfkg-bench-pg-"))
    work.mkdir(parents=True, exist_ok=True)
    with pg_server() as server:
        if a.ingest:
            print(json.dumps(bench_ingest(work, a.ingest, server), ensure_ascii=False), flush=True)
        for n in (int(x) for x in a.sizes.split(",") if x):
            print(json.dumps(bench_search(work, n, server), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
