"""Soak ``onrecord.analyze`` in hostile text on every core: crashes, hangs and bad spans, and the time.

    .venv/bin/python fuzz/soak.py                        # 100,000 examples of seed 0 on 2 processes
    .venv/bin/python fuzz/soak.py --n 2000 --seed 7
    .venv/bin/python fuzz/soak.py --seconds 60 --seed random --workers 1   # what `make fuzz` runs
    .venv/bin/python fuzz/soak.py --n 10000 --first-failure               # stop at the first one

Example ``i`` of ``--seed`` is ``fuzz/hostile.py``'s ``article(seed, i)``; workers are handed
example numbers, so a run is the same whatever the number of workers, and every failure is
printed as ``SEED:I`` (``fuzz/hostile.py --show SEED:I`` prints its text). Each example is
analysed under a bound of ``RATIO`` times the bare parse of the same text (the spaCy pipeline
without onrecord's stages; at least ``FLOOR_SECONDS``): an example over it is a hang. Prints
one line per failure, a progress line now and then, and a summary; the status is 1 when
anything failed. Outside the test suite (``tests/test_fuzz_analyze.py`` runs a fixed slice).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402

#: An analysis may take this many times the bare spaCy parse of the same text before it counts
#: as a hang: normal text runs at 1.3-2.5 times (tests/test_properties.py's figures), so 20 is
#: far from a slow example and near only a stage that grows faster than the text.
RATIO = 20
#: The bound never goes under this many seconds: a bare parse of a short text takes a few
#: milliseconds, and on a machine shared by several jobs one descheduling costs more than 20 of
#: those. Trades: a super-linear stage is seen only once it costs a second on one example.
FLOOR_SECONDS = 1.0

#: An analysis still running after this many seconds of CPU is stopped and counted as a hang
#: whatever its bare parse: a 400-word text parses bare in well under 0.1 s, so this is far over
#: the bound.
CEILING_SECONDS = 30.0
#: One example in this many is also parsed bare, for the summary's analysis/bare ratio.
SAMPLE_EVERY = 20

_pipeline = None


def _start() -> None:
    """Worker start-up: load spaCy once, warm it up, ignore Ctrl-C (the parent handles it)."""
    global _pipeline
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from onrecord.engine import analyze
    from onrecord.pipeline import nlp

    _pipeline = nlp.load()
    # long enough to load what is loaded on first use (language detection, first names)
    analyze("Warm up. \"We will look at the figures again next week,\" Ann Moreau, the council's "
            "treasurer, said on Monday. She told reporters the budget was balanced.\n\n" * 3)


class Hang(Exception):
    """The analysis ran past its bound."""


def _fire(signum, frame):
    raise Hang()


def _bare_seconds(text: str) -> float:
    """Seconds of the spaCy pipeline without onrecord's stages, over the text as analyze reads it."""
    from onrecord.engine import to_article

    t = time.process_time()
    doc = _pipeline.make_doc(to_article(text).text)
    for name, proc in _pipeline.pipeline:
        if name != "onrecord":
            doc = proc(doc)
    return time.process_time() - t


