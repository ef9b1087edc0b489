"""The vector index at scale: hnswlib's build time, memory and search time as it grows.

Builds one hnswlib index the way bulk ingest builds the store's (``store.embeddings``: cosine,
M=16, ef_construction=200, ef=64; chunks of 2,560 vectors on every core) up to each of
``--sizes`` vectors, and at each size prints: the insert rate of the stretch up to it, the
index's bytes per vector (the saved index file: what it holds in memory, the vectors and
their links) and the process's resident memory, and the p50/p95 of a linking search
(k = linking.SEARCHED) of statements not in the index. The first stretch is the baseline:
each later stretch prints its insert rate as a ratio to it (the machine is shared: ratios
say more than seconds). Then it extrapolates to ``--target`` vectors: memory linearly (bytes
per vector), build time by the measured growth of the cost of an insert with the index's
size (HNSW's insert cost grows with the logarithm of the size).

The vectors are MiniLM-shaped (384 dimensions, unit length) and clustered as statements are:
``--claims`` centres (claims restated across articles) with each vector a centre plus noise,
so that the graph has the neighbourhoods linking searches; a real archive's vectors are
clustered the same way, more or less tightly.

    .venv/bin/python bench/bench_hnsw_scale.py --sizes 100000,300000,1000000 --target 10000000
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from onrecord.store import linking
from onrecord.store.bulk import threads
from onrecord.store.embeddings import HNSW_EF, HNSW_EF_CONSTRUCTION, HNSW_M

CHUNK = 2560
QUERIES = 500


def vectors(rng: np.random.Generator, centres: np.ndarray, n: int, noise: float) -> np.ndarray:
    """``n`` unit vectors, each a random centre plus Gaussian noise."""
    picks = rng.integers(0, len(centres), n)
    v = centres[picks] + rng.normal(0, noise, (n, centres.shape[1])).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--target", type=int, default=10_000_000, help="Vectors to extrapolate to (1M articles).")
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--claims", type=int, default=200_000, help="Cluster centres (claims).")
    ap.add_argument("--noise", type=float, default=0.04, help="Per-dimension noise around a centre.")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args()
    import hnswlib

    sizes = sorted(int(s) for s in opts.sizes.split(","))
    rng = np.random.default_rng(20251202)
    centres = rng.normal(0, 1 / math.sqrt(opts.dim), (opts.claims, opts.dim)).astype(np.float32)
    index = hnswlib.Index(space="cosine", dim=opts.dim)
    index.init_index(max_elements=sizes[-1], ef_construction=HNSW_EF_CONSTRUCTION, M=HNSW_M)
    index.set_ef(HNSW_EF)
    queries = vectors(rng, centres, QUERIES, opts.noise)
    rows, at, rss0, base = [], 0, rss_mb(), None
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            seconds, start = 0.0, at
            while at < size:
                n = min(CHUNK, size - at)
                batch = vectors(rng, centres, n, opts.noise)  # made outside the timed insert
                t = time.perf_counter()
                index.add_items(batch, np.arange(at, at + n), num_threads=threads())
                seconds += time.perf_counter() - t
                at += n
            rate = (at - start) / seconds
            base = base or rate
            path = Path(tmp) / "i.hnsw"
            index.save_index(str(path))
            per = path.stat().st_size / at
            path.unlink()
            lat = []
            for q in queries:
                t = time.perf_counter()
                index.knn_query(q, k=linking.SEARCHED)
                lat.append((time.perf_counter() - t) * 1000)
            lat.sort()
            row = {"vectors": at, "insert_per_s": round(rate, 1), "ratio_to_first": round(rate / base, 3),
                   "us_per_insert_thread": round(1e6 * seconds * threads() / (at - start), 1),
                   "bytes_per_vector": round(per, 1), "rss_mb": round(rss_mb(), 1),
                   "rss_growth_mb": round(rss_mb() - rss0, 1),
                   "search_p50_ms": round(statistics.median(lat), 3), "search_p95_ms": round(lat[int(0.95 * len(lat))], 3)}
            rows.append(row)
            if not opts.json:
                print(f"{at:>10,} vectors  {rate:8.0f} inserts/s (x{rate / base:.2f} of the first stretch)  "
                      f"{per:7.1f} B/vector  RSS {row['rss_mb']:.0f} MB  search p50/p95 "
                      f"{row['search_p50_ms']:.2f}/{row['search_p95_ms']:.2f} ms", flush=True)
    # extrapolation: the cost of an insert grows with log(size) (fit on the stretches' midpoints)
    first, last = rows[0], rows[-1]
    mid = lambda i: (rows[i - 1]["vectors"] if i else 0) + (rows[i]["vectors"] - (rows[i - 1]["vectors"] if i else 0)) / 2  # noqa: E731
    c0, c1 = first["us_per_insert_thread"], last["us_per_insert_thread"]
    slope = (c1 - c0) / max(math.log(mid(len(rows) - 1)) - math.log(mid(0)), 1e-9)
    cost_at = lambda n: c0 + slope * (math.log(n) - math.log(mid(0)))  # noqa: E731
    # time to build ``target``: integral of the cost over sizes, in steps of a tenth
    steps = np.linspace(1, opts.target, 101)
    build = sum(cost_at((a + b) / 2) * (b - a) for a, b in zip(steps[:-1], steps[1:])) / 1e6 / threads()
    est = {"target_vectors": opts.target, "bytes_per_vector": last["bytes_per_vector"],
           "memory_gb": round(last["bytes_per_vector"] * opts.target / 1e9, 2),
           "build_minutes_on_this_machine": round(build / 60, 1), "threads": threads(),
           "us_per_insert_thread_at_target": round(cost_at(opts.target), 1)}
    if opts.json:
        print(json.dumps({"sizes": rows, "extrapolated": est}, indent=2))
    else:
        print(f"extrapolated to {opts.target:,} vectors: {est['memory_gb']} GB of index, "
              f"{est['build_minutes_on_this_machine']} min to build on {threads()} threads "
              f"({est['us_per_insert_thread_at_target']} us a vector a thread at that size)")


if __name__ == "__main__":
    sys.exit(main())
