"""Benchmark of the store: ingest rate and query latency at 1k, 10k and 100k articles.

Articles are generated from templates and turned into Reports directly (no spaCy), and
statements are embedded with the hashing embedder: what is measured is the store (SQLite
writes, entity and claim linking, the HNSW index, FTS5), not the NLP or the sentence model.
The corpus grows in one store: ingest up to the first size, measure, ingest on to the next.

The words follow a Zipf law over a vocabulary of 4,000 (60 function words, then invented
content words), as in real text, so that full-text search meets long posting lists for
common words and short ones for rare words; with a vocabulary of 45 words, as at first,
every query matched most of the corpus. A quarter of the statements restate a recent claim,
so claims grow across articles as a story does. Queries draw their words with the text's own
frequencies (content words: nobody searches for "the of").

    .venv/bin/python bench/bench_store.py                 # 1k, 10k, 100k
    .venv/bin/python bench/bench_store.py --sizes 1000,5000
    .venv/bin/python bench/bench_store.py --sizes 10000,100000,1000000 --bulk --statements 10 --json

Prints articles per second for each stretch of ingest and p50/p95 latency (ms) of ``who``,
``claims --about``, ``timeline`` (of a random claim) and ``search`` (``--json``: one JSON object;
``--bulk``: ingest through store/bulk.py, a chunk per transaction), then the growth of each p95 from the second size to the
last (target: p95 under 100 ms at 100k on SQLite, growth from 10k to 100k under 3x).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from onrecord.inputs.article import from_text
from onrecord.records import Attribution, Content, Entity, Span, Speaker
from onrecord.report import Report
from onrecord.store import queries
from onrecord.store.embeddings import HashingEmbedder
from onrecord.store.bulk import ingest_reports
from onrecord.store.ingest import Store
from onrecord.store.sources import Item

FIRST = ("Mara Tomas Ines Lena Henrik Agnes Tobias Josef Ruth Elena Pavel Nadia Omar Priya Kofi Lucia "
         "Sven Ilse Marek Yara Dmitri Hana Felix Greta Rafael Amira Noor Jonas Teodor Alma").split()
LAST = ("Quell Renn Darrow Vask Solberg Holm Brandt Okafor Varga Reef Marsh Lindqvist Oduya Castell "
        "Ferreira Nakamura Kowalski Haddad Adeyemi Novak Sato Moreau Ivanova Petrov Larsen Costa Duarte "
        "Weiss Falk Kaya Bauer Romero Szabo Dahl Engel Horvat Lund Mercer Quint Rask").split()
VERBS = ("closed reopened overspent delayed inspected sold rebuilt flooded polluted audited "
         "expanded privatised leaked cancelled approved").split()
OUTLETS = ["Brackenford Courier", "Valley Ledger", "Northgate Herald", "Riverside Post", "Harbour Daily"]
QUERIES = 60
#: Vocabulary: the most frequent ranks are function words, the rest invented content words.
FUNCTION = ("the of and to a in that is was for on it with as he she at by from his her they "
            "be this have not are or an were which but had their has been its who also would "
            "after more than will there when about over into up out could only other new some "
            "two what year").split()
VOCABULARY = 4000
#: Share of statements that restate one of the last RECENT claims (a story told again).
REPEAT, RECENT = 0.25, 2000


def vocabulary(n: int = VOCABULARY) -> tuple[list[str], list[float]]:
    """Function words then invented content words, with Zipf (s=1) cumulative weights."""
    rng = random.Random(3)
    onsets = "b c d f g h k l m n p r s t v w z br dr gr pl st tr".split()
    vowels, codas = "a e i o u ai ea ou".split(), ["", "n", "r", "s", "l", "t", "m"]
    words, seen = list(FUNCTION), set(FUNCTION)
    while len(words) < n:
        syllables = rng.choice((2, 2, 3))
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables))
        if w not in seen:
            seen.add(w)
            words.append(w)
    cum, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank
        cum.append(total)
    return words, cum


WORDS, CUM = vocabulary()
CONTENT, CONTENT_CUM = WORDS[len(FUNCTION):], [c - CUM[len(FUNCTION) - 1] for c in CUM[len(FUNCTION):]]


def words(rng: random.Random, k: int, content: bool = False) -> list[str]:
    """``k`` words drawn with Zipf frequencies (content words only when ``content``)."""
    if content:
        return rng.choices(CONTENT, cum_weights=CONTENT_CUM, k=k)
    return rng.choices(WORDS, cum_weights=CUM, k=k)


def people(n: int = 6000) -> list[str]:
    """A fixed pool of invented full names (first x last x a number keeps them distinct)."""
    rng = random.Random(7)
    return [f"{rng.choice(FIRST)} {rng.choice(LAST)}{i % 97 if i >= 900 else ''}" for i in range(n)]


def make_article(i: int, pool: list[str], rng: random.Random, recent: list[str] | None = None,
                 statements: int = 3) -> Report:
    """One generated article of ``statements`` statements (about 70 words each), built as a Report."""
    recent = [] if recent is None else recent
    said, paras = [], [f"Report {i} on the {' '.join(words(rng, 2, content=True))}"]
    for k in range(statements):
        who = rng.choice(pool)
        if recent and rng.random() < REPEAT:
            claim = rng.choice(recent)
        else:
            n1, n2, n3 = words(rng, 3, content=True)
            claim = f"the {n1} {n2} was {rng.choice(VERBS)} in {n3} district {rng.randrange(500)}"
            recent.append(claim)
            del recent[:-RECENT]
        paras.append(f"{who} said that {claim}. " + " ".join(words(rng, 55)) + ".")
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


def ingest(store: Store, start: int, stop: int, pool, rng, recent: list[str], statements: int = 3,
           bulk: bool = False) -> float:
    """Ingest articles start..stop; articles per second (generation time excluded). ``bulk``:
    through the bulk path (store/bulk.py, a chunk per transaction, the vectors embedded there)."""
    if bulk:
        items = [Item(f"gen/{i}", report=make_article(i, pool, rng, recent, statements),
                      outlet=OUTLETS[i % len(OUTLETS)]) for i in range(start, stop)]
        t = time.perf_counter()
        ingest_reports(store, items)
        return (stop - start) / (time.perf_counter() - t)
    spent = 0.0
    for i in range(start, stop):
        report = make_article(i, pool, rng, recent, statements)
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
    abouts = [(engine, f"{words(rng, 1, content=True)[0]} {rng.choice(VERBS)}") for _ in range(QUERIES)]
    texts = [(engine, " ".join(words(rng, 2, content=True))) for _ in range(QUERIES)]
    with engine.connect() as conn:
        top = conn.exec_driver_sql("SELECT max(id) FROM claims").scalar() or 1
    claims = [(engine, rng.randrange(1, top + 1)) for _ in range(QUERIES)]
    return {"who": latencies(lambda e, n: queries.who(e, n), names),
            "claims --about": latencies(lambda e, a: queries.list_claims(e, about=a), abouts),
            "timeline": latencies(lambda e, c: queries.timeline(e, c), claims),
            "search": latencies(lambda e, q: queries.search(e, q), texts)}


def main() -> None:
    """Run the benchmark and print one line per size, then the growth of each p95."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="Corpus sizes, comma-separated.")
    ap.add_argument("--db", default=None, help="SQLite file (default: a temporary one).")
    ap.add_argument("--statements", type=int, default=3, help="Statements per article.")
    ap.add_argument("--bulk", action="store_true", help="Ingest through the bulk path (a chunk per transaction).")
    ap.add_argument("--json", action="store_true", help="Print one JSON object instead of lines.")
    opts = ap.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",")]
    db = Path(opts.db) if opts.db else Path(tempfile.mkdtemp(prefix="onrecord-bench-")) / "bench.sqlite"
    pool, rng, recent = people(), random.Random(11), []
    results, rates, done = {}, {}, 0
    with Store.open(db, HashingEmbedder()) as store:
        for size in sizes:
            rate = ingest(store, done, size, pool, rng, recent, opts.statements, opts.bulk)
            done = size
            results[size] = measure(store, pool, random.Random(size))
            rates[size] = rate
            cells = "  ".join(f"{k} p50 {v[0]:.1f} p95 {v[1]:.1f}" for k, v in results[size].items())
            if not opts.json:
                print(f"{size:>7} articles  ingest {rate:7.1f} articles/s  {cells}  (ms)", flush=True)
    growth = {}
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        growth = {k: results[b][k][1] / max(results[a][k][1], 1e-3) for k in results[b]}
        if not opts.json:
            print(f"p95 growth {a} -> {b}: " + "  ".join(f"{k} x{g:.2f}" for k, g in growth.items()))
    if opts.json:
        print(json.dumps({"sizes": {str(n): {"ingest_articles_per_s": round(rates[n], 1),
                                             **{k: {"p50_ms": round(v[0], 2), "p95_ms": round(v[1], 2)}
                                                for k, v in results[n].items()}} for n in sizes},
                          "p95_growth": {k: round(g, 2) for k, g in growth.items()},
                          "statements_per_article": opts.statements, "bulk": opts.bulk,
                          "store_mb": round(db.stat().st_size / 1e6)}, indent=1))
    else:
        print(f"store: {db} ({db.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
