"""Benchmark of bulk ingest: a batch output with vectors into SQLite, against the per-article path.

A generated batch output (bench/bulk_corpus.py: about ten statements an article, hashing
vectors written by the batch writer) is ingested into fresh stores by both paths in this
process: the baseline, one transaction per article (``ingest.ingest_items``, what ``onrecord
ingest`` did with a batch output before), and the bulk path (``bulk.ingest_reports``, what it
does now). Each path runs ``--runs`` times; the medians and their ratio are printed, with the
store's peak memory growth per statement (the vector index is what grows).

    .venv/bin/python bench/bench_bulk.py --articles 2000 --runs 3
    .venv/bin/python bench/bench_bulk.py --out OUT        # a real `onrecord batch` output
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bulk_corpus import write_corpus  # noqa: E402
from onrecord.store.bulk import ingest_reports  # noqa: E402
from onrecord.store.embeddings import get_embedder  # noqa: E402
from onrecord.store.ingest import Store, ingest_items  # noqa: E402
from onrecord.store.sources import iter_items  # noqa: E402


def run(out: Path, bulk: bool, embedder: str) -> tuple[float, int]:
    """Articles per second of one ingest of ``out`` into a fresh store, and its statements."""
    folder = Path(tempfile.mkdtemp(prefix="onrecord-bulk-"))
    try:
        with Store.open(folder / "s.sqlite", get_embedder(embedder)) as store:
            start = time.perf_counter()
            items = iter_items([str(out)])
            summary = ingest_reports(store, items) if bulk else ingest_items(store, items)
            seconds = time.perf_counter() - start
        return summary.added / seconds, summary.statements
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-runs", type=int, default=None, help="Runs of the per-article path (default: --runs).")
    ap.add_argument("--out", type=Path, default=None, help="An existing batch output (default: generated).")
    ap.add_argument("--embedder", default="hashing")
    opts = ap.parse_args()
    out = opts.out
    if out is None:
        out = write_corpus(Path(tempfile.mkdtemp(prefix="onrecord-corpus-")) / "out", opts.articles)
    base = [run(out, False, opts.embedder) for _ in range(opts.baseline_runs or opts.runs)]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bulk = [run(out, True, opts.embedder) for _ in range(opts.runs)]
    statements = bulk[0][1]
    b, k = statistics.median(r for r, _ in base), statistics.median(r for r, _ in bulk)
    print(f"per-article  {b:7.1f} articles/s  (median of {len(base)}: {', '.join(f'{r:.1f}' for r, _ in base)})")
    print(f"bulk         {k:7.1f} articles/s  (median of {len(bulk)}: {', '.join(f'{r:.1f}' for r, _ in bulk)})")
    print(f"ratio        x{k / b:.2f}   ({statements:,} statements stored per run)")
    print(f"peak RSS     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
          f"(+{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024:.0f} MB during the bulk runs)")


if __name__ == "__main__":
    main()
