"""Bulk ingest: finished reports (an ``onrecord batch`` output) into the store, a chunk at a time.

The per-article path (``ingest.Store.add_report``) pays, for every article, a commit, a
vector search, an HNSW insert on one thread and the judging of every claim it touched. Here
``CHUNK`` articles share one transaction, and within it:

- the statements' vectors come with the reports (the batch embedded them); only reports without
  usable vectors (another embedder, an older output) are embedded, in one call per chunk;
- the nearest stored statements of every statement of the chunk are searched in one call on
  every core, and the chunk's own earlier statements are compared exactly (one matrix product),
  so each statement sees the same neighbours as when the articles were ingested one by one;
- every article is written and linked in order by the same code as the per-article path
  (``ingest._write``), and the status of each claim the chunk touched is judged once, at the
  end of the chunk (linking reads a claim's anchor, text and size, which stay current per
  article, never its status);
- what linking reads again and again (each neighbour's claim, each claim's anchor, size,
  supporters and statements) is read once per chunk and kept in step with what the chunk
  writes (``linking.ChunkMemo``): a claim's anchor is updated from the article's new
  statements alone, and its verdict judged from the statements read already;
- after the commit the chunk's vectors are held (``VectorIndex.hold``): the next chunk searches
  the index without them and compares them exactly, then they go into the HNSW index on a worker
  thread while that chunk links (hnswlib releases the GIL while it inserts, and cannot insert
  and search at once); a save, the end of the run or any other search inserts them first.

A kill loses at most the chunk in flight (its transaction is rolled back); the index catches up
from the stored vectors on the next open, and a rerun skips what was committed (same URL or
text), so every article is stored exactly once.
"""
from __future__ import annotations

import os
import time
from typing import Callable, Iterable

import numpy as np

from . import claims as store_claims, fulltext, linking
from .db import write_lock
from .embeddings import Embedder
from .ingest import (Outcome, Prepared, Store, Summary, _prepare, _write, default_analyze,
                     embedded_texts, embedding_plan, ingest_items, store_marker)
from .sources import Item, is_batch_output, iter_items
from .sql import run_many

#: Articles per transaction. A chunk of 256 (a batch row group, ~2,500 statements) makes the
#: commit, the batched search and the HNSW insert cheap per article while a kill costs at most
#: a few seconds of work; bench/bench_store.py --parquet measured 128 / 256 / 512 within 5%.
CHUNK = 256


def ingest_paths(paths: list[str], db=None, *, embedder: Embedder | str | None = None,
                 published: str | None = None, analyze: Callable = default_analyze,
                 on_outcome: Callable[[Outcome], None] | None = None,
                 notify: Callable[[str], None] | None = None) -> Summary:
    """Ingest files, folders, JSONL, WARC and Parquet into the store at ``db``, as ``onrecord
    ingest`` does: batch output folders a chunk at a time (``takes_bulk``), anything else one
    article at a time. ``on_outcome`` is called with each outcome once it is committed."""
    with Store.open(db, embedder, notify=notify) as store:
        items = iter_items(paths, published)
        if takes_bulk(paths):
            return ingest_reports(store, items, analyze, notify=notify,
                                  on_outcome=(lambda outcome, _item: on_outcome(outcome)) if on_outcome else None)
        return ingest_items(store, items, analyze, on_outcome)


def takes_bulk(paths: list[str]) -> bool:
    """True when every path is an ``onrecord batch`` output folder: finished reports, ingested a
    chunk per transaction."""
    return bool(paths) and all(is_batch_output(p) for p in paths)


