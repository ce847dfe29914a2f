"""Ingest: unchanged files are no-ops, changed files replace, failures leave nothing, kill -9 is survivable."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from kg.ingest import discover, doc_id_of, ingest_paths
from kg.store import RECORD_TABLES, Store
from tests.conftest import ROOT, SEEDS, load_gold
from tests.test_store_fixtures import gold_extractor, write_gold_files


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [line for line in conn.iterdump() if line.startswith("INSERT")]
    finally:
        conn.close()


def test_discover_recurses_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.md").write_text("y")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "z.txt").write_text("z")
    named = tmp_path / "a" / "y.md"
    assert discover([tmp_path, named]) == sorted([tmp_path / "a" / "b" / "x.txt", named],
                                                  key=lambda p: doc_id_of(p))


def test_ingest_twice_leaves_store_unchanged(tmp_path: Path) -> None:
    files = write_gold_files(tmp_path / "docs")
    with Store(tmp_path / "store") as st:
        first = ingest_paths(st, [tmp_path / "docs"], extractor=gold_extractor)
        assert first.to_dict()["documents_ok"] == len(SEEDS)
        assert first.records_written == sum(st.counts().values())
    before = _dump(tmp_path / "store" / "perfkg.sqlite")
    with Store(tmp_path / "store") as st:
        second = ingest_paths(st, [tmp_path / "docs"], extractor=gold_extractor)
    assert second.to_dict()["documents_unchanged"] == len(files)
    assert second.records_written == 0
    assert _dump(tmp_path / "store" / "perfkg.sqlite") == before


def test_changed_file_replaces_and_broken_file_fails_alone(tmp_path: Path) -> None:
    files = write_gold_files(tmp_path / "docs")
    with Store(tmp_path / "store") as st:
        ingest_paths(st, [tmp_path / "docs"], extractor=gold_extractor)
        projects_before = st.counts()["projects"]
        # one file changes (one project fewer), one turns into garbage
        changed = files[0]
        changed.write_text(changed.read_text(encoding="utf-8").replace('"projects": [', '"projects_x": [', 1),
                           encoding="utf-8")
        files[1].write_text("not json", encoding="utf-8")
        report = ingest_paths(st, [tmp_path / "docs"], extractor=gold_extractor)
        d = report.to_dict()
        assert (d["documents_ok"], d["documents_failed"], d["documents_unchanged"]) == (1, 1, len(SEEDS) - 2)
        assert "not a gold JSON file" in report.failed[0].reason
        assert st.load_document(st.doc_id_at(changed)).projects == []
        assert st.counts()["projects"] == projects_before - len(load_gold(SEEDS[0])["projects"])
        # the failed file keeps its previous, complete version
        assert len(st.load_document(st.doc_id_at(files[1])).projects) == len(load_gold(SEEDS[1])["projects"])


def test_parallel_extract_gives_the_same_store_row_for_row(tmp_path: Path) -> None:
    write_gold_files(tmp_path / "docs", copies=2)
    with Store(tmp_path / "s1") as a, Store(tmp_path / "s2") as b:
        one = ingest_paths(a, [tmp_path / "docs"], extractor=gold_extractor, jobs=1)
        two = ingest_paths(b, [tmp_path / "docs"], extractor=gold_extractor, jobs=2)
        assert (one.jobs, two.jobs) == (1, 2)
        assert one.to_dict()["files"] == two.to_dict()["files"]
    assert _dump(tmp_path / "s1" / "perfkg.sqlite") == _dump(tmp_path / "s2" / "perfkg.sqlite")


KILL_SCRIPT = """
import json, sys, time
from pathlib import Path
from kg.ingest import ingest_paths
from kg.model import Document
from kg.store import Store

def slow_gold_extractor(path):  # tests.test_store_fixtures's, without importing pytest
    time.sleep(0.03)
    return Document.from_dict(json.loads(path.read_bytes()))

insert = Store._insert
def slow_insert(self, *args):  # hold each transaction open a while, so the kill lands inside one
    n = insert(self, *args)
    time.sleep(0.02)
    return n
Store._insert = slow_insert
ingest_paths(Store(Path(sys.argv[1])), [Path(sys.argv[2])], extractor=slow_gold_extractor, jobs=2)
"""


def _committed(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_kill_mid_ingest_leaves_a_store_that_opens(tmp_path: Path) -> None:
    files = write_gold_files(tmp_path / "docs", copies=10)
    store_dir = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(store_dir), str(tmp_path / "docs")],
                            cwd=ROOT, env=env)
    db = store_dir / "perfkg.sqlite"
    deadline = time.monotonic() + 20
    seen = 0
    while time.monotonic() < deadline and seen < 4:
        seen = _committed(db) if db.exists() else 0
        time.sleep(0.01)
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert seen >= 4, "the ingest never committed a document"
    assert workers, "the ingest should run worker processes"
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(w) for w in workers), "worker processes outlived the killed ingest"
    with Store(store_dir) as st:
        stored = st.doc_hashes()
        assert seen <= len(stored) < len(files), "kill should land mid-ingest"
        by_stem = {s: len(load_gold(s)["projects"]) for s in SEEDS}
        for doc_id in stored:
            doc = st.load_document(doc_id)
            assert len(doc.projects) == by_stem[Path(doc.source).stem]
        for table in RECORD_TABLES[1:]:
            orphans = st.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN "
                                      "(SELECT doc_id FROM documents)").fetchone()[0]
            assert orphans == 0, table
        before = st.counts()
        rest = ingest_paths(st, [tmp_path / "docs"], extractor=gold_extractor)
        assert rest.to_dict()["documents_ok"] == len(files) - len(stored)
        assert rest.to_dict()["documents_unchanged"] == len(stored)
        assert st.counts()["projects"] == before["projects"] + sum(
            by_stem[Path(st.load_document(doc_id).source).stem] for doc_id in set(st.doc_hashes()) - set(stored))


def test_cli_ingest_reports_failures_and_exit_codes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(docs), "--store", str(tmp_path / "st"), "--json"])
    assert res.exit_code == 1
    assert '"documents_failed": 2' in res.stdout
    assert "empty file" in res.stderr and "binary file" in res.stderr
    res = runner.invoke(app, ["ingest", str(tmp_path / "missing"), "--store", str(tmp_path / "st")])
    assert res.exit_code == 2
    assert "no such file or folder" in res.stderr
