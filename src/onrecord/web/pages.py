"""The HTML pages: each renders the data its JSON twin in ``api`` returns.

Templates get plain data and autoescape it; the only pre-built HTML is the article text,
which ``views.article_html`` escapes piece by piece.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ..records import ACTS, KINDS, STANCES
from . import api, facets, highlight, listing, views
from .responses import html

router = APIRouter(include_in_schema=False)

#: The values the filter forms offer (the record's own lists).
CHOICES = {"stances": STANCES, "kinds": KINDS, "acts": ACTS, "review_statuses": facets.STATUS_VALUES["statements"]}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Counts, the latest articles, the most quoted people and the most reported claims."""
    return html(request, "home.html", title="onrecord", twin="/api/stats", **views.home(request.app.state.engine))


def _links(base: str, fc: facets.Facets, **more) -> dict:
    """What a list page links to with its filters kept: the query string (for the pager,
    which adds ``&page=``), its JSON and CSV twins and its JSON API."""
    q = fc.query(**{k: v for k, v in more.items() if v})
    return {"fq": ("&" + q) if q else "", "json_href": f"{base}.json" + (f"?{q}" if q else ""),
            "csv_href": f"{base}.csv" + (f"?{q}" if q else ""),
            "filters": {**dict.fromkeys(FORM_FIELDS), **fc.given, **more}}


#: Every field a filter form may show (those not given are None to the template).
FORM_FIELDS = ("outlet", "since", "until", "kind", "act", "stance", "status", "min_confidence", "sort", "type")


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, page: int = api.PageNo, per_page: int = api.PerPage,
             fc: facets.Facets = api.Filtered) -> HTMLResponse:
    """The article list: filtered by outlet and date, sorted, with counts by outlet."""
    found = views.articles(request.app.state.engine, page, per_page, fc)
    outlet_links = ["/articles?" + fc.without("outlet").query(outlet=f["value"]) for f in found["facets"]["outlet"]]
    return html(request, "articles.html", title="Articles", found=found, sorts=facets.SORTS["articles"],
                outlet_links=outlet_links,
                twin=f"/api/articles?page={page}&per_page={per_page}" + _links("/articles", fc)["fq"],
                **_links("/articles", fc))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: int = api.row_id()) -> HTMLResponse:
    """An article with its statements highlighted; a click shows who, how, when and the claim."""
    data = api.api_article(request, article_id)
    title = data["metadata"].get("title") or data["store"]["title"] or f"Article {article_id}"
    return html(request, "article.html", title=title, a=data, meta=data["metadata"], st=data["store"],
                cards=views.article_cards(data), body=views.article_html(data), twin=f"/api/articles/{article_id}",
                writable=bool(request.app.state.token))


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, page: int = api.PageNo, per_page: int = api.PerPage, fc: facets.Facets = api.Filtered,
           type: Optional[str] = api.EntityType) -> HTMLResponse:
    """The list of people and organisations (of a type, with a statement passing the filters)."""
    found = views.people(request.app.state.engine, page, per_page, fc, type or None)
    type_links = ["/people?" + fc.query(type=f["value"]) for f in found["facets"]["type"]]
    return html(request, "people.html", title="People", found=found, sorts=facets.SORTS["people"], **CHOICES,
                type_links=type_links,
                twin=f"/api/people?page={page}&per_page={per_page}" + _links("/people", fc, type=type)["fq"],
                **_links("/people", fc, type=type))


@router.get("/people/{entity_id}", response_class=HTMLResponse)
def person(request: Request, entity_id: int = api.row_id(), page: int = api.PageNo,
           fc: facets.Facets = api.Filtered) -> HTMLResponse:
    """Every statement of a person across articles, on a timeline, with their aliases."""
    data = api.api_person(request, entity_id, page, listing.MAX_PER_PAGE, fc)
    base = f"/people/{entity_id}?"
    stance_links = [base + fc.without("stance").query(stance=f["value"]) for f in data["facets"].get("stance", [])]
    return html(request, "person.html", title=data["entity"]["name"], p=data, sorts=facets.SORTS["statements"],
                stance_links=stance_links, **CHOICES,
                pages=-(-data["total"] // data["per_page"]) or 1,
                twin=f"/api/people/{entity_id}?page={page}" + _links(f"/people/{entity_id}", fc)["fq"],
                **_links(f"/people/{entity_id}", fc))


@router.get("/claims", response_class=HTMLResponse)
def claims(request: Request, page: int = api.PageNo, per_page: int = api.PerPage, fc: facets.Facets = api.Filtered,
           changed_since: Optional[str] = api.ChangedSince) -> HTMLResponse:
    """The claim list, optionally of one status, outlet, date span, or changed since a date."""
    found = views.claims(request.app.state.engine, page, per_page, fc, changed_since)
    links = _links("/claims", fc, changed_since=changed_since)
    keep = fc.without("status").query(**({"changed_since": changed_since} if changed_since else {}))
    return html(request, "claims.html", title="Claims", found=found, status=fc.given.get("status"),
                sorts=facets.SORTS["claims"], statuses=facets.STATUS_VALUES["claims"],
                status_extra=("&" + keep) if keep else "", changed_since=changed_since,
                twin=f"/api/claims?page={page}&per_page={per_page}{links['fq']}", **links)


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim(request: Request, claim_id: int = api.row_id(), page: int = api.PageNo) -> HTMLResponse:
    """A claim's timeline, a page of entries at a time, each linked to its exact words in its article."""
    data = api.api_claim(request, claim_id, page, listing.MAX_PER_PAGE)
    # the statements and the copies of their articles in one list: date order, then article order
    entries = [("event", e) for e in data["events"]] + [("copy", c) for c in data["copies"]]
    entries.sort(key=lambda kv: (kv[1]["published"] or "9999", kv[1]["article_id"]))
    return html(request, "claim.html", title=f"Claim c{claim_id}", t=data, entries=entries,
                twin=f"/api/claims/{claim_id}" + (f"?page={page}" if page > 1 else ""))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Optional[str] = Query(None, max_length=api.MAX_QUERY),
           fc: facets.Facets = api.Filtered) -> HTMLResponse:
    """Search form and results: articles (with matched words marked), claims, people."""
    data = views.search(request.app.state.engine, q, 20, fc) if q and q.strip() else None
    if data:
        for hit in data["articles"]:
            hit["pieces"] = highlight.snippet_pieces(hit["snippet"] or "")
    links = _links("/search", facets.Facets({"q": q, **fc.given}) if data else fc)
    return html(request, "search.html", title="Search", q=q or "", found=data, statuses=facets.STATUS_VALUES["search"],
                twin="/api/search?" + urlencode({"q": q, **fc.given}) if data else None, **links)