def threads() -> int:
    """Threads for the HNSW search and insert: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def ingest_reports(store: Store, items: Iterable[Item], analyze: Callable = default_analyze,
                   on_outcome: Callable[[Outcome, Item], None] | None = None,
                   notify: Callable[[str], None] | None = None, chunk: int = CHUNK) -> Summary:
    """Ingest items (finished reports, with or without their vectors) a chunk at a time.

    An item that still needs analysing goes through the per-article path. ``on_outcome`` is
    called with each outcome and its item once its chunk is committed; ``notify`` says once
    when vectors are embedded again because another embedder made them.
    """
    summary, start = Summary(), time.perf_counter()
    state = _State(notify)
    buffer: list[Item] = []

    def done(outcome: Outcome, item: Item) -> None:
        summary.count(outcome)
        if on_outcome is not None:
            on_outcome(outcome, item)

    try:
        for item in items:
            if item.error or item.report is None:
                _flush(store, buffer, state, done)
                done(store.add_item(item, analyze), item)
                continue
            buffer.append(item)
            if len(buffer) >= chunk:
                _flush(store, buffer, state, done)
        _flush(store, buffer, state, done)
    finally:
        summary.seconds = time.perf_counter() - start
        store.index.save()
    return summary


#: The most a run's linking memo may hold (statements' claims, claims' rows, anchors and
#: supporters, counted together) at the end of a chunk before it lets go of half
#: (``linking.ChunkMemo.evict``, the claims asked for longest ago first): it is kept from chunk
#: to chunk, and this bounds the memory it takes however long the run (about 1 GB at the
#: limit: 4,000 articles into a store of 40,000 took the memo to 992,000 and the process's
#: peak memory from 727 to 1,714 MB). Chosen on that store (`bench/bench_bulk.py --memo-limits`,
#: docs/store.md): at 400,000 a chunk's claims did not fit in the half kept, and every chunk
#: read 30,000-65,000 rows again (26.8 articles/s); at 1,000,000 the reads fell to 4,000-8,000
#: a chunk by the sixteenth (41.4 articles/s).
MEMO_LIMIT = 1_000_000


class _State:
    """What a run keeps from chunk to chunk: what it has said once (vectors of another embedder,
    vectors that do not fit their report), and the linking memo (``linking.ChunkMemo``) with
    the store's marker after the run's last chunk (``ingest.store_marker``)."""

    def __init__(self, notify: Callable[[str], None] | None):
        self.notify = notify
        self.said: set[str] = set()
        self.memo: linking.ChunkMemo | None = None
        self.after: tuple | None = None

    def memo_for(self, conn) -> linking.ChunkMemo:
        """The memo, kept from the last chunk when nothing but this run wrote to the store since
        (the marker is the one it left), brought under ``MEMO_LIMIT``; else a fresh one."""
        if self.memo is None or self.after != store_marker(conn):
            self.memo = linking.ChunkMemo()
        elif self.memo.size() > MEMO_LIMIT:
            self.memo.evict(MEMO_LIMIT)
        return self.memo

    def say(self, key: str, message: str) -> None:
        if self.notify is not None and key not in self.said:
            self.said.add(key)
            self.notify(message)


def _vectors(item: Item, texts: list[str], store: Store, state: _State) -> np.ndarray | None:
    """The item's stored vectors when they are the store embedder's for exactly these texts."""
    given = item.vectors
    if given is None:
        return None
    if given.embedder != store.embedder.name:
        state.say("embedder", f"{item.source}: its vectors were made by the {given.embedder or 'unknown'} embedder "
                              f"and this store uses {store.embedder.name}: embedding the statements again")
        return None
    if list(given.texts) != texts:
        state.say("texts", f"{item.source}: its vectors are not those of its statements (an output of "
                           "another onrecord version): embedding them again")
        return None
    return given.vectors if len(texts) else None


def _prepare_chunk(store: Store, items: list[Item], state: _State) -> list[Prepared]:
    """Every item's Prepared, embedding in one call only the texts without usable vectors."""
    plans = [embedding_plan(item.report) for item in items]
    found, missing = [], []
    for item, plan in zip(items, plans):
        texts = embedded_texts(item.report, plan)
        vectors = _vectors(item, texts, store, state)
        found.append(vectors)
        if vectors is None and texts:
            missing.append((len(found) - 1, texts))
    if missing:
        embedded = store.embedder.embed([t for _, texts in missing for t in texts])
        at = 0
        for k, texts in missing:
            found[k] = embedded[at:at + len(texts)]
            at += len(texts)
    return [_prepare(item.report, store.embedder, vectors=found[k] if found[k] is not None else np.empty(0),
                     plan=plans[k]) for k, item in enumerate(items)]


