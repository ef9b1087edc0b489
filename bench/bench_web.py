"""Benchmark of the explorer: latency of the article, person and claim views on a large store.

The store's articles come from the store benchmark's generator (bench/bench_store.py:
generated Reports, no spaCy). Ingesting them through the store runs at ~30 articles/s on
this machine (linking, embedding, the HNSW index), an hour for 100k; so by default the rows
are written straight into the store's schema (a minute), with people and claims assigned the
way a large corpus skews them: a few people and claims with hundreds of statements, most
with a handful. ``--ingest`` uses the real ingest instead. A store at ``--db`` that holds
enough articles is reused.
Each view is requested in process through the whole ASGI app (routing, middleware, queries,
template rendering); the baseline is the bare library call behind it, run in the same
process, so the ratio is what the web layer adds.

    .venv/bin/python bench/bench_web.py --articles 2000             # quick
    .venv/bin/python bench/bench_web.py --db .onrecord/bench-100k.sqlite   # 100k (built once)
    .venv/bin/python bench/bench_web.py --pages --db /tmp/mixed.sqlite     # the mixed load's pages

``--pages`` measures the four pages ``bench/load_serve.py --mixed`` reads (the same sample of
ids and words) on an existing store, each called through the ASGI app in one event loop (no
HTTP, no test client: Starlette's TestClient alone costs ~3 ms a request), the median of 40
after 5 to warm up; beside it the data call behind the page (``web.views``) and a trivial
route added to the same app, the framework's own cost of a request.

Target: p95 of each page under 200 ms on a 100k-article store.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).parent))
import bench_store  # noqa: E402  (the store benchmark's article generator)

from onrecord.store import claims as store_claims, queries  # noqa: E402
from onrecord.store import record as store_record  # noqa: E402
from onrecord.store.db import open_engine  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.store.schema import articles, claims, entities, entity_aliases, statements  # noqa: E402
from onrecord.web import listing  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

#: Requests a view: 200 gives a p95 from the 10 slowest, steady to a few ms on a busy machine.
REQUESTS = 200
#: The p95 each page must stay under on a 100k-article store: an editor clicking through
#: a large archive should not wait; 200 ms is the budget the explorer is held to.
TARGET_MS = 200


#: Skew of who speaks and which claim a statement joins: index = len * random() ** SKEW. With 2,
#: on 100k articles the most quoted person has about a thousand statements and the largest
#: claim some hundreds: a big story's size, the worst case the person and claim pages meet.
SKEW = 2.0
#: Share of statements that start a new claim (the rest repeat or answer an earlier one).
NEW_CLAIM = 0.5
BATCH = 5000


def bulk_build(db: Path, n: int) -> None:
    """A new store of ``n`` generated articles, rows written straight into the schema."""
    engine = open_engine(db, create=True)[0]
    pool, rng = bench_store.people(), random.Random(11)
    ents = {name: k + 1 for k, name in enumerate(dict.fromkeys(pool))}
    rows = {"articles": [], "statements": [], "claims": []}
    counts: dict[int, int] = {}
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(insert(entities), [{"id": i, "name": nm, "type": "PERSON", "surname": nm.split()[-1].lower(),
                                         "n_statements": 0} for nm, i in ents.items()])
        conn.execute(insert(entity_aliases), [{"entity_id": i, "norm": nm.lower(), "alias": nm} for nm, i in ents.items()])
        for i in range(n):
            _bulk_article(i, pool, ents, rng, rows, counts)
            if len(rows["articles"]) >= BATCH:
                _flush(conn, rows)
        _flush(conn, rows)
        for eid, k in counts.items():
            conn.execute(entities.update().where(entities.c.id == eid).values(n_statements=k))
        for (cid,) in conn.execute(select(claims.c.id)).all():  # the verdicts, as ingest stores them
            store_claims.store_verdict(conn, cid)
    engine.dispose()


def _bulk_article(i: int, pool, ents, rng, rows, counts) -> None:
    """One generated article and its statements as rows; speakers and claims drawn skewed."""
    report = bench_store.make_article(i, pool, rng)
    art = report.article
    rows["articles"].append({"id": i + 1, "url": art.url, "content_hash": hashlib.sha256(art.text.encode()).hexdigest(),
                             "doc_id": art.doc_id, "title": art.text.split("\n")[0], "published": art.published,
                             "outlet": bench_store.OUTLETS[i % len(bench_store.OUTLETS)], "source": "bench",
                             "text": art.text, "n_statements": 3, "ingested_at": dt.datetime(2025, 1, 1),
                             "record": store_record.dumps(store_record.article_part(report))})
    for a in report.attributions:
        who = pool[int(len(pool) * rng.random() ** SKEW)]
        sid = 3 * i + int(a.id[1:])
        claim = _claim(rng, rows, sid, a.content.text, art.published)
        eid = ents[who]
        counts[eid] = counts.get(eid, 0) + 1
        stance = rng.choice(["asserts"] * 6 + ["denies", "confirms"])
        rows["statements"].append({
            "id": sid, "article_id": i + 1, "local_id": a.id, "entity_id": eid, "speaker_text": a.speaker.text,
            "speaker_name": who, "speaker_type": "PERSON", "speaker_start": a.speaker.start,
            "speaker_end": a.speaker.end, "kind": a.kind, "stance": stance,
            "record": store_record.dumps({**a.to_record(art.doc_id), "stance": stance}),
            "cue_text": "said", "content_text": a.content.text, "content_start": a.content.start,
            "content_end": a.content.end, "claim_text": a.content.text, "published": art.published, "claim_id": claim})


_claims: list[dict] = []


def _claim(rng, rows, sid: int, text: str, published: str) -> int:
    """A new claim, or (skewed towards the earliest) an existing one; its row kept up to date."""
    if not _claims or rng.random() < NEW_CLAIM:
        row = {"id": len(_claims) + 1, "text": text, "status": rng.choice(queries.STATUSES),
               "first_published": published, "first_statement_id": sid, "n_statements": 0}
        _claims.append(row)
        rows["claims"].append(row)
    else:
        row = _claims[int(len(_claims) * rng.random() ** SKEW)]
    row["n_statements"] += 1
    return row["id"]


def _flush(conn, rows) -> None:
    """Write the pending rows (claims first: statements point at them) and update claim sizes."""
    if not rows["articles"]:
        return
    if rows["claims"]:
        conn.execute(insert(claims), rows["claims"])
    conn.execute(insert(articles), rows["articles"])
    conn.execute(insert(statements), rows["statements"])
    touched = {s["claim_id"] for s in rows["statements"]} - {c["id"] for c in rows["claims"]}
    for cid in touched:
        conn.execute(claims.update().where(claims.c.id == cid).values(n_statements=_claims[cid - 1]["n_statements"]))
    for key in rows:
        rows[key].clear()


def ensure_bulk(db: Path, n: int) -> None:
    """Reuse the generated store at ``db`` or write a new one (one transaction: all or nothing)."""
    have = 0
    if db.exists():
        engine = open_engine(db, create=False)[0]
        with engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(articles)).scalar()
        engine.dispose()
    if have and have < n:
        raise SystemExit(f"{db} holds {have} articles, not {n}: pass another --db or delete it")
    if not have:
        t = time.perf_counter()
        bulk_build(db, n)
        print(f"built {n} articles in {time.perf_counter() - t:.0f} s", flush=True)


def build(db: Path, n: int) -> None:
    """Grow the store at ``db`` to ``n`` articles through the real ingest (slow: see above)."""
    with Store.open(db, HashingEmbedder()) as store:
        with store.engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(articles)).scalar()
        if have >= n:
            return
        print(f"building: {have} -> {n} articles in {db}", flush=True)
        rate = bench_store.ingest(store, have, n, bench_store.people(), random.Random(have + 11))
        print(f"built at {rate:.0f} articles/s", flush=True)


def sample_ids(engine, table, size_col, rng: random.Random, k: int) -> list[int]:
    """``k`` ids of ``table``: random ones, plus the ten largest (the worst cases a user meets)."""
    with engine.connect() as conn:
        top = conn.execute(select(table.c.id).order_by(size_col.desc()).limit(10)).scalars().all()
        hi = conn.execute(select(func.max(table.c.id))).scalar() or 1
    return top + [rng.randint(1, hi) for _ in range(k - len(top))]


def timed(fn, ids: list[int]) -> list[float]:
    """Milliseconds of ``fn(i)`` for each id."""
    out = []
    for i in ids:
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def p50_p95(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def get(client: TestClient, url: str) -> None:
    """One page request; a failed one stops the benchmark."""
    r = client.get(url)
    if r.status_code not in (200, 404):  # random ids may hit a gap (a copy has no person...)
        raise SystemExit(f"{url}: {r.status_code} {r.text[:200]}")


def asgi_get(app, loop, url: str) -> int:
    """One GET through the whole ASGI app, run to the end in ``loop``; the status."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": parts.path, "raw_path": parts.path.encode(), "query_string": parts.query.encode(),
             "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80), "state": {}}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    loop.run_until_complete(app(scope, receive, send))
    return sent[0]["status"]


