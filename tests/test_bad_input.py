"""Bad input in a batch: each bad file is one stderr line naming it (and its line), the batch goes on, good files
are stored, the exit code says some failed; no traceback unless --debug; a bad --store is exit 2."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from kg.ingest import extract_one, scan
from kg.store import Store
from tests.conftest import seed_by_prefix, seed_path

TABBED = seed_path(seed_by_prefix("000")).read_text(encoding="utf-8")
NUMBERED = seed_path(seed_by_prefix("004")).read_text(encoding="utf-8")
BAD_LINE = 41  # the undecodable bytes sit on this line


def _undecodable() -> bytes:
    lines = NUMBERED.split("\n")
    return ("\n".join(lines[: BAD_LINE - 1]) + "\n").encode() + b"\xff\xfe\xfa\n" + "\n".join(lines[BAD_LINE:]).encode()


def _truncated_mid_table() -> bytes:
    lines = TABBED.split("\n")
    cut = int(len(lines) * 0.8)  # inside 表十一's target rows
    return ("\n".join(lines[:cut]) + "\n" + lines[cut][: len(lines[cut]) // 2]).encode()


# name → (bytes, status, what stderr says, line named or None)
KINDS: dict[str, tuple[Callable[[], bytes], str, str, int | None]] = {
    "binary.txt": (lambda: bytes(range(256)) * 20, "failed", "binary file", 1),
    "empty.txt": (lambda: b"", "failed", "empty file", None),
    "whitespace.txt": (lambda: b" \n\r\n\t\n", "failed", "empty file", None),
    "undecodable.txt": (_undecodable, "failed", "cannot decode", BAD_LINE),
    "big5.txt": (lambda: NUMBERED.encode("big5", errors="replace"), "failed", "read as gb18030", None),
    "utf16_no_bom.txt": (lambda: NUMBERED.encode("utf-16-le"), "ok", "", None),
    "unknown_layout.txt": (lambda: "会议纪要\n今天讨论了天气。\n".encode() * 30, "failed", "unknown layout", None),
    "truncated.txt": (_truncated_mid_table, "ok", "", None),
    "utf16.txt": (lambda: NUMBERED.encode("utf-16"), "ok", "", None),
    "gb18030_crlf.txt": (lambda: NUMBERED.replace("\n", "\r\n").encode("gb18030"), "ok", "", None),
}
OK_FILES = [n for n, k in KINDS.items() if k[1] == "ok"]
SKIPPED = ("sub/report.wps", "sub/photo.png")
# An old WPS file (OLE2 with a WksSS stream) and a PNG: not readable, skipped with what to do.
SKIPPED_BYTES = {"sub/report.wps": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                 + "WksSSWorkBook".encode("utf-16-le"), "sub/photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}


def _write_batch(folder: Path) -> dict[str, Path]:
    out = {}
    for name, (make, *_rest) in KINDS.items():
        out[name] = folder / name
        out[name].parent.mkdir(parents=True, exist_ok=True)
        out[name].write_bytes(make())
    for name in SKIPPED:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(SKIPPED_BYTES[name])
    out["sub/nested.txt"] = folder / "sub" / "nested.txt"
    out["sub/nested.txt"].write_text(NUMBERED, encoding="utf-8")
    return out


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_alone(tmp_path: Path, name: str) -> None:
    make, status, says, line = KINDS[name]
    path = tmp_path / name
    path.write_bytes(make())
    ex = extract_one(path)
    assert ("ok" if ex.doc is not None else "failed") == status
    if status == "failed":
        assert ex.reason is not None and ex.reason.startswith(str(path)) and says in ex.reason
        assert (f"{path}:{line}: " in ex.reason) if line else (f"{path}: " in ex.reason)
        assert ex.detail and "Traceback" in ex.detail  # kept for --debug, never printed without it
    else:
        assert ex.doc is not None and ex.doc.projects


def test_encodings_give_the_same_records(tmp_path: Path) -> None:
    docs = {}
    for name in ("utf16.txt", "gb18030_crlf.txt"):
        (tmp_path / name).write_bytes(KINDS[name][0]())
        docs[name] = extract_one(tmp_path / name).doc
    (tmp_path / "plain.txt").write_text(NUMBERED, encoding="utf-8")
    plain = extract_one(tmp_path / "plain.txt").doc
    assert plain is not None and docs["gb18030_crlf.txt"] is not None and docs["utf16.txt"] is not None
    assert docs["gb18030_crlf.txt"].encoding == "gb18030" and docs["utf16.txt"].encoding == "utf-16"
    for doc in docs.values():
        assert {**doc.to_gold_dict(), "source": None} == {**plain.to_gold_dict(), "source": None}


def test_mixed_folder_through_the_cli(tmp_path: Path) -> None:
    files = _write_batch(tmp_path / "docs")
    store = tmp_path / "store"
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "docs"), "--store", str(store), "--json"])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().split("\n")
    bad = [n for n, k in KINDS.items() if k[1] == "failed"]
    assert len(lines) == len(bad) + len(SKIPPED)
    for name in bad:
        mine = [ln for ln in lines if str(files[name]) in ln]
        assert len(mine) == 1 and mine[0].startswith("perfkg: failed: ") and KINDS[name][2] in mine[0]
    for name in SKIPPED:
        assert sum(str(tmp_path / "docs" / name) in ln and "skipped" in ln for ln in lines) == 1
    out = json.loads(res.stdout)
    assert (out["documents_ok"], out["documents_failed"], out["documents_skipped"]) == (
        len(OK_FILES) + 1, len(bad), len(SKIPPED))
    status = {Path(f["path"]).name: f["status"] for f in out["files"]}
    assert all(status[n] == "ok" for n in OK_FILES)
    with Store(store, create=False) as st:
        stored = st.doc_hashes()
        assert set(stored) == {st.doc_id_at(files[n]) for n in [*OK_FILES, "sub/nested.txt"]}
        cut = st.load_document(st.doc_id_at(files["truncated.txt"]))
        assert any(w.kind == "unterminated_last_line" and w.line for w in cut.warnings)


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFKG_DEBUG", "0")  # the --debug callback sets it; restored after the test
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "binary.txt").write_bytes(b"\x00" * 64)
    args = ["ingest", str(tmp_path / "docs"), "--store", str(tmp_path / "st"), "-j", "1"]
    quiet = CliRunner().invoke(app, args)
    loud = CliRunner().invoke(app, ["--debug", *args])
    assert quiet.exit_code == loud.exit_code == 1
    assert "Traceback" not in quiet.stderr
    assert "Traceback" in loud.stderr and "InputError" in loud.stderr
    missing = CliRunner().invoke(app, ["--debug", "ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "st")])
    assert type(missing.exception).__name__ == "InputError"  # raised, so python prints the traceback


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good, locked = tmp_path / "good.txt", tmp_path / "locked.txt"
    good.write_text(NUMBERED, encoding="utf-8")
    locked.write_text(NUMBERED, encoding="utf-8")
    if os.geteuid() == 0:  # root reads through chmod 000: simulate the refusal instead
        real = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    else:
        locked.chmod(0)
    try:
        res = CliRunner().invoke(app, ["ingest", str(tmp_path), "--store", str(tmp_path / "st"), "-j", "1"])
    finally:
        locked.chmod(0o644)
    assert res.exit_code == 1
    assert res.stderr.strip() == f"perfkg: failed: {locked}: cannot read file (Permission denied)"
    with Store(tmp_path / "st", create=False) as st:
        assert list(st.doc_hashes()) == [st.doc_id_at(good)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_unlistable_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "x.txt").write_text(NUMBERED, encoding="utf-8")
    (tmp_path / "closed").chmod(0)
    try:
        found = scan([tmp_path])
    finally:
        (tmp_path / "closed").chmod(0o755)
    assert found.files == []
    assert [p.status for p in found.problems] == ["failed"] and "cannot list folder" in found.problems[0].reason


def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    ex = extract_one(fifo)  # reading a FIFO would block forever
    assert ex.doc is None and ex.reason == f"{fifo}: not a regular file"


def _store_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "perfkg.sqlite").write_bytes(b"this is not a database" * 100)
    cases = {"file": (a_file, "not a directory"), "under a file": (a_file / "sub", "cannot open the store"),
             "corrupt": (corrupt, "cannot open the store")}
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        cases["unwritable"] = (locked / "st", "cannot open the store")
    return cases


def test_bad_store_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(NUMBERED, encoding="utf-8")
    for what, (store, says) in _store_cases(tmp_path).items():
        res = CliRunner().invoke(app, ["ingest", str(tmp_path / "doc.txt"), "--store", str(store)])
        assert res.exit_code == 2, what
        assert res.stderr.count("\n") == 1 and says in res.stderr and str(store) in res.stderr, what
        assert res.exception is None or isinstance(res.exception, SystemExit), what


def test_failed_write_is_reported_per_file(tmp_path: Path) -> None:
    """A store that refuses one document (here: a trigger) fails that file alone."""
    (tmp_path / "docs").mkdir()
    for n in ("a", "b"):  # different bytes: the same bytes would be one document (issue 21)
        (tmp_path / "docs" / f"{n}.txt").write_text(NUMBERED + "\n" * (n == "b"), encoding="utf-8")
    with Store(tmp_path / "st") as st:
        st.conn.execute("CREATE TRIGGER no_a BEFORE INSERT ON documents WHEN NEW.source LIKE '%a.txt' "
                        "BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "docs"), "--store", str(tmp_path / "st"), "-j", "1"])
    assert res.exit_code == 1 and "a.txt: cannot write document" in res.stderr and "disk says no" in res.stderr
    conn = sqlite3.connect(tmp_path / "st" / "perfkg.sqlite")
    assert [Path(r[0]).name for r in conn.execute("SELECT source FROM documents")] == ["b.txt"]
    assert conn.execute("SELECT COUNT(*) FROM projects WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
                        ).fetchone()[0] == 0
    conn.close()


def test_folder_without_documents_says_so(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "scan.png").write_bytes(SKIPPED_BYTES["sub/photo.png"])
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "docs"), "--store", str(tmp_path / "st")])
    assert res.exit_code == 0
    assert res.stderr.strip().split("\n") == [
        f"perfkg: skipped: {tmp_path / 'docs' / 'scan.png'}: is an image (PNG): run OCR first, e.g. "
        "ocrmypdf/tesseract", f"perfkg: warning: no documents found in {tmp_path / 'docs'}"]
