"""The local worker pool (issue 16, fourth pass): chunks cover every job once, in order, with a smaller tail; the
store's lookup indexes built beside the index sync are the ones a plain restore builds."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest

from kg.ingest_pool import MAX_CHUNK, TAIL_CHUNK, chunks, relaxed_gc, restore_beside
from kg.store import LOOKUP_INDEXES, Store


@pytest.mark.parametrize("n", [0, 1, 2, 7, 23, 50, 63, 64, 65, 200, 1000, 1001])
@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_chunks_cover_every_job_once_in_order(n: int, jobs: int) -> None:
    todo = list(range(n))
    parts = chunks(todo, jobs)
    assert [x for p in parts for x in p] == todo
    assert all(p for p in parts)
    assert all(len(p) <= MAX_CHUNK for p in parts)
    if n >= 200:  # a real batch: the last chunks are the small ones
        assert len(parts[-1]) <= TAIL_CHUNK and len(parts[0]) > TAIL_CHUNK


def test_relaxed_gc_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    with relaxed_gc():
        assert gc.get_threshold() != before
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def _indexes(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        conn.close()


def test_restore_beside_builds_the_lookup_indexes(tmp_path: Path) -> None:
    with Store(tmp_path / "a", create=True) as a, Store(tmp_path / "b", create=True) as b:
        for st in (a, b):
            for stmt in LOOKUP_INDEXES:
                st.conn.execute(f"DROP INDEX IF EXISTS {stmt.split(' IF NOT EXISTS ', 1)[1].split()[0]}")
        a.restore_lookup_indexes()
        wait = restore_beside(b)
        assert wait() >= 0.0
        assert _indexes(a.db_path) == _indexes(b.db_path)
        assert len(_indexes(b.db_path)) >= len(LOOKUP_INDEXES)
