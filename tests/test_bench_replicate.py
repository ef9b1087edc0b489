"""bench/replicate_store.py: a replica of a generated store is that store n times over, each copy
under its own ids, URLs and later dates, the people shared, and the queries find every copy.

No timing is asserted. The benchmark file is not a package, so it is imported from its path.
"""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from conftest import load_script

pytest.importorskip("hnswlib")
pytest.importorskip("fastapi")

pytestmark = pytest.mark.slow  # a generated store of 420 articles is built first

BENCH = Path(__file__).resolve().parents[1] / "bench" / "replicate_store.py"


@pytest.fixture(scope="module")
def replica_module():
    return load_script(BENCH)


@pytest.fixture(scope="module")
def stores(replica_module, tmp_path_factory):
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store

    bench = replica_module.bench_store
    folder = tmp_path_factory.mktemp("replica")
    src, dst = folder / "src.sqlite", folder / "dst.sqlite"
    with Store.open(src, HashingEmbedder()) as store:
        # more than a day's articles, so that the store spans two days and copies shift by two
        bench.ingest(store, 0, bench.PER_DAY + 20, bench.people(200), random.Random(1), [], bulk=True)
    counts = replica_module.replicate(src, dst, 3, say=lambda m: None)
    return src, dst, counts


def _one(db: sqlite3.Connection, sql: str, *args):
    return db.execute(sql, args).fetchone()


def test_a_replica_holds_every_row_three_times_under_new_ids_and_later_dates(stores):
    src, dst, counts = stores
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    for table in ("articles", "statements", "statement_vectors", "claims", "article_entities", "article_bands"):
        assert _one(b, f"SELECT count(*) FROM {table}")[0] == 3 * _one(a, f"SELECT count(*) FROM {table}")[0]
    assert counts["articles"] == 3 * _one(a, "SELECT count(*) FROM articles")[0]
    # the people are shared, each speaking three times as often
    assert _one(b, "SELECT count(*), sum(n_statements) FROM entities") == \
        (_one(a, "SELECT count(*) FROM entities")[0], 3 * _one(a, "SELECT sum(n_statements) FROM entities")[0])
    assert b.execute("PRAGMA foreign_key_check").fetchall() == []
    assert b.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    b.execute("INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')")
    b.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    first, last = _one(a, "SELECT min(published), max(published) FROM articles")
    assert (first, last) == ("2020-01-01", "2020-01-02")
    # copy k is dated k * 2 days later: the three copies follow one another
    assert _one(b, "SELECT min(published), max(published) FROM articles") == ("2020-01-01", "2020-01-06")
    top = _one(a, "SELECT max(id) FROM statements")[0]
    claims_top = _one(a, "SELECT max(id) FROM claims")[0]
    orig = _one(b, "SELECT article_id, claim_id, published, claim_text FROM statements WHERE id = 5")
    copy = _one(b, "SELECT article_id, claim_id, published, claim_text FROM statements WHERE id = ?", 5 + 2 * top)
    articles_top = _one(a, "SELECT max(id) FROM articles")[0]
    assert copy[0] == orig[0] + 2 * articles_top and copy[1] == orig[1] + 2 * claims_top and copy[3] == orig[3]
    assert copy[2] > orig[2]
    # a copy's claim holds the copy's statements, as the original holds the original's
    assert _one(b, "SELECT n_statements FROM claims WHERE id = ?", orig[1] + claims_top) == \
        _one(b, "SELECT n_statements FROM claims WHERE id = ?", orig[1])
    assert _one(b, "SELECT count(*) FROM statements WHERE claim_id = ?", orig[1] + claims_top) == \
        _one(b, "SELECT count(*) FROM statements WHERE claim_id = ?", orig[1])


def test_the_queries_find_every_copy(stores):
    from onrecord.store import queries
    from onrecord.store.db import open_engine

    src, dst, _ = stores
    with sqlite3.connect(src) as db:
        word = _one(db, "SELECT claim_text FROM statements WHERE id = 1")[0].split()[-1]
        speaker = _one(db, "SELECT name FROM entities ORDER BY n_statements LIMIT 1")[0]
    found = {}
    for label, path in (("src", src), ("dst", dst)):
        engine, _ = open_engine(str(path), create=False)
        try:
            found[label] = (len(queries.search(engine, word, limit=1000)),
                            len(queries.who(engine, speaker)[1]))
        finally:
            engine.dispose()
    assert found["src"][0] > 0 and found["src"][1] > 0
    assert found["dst"] == (3 * found["src"][0], 3 * found["src"][1])


def test_a_replica_is_made_fresh_from_a_generated_store_only(replica_module, stores, tmp_path):
    src, dst, _ = stores
    with pytest.raises(SystemExit, match="exists already"):
        replica_module.replicate(src, dst, 2, say=lambda m: None)
    corrected = tmp_path / "corrected.sqlite"
    corrected.write_bytes(src.read_bytes())
    with sqlite3.connect(corrected) as db:
        db.execute("INSERT INTO corrections (target_type, target_id, action, by, at) "
                   "VALUES ('statement', 1, 'reject', 'a', '2026-01-01')")
    with pytest.raises(SystemExit, match="corrections has rows"):
        replica_module.replicate(corrected, tmp_path / "out.sqlite", 2, say=lambda m: None)
    assert not (tmp_path / "out.sqlite").exists()
