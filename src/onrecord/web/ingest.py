"""Adding an article through the API: read the body, analyse it, store it (one at a time).

The analysis (spaCy) and the write run in a process of their own, started on the first
article: a read-only explorer never loads a model, and while an article is analysed the
explorer's process goes on answering reads (in the same process the analysis would hold
Python's lock for about a second an article, and every page would wait for it). That process
opens the store once (its embedder and vector index) and adds the articles it is sent, in
order, through ``Store.add_item``: the same duplicate checks under the store's write lock as
``onrecord ingest``, so an article posted twice is stored once. An analyser given to
``create_app`` (tests) runs in the explorer's process instead.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from fastapi import FastAPI

from .responses import ApiError


def add(app: FastAPI, body: bytes, kind: str, url: str | None, published: str | None,
        outlet: str | None) -> dict:
    """Analyse and store one article; the outcome as JSON (422 when refused)."""
    from onrecord.inputs import readers
    from ..store.sources import Item

    article = readers.read(readers.upload_record(body, html=kind == "text/html", url=url,
                                                 published=published, outlet=outlet,
                                                 limit=app.state.max_body))
    if isinstance(article, readers.Failure):
        raise ApiError(422, article.reason)
    item = Item(article.source, article=article, outlet=article.outlet)
    with app.state.store_lock:
        if app.state.analyze is not None:
            outcome = _store(app).add_item(item, analyze=app.state.analyze)
        else:
            outcome = _in_writer(app, item)
    if outcome.status == "refused":
        raise ApiError(422, f"article refused: {outcome.reason}")
    page = f"/articles/{outcome.article_id}" if outcome.article_id else None
    return {"status": outcome.status, "article_id": outcome.article_id, "statements": outcome.statements,
            "reason": outcome.reason, "page": page}


def _store(app: FastAPI):
    """The in-process ingest store (an injected analyser), opened once (under the caller's lock)."""
    if app.state.store is None:
        from ..store.ingest import Store
        app.state.store = Store.open(app.state.db)
    return app.state.store


def _in_writer(app: FastAPI, item):
    """``Store.add_item`` of ``item`` in the writer process (started here the first time, under
    the caller's lock). A writer that died is replaced on the next article; this one gets a 503
    (whether it was stored then shows as a duplicate when it is sent again)."""
    if app.state.writer is None:
        app.state.writer = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_open_writer, initargs=(app.state.db,))
    try:
        return app.state.writer.submit(_write, item).result()
    except BrokenProcessPool:
        app.state.writer = None
        raise ApiError(503, "the process adding articles stopped; send the article again") from None


#: The writer process's store (``_open_writer``), one per process.
_writer_store = None


def _open_writer(db: str | None) -> None:
    """In the writer process: open the store (its index is saved by ``_close_writer``)."""
    from ..store.ingest import Store

    global _writer_store
    _writer_store = Store.open(db)


def _write(item):
    """In the writer process: one article analysed and stored."""
    return _writer_store.add_item(item)


def _close_writer() -> None:
    """In the writer process: save the vector index now (the explorer is stopping)."""
    if _writer_store is not None:
        _writer_store.index.save()


def close(app: FastAPI) -> None:
    """Save and close the ingest store and stop the writer process, if they were started."""
    if app.state.store is not None:
        app.state.store.close()
        app.state.store = None
    writer, app.state.writer = app.state.writer, None
    if writer is not None:
        try:
            writer.submit(_close_writer).result(timeout=120)
        except (BrokenProcessPool, TimeoutError, OSError):
            pass  # nothing is lost: the index catches up from the stored vectors on the next open
        writer.shutdown(wait=True)
