"""A batch output goes into the store without analysing again (the two halves joined)."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from onrecord.cli import app

from conftest import DATA

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_batch_output_folder_is_ingested_whole(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("harbour-bridge.txt", "river-council.txt"):
        (src / name).write_text((DATA / name).read_text())
    out, db = tmp_path / "out", tmp_path / "store.sqlite"
    res = runner.invoke(app, ["batch", str(src), "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["ingest", str(out), "--db", str(db), "--embedder", "hashing"])
    assert res.exit_code == 0, res.output
    assert "added 2 articles" in res.output
    again = runner.invoke(app, ["ingest", str(out), "--db", str(db), "--embedder", "hashing"])
    assert "added 0 articles" in again.output and "skipped 2 duplicates" in again.output


def test_a_non_article_table_is_refused_with_the_reason(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text((DATA / "harbour-bridge.txt").read_text())
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(src), "--out", str(out), "--workers", "1"])
    part = next((out / "attributions").glob("*.parquet"))
    res = runner.invoke(app, ["ingest", str(part), "--db", str(tmp_path / "s.sqlite"), "--embedder", "hashing"])
    assert res.exit_code == 1 and "articles table is needed" in res.output
