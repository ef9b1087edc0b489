"""A team's path: one command takes a batch run on Spark into a shared PostgreSQL store, a rerun
stores nothing twice, and the explorer serves that store.

Spark on local[2] as tests/test_batch_spark.py runs it; PostgreSQL is the session's throwaway
server (tests/pg_server.py). Skipped, with the reason, without Java, pyspark or a server.
"""
from __future__ import annotations

import shutil

import pytest

pytest.importorskip("pyarrow", reason="the batch extra (pyarrow) is not installed")
pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'onrecord[batch]')")
pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'onrecord[store]')")
pytest.importorskip("fastapi", reason="the web extra is not installed")
if shutil.which("java") is None:
    pytest.skip("java is not on PATH: the Spark engine needs Java 17", allow_module_level=True)

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.cli import app  # noqa: E402
from onrecord.store.db import open_engine  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

from pg_server import create_database  # noqa: E402
from test_batch import DATA, write_warc  # noqa: E402

pytestmark = pytest.mark.slow
runner = CliRunner()


def counts(url: str) -> tuple[int, int, int]:
    engine = open_engine(url, create=False)[0]
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                         for t in ("articles", "statements", "entities"))
    finally:
        engine.dispose()


def test_a_spark_batch_goes_into_postgresql_once_and_the_explorer_serves_it(spark, pg_server, tmp_path):
    src = tmp_path / "inputs"
    shutil.copytree(DATA / "news", src)
    write_warc(src / "crawl.warc.gz")
    url, out = create_database(pg_server, "team_spark"), tmp_path / "out"
    command = ["batch", str(src), "--out", str(out), "--engine", "spark", "--workers", "2",
               "--embedder", "hashing", "--into", url]
    res = runner.invoke(app, command)
    # the crawl's 404 page is one failed record (exit 1); the five articles are stored
    assert res.exit_code == 1, res.output
    assert "1 records failed" in res.output and "added 5 articles" in res.output
    stored = counts(url)
    assert stored[0] == 5 and stored[1] > 0 and stored[2] > 0
    again = runner.invoke(app, command)  # a rerun: nothing analysed, nothing stored twice
    assert "0 articles" in again.output and "added 0 articles" in again.output, again.output
    assert "skipped 5 duplicates" in again.output
    assert counts(url) == stored
    engine = open_engine(url, create=False)[0]
    try:
        with engine.connect() as conn:
            article, title = conn.execute(text("SELECT id, title FROM articles WHERE url LIKE '%canal-lock'")).one()
            person = conn.execute(text("SELECT id FROM entities WHERE name = 'Colm Daly'")).scalar()
        client = TestClient(create_app(engine))
        page = client.get(f"/articles/{article}")
        assert page.status_code == 200 and title in page.text
        assert client.get(f"/people/{person}").status_code == 200
        hits = client.get("/api/search", params={"q": "canal lock"}).json()
        assert any(a["article_id"] == article for a in hits["articles"]), hits
    finally:
        engine.dispose()
