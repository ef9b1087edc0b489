"""Questions to the store: who said what, which claims, a claim's timeline, full-text search.

Every function takes a SQLAlchemy ``Engine`` or ``Connection`` first and returns plain
dataclasses (``asdict`` gives JSON-ready dicts); none prints or opens anything itself, so the
CLI and the web explorer share them. Full-text search is FTS5 on SQLite and ``tsvector`` on
PostgreSQL; matched words in snippets are wrapped in « and ».
"""
from __future__ import annotations

import contextlib
import json
from collections import Counter
import re
from dataclasses import asdict, dataclass, field
from typing import Iterator

from sqlalchemy import Connection, Engine, func, select

from . import claims as store_claims, corrections, linking, names, record
from .schema import articles, claims, entities, entity_aliases, statements
from .sql import in_list, run

STATUSES = store_claims.STATUSES
#: Full-text matches ranked per query: the newest this many articles (for ``search``, on
#: SQLite and PostgreSQL) or statements (for ``claims --about``, on SQLite) holding every word
#: and kept by the query's filters (an outlet, a date span, a claim's status). A query matching
#: fewer is ranked in full, as before; one matching more (two common words in a large corpus)
#: gets the best matches among its most recent ones, in bounded time: FTS5 computes bm25
#: for every row it ranks, so an unbounded query grows with the corpus. On the benchmark's
#: 100k articles one content word matching 29,500 articles takes 39 ms ranked in full and
#: 9 ms bounded; none of the benchmark's 60 searches matched over 3,600 (docs/store.md).
FTS_CANDIDATES = 5000
ROLE_NAMES = {"confirms": "confirmed", "disputes": "disputed", "denies": "denied",
              "declines": "declined", "unconfirmed": "repeated"}


@dataclass
class EntityInfo:
    """A person or organisation of the corpus."""

    id: int
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    statements: int = 0


@dataclass
class Statement:
    """One statement: who said it, where and when, in which exact words (offsets into the article)."""

    id: int
    article_id: int
    published: str | None
    outlet: str | None
    title: str | None
    url: str | None
    speaker: str | None
    entity_id: int | None
    entity: str | None
    stance: str
    kind: str
    cue: str | None
    words: str
    start: int | None
    end: int | None
    when: str | None
    claim_id: int | None
    #: People's review of the row (accepted, corrected, rejected; None: not reviewed) and the
    #: corrections pointing at it (store/corrections.py); speaker, kind and stance are corrected.
    reviewed: str | None = None
    corrections: list = field(default_factory=list)


@dataclass
class ClaimInfo:
    """A claim across articles: its text, status, first report and size."""

    id: int
    text: str
    status: str
    first_published: str | None
    first_outlet: str | None
    first_speaker: str | None
    statements: int
    first_statement_id: int | None = None
    #: The statements that decide the status, in words ("confirmed: Eva Moss, 20 June 2025
    #: (in Harlow Courier), after Sara Lind denied it on 4 June 2025") and their ids.
    reason: str | None = None
    decided_by: list[int] = field(default_factory=list)
    #: Distinct sources (one source in several articles counts once; a copy adds nothing),
    #: distinct outlets, and whether it is among the most reported (two independent sources or a dispute).
    sources: int = 0
    outlets: int = 0
    most_reported: bool = False
    #: The date of the latest dated statement that changed the status (stored with the verdict).
    status_changed: str | None = None


@dataclass
class Event:
    """One point of a claim's timeline."""

    role: str
    published: str | None
    outlet: str | None
    speaker: str | None
    entity_id: int | None
    words: str
    article_id: int
    title: str | None
    url: str | None
    statement_id: int
    start: int | None
    end: int | None
    #: The statement's relation to the claim (the same as ``role``; store/claims.py).
    relation: str | None = None
    #: A flag for a person to look at ("possible contradiction"); it decides nothing.
    review: str | None = None
    #: The claim's status after this statement, and whether it changed here.
    status_after: str | None = None
    status_changed: bool = False
    #: People's review of the statement and its corrections (as on ``Statement``).
    reviewed: str | None = None
    corrections: list = field(default_factory=list)


@dataclass
class Timeline:
    """A claim and its statements in date order, then article order, plus copies of their
    articles elsewhere; ``history`` lists when the status changed.

    ``events`` are the statements from ``offset`` on (all of them, or ``limit``: a claim
    restated for years has thousands, and a page shows a hundred at a time); ``total`` counts
    every statement (as corrected), ``relations`` counts them by relation, and ``points`` has
    every one as its chart draws it, so neither the counts nor the chart depend on the page.
    """

    claim: ClaimInfo
    events: list[Event]
    copies: list[dict]
    history: list[dict] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    relations: dict[str, int] = field(default_factory=dict)
    points: list[dict] = field(default_factory=list)


@dataclass
class SearchHit:
    """An article matching a full-text search, with a snippet around the matched words."""

    article_id: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    snippet: str


@contextlib.contextmanager
def connection(bind: Engine | Connection) -> Iterator[Connection]:
    """A connection from an Engine (closed after use), or the given Connection as it is."""
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def to_dict(obj) -> dict:
    """A result dataclass as a JSON-ready dict."""
    return asdict(obj)


# -- who ----------------------------------------------------------------------------------


