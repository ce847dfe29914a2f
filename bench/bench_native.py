"""Native-file benchmark: PDF pages/s per reader, workbook sheets/s per reader, beside the text figures.

PDF readers (both give rows): ``pypdfium2`` = perfkg's default reader (:func:`kg.native.pdfium.read_pdf_pdfium`:
PDFium characters and path segments, the shared table geometry, page chrome, joins); ``pdfplumber`` = the
pdfplumber reader (:func:`kg.native.pdf.read_pdf`: its table finder and words); ``pdfplumber-words`` =
pdfplumber's words alone (no tables), the floor of its layout parse. Workbooks: the seed ``data/000_*.txt`` written as a sheet, ``--sheets`` copies,
read by ``openpyxl`` (:func:`kg.native.xlsx.read_xlsx`, merged ranges) and ``calamine``
(:func:`kg.native.xlsx.read_calamine`). Text: the seed read and extracted. CPU seconds are given beside wall
seconds (the machine is shared). Usage: ``python -m bench.bench_native [PDF ...] [--sheets 20] [--json]``.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REAL = next((p / "shared" / "real-native" for p in ROOT.parents if (p / "shared" / "real-native").is_dir()), None)
SEED = ROOT / "data" / "000_a6aa16080cbf3072.txt"
# Target: a 60-page budget PDF read in at most this many seconds.
PDF_TARGET_S_PER_60_PAGES = 5.0


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def pdf_pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data))


def plumber_words(data: bytes) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            n += len(page.extract_words())
            page.flush_cache()
    return n


def bench_pdfs(paths: list[Path]) -> list[dict[str, Any]]:
    from kg.errors import InputError
    from kg.native.pdf import read_pdf
    from kg.native.pdfium import read_pdf_pdfium

    readers: dict[str, Callable[[bytes, str], Any]] = {
        "pypdfium2": read_pdf_pdfium, "pdfplumber": read_pdf, "pdfplumber-words": lambda d, p: plumber_words(d)}
    out = []
    for path in paths:
        data = path.read_bytes()
        pages = pdf_pages(data)
        row: dict[str, Any] = {"file": path.name, "pages": pages}
        for name, read in readers.items():
            try:
                _, wall, cpu = timed(lambda read=read, data=data, path=path: read(data, str(path)))
            except InputError:
                row[name] = "error"
                continue
            row[name] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "pages_per_s": round(pages / wall, 1),
                         "s_per_page": round(wall / pages, 4)}
        out.append(row)
    return out


def workbook_bytes(sheets: int) -> bytes:
    import openpyxl

    from tests.native_fixtures import as_value, text_rows

    wb = openpyxl.Workbook()
    rows = text_rows(SEED.read_text(encoding="utf-8"))
    for s in range(sheets):
        ws = wb.active if s == 0 else wb.create_sheet()
        ws.title = f"Sheet{s + 1}"
        for r, fields in enumerate(rows, start=1):
            for c, f in enumerate(fields, start=1):
                if f:
                    ws.cell(r, c, as_value(f))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bench_workbooks(sheets: int) -> dict[str, Any]:
    from kg.native.xlsx import read_calamine, read_xlsx

    data = workbook_bytes(sheets)
    out: dict[str, Any] = {"sheets": sheets, "rows_per_sheet": len(SEED.read_text(encoding="utf-8").split("\n")),
                           "bytes": len(data)}
    for name, read in (("openpyxl", read_xlsx), ("calamine", lambda d, p: read_calamine(d, p, "xlsx"))):
        _, wall, cpu = timed(lambda read=read: read(data, "bench.xlsx"))
        out[name] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "sheets_per_s": round(sheets / wall, 1)}
    return out


def bench_text(runs: int = 20) -> dict[str, Any]:
    from kg.extract import extract_source
    from kg.reading import source_from_bytes

    data = SEED.read_bytes()
    _, wall, cpu = timed(lambda: [extract_source(source_from_bytes(data, str(SEED))) for _ in range(runs)])
    return {"file": SEED.name, "docs_per_s": round(runs / wall, 1), "cpu_s_per_doc": round(cpu / runs, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--sheets", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    pdfs = a.pdfs or (sorted(REAL.glob("*.pdf")) if REAL else [])
    res = {"pdf": bench_pdfs(pdfs), "workbook": bench_workbooks(a.sheets), "text": bench_text()}
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return
    print(f"{'PDF':40} {'pages':>5}  {'pypdfium2 p/s (s/page)':>23}  {'pdfplumber p/s (s/page)':>24}  "
          f"{'plumber-words p/s':>17}")
    for r in res["pdf"]:
        def fig(k: str, r: dict[str, Any] = r) -> str:
            v = r[k]
            return v if isinstance(v, str) else f"{v['pages_per_s']} ({v['s_per_page']})"
        print(f"{r['file'][:40]:40} {r['pages']:>5}  {fig('pypdfium2'):>23}  {fig('pdfplumber'):>24}  "
              f"{fig('pdfplumber-words'):>17}")
    ok = [r for r in res["pdf"] if isinstance(r["pdfplumber"], dict)]
    for reader in ("pypdfium2", "pdfplumber"):
        if ok:
            pages = sum(r["pages"] for r in ok)
            wall = sum(r[reader]["wall_s"] for r in ok)
            print(f"all: {pages} pages, {reader} reader {pages / wall:.1f} pages/s = {60 * wall / pages:.2f} s per "
                  f"60 pages (target <= {PDF_TARGET_S_PER_60_PAGES})")
    w = res["workbook"]
    print(f"workbook: {w['sheets']} sheets x {w['rows_per_sheet']} rows: openpyxl {w['openpyxl']['sheets_per_s']} "
          f"sheets/s, calamine {w['calamine']['sheets_per_s']} sheets/s")
    t = res["text"]
    print(f"text: {t['file']} read+extract {t['docs_per_s']} docs/s ({t['cpu_s_per_doc']} CPU s/doc)")


if __name__ == "__main__":
    main()
