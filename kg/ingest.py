"""Ingest files into the store: discover → hash → extract (pure, per file, parallelizable) → one writer.

A file whose content hash equals the stored one for the same doc_id (its resolved absolute path) is
skipped without parsing. A file that fails to read or parse is reported with its one-line reason and
leaves the store untouched; the batch goes on. Extraction may run in worker processes (``jobs > 1``);
all writes happen in the calling process, one transaction per document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError, PerfkgError
from kg.extract import extract_file
from kg.model import Document
from kg.reading import sha256_bytes
from kg.store import Store

# Source files whose content decides what extraction produces (fingerprinted, see extractor_fingerprint).
EXTRACTOR_MODULES = ("extract.py", "reading.py", "normalize.py", "model.py", "layouts")
# Work items per worker process when extracting in parallel (bigger chunks, less inter-process chatter).
CHUNKS_PER_WORKER = 4
# Files taken from a folder (explicitly named files are always taken, whatever their suffix).
FOLDER_SUFFIXES = (".txt",)

Extractor = Callable[[Path], Document]
Progress = Callable[["FileResult"], None]


@dataclass
class FileResult:
    """What happened to one file: status ok / unchanged / failed, with the reason of a failure."""

    doc_id: str
    status: str
    records: int = 0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "status": self.status, "records": self.records, "reason": self.reason}


@dataclass
class IngestReport:
    """The batch summary; ``to_dict`` keys are the ``perfkg ingest --json`` output."""

    store: str
    files: list[FileResult] = field(default_factory=list)

    def _n(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def records_written(self) -> int:
        return sum(f.records for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "documents_ok": self._n("ok"), "documents_unchanged": self._n("unchanged"),
                "documents_failed": self._n("failed"), "records_written": self.records_written,
                "files": [f.to_dict() for f in self.files]}


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus files under folders (recursively, :data:`FOLDER_SUFFIXES`, no hidden ones), sorted, unique."""
    found: dict[str, Path] = {}
    for p in paths:
        p = Path(p).expanduser()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and f.suffix.lower() in FOLDER_SUFFIXES and not any(x.startswith(".") for x in rel):
                    found.setdefault(doc_id_of(f), f)
        elif p.exists():
            found.setdefault(doc_id_of(p), p)
        else:
            raise InputError("no such file or folder", str(p))
    return [found[k] for k in sorted(found)]


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
    """A document's id in the store: its resolved absolute path."""
    return str(Path(path).resolve())


@dataclass
class _Extracted:
    doc_id: str
    sha256: str
    doc: Document | None
    reason: str | None


def extract_one(path: Path, sha256: str, extractor: Extractor = extract_file) -> _Extracted:
    """The pure per-file step: a Document or a one-line reason. Safe to run in a worker process."""
    doc_id = doc_id_of(path)
    try:
        return _Extracted(doc_id, sha256, extractor(path), None)
    except PerfkgError as e:
        return _Extracted(doc_id, sha256, None, e.one_line())
    except Exception as e:  # a parser bug must not stop the batch; it is reported as this file's failure
        return _Extracted(doc_id, sha256, None, f"{path}: internal error in the parser: {type(e).__name__}: {e}")


def _hash(path: Path) -> tuple[str | None, str | None]:
    try:
        return sha256_bytes(path.read_bytes()), None
    except OSError as e:
        return None, f"{path}: cannot read file ({e.strerror or e})"


def _extracted(todo: list[tuple[Path, str]], jobs: int, extractor: Extractor) -> Iterator[_Extracted]:
    if jobs <= 1 or len(todo) <= 1:
        for path, digest in todo:
            yield extract_one(path, digest, extractor)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(todo) // (jobs * CHUNKS_PER_WORKER))
        yield from pool.map(extract_one, [t[0] for t in todo], [t[1] for t in todo], [extractor] * len(todo),
                            chunksize=chunk)


def ingest_paths(store: Store, paths: Iterable[Path], *, jobs: int = 1, extractor: Extractor = extract_file,
                 progress: Progress | None = None, force: bool = False) -> IngestReport:
    """Ingest files and folders into ``store``; one transaction per document, failures reported, never raised.

    A file is unchanged (skipped) when its sha256 and the parser fingerprint both equal the stored ones
    (the fingerprint only for the default extractor); ``force`` re-extracts every file.
    """
    files = discover(paths)
    known = store.doc_hashes()
    fingerprint = extractor_fingerprint() if extractor is extract_file else None
    made_by = store.doc_extractors()
    report = IngestReport(store=str(store.path))

    def done(res: FileResult) -> None:
        report.files.append(res)
        if progress:
            progress(res)

    todo: list[tuple[Path, str]] = []
    for f in files:
        digest, reason = _hash(f)
        doc_id = doc_id_of(f)
        if digest is None:
            done(FileResult(doc_id, "failed", reason=reason))
        elif not force and known.get(doc_id) == digest and made_by.get(doc_id) == fingerprint:
            done(FileResult(doc_id, "unchanged"))
        else:
            todo.append((f, digest))
    for ex in _extracted(todo, jobs, extractor):
        if ex.doc is None:
            done(FileResult(ex.doc_id, "failed", reason=ex.reason))
            continue
        try:
            n = store.put_document(ex.doc_id, ex.doc, ex.sha256, fingerprint)
        except PerfkgError as e:
            done(FileResult(ex.doc_id, "failed", reason=e.one_line()))
            continue
        done(FileResult(ex.doc_id, "ok", records=n))
    report.files.sort(key=lambda r: r.doc_id)
    return report


def count_files(paths: Iterable[Path]) -> int:
    """How many files an ingest of ``paths`` will look at (for a progress bar's total)."""
    return len(discover(paths))
