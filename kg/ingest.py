"""Ingest files into the store: discover → read + hash + extract (per file, in worker processes) → one writer.

A document is its content (:mod:`kg.identity`): its doc_id is the sha256 of its bytes, and the store lists
the paths it was seen at. A file whose content hash equals the one stored for its path, parsed by the same
parser code, is skipped without parsing; the same content under another path or name (a copy, a moved
folder) is parsed but not stored twice: the path is added to its locations (status ``unchanged``). A file that fails to read or parse is reported with its
one-line reason (and, for ``--debug``, its traceback) and leaves the store untouched; the batch goes on.
Each file is read once, in the worker that parses it. Extraction runs in ``jobs`` worker processes (by
default every core once the batch is big enough to pay for the pool); all writes happen in the calling
process, one transaction per document, in doc_id order — the same store whatever ``jobs`` is. The workers
also turn each Document into the store's rows (and, given ``prepare``, the search index's entries), so the
writer only executes them (issue 16); a batch at least as large as the store is loaded without the store's
lookup indexes, which are built once at the end.

Statuses of a :class:`FileResult`: ``ok`` (stored), ``unchanged`` (already stored, not parsed), ``failed``
(bad input or parser error; nothing written for it) and ``skipped`` (found in a folder but not a document
by its suffix; named explicitly it would have been read).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError, PerfkgError, UnknownLayoutError
from kg.extract import extract_file, extract_source
from kg.identity import content_id
from kg.ingest_pool import MIN_FILES_PER_WORKER as MIN_FILES_PER_WORKER  # re-exported (tests, callers)
from kg.ingest_pool import default_jobs, pooled, restore_beside
from kg.ingest_pool import relaxed_gc as relaxed_gc
from kg.model import Document
from kg.reading import sha256_bytes, source_from_bytes
from kg.store import PreparedRows, Store, prepare_rows

# Source files whose content decides what extraction produces (fingerprinted, see extractor_fingerprint).
EXTRACTOR_MODULES = ("extract.py", "reading.py", "normalize.py", "model.py", "layouts", "native", "cells", "forms")
# Files taken from a folder (explicitly named files are always taken, whatever their suffix); a file in a folder
# with another suffix is taken when its content is a native format (a PDF saved as .bin), else skipped with
# the reason its content gives (an old-format .wps: convert it to .docx; an image: run OCR first).
FOLDER_SUFFIXES = (".txt", ".pdf", ".xlsx", ".xlsm", ".xls", ".docx", ".doc", ".html", ".htm", ".mht", ".mhtml",
                   ".csv")
# Bytes read to tell a file's format by content (OLE2 stream names sit in the first sectors).
SNIFF_BYTES = 1 << 20
# A disclosure as text is tens of kilobytes; anything above this is not one (and would eat memory).
MAX_FILE_BYTES = 64 * 1024 * 1024

# Added to "unknown layout" when the bytes were not UTF-8: the likeliest cause is another encoding.
ENCODING_HINT = " (read as {}; a file in another encoding, e.g. Big5 or Latin-1, must be converted to UTF-8 first)"
UTF8_NAMES = ("", "utf-8", "utf-8-sig")

Extractor = Callable[[Path], Document]
Prepare = Callable[[str, str, Document], Any]
Progress = Callable[["FileResult"], None]
STATUSES = ("ok", "unchanged", "failed", "skipped")


@dataclass
class FileResult:
    """What happened to one file (see the module doc for statuses), with the reason of a failure or skip."""

    doc_id: str  # the content id (kg.identity); the path when the file was not read or failed
    status: str
    records: int = 0
    reason: str | None = None
    detail: str | None = None  # traceback of a failure, shown by ``--debug``; not part of to_dict
    path: str | None = None  # the file's resolved path (None: doc_id is the path)

    @property
    def where(self) -> str:
        return self.path or self.doc_id

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "path": self.where, "status": self.status, "records": self.records,
                "reason": self.reason}


@dataclass
class IngestReport:
    """The batch summary; ``to_dict`` keys are the ``perfkg ingest --json`` output.

    ``seconds``: ``read_parse_cpu`` is CPU time summed over the workers, ``store_cpu`` the writer's CPU time,
    ``wall`` the elapsed time of the whole batch (CPU figures do not depend on what else the machine runs)."""

    store: str
    files: list[FileResult] = field(default_factory=list)
    jobs: int = 1
    seconds: dict[str, float] = field(default_factory=lambda: {"read_parse_cpu": 0.0, "store_cpu": 0.0, "wall": 0.0})

    def _n(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def records_written(self) -> int:
        return sum(f.records for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "documents_ok": self._n("ok"), "documents_unchanged": self._n("unchanged"),
                "documents_failed": self._n("failed"), "documents_skipped": self._n("skipped"),
                "records_written": self.records_written, "jobs": self.jobs,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "files": [f.to_dict() for f in self.files]}


# -- discovery ---------------------------------------------------------------------------------------
@dataclass
class Discovery:
    """Files to read, in doc_id order, and what was found but will not be read (skipped / failed results)."""

    files: list[Path] = field(default_factory=list)
    problems: list[FileResult] = field(default_factory=list)


def scan(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Discovery:
    """Files named, plus files under folders (recursively, :data:`FOLDER_SUFFIXES`, no hidden ones).

    A named path that does not exist raises :class:`InputError` (nothing is done); paths and folders that
    cannot be accessed or listed become ``failed`` results; other files found in folders become ``skipped``
    results. Folders in ``exclude`` (the store itself, when it sits among the documents) are not entered."""
    skip = {doc_id_of(x) for x in exclude}
    found: dict[str, Path] = {}
    problems: dict[str, FileResult] = {}
    for p in paths:
        p = Path(p).expanduser()
        try:
            is_dir = stat.S_ISDIR(p.stat().st_mode)
        except FileNotFoundError:
            if not p.is_symlink():
                raise InputError("no such file or folder", str(p)) from None
            is_dir = False  # a dangling link: reading it reports the failure
        except OSError as e:
            problems[doc_id_of(p)] = FileResult(doc_id_of(p), "failed", reason=f"{p}: cannot access "
                                                f"({e.strerror or e})")
            continue
        if is_dir:
            _walk(p, found, problems, skip)
        else:
            found.setdefault(doc_id_of(p), p)
    for k in found:
        problems.pop(k, None)
    return Discovery([found[k] for k in sorted(found)], [problems[k] for k in sorted(problems)])


def _walk(root: Path, found: dict[str, Path], problems: dict[str, FileResult], skip: set[str]) -> None:
    def unreadable(e: OSError) -> None:
        where = e.filename or str(root)
        problems[doc_id_of(Path(where))] = FileResult(doc_id_of(Path(where)), "failed",
                                                      reason=f"{where}: cannot list folder ({e.strerror or e})")

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        if doc_id_of(Path(folder)) in skip:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            f = Path(folder) / name
            reason = None if f.suffix.lower() in FOLDER_SUFFIXES else skip_reason(f)
            if reason is None:
                found.setdefault(doc_id_of(f), f)  # reading reports one that is not a regular file
            else:
                problems.setdefault(doc_id_of(f), FileResult(doc_id_of(f), "skipped", reason=reason))


def skip_reason(f: Path) -> str | None:
    """Why a folder's file with an unlisted suffix is not read (None: its content is a native format, read it)."""
    from kg.native.detect import detect_format

    try:
        with open(f, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
            if head.startswith(b"PK"):  # a zip's member list is at its end
                head += fh.read(MAX_FILE_BYTES)
        if detect_format(head, str(f)) not in ("text", "csv"):
            return None
    except InputError as e:
        return e.one_line()
    except OSError:
        pass
    return (f"{f}: not a {'/'.join(FOLDER_SUFFIXES)} file (name it on the command line to ingest it "
            "anyway)")


def discover(paths: Iterable[Path]) -> list[Path]:
    """The files :func:`scan` would read, sorted by doc_id, unique."""
    return scan(paths).files


def count_files(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> int:
    """How many results an ingest of ``paths`` will report (for a progress bar's total)."""
    d = scan(paths, exclude)
    return len(d.files) + len(d.problems)


def extractor_fingerprint() -> str:
    """sha256 over the parser source code: stored with each document, so a changed parser re-extracts it."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in EXTRACTOR_MODULES:
        p = root / name
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            if f.is_file():
                h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def doc_id_of(path: Path) -> str:
    """A file's key while discovering and its location in the store: its resolved absolute path (the
    document's id is its content's, :func:`kg.identity.content_id`)."""
    return str(Path(path).resolve())


# -- the per-file step (runs in a worker) ------------------------------------------------------------
@dataclass
class _Extracted:
    doc_id: str
    sha256: str | None
    doc: Document | None
    reason: str | None
    detail: str | None = None
    seconds: float = 0.0
    unchanged: bool = False
    path: str = ""
    rows: PreparedRows | None = None  # the store rows, made in the worker (then doc is None)
    payload: Any = None  # what the job's ``prepare`` made of the document (the search index's entries)

    @property
    def ok(self) -> bool:
        return self.sha256 is not None and (self.doc is not None or self.rows is not None)


@dataclass(frozen=True)
class _Job:
    path: Path
    known_sha: str | None  # skip the file when its hash equals this (None: always extract)
    extractor: Extractor | None  # None: the built-in extractor, fed the bytes already read
    rows: bool = False  # make the store rows (kg.store.prepare_rows) in the worker instead of sending the Document
    fingerprint: str | None = None  # the extractor fingerprint those rows carry
    prepare: Prepare | None = None  # also make this of (doc_id, sha256, Document) in the worker


def read_bytes(path: Path) -> bytes:
    """A file's bytes; :class:`InputError` naming it when it cannot be read or is not a plausible document."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise InputError("not a regular file", str(path))
        if st.st_size > MAX_FILE_BYTES:
            raise InputError(f"too large for a disclosure ({st.st_size // 2**20} MB > "
                             f"{MAX_FILE_BYTES // 2**20} MB)", str(path))
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read file ({e.strerror or e})", str(path)) from None


def extract_one(path: Path, extractor: Extractor = extract_file) -> _Extracted:
    """Read (once), hash and extract one file: a Document or a one-line reason. Never raises."""
    return _run_job(_Job(path, None, None if extractor is extract_file else extractor))


def _run_job(job: _Job) -> _Extracted:
    t0 = time.process_time()
    doc_id = path = doc_id_of(job.path)
    sha: str | None = None
    encoding = ""
    try:
        data = read_bytes(job.path)
        sha = sha256_bytes(data)
        doc_id = content_id(sha)
        if job.known_sha is not None and sha == job.known_sha:
            return _Extracted(doc_id, sha, None, None, seconds=time.process_time() - t0, unchanged=True, path=path)
        if job.extractor is None:
            src = source_from_bytes(data, str(job.path))
            encoding = src.encoding if src.format == "text" else ""  # the hint is about text encodings
            doc = extract_source(src)
        else:
            doc = job.extractor(job.path)
        payload = job.prepare(doc_id, sha, doc) if job.prepare is not None else None
        if job.rows:
            rows = prepare_rows(doc_id, doc, sha, job.fingerprint)
            return _Extracted(doc_id, sha, None, None, seconds=time.process_time() - t0, path=path, rows=rows,
                              payload=payload)
        return _Extracted(doc_id, sha, doc, None, seconds=time.process_time() - t0, path=path, payload=payload)
    except UnknownLayoutError as e:
        reason = e.one_line() + (ENCODING_HINT.format(encoding) if encoding not in UTF8_NAMES else "")
        detail = traceback.format_exc()
    except PerfkgError as e:
        reason, detail = e.one_line(), traceback.format_exc()
    except Exception as e:  # a parser bug must not stop the batch; it is reported as this file's failure
        reason = f"{job.path}: internal error in the parser: {type(e).__name__}: {e}"
        detail = traceback.format_exc()
    return _Extracted(path, sha, None, reason, detail, time.process_time() - t0, path=path)


def _run_chunk(jobs: list[_Job]) -> list[_Extracted]:
    return [_run_job(j) for j in jobs]


def _extracted(todo: list[_Job], jobs: int) -> Iterator[_Extracted]:
    """Results in the order of ``todo`` (so writes are deterministic), from ``jobs`` worker processes."""
    return pooled(todo, jobs, _run_chunk, _run_job)


# -- the batch (one writer) --------------------------------------------------------------------------
def ingest_paths(store: Store, paths: Iterable[Path], *, jobs: int | None = None,
                 extractor: Extractor = extract_file, progress: Progress | None = None,
                 force: bool = False, executor: Any = None, prepare: Prepare | None = None,
                 on_stored: Callable[[str, str, Any], None] | None = None,
                 beside: Callable[[IngestReport], Any] | None = None) -> IngestReport:
    """Ingest files and folders into ``store``; one transaction per document, failures reported, never raised.

    ``prepare`` (picklable) runs in the worker on each extracted (doc_id, sha256, Document); ``on_stored`` gets
    (doc_id, sha256, what ``prepare`` made) in this process once the document is stored (the search index is
    fed this way without loading the documents back). The store rows are made in the workers too when the store
    takes them (:attr:`kg.store.Store.takes_rows`), so the Document itself never travels back.

    ``executor`` (e.g. :class:`kg.ingest_dask.DaskExecutor`) parses elsewhere: its ``run(jobs)`` yields the
    results in completion order and ``workers`` is reported as ``jobs``; None parses in the local pool.

    A file is unchanged (skipped) when its sha256 and the parser fingerprint both equal the stored ones
    (the fingerprint only for the default extractor); ``force`` re-extracts every file. ``jobs=None``
    picks :func:`default_jobs`. Raises only :class:`InputError` for a named path that does not exist.

    ``beside`` runs once every document is written (the CLI syncs the search index there), while the store's
    lookup indexes, when the batch deferred them, are built in a thread (:func:`kg.ingest_pool.restore_beside`);
    the report's ``wall`` includes it.
    """
    t_start = time.perf_counter()
    found = scan(paths, exclude=[store.path])
    fingerprint = extractor_fingerprint() if extractor is extract_file else None
    known = {} if force else {p: sha for p, (sha, ex) in store.known_paths().items() if ex == fingerprint}
    current = set() if force else {d for d, ex in store.doc_extractors().items() if ex == fingerprint}
    custom = None if extractor is extract_file else extractor
    rows = executor is None and getattr(store, "takes_rows", False)
    todo = [_Job(f, known.get(doc_id_of(f)) if known else None, custom, rows, fingerprint, prepare)
            for f in found.files]  # a fresh store knows no path: no second resolve of each file
    n_jobs = executor.workers if executor is not None else jobs if jobs is not None else default_jobs(len(todo))
    report = IngestReport(store=getattr(store, "location", str(store.path)), jobs=n_jobs)

    def done(res: FileResult) -> None:
        report.files.append(res)
        if progress:
            progress(res)

    for problem in found.problems:
        done(problem)
    defer = getattr(store, "defer_lookup_indexes", None)
    deferred = defer is not None and defer(sum(1 for j in todo if j.known_sha is None))
    completed = False
    try:
        for ex in executor.run(todo) if executor is not None else _extracted(todo, n_jobs):
            report.seconds["read_parse_cpu"] += ex.seconds
            if not ex.unchanged and not ex.ok or ex.sha256 is None:
                done(FileResult(ex.doc_id, "failed", reason=ex.reason, detail=ex.detail))
            elif ex.unchanged or ex.doc_id in current:  # the same content seen before (here or at another path)
                store.add_location(ex.doc_id, ex.path)
                done(FileResult(ex.doc_id, "unchanged", path=ex.path))
            else:
                res = _write(store, ex, fingerprint, report.seconds)
                if res.status == "ok":
                    current.add(ex.doc_id)
                    if ex.rows is None:  # else recorded with the document (one transaction)
                        store.add_location(ex.doc_id, ex.path)
                    if on_stored is not None:
                        on_stored(ex.doc_id, ex.sha256, ex.payload)
                done(res)
        completed = True
    finally:
        if deferred and not completed:  # an error or Ctrl-C: the indexes are back before it propagates
            store.restore_lookup_indexes()
    report.files.sort(key=lambda r: r.where)
    wait = restore_beside(store) if deferred else None
    try:
        if beside is not None:
            beside(report)
    finally:
        if wait is not None:
            report.seconds["store_cpu"] += wait()
        report.seconds["wall"] = time.perf_counter() - t_start
    return report


def _write(store: Store, ex: _Extracted, fingerprint: str | None, seconds: dict[str, float]) -> FileResult:
    assert ex.ok and ex.sha256 is not None
    t0 = time.process_time()
    try:
        if ex.rows is not None:
            n = store.put_document(ex.doc_id, None, ex.sha256, fingerprint, rows=ex.rows, location=ex.path)
        else:
            n = store.put_document(ex.doc_id, ex.doc, ex.sha256, fingerprint)
    except PerfkgError as e:
        return FileResult(ex.path, "failed", reason=f"{ex.path}: {e.message}", detail=traceback.format_exc())
    finally:
        seconds["store_cpu"] += time.process_time() - t0
    return FileResult(ex.doc_id, "ok", records=n, path=ex.path)