def find_entities(bind: Engine | Connection, name: str) -> list[EntityInfo]:
    """The corpus entities ``name`` can mean: a person by any spelling or title, an organisation
    by name or acronym, else any entity an alias of which starts with the name."""
    with connection(bind) as conn:
        ids = list(linking.find_person(conn, name))
        for kind in ("ORG", "OUTLET"):
            org = linking.find_org(conn, name, kind)
            if org is not None and org not in ids:
                ids.append(org)
        if not ids:
            prefix = names.fold(name)
            ids = conn.execute(select(entity_aliases.c.entity_id).where(
                entity_aliases.c.norm.like(prefix + "%")).distinct().limit(20)).scalars().all() if prefix else []
        return _entity_infos(conn, ids)


def _entity_infos(conn: Connection, ids: list[int]) -> list[EntityInfo | None]:
    """``entity_info`` of each id, in two queries however many ids (a surname can mean hundreds)."""
    if not ids:
        return []
    where, params = in_list("e", ids)
    found = {r[0]: EntityInfo(r[0], r[1], r[2], [], r[3]) for r in run(
        conn, f"SELECT id, name, type, n_statements FROM entities WHERE id IN {where}", params).fetchall()}
    for entity_id, alias in run(conn, "SELECT entity_id, alias FROM entity_aliases "
                                      f"WHERE entity_id IN {where} ORDER BY entity_id, alias", params).fetchall():
        found[entity_id].aliases.append(alias)
    return [found.get(i) for i in ids]


def entity_info(bind: Engine | Connection, entity_id: int) -> EntityInfo | None:
    """One entity with its aliases."""
    with connection(bind) as conn:
        row = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
        if row is None:
            return None
        aliases = conn.execute(select(entity_aliases.c.alias).where(entity_aliases.c.entity_id == entity_id)
                               .order_by(entity_aliases.c.alias)).scalars().all()
        return EntityInfo(row.id, row.name, row.type, list(aliases), row.n_statements)


def who(bind: Engine | Connection, name: str, limit: int = 500) -> tuple[list[EntityInfo], list[Statement]]:
    """Every statement of the entities ``name`` means, by date: ``(entities, statements)``."""
    with connection(bind) as conn:
        found = find_entities(conn, name)
        if not found:
            return [], []
        # the ids in order by their corrected speaker (store/corrections.py), then only those rows
        ids = corrections.entity_statement_ids(conn, [e.id for e in found], limit)
        return found, _statements_by_id(conn, ids)


def statements_by_id(bind: Engine | Connection, ids: list[int]) -> list[Statement]:
    """``Statement`` records for these ids, in the order given, as people corrected them (a
    rejected one left out)."""
    with connection(bind) as conn:
        return _statements_by_id(conn, ids)


def _statements_by_id(conn: Connection, ids: list[int]) -> list[Statement]:
    """``Statement`` records for these ids, in the order given (as ``_statement`` builds them)."""
    if not ids:
        return []
    where, params = in_list("s", ids)
    rows = run(conn, "SELECT s.id, s.article_id, s.published, a.outlet, a.title, a.url, s.speaker_text, "
                     "s.entity_id, e.name, s.speaker_name, s.stance, s.kind, s.cue_text, "
                     "s.content_text, s.claim_text, s.content_start, s.content_end, s.when_value, s.claim_id "
                     "FROM statements s JOIN articles a ON a.id = s.article_id "
                     f"LEFT OUTER JOIN entities e ON e.id = s.entity_id WHERE s.id IN {where}", params).fetchall()
    found = {r[0]: Statement(*r[:8], r[8] or r[9], *r[10:13], r[13] if r[13] else r[14], *r[15:]) for r in rows}
    return corrections.corrected_statements(conn, [found[i] for i in ids])


# -- claims -------------------------------------------------------------------------------


