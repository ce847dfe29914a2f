"""Parse cost alone (read excluded): CPU milliseconds per document, median per layout family.

Each document is decoded once (:func:`kg.reading.read_source`), then :func:`kg.extract.extract_source` is timed
with ``time.process_time`` (CPU time: other processes on a shared machine do not inflate it). ``first`` is the
first parse of each document in one process, as an ingest sees it (per-process caches warmed only by the
documents before it); ``warm`` the best of ``--repeat`` further parses. Families are the layout that read the
document; the bundled documents, each family's fixtures, the generic ``forms`` fixtures and the self-evaluation
fixtures are measured. Documents that no layout reads (negative fixtures) are counted, not timed. The parses run
with the garbage collector as an ingest's workers run it (:func:`kg.ingest_pool.relaxed_gc`); ``--default-gc``
keeps Python's defaults.

Usage: ``python -m bench.bench_parse [--repeat 3] [--default-gc] [--json]``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from kg.errors import PerfkgError
from kg.extract import extract_source
from kg.ingest_pool import relaxed_gc
from kg.paths import bundled_data_dir
from kg.reading import read_source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TARGET_MS = 5.0  # issue 16: median ≤ 5 ms CPU per document, per family


def documents() -> dict[str, list[Path]]:
    """Set name → files: the bundled data, then every fixture folder."""
    sets = {"bundled": sorted(bundled_data_dir().glob("*.txt"))}
    for d in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        sets[f"fixtures/{d.name}"] = sorted(d.glob("*.txt"))
    return sets


def cpu_ms(fn: Any) -> tuple[float, Any]:
    t0 = time.process_time()
    out = fn()
    return (time.process_time() - t0) * 1000, out


def measure(repeat: int) -> dict[str, Any]:
    per_family: dict[str, dict[str, list[float]]] = {}
    per_set: dict[str, dict[str, list[float]]] = {}
    unread = 0
    for name, files in documents().items():
        for f in files:
            try:
                src = read_source(f)
                first, doc = cpu_ms(lambda src=src: extract_source(src))
            except PerfkgError:
                unread += 1
                continue
            warm = min(cpu_ms(lambda src=src: extract_source(src))[0] for _ in range(repeat))
            for table, key in ((per_family, doc.layout), (per_set, name)):
                entry = table.setdefault(key, {"first": [], "warm": []})
                entry["first"].append(first)
                entry["warm"].append(warm)

    def summary(table: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
        return {k: {"documents": len(v["first"]), "first_median_ms": round(statistics.median(v["first"]), 2),
                    "warm_median_ms": round(statistics.median(v["warm"]), 2),
                    "first_max_ms": round(max(v["first"]), 2)} for k, v in sorted(table.items())}

    return {"families": summary(per_family), "sets": summary(per_set), "unread_documents": unread,
            "gc_threshold": list(gc.get_threshold()),
            "load_avg": round(os.getloadavg()[0], 2)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="Warm parses per document (the best is kept).")
    ap.add_argument("--default-gc", action="store_true", help="Parse with Python's default garbage-collector "
                    "settings instead of the ingest workers' (kg.ingest_pool.relaxed_gc).")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.default_gc:
        res = measure(args.repeat)
    else:
        with relaxed_gc():
            res = measure(args.repeat)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return
    for title, key in (("family", "families"), ("set", "sets")):
        print(f"{title:<28} {'docs':>5} {'first ms':>9} {'warm ms':>8} {'max ms':>8} {'÷target':>8}  "
              f"target median ≤ {TARGET_MS:g} ms CPU")
        for k, v in res[key].items():
            met = "MET" if v["first_median_ms"] <= TARGET_MS else "MISSED"
            print(f"{k:<28} {v['documents']:>5} {v['first_median_ms']:>9} {v['warm_median_ms']:>8} "
                  f"{v['first_max_ms']:>8} {v['first_median_ms'] / TARGET_MS:>8.2f}  {met}")
        print()
    print(f"documents no layout reads (not timed): {res['unread_documents']}; machine load average "
          f"{res['load_avg']} (CPU times grow when other processes share the cores)")


if __name__ == "__main__":
    main()
