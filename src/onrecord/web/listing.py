"""Queries the explorer needs beyond ``store.queries``: paged lists.

Built on the store's schema (read-only). Everything returns plain dataclasses or dicts, like
``store.queries``, so pages and the JSON API share them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select

from ..store import queries
from ..store.schema import articles

#: Most rows one page of a list holds: keeps a page under a few milliseconds of SQL and a
#: few hundred kilobytes of HTML even on a 100k-article store.
MAX_PER_PAGE = 100


@dataclass
class Page:
    """One page of a list: its items and where it sits in the whole."""

    items: list
    page: int
    per_page: int
    total: int
    #: Counts of the whole filtered list by value, where the list has them (``{"type": [...]}``).
    facets: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.per_page))


@dataclass
class ArticleRow:
    """An article in a list."""

    id: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    statements: int
    copy_of: int | None


@dataclass
class PersonPage:
    """A person or organisation with one page of their statements, by date."""

    entity: queries.EntityInfo
    statements: list[queries.Statement] = field(default_factory=list)
    page: int = 1
    per_page: int = MAX_PER_PAGE
    total: int = 0
    #: Counts of the filtered statements by value (``{"stance": [{"value", "count"}]}``).
    facets: dict = field(default_factory=dict)




def _offset(page: int, per_page: int) -> int:
    return (max(page, 1) - 1) * per_page


def list_articles(bind: Engine | Connection, page: int = 1, per_page: int = 50,
                  f: queries.Filters = queries.Filters(), sort: str | None = None) -> Page:
    """Articles, the newest first (or in ``sort``'s order), of an outlet and a date span
    (``queries.filter_articles``: the filtering is the store's)."""
    with queries.connection(bind) as conn:
        ids, total = queries.filter_articles(conn, f, sort, per_page, _offset(page, per_page))
        rows = {r[0]: ArticleRow(*r) for r in conn.execute(
            select(articles.c.id, articles.c.title, articles.c.outlet, articles.c.published, articles.c.url,
                   articles.c.n_statements, articles.c.copy_of).where(articles.c.id.in_(ids))).all()} if ids else {}
        return Page([rows[i] for i in ids if i in rows], page, per_page, total)


def list_entities(bind: Engine | Connection, page: int = 1, per_page: int = 50,
                  f: queries.Filters = queries.Filters(), sort: str | None = None, kind: str | None = None) -> Page:
    """People and organisations, the most quoted first (``EntityInfo`` items, with aliases);
    ``kind`` an entity type, ``f`` keeps those with a statement passing it (``queries.filter_entities``)."""
    with queries.connection(bind) as conn:
        ids, total, counts = queries.filter_entities(conn, f, sort, per_page, _offset(page, per_page), kind=kind)
        return Page([queries.entity_info(conn, i) for i in ids], page, per_page, total, counts)


def list_claims(bind: Engine | Connection, page: int = 1, per_page: int = 50,
                status: str | None = None, *, outlet: str | None = None, since: str | None = None,
                until: str | None = None, changed_since: str | None = None, sort: str | None = None,
                stance: str | None = None) -> Page:
    """Claims, the most reported first (``ClaimInfo`` items; ``queries.list_claims`` ranks
    them by independent sources, distinct sources and outlets); ``status`` filters, and so do
    ``outlet``, ``since``/``until``, ``changed_since`` and ``stance`` as in ``onrecord claims``, over
    every claim (their stored verdicts); ``sort`` is one of ``queries.CLAIM_SORTS``."""
    if status is not None and status not in queries.STATUSES:
        raise ValueError(f"status must be one of {', '.join(queries.STATUSES)}")
    filters = {"outlet": outlet, "since": since, "until": until, "changed_since": changed_since, "stance": stance}
    with queries.connection(bind) as conn:
        total = queries.count_claims(conn, status, **filters)
        found = queries.list_claims(conn, status=status, limit=per_page, offset=_offset(page, per_page),
                                    sort=sort, **filters)
        return Page(found, page, per_page, total)


def person(bind: Engine | Connection, entity_id: int, page: int = 1, per_page: int = MAX_PER_PAGE,
           f: queries.Filters = queries.Filters(), sort: str | None = None) -> PersonPage | None:
    """One entity (``queries.entity_info``) and a page of its statements by date (or ``sort``),
    those passing ``f`` (``queries.filter_entity_statements``), with their stance facet."""
    with queries.connection(bind) as conn:
        info = queries.entity_info(conn, entity_id)
        if info is None:
            return None
        # by their corrected speaker (store/corrections.py): a rejected row is left out
        ids, total, facets = queries.filter_entity_statements(conn, entity_id, f, sort, per_page,
                                                               _offset(page, per_page))
        return PersonPage(info, statements_by_id(conn, ids), page, per_page, total, facets)


def statements_by_id(bind: Engine | Connection, ids: list[int]) -> list[queries.Statement]:
    """``queries.Statement`` records for these statement ids, in the order given: the store's
    own (``queries.statements_by_id``, the columns a statement shows only, not its whole
    JSON record: 0.07 ms for a page of a person's statements against 0.32 ms read through
    SQLAlchemy Core with every column)."""
    return queries.statements_by_id(bind, ids)
