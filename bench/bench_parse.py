"""Parse cost alone (read excluded): CPU milliseconds per document, median per layout family.

Each document is decoded once (:func:`kg.reading.read_source`), then :func:`kg.extract.extract_source` is timed
with ``time.process_time`` (CPU time: other processes on a shared machine do not inflate it). ``first`` is the
first parse of each document in one process, as an ingest sees it (per-process caches warmed only by the
documents before it); ``warm`` the best of ``--repeat`` further parses. Families are the layout that read the
document; the bundled documents, each family's fixtures, the generic ``forms`` fixtures and the self-evaluation
fixtures are measured. Documents that no layout reads (negative fixtures) are counted, not timed. The parses run
with the garbage collector as an ingest's workers run it (:func:`kg.ingest_pool.relaxed_gc`); ``--default-gc``
keeps Python's defaults.

Each document's first parse is one sample per process, so ``--runs`` (default 3) repeats the measurement in fresh
processes and keeps, per document, the median over the runs; a family's figure is the median over its documents.

Usage: ``python -m bench.bench_parse [--runs 3] [--repeat 3] [--default-gc] [--json]``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
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


def samples(repeat: int) -> dict[str, Any]:
    """One process's measurement: per document its set, family, first-parse and best warm CPU ms."""
    docs: list[dict[str, Any]] = []
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
            docs.append({"file": str(f), "set": name, "family": doc.layout, "first": first, "warm": warm})
    return {"documents": docs, "unread_documents": unread}


def merge_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs in fresh processes → per family and per set: the median over documents of each document's median
    over the runs (a single first parse is one sample; the runs take the noise of a shared machine out)."""
    per_doc: dict[str, dict[str, Any]] = {}
    for run in runs:
        for d in run["documents"]:
            e = per_doc.setdefault(d["file"], {"set": d["set"], "family": d["family"], "first": [], "warm": []})
            e["first"].append(d["first"])
            e["warm"].append(d["warm"])
    per_family: dict[str, dict[str, list[float]]] = {}
    per_set: dict[str, dict[str, list[float]]] = {}
    for e in per_doc.values():
        for table, key in ((per_family, e["family"]), (per_set, e["set"])):
            entry = table.setdefault(key, {"first": [], "warm": []})
            entry["first"].append(statistics.median(e["first"]))
            entry["warm"].append(statistics.median(e["warm"]))

    def summary(table: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
        return {k: {"documents": len(v["first"]), "first_median_ms": round(statistics.median(v["first"]), 2),
                    "warm_median_ms": round(statistics.median(v["warm"]), 2),
                    "first_max_ms": round(max(v["first"]), 2)} for k, v in sorted(table.items())}

    return {"families": summary(per_family), "sets": summary(per_set), "runs": len(runs),
            "unread_documents": runs[0]["unread_documents"] if runs else 0,
            "gc_threshold": list(gc.get_threshold()), "load_avg": round(os.getloadavg()[0], 2)}


def one_run(repeat: int, default_gc: bool) -> dict[str, Any]:
    if default_gc:
        return samples(repeat)
    with relaxed_gc():
        return samples(repeat)


def fresh_runs(runs: int, repeat: int, default_gc: bool) -> list[dict[str, Any]]:
    """``runs`` measurements, each in a new interpreter (first parses are first only once per process)."""
    cmd = [sys.executable, "-m", "bench.bench_parse", "--runs", "1", "--raw", "--repeat", str(repeat)]
    cmd += ["--default-gc"] if default_gc else []
    return [json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
            for _ in range(runs)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="Warm parses per document (the best is kept).")
    ap.add_argument("--default-gc", action="store_true", help="Parse with Python's default garbage-collector "
                    "settings instead of the ingest workers' (kg.ingest_pool.relaxed_gc).")
    ap.add_argument("--runs", type=int, default=3, help="Measurements, each in a fresh process; per document "
                    "the median over them is kept (default 3; 1 = this process only).")
    ap.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)  # one run's samples, for --runs
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.raw:
        print(json.dumps(one_run(args.repeat, args.default_gc)))
        return
    runs = (fresh_runs(args.runs, args.repeat, args.default_gc) if args.runs > 1
            else [one_run(args.repeat, args.default_gc)])
    res = merge_runs(runs)
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
    print(f"medians over {res['runs']} run(s) in fresh processes; "
          f"documents no layout reads (not timed): {res['unread_documents']}; machine load average "
          f"{res['load_avg']} (CPU times grow when other processes share the cores)")


if __name__ == "__main__":
    main()
