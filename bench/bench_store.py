"""Benchmark of the store: ingest rate, query and page latency as the store grows, on SQLite or PostgreSQL.

Articles are generated from templates and turned into Reports directly (no spaCy), and
statements are embedded with the hashing embedder: what is measured is the store (its
writes, entity and claim linking, the HNSW index, full-text search) and the explorer's pages
over it, not the NLP or the sentence model. The corpus grows in one store: ingest up to the
first size, measure, ingest on to the next.

The words follow a Zipf law over a vocabulary of 4,000 (60 function words, then invented
content words), as in real text, so that full-text search meets long posting lists for
common words and short ones for rare words; with a vocabulary of 45 words, as at first,
every query matched most of the corpus. A quarter of the statements restate a recent claim,
so claims grow across articles as a story does. Queries draw their words with the text's own
frequencies (content words: nobody searches for "the of").

    .venv/bin/python bench/bench_store.py                 # 1k, 10k, 100k on a temporary SQLite file
    .venv/bin/python bench/bench_store.py --sizes 1000,5000
    .venv/bin/python bench/bench_store.py --sizes 10000 --pg          # a throwaway PostgreSQL server
    .venv/bin/python bench/bench_store.py --sizes 100000,1000000 --db postgresql://me@db/bench --bulk
    .venv/bin/python bench/bench_store.py --sizes 10000,100000,1000000 --bulk --statements 10 --json

Prints, for each size, articles per second for the stretch of ingest up to it and the p50/p95
latency (ms) of ``who``, ``claims --about``, ``timeline`` (of a random claim) and ``search``,
then of the explorer's article, person, claim and search pages, each requested in process
through the whole ASGI app (as bench/bench_web.py does) with the library call behind it as the
baseline (page/library ratio of the p50s); then each p95's growth from one size to the next
(100k -> 1M with --sizes 100000,1000000). With them, how right claim linking was at that
size, against what the generator knows (``claim_mix``): the claims holding statements of more
than one generated claim, the share of statements merged into another's claim, the claims split
in two. ``--json``: one JSON object; ``--bulk``: ingest
through store/bulk.py, a chunk per transaction. ``--pg`` starts a throwaway PostgreSQL server
from the machine's binaries (tests/pg_server.py, as the tests do) and deletes it after;
``--db postgresql://...`` uses a server of yours (an empty database). Targets: every p95 (queries
and pages) under 50 ms at 1M articles, and each p95's growth from 100k to 1M under 2x.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
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
#: Articles are dated in order, PER_DAY a day from FIRST_DAY (a million span about seven years),
#: as news is published and an archive is read; one in LATE is a few (1-3) days late, as an
#: article fetched or batched late is: a story restated in the articles that follow it is
#: dated after it, mostly.
FIRST_DAY, PER_DAY, LATE = dt.date(2020, 1, 1), 400, 20


def published(i: int) -> str:
    """The date of generated article ``i`` (``PER_DAY``, ``LATE``)."""
    late = 1 + (i // LATE) % 3 if i % LATE == LATE - 1 else 0
    return (FIRST_DAY + dt.timedelta(days=max(0, i // PER_DAY - late))).isoformat()


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


#: A new claim's forms, and the words that name its things: content words past the most
#: frequent ``COMMON`` (what a claim is about is named by rarer words than the text around it),
#: still Zipf-distributed. With one form of three words from all the content words, three new
#: claims in four (74% of 3,000) had another at or above the store's same-claim cosine under
#: the hashing embedder, and linking merged them: a 100,000-article store's largest claim held
#: 1,331 different claims in 1,771 statements, and such claims grew with the store. With
#: these, 0.3% of 3,000 (tests/test_bench_store.py keeps it under 2%).
CLAIM_FORMS = ("the {0} {1} of {2} was {verb} in {3} {4} district {k}",
               "{0} {1} {verb} the {2} {3} at {4} for {k} {5}",
               "the {0} {verb} {1} {2} after {3} {4} {5} in {k}",
               "{k} {0} {1} were {verb} by {2} {3} near {4}")
COMMON = 100
NAMING, NAMING_CUM = CONTENT[COMMON:], [c - CONTENT_CUM[COMMON - 1] for c in CONTENT_CUM[COMMON:]]


def new_claim(rng: random.Random) -> str:
    """A claim never made before: one of ``CLAIM_FORMS`` with its things named."""
    named = rng.choices(NAMING, cum_weights=NAMING_CUM, k=6)
    return rng.choice(CLAIM_FORMS).format(*named, verb=rng.choice(VERBS), k=rng.randrange(1000))


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
            claim = new_claim(rng)
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
    article = from_text(text, doc_id=f"gen{i}", published=published(i), url=f"https://gen.example/{i}")
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


#: The explorer's pages measured: path, the table its ids come from (and the column that ranks
#: the largest first), and the library call behind the page (the baseline).
PAGES = ("article", "person", "claim", "search")


def page_ids(engine, table: str, size_col: str, rng: random.Random, k: int) -> list[int]:
    """``k`` ids of ``table``: the ten largest (the worst cases a user meets), then random ones."""
    with engine.connect() as conn:
        top = [r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {table} ORDER BY {size_col} DESC LIMIT 10")]
        hi = conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar() or 1
    return top + [rng.randint(1, hi) for _ in range(k - len(top))]


def measure_pages(store: Store, rng) -> dict[str, dict[str, float]]:
    """p50/p95 of each explorer page, requested in process through the ASGI app, and of the
    library call behind it (``views``), over the same ids or words; ms."""
    from fastapi.testclient import TestClient

    from onrecord.web import views
    from onrecord.web.app import create_app

    engine = store.engine
    client = TestClient(create_app(engine))
    texts = [" ".join(words(rng, 2, content=True)) for _ in range(QUERIES)]
    views_of = {
        "article": (page_ids(engine, "articles", "n_statements", rng, QUERIES), "/articles/{}",
                    lambda i: views.article(engine, i)),
        "person": (page_ids(engine, "entities", "n_statements", rng, QUERIES), "/people/{}",
                   lambda i: views.person(engine, i, 1, 50)),
        "claim": (page_ids(engine, "claims", "n_statements", rng, QUERIES), "/claims/{}",
                  lambda i: views.claim(engine, i)),
        "search": (texts, "/search?q={}", lambda q: views.search(engine, q, 20)),
    }
    out = {}
    for name, (args, url, bare) in views_of.items():
        get(client, url.format(args[0]))  # the templates compiled once, as a running server has them
        page = latencies(lambda a: get(client, url.format(a)), [(a,) for a in args])
        base = latencies(bare, [(a,) for a in args])
        out[name] = {"p50": page[0], "p95": page[1], "library_p50": base[0], "library_p95": base[1]}
    return out


def get(client, url: str) -> None:
    """One page request; a failed one stops the benchmark (a random id may be a gap: 404)."""
    r = client.get(url)
    if r.status_code not in (200, 404):
        raise SystemExit(f"{url}: {r.status_code} {r.text[:200]}")


@contextlib.contextmanager
def store_url(opts) -> "contextlib.AbstractContextManager[str]":
    """The store the benchmark grows: a throwaway PostgreSQL server (``--pg``), the ``--db``
    given, or a temporary SQLite file."""
    if opts.pg:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        import pg_server

        try:
            with pg_server.throwaway_server() as url:
                yield url
        except pg_server.Unavailable as exc:
            raise SystemExit(f"--pg: {exc}") from None
        return
    yield opts.db or str(Path(tempfile.mkdtemp(prefix="onrecord-bench-")) / "bench.sqlite")


def claim_mix(store: Store) -> dict[str, float]:
    """How right claim linking was, against what the generator knows: every generated statement
    states its claim's exact words ("X said that <claim>"), so statements of one text are one
    claim and statements of two texts are two. For each store claim, its statements not of its
    most common text are ones linking merged into it from another claim (a fact-checker would
    read them as restating it); a text in more than one store claim is one linking split.
    Measured by one grouped scan of the statements (minutes at a million articles)."""
    claims = statements = outside = mixed = most = 0
    texts: dict[int, int] = {}
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT claim_id, content_text, count(*) FROM statements WHERE claim_id IS NOT NULL "
            "GROUP BY claim_id, content_text ORDER BY claim_id")
        for _, group in itertools.groupby(rows, key=lambda r: r[0]):  # one claim's texts
            counts = []
            for _, text, n in group:
                counts.append(n)
                key = hash(text)  # a text's claims counted by its hash: a million texts' words need not be held
                texts[key] = texts.get(key, 0) + 1
            claims += 1
            statements += sum(counts)
            outside += sum(counts) - max(counts)
            mixed += len(counts) > 1
            most = max(most, len(counts))
    split = sum(1 for k in texts.values() if k > 1)
    return {"linked_statements": statements, "claims": claims, "mixed_claims": mixed,
            "merged_share": outside / max(statements, 1), "most_texts_in_a_claim": most,
            "split_texts": split, "texts": len(texts)}


def store_mb(store: Store) -> float:
    """The store's size on disk: the SQLite file, or the PostgreSQL database."""
    if store.info.path is not None:
        return store.info.path.stat().st_size / 1e6
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() / 1e6