def list_claims(bind: Engine | Connection, about: str | None = None, status: str | None = None,
                limit: int = 50, *, outlet: str | None = None, since: str | None = None,
                until: str | None = None, changed_since: str | None = None,
                stance: str | None = None, sort: str | None = None, offset: int = 0) -> list[ClaimInfo]:
    """Claims worth a fact-checker's attention first: the most reported (two independent
    sources or a dispute), then by distinct sources and outlets (or in the order ``sort``
    names, ``CLAIM_SORTS``). ``about`` matches the words said and the speakers' names (best
    match first); ``outlet`` keeps claims with a statement in that outlet, ``since``/``until``
    (YYYY-MM-DD) those with a statement in that span, ``changed_since`` those whose status
    changed on or after that date, ``stance`` those with a statement of that stance (as people
    corrected it: "claims someone denied"). A rejected statement counts for none of them.

    Every figure is the claim's stored verdict (``claims.store_verdict``): the ranking and the
    filters are one SQL query over every claim, nothing is judged here."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    where, params = _claim_where(status, outlet, since, until, changed_since, stance)
    with connection(bind) as conn:
        if about:
            ids = _claims_about(conn, about, where, params, limit + offset)
            infos = [i for i in _claim_infos(conn, ids) if i is not None]
            return (sort_claims(infos, sort) if sort else infos)[offset:offset + limit]
        sql = f"SELECT c.id FROM claims c WHERE {' AND '.join(where)} ORDER BY {_claim_order(sort)} " \
              "LIMIT :n OFFSET :off"
        ids = [r[0] for r in run(conn, sql, {**params, "n": limit, "off": offset}).fetchall()]
        return [i for i in _claim_infos(conn, ids) if i is not None]


def count_claims(bind: Engine | Connection, status: str | None = None, *, outlet: str | None = None,
                 since: str | None = None, until: str | None = None, changed_since: str | None = None,
                 stance: str | None = None) -> int:
    """How many claims pass the filters of ``list_claims`` (without ``about``)."""
    where, params = _claim_where(status, outlet, since, until, changed_since, stance)
    with connection(bind) as conn:
        return run(conn, f"SELECT count(*) FROM claims c WHERE {' AND '.join(where)}", params).fetchone()[0]


#: ``list_claims``'s orders in SQL over the stored verdict columns (``sort_claims`` in Python).
_CLAIM_ORDERS = {
    "reported": "c.most_reported DESC, c.sources DESC, c.outlets DESC, c.n_statements DESC, c.id",
    "statements": "c.n_statements DESC, c.id",
    "sources": "c.sources DESC, c.outlets DESC, c.id",
    "newest": "CASE WHEN c.first_published IS NULL THEN 1 ELSE 0 END, c.first_published DESC, c.id DESC",
    "oldest": "CASE WHEN c.first_published IS NULL THEN 1 ELSE 0 END, c.first_published, c.id",
}


def _claim_order(sort: str | None) -> str:
    key = sort or "reported"
    if key not in CLAIM_SORTS:
        raise ValueError(f"sort must be one of {', '.join(CLAIM_SORTS)}")
    return _CLAIM_ORDERS[key]


def _claim_where(status, outlet, since, until, changed_since, stance) -> tuple[list[str], dict]:
    """Conditions on ``claims c``: the stored status and last change, and a statement of the
    claim (not rejected; its stance as corrected) in the outlet, the span, of the stance."""
    where, params = ["1 = 1"], {}
    if status:
        where.append("c.status = :status")
        params["status"] = status
    if changed_since:
        where.append("c.status_changed >= :changed")
        params["changed"] = changed_since
    def one(cond: str, join: str = "") -> str:
        # a statement of the claim, found through the (claim, published) index; its article
        # is joined only for the outlet, a statement's date being its article's
        return (f"EXISTS (SELECT 1 FROM statements s {join}LEFT OUTER JOIN statement_overrides o "
                "ON o.statement_id = s.id WHERE s.claim_id = c.id "
                f"AND coalesce(o.review, '') <> 'rejected' AND {cond})")

    if outlet:
        where.append(one("lower(a.outlet) = lower(:outlet)", "JOIN articles a ON a.id = s.article_id "))
        params["outlet"] = outlet
    if since or until:
        span = [c for c, v in (("s.published >= :since", since), ("s.published <= :until", until)) if v]
        where.append(one(" AND ".join(span)))
        params.update({k: v for k, v in (("since", since), ("until", until[:10] + "~" if until else None)) if v})
    if stance:
        where.append(one("coalesce(o.stance, s.stance) = :stance"))
        params["stance"] = stance
    return where, params


def _claims_about(conn: Connection, about: str, where: list[str], params: dict, limit: int) -> list[int]:
    """The ids of the claims whose statements best match ``about`` among those the listing's
    conditions on ``claims c`` keep (``_claim_where``), best match first. On SQLite the newest
    ``FTS_CANDIDATES`` matching statements of such claims are ranked, so that a narrow
    listing (an old span, a small outlet, a rare status) finds its claims however many newer
    statements match the words."""
    cond = " AND ".join(where)
    if conn.dialect.name == "postgresql":
        sql = ("SELECT s.claim_id FROM statements s JOIN claims c ON c.id = s.claim_id, "
               f"plainto_tsquery('english', :q) q WHERE s.tsv @@ q AND {cond} "
               "GROUP BY s.claim_id ORDER BY max(ts_rank(s.tsv, q)) DESC, max(c.n_statements) DESC LIMIT :n")
        return [r[0] for r in run(conn, sql, {**params, "q": about, "n": limit}, prepared=False).fetchall()]
    query = fts5_query(about)
    if not query:
        return []
    lowest = _newest_matches(conn, "statements_fts", query,
                             "JOIN statements s ON s.id = f.rowid JOIN claims c ON c.id = s.claim_id", cond, params)
    if lowest is None:
        return []
    if cond == "1 = 1":
        return _best_claims(conn, query, lowest, limit)
    # a filter is on the claims' rows, so each match's statement and claim rows are read
    sql = ("SELECT s.claim_id FROM statements_fts f JOIN statements s ON s.id = f.rowid "
           "JOIN claims c ON c.id = s.claim_id WHERE statements_fts MATCH :q AND f.rowid >= :lowest "
           f"AND {cond} GROUP BY s.claim_id ORDER BY min(f.rank), max(c.n_statements) DESC, s.claim_id LIMIT :n")
    return [r[0] for r in run(conn, sql, {**params, "q": query, "n": limit, "lowest": lowest}).fetchall()]


def _best_claims(conn: Connection, query: str, lowest: int, limit: int) -> list[int]:
    """The unfiltered ranking of ``_claims_about``, reading few statement rows: FTS5 ranks the
    matches from rowid ``lowest`` on from its own index (bm25), and the statements are read in
    that order, a batch at a time, for their claim, until ``limit`` claims are found and the
    rank has passed the limit-th claim's (a claim first met later ranks lower). Best rank
    first, then the larger claim, then the lower id, as the grouped query orders them; the
    claims' rows are read for the claims found only."""
    ranked = run(conn, "SELECT rowid, rank FROM statements_fts WHERE statements_fts MATCH :q AND rowid >= :lowest "
                       "ORDER BY rank", {"q": query, "lowest": lowest})
    best: dict[int, float] = {}  # claim -> its best rank, met in rank order
    cut, passed = None, False
    while not passed:
        batch = ranked.fetchmany(max(4 * limit, 100))
        if not batch:
            break
        claim_of = linking.claims_of(conn, [r[0] for r in batch])
        for sid, rank in batch:
            if cut is not None and rank > cut:
                passed = True
                break
            claim = claim_of.get(sid)
            if claim is not None and claim not in best:
                best[claim] = rank
                if len(best) == limit:
                    cut = rank
    ranked.close()  # the rest of the ranking is never read
    if not best:
        return []
    where, params = in_list("c", list(best))
    sizes = dict(run(conn, f"SELECT id, n_statements FROM claims WHERE id IN {where}", params).fetchall())
    return sorted((c for c in best if c in sizes), key=lambda c: (best[c], -sizes[c], c))[:limit]


