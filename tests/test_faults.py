"""Faults: SIGKILL at random points of ingest and batch, a full disk, two writers at once (issue 7, part 3).

Real ``onrecord`` subprocesses (spaCy, the hashing embedder) are killed with SIGKILL at
points drawn from a seeded random stream (FAULT_SEED, default 15: the same points on every
run; a failure prints the seed, and another seed explores other points), then rerun; in the end
every article is stored (or written to Parquet) exactly once and the SQLite store passes
``PRAGMA integrity_check``. ``tests/test_store_kill.py`` kills one ingest once; these kill
several times, at moments that include start-up and migrations. Slow: spaCy is loaded.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytestmark = pytest.mark.slow

#: The seed of the kill points: fixed, so that a run is repeatable; FAULT_SEED=N tries others.
SEED = int(os.environ.get("FAULT_SEED", 15))
WORDS = ("harbour ferry school clinic library tram depot market bridge tunnel park river museum hospital "
         "station airport canal theatre stadium garden prison court archive bakery").split()
#: Fault injections survived in this session, printed at the end (the figure the issue asks for).
SURVIVED: list[str] = []


def article(n: int) -> str:
    """Article ``n``: different words for every n, so that no two are near copies."""
    rng = random.Random(n)
    filler = " ".join(rng.choice(WORDS) for _ in range(70))
    return (f"Depot plan {n} stalls\n\nCouncillor Ines Darrow{n} said on Tuesday that depot {n} would close. "
            f"\"We have no money for depot {n},\" Darrow{n} said. The transport office declined to comment "
            f"on route {n}.\n\n{filler}.\n")


def write_folder(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(article(i))
    return folder


def onrecord(*args: str) -> subprocess.Popen:
    """An ``onrecord`` command in its own process group (so a kill takes its workers too)."""
    return subprocess.Popen([sys.executable, "-m", "onrecord.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def ingest(folder: Path, db: Path) -> subprocess.Popen:
    return onrecord("ingest", str(folder), "--db", str(db), "--embedder", "hashing", "--format", "json")


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def stored(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        return con.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def check_store(db: Path, expected: int | None = None) -> None:
    """Integrity, no half-written article, each article once (by text hash and by title)."""
    con = sqlite3.connect(db, timeout=30)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    if "articles" not in tables:
        # killed before the schema was made: the migration is one transaction, so nothing of it
        # may be there (no half schema), and a rerun starts from an empty file
        assert expected is None and not tables & {"alembic_version", "statements", "claims"}, tables
        con.close()
        return
    assert con.execute("select a.id from articles a where a.n_statements != "
                       "(select count(*) from statements s where s.article_id = a.id)").fetchall() == []
    assert con.execute("select count(*) from statements where claim_id is null").fetchone()[0] == 0
    titles = [r[0] for r in con.execute("select title from articles")]
    assert len(titles) == len(set(titles)), "an article stored twice"
    if expected is not None:
        assert len(titles) == expected
    con.close()


def wait_until(predicate, proc: subprocess.Popen, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_ingest_killed_at_random_points_then_rerun_stores_each_article_once(tmp_path):
    print(f"FAULT_SEED={SEED}")  # shown with a failure: rerun with the same kill points
    n = 30
    rng = random.Random(SEED)
    kills = 0
    folder, db = write_folder(tmp_path / "in", n), tmp_path / "k.sqlite"
    # kill points: during start-up or migrations (a delay from launch), then after k committed
    # articles plus a random delay (inside the next article's analysis or its transaction)
    points = [("launch", rng.uniform(0.2, 4.0))] + [("after", rng.randrange(1, 8), rng.uniform(0, 0.3))
                                                   for _ in range(3)]
    for point in points:
        if stored(db) == n:
            # an earlier run finished before its kill point (a fast machine): that store is whole
            # and checked; start the next point from an empty store, so it has work to interrupt
            check_store(db, expected=n)
            for f in db.parent.glob(db.name + "*"):
                f.unlink()
        base = stored(db)
        proc = ingest(folder, db)
        if point[0] == "launch":
            time.sleep(point[1])
        elif not wait_until(lambda: stored(db) >= base + point[1], proc):
            proc.communicate()
            continue  # already past this point: nothing to kill
        else:
            time.sleep(point[2])
        if proc.poll() is not None:
            continue
        kill(proc)
        kills += 1
        if db.exists():
            check_store(db)
        SURVIVED.append(f"ingest SIGKILL {point} (seed {SEED}): {stored(db)}/{n} stored")
    assert kills >= 1, f"no ingest was killed (FAULT_SEED={SEED}, points {points})"
    final = ingest(folder, db)
    out, err = final.communicate(timeout=900)
    assert final.returncode == 0, err[-2000:]
    summary = json.loads(out)
    assert summary["added"] + summary["duplicates"] == n and summary["copies"] == 0
    check_store(db, expected=n)


def parquet_article_ids(out: Path) -> list[str]:
    """The article ids of every completed shard (what a reader of the output sees)."""
    import pyarrow.parquet as pq

    from onrecord.batch.layout import Layout

    return [i for part in Layout(out).committed_parts("articles")
            for i in pq.read_table(part, columns=["article_id"]).column(0).to_pylist()]


def test_batch_killed_at_random_points_then_rerun_writes_each_article_once(tmp_path):
    pytest.importorskip("pyarrow")
    print(f"FAULT_SEED={SEED}")  # shown with a failure: rerun with the same kill points
    rng = random.Random(SEED + 1)
    kills = 0
    src = tmp_path / "in"
    src.mkdir()
    total = 0
    for f in range(6):  # one shard per JSONL file: shards complete at different moments
        with (src / f"feed{f}.jsonl").open("w") as fh:
            for i in range(4):
                k = 100 + f * 10 + i
                fh.write(json.dumps({"url": f"https://news.example/{k}", "text": article(k),
                                     "published": "2025-03-04"}) + "\n")
                total += 1
    write_folder(src / "files", 6)
    total += 6
    out = tmp_path / "out.parquet"
    done = lambda: len(list((out / "_done").glob("*.json"))) if (out / "_done").exists() else 0  # noqa: E731
    points = [("launch", rng.uniform(0.5, 4.0))] + [("after", rng.randrange(1, 3), rng.uniform(0, 0.5))
                                                   for _ in range(2)]
    for point in points:
        if done() == 7:
            # an earlier run finished before its kill point: start the next from an empty output
            ids = parquet_article_ids(out)
            assert len(ids) == total and len(set(ids)) == total
            shutil.rmtree(out)
        base = done()
        proc = onrecord("batch", str(src), "--out", str(out), "--workers", "2")
        if point[0] == "launch":
            time.sleep(point[1])
        elif not wait_until(lambda: done() >= base + point[1], proc):
            proc.communicate()
            continue
        else:
            time.sleep(point[2])
        if proc.poll() is not None:
            continue
        kill(proc)
        kills += 1
        ids = parquet_article_ids(out)
        assert len(ids) == len(set(ids)), "a shard left twice after a kill"
        SURVIVED.append(f"batch SIGKILL {point} (seed {SEED + 1}): {done()}/7 shards done")
    assert kills >= 1, f"no batch was killed (FAULT_SEED={SEED}, points {points})"
    final = onrecord("batch", str(src), "--out", str(out), "--workers", "2")
    _, err = final.communicate(timeout=900)
    assert final.returncode == 0, err[-2000:]
    ids = parquet_article_ids(out)
    assert len(ids) == total and len(set(ids)) == total
    errors = (out / "errors.jsonl").read_text() if (out / "errors.jsonl").exists() else ""
    assert errors.strip() == ""


# -- a full disk -----------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 400 kB tmpfs (root only): room for the schema and a few articles, not for 30."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and tmpfs to make a small disk")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(small_disk: Path, tmp_path: Path) -> tuple[Path, Path, subprocess.CompletedProcess]:
    folder, db = write_folder(tmp_path / "in", 30), small_disk / "full.sqlite"
    proc = ingest(folder, db)
    out, err = proc.communicate(timeout=600)
    return folder, db, subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_full_disk_leaves_a_consistent_store_and_a_rerun_completes(small_disk, tmp_path):
    folder, db, run = fill(small_disk, tmp_path)
    assert run.returncode != 0, "30 articles cannot fit on 400 kB"
    check_store(db)
    before = stored(db)
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    rerun = ingest(folder, db)
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err[-2000:]
    assert json.loads(out)["duplicates"] == before
    check_store(db, expected=30)
    SURVIVED.append(f"full disk (400 kB tmpfs): {before}/30 stored, consistent, rerun completed")


def test_full_disk_is_one_clear_error(small_disk, tmp_path):
    _, _, run = fill(small_disk, tmp_path)
    assert "Traceback" not in run.stderr and "onrecord: error:" in run.stderr
    assert any(w in run.stderr.lower() for w in ("disk", "space", "full"))


# -- two writers at once ---------------------------------------------------------------------------


def test_two_ingests_into_one_sqlite_store_both_succeed(tmp_path):
    n = 20
    folder, db = write_folder(tmp_path / "in", n), tmp_path / "two.sqlite"
    first, second = ingest(folder, db), ingest(folder, db)
    outs = [p.communicate(timeout=900) for p in (first, second)]
    for proc, (_, err) in zip((first, second), outs):
        assert proc.returncode == 0, err[-2000:]
    summaries = [json.loads(out) for out, _ in outs]
    assert sum(s["added"] for s in summaries) == n  # each article stored by exactly one of them
    assert all(s["added"] + s["duplicates"] == n for s in summaries)
    check_store(db, expected=n)
    SURVIVED.append("two concurrent ingests into one SQLite store")


def test_zz_report_fault_injections():
    """Print how many faults were injected and survived in this session (read by the final report)."""
    print(f"\nfault injections survived: {len(SURVIVED)}\n  " + "\n  ".join(SURVIVED))
