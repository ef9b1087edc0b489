"""The JSON API: the same data as the pages (``views``), described at /openapi.json.

Every page has its twin here: ``/articles/3`` and ``/api/articles/3`` answer from the same
function. The only route that writes is ``POST /api/articles``, and only with the token.
"""
from __future__ import annotations

import hmac
from typing import Optional

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..store import queries
from . import facets, listing, views
from .responses import ApiError

router = APIRouter(prefix="/api", tags=["api"])

PageNo = Query(1, ge=1, le=1_000_000, description="Page number, from 1.")
PerPage = Query(50, ge=1, le=listing.MAX_PER_PAGE, description="Rows a page.")


def row_id():
    """A row id path parameter (one per route: FastAPI binds it to its name). SQLite's INTEGER
    is 64-bit, and a larger number made the driver raise OverflowError (a 500): out of that
    range it is a 422 like any other bad parameter."""
    return Path(ge=-2**63, le=2**63 - 1, description="Row id of the article, entity or claim.")


#: Longest search accepted: a query is a few words; 200 characters is a long sentence.
MAX_QUERY = 200


def not_found(what: str, ident) -> ApiError:
    """The 404 of a missing article, person or claim."""
    return ApiError(404, f"no {what} {ident} in the store")


@router.get("/stats", summary="Counts of articles, statements, entities and claims")
def api_stats(request: Request) -> dict:
    """Store counts (``queries.stats``)."""
    return queries.stats(request.app.state.engine)


Filtered = Depends(facets.facet_params)
EntityType = Query(None, max_length=16, description="Only entities of this type (PERSON, ORG, OUTLET, GROUP).")


@router.get("/articles", summary="Articles, newest first")
def api_articles(request: Request, page: int = PageNo, per_page: int = PerPage,
                 fc: facets.Facets = Filtered) -> dict:
    """One page of the article list, of an outlet and a date span, in ``sort``'s order, with
    the outlet facet."""
    return views.articles(request.app.state.engine, page, per_page, fc)


@router.get("/articles/{article_id}", summary="One article: the analyze JSON record, plus store ids")
def api_article(request: Request, article_id: int = row_id()) -> dict:
    """The object ``onrecord analyze --format json`` gives for the article (every offset into
    ``text``), plus ``store``: its row and the store ids of its statements, entities and claims."""
    data = views.article(request.app.state.engine, article_id)
    if data is None:
        raise not_found("article", article_id)
    return data


@router.get("/people", summary="People and organisations, most quoted first")
def api_people(request: Request, page: int = PageNo, per_page: int = PerPage, fc: facets.Facets = Filtered,
               type: Optional[str] = EntityType) -> dict:
    """One page of the entity list, with aliases: of a type, with a statement passing the filters."""
    return views.people(request.app.state.engine, page, per_page, fc, type or None)


@router.get("/people/{entity_id}", summary="A person's statements across articles, by date")
def api_person(request: Request, entity_id: int = row_id(), page: int = PageNo,
               per_page: int = Query(listing.MAX_PER_PAGE, ge=1, le=listing.MAX_PER_PAGE),
               fc: facets.Facets = Filtered) -> dict:
    """An entity, its aliases and a page of its statements (those passing the filters)."""
    data = views.person(request.app.state.engine, entity_id, page, per_page, fc)
    if data is None:
        raise not_found("person or organisation", entity_id)
    return data


#: A date of the claim filters: YYYY-MM-DD, as `onrecord claims` takes it.
DATE = r"^\d{4}-\d{2}-\d{2}$"
ChangedSince = Query(None, pattern=DATE, description="Only claims whose status changed on or after this date.")


@router.get("/claims", summary="Claims, most reported first")
def api_claims(request: Request, page: int = PageNo, per_page: int = PerPage, fc: facets.Facets = Filtered,
               changed_since: Optional[str] = ChangedSince) -> dict:
    """One page of the claim list, optionally of one status, outlet, date span (a statement in
    it) or of claims whose status changed since a date, in ``sort``'s order."""
    return views.claims(request.app.state.engine, page, per_page, fc, changed_since)


@router.get("/claims/{claim_id}", summary="A claim's timeline")
def api_claim(request: Request, claim_id: int = row_id(), page: int = PageNo,
              per_page: int = Query(listing.MAX_PER_PAGE, ge=1, le=listing.MAX_PER_PAGE)) -> dict:
    """Who asserted, repeated, confirmed, disputed, denied, declined it, when and where: a page
    of its statements in date order (``total``, ``relations`` and ``chart.points`` cover them all)."""
    data = views.claim(request.app.state.engine, claim_id, page, per_page)
    if data is None:
        raise not_found("claim", f"c{claim_id}")
    return data


@router.get("/search", summary="Articles, claims and people matching words")
def api_search(request: Request, q: str = Query(..., min_length=1, max_length=MAX_QUERY),
               limit: int = Query(20, ge=1, le=listing.MAX_PER_PAGE), fc: facets.Facets = Filtered) -> dict:
    """Full-text search over articles, claims by their words, people by name (articles and
    claims of an outlet and a date span, claims of a status)."""
    return views.search(request.app.state.engine, q, limit, fc)


ARTICLE_BODY = {"requestBody": {"required": True, "content": {
    "text/html": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}}}


@router.post("/articles", status_code=201, openapi_extra=ARTICLE_BODY,
             summary="Add an article (needs the token given at start)")
async def api_add_article(request: Request, response: Response, url: Optional[str] = Query(None, max_length=2048),
                          published: Optional[str] = Query(None, max_length=32),
                          outlet: Optional[str] = Query(None, max_length=256)) -> dict:
    """Analyse and store one article sent as text/html or text/plain (``Authorization: Bearer TOKEN``)."""
    check_token(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/html", "text/plain"):
        raise ApiError(415, "send the article as text/html or text/plain")
    body = await read_limited(request, request.app.state.max_body)
    from . import ingest
    outcome = await run_in_threadpool(ingest.add, request.app, body, kind, url, published, outlet)
    if outcome["status"] == "duplicate":
        response.status_code = 200  # nothing was created
    return outcome


def check_token(request: Request) -> None:
    """403 when the explorer is read-only, 401 unless the bearer token matches (constant time)."""
    expected = request.app.state.token
    if not expected:
        raise ApiError(403, "this explorer is read-only: start it with --token or ONRECORD_TOKEN to add articles")
    auth = request.headers.get("authorization", "")
    given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "missing or wrong token (send Authorization: Bearer TOKEN)",
                       headers={"WWW-Authenticate": "Bearer"})


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes (chunked bodies too)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body over the {limit:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)