def _flush(store: Store, items: list[Item], state: _State, done) -> None:
    """Write the buffered items in one transaction, then add their vectors to the index."""
    if not items:
        return
    preps = _prepare_chunk(store, items, state)
    for prep in preps:  # an article without statements has no vectors
        if not prep.attrs:
            prep.vectors = None
    rows = [np.arange(0)] * len(preps)
    at = 0
    for k, prep in enumerate(preps):
        n = len(prep.attrs)
        rows[k] = np.arange(at, at + n)
        at += n
    every = np.concatenate([p.vectors for p in preps if p.vectors is not None]).astype(np.float32) \
        if at else np.empty((0, store.embedder.dim), np.float32)
    outcomes: list[Outcome] = []
    judged: set[int] = set()
    # the chunk's words go into the full-text indexes at its end, one statement per index
    with store.engine.connect().execution_options(write=True) as conn, conn.begin(), fulltext.deferred(conn):
        write_lock(conn)
        memo = state.memo_for(conn)
        state.memo = None  # kept only once this chunk commits: a rolled-back chunk's writes are not the store's
        store.catch_up(conn)
        index = store.index
        # the last chunk's statements are held out of the index (``VectorIndex.hold``): searched
        # exactly here, and inserted on the worker thread while this chunk links
        stored = index.search_many(every, linking.SEARCHED, threads=threads(), skip_held=True) if at else []
        # a response's words alone are searched the same way (linking._content_scores)
        words = [(j, v) for k, prep in enumerate(preps) for j, v in zip(rows[k], prep.content_vectors or [])
                 if v is not None]
        spoken = np.stack([v for _, v in words]).astype(np.float32) if words else None
        by_words = dict(zip((j for j, _ in words), index.search_many(spoken, linking.SEARCHED, threads=threads(),
                                                                       skip_held=True))) if words else {}
        held_ids, held = index.held()
        index.insert_held()
        compared = np.concatenate([held, every]).T  # the held and the chunk's statements, exactly
        alike = every @ compared if at else None
        before = len(held_ids)  # the chunk's own statements come after the held ones in ``alike``
        # every statement may see every held one: their best, selected once for the chunk
        # (only what may reach the tenth best of its neighbours in the index: ``_floor``)
        floor = _floor(stored) if at else None
        held_best = _best(alike[:, :before], held_ids, floor) if at else []
        spoken_alike = spoken @ compared if words else None
        words_alike = dict(zip((j for j, _ in words), spoken_alike)) if words else {}
        spoken_floor = _floor([by_words[j] for j, _ in words]) if words else None
        words_held_best = dict(zip((j for j, _ in words), _best(spoken_alike[:, :before], held_ids, spoken_floor))) \
            if words else {}
        words_floor = dict(zip((j for j, _ in words), spoken_floor)) if words else {}
        # the claims of every stored neighbour, in one query per 5,000
        memo.claims_of(conn, sorted({h for found in [*stored, *by_words.values()] for h, _ in found}))
        written = np.empty(0, np.int64)  # positions (in ``every``) of the chunk's stored statements
        written_ids = np.empty(0, np.int64)
        for k, (item, prep) in enumerate(zip(items, preps)):
            mine = rows[k]
            cols = before + written  # the chunk's earlier statements, in ``alike``'s columns
            hits = _merged([stored[j] for j in mine], [held_best[j] for j in mine],
                           _best(alike[np.ix_(mine, cols)], written_ids, floor[mine]) if len(mine) else [])
            spoke = [j for j in mine if j in by_words]
            by_content = dict(zip(spoke, _merged(
                [by_words[j] for j in spoke], [words_held_best[j] for j in spoke],
                _best(np.stack([words_alike[j][cols] for j in spoke]), written_ids,
                      np.array([words_floor[j] for j in spoke])) if spoke else [])))
            content_hits = [by_content.get(j) for j in rows[k]]
            outcome = _write(conn, store.index, item.report, prep, item.source, item.outlet,
                             hits=hits, content_hits=content_hits, judged=judged, memo=memo, bands=item.bands)
            outcomes.append(outcome)
            if outcome.status == "added" and prep.ids:
                written = np.concatenate([written, rows[k]])
                written_ids = np.concatenate([written_ids, np.asarray(prep.ids, np.int64)])
        # anchors, texts and sizes are current (memo.refresh); judging writes nothing it reads
        run_many(conn, store_claims.STORE_VERDICT,
                 [store_claims.verdict_row(claim_id, memo.verdict(conn, claim_id)) for claim_id in sorted(judged)])
        memo.end_chunk()
        after = store_marker(conn)
    state.memo, state.after = memo, after  # committed: the next chunk may go on from here
    if len(written):  # inserted while the next chunk links (or by the next save, search or add)
        store.index.hold(written_ids, every[written])
    store.committed(sum(o.status == "added" for o in outcomes), len(written_ids))
    for item, outcome in zip(items, outcomes):
        done(outcome, item)
    items.clear()


