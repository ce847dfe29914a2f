"""Partial documents: a file cut off in mid-table keeps its sound records, invents none, and says where it was cut.

Each seed (one per layout family) is cut in the middle of a row half-way through its records, the way a
half-finished download or copy ends (no line break after the last, partial row)."""

from __future__ import annotations

from functools import cache

import pytest

from kg.extract import extract_file, extract_source
from kg.model import Document
from kg.reading import source_from_bytes
from tests.conftest import SEEDS, seed_path


def _record_lines(doc: Document) -> list[int]:
    """Lines where the document's records start (projects, targets, funding lines, department rows, outcomes)."""
    recs = [r for p in doc.projects for r in (p, *p.indicators, *p.funding_lines)]
    recs += [*doc.department_indicators, *doc.outcomes]
    return sorted({r.provenance.line_start for r in recs if r.provenance and r.provenance.line_start})


def _targets(doc: Document) -> set[tuple[str | None, str | None, str | None]]:
    rows = [i for p in doc.projects for i in p.indicators] + list(doc.department_indicators)
    return {(i.l3, i.value, i.unit) for i in rows}


@cache
def _full(stem: str) -> Document:
    return extract_file(seed_path(stem))


def _cut(stem: str, at: float) -> tuple[Document, int]:
    """The seed cut inside the record line at fraction ``at`` of its record lines; (document, that line)."""
    lines = seed_path(stem).read_text(encoding="utf-8").split("\n")
    starts = _record_lines(_full(stem))
    start = starts[int(len(starts) * at)]
    line = next(n for n in range(start, len(lines) + 1) if lines[n - 1].strip())  # cut inside text, not a bare tab
    text = "\n".join(lines[: line - 1]) + "\n" + lines[line - 1][: max(1, len(lines[line - 1]) // 2)]
    return extract_source(source_from_bytes(text.encode("utf-8"), f"{stem}.txt")), line


@pytest.mark.parametrize("stem", SEEDS)
def test_cut_document_keeps_sound_records_and_invents_none(stem: str) -> None:
    full = _full(stem)
    part, line = _cut(stem, 0.5)
    kept = _record_lines(part)
    assert kept, "a half document must keep the records before the cut"
    assert max(kept) <= line
    assert len(kept) < len(_record_lines(full))
    assert {p.name for p in part.projects} <= {p.name for p in full.projects}, "no invented projects"
    assert not _targets(part) - _targets(full), "no invented targets"


@pytest.mark.parametrize("stem", SEEDS)
def test_cut_document_warns_with_the_line(stem: str) -> None:
    part, line = _cut(stem, 0.5)
    cut = [w for w in part.warnings if w.kind == "unterminated_last_line"]
    assert [w.line for w in cut] == [line]
