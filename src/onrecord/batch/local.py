"""The local engine: every core of one machine, articles streamed through worker processes.

The main process reads the inputs one record at a time and feeds them to a pool of workers
(each loads the spaCy pipeline once); a semaphore bounds the records in flight, so memory
stays flat however large the input. Results come back in input order and are written as
row groups of the current shard's part files; a ``ShardEnd`` in the stream commits the shard.
"""
from __future__ import annotations

import multiprocessing
import threading
from typing import Iterable, Iterator

from .inputs import Failure, Shard, ShardEnd, iter_shard
from .layout import Layout
from .progress import Tracker
from ..errors import ModelError
from .worker import READY_TIMEOUT, Result, init_worker, process

#: Records per task sent to a worker. An article takes ~0.1 s, so four per task make the
#: cost of sending negligible while keeping the head of the ordered stream short.
CHUNK = 4
#: Records in flight per worker (read but not yet written): enough to keep each worker busy
#: while the main process writes, few enough that memory does not grow with the input.
IN_FLIGHT_PER_WORKER = 4 * CHUNK


def run_local(shards: list[Shard], layout: Layout, tracker: Tracker, *, workers: int = 1,
              model: str | None = None, embedder: str | None = None,
              vectors: tuple[str, int] | None = None) -> None:
    """Analyse every shard with ``workers`` processes (1: in this process) and commit each;
    ``embedder`` (its short name) embeds the statements into a vectors table of ``vectors``
    (the embedder's full name and dimension)."""
    if workers <= 1:
        init_worker(model, None, embedder)
        tracker.ready()
        _write(map(process, _stream(shards)), shards, layout, tracker, vectors)
        return
    throttle = Throttle(workers * IN_FLIGHT_PER_WORKER)
    ctx = _context()
    ready = ctx.Barrier(workers + 1)
    with ctx.Pool(workers, initializer=init_worker, initargs=(model, ready, embedder)) as pool:
        try:
            results = pool.imap(process, throttle.feed(_stream(shards)), chunksize=CHUNK)
            _await_workers(ready, tracker)
            _write(throttle.drain(results), shards, layout, tracker, vectors)
        finally:
            throttle.stop()  # unblock the pool's feeding thread, or terminating it hangs


def _await_workers(ready, tracker: Tracker) -> None:
    """Wait until every worker has loaded its pipeline; ModelError if they never do."""
    try:
        ready.wait(READY_TIMEOUT)
    except threading.BrokenBarrierError:
        raise ModelError(f"the worker processes did not load the spaCy pipeline within "
                         f"{READY_TIMEOUT:.0f} s") from None
    tracker.ready()


def _context():
    """Worker processes from a fresh server with spaCy already imported (about 2 s faster per
    start than spawn), never forked from this process, whose threads (rich, Arrow) could hold
    a lock at the moment of the fork."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["onrecord.batch.worker", "onrecord.pipeline.nlp", "onrecord.engine"])
    return ctx


def _stream(shards: list[Shard]) -> Iterator:
    """Every record of every shard, each shard followed by its ShardEnd."""
    for shard in shards:
        yield from iter_shard(shard)
        yield ShardEnd(shard)


class Throttle:
    """Bounds the records read but not yet written: reading waits while ``size`` are in flight."""

    #: Seconds between checks for ``stop`` while reading waits (only matters on interrupt).
    POLL = 0.2

    def __init__(self, size: int):
        self.places = threading.Semaphore(size)
        self.stopped = threading.Event()

    def feed(self, units: Iterable) -> Iterator:
        """Yield units (in the pool's feeding thread), each once a place is free."""
        for unit in units:
            while not self.places.acquire(timeout=self.POLL):
                if self.stopped.is_set():
                    return
            yield unit

    def drain(self, results: Iterable) -> Iterator:
        """Pass results on, freeing one place for each."""
        for result in results:
            self.places.release()
            yield result

    def stop(self) -> None:
        """Stop feeding (on completion or interrupt)."""
        self.stopped.set()


def _write(results: Iterable, shards: list[Shard], layout: Layout, tracker: Tracker,
           vectors: tuple[str, int] | None = None) -> None:
    """Write results into their shard's parts as they arrive; commit at each ShardEnd.

    Results come in input order, so the open shard is always the next of ``shards``.
    """
    from .parquet import ShardWriter

    pending = iter(shards)
    writer = None
    try:
        for res in results:
            if writer is None:
                shard = next(pending)
                writer = ShardWriter(layout, shard.id, list(shard.paths), vectors)
            if isinstance(res, ShardEnd):
                writer.commit()
                writer = None
            else:
                _add(writer, res, tracker)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise


def _add(writer, res, tracker: Tracker) -> None:
    if isinstance(res, Result):
        writer.add(res.batches, res.tokens, res.vectors)
        tracker.article(res.tokens, res.cpu)
    elif isinstance(res, Failure):
        writer.fail(res.to_dict())
        tracker.failure()
