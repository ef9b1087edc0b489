"""The Spark engine: one shard per partition, the same per-article function on every executor.

Each partition reads its shard, analyses every article with ``worker.process`` (the spaCy
pipeline is loaded once per Python worker, which Spark reuses across partitions) and writes
the shard's part files and marker exactly as the local engine does. The output directory
must therefore be on a file system every executor sees (local disk for ``local[N]``, NFS or
a mounted volume on a cluster). The driver only collects each shard's counts.
"""
from __future__ import annotations

import functools
import os
import sys
from typing import Iterable, Iterator

from .inputs import Shard, iter_shard
from .layout import Layout
from .progress import Tracker


def run_spark(shards: list[Shard], layout: Layout, tracker: Tracker, *, workers: int = 2,
              model: str | None = None, embedder: str | None = None,
              vectors: tuple[str, int] | None = None, spark=None) -> None:
    """Run every shard as a Spark partition and count the results into ``tracker``; each
    executor embeds the statements with ``embedder`` (see ``local.run_local``)."""
    if not shards:
        return
    session = spark or get_session(workers)
    job = functools.partial(run_partition, out=str(layout.out), model=model, embedder=embedder,
                            vectors=vectors)
    rdd = session.sparkContext.parallelize(shards, numSlices=len(shards))
    for marker in rdd.mapPartitions(job).collect():
        _count(marker, tracker)


def get_session(workers: int):
    """The active SparkSession, or a local one with ``workers`` cores when no master is set.

    Under ``spark-submit`` the master comes from its options; run directly, onrecord starts
    ``local[workers]`` with this Python for the workers.
    """
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("onrecord batch")
    if not SparkConf().contains("spark.master"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.master(f"local[{workers}]").config("spark.ui.enabled", "false")
    return builder.getOrCreate()


def run_partition(shards: Iterable[Shard], out: str, model: str | None, embedder: str | None = None,
                  vectors: tuple[str, int] | None = None) -> Iterator[dict]:
    """Analyse and commit every shard of one partition; yield each shard's marker."""
    from .parquet import ShardWriter
    from .worker import init_worker, process

    init_worker(model, None, embedder)
    layout = Layout(out)
    for shard in shards:
        writer = ShardWriter(layout, shard.id, list(shard.paths), vectors)
        try:
            for unit in iter_shard(shard):
                _add(writer, process(unit))
        except BaseException:
            writer.abort()
            raise
        yield writer.commit()


def _add(writer, res) -> None:
    from .worker import Result

    if isinstance(res, Result):
        writer.add(res.batches, res.tokens, res.vectors)
    else:
        writer.fail(res.to_dict())


def _count(marker: dict, tracker: Tracker) -> None:
    """Fold one committed shard's counts into the tracker (Spark reports per shard)."""
    tracker.shard(marker["articles"], marker["tokens"], len(marker["errors"]))
