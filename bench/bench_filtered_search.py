"""Benchmark of the filtered full-text queries: ``search`` and ``claims --about`` with an outlet,
a date span, a status or a stance, against the SQL they ran before (SQLite).

Both find the newest ``queries.FTS_CANDIDATES`` matches the filters keep and rank only those.
The baseline walked every match newest first and checked the filters on each (a row lookup,
and for a claim an EXISTS over its statements), so an old span or a small outlet paid for every
newer match of the words. Now a date span first bounds the walk to the ids of the rows dated in
it (an index range; ids follow ingest, which follows the news), and a claim's span, outlet or
stance is checked on its statements through the (claim, published) index alone, joining an
article only for the outlet. Results must be identical: each query is run both ways and compared.

Medians and p95 over the queries, the two versions alternated in one process, and the ratio.
The store is one ``bench/bench_store.py`` built (the generator's words and outlets are asked):

    .venv/bin/python bench/bench_store.py --sizes 40000 --bulk --no-pages --db /tmp/s/store.sqlite
    .venv/bin/python bench/bench_filtered_search.py --db /tmp/s/store.sqlite
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_store  # noqa: E402  (the generator's words, verbs and outlets)

from onrecord.store import queries  # noqa: E402
from onrecord.store.db import open_engine  # noqa: E402
from onrecord.store.queries import connection  # noqa: E402
from onrecord.store.sql import run  # noqa: E402


def old_newest_matches(conn, fts_table, query, join="", cond="1 = 1", params=None) -> int:
    """The baseline: every match walked newest first, the filters checked on each."""
    if cond == "1 = 1":
        join = ""
    row = run(conn, f"SELECT min(rowid) FROM (SELECT f.rowid AS rowid FROM {fts_table} f {join} "
                    f"WHERE {fts_table} MATCH :q AND {cond} ORDER BY f.rowid DESC LIMIT :cap)",
              {"q": query, "cap": queries.FTS_CANDIDATES, **(params or {})}).fetchone()
    return row[0] or 0


def old_claim_where(status, outlet, since, until, changed_since, stance):
    """The baseline's conditions on ``claims c``: an EXISTS joining every statement's article."""
    where, params = ["1 = 1"], {}
    if status:
        where.append("c.status = :status")
        params["status"] = status
    one = ("EXISTS (SELECT 1 FROM statements s JOIN articles a ON a.id = s.article_id "
           "LEFT OUTER JOIN statement_overrides o ON o.statement_id = s.id WHERE s.claim_id = c.id "
           "AND coalesce(o.review, '') <> 'rejected' AND {})")
    if outlet:
        where.append(one.format("lower(a.outlet) = lower(:outlet)"))
        params["outlet"] = outlet
    if since or until:
        span = [c for c, v in (("s.published >= :since", since), ("s.published <= :until", until)) if v]
        where.append(one.format(" AND ".join(span)))
        params.update({k: v for k, v in (("since", since), ("until", until[:10] + "~" if until else None)) if v})
    if stance:
        where.append(one.format("coalesce(o.stance, s.stance) = :stance"))
        params["stance"] = stance
    return where, params


def old_about(engine, about, status=None, outlet=None, since=None, until=None, stance=None, limit=50):
    """The baseline ``claims --about``: the claims' ids, best match first."""
    where, params = old_claim_where(status, outlet, since, until, None, stance)
    cond = " AND ".join(where)
    query = queries.fts5_query(about)
    with connection(engine) as conn:
        lowest = old_newest_matches(conn, "statements_fts", query, "JOIN statements s ON s.id = f.rowid "
                                    "JOIN claims c ON c.id = s.claim_id", cond, params)
        sql = ("SELECT s.claim_id FROM statements_fts f JOIN statements s ON s.id = f.rowid "
               "JOIN claims c ON c.id = s.claim_id WHERE statements_fts MATCH :q AND f.rowid >= :lowest "
               f"AND {cond} GROUP BY s.claim_id ORDER BY min(f.rank), max(c.n_statements) DESC LIMIT :n")
        return [r[0] for r in run(conn, sql, {**params, "q": query, "n": limit, "lowest": lowest})]


