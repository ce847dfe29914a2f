"""The on-disk (or in-memory) search index: whoosh segments + a manifest + the fuzzy lexicon.

Layout under ``<store>/index``::

    whoosh/         the whoosh index (fields: see index.schema)
    manifest.json   {"format", "analyzer", "docs": {doc_id: sha256}} — what the index was built from
    lexicon.json    {doc_id: [[eid, name], ...]} — names the fuzzy matcher compares queries against
    fuzzy_names.txt the same names compiled for the matcher (distinct, normalized), read only by a search
    fuzzy_rows.jsonl  that needs the fuzzy scan; the rows (spelling, eids) parsed only for matched names
                    (older indexes have one fuzzy.json instead: still read)

:func:`sync_index` brings the index in step with a store: new or changed documents are (re)added,
documents gone from the store are deleted, all in one writer; a missing, unreadable or
differently-built index is rebuilt from scratch.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from index.analysis import ANALYZERS, DEFAULT_ANALYZER
from index.fuzzy import Lexicon, read_lexicon, write_lexicon
from index.schema import document_entries, lexicon_items
from index.sqlite_engine import ENGINE_FILE, SqliteEngine
from kg.errors import StoreError

if TYPE_CHECKING:  # whoosh loads only for a whoosh index
    from whoosh.index import Index
    from whoosh.searching import Searcher
    from whoosh.writing import SegmentWriter

    from index.readers import Reader
    from kg.model import Document

INDEX_FORMAT = 3  # 2: lean numeric tiers, no block length stats; 3: ``met`` of self-evaluated targets
INDEX_DIRNAME = "index"
WHOOSH_DIRNAME = "whoosh"
MANIFEST = "manifest.json"
LEXICON = "lexicon.json"
FUZZY = "fuzzy.json"  # the fuzzy lexicon of older indexes (one JSON file, parsed whole)
WRITER_MEMORY_MB = 256  # posting pool of each writer process before it spills a sorted run to disk
PARALLEL_MIN_DOCS = 100  # batches smaller than this are written by one process
MAX_WRITER_PROCS = 4
ENGINES = ("sqlite", "whoosh")
# The engine of a new store index ($PERFKG_ENGINE overrides): sqlite writes ~10x cheaper and opens without
# importing whoosh, at the same top-5 on tests/search_queries.json (see README, Search). An existing index
# keeps the engine it was built with.
DEFAULT_ENGINE = "sqlite"


def engine_choice(engine: str | None = None) -> str:
    """``engine``, else $PERFKG_ENGINE, else :data:`DEFAULT_ENGINE`; an unknown name is a :class:`StoreError`."""
    name = engine or os.environ.get("PERFKG_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        raise StoreError(f"unknown search engine {name!r}; choose one of {', '.join(ENGINES)} (PERFKG_ENGINE)")
    return name


def _import_whoosh() -> None:
    import index._whoosh  # noqa: F401  (whoosh without urllib.request, see the module)


class StoreLike(Protocol):
    """What the index needs from :class:`kg.store.Store`."""

    path: Path

    def doc_hashes(self) -> dict[str, str]: ...

    def load_document(self, doc_id: str) -> Document: ...


@dataclass
class SyncReport:
    """What one :func:`sync_index` did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rebuilt: bool = False
    reason: str = ""  # why it was rebuilt (missing, stale format, analyzer changed …)
    entries: int = 0  # entries written in this sync
    documents: int = 0  # documents in the index afterwards
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def message(self) -> str:
        head = f"index rebuilt ({self.reason})" if self.rebuilt else "index updated"
        if not self.changed:
            return f"index up to date ({self.documents} documents)"
        return (f"{head}: +{len(self.added)} ~{len(self.updated)} -{len(self.removed)} documents, "
                f"{self.entries} entries written in {self.seconds:.2f}s; {self.documents} documents indexed")

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed, "rebuilt": self.rebuilt,
                "reason": self.reason, "entries": self.entries, "documents": self.documents,
                "seconds": round(self.seconds, 3)}


