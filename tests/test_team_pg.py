"""A team's store: two ingests into one PostgreSQL store at once stay correct.

Two processes ingest two batch outputs that share a third of their articles, at the same
moment, into one store on a throwaway PostgreSQL server (tests/pg_server.py). The store
they make must hold each article once, one entity per person, and the claims and verdicts
that one ingest, article by article, in the order the store received them, makes: the
writers take turns (one transaction at a time), so no ingest links against a half-written
claim or misses a statement the other stored.

The articles are built as Reports (tests/test_store_bulk.py's generator: original sentences
about an invented town), so no spaCy is loaded.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("psycopg")
pytest.importorskip("hnswlib")
pytest.importorskip("pyarrow")

from sqlalchemy import create_engine, text  # noqa: E402

from onrecord.batch.layout import Layout  # noqa: E402
from onrecord.batch.parquet import ShardWriter, report_batches  # noqa: E402
from onrecord.batch.worker import embed_statements  # noqa: E402
from onrecord.store.db import resolve  # noqa: E402
from onrecord.store import bulk  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store, ingest_items  # noqa: E402
from onrecord.store.sources import iter_items  # noqa: E402

from pg_server import create_database  # noqa: E402
from test_store_bulk import PEOPLE, make_report  # noqa: E402

pytestmark = pytest.mark.slow
TESTS = Path(__file__).parent
SRC = TESTS.parent / "src"
#: Articles of the two outputs: 0..79, and 80..119 then 40..79 (40 in both). Each starts with
#: its own, so that the order they were stored in shows whether the two ingests took turns.
FIRST, SECOND = list(range(0, 80)), list(range(80, 120)) + list(range(40, 80))
#: A small chunk, so that the two ingests take turns many times. bulk.CHUNK (256) would make
#: each output one transaction (nothing left to interleave at this size).
CHUNK = 8


@pytest.fixture(scope="module")
def reports():
    rng = random.Random(4)
    return [make_report(i, rng) for i in range(120)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, reports):
    """Two batch outputs (with their vectors) sharing articles 40..79."""
    root = tmp_path_factory.mktemp("team")
    embedder = HashingEmbedder()
    made = []
    for name, ids in (("first", FIRST), ("second", SECOND)):
        layout = Layout(root / name)
        layout.create()
        for at in range(0, len(ids), 16):
            shard = ids[at:at + 16]
            writer = ShardWriter(layout, f"s{at:05d}", [f"town/{i}" for i in shard], (embedder.name, embedder.dim))
            for i in shard:
                writer.add(report_batches(reports[i], reports[i].article.url, f"town/{i}", 0), 0,
                           embed_statements(reports[i], embedder))
            writer.commit()
        made.append(root / name)
    return made


#: One ingest, run as a process of its own: opens the store, waits for the go file (so both
#: start writing together), then ingests its output through the bulk path or article by article;
#: prints each item's URL, outcome and article id, in its order.
INGEST = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from onrecord.store.bulk import ingest_reports
    from onrecord.store.ingest import Store, ingest_items
    from onrecord.store.sources import iter_items

    url, out, mode, chunk, go = sys.argv[1:6]
    seen = []
    with Store.open(url, "hashing") as store:
        Path(out + ".ready").touch()
        while not Path(go).exists():
            time.sleep(0.01)
        items = list(iter_items([out]))
        if mode == "bulk":
            ingest_reports(store, items, chunk=int(chunk), on_outcome=lambda o, item: seen.append(o))
        else:
            ingest_items(store, items, on_outcome=seen.append)
    print(json.dumps([[item.report.article.url, o.status, o.article_id] for item, o in zip(items, seen)]))
""")