def main() -> None:
    """Run the benchmark and print one line per size, then the growth of each p95."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="Corpus sizes, comma-separated.")
    ap.add_argument("--db", default=None, help="SQLite file or postgresql:// URL of an empty store "
                                               "(default: a temporary SQLite file).")
    ap.add_argument("--pg", action="store_true", help="Start a throwaway PostgreSQL server and use it.")
    ap.add_argument("--statements", type=int, default=3, help="Statements per article.")
    ap.add_argument("--bulk", action="store_true", help="Ingest through the bulk path (a chunk per transaction).")
    ap.add_argument("--no-pages", action="store_true", help="Measure the queries only, not the explorer's pages.")
    ap.add_argument("--json", action="store_true", help="Print one JSON object instead of lines.")
    opts = ap.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",")]
    pool, rng, recent = people(), random.Random(11), []
    results, rates, mixes, done = {}, {}, {}, 0
    with store_url(opts) as url, Store.open(url, HashingEmbedder()) as store:
        with store.engine.connect() as conn:
            if conn.exec_driver_sql("SELECT count(*) FROM articles").scalar():
                raise SystemExit(f"{url}: the store already holds articles (the benchmark needs an empty one)")
        dialect = store.info.dialect
        if not opts.json:
            print(f"{dialect}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        for size in sizes:
            rate = ingest(store, done, size, pool, rng, recent, opts.statements, opts.bulk)
            done = size
            results[size] = measure(store, pool, random.Random(size))
            if not opts.no_pages:
                for name, v in measure_pages(store, random.Random(size + 1)).items():
                    results[size][f"{name} page"] = (v["p50"], v["p95"], v["library_p50"], v["library_p95"])
            rates[size] = rate
            mixes[size] = claim_mix(store)
            if not opts.json:
                print(f"{size:>7} articles  ingest {rate:7.1f} articles/s  (load average "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
                for k, v in results[size].items():
                    base = (f"  library p50 {v[2]:6.1f} p95 {v[3]:6.1f}  page/library p50 x{v[0] / max(v[2], 1e-3):.2f}"
                            if len(v) > 2 else "")
                    print(f"    {k:16} p50 {v[0]:6.1f} p95 {v[1]:6.1f} ms{base}", flush=True)
                m = mixes[size]
                print(f"    claims: {m['claims']} for {m['linked_statements']} linked statements; "
                      f"{m['mixed_claims']} hold more than one generated claim (up to {m['most_texts_in_a_claim']}), "
                      f"{100 * m['merged_share']:.1f}% of statements merged into another's claim; "
                      f"{m['split_texts']} of {m['texts']} claims split", flush=True)
        mb = store_mb(store)
    growth = {f"{a}->{b}": {k: results[b][k][1] / max(results[a][k][1], 1e-3) for k in results[b]}
              for a, b in zip(sizes, sizes[1:])}
    if not opts.json:
        for span, g in growth.items():
            print(f"p95 growth {span}: " + "  ".join(f"{k} x{v:.2f}" for k, v in g.items()))
        print(f"store: {dialect}, {mb:.0f} MB")
        return
    print(json.dumps({"dialect": dialect, "load_average": [round(x, 1) for x in os.getloadavg()],
                      "sizes": {str(n): {"ingest_articles_per_s": round(rates[n], 1),
                                         **{k: {"p50_ms": round(v[0], 2), "p95_ms": round(v[1], 2),
                                                **({"library_p50_ms": round(v[2], 2), "library_p95_ms": round(v[3], 2)}
                                                   if len(v) > 2 else {})}
                                            for k, v in results[n].items()},
                                         "linking": {k: round(v, 4) if isinstance(v, float) else v
                                                     for k, v in mixes[n].items()}} for n in sizes},
                      "p95_growth": {span: {k: round(v, 2) for k, v in g.items()} for span, g in growth.items()},
                      "statements_per_article": opts.statements, "bulk": opts.bulk,
                      "store_mb": round(mb)}, indent=1))


if __name__ == "__main__":
    main()
