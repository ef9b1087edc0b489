"""The HTML pages: each renders the data its JSON twin in ``api`` returns.

Templates get plain data and autoescape it; the only pre-built HTML is the article text,
which ``views.article_html`` escapes piece by piece.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from . import api, highlight, listing, views
from .responses import html

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Counts, the latest articles, the most quoted people and the most reported claims."""
    return html(request, "home.html", title="onrecord", twin="/api/stats", **views.home(request.app.state.engine))


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, page: int = api.PageNo, per_page: int = api.PerPage) -> HTMLResponse:
    """The article list."""
    found = views.page(listing.list_articles(request.app.state.engine, page, per_page))
    return html(request, "articles.html", title="Articles", found=found,
                twin=f"/api/articles?page={page}&per_page={per_page}")


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: int = api.row_id()) -> HTMLResponse:
    """An article with its statements highlighted; a click shows who, how, when and the claim."""
    data = api.api_article(request, article_id)
    title = data["metadata"].get("title") or data["store"]["title"] or f"Article {article_id}"
    return html(request, "article.html", title=title, a=data, meta=data["metadata"], st=data["store"],
                cards=views.article_cards(data), body=views.article_html(data), twin=f"/api/articles/{article_id}",
                writable=bool(request.app.state.token))


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, page: int = api.PageNo, per_page: int = api.PerPage) -> HTMLResponse:
    """The list of people and organisations."""
    found = views.page(listing.list_entities(request.app.state.engine, page, per_page))
    return html(request, "people.html", title="People", found=found,
                twin=f"/api/people?page={page}&per_page={per_page}")


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person(request: Request, entity_id: int = api.row_id(), page: int = api.PageNo) -> HTMLResponse:
    """Every statement of a person across articles, on a timeline, with their aliases."""
    data = api.api_person(request, entity_id, page, listing.MAX_PER_PAGE)
    return html(request, "person.html", title=data["entity"]["name"], p=data,
                pages=-(-data["total"] // data["per_page"]) or 1, twin=f"/api/people/{entity_id}?page={page}")


@router.get("/claims", response_class=HTMLResponse)
def claims(request: Request, page: int = api.PageNo, per_page: int = api.PerPage,
           status: api.Status = None, outlet: Optional[str] = api.Outlet, since: Optional[str] = api.Since,
           until: Optional[str] = api.Until, changed_since: Optional[str] = api.ChangedSince) -> HTMLResponse:
    """The claim list, optionally of one status, outlet, date span, or changed since a date."""
    filters = {"outlet": outlet or None, "since": since, "until": until, "changed_since": changed_since}
    found = views.page(listing.list_claims(request.app.state.engine, page, per_page, status, **filters))
    kept = {k: v for k, v in filters.items() if v}
    filter_extra = "".join("&" + urlencode({k: v}) for k, v in kept.items())  # kept by the status links
    extra = (f"&status={status}" if status else "") + filter_extra
    return html(request, "claims.html", title="Claims", found=found, status=status, extra=extra, filters=filters,
                filter_extra=filter_extra,
                twin=f"/api/claims?page={page}&per_page={per_page}{extra}")


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim(request: Request, claim_id: int = api.row_id()) -> HTMLResponse:
    """A claim's timeline, each entry linked to its exact words in its article."""
    data = api.api_claim(request, claim_id)
    # the statements and the copies of their articles in one list: date order, then article order
    entries = [("event", e) for e in data["events"]] + [("copy", c) for c in data["copies"]]
    entries.sort(key=lambda kv: (kv[1]["published"] or "9999", kv[1]["article_id"]))
    return html(request, "claim.html", title=f"Claim c{claim_id}", t=data, entries=entries,
                twin=f"/api/claims/{claim_id}")


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Optional[str] = Query(None, max_length=api.MAX_QUERY)) -> HTMLResponse:
    """Search form and results: articles (with matched words marked), claims, people."""
    data = views.search(request.app.state.engine, q, 20) if q and q.strip() else None
    if data:
        for hit in data["articles"]:
            hit["pieces"] = highlight.snippet_pieces(hit["snippet"] or "")
    return html(request, "search.html", title="Search", q=q or "", found=data,
                twin="/api/search?" + urlencode({"q": q}) if data else None)