def median_ms(fn, items, warm: int = 5) -> float:
    """Median milliseconds of ``fn(item)`` over ``items`` (the first ``warm`` run once before)."""
    for item in items[:warm]:
        fn(item)
    return statistics.median(timed(fn, items))


def pages(db: Path, n: int = 40) -> None:
    """The mixed load's four pages in process (see the module's doc), and a trivial route."""
    import asyncio
    import importlib.util
    from urllib.parse import parse_qs, urlsplit

    from onrecord.web import views
    from onrecord.web.facets import Facets

    spec = importlib.util.spec_from_file_location("load_serve", Path(__file__).with_name("load_serve.py"))
    load_serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_serve)
    engine = open_engine(db, create=False)[0]
    app = create_app(engine, allowed_hosts=("127.0.0.1",))

    @app.get("/bench-trivial")
    def trivial() -> dict:
        return {"ok": True}

    loop = asyncio.new_event_loop()
    targets = load_serve.read_targets(db, random.Random(5))
    last = lambda url: int(urlsplit(url).path.rsplit("/", 1)[1])  # noqa: E731
    data = {"article": lambda u: views.article(engine, last(u)),
            "person": lambda u: views.person(engine, last(u), 1, 100),
            "claim": lambda u: views.claim(engine, last(u)),
            "search": lambda u: views.search(engine, parse_qs(urlsplit(u).query)["q"][0], 20, Facets())}

    def page(url: str) -> None:
        status = asgi_get(app, loop, url)
        if status != 200:
            raise SystemExit(f"{url}: {status}")
    print(f"store {db}: median of {n} a page, in process (ASGI app, no HTTP)")
    for kind, call in data.items():
        urls = targets[kind][:n]
        whole, behind = median_ms(page, urls), median_ms(call, urls)
        print(f"{kind:8} page {whole:6.2f} ms | data (web.views) {behind:6.2f} ms | "
              f"rendering and framework {whole - behind:6.2f} ms")
    print(f"trivial route {median_ms(page, ['/bench-trivial'] * 200):6.3f} ms (the framework's cost of a request)")
    loop.close()