def one(job: tuple[int, int, float, bool]) -> tuple[int, str, str, float, float]:
    """Example ``job = (seed, i, stop, bounded)``: (i, "ok" | "crash" | "hang" | "spans" | "late",
    detail, bare s, analysis s); "late" when the wall clock is past ``stop`` (the time budget is
    spent). Unbounded, no bare parse is made and no hang can be seen.

    Times are the worker's CPU time (``time.process_time``; the ceiling is an ITIMER_PROF
    alarm), not the wall clock: on a shared machine a process waiting for a core is not slow,
    and a wall-clock bound turned such waits into hangs that did not recur when run alone.

    The bound is ``max(FLOOR_SECONDS, RATIO x bare)``, so the bare parse can only decide an
    example whose analysis took longer than the floor: it is made for those (after the
    analysis, which then ran under the ceiling), and for one example in ``SAMPLE_EVERY`` for the
    summary's ratio. The verdicts are those of parsing every example bare first, at about half
    the work."""
    seed, i, stop, bounded = job
    if time.time() > stop:
        return i, "late", "", 0.0, 0.0
    text = hostile.article(seed, i)
    old = signal.signal(signal.SIGPROF, _fire)
    if bounded:
        signal.setitimer(signal.ITIMER_PROF, CEILING_SECONDS)
    t = time.process_time()
    try:
        found = hostile.check(text)
    except Hang:
        return i, "hang", f"over the ceiling of {CEILING_SECONDS:.0f} s", 0.0, time.process_time() - t
    except Exception as exc:
        return i, "crash", f"{type(exc).__name__}: {exc}"[:500], 0.0, time.process_time() - t
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)
    took = time.process_time() - t
    bare = 0.0
    if bounded and (took > FLOOR_SECONDS or i % SAMPLE_EVERY == 0):
        try:
            bare = _bare_seconds(text)
        except Exception as exc:  # the text is the same one analyze read: a failure here is a crash
            return i, "crash", f"bare parse: {type(exc).__name__}: {exc}"[:500], 0.0, took
        bound = max(FLOOR_SECONDS, RATIO * bare)
        if took > bound:
            return i, "hang", (f"{took:.2f} s, over {bound:.2f} s = max({RATIO} x the bare parse "
                               f"{bare:.3f} s, {FLOOR_SECONDS} s)"), bare, took
    if found:
        return i, "spans", "; ".join(found[:3])[:500], bare, took
    return i, "ok", "", bare, took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="examples to run (default 100,000)")
    parser.add_argument("--seconds", type=float, help="stop starting examples after this many seconds")
    parser.add_argument("--seed", default="0", help="a number, or 'random' (printed, to reproduce)")
    parser.add_argument("--start", type=int, default=0, help="first example number")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--first-failure", action="store_true", help="stop at the first failure")
    parser.add_argument("--unbounded", action="store_true",
                        help="no bare parse and no time bound: crashes and bad spans only, twice as fast")
    parser.add_argument("--every", type=int, default=1000, help="a progress line every so many examples")
    args = parser.parse_args(argv)
    seed = random.SystemRandom().randrange(10**9) if args.seed == "random" else int(args.seed)
    import onrecord
    print(f"soak: seed {seed}, examples {args.start}..{args.start + args.n - 1}, {args.workers} workers, "
          f"{'no time bound' if args.unbounded else f'bound {RATIO} x bare parse (at least {FLOOR_SECONDS} s)'}, "
          f"onrecord from "
          f"{Path(onrecord.__file__).parent}", flush=True)
    sampled = 0
    counts = {"ok": 0, "crash": 0, "hang": 0, "spans": 0}
    first: dict[str, int] = {}
    bare_total = took_total = 0.0  # over the examples parsed bare
    started = time.monotonic()
    # the pool reads the jobs ahead, so the time budget is checked by the workers themselves
    stop = time.time() + args.seconds if args.seconds is not None else float("inf")
    jobs = ((seed, i, stop, not args.unbounded) for i in range(args.start, args.start + args.n))
    with multiprocessing.get_context("fork").Pool(args.workers, initializer=_start) as pool:
        try:
            for done, (i, status, detail, bare, took) in enumerate(pool.imap(one, jobs, chunksize=4), 1):
                if status == "late":
                    break
                counts[status] += 1
                if bare:
                    sampled += 1
                    bare_total, took_total = bare_total + bare, took_total + took
                if status != "ok":
                    first.setdefault(status, i)
                    print(f"{status.upper():5} {seed}:{i} {detail}", flush=True)
                    if args.first_failure:
                        break
                if done % args.every == 0:
                    print(f"  {done:,} examples, {time.monotonic() - started:,.0f} s", flush=True)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        pool.terminate()
    wall = time.monotonic() - started
    run = sum(counts.values())
    print(f"soak: {run:,} examples of seed {seed} in {wall:,.0f} s ({run / wall if wall else 0:.1f}/s): "
          f"{counts['crash']} crashes, {counts['hang']} hangs, {counts['spans']} bad spans"
          + (f"; analysis {took_total / bare_total:.2f} x the bare parse over the {sampled:,} examples parsed bare" if bare_total else ""))
    for status, i in first.items():
        print(f"first {status}: example {i} ({i - args.start + 1:,} examples into the run)")
    return 0 if run and counts["ok"] == run else 1


if __name__ == "__main__":
    sys.exit(main())