def ingest_at_once(url: str, outs: list[Path], mode: str, tmp: Path) -> list[list]:
    """Both outputs ingested by two processes started together; each one's outcomes, in order
    ([url, status, article id] an item)."""
    script, go = tmp / "ingest.py", tmp / "go"
    script.write_text(INGEST)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    procs = [subprocess.Popen([sys.executable, str(script), url, str(out), mode, str(CHUNK), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for out in outs]
    try:
        for out, proc in zip(outs, procs):
            while not Path(str(out) + ".ready").exists():
                if proc.poll() is not None:
                    raise AssertionError(f"an ingest stopped before writing: {proc.stderr.read()}")
                time.sleep(0.05)
        go.touch()
        results = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr
            results.append(json.loads(stdout))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        for out in outs:
            Path(str(out) + ".ready").unlink(missing_ok=True)


def snapshot(url: str) -> dict:
    """What a user reads from the store: articles in the order stored, people, each statement's
    claim (as the set of statements it shares it with) and every claim's verdict."""
    engine = create_engine(resolve(url).url)
    try:
        with engine.connect() as conn:
            urls = [r[0] for r in conn.execute(text("SELECT url FROM articles ORDER BY id"))]
            people = sorted(r[0] for r in conn.execute(text("SELECT name FROM entities WHERE type = 'PERSON'")))
            rows = conn.execute(text(
                "SELECT a.url, s.local_id, s.claim_id, c.status, c.reason, c.sources FROM statements s "
                "JOIN articles a ON a.id = s.article_id JOIN claims c ON c.id = s.claim_id "
                "ORDER BY a.url, s.local_id")).fetchall()
            orphans = conn.execute(text("SELECT count(*) FROM claims c WHERE NOT EXISTS "
                                        "(SELECT 1 FROM statements s WHERE s.claim_id = c.id)")).scalar()
    finally:
        engine.dispose()
    groups: dict[int, set] = {}
    for u, local, claim, *_ in rows:
        groups.setdefault(claim, set()).add((u, local))
    verdicts = {frozenset(groups[claim]): (status, reason, sources) for _, _, claim, status, reason, sources in rows}
    return {"urls": urls, "people": people, "claims": set(verdicts), "verdicts": verdicts,
            "statements": len(rows), "empty claims": orphans}


def items_by_url(outs: list[Path]) -> dict:
    found = {}
    for item in iter_items([str(out) for out in outs]):
        found.setdefault(item.report.article.url, item)
    return found


def one_at_a_time(url: str, outs: list[Path], urls: list[str]) -> dict:
    """The store one ingest makes of the same items, article by article, in ``urls``' order."""
    by_url = items_by_url(outs)
    with Store.open(url, HashingEmbedder()) as store:
        ingest_items(store, [by_url[u] for u in urls])
    return snapshot(url)


def chunks_in_commit_order(runs: list[list]) -> list[list[str]]:
    """Each run's chunks (CHUNK items in its order) that stored something, in the order they were
    committed (by their article ids); each chunk's ids must be one block, no other's among them."""
    chunks = []
    for outcomes in runs:
        for at in range(0, len(outcomes), CHUNK):
            part = outcomes[at:at + CHUNK]
            ids = [a for _, status, a in part if status == "added"]
            if ids:
                assert ids == list(range(min(ids), min(ids) + len(ids))), part  # one transaction
                chunks.append((min(ids), [u for u, _, _ in part]))
    chunks.sort()
    return [urls for _, urls in chunks]


def chunk_by_chunk(url: str, outs: list[Path], chunks: list[list[str]]) -> dict:
    """The store one bulk ingest makes of the same chunks, one after the other."""
    by_url = items_by_url(outs)
    with Store.open(url, HashingEmbedder()) as store:
        for urls in chunks:
            bulk.ingest_reports(store, [by_url[u] for u in urls], chunk=CHUNK)
    return snapshot(url)


@pytest.mark.parametrize("mode", ["bulk", "one"])
def test_two_ingests_at_once_make_the_store_one_ingest_makes(pg_server, outputs, tmp_path, mode):
    url = create_database(pg_server, f"team_{mode}")
    runs = ingest_at_once(url, outputs, mode, tmp_path)
    got = snapshot(url)
    # each article once: the 40 both outputs hold were added by one ingest, skipped by the other
    assert len(got["urls"]) == len(set(got["urls"])) == 120
    statuses = [status for outcomes in runs for _, status, _ in outcomes]
    assert statuses.count("added") == 120 and statuses.count("duplicate") == 40
    assert got["people"] == sorted(PEOPLE)  # one entity per person
    assert got["statements"] == 360 and got["empty claims"] == 0
    own = [n < 40 for n in (int(u.rsplit("/", 1)[1]) for u in got["urls"]) if not 40 <= n < 80]
    turns = sum(a != b for a, b in zip(own, own[1:]))
    assert turns > 1, "the two ingests did not write at the same time"  # one turn: one after the other
    alone = create_database(pg_server, f"team_{mode}_alone")
    if mode == "bulk":  # the same chunks, committed one after the other by one ingest
        want = chunk_by_chunk(alone, outputs, chunks_in_commit_order(runs))
    else:  # the same articles, one after the other
        want = one_at_a_time(alone, outputs, got["urls"])
    assert got["urls"] == want["urls"]
    assert got["claims"] == want["claims"]  # one claim where one ingest makes one, never two
    assert got["verdicts"] == want["verdicts"]  # and each claim's verdict and its reason
    assert len(want["claims"]) < 120  # the statements did link across articles and outputs
