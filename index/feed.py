"""Search-index entries made while ingesting (issue 16): the parsing workers turn each Document into what the
sqlite engine writes, and :func:`index.build.sync_index` writes it afterwards in its own (doc_id) order, so the
index is the one a plain sync builds, without loading the documents back from the store.

:func:`ingest_preparer` gives the ``prepare`` and ``on_stored`` hooks of :func:`kg.ingest.ingest_paths` (the CLI's
``perfkg ingest`` wires them) when the store's index is a sqlite one.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.analysis import ANALYZERS, DEFAULT_ANALYZER
from index.build import Prepared, _engine_for, index_dir
from index.schema import document_entries, lexicon_items
from index.sqlite_engine import TEXT_FIELDS, document_rows, field_terms

if TYPE_CHECKING:
    from kg.model import Document


def prepare_entries(doc_id: str, sha: str, doc: Document, method: str) -> tuple[bytes, list[tuple[str, bool]]]:
    """What the sqlite engine writes for ``doc``, made in an ingest worker: marshal bytes of (method, sha,
    :func:`index.sqlite_engine.document_rows`, lexicon items), and the distinct (field value, unigrams) pairs the
    writer will tokenize (:meth:`PreparedEntries.add` tokenizes them as the documents come, while the workers parse,
    instead of all at the end)."""
    entries = document_entries(doc_id, doc)
    rows = document_rows(entries)
    texts = {(v, uni) for values in rows[1] for v, uni in zip(values, TEXT_FIELDS.values(), strict=True) if v}
    return marshal.dumps((method, sha, rows, lexicon_items(entries))), sorted(texts)


class PreparedEntries:
    """The :func:`prepare_entries` of the documents an ingest stored, kept in a temporary file (memory stays
    flat) until :func:`sync_index` writes them in its own order; a document missing here, or prepared with
    another analyzer or content, is loaded from the store as usual."""

    def __init__(self, method: str, folder: Path | None = None):
        self.method = method
        self._file = tempfile.TemporaryFile(dir=folder)
        self._at: dict[str, tuple[int, int]] = {}

    def add(self, doc_id: str, sha: str, prepared: Any) -> None:
        if not isinstance(prepared, tuple):
            return
        blob, texts = prepared
        for text, unigrams in texts:  # into the term cache now: the writer finds them there at the end
            field_terms(text, self.method, unigrams)
        self._file.seek(0, os.SEEK_END)
        self._at[doc_id] = (self._file.tell(), len(blob))
        self._file.write(blob)

    def get(self, doc_id: str, sha: str) -> Prepared | None:
        where = self._at.get(doc_id)
        if where is None:
            return None
        self._file.seek(where[0])
        method, was, rows, lexicon = marshal.loads(self._file.read(where[1]))
        return Prepared(rows, lexicon) if method == self.method and was == sha else None

    def close(self) -> None:
        self._file.close()


def ingest_preparer(store_path: Path) -> tuple[Any, PreparedEntries] | None:
    """(the ``prepare`` for :func:`kg.ingest.ingest_paths`, where its results go) when the index the next
    :func:`sync_index` of ``store_path`` writes is a sqlite one; None for whoosh (it reads the documents)."""
    path = index_dir(store_path)
    if _engine_for(path, None)[0] != "sqlite":
        return None
    method = os.environ.get("PERFKG_ANALYZER") or DEFAULT_ANALYZER
    if method not in ANALYZERS:
        return None
    return partial(prepare_entries, method=method), PreparedEntries(method, store_path if store_path.is_dir() else None)