def _newest_matches(conn: Connection, fts_table: str, query: str, join: str = "", cond: str = "1 = 1",
                    params: dict | None = None, rowids: tuple[int, int] | None = None) -> int | None:
    """The lowest rowid among the newest ``FTS_CANDIDATES`` rows matching an FTS5 query (None
    when none).

    FTS5 walks its posting lists in descending rowid order and stops at the limit, without
    ranking; the query proper then ranks only rows from this one on. ``join`` and ``cond``
    (on the rows ``join`` names, with ``params``): the newest matches among those the query's
    filters keep, so that a filter to an old span or a small outlet still finds its matches
    when the archive holds thousands of newer ones. Without a filter (``cond`` is the where lists'
    "1 = 1") the join is left out and FTS5 alone finds the newest. ``rowids``: the lowest and
    highest rowid the filters can keep (``_span_ids``); FTS5 seeks to them in its posting
    lists, so that the walk does not visit every newer match.
    """
    if cond == "1 = 1":
        join = ""
    bound, extra = "", {}
    if rowids is not None:
        bound, extra = "AND f.rowid >= :lo_id AND f.rowid <= :hi_id ", {"lo_id": rowids[0], "hi_id": rowids[1]}
    row = run(conn, f"SELECT min(rowid) FROM (SELECT f.rowid AS rowid FROM {fts_table} f {join} "
                    f"WHERE {fts_table} MATCH :q {bound}AND {cond} ORDER BY f.rowid DESC LIMIT :cap)",
              {"q": query, "cap": FTS_CANDIDATES, **extra, **(params or {})}).fetchone()
    return row[0]


def _span_ids(conn: Connection, f: Filters | None) -> tuple[int, int] | None:
    """The lowest and highest id of the articles dated in ``f``'s span, read from the index on
    ``published`` (None: no span asked; (1, 0) when no article is dated in it). Ids follow
    ingest and news is ingested about as it is published, so a span's articles lie in a
    narrow band of ids; an archive filled out of order widens the band, never loses an article."""
    if f is None or not (f.since or f.until):
        return None
    where, params = [], {}
    _span_where("published", f, where, params)
    lo, hi = run(conn, f"SELECT min(id), max(id) FROM articles WHERE {' AND '.join(where)}", params).fetchone()
    return (lo, hi) if lo is not None else (1, 0)


def claim_info(bind: Engine | Connection, claim_id: int) -> ClaimInfo | None:
    """One claim with its first report (date, outlet, speaker) and its stored verdict."""
    with connection(bind) as conn:
        found = _claim_infos(conn, [claim_id])
        return found[0] if found else None


def _claim_infos(conn: Connection, ids: list[int]) -> list[ClaimInfo | None]:
    """``claim_info`` of each id, in one query: the stored verdict columns, the first report's
    speaker as people corrected it."""
    if not ids:
        return []
    where, params = in_list("c", ids)
    rows = run(conn, "SELECT c.id, c.text, c.status, c.first_published, a.outlet, s.speaker_name, "
                     "c.n_statements, c.first_statement_id, c.reason, c.decided_by, c.sources, c.outlets, "
                     "c.most_reported, c.status_changed FROM claims c "
                     "LEFT OUTER JOIN statements s ON s.id = c.first_statement_id "
                     f"LEFT OUTER JOIN articles a ON a.id = s.article_id WHERE c.id IN {where}", params).fetchall()
    found = {}
    for r in rows:
        found[r[0]] = ClaimInfo(*r[:8], reason=r[8], decided_by=json.loads(r[9] or "[]"), sources=r[10] or 0,
                                outlets=r[11] or 0, most_reported=bool(r[12]), status_changed=r[13])
    firsts = [i.first_statement_id for i in found.values() if i.first_statement_id]
    fixed = corrections.overrides(conn, firsts) if firsts else {}
    for info in found.values():
        if info.first_statement_id in fixed:  # the first report's speaker as people corrected it
            info.first_speaker = fixed[info.first_statement_id]["speaker"]
    return [found.get(i) for i in ids]


