"""A generated ``onrecord batch`` output, for benchmarking and soaking the bulk ingest.

The articles are bench_store.py's (Zipf words, invented people, a quarter of the statements
restating a recent claim), about ten statements each, turned into Reports without spaCy and
written through the batch engine's own writer (``batch.parquet.ShardWriter``) with their
statements embedded by the hashing embedder, exactly as ``onrecord batch --embedder hashing``
writes them. Shards of 256 articles, as the batch makes of a directory.

    .venv/bin/python bench/bulk_corpus.py OUT --articles 2000
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_store import OUTLETS, make_article, people  # noqa: E402
from onrecord.batch.inputs import FILES_PER_SHARD  # noqa: E402
from onrecord.batch.layout import Layout  # noqa: E402
from onrecord.batch.parquet import ShardWriter, report_batches  # noqa: E402
from onrecord.batch.worker import embed_statements  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402

#: Statements per generated article (PolNeAR's articles hold about ten attributions each).
STATEMENTS = 10


def write_corpus(out: Path, articles: int, *, statements: int = STATEMENTS, seed: int = 11,
                 start: int = 0, skip: int = 0) -> Path:
    """Write ``articles`` generated articles (numbered from ``start``) as a batch output.
    ``skip``: generate that many articles first without writing them, so that the output goes
    on from the first ``skip`` (its statements restate their claims, its people are theirs)."""
    layout = Layout(out)
    layout.create()
    embedder = HashingEmbedder()
    pool, rng, recent = people(), random.Random(seed), []
    for i in range(start, start + skip):
        make_article(i, pool, rng, recent, statements)
    start += skip
    for first in range(start, start + articles, FILES_PER_SHARD):
        stop = min(first + FILES_PER_SHARD, start + articles)
        sources = [f"gen/{i}.txt" for i in range(first, stop)]
        writer = ShardWriter(layout, f"gen{first:09d}", sources, (embedder.name, embedder.dim))
        for i, source in zip(range(first, stop), sources):
            report = make_article(i, pool, rng, recent, statements)
            report.article.outlet = OUTLETS[i % len(OUTLETS)]
            ident = report.article.url
            writer.add(report_batches(report, ident, source, 0), 0, embed_statements(report, embedder))
        writer.commit()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--statements", type=int, default=STATEMENTS)
    opts = ap.parse_args()
    write_corpus(opts.out, opts.articles, statements=opts.statements)
    print(f"{opts.out}: {opts.articles} articles of {opts.statements} statements")


if __name__ == "__main__":
    main()
