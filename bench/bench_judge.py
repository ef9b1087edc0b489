"""Benchmark of judging a store's largest claims: the status after each row as it is now
(``claims._State.status``: the claimant found standing last time asked first) against the
baseline that lists every claimant after every row (what it did before), in this process.

The ``--claims`` claims with the most statements of a store are read once, then each is judged
from all its rows (``claims.judge``) ``--runs`` times with each status; the medians, their
ratio, and a check that both give the same status after every row are printed. A store of
generated articles: ``bench/bench_bulk.py --prefill N --prefill-dir DIR`` leaves one in DIR.

    .venv/bin/python bench/bench_judge.py --db /tmp/prefill40k/prefill.sqlite --claims 200 --runs 3
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from onrecord.store import claims
from onrecord.store.db import open_engine


def listing_every_claimant(st: "claims._State") -> str:
    """The baseline: DESIGN.md's status, listing the claimants after every row."""
    stands = st._stands
    if st.claimants and not any(stands(s, o) for s, o in st.claimants.items()):
        return "retracted"
    if st.last_confirm is not None and (st.last_negative is None or st.confirm_at > st.negative_at):
        return "confirmed"
    if st.last_negative is not None:
        return "contested"
    if any(s[0] != "outlet" and stands(s, o) for s, o in st.claimants.items()):
        return "unconfirmed"
    return "stated" if st.claimants else "unconfirmed"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="A store (SQLite file or URL).")
    ap.add_argument("--claims", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    from sqlalchemy import text
    engine, _ = open_engine(opts.db, create=False)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM claims ORDER BY n_statements DESC, id LIMIT :n"),
                                          {"n": opts.claims})]
        rows = [claims.load_rows(conn, c) for c in ids]
    if not rows:
        sys.exit(f"{opts.db}: the store holds no claims")
    now = claims._State.status
    times: dict[str, list[float]] = {"baseline": [], "now": []}
    after: dict[str, list] = {}
    for _ in range(opts.runs):
        for name, status in (("baseline", listing_every_claimant), ("now", now)):
            claims._State.status = status
            try:
                start = time.perf_counter()
                verdicts = [claims.judge(r) for r in rows]
                times[name].append(time.perf_counter() - start)
            finally:
                claims._State.status = now
            after[name] = [[j.status_after for j in v.rows] for v in verdicts]
    b, n = statistics.median(times["baseline"]), statistics.median(times["now"])
    print(f"claims       {len(rows):,} ({sum(map(len, rows)):,} statements, the largest {max(map(len, rows)):,})")
    print(f"baseline     {b:.3f} s (median of {opts.runs}: listing every claimant after each row)")
    print(f"now          {n:.3f} s (median of {opts.runs})")
    print(f"ratio        x{b / n:.2f}")
    print(f"same status after every row: {after['baseline'] == after['now']}")


if __name__ == "__main__":
    main()
