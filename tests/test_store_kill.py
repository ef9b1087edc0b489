"""kill -9 in the middle of an ingest leaves a consistent store, and a rerun completes it.

A real ``onrecord ingest`` subprocess (spaCy, the hashing embedder) is killed once a few
articles are committed; the store must pass SQLite's integrity check, hold no half-written
article, and a second run must add exactly the missing articles. Slow: spaCy is loaded.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytest.importorskip("sqlalchemy")
pytestmark = pytest.mark.slow

N = 80
TEMPLATE = ("Budget row {n} cut\n\nCouncillor Alex Rowan{n} said on Monday that spending on item {n} "
            "would fall by {n} percent next year. \"We cannot pay for road {n} and bridge {n} at once,\" "
            "Rowan{n} said. The finance office declined to comment on the plan for district {n}.\n\n{filler}\n")
WORDS = ("harbour ferry school clinic library tram depot market bridge tunnel park river museum "
         "hospital station airport canal theatre stadium garden prison court archive bakery").split()


def _filler(n: int) -> str:
    """Different words for every article, so that no two are near copies of each other."""
    import random
    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) for _ in range(60)) + "."


def _count(path) -> int:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        return con.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def _ingest(folder, db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "onrecord.cli", "ingest", str(folder), "--db", str(db),
                             "--embedder", "hashing", "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _consistent(db) -> None:
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    bad = con.execute("select a.id from articles a where a.n_statements != "
                      "(select count(*) from statements s where s.article_id = a.id)").fetchall()
    assert bad == []
    assert con.execute("select count(*) from statements where claim_id is null").fetchone()[0] == 0
    assert con.execute("select count(*) from articles where copy_of is null and n_statements = 0").fetchone()[0] == 0


def test_kill_mid_ingest_then_rerun_completes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(N):
        (folder / f"a{n:03d}.txt").write_text(TEMPLATE.format(n=n, filler=_filler(n)))
    db = tmp_path / "k.sqlite"
    proc = _ingest(folder, db)
    deadline = time.time() + 180
    while _count(db) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _count(db)
    assert 3 <= done < N
    _consistent(db)
    rerun = _ingest(folder, db)
    out, errs = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, errs
    import json
    summary = json.loads(out)
    assert (summary["added"], summary["duplicates"]) == (N - done, done)
    assert _count(db) == N
    _consistent(db)
