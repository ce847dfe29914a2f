"""Scale benchmark: ingest and query costs for corpora of N documents derived from the seeds.

For each N (``bench.gen_corpus`` writes the corpus once and reuses it): ``perfkg ingest`` as a subprocess
(docs/s, MB/s, the read+parse / store / index split it reports, peak memory of its process tree), store and
index size, the ratio of ingest time to the floor of just reading and splitting the same bytes, then the
latency of ``search``, ``trace`` and ``audit`` from the CLI (a fresh process per call, interpreter start
included) and in-process (index / graph opened once), p50 and p99 (nearest rank: with few runs, the max).
Targets are printed beside the figures. Wall-clock times depend on whatever else the machine runs, so CPU
times are given too, and ``idle_estimate_docs_per_s`` turns the ingest's CPU split into the rate an idle
machine would reach (parsing spread over the workers, the writer and the index serial).

Commands run with their compiled modules cached (``PYTHONPYCACHEPREFIX`` under the workdir, one warm-up run
each), as an installed perfkg has them even where ``PYTHONDONTWRITEBYTECODE`` is set; ``--no-bytecode-cache``
times them compiling every module on every run.

``--corpus mixed`` uses :func:`bench.gen_corpus.generate_mixed` (the bundled documents verbatim and the forms
fixtures, then derived documents). ``cli_help`` is ``perfkg --help`` from a fresh process.

Usage: ``python -m bench.bench_scale [--sizes 100,1000,5000] [--corpus generated|mixed] [--workdir DIR] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.gen_corpus import generate, generate_mixed

ROOT = Path(__file__).resolve().parent.parent
SEARCH_QUERIES = ("外事工作经费", "满意度", "视频会议运维", "接诉既办", "会议室设备保障")
TRACE_QUERIES = ("外事工作经费", "区领导慰问经费", "城指中心工作经费")
AUDIT_DEPT = "东城2区"  # variant n=15 of gen_corpus.vary (documents 70-74): present from N=75 on
CLI_RUNS = {"help": 10, "search": 10, "trace": 12, "show": 12, "audit": 5}
INPROC_RUNS = {"search": 50, "trace": 20, "audit": 5}
# Stop repeating a command once its runs have taken this long (at least one run is always made).
TIME_BUDGET_S = 90.0
SAMPLE_EVERY_S = 0.05
# Targets of issue 16: (figure key, N it applies to, limit, True when higher is better)
TARGETS = {
    "ingest_docs_per_s": (1000, 100.0, True),
    "idle_estimate_docs_per_s": (1000, 100.0, True),
    "ingest_peak_mem_mb": (1000, 1024.0, False),
    # 100 documents/s on 2 cores: at most 20 ms of CPU per document, everything included
    "ingest_cpu_ms_per_doc": (1000, 20.0, False),
    "cli_help_p50_s": (5000, 0.12, False),
    "cli_help_cpu_p50_s": (5000, 0.12, False),
    "cli_search_p50_s": (5000, 0.15, False),
    "cli_search_cpu_p50_s": (5000, 0.15, False),
    "cli_trace_p50_s": (5000, 0.15, False),
    "cli_trace_cpu_p50_s": (5000, 0.15, False),
    "cli_show_p50_s": (5000, 0.15, False),
    "cli_show_cpu_p50_s": (5000, 0.15, False),
    "inproc_search_p50_ms": (5000, 20.0, False),
    "peak_mem_mb": (5000, 1024.0, False),
}


def percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(-(-q * len(s) // 100)) - 1))]


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and every descendant, summed (shared pages counted in each process)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, grew = {root}, True
    while grew:
        new = {p for p, pp in parents.items() if pp in tree} - tree
        tree |= new
        grew = bool(new)
    return sum(rss.get(p, 0) for p in tree) / 2**20


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_measured(args: list[str], env: dict[str, str] | None = None,
                 tree: bool = True) -> tuple[float, float, float, str]:
    """Run a command; (wall seconds, CPU seconds of it and its children, peak MB, stdout). ``tree``: the peak of
    its process tree, sampled every SAMPLE_EVERY_S (an ingest's workers); else the command's own peak, read
    from the kernel after it ends (a query runs in one process, and scanning /proc beside it would slow it)."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            stop.wait(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    if tree:
        sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0  # the command alone, not the sampler's last scan
    stop.set()
    if tree:
        sampler.join()
    else:
        peak[0] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux; max of any child
    return wall, children_cpu() - c0, peak[0], out


def perfkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


def repeat(fn: Callable[[int], float], runs: int) -> list[float]:
    times: list[float] = []
    start = time.perf_counter()
    for i in range(runs):
        times.append(fn(i))
        if time.perf_counter() - start > TIME_BUDGET_S:
            break
    return times


def floor_seconds(files: list[Path]) -> float:
    """Just reading and splitting the bytes into lines: the least any ingest must do."""
    t0 = time.perf_counter()
    for f in files:
        f.read_bytes().decode("utf-8", errors="replace").split("\n")
    return time.perf_counter() - t0


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20 if path.exists() else 0.0


def corpus(workdir: Path, n: int, kind: str = "generated") -> list[Path]:
    folder = workdir / (f"corpus_{n}" if kind == "generated" else f"corpus_{kind}_{n}")
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return files if len(files) == n else (generate if kind == "generated" else generate_mixed)(folder, n)


def bench_ingest(workdir: Path, n: int, files: list[Path], store: Path) -> dict[str, Any]:
    if store.exists():
        subprocess.run(["rm", "-rf", str(store)], check=True)
    load = os.getloadavg()[0]
    wall, cpu, peak, out = run_measured(perfkg("ingest", str(files[0].parent), "--store", str(store), "--json"))
    rep = json.loads(out)
    mb = sum(f.stat().st_size for f in files) / 2**20
    floor = floor_seconds(files)
    sec, jobs = rep["seconds"], rep["jobs"]
    # On an idle machine: the workers' parsing spread over the cores, the writer and the index in one process.
    idle = max(sec["read_parse_cpu"] / jobs, sec["store_cpu"]) + sec["index_cpu"] + (cpu - sum(
        sec[k] for k in ("read_parse_cpu", "store_cpu", "index_cpu")))
    return {"n": n, "ok": rep["documents_ok"], "failed": rep["documents_failed"], "jobs": jobs,
            "load_avg_before": round(load, 2), "corpus_mb": round(mb, 1), "ingest_s": round(wall, 2),
            "ingest_docs_per_s": round(n / wall, 1), "ingest_mb_per_s": round(mb / wall, 2),
            "ingest_cpu_s": round(cpu, 1), "read_parse_cpu_s": round(sec["read_parse_cpu"], 1),
            "store_cpu_s": round(sec["store_cpu"], 1), "index_cpu_s": round(sec["index_cpu"], 1),
            "ingest_cpu_ms_per_doc": round(1000 * cpu / n, 1),
            "read_parse_cpu_ms_per_doc": round(1000 * sec["read_parse_cpu"] / n, 2),
            "store_cpu_ms_per_doc": round(1000 * sec["store_cpu"] / n, 2),
            "index_cpu_ms_per_doc": round(1000 * sec["index_cpu"] / n, 2),
            "idle_estimate_docs_per_s": round(n / idle, 1),
            "idle_estimate_vs_target": round(n / idle / TARGETS["idle_estimate_docs_per_s"][1], 2),
            "idle_estimate_no_index_docs_per_s": round(n / (idle - sec["index_cpu"]), 1),
            "floor_s": round(floor, 3), "ingest_over_floor": round(wall / floor, 1),
            "ingest_peak_mem_mb": round(peak, 1), "store_mb": round(du_mb(store) - du_mb(store / "index"), 1),
            "index_mb": round(du_mb(store / "index"), 1)}


def bytecode_env(cache: Path | None) -> dict[str, str]:
    """The environment the commands run in: with ``cache``, Python keeps the compiled modules there (as an
    installed perfkg has them) even where ``PYTHONDONTWRITEBYTECODE`` is set; None compiles every module on every
    run (about 40 ms more of each command)."""
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def bench_cli(store: Path, only: set[str] | None = None, cache: Path | None = None) -> dict[str, Any]:
    env = bytecode_env(cache)
    cmds = {"help": lambda i: ("--help",),
            "search": lambda i: ("search", SEARCH_QUERIES[i % len(SEARCH_QUERIES)]),
            "trace": lambda i: ("trace", TRACE_QUERIES[i % len(TRACE_QUERIES)], "--pick", "1"),
            "show": lambda i: ("show", TRACE_QUERIES[i % len(TRACE_QUERIES)], "--pick", "1"),
            "audit": lambda i: ("audit", "--dept", AUDIT_DEPT, "--json")}
    out: dict[str, Any] = {}
    peaks: list[float] = []
    for name, argv in cmds.items():
        if only is not None and name not in only:
            continue
        cpus: list[float] = []

        def one(i: int, argv: Callable[[int], tuple[str, ...]] = argv, cpus: list[float] = cpus) -> float:
            args = argv(i)
            wall, cpu, peak, _ = run_measured(perfkg(*args) if args == ("--help",) else perfkg(*args, "--store",
                                                                                                str(store)), env,
                                              tree=False)
            peaks.append(peak)
            cpus.append(cpu)
            return wall
        one(0)  # warm-up: the compiled modules cached, the store's pages read once
        cpus.clear()
        times = repeat(one, CLI_RUNS[name])
        out[f"cli_{name}_p50_s"] = round(percentile(times, 50), 3)
        out[f"cli_{name}_p99_s"] = round(percentile(times, 99), 3)
        out[f"cli_{name}_cpu_p50_s"] = round(percentile(cpus, 50), 3)
        out[f"cli_{name}_runs"] = len(times)
    out["query_peak_mem_mb"] = round(max(peaks), 1)
    out["cli_bytecode"] = "cached" if cache is not None else "compiled every run"
    return out


def bench_inproc(store: Path) -> dict[str, Any]:
    from index import open_search_index, search
    from kg.audit import audit_store
    from kg.audit.report import AuditOptions
    from kg.graph import build_graph
    from kg.store import Store
    from kg.trace import trace_store

    out: dict[str, Any] = {}
    si, _ = open_search_index(store)

    def timed(fn: Callable[[], object]) -> float:
        t0 = time.perf_counter()
        fn()
        return (time.perf_counter() - t0) * 1000

    runs = {"search": lambda i: timed(lambda: search(si, SEARCH_QUERIES[i % len(SEARCH_QUERIES)]))}
    st = Store(store, create=False)
    t0 = time.perf_counter()
    build_graph(st)  # what export pays; trace/show/audit build only what an answer reads
    out["graph_build_s"] = round(time.perf_counter() - t0, 2)
    runs["trace"] = lambda i: timed(lambda: trace_store(st, TRACE_QUERIES[i % len(TRACE_QUERIES)], 1))
    runs["audit"] = lambda i: timed(lambda: audit_store(store, AuditOptions(dept=AUDIT_DEPT)))
    try:
        for name, fn in runs.items():
            times = repeat(fn, INPROC_RUNS[name])
            out[f"inproc_{name}_p50_ms"] = round(percentile(times, 50), 1)
            out[f"inproc_{name}_p99_ms"] = round(percentile(times, 99), 1)
    finally:
        st.close()
    return out


def target_note(key: str, n: int, value: float) -> str:
    """The target beside a figure, whether it is met, and the figure as a multiple of the target."""
    if key not in TARGETS:
        return ""
    at, limit, higher = TARGETS[key]
    if at != n:
        return f"(target {'≥' if higher else '≤'} {limit:g} at N={at})"
    met = value >= limit if higher else value <= limit
    return f"target {'≥' if higher else '≤'} {limit:g}: {'MET' if met else 'MISSED'} ({value / limit:.2f}× target)"


def linearity(rows: list[dict[str, Any]]) -> None:
    base = rows[0]
    for r in rows:
        r["ingest_s_per_doc_vs_smallest"] = round((r["ingest_s"] / r["n"]) / (base["ingest_s"] / base["n"]), 2)
        r["store_mb_per_doc_vs_smallest"] = round((r["store_mb"] / r["n"]) / max(1e-9, base["store_mb"] / base["n"]),
                                                  2)


def print_table(rows: list[dict[str, Any]]) -> None:
    keys = [k for k in rows[0] if k != "n"]
    width = max(len(k) for k in keys)
    print(f"{'N':<{width}}  " + "  ".join(f"{r['n']:>10}" for r in rows))
    for k in keys:
        notes = [target_note(k, r["n"], r[k]) for r in rows if isinstance(r.get(k), (int, float))]
        note = next((x for x in notes if x.startswith("target")), notes[0] if notes else "")
        print(f"{k:<{width}}  " + "  ".join(f"{r.get(k, ''):>10}" for r in rows) + f"  {note}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000,5000", help="Comma-separated corpus sizes.")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/perfkg-bench-scale"),
                    help="Where corpora (kept, reused) and stores go.")
    ap.add_argument("--no-queries", action="store_true", help="Only the ingest figures.")
    ap.add_argument("--commands", default="help,search,trace,show,audit",
                    help="CLI commands to time from fresh processes (comma-separated).")
    ap.add_argument("--no-inproc", action="store_true", help="Skip the in-process query timings.")
    ap.add_argument("--corpus", choices=("generated", "mixed"), default="generated",
                    help="generated: derived copies of the bundled documents; mixed: the bundled documents verbatim "
                    "and the forms fixtures first.")
    ap.add_argument("--json", action="store_true", help="Print the figures as JSON (one object per N).")
    ap.add_argument("--no-bytecode-cache", action="store_true", help="Time the commands with every module compiled "
                    "on every run (as under PYTHONDONTWRITEBYTECODE) instead of cached as an installed perfkg has it.")
    ap.add_argument("--reuse-store", action="store_true", help="Time the commands on the store already in the "
                    "workdir (no ingest figures) when there is one.")
    args = ap.parse_args(argv)
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        files = corpus(args.workdir, n, args.corpus)
        store = args.workdir / (f"store_{n}" if args.corpus == "generated" else f"store_{args.corpus}_{n}")
        reuse = args.reuse_store and (store / "perfkg.sqlite").is_file()
        row = {"n": n, "load_avg_before": round(os.getloadavg()[0], 2)} if reuse else bench_ingest(args.workdir, n,
                                                                                                   files, store)
        row["corpus"] = args.corpus
        row["engine"] = os.environ.get("PERFKG_ENGINE") or "default"
        if not args.no_queries:
            row |= bench_cli(store, set(args.commands.split(",")),
                             None if args.no_bytecode_cache else args.workdir / "pycache")
            if not args.no_inproc:
                row |= bench_inproc(store)
        row["peak_mem_mb"] = max(row.get("ingest_peak_mem_mb", 0.0), row.get("query_peak_mem_mb", 0.0))
        row["load_avg_after"] = round(os.getloadavg()[0], 2)
        rows.append(row)
        print(f"N={n} done: {json.dumps(row, ensure_ascii=False)}", file=sys.stderr, flush=True)
    if all("ingest_s" in r for r in rows):
        linearity(rows)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print_table(rows)


if __name__ == "__main__":
    main()