def _best(cosines: np.ndarray, ids: np.ndarray, floor: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
    """For each row of ``cosines`` (its cosines to each of ``ids``), its ``SEARCHED`` best as
    (id, cosine), in no order; every one when there are no more. ``floor``: for each row, a
    cosine below which nothing can be kept (``_floor``): only what reaches it is selected, and
    a row with more than ``SEARCHED`` of those keeps its ``SEARCHED`` best."""
    n = len(cosines)
    if not len(ids) or not n:
        return [[] for _ in range(n)]
    out: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    many = np.arange(n)
    if floor is not None:  # the few that can be kept, found in one pass
        bounded = np.isfinite(floor)  # a row without one (few index hits): its SEARCHED best, below
        above = cosines >= floor[:, None]
        above[~bounded] = False
        rows, cols = np.nonzero(above)
        counts = np.bincount(rows, minlength=n)
        many = np.flatnonzero((counts > linking.SEARCHED) | ~bounded)
        keep = (counts <= linking.SEARCHED)[rows]
        for r, i, c in zip(rows[keep].tolist(), ids[cols[keep]].tolist(), cosines[rows[keep], cols[keep]].tolist()):
            out[r].append((i, c))
        if not len(many):
            return out
    block = cosines[many]
    k = min(linking.SEARCHED, len(ids))
    top = np.argpartition(-block, k - 1, axis=1)[:, :k] if len(ids) > k else \
        np.broadcast_to(np.arange(len(ids)), (len(block), len(ids)))
    picked_ids, picked = ids[top].tolist(), np.take_along_axis(block, top, axis=1).tolist()
    for r, pi, pc in zip(many.tolist(), picked_ids, picked):
        out[r] = list(zip(pi, pc))
    return out


def _floor(stored: list[list[tuple[int, float]]]) -> np.ndarray:
    """For each statement, the cosine below which no other statement can be among the
    ``NEIGHBOURS`` ``linking.nearest`` keeps: the tenth best of its stored neighbours (found in
    the index), less the rounding ``nearest`` allows; -inf when it has fewer than ten. Whatever
    scores below it stays below the tenth best of all it is compared with, so leaving it out
    changes neither the cut ``nearest`` makes nor what it keeps."""
    slack = 2 * 10 ** -linking.TIE_DIGITS
    return np.array([sorted((c for _, c in found), reverse=True)[linking.NEIGHBOURS - 1] - slack
                     if len(found) >= linking.NEIGHBOURS else -np.inf for found in stored], dtype=np.float64)


def _merged(stored: list[list[tuple[int, float]]], held: list[list[tuple[int, float]]],
            chunk: list[list[tuple[int, float]]]) -> list[list[tuple[int, float]]]:
    """For each statement, the ``NEIGHBOURS`` best of its stored neighbours (searched in the
    index), of the held statements and of the chunk's earlier ones (compared exactly, each
    ``_best``), best first: what a search of an index holding them all would give. The best
    ``SEARCHED`` of the held and of the chunk's statements, apart, hold the best ``SEARCHED``
    of them together, so ``linking.nearest`` keeps what it would keep of them all."""
    return [linking.nearest(found + h + c) for found, h, c in zip(stored, held, chunk or [[]] * len(stored))]
