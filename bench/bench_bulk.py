"""Benchmark of bulk ingest: a batch output with vectors into SQLite, against the per-article path.

A generated batch output (bench/bulk_corpus.py: about ten statements an article, hashing
vectors written by the batch writer) is ingested into fresh stores by both paths in this
process: the baseline, one transaction per article (``ingest.ingest_items``, what ``onrecord
ingest`` did with a batch output before), and the bulk path (``bulk.ingest_reports``, what it
does now). Each path runs ``--runs`` times; the medians and their ratio are printed, with the
CPU seconds of the bulk runs (the machine may be shared: wall time then says less) and the
store's peak memory growth per statement (the vector index is what grows).

``--prefill N`` measures how ingest slows as the store grows: each run starts from a copy of a
store already holding the corpus's first N articles (ingested once, by the bulk path) and
ingests the next ``--articles``, which restate its claims and speak through its people.
``--prefill-dir DIR`` keeps that store in DIR and reuses it next time (40,000 articles take
about 20 minutes to prefill). ``--memo-limits A,B,...`` runs the bulk path with each
``bulk.MEMO_LIMIT`` in turn (alternated, ``--runs`` rounds) and prints each one's median
against the first's.

    .venv/bin/python bench/bench_bulk.py --articles 2000 --runs 3
    .venv/bin/python bench/bench_bulk.py --articles 2000 --runs 3 --baseline-runs 0 --prefill 10000
    .venv/bin/python bench/bench_bulk.py --articles 4000 --runs 1 --baseline-runs 0 --prefill 40000 \
        --prefill-dir /tmp/prefill40k --memo-limits 400000,1000000
    .venv/bin/python bench/bench_bulk.py --out OUT        # a real `onrecord batch` output
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bulk_corpus import write_corpus  # noqa: E402
from onrecord.store import bulk as bulk_store  # noqa: E402
from onrecord.store.bulk import ingest_reports  # noqa: E402
from onrecord.store.embeddings import get_embedder  # noqa: E402
from onrecord.store.ingest import Store, ingest_items  # noqa: E402
from onrecord.store.sources import iter_items  # noqa: E402


def run(out: Path, bulk: bool, embedder: str, prefilled: Path | None = None) -> tuple[float, int, float]:
    """Articles per second of one ingest of ``out`` into a fresh store (a copy of ``prefilled``
    when given), its statements, and the CPU seconds it took (every thread)."""
    folder = Path(tempfile.mkdtemp(prefix="onrecord-bulk-"))
    try:
        if prefilled is not None:
            for file in prefilled.parent.glob(prefilled.name + "*"):
                shutil.copy(file, folder / file.name.replace(prefilled.name, "s.sqlite"))
        with Store.open(folder / "s.sqlite", get_embedder(embedder)) as store:
            cpu, start = time.process_time(), time.perf_counter()
            items = iter_items([str(out)])
            summary = ingest_reports(store, items) if bulk else ingest_items(store, items)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        return summary.added / seconds, summary.statements, cpu
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def prefill(folder: Path, articles: int, embedder: str, keep: Path | None = None) -> Path:
    """A store holding the corpus's first ``articles`` articles, ingested by the bulk path;
    kept in ``keep`` and taken from there when it was made there before for as many articles."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        db, made = keep / "prefill.sqlite", keep / "prefill.json"
        if made.exists():
            was = json.loads(made.read_text())
            if was != {"articles": articles, "embedder": embedder}:
                sys.exit(f"{made}: the store there holds {was}, not {articles} articles by {embedder}")
            print(f"prefilled    {articles:,} articles, kept in {keep}", flush=True)
            return db
        folder = keep
    pre = write_corpus(folder / "prefill-out", articles)
    db = folder / "prefill.sqlite"
    with Store.open(db, get_embedder(embedder)) as store:
        summary = ingest_reports(store, iter_items([str(pre)]))
    print(f"prefilled    {summary.added:,} articles ({summary.statements:,} statements) "
          f"in {summary.seconds:.0f} s", flush=True)
    if keep is not None:
        shutil.rmtree(pre, ignore_errors=True)
        (keep / "prefill.json").write_text(json.dumps({"articles": articles, "embedder": embedder}))
    return db


def with_memo_limit(limit: int, *args) -> tuple[float, int, float]:
    """``run`` of the bulk path with ``bulk.MEMO_LIMIT`` set to ``limit``."""
    kept = bulk_store.MEMO_LIMIT
    bulk_store.MEMO_LIMIT = limit
    try:
        return run(*args)
    finally:
        bulk_store.MEMO_LIMIT = kept


def show_limits(limits: list[int], rounds: list[list[tuple[float, int, float]]]) -> None:
    """Each memo limit's median rate and CPU, and its ratio to the first limit's."""
    first = None
    for i, limit in enumerate(limits):
        rates = [r[i][0] for r in rounds]
        k = statistics.median(rates)
        first = first or k
        print(f"memo {limit:>9,} {k:7.1f} articles/s  (median of {len(rates)}: "
              f"{', '.join(f'{r:.1f}' for r in rates)}; CPU {statistics.median(r[i][2] for r in rounds):.1f} s a run)"
              f"  x{k / first:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-runs", type=int, default=None,
                    help="Runs of the per-article path (default: --runs; 0: none).")
    ap.add_argument("--prefill", type=int, default=0,
                    help="Articles already in the store when each run starts (default: none).")
    ap.add_argument("--prefill-dir", type=Path, default=None,
                    help="Keep the prefilled store here and reuse it when it is there.")
    ap.add_argument("--memo-limits", default=None,
                    help="Comma-separated bulk.MEMO_LIMIT values to compare (bulk runs only).")
    ap.add_argument("--out", type=Path, default=None, help="An existing batch output (default: generated).")
    ap.add_argument("--embedder", default="hashing")
    opts = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="onrecord-corpus-"))
    try:
        out = opts.out
        if out is None:
            out = write_corpus(work / "out", opts.articles, skip=opts.prefill)
        pre = prefill(work, opts.prefill, opts.embedder, opts.prefill_dir) if opts.prefill else None
        if opts.memo_limits:
            limits = [int(v) for v in opts.memo_limits.split(",")]
            show_limits(limits, [[with_memo_limit(lim, out, True, opts.embedder, pre) for lim in limits]
                                 for _ in range(opts.runs)])
            return
        baseline_runs = opts.runs if opts.baseline_runs is None else opts.baseline_runs
        base = [run(out, False, opts.embedder, pre) for _ in range(baseline_runs)]
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        bulk = [run(out, True, opts.embedder, pre) for _ in range(opts.runs)]
        statements = bulk[0][1]
        k = statistics.median(r for r, _, _ in bulk)
        if base:
            b = statistics.median(r for r, _, _ in base)
            print(f"per-article  {b:7.1f} articles/s  (median of {len(base)}: "
                  f"{', '.join(f'{r:.1f}' for r, _, _ in base)})")
        print(f"bulk         {k:7.1f} articles/s  (median of {len(bulk)}: {', '.join(f'{r:.1f}' for r, _, _ in bulk)}; "
              f"CPU {statistics.median(c for _, _, c in bulk):.1f} s a run)")
        if base:
            print(f"ratio        x{k / b:.2f}   ({statements:,} statements stored per run)")
        if pre is not None:
            print(f"store        {opts.prefill:,} articles before each run")
        print(f"peak RSS     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
              f"(+{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024:.0f} MB during the bulk runs)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