def old_search(engine, words, outlet=None, since=None, until=None, limit=20):
    """The baseline ``search``: the articles' ids, best match first."""
    where, params = ["1 = 1"], {}
    if outlet:
        where.append("lower(a.outlet) = lower(:outlet)")
        params["outlet"] = outlet
    queries._span_where("a.published", queries.Filters(since=since, until=until), where, params)
    cond = " AND ".join(where)
    query = queries.fts5_query(words)
    with connection(engine) as conn:
        lowest = old_newest_matches(conn, "articles_fts", query, "JOIN articles a ON a.id = f.rowid", cond, params)
        return [r[0] for r in run(conn, "SELECT articles_fts.rowid FROM articles_fts JOIN articles a "
                                        "ON a.id = articles_fts.rowid WHERE articles_fts MATCH :q "
                                        f"AND articles_fts.rowid >= :lowest AND {cond} ORDER BY rank LIMIT :n",
                                  {"q": query, "lowest": lowest, "n": limit, **params})]


def new_about(engine, about, **kw):
    return [c.id for c in queries.list_claims(engine, about=about, **kw)]


def new_search(engine, words, outlet=None, since=None, until=None, limit=20):
    f = queries.Filters(outlet=outlet, since=since, until=until)
    return [h.article_id for h in queries.search(engine, words, limit, f)]


def timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return (time.perf_counter() - t) * 1000, out


def p95(xs):
    xs = sorted(xs)
    return xs[int(0.95 * (len(xs) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="A store bench/bench_store.py built (SQLite).")
    ap.add_argument("--queries", type=int, default=20, help="Queries per case.")
    opts = ap.parse_args()
    engine, _ = open_engine(opts.db, create=False)
    with engine.connect() as conn:
        first, last = conn.exec_driver_sql("SELECT min(published), max(published) FROM articles").one()
    days = sorted({bench_store.published(i) for i in range(0, 10 ** 7, bench_store.PER_DAY)
                   if first <= bench_store.published(i) <= last})
    old_span = (days[len(days) // 20], days[len(days) // 20 + 6])  # a week, early in the archive
    rng = random.Random(7)
    commons = [w for w in bench_store.words(rng, 200, content=True)][:200]
    cases = {
        "search, an old week": (old_search, new_search, lambda w: {"since": old_span[0], "until": old_span[1]}),
        "search, an outlet": (old_search, new_search, lambda w: {"outlet": rng.choice(bench_store.OUTLETS)}),
        "search, outlet + week": (old_search, new_search, lambda w: {"outlet": rng.choice(bench_store.OUTLETS),
                                                                     "since": old_span[0], "until": old_span[1]}),
        "about, an old week": (old_about, new_about, lambda w: {"since": old_span[0], "until": old_span[1]}),
        "about, an outlet": (old_about, new_about, lambda w: {"outlet": rng.choice(bench_store.OUTLETS)}),
        "about, a stance": (old_about, new_about, lambda w: {"stance": "assert"}),
        "about, a status": (old_about, new_about, lambda w: {"status": "stated"}),
    }
    print(f"{opts.db}: articles {first} .. {last}; the old week {old_span[0]} .. {old_span[1]}")
    for name, (old, new, filters) in cases.items():
        base, now, differ = [], [], 0
        for k in range(opts.queries):
            # one common word, the most matches to walk: of the text, or of the claims' names
            words = rng.choice(commons[:30] if "search" in name else bench_store.NAMING[:10])
            kw = filters(words)
            (t0, a), (t1, b) = (timed(old, engine, words, **kw), timed(new, engine, words, **kw)) if k % 2 else \
                reversed((timed(new, engine, words, **kw), timed(old, engine, words, **kw)))
            base.append(t0)
            now.append(t1)
            differ += a != b
        print(f"{name:24} baseline p50 {statistics.median(base):7.1f} p95 {p95(base):7.1f} ms   "
              f"now p50 {statistics.median(now):6.1f} p95 {p95(now):6.1f} ms   "
              f"p50 x{statistics.median(base) / max(statistics.median(now), 1e-3):.1f}   "
              f"differing results {differ}/{opts.queries}", flush=True)


if __name__ == "__main__":
    main()
