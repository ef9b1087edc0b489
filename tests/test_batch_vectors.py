"""The batch engines embed each statement into OUT/vectors, and ingest then embeds nothing.

Slow: the spaCy pipeline analyses tests/data/batch/news (original articles).
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow", reason="the batch extra (pyarrow) is not installed")
pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

import pyarrow.parquet as pq  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.batch.parquet import iter_vectored_reports  # noqa: E402
from onrecord.batch.run import run_batch  # noqa: E402
from onrecord.cli import app  # noqa: E402
from onrecord.store import bulk, dedup  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store, embedded_texts  # noqa: E402
from onrecord.store.sources import iter_items  # noqa: E402

from test_batch import DATA  # noqa: E402

pytestmark = pytest.mark.slow


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return super().embed(texts)


def _vectors_of(out):
    return [pq.read_table(p) for p in sorted((out / "vectors").glob("part-*.parquet"))]


def _check_vectors(out):
    got = list(iter_vectored_reports(out))
    assert got
    for _source, report, vectors, bands in got:
        assert bands == dedup.band_keys(dedup.normalise_text(report.article.text))  # computed by the workers
        assert vectors.embedder == "hashing-256"
        assert vectors.texts == embedded_texts(report)
        assert np.allclose(vectors.vectors, HashingEmbedder().embed(vectors.texts) if vectors.texts else vectors.vectors)
    table = _vectors_of(out)[0]
    assert table.schema.field("vector").type == pa.list_(pa.float32(), 256)
    assert table.schema.metadata[b"onrecord.embedder"] == b"hashing-256"
    return got


def test_the_local_engine_writes_vectors_and_ingest_embeds_nothing(tmp_path):
    out = tmp_path / "out"
    run_batch([DATA / "news"], out, workers=1, embedder="hashing")
    got = _check_vectors(out)
    statements = sum(len(v.texts) for _, _, v, _ in got)
    assert statements > 0
    embedder = CountingEmbedder()
    with Store.open(tmp_path / "s.sqlite", embedder) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]))
        assert len(store.index) == summary.statements == statements
    assert embedder.texts == 0


def test_no_embedder_writes_no_vectors_and_ingest_embeds(tmp_path):
    out = tmp_path / "out"
    run_batch([DATA / "news"], out, workers=1, embedder=None)
    assert _vectors_of(out) == []
    embedder = CountingEmbedder()
    with Store.open(tmp_path / "s.sqlite", embedder) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]))
    assert embedder.texts == summary.statements > 0


def test_an_unknown_embedder_is_one_error_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["batch", str(DATA / "news"), "--out", str(out), "--embedder", "nonesuch"])
    assert res.exit_code == 2
    assert "unknown embedder 'nonesuch'" in res.output
    assert not out.exists()


@pytest.mark.skipif(shutil.which("java") is None, reason="java is not on PATH: the Spark engine needs Java 17")
def test_the_spark_engine_writes_the_same_vectors(tmp_path):
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'onrecord[batch]')")
    from onrecord.batch.spark import get_session

    session = get_session(2)
    try:
        run_batch([DATA / "news"], tmp_path / "spark", engine="spark", spark=session, embedder="hashing")
    finally:
        session.stop()
    run_batch([DATA / "news"], tmp_path / "local", workers=1, embedder="hashing")
    by_spark = [(s, v.texts, v.vectors.tolist(), b) for s, _, v, b in _check_vectors(tmp_path / "spark")]
    by_local = [(s, v.texts, v.vectors.tolist(), b) for s, _, v, b in _check_vectors(tmp_path / "local")]
    assert sorted(by_spark) == sorted(by_local)
