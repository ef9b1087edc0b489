"""Batch engines: many articles, all cores on one machine or a Spark cluster, Parquet out.

``run_batch`` plans the inputs into shards (a WARC file, a JSONL file, a chunk of a
directory), skips the shards a previous run finished, and hands the rest to an engine:

- ``local`` (default): worker processes fed through a bounded queue, one pipeline per worker;
- ``spark``: one shard per partition, the same per-article function on each executor.

Both write the same layout (``layout.py``), read back by ``parquet.iter_reports``.
Nothing heavy is imported here, so ``onrecord`` starts without the ``batch`` extra.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .run import BatchSummary


def run_batch(*args, **kwargs) -> "BatchSummary":
    """Analyse every input into Parquet under ``out``; see ``onrecord.batch.run.run_batch``."""
    from .run import run_batch as _run

    return _run(*args, **kwargs)


__all__ = ["run_batch"]
