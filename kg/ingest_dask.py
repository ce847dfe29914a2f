"""Parsing on a Dask cluster (``perfkg ingest PATH… --dask tcp://host:8786``): the one writer stays here.

This process scans, reads and hashes each file (a file whose hash and parser are unchanged is never sent),
sends its **bytes** — never its path: the workers may be other machines — to the cluster, and takes the parsed
documents back in completion order, writing each in its own transaction (:func:`kg.ingest.ingest_paths`). At
most :data:`WINDOW_PER_WORKER` files per worker are in flight, so memory stays bounded however many files there
are. A document whose worker dies is resubmitted (Dask reschedules it itself; one that keeps failing —
``KilledWorker`` — is resubmitted here up to :data:`RESUBMITS` times, then reported failed). The workers must run
the same parser code: their extractor fingerprints are compared with this one's before anything is sent.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from kg.errors import InputError, PerfkgError, UnknownLayoutError
from kg.identity import content_id
from kg.ingest import ENCODING_HINT, UTF8_NAMES, _Extracted, _Job, doc_id_of, extractor_fingerprint, read_bytes
from kg.model import Document
from kg.reading import sha256_bytes

WINDOW_PER_WORKER = 8  # files in flight per worker (each one's bytes are held here until its result is back)
RESUBMITS = 3  # times a document is resubmitted after its task failed for a lost worker
CONNECT_TIMEOUT_S = 20  # seconds to reach the scheduler

Parse = Callable[[str, bytes], Document]


def parse_bytes(name: str, data: bytes) -> Document:
    """The built-in extractor on a file's bytes (``name`` is only its label in provenance and messages)."""
    from kg.extract import extract_source
    from kg.reading import source_from_bytes

    return extract_source(source_from_bytes(data, name))


def parse_remote(label: str, data: bytes, sha: str, parse: Parse = parse_bytes) -> _Extracted:
    """What a worker runs: parse one file's bytes; a Document or a one-line reason (never raises). ``label`` is
    the file's name on the ingesting machine, for provenance and messages."""
    t0 = time.process_time()
    try:
        doc = parse(label, data)
        return _Extracted(content_id(sha), sha, doc, None, seconds=time.process_time() - t0, path=label)
    except UnknownLayoutError as e:
        from kg.reading import source_from_bytes

        src = source_from_bytes(data, label)
        encoding = src.encoding if src.format == "text" else ""
        reason = e.one_line() + (ENCODING_HINT.format(encoding) if encoding not in UTF8_NAMES else "")
    except PerfkgError as e:
        reason = e.one_line()
    except Exception as e:  # a parser bug must not stop the batch
        reason = f"{label}: internal error in the parser: {type(e).__name__}: {e}"
    return _Extracted(label, sha, None, reason, traceback.format_exc(), time.process_time() - t0, path=label)


class DaskExecutor:
    """Runs the parse step of an ingest on a ``distributed`` cluster (see the module doc)."""

    name = "dask"

    def __init__(self, address: Any, parse: Parse = parse_bytes):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--dask needs distributed: pip install 'perfkg[scale]'", str(address)) from None
        self.parse = parse
        self.address = address
        try:
            self.client = address if isinstance(address, Client) else Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as e:
            raise InputError(f"cannot reach the Dask scheduler ({e})", str(address)) from None
        self._own = not isinstance(address, Client)
        self._check_workers()

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def _check_workers(self) -> None:
        mine = extractor_fingerprint()
        theirs = self.client.run(extractor_fingerprint)
        if not theirs:
            raise InputError("the Dask cluster has no workers", str(self.address))
        other = sorted(w for w, fp in theirs.items() if fp != mine)
        if other:
            raise InputError(f"{len(other)} Dask worker(s) run another perfkg parser ({other[0]} …): install this "
                             "perfkg on every worker", str(self.address))

    def run(self, todo: list[_Job]) -> Iterator[_Extracted]:
        """The parse results of ``todo`` in completion order (unchanged and unreadable files at once)."""
        from distributed import as_completed

        pending = iter(todo)
        inflight: dict[Any, tuple[str, str, bytes, str, int]] = {}  # future → (where, label, bytes, sha, tries)
        done = as_completed()
        window = max(1, self.workers) * WINDOW_PER_WORKER

        def submit(where: str, label: str, data: bytes, sha: str, tries: int) -> None:
            fut = self.client.submit(parse_remote, label, data, sha, self.parse, pure=False)
            inflight[fut] = (where, label, data, sha, tries)
            done.add(fut)

        def fill() -> Iterator[_Extracted]:
            while len(inflight) < window:
                job = next(pending, None)
                if job is None:
                    return
                name = doc_id_of(job.path)
                try:
                    data = read_bytes(job.path)
                except InputError as e:
                    yield _Extracted(name, None, None, e.one_line(), traceback.format_exc(), path=name)
                    continue
                sha = sha256_bytes(data)
                if job.known_sha is not None and sha == job.known_sha:
                    yield _Extracted(content_id(sha), sha, None, None, unchanged=True, path=name)
                    continue
                submit(name, str(job.path), data, sha, 0)

        try:
            yield from fill()
            while inflight:
                fut = next(done)
                name, label, data, sha, tries = inflight.pop(fut)
                try:
                    res = fut.result()
                    res.path = name
                    if res.doc is None:
                        res.doc_id = name
                except Exception as e:  # KilledWorker, a lost connection: the worker died with this document
                    if tries < RESUBMITS:
                        submit(name, label, data, sha, tries + 1)
                        continue
                    res = _Extracted(name, sha, None, f"{name}: lost on the Dask cluster {RESUBMITS + 1} times "
                                     f"({type(e).__name__})", traceback.format_exc(), path=name)
                yield res
                yield from fill()
        finally:
            for fut in inflight:
                fut.cancel()

    def close(self) -> None:
        if self._own:
            self.client.close()
