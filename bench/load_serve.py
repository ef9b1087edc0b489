"""A bounded load test of ``onrecord serve`` on 127.0.0.1: requests per second, p95, errors.

    .venv/bin/python bench/load_serve.py --db story.sqlite --seconds 60 --threads 8
    .venv/bin/python bench/load_serve.py --url http://127.0.0.1:8000 --seconds 10   # a server already running

Without ``--url`` it starts ``onrecord serve --db DB`` on a free 127.0.0.1 port and stops it at
the end. Traffic goes to 127.0.0.1 only (any other host is refused), for at most ``--seconds``
and ``--max-requests``. The URLs are every page and JSON route of the store: the home page,
article lists and views, people, claims, searches (including FTS5 syntax). Any status other
than 200, or a connection error, counts as an error. Prints one line of figures (``--json``
for one JSON object); the exit status is 1 when there were errors.

``--mixed`` is the explorer under mixed load: a store of the project's stories
(tests/data/story, analysed by ``onrecord ingest``) plus ``--generated`` articles (default
10,000, bench/bench_store.py's generator: Reports built directly, no spaCy), served with a token;
then for ``--seconds`` (default 60) reads at ``--rate`` requests a second (default 200; article,
person, claim and search pages in equal parts, on the store's own ids), while an
``onrecord ingest`` of ``--ingest`` generated text files writes into the same SQLite store and a
client POSTs one article a second with the token. Prints the reads' p50/p95/p99 and errors (all
and by kind), the rate reached, the posts, the ingest's summary, and whether every posted
article is stored exactly once; the status is 1 on any error or a post not stored once.

    .venv/bin/python bench/load_serve.py --mixed                       # 10,000 generated, 60 s
    .venv/bin/python bench/load_serve.py --mixed --generated 2000 --db /tmp/mixed.sqlite
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import socket
import sqlite3
import tempfile
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx

SEARCHES = ["lead", "reservoir", "Quell", "lead pipes", "\"lead\"", "lead*", "NEAR(lead pipes)", "lead OR pipes",
            "'; DROP TABLE articles; --", "Sølberg"]



def timed_get(client, route: str) -> tuple[int | str, float]:
    """GET one route: its status (or the name of the transport error) and the seconds it took."""
    t = time.perf_counter()
    try:
        status = client.get(route).status_code
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    return status, time.perf_counter() - t

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, token: str | None = None, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """``onrecord serve`` on a free loopback port (writable with ``token``; ``workers``
    processes), once it answers."""
    port = free_port()
    env = {**os.environ, "ONRECORD_TOKEN": token} if token else None
    proc = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "serve", "--db", db, "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"onrecord serve exited: {proc.stderr.read().decode()[-500:]}")
        try:
            if httpx.get(url + "/api/stats", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("onrecord serve did not answer within 60 s")


def urls(client: httpx.Client) -> list[str]:
    """Every route over the store's own ids (a few of each)."""
    out = ["/", "/api/stats", "/articles", "/api/articles", "/people", "/api/people", "/claims", "/api/claims",
           "/api/claims?status=confirmed", "/static/explorer.css"]
    for kind, api in (("articles", "/api/articles"), ("people", "/api/people"), ("claims", "/api/claims")):
        for item in client.get(api, params={"per_page": 8}).json()["items"]:
            out += [f"/{kind}/{item['id']}", f"/api/{kind}/{item['id']}"]
    for q in SEARCHES:
        out += [str(httpx.URL("/search", params={"q": q})), str(httpx.URL("/api/search", params={"q": q}))]
    return out


def run(base: str, seconds: float, threads: int, max_requests: int) -> dict:
    """Request the routes in turn from ``threads`` threads until the time or the count runs out."""
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"{base}: this load test sends traffic to 127.0.0.1 only")
    with httpx.Client(base_url=base, timeout=30) as probe:
        routes = urls(probe)
    lock, latencies, errors, statuses = threading.Lock(), [], [], {}
    counter = iter(range(max_requests))
    stop = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                route = routes[n % len(routes)]
                status, took = timed_get(client, route)
                with lock:
                    latencies.append(took)
                    statuses[status] = statuses.get(status, 0) + 1
                    if status != 200:
                        errors.append((route, status))

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(threads):
            pool.submit(worker)
    wall = time.monotonic() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0  # noqa: E731
    return {"requests": len(latencies), "seconds": round(wall, 1), "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(pick(0.50), 1), "p95_ms": round(pick(0.95), 1), "p99_ms": round(pick(0.99), 1),
            "errors": len(errors), "statuses": {str(k): v for k, v in statuses.items()}, "routes": len(routes),
            "threads": threads, "first_errors": errors[:5]}


