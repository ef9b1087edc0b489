"""Facets, sorting and downloads of every list: the filter parameters and the CSV/JSON twins.

Each list page (``/articles``, ``/people``, ``/claims``, ``/people/{id}``, ``/search``) takes
the same filter parameters (``Facets``), checked here once: a date that is not a real
YYYY-MM-DD day, a sort key the list does not have, or a filter the list has no use for is a
422 naming it. The filtering itself is SQL in the store (``store.queries.Filters`` and the
``filter_*`` functions). ``query()`` gives the parameters back for links, so pagination, facet
and download links keep their filters.

A page ``/articles`` has two twins with the same filters: ``/articles.json`` (its data) and
``/articles.csv`` (its rows, a header first, written by the ``csv`` module, UTF-8, as an
attachment). Article text is untrusted: a CSV cell that begins with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) would be read as a formula by a spreadsheet, so it is prefixed
with ``'`` (OWASP's advice on CSV injection).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Literal, Optional
from urllib.parse import urlencode

from fastapi import Query
from fastapi.responses import Response

from ..records import ACTS, KINDS, STANCES
from ..store import queries
from .responses import ApiError

#: Longest outlet name a filter takes (a name, not a text).
MAX_OUTLET = 200
#: Rows a CSV or JSON download holds at most per request (its ``per_page``): a download is a
#: page too, larger than a screen's; ``page`` goes on from there.
MAX_EXPORT = 1000
#: The filters each list has a use for (any other given is a 422, never silently ignored).
APPLIES = {
    "articles": ("outlet", "since", "until"),
    "people": ("outlet", "since", "until", "kind", "act", "stance", "status", "min_confidence"),
    "statements": ("outlet", "since", "until", "kind", "act", "stance", "status", "min_confidence"),
    "claims": ("outlet", "since", "until", "status", "stance"),
    "search": ("outlet", "since", "until", "status"),
}
#: The sort keys of each list (the first is the default).
SORTS = {
    "articles": tuple(queries.ARTICLE_SORTS),
    "people": tuple(queries.ENTITY_SORTS),
    "statements": tuple(queries.STATEMENT_SORTS),
    "claims": queries.CLAIM_SORTS,
    "search": (),
}
#: What ``status`` means on each list: a claim's status, or a statement's review.
STATUS_VALUES = {"claims": queries.STATUSES, "search": queries.STATUSES,
                 "people": queries.REVIEW_STATUSES, "statements": queries.REVIEW_STATUSES}
#: A cell beginning with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Facets:
    """The filter and sort parameters of one request, as given."""

    given: dict = field(default_factory=dict)

    @property
    def sort(self) -> str | None:
        return self.given.get("sort")

    def filters(self) -> queries.Filters:
        """The store's filter of these parameters."""
        g = self.given
        conf = g.get("min_confidence")
        return queries.Filters(g.get("outlet"), g.get("since"), g.get("until"), g.get("kind"), g.get("act"),
                               g.get("stance"), g.get("status"), float(conf) if conf is not None else None)

    def check(self, kind: str) -> "Facets":
        """These parameters for the list ``kind``: a 422 for a filter it has no use for, a bad
        date, a status it does not know or a sort key it does not have."""
        for name in self.given:
            if name != "sort" and name not in APPLIES[kind]:
                raise ApiError(422, f"{name}: not a filter of this list (it takes {', '.join(APPLIES[kind])})")
        for name in ("since", "until"):
            check_date(name, self.given.get(name))
        status = self.given.get("status")
        if status is not None and status not in STATUS_VALUES.get(kind, ()):
            raise ApiError(422, f"status: one of {', '.join(STATUS_VALUES.get(kind, ()))}, not {status!r}")
        if self.sort is not None and self.sort not in SORTS[kind]:
            keys = ", ".join(SORTS[kind]) or "none (this list is in order of relevance)"
            raise ApiError(422, f"sort: one of {keys}, not {self.sort!r}")
        return self

    def query(self, **more) -> str:
        """The parameters as a query string (for links that keep the filters), plus ``more``."""
        return urlencode({**{k: v for k, v in self.given.items() if v is not None}, **more})

    def without(self, name: str) -> "Facets":
        """These parameters without one (a facet link replaces its own)."""
        return Facets({k: v for k, v in self.given.items() if k != name})


