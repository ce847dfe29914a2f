"""Shared fixtures of the index tests: gold-derived Documents and a fake store with the kg.store API."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from index import SearchIndex, build_index
from kg.model import Document
from tests.conftest import SEEDS
from tests.conftest import gold_document as conftest_gold_document

QUERIES = Path(__file__).resolve().parent / "search_queries.json"


def gold_document(stem: str) -> Document:
    """The gold answer key as a Document, with a stable fake content hash."""
    doc = conftest_gold_document(stem)
    doc.sha256 = f"sha-{stem}"
    return doc


def gold_documents() -> list[tuple[str, Document]]:
    return [(stem, gold_document(stem)) for stem in SEEDS]


class FakeStore:
    """The slice of kg.store.Store the index uses, over in-memory Documents."""

    def __init__(self, path: Path, docs: dict[str, Document]):
        self.path = path
        self.docs = dict(docs)
        self.loaded: list[str] = []

    def doc_hashes(self) -> dict[str, str]:
        return {k: d.sha256 for k, d in self.docs.items()}

    def load_document(self, doc_id: str) -> Document:
        self.loaded.append(doc_id)
        return self.docs[doc_id]

    def iter_documents(self) -> Iterator[tuple[str, Document]]:
        yield from sorted(self.docs.items())


@lru_cache(maxsize=2)
def gold_index(engine: str = "whoosh") -> SearchIndex:
    """One in-memory index per engine over the five gold seeds, shared by the test modules (read-only)."""
    return build_index(gold_documents(), engine=engine)
