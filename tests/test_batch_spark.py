"""The Spark engine on local[2]: the same layout and rows as the local engine, resumable too."""
from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("pyarrow", reason="the batch extra (pyarrow) is not installed")
pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'onrecord[batch]')")
if shutil.which("java") is None:
    pytest.skip("java is not on PATH: the Spark engine needs Java 17", allow_module_level=True)

from test_batch import DATA, table, write_warc  # noqa: E402

from onrecord.batch.run import run_batch  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Three text/HTML files and a two-page WARC: three shards, so two partitions run at once."""
    src = tmp_path_factory.mktemp("spark") / "inputs"
    shutil.copytree(DATA / "news", src)
    write_warc(src / "crawl.warc.gz")
    return src


def test_spark_writes_the_local_layout(spark, inputs, tmp_path):
    by_spark = run_batch([inputs], tmp_path / "spark", engine="spark", spark=spark, files_per_shard=2)
    by_local = run_batch([inputs], tmp_path / "local", workers=1, files_per_shard=2)
    assert by_spark.articles == by_local.articles == 5 and by_spark.shards == 3
    # the crawl's 404 page is refused by the reader, the same in both engines
    assert by_spark.failed == by_local.failed == 1
    assert "404" in (tmp_path / "spark" / "errors.jsonl").read_text(encoding="utf-8")
    ids = lambda out: sorted(r["article_id"] for r in table(out, "articles"))  # noqa: E731
    assert ids(tmp_path / "spark") == ids(tmp_path / "local")
    names = lambda out: sorted(p.name for p in out.rglob("*.parquet"))  # noqa: E731
    assert names(tmp_path / "spark") == names(tmp_path / "local")
    for art in table(tmp_path / "spark", "articles"):
        report = json.loads(art["report"])
        rows = [r for r in table(tmp_path / "spark", "attributions") if r["article_id"] == art["article_id"]]
        assert len(rows) == art["attributions"] == len(report["attributions"])


def test_spark_rerun_adds_no_rows(spark, inputs, tmp_path):
    out = tmp_path / "out"
    run_batch([inputs], out, engine="spark", spark=spark, files_per_shard=2)
    before = len(table(out, "articles"))
    again = run_batch([inputs], out, engine="spark", spark=spark, files_per_shard=2)
    assert again.shards == 0 and again.articles == 0
    assert len(table(out, "articles")) == before == 5
