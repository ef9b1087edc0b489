"""Adding an article through the API: read the body, analyse it, store it (one at a time).

The store (its embedder and vector index) is opened on the first article only: a read-only
explorer never loads the sentence model.
"""
from __future__ import annotations

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
        outcome = _store(app).add_item(item, **_analyze(app))
    if outcome.status == "refused":
        raise ApiError(422, f"article refused: {outcome.reason}")
    page = f"/articles/{outcome.article_id}" if outcome.article_id else None
    return {"status": outcome.status, "article_id": outcome.article_id, "statements": outcome.statements,
            "reason": outcome.reason, "page": page}


def _store(app: FastAPI):
    """The ingest store, opened once (under the caller's lock)."""
    if app.state.store is None:
        from ..store.ingest import Store
        app.state.store = Store.open(app.state.db)
    return app.state.store


def _analyze(app: FastAPI) -> dict:
    return {"analyze": app.state.analyze} if app.state.analyze is not None else {}


def close(app: FastAPI) -> None:
    """Save and close the ingest store if one was opened."""
    if app.state.store is not None:
        app.state.store.close()
        app.state.store = None
