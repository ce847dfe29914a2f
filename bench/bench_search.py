"""Compare the search analyzers (cjk n-grams, jieba words, both) by the numbers.

For each analyzer:

- recall@5 and MRR of ``tests/search_queries.json`` over the gold-derived seed documents, with the
  fuzzy matcher (what users get) and without it (what the analyzer alone finds);
- ingest: index build CPU time, writer worker processes included (entries/s), wall time, and on-disk size over a corpus of ``--docs`` documents derived
  from the seeds (district renamed, codes and amounts shifted, like ``bench.gen_corpus``);
- warm p50 / p99 latency of the query set over that corpus;
- cold query: a fresh ``python`` process that imports perfkg, opens that index and answers one query
  (interpreter start included — what a command-line search pays).

Times are CPU time (user + system) of the measuring process or of the cold child process: the
benchmark machine is shared, and wall time there measures the neighbours more than the code. Single
threaded, so CPU time is what the wall time would be on an idle machine.

``--engines whoosh,sqlite`` measures each analyzer on each engine (issue 16: the same recall, cheaper writes).

Usage: ``python -m bench.bench_search [--docs N] [--analyzers cjk,jieba,both] [--engines E,..] [--repeat R] [--json]``
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.gen_corpus import district_name
from index import build_index
from index.analysis import ANALYZERS
from index.build import SearchIndex
from index.evaluate import RECALL_AT, evaluate, load_queries
from index.query import search
from kg.model import Document

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
QUERIES = ROOT / "tests" / "search_queries.json"
COLD_QUERY = "外事经费"

# (metric, target, True when higher is better)
TARGETS: dict[str, tuple[float, bool]] = {
    "recall@5": (0.95, True),
    "mrr": (0.85, True),
    "recall@5 text only": (0.80, True),
    "mrr text only": (0.70, True),
    "p50 ms": (50.0, False),
    "p99 ms": (200.0, False),
    "cold query ms": (1000.0, False),
    "ingest entries/s": (500.0, True),
    "index MB": (0.0, False),  # no target: reported for the README
}


@dataclass
class Row:
    analyzer: str
    metrics: dict[str, float]


def seed_documents() -> list[tuple[str, Document]]:
    out = []
    for p in sorted(GOLD.glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        doc = Document.from_dict(d)
        doc.sha256 = p.stem
        out.append((p.stem, doc))
    return out


def variant(doc: Document, n: int) -> Document:
    """The n-th derived copy of a seed document: another district, shifted codes, amounts and year."""
    district = district_name(n)
    text = json.dumps(doc.to_dict(), ensure_ascii=False)
    text = text.replace("西城区", district).replace("西城", district[:-1])
    text = re.sub(r"(1101022\dT)(\d{6})", lambda m: f"{m.group(1)}{(int(m.group(2)) + 7919 * n) % 10**6:06d}", text)
    d = json.loads(text)
    d["source"] = f"{n:05d}_{d['source']}"
    if d.get("year"):
        d["year"] += (n % 5) - 2
    new = Document.from_dict(d)
    new.sha256 = f"{doc.sha256}-{n}"
    return new


def corpus(n_docs: int) -> list[tuple[str, Document]]:
    seeds = seed_documents()
    out = list(seeds)
    i = 0
    while len(out) < n_docs:
        stem, doc = seeds[i % len(seeds)]
        n = i // len(seeds) + 1
        out.append((f"{stem}-v{n}", variant(doc, n)))
        i += 1
    return out[:n_docs]


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cold_query_ms(index_path: Path) -> float:
    code = f"from index import search; search({str(index_path)!r}, {COLD_QUERY!r})"
    before = _children_cpu()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
    return (_children_cpu() - before) * 1000


def measure(analyzer: str, docs: list[tuple[str, Document]], seeds: list[tuple[str, Document]],
            queries: list[dict[str, Any]], repeat: int, workdir: Path, engine: str = "whoosh") -> Row:
    m: dict[str, float] = {}
    seed_ix = build_index(seeds, analyzer, engine=engine)
    full = evaluate(seed_ix, queries)
    text = evaluate(seed_ix, queries, fuzzy=False)
    m["recall@5"], m["mrr"] = full.recall(RECALL_AT), full.mrr()
    m["recall@5 text only"], m["mrr text only"] = text.recall(RECALL_AT), text.mrr()

    path = workdir / analyzer / engine / "index"
    t0, c0, w0 = time.process_time(), _children_cpu(), time.perf_counter()
    big = build_index(docs, analyzer, path=path, engine=engine)
    seconds = time.process_time() - t0 + _children_cpu() - c0  # writer worker processes included
    m["ingest entries/s"] = big.entry_count() / seconds
    m["ingest s"] = seconds
    m["ingest wall s"] = time.perf_counter() - w0
    m["entries"] = big.entry_count()
    m["index MB"] = dir_bytes(path) / 1e6

    big = SearchIndex.open(path)
    times = []
    for _ in range(repeat):
        for q in queries:
            t = time.process_time()
            search(big, q["query"])
            times.append((time.process_time() - t) * 1000)
    times.sort()
    m["p50 ms"], m["p99 ms"] = percentile(times, 50), percentile(times, 99)
    m["cold query ms"] = min(cold_query_ms(path) for _ in range(3))
    return Row(analyzer if engine == "whoosh" else f"{analyzer}/{engine}", m)


def ratio(metric: str, value: float) -> str:
    target, higher = TARGETS.get(metric, (0.0, True))
    if not target:
        return ""
    r = value / target
    ok = r >= 1 if higher else r <= 1
    return f"{r:.2f}{'' if ok else ' ✗'}"


def fmt(metric: str, v: float) -> str:
    if metric.startswith(("recall", "mrr")):
        return f"{v:.3f}"
    if metric in ("entries",):
        return f"{v:.0f}"
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def render(rows: list[Row], n_docs: int, n_queries: int) -> str:
    metrics = list(TARGETS) + ["ingest s", "ingest wall s", "entries"]
    head = ["metric", "target"] + [f"{r.analyzer} (ratio)" for r in rows]
    lines = [head]
    for metric in metrics:
        target, higher = TARGETS.get(metric, (0.0, True))
        tcell = f"{'≥' if higher else '≤'} {fmt(metric, target)}" if target else "-"
        cells = [f"{fmt(metric, r.metrics[metric])} ({ratio(metric, r.metrics[metric])})"
                 if ratio(metric, r.metrics[metric]) else fmt(metric, r.metrics[metric]) for r in rows]
        lines.append([metric, tcell] + cells)
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = [f"search benchmark: {n_queries} queries; recall over the 5 gold seeds, costs over {n_docs} documents",
           "times are CPU ms/s; ratio = value / target (✗ = target missed)"]
    for k, row in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if k == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_search", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100, help="documents in the cost corpus (default 100)")
    ap.add_argument("--analyzers", default=",".join(ANALYZERS), help="comma-separated: cjk,jieba,both")
    ap.add_argument("--engines", default="whoosh", help="comma-separated: whoosh,sqlite")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the query set for latency")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args(argv)
    queries = load_queries(QUERIES)
    seeds = seed_documents()
    docs = corpus(max(args.docs, len(seeds)))
    workdir = Path(tempfile.mkdtemp(prefix="perfkg-bench-"))
    try:
        rows = [measure(a.strip(), docs, seeds, queries, args.repeat, workdir, e.strip())
                for a in args.analyzers.split(",") for e in args.engines.split(",")]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps({"docs": len(docs), "queries": len(queries),
                          "results": {r.analyzer: r.metrics for r in rows}}, indent=2))
    else:
        print(render(rows, len(docs), len(queries)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
