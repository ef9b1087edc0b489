"""``run_batch``: plan the inputs, skip what a previous run finished, run an engine, sum up."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .inputs import FILES_PER_SHARD, check_inputs, plan, walk_inputs
from .layout import ERRORS, Layout
from .progress import Tracker

ENGINES = ("local", "spark")


@dataclass
class BatchSummary:
    """What one run did, and what the whole output holds."""

    articles: int  # analysed in this run
    tokens: int
    failed: int  # failed records in the whole output (errors.jsonl lines)
    shards: int  # done in this run
    skipped_inputs: int  # input files a previous run had finished
    seconds: float
    warm_seconds: float
    warm_tokens: int
    worker_cpu: float  # CPU seconds the workers spent analysing (local engine)
    errors_path: Path

    @property
    def ok(self) -> bool:
        """True when no record of the output failed."""
        return self.failed == 0


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batch(inputs: list[str | Path], out: str | Path, *, workers: int | None = None,
              engine: str = "local", model: str | None = None, tracker: Tracker | None = None,
              files_per_shard: int = FILES_PER_SHARD, spark=None,
              embedder: str | None = "default") -> BatchSummary:
    """Analyse every input into Parquet tables under ``out``; resumable, failures logged.

    ``embedder``: ``minilm`` or ``hashing`` embeds each statement the store links into the
    ``vectors`` table; ``"default"`` is ONRECORD_EMBEDDER, else MiniLM (as ``onrecord ingest``);
    None writes no vectors (``onrecord ingest`` then embeds).

    A rerun skips every input a completed shard covered and redoes interrupted shards, so the
    output ends with each article exactly once. Raises InputError for a missing input.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
    check_inputs(inputs)  # before anything is written
    if engine == "local":
        check_model(model)
    embedder, vectors = check_embedder(embedder)
    layout = Layout(out)
    layout.create()
    layout.clean_interrupted()
    done = layout.done_sources()
    shards = plan(inputs, done, files_per_shard)
    skipped = _count_skipped(inputs, done)
    tracker = tracker or Tracker()
    workers = workers or default_workers()
    _engine(engine)(shards, layout, tracker, workers=workers, model=model, embedder=embedder,
                    vectors=vectors, **_extra(engine, spark))
    failed = layout.write_errors()
    return BatchSummary(tracker.articles, tracker.tokens, failed, len(shards), skipped,
                        tracker.seconds, tracker.warm_seconds, tracker.warm_tokens, tracker.cpu,
                        layout.out / ERRORS)


def check_model(model: str | None) -> None:
    """ModelError now, not from every worker later, when the pipeline is not installed."""
    import spacy

    from .. import settings
    from ..errors import ModelError

    name = settings.model_name(model)
    if not (spacy.util.is_package(name) or Path(name).exists()):
        raise ModelError(f"spaCy pipeline {name!r} is not installed; install it with pip or "
                         "set ONRECORD_MODEL / --model to one that is")


def check_embedder(name: str | None) -> tuple[str | None, tuple[str, int] | None]:
    """The embedder's short name and (full name, dimension), or (None, None) for no vectors;
    an OnrecordError now, not from every worker later, for an unknown one or a missing extra."""
    if name is None or name == "none":
        return None, None
    import os

    from ..errors import OnrecordError

    key = os.environ.get("ONRECORD_EMBEDDER") or "minilm" if name == "default" else name
    try:
        from ..store.embeddings import MiniLMEmbedder, get_embedder
        embedder = get_embedder(key)
        if isinstance(embedder, MiniLMEmbedder):
            embedder.check()
    except ImportError as exc:
        raise OnrecordError(f"embedding statements needs the store extra ({exc.name} is missing): "
                            "pip install 'onrecord[store]', or pass --embedder none") from None
    return key.lower(), (embedder.name, embedder.dim)


def _engine(name: str):
    if name == "spark":
        from .spark import run_spark
        return run_spark
    from .local import run_local
    return run_local


def _extra(engine: str, spark) -> dict:
    return {"spark": spark} if engine == "spark" else {}


def _count_skipped(inputs: list[str | Path], done: set[str]) -> int:
    return sum(1 for p in walk_inputs(inputs) if str(p) in done) if done else 0
