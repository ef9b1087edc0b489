"""Soak of bulk ingest: kill -9 at random points, rerun, and count articles lost or doubled.

A generated batch output of ``--articles`` articles (bench/bulk_corpus.py) is ingested by real
``onrecord ingest OUT`` subprocesses into one SQLite store. Each run is killed with SIGKILL after
a random time (uniform between 0 and the length of the last uninterrupted run); the next run resumes
the same store. When a run completes, the store is checked and a fresh store is started, until
``--kills`` kills have been made. Every check: SQLite's integrity check, no article stored twice
(its URL), no article missing after the completing run, every statement of every article
stored and linked, and both full-text indexes with their triggers, each row's words indexed
once (``full_text_problems``). Prints the kills made, the completed stores, and the articles lost and
doubled (both must be 0). Outside the test suite: 100 kills take tens of minutes.

    .venv/bin/python bench/soak_bulk.py --articles 2000 --kills 100
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bulk_corpus import STATEMENTS, write_corpus  # noqa: E402
from onrecord.store.fulltext import INDEXES  # noqa: E402


def ingest(out: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "onrecord.cli", "ingest", str(out), "--db", str(db),
                             "--embedder", "hashing", "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def check(db: Path, articles: int, complete: bool) -> tuple[int, int, list[str]]:
    """(lost, doubled, problems) of a store; ``lost`` counts only once a run completed."""
    con = sqlite3.connect(db)
    try:
        problems = []
        if con.execute("pragma integrity_check").fetchone()[0] != "ok":
            problems.append("integrity check failed")
        stored, distinct = con.execute("select count(*), count(distinct url) from articles").fetchone()
        bad = con.execute("select count(*) from articles a where a.n_statements != "
                          "(select count(*) from statements s where s.article_id = a.id and s.claim_text != '')"
                          ).fetchone()[0]
        if bad:
            problems.append(f"{bad} articles whose statements are not all stored")
        unlinked = con.execute("select count(*) from statements where claim_id is null and claim_text != ''").fetchone()[0]
        if unlinked:
            problems.append(f"{unlinked} statements linked to no claim")
        short = con.execute("select count(*) from articles where n_statements != :n", {"n": STATEMENTS}).fetchone()[0]
        if short:
            problems.append(f"{short} articles without their {STATEMENTS} statements")
        problems += full_text_problems(con)
        return (articles - distinct if complete else 0), stored - distinct, problems
    finally:
        con.close()


def full_text_problems(con: sqlite3.Connection) -> list[str]:
    """What is wrong with the two FTS5 indexes (a bulk chunk drops their triggers and fills them
    itself, store/fulltext.py): a trigger missing, a row with words not indexed, an entry of no
    row (read from the index itself, ``fts5vocab``, not through its content table), a row
    indexed twice or not at all (the index's own count of its rows)."""
    problems = []
    present = {r[0] for r in con.execute("select name from sqlite_master where type = 'trigger'")}
    for fts, trigger, table, columns in INDEXES:
        if trigger not in present:
            problems.append(f"the trigger {trigger} is missing")
        con.execute(f"create virtual table if not exists temp.v_{fts} using fts5vocab(main, {fts}, 'instance')")
        docs = {r[0] for r in con.execute(f"select distinct doc from temp.v_{fts}")}
        worded = " or ".join(f"coalesce({c}, '') != ''" for c in columns)
        rows = {r[0] for r in con.execute(f"select rowid from {table} where {worded}")}
        if docs != rows:
            problems.append(f"{fts}: {len(rows - docs)} rows not indexed, {len(docs - rows)} entries of no row")
        # a row indexed twice leaves its words as they were but counts twice among the index's
        # rows: the first number of its averages record (FTS5's ``%_data`` row 1, a varint)
        block = con.execute(f"select block from {fts}_data where id = 1").fetchone()
        counted, total = (_varint(block[0]) if block else 0), con.execute(f"select count(*) from {table}").fetchone()[0]
        if counted != total:
            problems.append(f"{fts}: {counted} rows counted in the index for {total} in {table}")
    return problems


def _varint(data: bytes) -> int:
    """SQLite's variable-length integer at the start of ``data`` (FTS5 writes its counts so)."""
    value = 0
    for i, byte in enumerate(data[:9]):
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    work = Path(tempfile.mkdtemp(prefix="onrecord-soak-"))
    out = write_corpus(work / "out", opts.articles)
    start = time.perf_counter()
    proc = ingest(out, work / "timing.sqlite")
    _, errors = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"soak_bulk: the uninterrupted ingest failed: {errors.strip().splitlines()[-1:]}")
    full = time.perf_counter() - start
    print(f"an uninterrupted ingest of {opts.articles} articles takes {full:.1f} s", flush=True)
    kills = stores = lost = doubled = 0
    problems: list[str] = []
    store, fresh = 0, True
    db = work / f"store{store}.sqlite"
    while kills < opts.kills:
        proc, began = ingest(out, db), time.perf_counter()
        time.sleep(rng.uniform(0, full))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            fresh = False
            _, d, p = check(db, opts.articles, complete=False) if db.exists() else (0, 0, [])
            doubled += d
            problems += p
            continue
        if proc.returncode != 0:
            problems.append(f"a run failed: {proc.stderr.read().strip().splitlines()[-1:]}")
        l, d, p = check(db, opts.articles, complete=True)
        lost, doubled, problems = lost + l, doubled + d, problems + p
        stores += 1
        print(f"store {store} complete after {kills} kills in all: lost {l}, doubled {d}", flush=True)
        if fresh:  # the machine got faster: kill within what a whole run takes now
            full = time.perf_counter() - began
        store, fresh = store + 1, True
        db = work / f"store{store}.sqlite"
    if db.exists():  # finish the last store
        proc = ingest(out, db)
        proc.wait()
        l, d, p = check(db, opts.articles, complete=True)
        lost, doubled, problems, stores = lost + l, doubled + d, problems + p, stores + 1
    print(f"{kills} kills, {stores} stores completed: {lost} articles lost, {doubled} doubled, "
          f"{len(problems)} problems{': ' + '; '.join(sorted(set(problems))) if problems else ''}")
    sys.exit(1 if lost or doubled or problems else 0)


if __name__ == "__main__":
    main()
