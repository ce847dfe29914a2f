"""The analyzer benchmark's own logic: derived corpus and the report table (not the timings)."""

from __future__ import annotations

from bench.bench_search import Row, corpus, percentile, render


def test_derived_corpus_renames_district_and_shifts_codes():
    docs = corpus(7)
    assert len(docs) == 7 and len({d for d, _ in docs}) == 7
    seed_id, seed = docs[0]
    var_id, var = docs[5]
    assert var_id == f"{seed_id}-v1" and "西城" not in (var.department or "")
    assert var.projects[1].name != seed.projects[1].name and var.projects[1].code != seed.projects[1].code
    assert len(var.projects) == len(seed.projects)


def test_report_shows_targets_ratios_and_misses():
    metrics = {"recall@5": 0.9, "mrr": 0.9, "recall@5 text only": 0.9, "mrr text only": 0.9, "p50 ms": 10.0,
               "p99 ms": 400.0, "cold query ms": 300.0, "ingest entries/s": 1000.0, "index MB": 1.0,
               "ingest s": 1.0, "ingest wall s": 0.6, "entries": 100}
    text = render([Row("cjk", metrics)], 10, 68)
    assert "≥ 0.950" in text and "0.900 (0.95 ✗)" in text and "400 (2.00 ✗)" in text and "10.0 (0.20)" in text
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) in (2.0, 3.0) and percentile([], 99) == 0.0