@dataclass
class SearchIndex:
    """An open index: the whoosh index, what it was built from, and the fuzzy lexicon (loaded lazily)."""

    ix: Index | None  # the whoosh index (None for the sqlite engine)
    analyzer: str
    docs: dict[str, str]  # doc_id -> sha256 the index holds
    path: Path | None = None  # the index directory; None for an in-memory index
    _lexicon: dict[str, list[list[str]]] | None = None
    _fuzzy: Lexicon | None = None  # the compiled fuzzy lexicon, loaded on first use
    _searcher: Searcher | None = field(default=None, repr=False, compare=False)  # kept open between queries
    sql: SqliteEngine | None = field(default=None, repr=False, compare=False)  # the sqlite engine, when it is one

    @property
    def engine(self) -> str:
        return "sqlite" if self.sql is not None else "whoosh"

    def reader(self) -> Reader:
        """What a search reads (:class:`index.readers.Reader`), whichever the engine."""
        from index.readers import SqliteReader, WhooshReader

        if self.sql is not None:
            return SqliteReader(self.sql, self.analyzer)
        return WhooshReader(self.searcher(), self.analyzer)

    def searcher(self) -> Searcher:
        """An open searcher, kept between calls: opening one reads every segment's terms and stored-field
        offsets (tens of ms on a large index). Refreshed when the index on disk has a newer generation."""
        if self.ix is None:
            raise StoreError("a sqlite search index has no whoosh searcher", file=str(self.path or ""))
        s = self._searcher
        if s is None:
            s = self.ix.searcher()
        elif not s.up_to_date():
            s = s.refresh()
        self._searcher = s
        return s

    def close(self) -> None:
        """Release the kept searcher (its open files)."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __del__(self) -> None:
        self.close()

    # ---- opening ---------------------------------------------------------------------------------
    @classmethod
    def in_memory(cls, analyzer: str = DEFAULT_ANALYZER, engine: str = "whoosh") -> SearchIndex:
        if engine_choice(engine) == "sqlite":
            return cls(None, analyzer, {}, None, {}, sql=SqliteEngine.create(None, analyzer))
        _import_whoosh()
        from whoosh.filedb.filestore import RamStorage

        from index.whoosh_fields import make_schema

        ix = RamStorage().create_index(make_schema(analyzer))
        return cls(ix, analyzer, {}, None, {})

    @classmethod
    def create(cls, path: Path, analyzer: str = DEFAULT_ANALYZER, engine: str = "whoosh") -> SearchIndex:
        wdir = path / WHOOSH_DIRNAME
        if wdir.exists():
            shutil.rmtree(wdir)
        path.mkdir(parents=True, exist_ok=True)
        if engine_choice(engine) == "sqlite":
            si = cls(None, analyzer, {}, path, {}, sql=SqliteEngine.create(path, analyzer))
        else:
            _import_whoosh()
            from whoosh import index as windex

            from index.whoosh_fields import make_schema

            (path / ENGINE_FILE).unlink(missing_ok=True)
            wdir.mkdir(parents=True)
            si = cls(windex.create_in(str(wdir), make_schema(analyzer)), analyzer, {}, path, {})
        si.save_meta()
        return si

    @classmethod
    def open(cls, path: Path, readonly: bool = False) -> SearchIndex:
        """Open the index at ``path`` (a store's ``index`` directory); :class:`StoreError` if unusable.
        ``readonly``: for searching only (whoosh refuses to write through it)."""
        manifest = read_manifest(path)
        if manifest is None:
            raise StoreError("no search index here (run perfkg ingest first)", file=str(path))
        if manifest.get("engine", "whoosh") == "sqlite":
            try:
                sql = SqliteEngine.open(path, manifest["analyzer"], readonly=readonly)
            except (OSError, sqlite3.Error):
                raise StoreError("search index cannot be opened (sqlite); re-run perfkg ingest",
                                 file=str(path)) from None
            return cls(None, manifest["analyzer"], dict(manifest["docs"]), path, None, sql=sql)
        _import_whoosh()
        from whoosh.filedb.filestore import FileStorage

        try:
            # without mmap: whoosh copies a mapped column file whole into a BytesIO on first use (every
            # stored field of a segment, tens of MB at scale); plain file reads fetch only what a query needs
            ix = FileStorage(str(path / WHOOSH_DIRNAME), supports_mmap=False, readonly=readonly).open_index()
        except Exception as e:  # whoosh raises several unrelated types for a broken index
            raise StoreError(f"search index cannot be opened ({type(e).__name__}); re-run perfkg ingest",
                             file=str(path)) from None
        return cls(ix, manifest["analyzer"], dict(manifest["docs"]), path, None)

    # ---- metadata --------------------------------------------------------------------------------
    @property
    def lexicon(self) -> dict[str, list[list[str]]]:
        if self._lexicon is None:
            self._lexicon = _read_json(self.path / LEXICON) if self.path else {}
            if not isinstance(self._lexicon, dict):
                self._lexicon = {}
        return self._lexicon

    def fuzzy_lexicon(self) -> Lexicon:
        """The compiled fuzzy lexicon: from its files on disk (see :func:`index.fuzzy.write_lexicon`), else
        from an older index's fuzzy.json, else compiled from the lexicon."""
        if self._fuzzy is None:
            self._fuzzy = read_lexicon(self.path) if self.path else None
        if self._fuzzy is None:
            d = _read_json(self.path / FUZZY) if self.path else None
            if isinstance(d, dict) and {"names", "display", "eids"} <= set(d):
                self._fuzzy = Lexicon(d["names"], d["display"], d["eids"])
            else:
                self._fuzzy = Lexicon.from_items(self.lexicon)
        return self._fuzzy

    def save_meta(self) -> None:
        if self.path is None:
            return
        lex = Lexicon.from_items(self.lexicon)
        self._fuzzy = lex
        write_lexicon(self.path, lex)
        (self.path / FUZZY).unlink(missing_ok=True)  # an older index's single-file lexicon
        _write_json(self.path / LEXICON, self.lexicon)
        _write_json(self.path / MANIFEST, {"format": INDEX_FORMAT, "analyzer": self.analyzer, "engine": self.engine,
                                           "docs": self.docs})

    # ---- writing ---------------------------------------------------------------------------------
    def update(self, add: Iterable[tuple[str, str, Document]], delete: Iterable[str] = (),
               expected: int | None = None) -> int:
        """Delete ``delete`` doc ids and (re)add ``add`` (doc_id, sha, Document) in one writer; entries written.

        ``expected``: how many documents ``add`` yields when it is not a list (it picks one writer process
        or several: see :func:`writer_procs`).
        """
        if self.sql is not None:
            return self._update_sql(add, delete)
        from whoosh.index import LockError as WhooshLockError

        n = 0
        n_docs = len(add) if isinstance(add, Sized) else expected or 0
        lexicon = self.lexicon
        self._fuzzy = None
        try:
            writer = self._writer(n_docs)
        except WhooshLockError:
            raise StoreError("search index is locked by another perfkg process; try again",
                             file=str(self.path or "")) from None
        try:
            for doc_id in delete:
                writer.delete_by_term("doc_id", doc_id)
                self.docs.pop(doc_id, None)
                lexicon.pop(doc_id, None)
            for doc_id, sha, doc in add:
                if doc_id in self.docs:
                    writer.delete_by_term("doc_id", doc_id)
                entries = document_entries(doc_id, doc)
                for e in entries:
                    writer.add_document(**e)
                n += len(entries)
                self.docs[doc_id] = sha
                lexicon[doc_id] = lexicon_items(entries)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.close()
        self.save_meta()
        return n

    def _update_sql(self, add: Iterable[tuple[str, str, Document]], delete: Iterable[str]) -> int:
        """:meth:`update` for the sqlite engine: one transaction, each document tokenized as it comes (never
        all of them in memory at once)."""
        assert self.sql is not None
        lexicon = self.lexicon
        self._fuzzy = None
        gone = list(delete)
        for doc_id in gone:
            self.docs.pop(doc_id, None)
            lexicon.pop(doc_id, None)

        def entries() -> Iterator[tuple[str, Any]]:
            for doc_id, sha, doc in add:
                self.docs[doc_id] = sha
                if isinstance(doc, Prepared):  # made while ingesting (prepare_entries), with this analyzer
                    lexicon[doc_id] = doc.lexicon
                    yield doc_id, doc.rows
                else:
                    es = document_entries(doc_id, doc)
                    lexicon[doc_id] = lexicon_items(es)
                    yield doc_id, es

        try:
            n = self.sql.write(gone, entries())
        except sqlite3.OperationalError as e:
            raise StoreError(f"search index cannot be written ({e}); try again", file=str(self.path or "")) from None
        self.save_meta()
        return n

    def _writer(self, n_docs: int) -> SegmentWriter:
        from index.writer import LeanMpWriter, segment_writer  # multiprocessing etc.: not for a search

        procs = writer_procs(n_docs) if self.path is not None else 1  # workers cannot share a RamStorage
        if procs > 1:
            return LeanMpWriter(self.ix, procs, WRITER_MEMORY_MB)
        return segment_writer(self.ix, WRITER_MEMORY_MB)

    def entry_count(self) -> int:
        if self.sql is not None:
            return self.sql.entry_count()
        assert self.ix is not None
        return self.ix.doc_count()


def writer_procs(n_docs: int) -> int:
    """Writer processes for a batch of ``n_docs`` documents: one for small batches (a worker costs a fork
    and leaves one more segment to search), else one per core up to :data:`MAX_WRITER_PROCS`;
    ``PERFKG_INDEX_PROCS`` overrides."""
    env = os.environ.get("PERFKG_INDEX_PROCS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if n_docs < PARALLEL_MIN_DOCS:
        return 1
    return max(1, min(MAX_WRITER_PROCS, os.cpu_count() or 1))


def index_dir(store_path: Path) -> Path:
    return Path(store_path) / INDEX_DIRNAME


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of the index at ``path`` if it is there and of this format, else None."""
    m = _read_json(path / MANIFEST)
    if not isinstance(m, dict) or m.get("format") != INDEX_FORMAT or m.get("analyzer") not in ANALYZERS:
        return None
    if not isinstance(m.get("docs"), dict):
        return None
    return m


def _engine_for(path: Path, engine: str | None) -> tuple[str, bool]:
    """(the engine to write with, whether it was asked for): ``engine`` or $PERFKG_ENGINE when given, else
    the existing index's, else :data:`DEFAULT_ENGINE`."""
    if engine or os.environ.get("PERFKG_ENGINE"):
        return engine_choice(engine), True
    m = read_manifest(path)
    return (m.get("engine", "whoosh") if m else engine_choice()), False


# -- entries made while ingesting (index.feed) ---------------------------------------------------------
@dataclass
class Prepared:
    """What the sqlite engine writes for a document (:data:`index.sqlite_engine.DocRows`) and its lexicon items."""

    rows: Any
    lexicon: list[list[str]]


def _read_json(p: Path) -> Any:
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(p: Path, data: Any) -> None:
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, p)
