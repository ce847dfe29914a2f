"""Fast whoosh writers for :meth:`index.build.SearchIndex.update` (whoosh 2.7.4).

- :func:`lean_codec`: the default codec without per-block field-length statistics. Those feed whoosh's
  own BM25 block-skipping, which :mod:`index.query` does not use (it reads postings directly); computing
  them costs a column lookup per posting at commit.
- :class:`ChunkedPool`: whoosh's posting pool spills sorted runs with one ``pickle.dump`` per posting;
  this one writes them in marshal chunks (same postings, same order).
- :class:`LeanMpWriter`: ``ix.writer(procs=N, multisegment=True)`` with the two above in every worker,
  workers that cannot outlive the writer (daemon processes, terminated on cancel, and they quit when
  their parent dies), one new segment per worker.
"""

from __future__ import annotations

import marshal
import os
import queue
import struct
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool, SegmentWriter

RUN_CHUNK = 20_000  # postings per marshal record of a spilled run
PARENT_POLL_S = 1.0  # how often an idle worker checks that its parent is alive
ENTRIES_PER_JOB = 250  # index entries a worker takes per job
_LEN = struct.Struct("<Q")  # byte length of one marshal chunk


def lean_codec() -> W3Codec:
    codec = W3Codec()
    codec.length_stats = False  # an instance attribute: the pickled segments name only W3Codec
    return codec


class ChunkedPool(PostingPool):
    """:class:`whoosh.writing.PostingPool` whose runs are marshal chunks instead of one pickle per posting."""

    def _write_run(self, f: Any, items: Iterable[tuple]) -> None:
        it = iter(items)
        while chunk := list(islice(it, RUN_CHUNK)):
            data = marshal.dumps(chunk)
            f.write(_LEN.pack(len(data)))
            f.write(data)
        f.close()

    def _read_run(self, path: str) -> Iterator[tuple]:
        f = self._open_run(path)
        try:
            while head := f.read(_LEN.size):  # marshal.load(f) reads item by item: 10x slower
                yield from marshal.loads(f.read(_LEN.unpack(head)[0]))
        finally:
            f.close()
            self._remove_run(path)


def use_chunked_pool(writer: SegmentWriter, limitmb: int) -> SegmentWriter:
    writer.pool = ChunkedPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


def segment_writer(ix: Index, limitmb: int) -> SegmentWriter:
    """One-process writer (holds the index lock; raises whoosh's LockError when another writer does)."""
    return use_chunked_pool(SegmentWriter(ix, limitmb=limitmb, codec=lean_codec()), limitmb)


class _Worker(SubWriterTask):
    """A whoosh sub-writer process: chunked pool, own segment, quits if orphaned."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.daemon = True

    def run(self) -> None:
        parent = os.getppid()
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = use_chunked_pool(SegmentWriter(ix, _lk=False, **self.kwargs),
                                                self.kwargs.get("limitmb", 128))
        while True:
            try:
                job = self.jobqueue.get(timeout=PARENT_POLL_S)
            except queue.Empty:
                if os.getppid() != parent:  # the ingest was killed: leave no orphan behind
                    writer.cancel()
                    return
                continue
            if job is None:
                break
            self._process_file(*job)
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        self.resultqueue.put((None, fieldnames, segment), timeout=5)


class LeanMpWriter(MpWriter):
    """``procs`` worker processes, each writing its own segment (whoosh ``multisegment=True``)."""

    def __init__(self, ix: Index, procs: int, limitmb: int):
        super().__init__(ix, procs=procs, batchsize=ENTRIES_PER_JOB, multisegment=True, limitmb=limitmb,
                         codec=lean_codec())

    def _new_task(self) -> SubWriterTask:
        task = _Worker(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        for task in self.tasks:  # whoosh's cancel only flags its own copy of the task object
            task.terminate()
        for task in self.tasks:
            task.join()
        SegmentWriter.cancel(self)