# -- mixed load: reads at a set rate, an ingest and posts at the same time ------------------------

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "tests" / "data" / "story"
KINDS = ("article", "person", "claim", "search")
#: Marker word of the articles POSTed during the run (one distinct word per post), by which
#: the check afterwards finds each of them in the store.
POST_MARK = "zqxpost"


def _bench_store():
    """bench/bench_store.py, imported from its file (the generator of articles)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_store", Path(__file__).with_name("bench_store.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(db: Path, generated: int) -> dict:
    """The story (real analysis, ``onrecord ingest``) plus ``generated`` articles built as Reports."""
    t = time.monotonic()
    subprocess.run([sys.executable, "-m", "onrecord.cli", "ingest", str(STORY), "--db", str(db),
                    "--embedder", "hashing"], check=True, capture_output=True, timeout=1800)
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store

    gen = _bench_store()
    pool, rng, recent = gen.people(), random.Random(11), []
    with Store.open(db, HashingEmbedder()) as store:
        for i in range(generated):
            store.add_report(gen.make_article(i, pool, rng, recent), outlet=gen.OUTLETS[i % len(gen.OUTLETS)])
    return {"generated": generated, "build_seconds": round(time.monotonic() - t, 1)}


def write_ingest_folder(folder: Path, n: int, run: int) -> Path:
    """``n`` generated plain-text articles for the concurrent ``onrecord ingest``, new in every
    run (numbered from ``run``, above the store's generated ones)."""
    gen = _bench_store()
    pool, rng = gen.people(), random.Random(run)
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        report = gen.make_article(run + k, pool, rng)
        (folder / f"ingest{k:04d}.txt").write_text(report.article.text, encoding="utf-8")
    return folder


def write_batch_output(folder: Path, n: int, run: int) -> Path:
    """``n`` generated articles as an ``onrecord batch`` output (bench/bulk_corpus.py: analysed
    and embedded already), new in every run, for the concurrent ingest to take the bulk path."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bulk_corpus", Path(__file__).with_name("bulk_corpus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_corpus(folder, n, start=run, seed=run % 1000)


def read_targets(db: Path, rng: random.Random, n: int = 400) -> dict[str, list[str]]:
    """Page URLs of each kind over the store's own ids (sampled), and search words."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        # drawn by ``rng`` (not SQLite's random()): the same store gives the same pages every run
        def ids(table: str) -> list[int]:
            every = [r[0] for r in con.execute(f"select id from {table} order by id")]
            return rng.sample(every, min(n, len(every)))
        titles = [t for (t,) in con.execute("select title from articles order by id")]
        words = [w for t in rng.sample(titles, min(200, len(titles)))
                 for w in (t or "").split() if w.isalpha() and len(w) > 3]
        return {"article": [f"/articles/{i}" for i in ids("articles")],
                "person": [f"/people/{i}" for i in ids("entities")],
                "claim": [f"/claims/{i}" for i in ids("claims")],
                "search": [str(httpx.URL("/search", params={"q": q})) for q in
                           rng.sample(words, min(len(words), 100)) + ["lead", "Quell", "reservoir", "lead pipes"]]}
    finally:
        con.close()


