"""The per-article work of a batch, the same in every engine: Item in, Parquet rows out.

``process`` builds the Article in the worker (HTML extraction is part of the work), calls
``engine.analyze_article``, embeds the statements the store links (``store.ingest.
embedded_texts``) with the batch's embedder, and turns the Report into one Arrow batch per
table plus its statement vectors. Anything
that goes wrong with one article becomes a ``Failure`` and the batch goes on.
"""
from __future__ import annotations

import hashlib
import signal
import threading
import time
from dataclasses import dataclass

from ..errors import InputError, OnrecordError
from .inputs import Failure, Item

_MODEL: str | None = None  # the pipeline a worker process was started with
_EMBEDDER = None  # the embedder a worker process was started with (None: no vectors)

#: Seconds to wait for every worker to load its pipeline. Loading the small English
#: pipeline takes 1-3 s; ten minutes covers a large transformer pipeline on a busy machine.
READY_TIMEOUT = 600.0


@dataclass
class Result:
    """One analysed article: its identity, its rows per table, and its size in tokens."""

    source: str
    article_id: str
    batches: dict
    tokens: int
    cpu: float  # CPU seconds this worker spent on the article (for benchmarks)
    vectors: object = None  # parquet.StatementVectors, when the batch embeds


def init_worker(model: str | None, ready=None, embedder: str | None = None) -> None:
    """Pool initializer: load the spaCy pipeline (and the embedder, ``minilm`` or ``hashing``;
    None embeds nothing) once per worker, then meet at ``ready``."""
    global _MODEL, _EMBEDDER
    from onrecord.pipeline import nlp

    _MODEL = model
    nlp.load(model)
    _EMBEDDER = load_embedder(embedder)
    if ready is not None:  # a pool worker: Ctrl-C is the main process's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            ready.wait(READY_TIMEOUT)
        except threading.BrokenBarrierError:
            pass  # the main process stopped waiting; work anyway


def process(unit, model: str | None = None):
    """Analyse one Item into a Result or a Failure; anything else passes through unchanged."""
    if not isinstance(unit, Item):
        return unit
    try:
        article = to_article(unit)
    except OnrecordError as exc:
        return Failure(unit.source, _reason(exc), "read")
    try:
        return _analyse(unit, article, model or _MODEL)
    except Exception as exc:  # one article's bug must not stop a batch of millions
        return Failure(unit.source, f"{type(exc).__name__}: {exc}", "analyze")


def _analyse(unit: Item, article, model: str | None) -> Result:
    from ..engine import analyze_article
    from .parquet import report_batches

    cpu = time.process_time()
    report = analyze_article(article, model=model)
    ident = article_identity(article)
    tokens = len(report.doc) if report.doc is not None else 0
    batches = report_batches(report, ident, unit.source, tokens)
    vectors = embed_statements(report, _EMBEDDER) if _EMBEDDER is not None else None
    return Result(unit.source, ident, batches, tokens, time.process_time() - cpu, vectors)


def load_embedder(name: str | None):
    """The store's embedder called ``name``, its model loaded now (None for None)."""
    if name is None:
        return None
    from ..store.embeddings import get_embedder

    embedder = get_embedder(name)
    embedder.embed(["warm up"])  # load the sentence model before the first article
    return embedder


def embed_statements(report, embedder):
    """The vectors of the statements the store links, as ``onrecord ingest`` would compute them."""
    import numpy as np

    from ..store.ingest import embedded_texts
    from .parquet import StatementVectors

    texts = embedded_texts(report)
    vectors = embedder.embed(texts) if texts else np.empty((0, embedder.dim), np.float32)
    return StatementVectors(embedder.name, texts, vectors)


def _reason(exc: OnrecordError) -> str:
    return exc.problem if isinstance(exc, InputError) else str(exc)


def to_article(item: Item):
    """The Article of an Item (the reader's rules); InputError or DateError when it cannot be one."""
    from onrecord.inputs.readers import to_article as read_article

    return read_article(item)


def article_identity(article) -> str:
    """The article's identity in every table: its URL, else a hash of its text."""
    if article.url:
        return article.url
    return "sha256:" + hashlib.sha256(article.text.encode("utf-8")).hexdigest()
