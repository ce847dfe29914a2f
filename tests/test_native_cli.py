"""Native files through the CLI: ``extract --cells`` shows the grid read; ``ingest FOLDER`` reads native
files and skips what it cannot read with its one-line reason."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from tests.doc_writer import doc_bytes
from tests.native_fixtures import text_rows, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "000_a6aa16080cbf3072.txt"


def test_extract_cells_prints_locations_and_cells(tmp_path: Path) -> None:
    book = write_xlsx([["项目名称", "金额"], ["办公楼物业", "25.89"], ["", "011"]], tmp_path / "b.xlsx")
    res = CliRunner().invoke(app, ["extract", str(book), "--cells"])
    assert res.exit_code == 0, res.output
    assert res.stdout.split("\n")[:3] == ["Sheet1!A1\t项目名称\t金额", "Sheet1!A2\t办公楼物业\t25.89", "Sheet1!A3\t\t011"]
    res = CliRunner().invoke(app, ["extract", str(book), "--cells", "--json"])
    out = json.loads(res.stdout)
    assert out["format"] == "xlsx" and out["rows"][1]["loc"] == "Sheet1!A2"
    assert out["rows"][1]["cells"][1] == {"text": "25.89", "col": 1, "loc": "Sheet1!B2"}


def test_extract_cells_of_a_text_file_cuts_tabs() -> None:
    res = CliRunner().invoke(app, ["extract", str(SEED), "--cells"])
    lines = res.stdout.split("\n")
    assert lines[:3] == ["line 1\t", "line 2\t", "line 3\t北京市西城区人民政府办公室"]
    assert any(ln.startswith("line ") and ln.count("\t") >= 4 for ln in lines)


def test_extract_json_cites_sheet_cells(tmp_path: Path) -> None:
    book = write_xlsx(text_rows(SEED.read_text(encoding="utf-8")), tmp_path / "seed.xlsx")
    res = CliRunner().invoke(app, ["extract", str(book), "--json"])
    doc = json.loads(res.stdout)
    prov = doc["projects"][0]["provenance"]
    assert prov["loc"] == f"Sheet1!A{prov['line_start']}"


def test_ingest_folder_reads_native_files_and_skips_others(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    rows = text_rows(SEED.read_text(encoding="utf-8"))
    write_xlsx(rows, docs / "budget.xlsx")
    write_csv(rows, docs / "budget.csv")
    (docs / "old.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WksSSWorkBook".encode("utf-16-le"))
    (docs / "budget.doc").write_bytes(doc_bytes([rows]))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    res = CliRunner().invoke(app, ["ingest", str(docs), "--store", str(tmp_path / "st"), "--json", "-j", "1"])
    out = json.loads(res.stdout)
    status = {Path(f["path"]).name: (f["status"], f["reason"]) for f in out["files"]}
    assert status["budget.xlsx"][0] == status["budget.csv"][0] == status["budget.doc"][0] == "ok"
    assert status["old.wps"] == ("skipped", f"{docs / 'old.wps'}: is an old WPS document: convert it to "
                                 ".docx (e.g. libreoffice --headless --convert-to docx)")
    assert status["broken.pdf"][0] == "failed" and "corrupt or truncated PDF" in status["broken.pdf"][1]
    assert "Traceback" not in res.stderr and res.exit_code == 1


def test_export_records_carry_the_cell_location_of_native_files(tmp_path: Path) -> None:
    """Regression: SQL / CSV record rows had lines but not the sheet!cell (schema 4 adds ``loc``)."""
    book = write_xlsx(text_rows(SEED.read_text(encoding="utf-8")), tmp_path / "seed.xlsx")
    st = tmp_path / "st"
    assert CliRunner().invoke(app, ["ingest", str(book), "--store", str(st)]).exit_code == 0
    res = CliRunner().invoke(app, ["export", "--store", str(st), "-o", str(tmp_path / "out"), "-f", "csv"])
    assert res.exit_code == 0, res.output
    for table in ("projects", "indicators"):
        with (tmp_path / "out" / "records" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows and all(r["loc"] == f"Sheet1!A{r['line_start']}" for r in rows), table