def reads_at_rate(base: str, targets: dict[str, list[str]], seconds: float, rate: float,
                  threads: int = 32, kinds: tuple[str, ...] = KINDS) -> dict:
    """Open-loop reads for ``seconds``: request k is due at start + k / rate (kinds in turn),
    latency from its send; requests not sent by the end are not sent (the rate reached says so)."""
    lock = threading.Lock()
    lat: dict[str, list[float]] = {k: [] for k in kinds}
    errors: list[tuple[str, object]] = []
    late = [0]
    total = int(seconds * rate)
    counter = iter(range(total))
    # the clients made (and their connections opened) before the clock starts: 32 of them
    # made at once take the sending process most of a second, and the reads due meanwhile
    # would all go out late, in one burst
    clients = [httpx.Client(base_url=base, timeout=30) for _ in range(threads)]
    for client in clients:
        client.get("/static/explorer.css")
    start = time.monotonic() + 0.5
    end = start + seconds

    def worker(client: httpx.Client) -> None:
        with contextlib.closing(client):  # (httpx refuses a ``with`` on a client already used)
            while True:
                with lock:
                    k = next(counter, None)
                if k is None or time.monotonic() >= end:
                    return
                due = start + k / rate
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                elif wait < -0.05:
                    with lock:
                        late[0] += 1
                kind = kinds[k % len(kinds)]
                route = targets[kind][(k // len(kinds)) % len(targets[kind])]
                status, took = timed_get(client, route)
                with lock:
                    lat[kind].append(took)
                    if status != 200:
                        errors.append((route, status))

    with ThreadPoolExecutor(threads) as pool:
        for client in clients:
            pool.submit(worker, client)
    wall = time.monotonic() - start
    every = sorted(x for v in lat.values() for x in v)

    def pct(xs: list[float], q: float) -> float:
        return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else 0.0

    return {"reads": len(every), "seconds": round(wall, 1), "rate": round(len(every) / wall, 1),
            "target_rate": rate, "late": late[0], "p50_ms": pct(every, 0.5), "p95_ms": pct(every, 0.95),
            "p99_ms": pct(every, 0.99), "errors": len(errors), "first_errors": errors[:5],
            "p95_by_kind_ms": {k: pct(sorted(v), 0.95) for k, v in lat.items()}}


def post_one(client: httpx.Client, token: str, mark: str, results: list) -> None:
    """POST one new article carrying ``mark``; (mark, status, body) goes to ``results``."""
    text = (f"Posted story {mark}\n\nCouncillor Edda Marsh said on Monday that the {mark} depot "
            f"would close in May. \"We have no money for it,\" Marsh said.\n")
    try:
        r = client.post("/api/articles", content=text.encode(), params={"published": "2025-06-01"},
                        headers={"authorization": f"Bearer {token}", "content-type": "text/plain"})
        results.append((mark, r.status_code, r.text[:200]))
    except httpx.HTTPError as exc:
        results.append((mark, type(exc).__name__, ""))


def post_every_second(base: str, token: str, seconds: float, results: list, stop: threading.Event,
                      run: int) -> None:
    """POST one new article a second with the token (the next one waits for the answer)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        start, k = time.monotonic(), 0
        while not stop.is_set() and time.monotonic() - start < seconds:
            post_one(client, token, f"{POST_MARK}{run}n{k:04d}", results)
            k += 1
            time.sleep(max(0.0, start + k - time.monotonic()))


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds a process has used (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(pid: int, workers: int) -> list[int]:
    """The processes answering requests: ``onrecord serve`` itself, or with several workers its
    children (not the writer processes posts start, one level further down)."""
    if workers == 1:
        return [pid]
    try:
        return [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]
    except OSError:
        return []


def servers_cpu(pids: list[int]) -> float | None:
    """CPU seconds of these processes together (None when any cannot be read)."""
    each = [cpu_seconds(p) for p in pids]
    return sum(each) if each and None not in each else None


def stored_once(db: Path, marks: list[str]) -> dict[str, int]:
    """How many stored articles carry each mark (each must be 1)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return {m: con.execute("select count(*) from articles where instr(text, ?) > 0", (m,)).fetchone()[0]
                for m in marks}
    finally:
        con.close()


def mixed(args) -> int:
    """The mixed-load run (``--mixed``): build, serve, read + ingest + post, check, print."""
    work = Path(tempfile.mkdtemp(prefix="onrecord-mixed-"))
    db = Path(args.db) if args.db else work / "mixed.sqlite"
    built = {"generated": None, "build_seconds": 0.0}
    if not db.exists():
        built = build_store(db, args.generated)
    print(f"store {db}: {built}", flush=True)
    token = secrets.token_urlsafe(16)
    run = random.SystemRandom().randrange(10**6, 10**9)  # posts and ingested articles new in every run
    if args.writer == "batch":
        folder = write_batch_output(work / "batch", args.ingest, run)
    else:
        folder = write_ingest_folder(work / "ingest", args.ingest, run)
    proc, base = start_server(str(db), token, args.workers)
    posts: list = []
    stop = threading.Event()
    ingest = None
    try:
        targets = read_targets(db, random.Random(5))
        with httpx.Client(base_url=base, timeout=300) as client:  # each worker loads spaCy on its first post
            for w in range(args.workers):
                post_one(client, token, f"{POST_MARK}{run}warm{w}", posts)
        load_before = os.getloadavg()[0]
        ingest_started = time.monotonic()
        nice = ["nice", "-n", str(args.ingest_nice)] if args.ingest_nice else []
        ingest = subprocess.Popen(nice + [sys.executable, "-m", "onrecord.cli", "ingest", str(folder), "--db", str(db),
                                          "--embedder", "hashing", "--format", "json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ingest_done: list[float] = []

        def watch(proc=ingest) -> None:  # when the ingest ended (it may end before the reads do)
            while proc.poll() is None:
                time.sleep(0.2)
            ingest_done.append(time.monotonic())
        threading.Thread(target=watch, daemon=True).start()
        poster = threading.Thread(target=post_every_second, args=(base, token, args.seconds, posts, stop, run))
        poster.start()
        answering = server_pids(proc.pid, args.workers)
        cpu_before = servers_cpu(answering)
        figures = reads_at_rate(base, targets, args.seconds, args.rate, kinds=tuple(args.kinds.split(",")))
        cpu_after = servers_cpu(answering)
        if cpu_before is not None and cpu_after is not None and figures["reads"]:
            # the server's CPU during the reads (the posts' HTTP side too; the writer process not)
            figures["server_cpu_ms_per_read"] = round(1000 * (cpu_after - cpu_before) / figures["reads"], 2)
            figures["server_cores"] = round((cpu_after - cpu_before) / figures["seconds"], 2)
        stop.set()
        poster.join(timeout=180)
        ingest_out, ingest_err = ingest.communicate(timeout=1800)
        time.sleep(0.3)
        ingest_seconds = (ingest_done[0] if ingest_done else time.monotonic()) - ingest_started
    finally:
        stop.set()
        if ingest is not None and ingest.poll() is None:
            ingest.kill()
        proc.terminate()
        proc.wait(timeout=60)
    ok_posts = [m for m, status, _ in posts if status in (200, 201)]
    counts = stored_once(db, [m for m, _, _ in posts])
    not_once = {m: c for m, c in counts.items() if c != 1}
    try:
        ingested = json.loads(ingest_out)
    except ValueError:
        ingested = {"error": (ingest_err or "")[-300:]}
    result = {**figures, "store": str(db), **built, "posts": len(posts), "posts_ok": len(ok_posts),
              "posts_not_stored_once": not_once, "post_failures": [p for p in posts if p[1] not in (200, 201)][:5],
              "ingest": {k: ingested.get(k) for k in ("added", "duplicates", "copies", "refused", "error")
                         if k in ingested}, "ingest_status": ingest.returncode if ingest else None,
              "writer": args.writer, "ingest_nice": args.ingest_nice, "ingest_seconds": round(ingest_seconds, 1),
              "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)]}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"reads: {figures['reads']:,} in {figures['seconds']} s ({figures['rate']} req/s of "
              f"{args.rate:g} asked, {figures['late']} sent late), p50 {figures['p50_ms']} ms, "
              f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, {figures['errors']} errors; "
              f"p95 by kind {figures['p95_by_kind_ms']}; server CPU {figures.get('server_cpu_ms_per_read')} ms "
              f"a read ({figures.get('server_cores')} cores)")
        print(f"posts: {len(posts)} sent, {len(ok_posts)} stored (200/201), "
              f"{len(posts) - len(not_once)} of {len(posts)} stored exactly once")
        print(f"ingest alongside ({args.writer}, nice {args.ingest_nice}): {result['ingest']} "
              f"(exit {result['ingest_status']}, "
              f"{result['ingest_seconds']} s); load average {result['load_average'][0]} before, "
              f"{result['load_average'][1]} after")
        if figures["first_errors"] or result["post_failures"] or not_once:
            print(f"first errors: {figures['first_errors']} {result['post_failures']} {not_once}")
    bad = figures["errors"] or not_once or len(ok_posts) != len(posts) or result["ingest_status"] != 0
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="store to serve (starts onrecord serve on a free 127.0.0.1 port)")
    parser.add_argument("--url", help="a server already running on 127.0.0.1")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--mixed", action="store_true",
                        help="mixed load: reads at --rate while an ingest and one POST a second write")
    parser.add_argument("--generated", type=int, default=10_000,
                        help="--mixed: generated articles added to the story (default 10,000; "
                             "a --db that exists is used as it is)")
    parser.add_argument("--rate", type=float, default=200.0, help="--mixed: reads per second (default 200)")
    parser.add_argument("--ingest", type=int, default=None,
                        help="--mixed: articles the concurrent ingest writes (default 100 text files; "
                             "1,000 articles of batch output with --writer batch)")
    parser.add_argument("--writer", choices=("text", "batch"), default="text",
                        help="--mixed: the concurrent ingest analyses text files with spaCy (text, the "
                             "default) or adds an onrecord batch output by the bulk path (batch)")
    parser.add_argument("--ingest-nice", type=int, default=0,
                        help="--mixed: run the concurrent ingest under nice -n N (default 0: the same "
                             "priority as the explorer)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (onrecord serve --workers)")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"--mixed: the pages read, in equal parts (default {','.join(KINDS)})")
    args = parser.parse_args(argv)
    if set(args.kinds.split(",")) - set(KINDS):
        parser.error(f"--kinds: pages among {', '.join(KINDS)}")
    if args.ingest is None:
        args.ingest = 1000 if args.writer == "batch" else 100
    if args.mixed:
        return mixed(args)
    if not (args.db or args.url):
        parser.error("give --db or --url")
    proc = None
    base = args.url
    if args.db:
        proc, base = start_server(args.db, workers=args.workers)
    try:
        figures = run(base, args.seconds, args.threads, args.max_requests)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{figures['requests']:,} requests in {figures['seconds']} s from {figures['threads']} threads: "
              f"{figures['rps']} req/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
              f"p99 {figures['p99_ms']} ms, {figures['errors']} errors")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