def check_date(name: str, value: str | None) -> None:
    """A 422 unless ``value`` is None or a real day as YYYY-MM-DD (``2025-02-30`` is not)."""
    if value is None:
        return
    try:
        ok = len(value) == 10 and dt.date.fromisoformat(value) is not None
    except ValueError:
        ok = False
    if not ok:
        raise ApiError(422, f"{name}: a date as YYYY-MM-DD, not {value!r}")


def facet_params(
        outlet: Optional[str] = Query(None, max_length=MAX_OUTLET, description="Only this outlet (any case)."),
        since: Optional[str] = Query(None, max_length=10, description="On or after this date (YYYY-MM-DD)."),
        until: Optional[str] = Query(None, max_length=10, description="On or before this date (YYYY-MM-DD)."),
        kind: Optional[Literal[KINDS]] = Query(None, description="A statement's kind (as corrected)."),
        act: Optional[Literal[ACTS]] = Query(None, description="A statement's act (as corrected)."),
        stance: Optional[Literal[STANCES]] = Query(None, description="A statement's stance (as corrected)."),
        status: Optional[str] = Query(None, max_length=16,
                                      description="A claim's status; for statements their review "
                                                  "(unreviewed, accepted, corrected)."),
        min_confidence: Optional[float] = Query(None, ge=0, le=1, description="Least confidence of a statement."),
        sort: Optional[str] = Query(None, max_length=32, description="Order of the list (keys in docs/web.md).")) -> Facets:
    """The filter and sort parameters every list takes (an empty value counts as not given)."""
    given = {"outlet": outlet, "since": since, "until": until, "kind": kind, "act": act, "stance": stance,
             "status": status, "min_confidence": min_confidence, "sort": sort}
    return Facets({k: v for k, v in given.items() if v is not None and v != ""})


# -- CSV --------------------------------------------------------------------------------------


def cell(value) -> str | int | float:
    """One CSV cell: lists joined with "; ", None empty, a text that a spreadsheet would take
    for a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value if not isinstance(v, dict))
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_response(rows: list[dict], columns: list[str], filename: str) -> Response:
    """``rows`` as a CSV download: a header row, then one row each, every field quoted as the
    csv module needs, UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([cell(r.get(c)) for c in columns])
    return Response(out.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


#: The columns of each list's CSV (the fields of its JSON items, nested ones left out).
COLUMNS = {
    "articles": ["id", "published", "outlet", "title", "url", "statements", "copy_of"],
    "people": ["id", "name", "type", "aliases", "statements"],
    "claims": ["id", "text", "status", "reason", "first_published", "first_outlet", "first_speaker",
               "statements", "sources", "outlets", "most_reported", "status_changed"],
    "statements": ["id", "published", "outlet", "title", "url", "article_id", "speaker", "entity_id", "entity",
                   "stance", "kind", "cue", "words", "start", "end", "when", "claim_id", "reviewed"],
    "search": ["type", "id", "text", "outlet", "published", "url"],
}


def search_rows(found: dict) -> list[dict]:
    """The three parts of a search (people, claims, articles) as one table."""
    rows = [{"type": "person", "id": p["id"], "text": p["name"]} for p in found["people"]]
    rows += [{"type": "claim", "id": c["id"], "text": c["text"], "outlet": c["first_outlet"],
              "published": c["first_published"]} for c in found["claims"]]
    rows += [{"type": "article", "id": h["article_id"], "text": h["title"], "outlet": h["outlet"],
              "published": h["published"], "url": h["url"]} for h in found["articles"]]
    return rows
