"""Issue 15: read-only stores, output never cut (plain lines, CSV/TSV, terminal tables), audit batches and
half-cut files, long audits limited and summarized."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from cli.output import Col, fit_columns, plain_lines, print_rows
from tests.cli_store import cli, csv_rows, ingest_bundled, listing
from tests.conftest import DATA, seed_by_prefix, seed_path

READ_COMMANDS = (("search", "外事"), ("trace", "外事经费"), ("trace", "2010302"), ("show", "北京市西城区城市管理指挥中心"),
                 ("audit",))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest_bundled(tmp_path_factory.mktemp("cli15o") / "store")


def _copy(store: Path, to: Path) -> Path:
    shutil.copytree(store, to)
    return to


# -- 2. a read-only store ----------------------------------------------------------------------------------
def test_read_commands_create_no_file_in_the_store(store: Path, tmp_path: Path) -> None:
    st = _copy(store, tmp_path / "st")
    before = listing(st)
    for args in READ_COMMANDS:
        res = cli(*args, "--store", str(st))
        assert res.exit_code == 0, (args, res.stderr)
    assert cli("export", "--store", str(st), "--out", str(tmp_path / "out")).exit_code == 0
    assert listing(st) == before  # no -wal / -shm, no lock, no index rewrite


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; the listing test covers root")
def test_read_commands_work_on_a_chmod_read_only_store(store: Path, tmp_path: Path) -> None:
    st = _copy(store, tmp_path / "st")
    paths = [p for p in st.rglob("*")]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    st.chmod(0o555)
    try:
        for args in READ_COMMANDS:
            res = cli(*args, "--store", str(st))
            assert res.exit_code == 0, (args, res.stderr)
        res = cli("ingest", str(DATA), "--store", str(st))
        assert res.exit_code == 2 and "the store is read-only" in res.stderr
    finally:
        for p in [st, *paths]:
            p.chmod(0o755 if p.is_dir() else 0o644)


def _bind_read_only(src: Path, mnt: Path) -> bool:
    """Bind-mount ``src`` read-only at ``mnt`` (root in a container that allows it); False when not possible."""
    mnt.mkdir()
    ok = subprocess.run(["mount", "--bind", str(src), str(mnt)], capture_output=True).returncode == 0
    if ok and subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], capture_output=True).returncode == 0:
        return True
    if ok:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    return False


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="needs root to bind-mount read-only")
def test_read_commands_work_on_a_read_only_mount(store: Path, tmp_path: Path) -> None:
    st = _copy(store, tmp_path / "st")
    shutil.rmtree(st / "index")  # and its index is missing: search builds one in memory
    mnt = tmp_path / "mnt"
    if not _bind_read_only(st, mnt):
        pytest.skip("mount not permitted here")
    try:
        for args in READ_COMMANDS:
            res = cli(*args, "--store", str(mnt))
            assert res.exit_code == 0, (args, res.stderr)
        assert cli("export", "--store", str(mnt), "--out", str(tmp_path / "out")).exit_code == 0
        res = cli("ingest", str(DATA), "--store", str(mnt))
        assert res.exit_code == 2 and "the store is read-only" in res.stderr
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_ingest_into_a_read_only_store_says_so_in_one_line(store: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store

    st = _copy(store, tmp_path / "st")
    monkeypatch.setattr(kg.store, "is_writable", lambda path: False)  # what a read-only mount reports
    res = cli("ingest", str(DATA), "--store", str(st))
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        f"perfkg: error: {st}: the store is read-only (no write permission on its folder or database): "
        "cannot write to it"]


def test_search_on_a_read_only_store_with_a_stale_index_searches_one_built_in_memory(
        store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store

    st = _copy(store, tmp_path / "st")
    shutil.rmtree(st / "index")
    before = listing(st)
    monkeypatch.setattr(kg.store, "is_writable", lambda path: False)
    res = cli("search", "外事工作经费", "--store", str(st), "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["hits"][0]["name"] == "外事工作经费"
    assert "read-only" in res.stderr and "built in memory" in res.stderr
    assert listing(st) == before


# -- 3. nothing cut off ------------------------------------------------------------------------------------
def test_trace_piped_prints_whole_amounts_codes_and_citations(store: Path) -> None:
    out = cli("trace", "2010302", "--store", str(store)).stdout
    assert "…" not in out and "┃" not in out
    row = next(line for line in out.splitlines() if line.startswith("城指中心工作经费"))
    assert row.split() == ["城指中心工作经费", "11010223T000002005036", "北京市西城区城市管理指挥中心", "2026",
                           "2413800.00", "2413800.00", "2010302", "3", "004_91149ae9a9862230.txt:256-258"]


def test_show_department_and_audit_and_ingest_never_cut(store: Path) -> None:
    out = cli("show", "北京市西城区城市管理指挥中心", "--store", str(store)).stdout
    assert "…" not in out and "11010226T000003852385" in out and "004_91149ae9a9862230.txt:267-269" in out
    audit = cli("audit", "--store", str(store)).stdout
    assert "无须修改软件参数、无须…" not in audit and "…" not in audit.split("goal_copied")[0]
    full = json.loads(cli("audit", "--store", str(store), "--json").stdout)["findings"]
    longest = max((f for f in full if f["severity"] != "info"), key=lambda f: len(f["message"]))
    assert len(longest["message"]) > 130 and " ".join(longest["message"].split()) in " ".join(audit.split())
    ingest = cli("ingest", str(DATA), "--store", str(store)).stdout
    assert str(store) in ingest


def test_search_trace_show_audit_print_csv_and_tsv(store: Path) -> None:
    hits = csv_rows(cli("search", "外事", "--store", str(store), "--csv").stdout)
    assert hits[0]["name"] == "外事工作经费" and hits[0]["amount"] == "700000.00" and hits[0]["line"] == "594"
    facts = csv_rows(cli("trace", "外事经费", "--store", str(store), "--tsv").stdout, "\t")
    assert facts[0]["step"] == "project" and facts[0]["code"] == "11010223T000001997670"
    assert {f["step"] for f in facts} >= {"project", "funding", "document", "target"}
    # issue 21: a query several projects carry is traced per project (was: the candidate list)
    several = csv_rows(cli("trace", "满意度", "--store", str(store), "--csv").stdout)
    assert len({r["answer"] for r in several}) > 5 and {"project", "target"} <= {r["step"] for r in several}
    cands = csv_rows(cli("show", "城市管理指挥中心", "--store", str(store), "--csv").stdout)
    assert {"N", "kind", "text", "project", "department", "year"} <= set(cands[0]) and len(cands) > 1
    dept = csv_rows(cli("show", "北京市西城区城市管理指挥中心", "--store", str(store), "--csv").stdout)
    assert [r["code"] for r in dept if r["step"] == "project"][1] == "11010223T000002005036"
    findings = csv_rows(cli("audit", "--store", str(store), "--csv").stdout)
    as_json = json.loads(cli("audit", "--store", str(store), "--json").stdout)["findings"]
    assert [f["message"] for f in findings] == [f["message"] for f in as_json]
    both = cli("search", "外事", "--store", str(store), "--csv", "--json")
    assert both.exit_code == 2 and "choose one of --csv, --tsv and --json" in both.stderr


def test_terminal_tables_drop_columns_then_print_blocks_instead_of_cutting(monkeypatch: pytest.MonkeyPatch) -> None:
    import cli.output

    monkeypatch.setattr(cli.output, "is_terminal", lambda: True)
    cols = (Col("project"), Col("amount (元)", True), Col("department", drop=1), Col("cite", True))
    rows = [["城指中心工作经费" * 3, "2413800.00", "北京市西城区城市管理指挥中心", "004_91149ae9a9862230.txt:256-258"]]
    for width, shown in ((200, 4), (70, 3)):
        assert len(fit_columns(cols, rows, width)) == shown
        buf = io.StringIO()
        print_rows(cols, rows, con=Console(file=buf, width=width, color_system=None))
        text = buf.getvalue()
        assert "…" not in text and "2413800.00" in text and "004_91149ae9a9862230.txt:256-258" in text
    assert fit_columns(cols, rows, 40) is None
    buf = io.StringIO()
    print_rows(cols, rows, con=Console(file=buf, width=40, color_system=None))
    assert "  amount (元): 2413800.00" in buf.getvalue() and "…" not in buf.getvalue()
    assert plain_lines(cols, rows)[1].split() == rows[0]


# -- 5. an audit batch goes on past bad files --------------------------------------------------------------
def test_audit_folder_carries_on_past_bad_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    shutil.copy(seed_path(seed_by_prefix("004_")), docs / "a_good.txt")
    shutil.copy(seed_path(seed_by_prefix("003_")), docs / "sub" / "c_nested.txt")
    (docs / "b_binary.txt").write_bytes(b"\x00\x01" * 64)
    (docs / "b_empty.txt").write_text("", encoding="utf-8")
    res = cli("audit", str(docs), "--json")
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["summary"]["documents"] == 2 and out["summary"]["documents_failed"] == 2
    assert {f["file"] for f in out["findings"]} == {"a_good.txt", "c_nested.txt"}
    assert sorted(Path(f["file"]).name for f in out["failed"]) == ["b_binary.txt", "b_empty.txt"]
    failed = [line for line in res.stderr.splitlines() if line.startswith("perfkg: failed: ")]
    assert len(failed) == 2 and all(str(docs) in line for line in failed)


# -- 6. a half-cut document fails the audit ---------------------------------------------------------------
def test_half_cut_document_fails_audit_on_warning(tmp_path: Path) -> None:
    data = seed_path(seed_by_prefix("004_")).read_bytes()
    cut = tmp_path / "half.txt"
    cut.write_bytes(data[: len(data) // 2 - 1])
    ingest = cli("ingest", str(cut), "--store", str(tmp_path / "st"), "--json")
    assert ingest.exit_code == 0  # it is read, as far as it goes …
    res = cli("audit", str(cut), "--fail-on", "warning", "--json")
    assert res.exit_code == 1  # … but the audit does not pass it
    kinds = {(f["kind"], f["severity"]) for f in json.loads(res.stdout)["findings"]}
    assert {("file_cut_off", "warning"), ("document_incomplete", "warning")} <= kinds
    store_audit = cli("audit", "--store", str(tmp_path / "st"), "--fail-on", "warning")
    assert store_audit.exit_code == 1 and "no project and no fiscal year could be read" in store_audit.stdout


# -- 9. long audits: --limit and --summary ----------------------------------------------------------------
def test_audit_limit_and_summary(store: Path) -> None:
    full = json.loads(cli("audit", "--store", str(store), "--json").stdout)
    n = len(full["findings"])
    limited = json.loads(cli("audit", "--store", str(store), "--json", "--limit", "3").stdout)
    assert len(limited["findings"]) == 3 and limited["summary"] == full["summary"] and n > 3
    text = cli("audit", "--store", str(store), "--limit", "3").stdout
    n_docs = full["summary"]["documents"]
    assert f"printed 3 of {n} findings" in text and f"{n} findings in {n_docs} documents" in text
    rows = csv_rows(cli("audit", "--store", str(store), "--summary", "--csv").stdout)
    assert set(rows[0]) == {"department", "kind", "error", "warning", "info"}
    assert sum(int(r["error"]) + int(r["warning"]) + int(r["info"]) for r in rows) == n
    by_dept = full["summary"]["by_department"]
    assert sum(sum(v.values()) for v in by_dept.values()) == n
    gate = cli("audit", "--store", str(store), "--limit", "1", "--fail-on", "error")
    assert gate.exit_code == 1  # --fail-on counts every finding, not the printed ones