def parse_claim_ref(ref: str | int) -> int | None:
    """A claim id from ``12``, ``c12`` or ``C12``; None for anything else."""
    m = re.fullmatch(r"[cC]?(\d+)", str(ref).strip())
    return int(m.group(1)) if m else None


def timeline(bind: Engine | Connection, ref: str | int, *, offset: int = 0,
             limit: int | None = None) -> Timeline | None:
    """A claim's timeline: first reported, repeated, confirmed, disputed, denied, declined.

    ``ref`` is a claim id (``12`` or ``c12``) or words of the claim (the best match is taken).
    ``offset`` and ``limit`` choose the events listed (all by default); the claim is judged from
    all its statements whatever the page, and only the page's statements are read in full.
    """
    with connection(bind) as conn:
        claim_id = parse_claim_ref(ref)
        if claim_id is None:
            found = list_claims(conn, about=str(ref), limit=1)
            claim_id = found[0].id if found else None
        info = claim_info(conn, claim_id) if claim_id is not None else None
        if info is None:
            return None
        verdict = store_claims.load_verdict(conn, claim_id)  # every statement, as corrected
        offset = max(0, offset)
        shown = verdict.rows[offset:] if limit is None else verdict.rows[offset:offset + max(0, limit)]
        events = _events(conn, _statements_by_id(conn, [j.row.id for j in shown]), verdict)
        relations = dict(Counter(j.relation for j in verdict.rows))
        points = [{"published": j.row.published, "speaker": j.row.speaker, "outlet": j.row.outlet,
                   "relation": j.relation, "statement_id": j.row.id} for j in verdict.rows]
        return Timeline(info, events, _copies(conn, {e.article_id for e in events}), verdict.history(),
                        total=len(verdict.rows), offset=offset, relations=relations, points=points)


def _events(conn: Connection, found: list[Statement], verdict: store_claims.Verdict) -> list[Event]:
    """Each statement (as corrected) with its relation to the claim (store/claims.py: first
    reported, repeated, confirmed, denied, disputed, declined, reported, retracted, corrected),
    its review flag, and the status after it; in the verdict's order (date, then article)."""
    judged = {j.row.id: j for j in verdict.rows}
    events = []
    for s in found:
        j = judged.get(s.id)
        role = j.relation if j is not None else ROLE_NAMES.get(s.stance, s.stance)
        events.append(Event(role, s.published, s.outlet, s.entity, s.entity_id, s.words, s.article_id,
                            s.title, s.url, s.id, s.start, s.end, role, j.review if j else None,
                            j.status_after if j else None, bool(j and j.changed), s.reviewed, s.corrections))
    return events


def _copies(conn: Connection, article_ids: set[int]) -> list[dict]:
    if not article_ids:
        return []
    rows = conn.execute(select(articles.c.id, articles.c.copy_of, articles.c.outlet, articles.c.published,
                               articles.c.url, articles.c.copy_similarity)
                        .where(articles.c.copy_of.in_(article_ids)).order_by(articles.c.published)).all()
    return [{"article_id": r.id, "copy_of": r.copy_of, "outlet": r.outlet, "published": r.published,
             "url": r.url, "similarity": r.copy_similarity} for r in rows]


# -- search -------------------------------------------------------------------------------


def fts5_query(text_: str) -> str:
    """User words as an FTS5 query: every word required, each quoted (no operators injected)."""
    words = re.findall(r"\w+", text_)
    return " ".join(f'"{w}"' for w in words)


def search(bind: Engine | Connection, query: str, limit: int = 20, f: Filters | None = None) -> list[SearchHit]:
    """Articles whose title or text holds every word of ``query``, best match first; ``f``
    keeps those of an outlet and a date span."""
    where, fparams = ["1 = 1"], {}
    if f is not None and f.outlet:
        where.append("lower(a.outlet) = lower(:outlet)")
        fparams["outlet"] = f.outlet
    if f is not None:
        _span_where("a.published", f, where, fparams)
    cond = " AND ".join(where)
    with connection(bind) as conn:
        if conn.dialect.name == "postgresql":
            # as on SQLite, only the newest FTS_CANDIDATES matches the filters keep are ranked:
            # ts_rank reads each ranked article's tsvector, the index alone finds the newest
            sql = ("SELECT a.id, a.title, a.outlet, a.published, a.url, ts_headline('english', a.text, q, "
                   "'StartSel=«,StopSel=»,MaxWords=30,MinWords=12') AS snippet FROM "
                   "(SELECT a.id, ts_rank(a.tsv, q) AS r, q FROM "
                   "(SELECT a.id FROM articles a, plainto_tsquery('english', :q) q "
                   f"WHERE a.tsv @@ q AND {cond} ORDER BY a.id DESC LIMIT :cap) newest "
                   "JOIN articles a ON a.id = newest.id, plainto_tsquery('english', :q) q "
                   "ORDER BY r DESC LIMIT :n) m JOIN articles a ON a.id = m.id ORDER BY m.r DESC")
            params = {"q": query, "n": limit, "cap": FTS_CANDIDATES, **fparams}
        else:
            return _search_sqlite(conn, fts5_query(query), limit, cond, fparams, _span_ids(conn, f))
        return [SearchHit(*r) for r in run(conn, sql, params, prepared=False).fetchall()]


