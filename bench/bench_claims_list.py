"""Benchmark of the claim listings: the stored verdict against judging claims at read time.

A store of generated articles (bench/bench_store.py's generator, through the real ingest with
the hashing embedder; built once at ``--db`` and reused) is asked for the most reported claims
two ways in the same process:

- baseline: what the listings did before verdicts were stored: read the 500 largest claims
  (by statements), judge each from its statements (``claims.load_verdict``), rank them by
  most reported, distinct sources, outlets, statements;
- stored: ``queries.list_claims``, one SQL query over the stored verdict columns of every claim.

Also timed through the whole app in process (routing, queries, templates): the home page,
``/claims`` and ``/outlets/claims``. Medians of ``--repeat`` runs, the ratio baseline/stored.

    .venv/bin/python bench/bench_claims_list.py                  # 3,000 articles
    .venv/bin/python bench/bench_claims_list.py --articles 10000 --db .onrecord/bench-list-10k.sqlite
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_store  # noqa: E402  (the store benchmark's article generator)

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from onrecord.store import claims as store_claims, queries  # noqa: E402
from onrecord.store.db import open_engine  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.store.schema import articles, claims  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

#: The bound the read-time ranking had (queries.RANK_CANDIDATES before verdicts were stored).
OLD_CANDIDATES = 500


def build(db: Path, n: int) -> None:
    """Grow the store at ``db`` to ``n`` generated articles through the real ingest."""
    with Store.open(db, HashingEmbedder()) as store:
        with store.engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(articles)).scalar()
        if have < n:
            print(f"building: {have} -> {n} articles in {db}", flush=True)
            rate = bench_store.ingest(store, have, n, bench_store.people(), random.Random(have + 11), [])
            print(f"built at {rate:.0f} articles/s", flush=True)


def judged_at_read_time(conn, limit: int = 50) -> list[int]:
    """The baseline: the largest OLD_CANDIDATES claims judged now, ranked."""
    ids = conn.execute(select(claims.c.id, claims.c.n_statements).order_by(claims.c.n_statements.desc(), claims.c.id)
                       .limit(OLD_CANDIDATES)).all()
    ranked = []
    for cid, size in ids:
        v = store_claims.load_verdict(conn, cid)
        ranked.append((not store_claims.worth_attention(v), -v.sources, -v.outlets, -size, cid))
    return [r[-1] for r in sorted(ranked)[:limit]]


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--db", default=None, help="SQLite file (default .onrecord/bench-list-N.sqlite, reused)")
    ap.add_argument("--repeat", type=int, default=7)
    opts = ap.parse_args(argv)
    db = Path(opts.db or f".onrecord/bench-list-{opts.articles}.sqlite")
    db.parent.mkdir(parents=True, exist_ok=True)
    build(db, opts.articles)
    engine = open_engine(db, create=False)[0]
    with engine.connect() as conn:
        n_claims = conn.execute(select(func.count()).select_from(claims)).scalar()
        old_top = judged_at_read_time(conn)
        new_top = [c.id for c in queries.list_claims(conn, limit=50)]
        baseline = median_ms(lambda: judged_at_read_time(conn), opts.repeat)
        stored = median_ms(lambda: queries.list_claims(conn, limit=50), opts.repeat)
    print(f"store: {db} ({opts.articles} articles, {n_claims} claims); medians of {opts.repeat} runs")
    print(f"most reported 50: judged at read time (500 largest) {baseline:8.1f} ms | stored verdicts "
          f"{stored:6.1f} ms | ratio x{baseline / max(stored, 1e-3):.0f}")
    print(f"same top 50 as the read-time ranking: {len(set(old_top) & set(new_top))} of 50 "
          f"(the stored ranking reads every claim, the old one the 500 largest)")
    client = TestClient(create_app(engine))
    for url in ("/", "/claims", "/outlets/claims"):
        client.get(url)  # warm templates and the SQLite cache
        ms = median_ms(lambda: client.get(url).raise_for_status(), opts.repeat)
        print(f"page {url:16} {ms:8.1f} ms (stored verdicts)")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