def main() -> None:
    """Build or reuse the store, then print p50/p95 of each view and its ratio to the bare query."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000, help="Store size (built or grown to this).")
    ap.add_argument("--db", default=None, help="SQLite file (default: .onrecord/bench-web-N.sqlite, reused).")
    ap.add_argument("--requests", type=int, default=REQUESTS, help="Requests a view.")
    ap.add_argument("--ingest", action="store_true", help="Build through the real ingest (about 30 articles/s).")
    ap.add_argument("--pages", action="store_true",
                    help="Time the mixed load's four pages on the existing store --db (see above).")
    opts = ap.parse_args()
    if opts.pages:
        if not opts.db:
            ap.error("--pages needs --db (an existing store)")
        pages(Path(opts.db))
        return
    db = Path(opts.db or f".onrecord/bench-web-{opts.articles}{'-ingest' if opts.ingest else ''}.sqlite")
    db.parent.mkdir(parents=True, exist_ok=True)
    if opts.ingest:
        build(db, opts.articles)
    else:
        ensure_bulk(db, opts.articles)
    engine = open_engine(db, create=False)[0]
    client, rng = TestClient(create_app(engine)), random.Random(5)
    views = {
        "article": (sample_ids(engine, articles, articles.c.n_statements, rng, opts.requests),
                    "/articles/{}", lambda i: queries.article(engine, i)),
        "person": (sample_ids(engine, entities, entities.c.n_statements, rng, opts.requests),
                   "/people/{}", lambda i: listing.person(engine, i)),
        "claim": (sample_ids(engine, claims, claims.c.n_statements, rng, opts.requests),
                  "/claims/{}", lambda i: queries.timeline(engine, i)),
    }
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(articles)).scalar()
    print(f"store: {db} ({n} articles, {db.stat().st_size / 1e6:.0f} MB); {opts.requests} requests a view")
    worst = 0.0
    for name, (ids, url, bare) in views.items():
        get(client, url.format(ids[0]))  # warm the page's templates and the SQLite cache
        page = p50_p95(timed(lambda i: get(client, url.format(i)), ids))
        base = p50_p95(timed(bare, ids))
        worst = max(worst, page[1])
        print(f"{name:8} page p50 {page[0]:6.1f} p95 {page[1]:6.1f} ms | library p50 {base[0]:6.1f} "
              f"p95 {base[1]:6.1f} ms | page/library p50 x{page[0] / max(base[0], 1e-3):.1f}")
    print(f"worst p95 {worst:.1f} ms (target under {TARGET_MS} ms at 100k articles): "
          f"{'met' if worst < TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
