"""Queries and pages on a store ten times the size of a built one: a replica, measured against it.

Ingesting a million generated articles takes about nine hours on the 2-core machine (about 31
articles a second near 100,000, docs/store.md), so the query side of a million-article store is
measured on a replica: a SQLite store built by ``bench_store.py`` (say 100,000 articles) is
copied, then ``--times - 1`` more copies of its articles, statements, claims and their rows are
appended, each copy dated after the last (its dates shifted by the span of the store), under new
ids, URLs and hashes. The people are shared: the same entities speak in every copy, as the same
people speak year after year in a real archive, so a person's statements grow with the store; a
copy's claims are its own (a year's stories). Full-text indexes are filled by the store's own
triggers as the rows go in. What a replica is not: an ingest. Its ingest rate is not measured
here, and claim linking never compared one copy's statements with another's.

The source store and the replica are measured in this process with ``bench_store.measure`` and
``measure_pages`` (the same queries, pages and ids drawn as the benchmark's), ``--rounds`` times
alternated; each figure is the median of the rounds' p50 and p95, and the growth is the
replica's p95 over the source's.

    .venv/bin/python bench/bench_store.py --sizes 10000,100000 --bulk --json --db /tmp/r/s100k.sqlite
    .venv/bin/python bench/replicate_store.py /tmp/r/s100k.sqlite /tmp/r/s1m.sqlite --times 10 --json

The replica's vector index is not made (no query here reads it); opening the replica with
``Store.open`` to ingest into it would index every copy's vectors first.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_store  # noqa: E402
from onrecord.store.db import open_engine  # noqa: E402

#: Tables a generated store leaves empty; a store with rows in them (people's corrections)
#: is not replicated: a correction names ids, and its copies would need the same shift.
MUST_BE_EMPTY = ("corrections", "correction_links", "statement_overrides", "entity_merges")


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def _copy(db: sqlite3.Connection, table: str, shifted: dict[str, str]) -> str:
    """The INSERT appending one copy of ``table``'s rows, each column in ``shifted`` replaced by its
    expression (in which ``:k`` is the copy's number)."""
    cols = _columns(db, table)
    exprs = [shifted.get(c, f'"{c}"') for c in cols]
    quoted = ", ".join(f'"{c}"' for c in cols)
    return f'INSERT INTO "{table}" ({quoted}) SELECT {", ".join(exprs)} FROM "{table}"'


def replicate(src: Path, dst: Path, times: int, say=print) -> dict[str, int]:
    """Copy ``src`` to ``dst`` and append ``times - 1`` shifted copies of its rows; the counts."""
    if dst.exists():
        raise SystemExit(f"{dst}: exists already (the replica is made fresh)")
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as db:
        for table in MUST_BE_EMPTY:
            if db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
                raise SystemExit(f"{src}: {table} has rows; only a generated store is replicated")
        if db.execute("SELECT max(length(published)) FROM articles").fetchone()[0] != 10:
            raise SystemExit(f"{src}: published dates are not all YYYY-MM-DD")
    db = sqlite3.connect(src)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone then holds the whole store
    db.close()
    shutil.copyfile(src, dst)
    db = sqlite3.connect(dst, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")
    a, s, c, e, ac = (db.execute(f'SELECT coalesce(max(id), 0) FROM "{t}"').fetchone()[0]
                      for t in ("articles", "statements", "claims", "article_entities", "article_claims"))
    first, last = db.execute("SELECT min(published), max(published) FROM articles").fetchone()
    days = db.execute("SELECT CAST(julianday(:b) - julianday(:a) AS INTEGER) + 1", {"a": first, "b": last}).fetchone()[0]
    day = "date({col}, '+' || (:k * {days}) || ' days')"
    plans = [
        ("articles", {"id": f"id + :k * {a}", "url": "url || '#' || :k",
                      "content_hash": "substr(content_hash, 1, 56) || printf('%08d', :k)",
                      "doc_id": "doc_id || '#' || :k", "published": day.format(col="published", days=days),
                      "copy_of": f"copy_of + :k * {a}"}, f"id <= {a}"),
        ("article_bands", {"article_id": f"article_id + :k * {a}"}, f"article_id <= {a}"),
        ("claims", {"id": f"id + :k * {c}", "first_statement_id": f"first_statement_id + :k * {s}",
                    "first_published": day.format(col="first_published", days=days),
                    "status_changed": day.format(col="status_changed", days=days)}, f"id <= {c}"),
        ("statements", {"id": f"id + :k * {s}", "article_id": f"article_id + :k * {a}",
                        "claim_id": f"claim_id + :k * {c}",
                        "published": day.format(col="published", days=days)}, f"id <= {s}"),
        ("statement_vectors", {"statement_id": f"statement_id + :k * {s}"}, f"statement_id <= {s}"),
        ("statement_entities", {"statement_id": f"statement_id + :k * {s}"}, f"statement_id <= {s}"),
        ("article_entities", {"id": f"id + :k * {e}", "article_id": f"article_id + :k * {a}"}, f"id <= {e}"),
        ("article_claims", {"id": f"id + :k * {ac}", "article_id": f"article_id + :k * {a}"}, f"id <= {ac}"),
        ("article_claim_statements", {"article_claim_id": f"article_claim_id + :k * {ac}",
                                      "statement_id": f"statement_id + :k * {s}"}, f"article_claim_id <= {ac}"),
    ]
    for k in range(1, times):
        start = time.perf_counter()
        db.execute("BEGIN")
        for table, shifted, originals in plans:
            db.execute(_copy(db, table, shifted) + f" WHERE {originals}", {"k": k})
        db.execute("COMMIT")
        say(f"copy {k} of {times - 1}: {time.perf_counter() - start:.0f} s")
    db.execute("UPDATE entities SET n_statements = n_statements * :t", {"t": times})
    db.execute("PRAGMA journal_mode = WAL")
    counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in ("articles", "statements", "claims", "entities")}
    db.close()
    return counts


def measure(path: Path, seed: int) -> dict[str, tuple[float, float]]:
    """``bench_store``'s queries and pages on the store at ``path``: name -> (p50, p95) ms."""
    engine, _ = open_engine(str(path), create=False)
    try:
        store = type("Measured", (), {"engine": engine})()  # measure and measure_pages read .engine only
        out = dict(bench_store.measure(store, bench_store.people(), random.Random(seed)))
        for name, v in bench_store.measure_pages(store, random.Random(seed + 1)).items():
            out[f"{name} page"] = (v["p50"], v["p95"])
        return out
    finally:
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path, help="A SQLite store built by bench_store.py.")
    ap.add_argument("dst", type=Path, help="The replica to make (must not exist), or reuse with --keep.")
    ap.add_argument("--times", type=int, default=10, help="The replica's size as a multiple of the source's.")
    ap.add_argument("--rounds", type=int, default=3, help="Measuring rounds, source and replica alternated.")
    ap.add_argument("--keep", action="store_true", help="Measure the replica at DST made before, if there.")
    ap.add_argument("--json", action="store_true", help="Print one JSON object instead of lines.")
    opts = ap.parse_args()
    say = (lambda m: print(m, file=sys.stderr, flush=True)) if opts.json else print
    if not (opts.keep and opts.dst.exists()):
        start = time.perf_counter()
        counts = replicate(opts.src, opts.dst, opts.times, say)
        say(f"replica: {counts} in {time.perf_counter() - start:.0f} s")
    sizes = {}
    for label, path in (("source", opts.src), ("replica", opts.dst)):
        engine, _ = open_engine(str(path), create=False)
        with engine.connect() as conn:
            sizes[label] = conn.exec_driver_sql("SELECT count(*) FROM articles").scalar()
        engine.dispose()
    rounds = {"source": [], "replica": []}
    for r in range(opts.rounds):
        for label, path in (("source", opts.src), ("replica", opts.dst)):
            rounds[label].append(measure(path, 1000 + r))
            say(f"round {r + 1}: {label} measured")
    med = {label: {k: (statistics.median(x[k][0] for x in rs), statistics.median(x[k][1] for x in rs))
                   for k in rs[0]} for label, rs in rounds.items()}
    growth = {k: med["replica"][k][1] / max(med["source"][k][1], 1e-3) for k in med["source"]}
    if opts.json:
        print(json.dumps({"load_average": [round(x, 1) for x in os.getloadavg()], "rounds": opts.rounds,
                          "sizes": {str(sizes[label]): {k: {"p50_ms": round(v[0], 2), "p95_ms": round(v[1], 2)}
                                                        for k, v in med[label].items()} for label in med},
                          "p95_growth": {k: round(v, 2) for k, v in growth.items()},
                          "replica_mb": round(opts.dst.stat().st_size / 2 ** 20)}, indent=1))
        return
    for label in med:
        print(f"{label}: {sizes[label]:,} articles (median of {opts.rounds} rounds)")
        for k, (p50, p95) in med[label].items():
            print(f"    {k:16} p50 {p50:6.1f} p95 {p95:6.1f} ms")
    print("p95 growth: " + "  ".join(f"{k} x{v:.2f}" for k, v in growth.items()))


if __name__ == "__main__":
    main()
