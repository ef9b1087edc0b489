"""The CSV and JSON twins of every list page: ``/articles.csv`` and ``/articles.json`` beside
``/articles``, and so on, with the same filters, sort and paging (``web/facets.py``), a page
of up to ``facets.MAX_EXPORT`` rows (``per_page``). The JSON is the data the page shows; the
CSV its rows.
"""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Query, Request

from . import api, facets, views

router = APIRouter(include_in_schema=False)

ExportPage = Query(1, ge=1, le=1_000_000, description="Page number, from 1.")
ExportRows = Query(facets.MAX_EXPORT, ge=1, le=facets.MAX_EXPORT, description="Rows a download holds.")
Format = Literal["csv", "json"]


def _answer(data: dict, rows: list[dict], kind: str, fmt: str, name: str):
    if fmt == "json":
        return data
    return facets.csv_response(rows, facets.COLUMNS[kind], f"{name}.csv")


@router.get("/articles.{fmt}", summary="The article list as CSV or JSON (the page's filters)")
def articles(request: Request, fmt: Format, page: int = ExportPage, per_page: int = ExportRows,
             fc: facets.Facets = api.Filtered):
    """``/articles`` with the same filters, as a download."""
    data = views.articles(request.app.state.engine, page, per_page, fc)
    return _answer(data, data["items"], "articles", fmt, "articles")


@router.get("/people.{fmt}", summary="The people list as CSV or JSON (the page's filters)")
def people(request: Request, fmt: Format, page: int = ExportPage, per_page: int = ExportRows,
           fc: facets.Facets = api.Filtered, type: Optional[str] = api.EntityType):
    """``/people`` with the same filters, as a download."""
    data = views.people(request.app.state.engine, page, per_page, fc, type or None)
    return _answer(data, data["items"], "people", fmt, "people")


@router.get("/claims.{fmt}", summary="The claim list as CSV or JSON (the page's filters)")
def claims(request: Request, fmt: Format, page: int = ExportPage, per_page: int = ExportRows,
           fc: facets.Facets = api.Filtered, changed_since: Optional[str] = api.ChangedSince):
    """``/claims`` with the same filters, as a download."""
    data = views.claims(request.app.state.engine, page, per_page, fc, changed_since)
    return _answer(data, data["items"], "claims", fmt, "claims")


@router.get("/people/{entity_id}.{fmt}", summary="A person's statements as CSV or JSON (the page's filters)")
def person(request: Request, fmt: Format, entity_id: int = api.row_id(), page: int = ExportPage,
           per_page: int = ExportRows, fc: facets.Facets = api.Filtered):
    """``/people/{id}`` with the same filters, as a download: its statements."""
    data = views.person(request.app.state.engine, entity_id, page, per_page, fc)
    if data is None:
        raise api.not_found("person or organisation", entity_id)
    return _answer(data, data["statements"], "statements", fmt, f"person-{entity_id}")


@router.get("/search.{fmt}", summary="A search as CSV or JSON (the page's filters)")
def search(request: Request, fmt: Format, q: str = Query(..., min_length=1, max_length=api.MAX_QUERY),
           limit: int = Query(20, ge=1, le=facets.MAX_EXPORT), fc: facets.Facets = api.Filtered):
    """``/search?q=`` with the same filters, as a download (people, claims and articles in one table)."""
    data = views.search(request.app.state.engine, q, limit, fc)
    return _answer(data, facets.search_rows(data), "search", fmt, "search")
