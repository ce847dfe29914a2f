"""The local worker pool of :func:`kg.ingest.ingest_paths`: workers forked after the imports, results in the order
of the jobs, the garbage collector relaxed while ingesting, and the store's lookup indexes built beside the index
sync (issue 16).

Chunks: each worker takes up to :data:`MAX_CHUNK` files per round trip, and the last ones smaller
(:data:`TAIL_CHUNK`), so both cores stay busy until the end instead of one finishing a full chunk alone.
"""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

J = TypeVar("J")
R = TypeVar("R")

# Files a worker takes per round trip: enough to amortize pickling, small enough to balance the cores.
MAX_CHUNK = 16
# Chunk size of the last files (about two chunks per worker): the workers finish together.
TAIL_CHUNK = 4
# The default (``jobs=None``) uses every core only when each worker gets at least this many files.
MIN_FILES_PER_WORKER = 4
# Linux prctl option: the signal a worker gets when its parent dies; elsewhere workers poll the parent.
PR_SET_PDEATHSIG = 1
PARENT_POLL_S = 0.5
# Garbage-collector thresholds while ingesting (the defaults, 700 / 10 / 10, run a young collection every few
# hundred cells and full ones over every parser module and cache: ~5 % of the parse CPU). Parsing makes few
# reference cycles, so collecting them less often costs little memory.
INGEST_GC_THRESHOLD = (10_000, 20, 100)


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Run the block with :data:`INGEST_GC_THRESHOLD` and the objects alive at its start frozen (imported modules,
    parser tables: a collection no longer walks them, nor do forked workers touch their pages), then restore."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*INGEST_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def worker_init(parent: int) -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (no traceback per worker), the worker exits when the
    ingesting process dies (kill -9 would otherwise orphan it, blocked for ever on the result pipe), and what it
    inherited is never collected (see :func:`relaxed_gc`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.set_threshold(*INGEST_GC_THRESHOLD)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0 and os.getppid() == parent:
            return
    except (OSError, AttributeError):
        pass  # not Linux: watch the parent instead

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def default_jobs(n_files: int) -> int:
    """Every core when each gets at least :data:`MIN_FILES_PER_WORKER` files, else fewer (1: no pool)."""
    return max(1, min(os.cpu_count() or 1, n_files // MIN_FILES_PER_WORKER))


def chunks(todo: list[J], jobs: int) -> list[list[J]]:
    """``todo`` cut into round trips, in order: up to :data:`MAX_CHUNK` each, the last ``2 * jobs * size`` files
    in chunks of :data:`TAIL_CHUNK` at most."""
    size = max(1, min(MAX_CHUNK, len(todo) // (jobs * 4)))
    small = min(size, TAIL_CHUNK)
    cut = max(0, len(todo) - 2 * jobs * size) // size * size  # whole chunks before the tail
    return ([todo[i:i + size] for i in range(0, cut, size)]
            + [todo[i:i + small] for i in range(cut, len(todo), small)])


def pooled(todo: list[J], jobs: int, run_chunk: Callable[[list[J]], list[R]],
           run_one: Callable[[J], R]) -> Iterator[R]:
    """``run_one`` of each job, in the order of ``todo`` (so writes are deterministic), from ``jobs`` worker
    processes running ``run_chunk`` (picklable) on :func:`chunks`; a dead pool's rest runs here."""
    if jobs <= 1 or len(todo) <= 1:
        yield from map(run_one, todo)
        return
    parts = chunks(todo, jobs)
    done = 0
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init, initargs=(os.getpid(),))
    try:
        for results in pool.map(run_chunk, parts):
            done += 1
            yield from results
    except BrokenProcessPool:  # a worker died (killed, out of memory): finish the rest in this process
        for part in parts[done:]:
            yield from map(run_one, part)
    finally:  # on Ctrl-C or an error in the writer: drop the queued chunks instead of parsing them all
        pool.shutdown(wait=True, cancel_futures=True)


def restore_beside(store: Any) -> Callable[[], float]:
    """Start building ``store``'s lookup indexes (:meth:`kg.store.Store.restore_lookup_indexes`) on a connection
    of their own in a thread, so the search index can be synced meanwhile (SQLite builds an index without the
    GIL); returns the function that waits for them and gives the CPU seconds they took. A store that is not a
    SQLite file, or a build that fails there, is built the usual way when waited for."""
    from kg.store import LOOKUP_INDEXES

    db = getattr(store, "db_path", None)
    box: dict[str, Any] = {}

    def build() -> None:
        t0 = time.thread_time()
        try:
            conn = sqlite3.connect(db, timeout=60.0, isolation_level=None)
            try:
                for stmt in LOOKUP_INDEXES:
                    conn.execute(stmt)
            finally:
                conn.close()
        except sqlite3.Error as e:
            box["error"] = e
        box["cpu"] = time.thread_time() - t0

    worker = threading.Thread(target=build, daemon=True) if db is not None else None
    if worker is not None:
        worker.start()

    def wait() -> float:
        t0 = time.process_time()
        if worker is not None:
            worker.join()
            if "error" not in box:
                return box["cpu"]
        store.restore_lookup_indexes()  # IF NOT EXISTS: only what the thread did not build
        return box.get("cpu", 0.0) + time.process_time() - t0

    return wait
