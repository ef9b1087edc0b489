"""Benchmark of the store: ingest rate and query latency at 1k, 10k and 100k articles.

Articles are generated from templates and turned into Reports directly (no spaCy), and
statements are embedded with the hashing embedder: what is measured is the store (SQLite
writes, entity and claim linking, the HNSW index, FTS5), not the NLP or the sentence model.
The corpus grows in one store: ingest up to the first size, measure, ingest on to the next.

    .venv/bin/python bench/bench_store.py                 # 1k, 10k, 100k
    .venv/bin/python bench/bench_store.py --sizes 1000,5000

Prints articles per second for each stretch of ingest and p50/p95 latency (ms) of ``who``,
``claims --about`` and ``search``, then the growth of each p95 from the second size to the
last (target: p95 under 100 ms at 100k on SQLite, growth from 10k to 100k under 3x).
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from onrecord.article import from_text
from onrecord.records import Attribution, Content, Entity, Span, Speaker
from onrecord.report import Report
from onrecord.store import queries
from onrecord.store.embeddings import HashingEmbedder
from onrecord.store.ingest import Store

FIRST = ("Mara Tomas Ines Lena Henrik Agnes Tobias Josef Ruth Elena Pavel Nadia Omar Priya Kofi Lucia "
         "Sven Ilse Marek Yara Dmitri Hana Felix Greta Rafael Amira Noor Jonas Teodor Alma").split()
LAST = ("Quell Renn Darrow Vask Solberg Holm Brandt Okafor Varga Reef Marsh Lindqvist Oduya Castell "
        "Ferreira Nakamura Kowalski Haddad Adeyemi Novak Sato Moreau Ivanova Petrov Larsen Costa Duarte "
        "Weiss Falk Kaya Bauer Romero Szabo Dahl Engel Horvat Lund Mercer Quint Rask").split()
NOUNS = ("reservoir bridge tunnel clinic school harbour ferry budget contract pipeline tram depot "
         "hospital museum stadium canal airport prison archive market library council court "
         "station theatre garden bakery quarry mine forest river dam").split()
VERBS = ("closed reopened overspent delayed inspected sold rebuilt flooded polluted audited "
         "expanded privatised leaked cancelled approved").split()
OUTLETS = ["Brackenford Courier", "Valley Ledger", "Northgate Herald", "Riverside Post", "Harbour Daily"]
QUERIES = 60


def people(n: int = 6000) -> list[str]:
    """A fixed pool of invented full names (first x last x a number keeps them distinct)."""
    rng = random.Random(7)
    return [f"{rng.choice(FIRST)} {rng.choice(LAST)}{i % 97 if i >= 900 else ''}" for i in range(n)]


def make_article(i: int, pool: list[str], rng: random.Random) -> Report:
    """One generated article of three statements, built as a Report."""
    said, paras = [], [f"Report {i} on the {rng.choice(NOUNS)}"]
    for k in range(3):
        who = rng.choice(pool)
        claim = (f"the {rng.choice(NOUNS)} {rng.choice(NOUNS)} was {rng.choice(VERBS)} "
                 f"in {rng.choice(NOUNS)} district {rng.randrange(500)}")
        paras.append(f"{who} said that {claim}. " + " ".join(rng.choice(NOUNS + VERBS) for _ in range(25)) + ".")
        said.append((who, claim))
    text = "\n\n".join(paras)
    attrs, ents = [], []
    for k, (who, claim) in enumerate(said, 1):
        s = text.index(who)
        c = text.index(claim, s)
        cue = s + len(who) + 1
        attrs.append(Attribution(f"a{k}", "indirect", Speaker(s, s + len(who), who, who, "PERSON"),
                                 Span(cue, cue + 4, "said"), Content(c, c + len(claim), claim, [(c, c + len(claim))])))
        ents.append(Entity(who, "PERSON", [who], [(s, s + len(who))]))
    day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
    article = from_text(text, doc_id=f"gen{i}", published=day, url=f"https://gen.example/{i}")
    return Report(article=article, attributions=attrs, entities=ents)


def ingest(store: Store, start: int, stop: int, pool, rng) -> float:
    """Ingest articles start..stop; articles per second (generation time excluded)."""
    spent = 0.0
    for i in range(start, stop):
        report = make_article(i, pool, rng)
        t = time.perf_counter()
        store.add_report(report, outlet=OUTLETS[i % len(OUTLETS)])
        spent += time.perf_counter() - t
    store.index.save()
    return (stop - start) / spent


def latencies(fn, args: list) -> tuple[float, float]:
    """p50 and p95 of ``fn(*a)`` over the argument tuples, in milliseconds."""
    times = []
    for a in args:
        t = time.perf_counter()
        fn(*a)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def measure(store: Store, pool, rng) -> dict[str, tuple[float, float]]:
    """Query latencies on the store as it is."""
    engine = store.engine
    names = [(engine, rng.choice(pool).split()[-1] if k % 2 else rng.choice(pool)) for k in range(QUERIES)]
    abouts = [(engine, f"{rng.choice(NOUNS)} {rng.choice(VERBS)}") for _ in range(QUERIES)]
    texts = [(engine, f"{rng.choice(NOUNS)} {rng.choice(NOUNS)}") for _ in range(QUERIES)]
    return {"who": latencies(lambda e, n: queries.who(e, n), names),
            "claims --about": latencies(lambda e, a: queries.list_claims(e, about=a), abouts),
            "search": latencies(lambda e, q: queries.search(e, q), texts)}


def main() -> None:
    """Run the benchmark and print one line per size, then the growth of each p95."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="Corpus sizes, comma-separated.")
    ap.add_argument("--db", default=None, help="SQLite file (default: a temporary one).")
    opts = ap.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",")]
    db = Path(opts.db) if opts.db else Path(tempfile.mkdtemp(prefix="onrecord-bench-")) / "bench.sqlite"
    pool, rng = people(), random.Random(11)
    results, done = {}, 0
    with Store.open(db, HashingEmbedder()) as store:
        for size in sizes:
            rate = ingest(store, done, size, pool, rng)
            done = size
            results[size] = measure(store, pool, random.Random(size))
            cells = "  ".join(f"{k} p50 {v[0]:.1f} p95 {v[1]:.1f}" for k, v in results[size].items())
            print(f"{size:>7} articles  ingest {rate:7.1f} articles/s  {cells}  (ms)", flush=True)
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        growth = "  ".join(f"{k} x{results[b][k][1] / max(results[a][k][1], 1e-3):.2f}" for k in results[b])
        print(f"p95 growth {a} -> {b}: {growth}")
    print(f"store: {db} ({db.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