def _search_sqlite(conn: Connection, query: str, limit: int, cond: str = "1 = 1",
                   fparams: dict | None = None, rowids: tuple[int, int] | None = None) -> list[SearchHit]:
    """FTS5: rank (bm25) the newest ``FTS_CANDIDATES`` matches, then build snippets for the
    ``limit`` best only (a snippet re-reads and re-tokenises its article's text). ``rowids``:
    the band of ids a date span keeps (``_span_ids``)."""
    if not query:
        return []
    lowest = _newest_matches(conn, "articles_fts", query, "JOIN articles a ON a.id = f.rowid", cond, fparams,
                             rowids)
    if lowest is None:
        return []
    highest = rowids[1] if rowids is not None else None
    # the articles' rows are read only when a filter is on them: FTS5 ranks from its index alone
    join = "" if cond == "1 = 1" else "JOIN articles a ON a.id = articles_fts.rowid "
    ids = [r[0] for r in run(conn, f"SELECT articles_fts.rowid FROM articles_fts {join}WHERE articles_fts MATCH :q "
                                   "AND articles_fts.rowid >= :lowest "
                                   f"{'AND articles_fts.rowid <= :highest ' if highest is not None else ''}"
                                   f"AND {cond} ORDER BY rank LIMIT :n",
                             {"q": query, "lowest": lowest, "highest": highest, "n": limit,
                              **(fparams or {})}).fetchall()]
    if not ids:
        return []
    where, params = in_list("a", ids)
    rows = run(conn, "SELECT a.id, a.title, a.outlet, a.published, a.url, "
                     "snippet(articles_fts, 1, '«', '»', '…', 16) FROM articles_fts "
                     "JOIN articles a ON a.id = articles_fts.rowid "
                     f"WHERE articles_fts MATCH :q AND articles_fts.rowid IN {where}",
               {"q": query, **params}).fetchall()
    found = {r[0]: SearchHit(*r) for r in rows}
    return [found[i] for i in ids]


# -- for the explorer ---------------------------------------------------------------------


def article(bind: Engine | Connection, article_id: int) -> dict | None:
    """One article's whole record, as ``onrecord analyze --format json`` gave it, plus the
    store's ids under ``store`` (``record.article``); None when there is no such article."""
    with connection(bind) as conn:
        data = record.article(conn, article_id)
        if data is not None:
            # people's corrections beside the engine's record: the entries, and each
            # attribution's corrected values under ``store`` (None: not corrected)
            ids = [a["statement_id"] for a in data["store"]["attributions"]]
            data["corrections"], views = corrections.article_view(conn, article_id, ids)
            for a, view in zip(data["store"]["attributions"], views):
                a["corrected"] = view
        return data


def stats(bind: Engine | Connection) -> dict:
    """Counts of articles (and copies), statements, entities and claims by status."""
    with connection(bind) as conn:
        count = lambda t: conn.execute(select(func.count()).select_from(t)).scalar()  # noqa: E731
        by_status = dict(conn.execute(select(claims.c.status, func.count()).group_by(claims.c.status)).all())
        copies = conn.execute(select(func.count()).where(articles.c.copy_of.is_not(None))).scalar()
        return {"articles": count(articles), "copies": copies, "statements": count(statements),
                "entities": count(entities), "claims": count(claims), "claims_by_status": by_status}


