"""A bounded load test of ``onrecord serve`` on 127.0.0.1: requests per second, p95, errors.

    .venv/bin/python bench/load_serve.py --db story.sqlite --seconds 60 --threads 8
    .venv/bin/python bench/load_serve.py --url http://127.0.0.1:8000 --seconds 10   # a server already running

Without ``--url`` it starts ``onrecord serve --db DB`` on a free 127.0.0.1 port and stops it at
the end. Traffic goes to 127.0.0.1 only (any other host is refused), for at most ``--seconds``
and ``--max-requests``. The URLs are every page and JSON route of the store: the home page,
article lists and views, people, claims, searches (including FTS5 syntax). Any status other
than 200, or a connection error, counts as an error. Prints one line of figures (``--json``
for one JSON object); the exit status is 1 when there were errors.
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx

SEARCHES = ["lead", "reservoir", "Quell", "lead pipes", "\"lead\"", "lead*", "NEAR(lead pipes)", "lead OR pipes",
            "'; DROP TABLE articles; --", "Sølberg"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    """``onrecord serve`` on a free loopback port, once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "onrecord.cli", "serve", "--db", db, "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
                t = time.perf_counter()
                try:
                    status = client.get(route).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                took = time.perf_counter() - t
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="store to serve (starts onrecord serve on a free 127.0.0.1 port)")
    parser.add_argument("--url", help="a server already running on 127.0.0.1")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not (args.db or args.url):
        parser.error("give --db or --url")
    proc = None
    base = args.url
    if args.db:
        proc, base = start_server(args.db)
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
