"""The HNSW build parameters: build time and recall at the linking thresholds.

Statement vectors (a generated batch output's hashing vectors, or MiniLM vectors of the texts
of a batch output's vectors table) are added to an hnswlib index the way bulk ingest adds them
(chunks of 2,560 on every core) with M=16 and several ef_construction values; each is searched
as linking searches (k = linking.NEIGHBOURS, ef = embeddings.HNSW_EF). Recall is measured
against exact search over the neighbours that matter to linking: those at or above
SAME_FIGURE_CLAIM (0.4, the lowest cosine at which a statement can join a claim) and at or above
SAME_CLAIM. Build time is printed as a ratio to ef_construction=200 (hnswlib's recommended
default, what the store used before), median of --runs builds.

    .venv/bin/python bench/bench_hnsw.py --articles 2000
    .venv/bin/python bench/bench_hnsw.py --out OUT --embedder minilm --limit 10000
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from bulk_corpus import write_corpus  # noqa: E402
from onrecord.store import linking  # noqa: E402
from onrecord.store.bulk import threads  # noqa: E402
from onrecord.store.embeddings import HNSW_EF, HNSW_M, get_embedder  # noqa: E402

EF_CONSTRUCTION = (200, 100, 64, 40, 24)
QUERIES = 2000
CHUNK = 2560


def vectors_of(out: Path, embedder: str | None, limit: int | None) -> np.ndarray:
    tables = [pq.read_table(p) for p in sorted((out / "vectors").glob("part-*.parquet"))]
    if embedder is None:
        dim = tables[0].schema.field("vector").type.list_size
        v = np.concatenate([t.column("vector").combine_chunks().values.to_numpy().reshape(-1, dim) for t in tables])
        return v[:limit] if limit else v
    texts = [x for t in tables for x in t.column("text").to_pylist()][:limit]
    return get_embedder(embedder).embed(texts)


def build(vectors: np.ndarray, ef_construction: int):
    import hnswlib

    index = hnswlib.Index(space="cosine", dim=vectors.shape[1])
    index.init_index(max_elements=len(vectors), ef_construction=ef_construction, M=HNSW_M)
    start = time.perf_counter()
    for at in range(0, len(vectors), CHUNK):
        index.add_items(vectors[at:at + CHUNK], np.arange(at, min(at + CHUNK, len(vectors))), num_threads=threads())
    seconds = time.perf_counter() - start
    index.set_ef(HNSW_EF)
    return index, seconds


def recall(index, vectors: np.ndarray, ids: np.ndarray, threshold: float) -> float:
    """Share of each query's true neighbours (exact top k, itself left out, at or above
    ``threshold``) that the index returns."""
    k = linking.NEIGHBOURS
    exact = vectors[ids] @ vectors.T
    labels, _ = index.knn_query(vectors[ids], k=k + 1, num_threads=threads())
    found = wanted = 0
    for q, row, got in zip(ids, exact, labels):
        row[q] = -2.0
        top = np.argsort(-row)[:k]
        true = {int(t) for t in top if row[t] >= threshold}
        wanted += len(true)
        found += len(true & ({int(i) for i in got} - {int(q)}))
    return found / max(wanted, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--embedder", default=None, help="Embed the vectors table's texts again (e.g. minilm).")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    out = opts.out or write_corpus(Path(tempfile.mkdtemp(prefix="onrecord-hnsw-")) / "out", opts.articles)
    vectors = np.ascontiguousarray(vectors_of(out, opts.embedder, opts.limit), dtype=np.float32)
    rng = np.random.default_rng(5)
    queries = rng.choice(len(vectors), size=min(QUERIES, len(vectors)), replace=False)
    print(f"{len(vectors):,} vectors of {vectors.shape[1]} dimensions, M={HNSW_M}, ef={HNSW_EF}, "
          f"k={linking.NEIGHBOURS}, {threads()} threads")
    base = None
    for ef_c in EF_CONSTRUCTION:
        times, index = [], None
        for _ in range(opts.runs):
            index, seconds = build(vectors, ef_c)
            times.append(seconds)
        t = statistics.median(times)
        base = base or t
        cells = "  ".join(f"recall@{th} {recall(index, vectors, queries, th):.4f}"
                          for th in (linking.SAME_FIGURE_CLAIM, linking.SAME_CLAIM))
        print(f"ef_construction {ef_c:>3}  build {t:6.2f} s  x{t / base:.2f} of 200  "
              f"{len(vectors) / t:8.0f} vectors/s  {cells}", flush=True)


if __name__ == "__main__":
    main()