# -- filtered lists (the explorer's facets and downloads) ---------------------------------


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to: an outlet (any case), a date span (YYYY-MM-DD, inclusive),
    a statement's kind, act and stance, a status (a claim's; for statements their review:
    ``unreviewed``, ``accepted``, ``corrected``) and a least confidence. Every value is as
    people corrected it (``statement_overrides``); None keeps everything."""

    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    kind: str | None = None
    act: str | None = None
    stance: str | None = None
    status: str | None = None
    min_confidence: float | None = None


#: The review statuses a statement list filters by (a rejected row is never listed).
REVIEW_STATUSES = ("unreviewed", "accepted", "corrected")
#: The orders each list can be sorted in: key -> SQL ORDER BY (claims: a Python key on ClaimInfo).
ARTICLE_SORTS = {"newest": "a.published DESC, a.id DESC", "oldest": "coalesce(a.published, '9999'), a.id",
                 "outlet": "lower(coalesce(a.outlet, '~')), a.published DESC, a.id",
                 "title": "lower(coalesce(a.title, '~')), a.id", "statements": "a.n_statements DESC, a.id"}
ENTITY_SORTS = {"statements": "e.n_statements DESC, e.id", "name": "lower(e.name), e.id",
                "-statements": "e.n_statements, e.id"}
STATEMENT_SORTS = {"oldest": "coalesce(s.published, '9999'), s.id", "newest": "coalesce(s.published, '') DESC, s.id DESC",
                   "confidence": "coalesce({conf}, 2) DESC, s.id", "-confidence": "coalesce({conf}, -1), s.id"}
CLAIM_SORTS = ("reported", "statements", "newest", "oldest", "sources")


#: The record's calibrated confidence in SQL (one definition, store/corrections.py).
_confidence_sql = corrections._confidence_sql


def _act_sql(conn: Connection) -> str:
    """The record's ``act`` (speech, refusal, belief, ...), in the database's JSON dialect."""
    if conn.dialect.name == "postgresql":
        return "(s.record::json->>'act')"
    return "json_extract(s.record, '$.act')"


def _span_where(column: str, f: Filters, where: list[str], params: dict) -> None:
    if f.since:
        where.append(f"{column} >= :since")
        params["since"] = f.since
    if f.until:  # a date with a time on the last day still counts
        where.append(f"{column} <= :until")
        params["until"] = f.until[:10] + "~"


def _statement_where(conn: Connection, f: Filters, where: list[str], params: dict) -> None:
    """Conditions on ``statements s`` (corrected values from ``statement_overrides o``, joined
    LEFT OUTER) and ``articles a``: the one place the statement facets are turned into SQL."""
    where.append("coalesce(o.review, '') <> 'rejected'")
    if f.outlet:
        where.append("lower(a.outlet) = lower(:outlet)")
        params["outlet"] = f.outlet
    _span_where("s.published", f, where, params)
    for name, column in (("kind", "coalesce(o.kind, s.kind)"), ("stance", "coalesce(o.stance, s.stance)"),
                         ("act", f"coalesce(o.act, {_act_sql(conn)})")):
        if getattr(f, name):
            where.append(f"{column} = :{name}")
            params[name] = getattr(f, name)
    if f.status:
        if f.status not in REVIEW_STATUSES:
            raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
        where.append("o.review IS NULL" if f.status == "unreviewed" else "o.review = :review")
        params["review"] = f.status
    if f.min_confidence is not None:
        where.append(f"{_confidence_sql(conn)} >= :conf")
        params["conf"] = f.min_confidence


_STATEMENT_FROM = ("FROM statements s JOIN articles a ON a.id = s.article_id "
                   "LEFT OUTER JOIN statement_overrides o ON o.statement_id = s.id")


def _order(sorts: dict, sort: str | None, default: str) -> str:
    key = sort or default
    if key not in sorts:
        raise ValueError(f"sort must be one of {', '.join(sorts)}")
    return sorts[key]


def filter_articles(bind: Engine | Connection, f: Filters, sort: str | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[int], int]:
    """Ids of the articles in an outlet and a date span (``f.outlet``, ``f.since``/``f.until``),
    in the order ``sort`` names (``ARTICLE_SORTS``, newest first by default), and how many in all."""
    with connection(bind) as conn:
        where, params = ["1 = 1"], {"n": limit, "o": offset}
        if f.outlet:
            where.append("lower(a.outlet) = lower(:outlet)")
            params["outlet"] = f.outlet
        _span_where("a.published", f, where, params)
        cond = " AND ".join(where)
        order = _order(ARTICLE_SORTS, sort, "newest")
        ids = [r[0] for r in run(conn, f"SELECT a.id FROM articles a WHERE {cond} ORDER BY {order} "
                                       "LIMIT :n OFFSET :o", params).fetchall()]
        total = run(conn, f"SELECT count(*) FROM articles a WHERE {cond}", params).fetchone()[0]
        return ids, total


def article_outlets(bind: Engine | Connection, f: Filters, limit: int = 20) -> list[dict]:
    """The outlet facet of ``filter_articles`` (the date span applied, not the outlet):
    ``[{"value": outlet, "count": n}]``, the largest first."""
    with connection(bind) as conn:
        where, params = ["1 = 1"], {"n": limit}
        _span_where("a.published", f, where, params)
        rows = run(conn, f"SELECT a.outlet, count(*) AS n FROM articles a WHERE {' AND '.join(where)} "
                         "GROUP BY a.outlet ORDER BY n DESC, a.outlet LIMIT :n", params).fetchall()
        return [{"value": r[0], "count": r[1]} for r in rows if r[0]]


def filter_entities(bind: Engine | Connection, f: Filters, sort: str | None = None, limit: int = 50,
                    offset: int = 0, *, kind: str | None = None) -> tuple[list[int], int, dict[str, list[dict]]]:
    """Ids of the people and organisations (``kind``: an entity type, PERSON, ORG, ...) with a
    statement passing the statement facets of ``f`` (as corrected: by their corrected speaker,
    a rejected row left out), sorted by ``ENTITY_SORTS``; how many in all; and the type facet
    (the statement facets applied, not the type)."""
    with connection(bind) as conn:
        where, params = ["1 = 1"], {"n": limit, "o": offset}
        if any((f.outlet, f.since, f.until, f.kind, f.act, f.stance, f.status, f.min_confidence is not None)):
            speaker = _merged_sql(conn, "(CASE WHEN o.statement_id IS NULL THEN s.entity_id ELSE o.entity_id END)",
                                  params)
            cond: list[str] = []
            _statement_where(conn, f, cond, params)
            # one pass over the statements (not one a listed entity): the speakers passing
            where.append(f"e.id IN (SELECT {speaker} {_STATEMENT_FROM} WHERE {' AND '.join(cond)})")
        types = run(conn, f"SELECT e.type, count(*) AS n FROM entities e WHERE {' AND '.join(where)} "
                          "GROUP BY e.type ORDER BY n DESC, e.type", params).fetchall()
        if kind:
            where.append("e.type = :etype")
            params["etype"] = kind
        sql_where = " AND ".join(where)
        order = _order(ENTITY_SORTS, sort, "statements")
        ids = [r[0] for r in run(conn, f"SELECT e.id FROM entities e WHERE {sql_where} ORDER BY {order} "
                                       "LIMIT :n OFFSET :o", params).fetchall()]
        total = run(conn, f"SELECT count(*) FROM entities e WHERE {sql_where}", params).fetchone()[0]
        return ids, total, {"type": [{"value": r[0], "count": r[1]} for r in types]}


def _merged_sql(conn: Connection, speaker: str, params: dict) -> str:
    """``speaker`` (an entity id in SQL) as the entity it stands for after people's merges
    (``corrections.roots``): the merges in force are few (each one a person's decision), so
    they are written into the query as one CASE."""
    merged = [r[0] for r in run(conn, "SELECT entity_id FROM entity_merges").fetchall()]
    if not merged:
        return speaker
    root = corrections.roots(conn, merged)
    whens = []
    for n, (e, r) in enumerate(sorted(root.items())):
        whens.append(f"WHEN :me{n} THEN :mr{n}")
        params[f"me{n}"], params[f"mr{n}"] = e, r
    return f"(CASE {speaker} {' '.join(whens)} ELSE {speaker} END)"


def filter_entity_statements(bind: Engine | Connection, entity_id: int, f: Filters, sort: str | None = None,
                             limit: int = 100, offset: int = 0) -> tuple[list[int], int, dict[str, list[dict]]]:
    """Ids of an entity's statements (by corrected speaker, merges followed, a rejected row left
    out, as ``corrections.entity_statement_ids``) passing ``f``, sorted by ``STATEMENT_SORTS``
    (oldest first by default); how many in all; and the stance facet of those rows."""
    with connection(bind) as conn:
        if f == Filters() and (sort or "oldest") == "oldest":
            # the page as first shown: ids, count and stances from the (entity, date, stance)
            # index, no statement or article row read (a person quoted 40,000 times at 1M)
            stances = corrections.entity_stances(conn, [entity_id])
            return (corrections.entity_statement_ids(conn, [entity_id], limit, offset), sum(stances.values()),
                    {"stance": [{"value": st, "count": n}
                                for st, n in sorted(stances.items(), key=lambda kv: (-kv[1], kv[0]))]})
        return _filtered_entity_statements(conn, entity_id, f, sort, limit, offset)


def _filtered_entity_statements(conn: Connection, entity_id: int, f: Filters, sort: str | None, limit: int,
                                offset: int) -> tuple[list[int], int, dict[str, list[dict]]]:
    """``filter_entity_statements`` by reading each row the filters and the order look at."""
    members = sorted(corrections.merged_into(conn, set(corrections.roots(conn, [entity_id]).values())))
    inside, params = in_list("e", members)
    params.update({"n": limit, "o": offset})
    # the rows spoken by those entities as the engine found them or as corrected, found by
    # the indexes (statements.entity_id, statement_overrides.entity_id), then the corrected
    # speaker checked on those rows only: the CASE alone scans every statement
    where = [f"s.id IN (SELECT id FROM statements WHERE entity_id IN {inside} "
             f"UNION ALL SELECT statement_id FROM statement_overrides WHERE entity_id IN {inside})",
             f"(CASE WHEN o.statement_id IS NULL THEN s.entity_id ELSE o.entity_id END) IN {inside}"]
    _statement_where(conn, f, where, params)
    cond = " AND ".join(where)
    order = _order(STATEMENT_SORTS, sort, "oldest")
    # the confidence is read from each row's record only when the order needs it (the
    # expression itself: PostgreSQL takes no output alias inside an ORDER BY expression)
    order = order.format(conf=_confidence_sql(conn))
    ids = [r[0] for r in run(conn, f"SELECT s.id {_STATEMENT_FROM} WHERE {cond} "
                                   f"ORDER BY {order} LIMIT :n OFFSET :o", params).fetchall()]
    total = run(conn, f"SELECT count(*) {_STATEMENT_FROM} WHERE {cond}", params).fetchone()[0]
    stances = run(conn, f"SELECT coalesce(o.stance, s.stance) AS st, count(*) AS n {_STATEMENT_FROM} "
                        f"WHERE {cond} GROUP BY st ORDER BY n DESC, st", params).fetchall()
    return ids, total, {"stance": [{"value": r[0], "count": r[1]} for r in stances]}


def sort_claims(found: list[ClaimInfo], sort: str | None) -> list[ClaimInfo]:
    """Claims in the order ``sort`` names (``CLAIM_SORTS``; ``reported``, the default, keeps
    ``list_claims``'s order: the most reported first)."""
    key = sort or "reported"
    if key not in CLAIM_SORTS:
        raise ValueError(f"sort must be one of {', '.join(CLAIM_SORTS)}")
    if key == "statements":
        return sorted(found, key=lambda c: (-c.statements, c.id))
    if key == "sources":
        return sorted(found, key=lambda c: (-c.sources, -c.outlets, c.id))
    if key in ("newest", "oldest"):
        dated = sorted(found, key=lambda c: (c.first_published or "", c.id), reverse=key == "newest")
        return [c for c in dated if c.first_published] + [c for c in dated if not c.first_published]
    return list(found)
