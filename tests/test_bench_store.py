"""Smoke test of bench/bench_store.py: on a tiny generated store its queries and the explorer's
pages are measured, each with a p50 no larger than its p95, and the store size is read.

No timing is asserted: the figures depend on the machine. The benchmark file is not a package,
so it is imported from its path.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import load_script

pytest.importorskip("hnswlib")
pytest.importorskip("fastapi")

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_store.py"


@pytest.fixture(scope="module")
def bench():
    return load_script(BENCH)


def test_queries_and_pages_are_measured_on_a_small_store(bench, tmp_path, monkeypatch):
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store

    monkeypatch.setattr(bench, "QUERIES", 12)
    pool, rng = bench.people(200), random.Random(1)
    with Store.open(tmp_path / "b.sqlite", HashingEmbedder()) as store:
        rate = bench.ingest(store, 0, 30, pool, rng, [], bulk=True)
        queries = bench.measure(store, pool, random.Random(2))
        pages = bench.measure_pages(store, random.Random(3))
        size = bench.store_mb(store)
    assert rate > 0 and size > 0
    assert set(queries) == {"who", "claims --about", "timeline", "search"}
    assert set(pages) == set(bench.PAGES)
    for p50, p95 in queries.values():
        assert 0 < p50 <= p95
    for v in pages.values():
        assert 0 < v["p50"] <= v["p95"] and 0 < v["library_p50"] <= v["library_p95"]


def test_a_failing_page_stops_the_benchmark(bench):
    class Client:
        def get(self, url):
            return type("R", (), {"status_code": 500, "text": "boom"})()

    with pytest.raises(SystemExit, match="/articles/1: 500 boom"):
        bench.get(Client(), "/articles/1")


def test_distinct_generated_claims_rarely_look_alike_to_the_store(bench):
    """The benchmark's stories are restated word for word; claims made apart must stay apart, or
    linking merges them and the store the figures describe holds claims of thousands of
    different claims. Among 3,000 new claims under the hashing embedder, few have another at or
    above the same-claim cosine (the one-form corpus before: 74%)."""
    import random

    import numpy as np
    from onrecord.store import linking
    from onrecord.store.embeddings import HashingEmbedder
    rng = random.Random(5)
    texts = list(dict.fromkeys(bench.new_claim(rng) for _ in range(3000)))
    vectors = HashingEmbedder().embed(texts)
    cosines = vectors @ vectors.T
    np.fill_diagonal(cosines, -1)
    alike = (cosines.max(axis=1) >= linking.SAME_CLAIM).mean()
    assert len(texts) > 2990 and alike < 0.02, alike


def test_claim_mix_counts_what_linking_merged_and_split(bench, tmp_path):
    """The benchmark's linking figure, against the generator's truth (one text, one claim): on a
    small store linking keeps its claims apart, and a statement moved by hand into another
    claim is counted as merged there, and its text as split."""
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store

    pool, rng = bench.people(200), random.Random(4)
    with Store.open(tmp_path / "m.sqlite", HashingEmbedder()) as store:
        bench.ingest(store, 0, 40, pool, rng, [], bulk=True)
        before = bench.claim_mix(store)
        with store.engine.begin() as conn:
            # a restated claim's statement (its text in another statement too) into another claim
            sid, = conn.exec_driver_sql(
                "SELECT min(id) FROM statements WHERE content_text IN (SELECT content_text FROM statements "
                "GROUP BY content_text HAVING count(*) > 1)").one()
            other, = conn.exec_driver_sql(
                "SELECT min(claim_id) FROM statements WHERE content_text <> "
                "(SELECT content_text FROM statements WHERE id = ?)", (sid,)).one()
            conn.exec_driver_sql("UPDATE statements SET claim_id = ? WHERE id = ?", (other, sid))
        after = bench.claim_mix(store)
    assert before["linked_statements"] == 120 and before["texts"] < 120  # a quarter restate a claim
    assert before["mixed_claims"] == 0 and before["merged_share"] == 0 and before["split_texts"] == 0
    assert after["mixed_claims"] == 1 and after["split_texts"] == 1
    assert after["merged_share"] == pytest.approx(1 / 120)
