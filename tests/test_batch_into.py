"""``onrecord batch --into``: a store that cannot be used is said in one line before the batch
writes anything (fast: no pipeline is loaded). The batch into PostgreSQL on Spark, its rerun
and the explorer over it are in tests/test_team_pg.py."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

pytest.importorskip("sqlalchemy")
pytest.importorskip("pyarrow")

from onrecord.cli import app  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402

from conftest import DATA  # noqa: E402

runner = CliRunner()


def error_lines(res) -> list[str]:
    return [line for line in res.output.splitlines() if line.startswith("onrecord: error:")]


def test_a_database_url_of_no_kind_stops_the_batch_before_it_writes(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["batch", str(DATA / "batch" / "news"), "--out", str(out),
                              "--into", "mysql://team@db.example/onrecord"])
    assert res.exit_code == 2, res.output
    assert error_lines(res) == ["onrecord: error: --into: mysql://team@db.example/onrecord: unsupported "
                                "database 'mysql' (use SQLite or PostgreSQL)"]
    assert not out.exists()


def test_a_server_that_does_not_answer_stops_the_batch_before_it_writes(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["batch", str(DATA / "batch" / "news"), "--out", str(out), "--into",
                              "postgresql://team:s3cret@127.0.0.1:9/onrecord?connect_timeout=2"])
    assert res.exit_code == 2, res.output
    [line] = error_lines(res)
    assert line.startswith("onrecord: error: --into: ") and "cannot open the store" in line
    assert "s3cret" not in res.output  # the password is never printed
    assert not out.exists()


def test_a_store_of_another_embedder_stops_the_batch_before_it_writes(tmp_path):
    db, out = tmp_path / "team.sqlite", tmp_path / "out"
    Store.open(db, HashingEmbedder()).close()
    res = runner.invoke(app, ["batch", str(DATA / "batch" / "news"), "--out", str(out), "--into", str(db),
                              "--embedder", "minilm"])
    assert res.exit_code == 2, res.output
    [line] = error_lines(res)
    assert "built with the hashing-256 embedder" in line and "--embedder hashing" in line
    assert not out.exists()


def test_a_missing_input_is_said_before_the_store_is_made(tmp_path):
    db, out = tmp_path / "team.sqlite", tmp_path / "out"
    res = runner.invoke(app, ["batch", str(tmp_path / "nowhere"), "--out", str(out), "--into", str(db)])
    assert res.exit_code == 2, res.output
    assert len(error_lines(res)) == 1 and "nowhere" in error_lines(res)[0]
    assert not db.exists() and not out.exists()
