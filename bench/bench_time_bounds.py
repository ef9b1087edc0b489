"""Time bounds of long texts: analysis against a bare spaCy parse of the same text.

    .venv/bin/python bench/bench_time_bounds.py                  # 64k in paragraphs, 32k and 1 MB in one
    .venv/bin/python bench/bench_time_bounds.py --sizes 32000 --one-paragraph

Each case runs in a child process: the child parses a slice of a generated text bare (spaCy's
pipeline without onrecord's stages; spaCy is linear in tokens), scales that to the whole text,
then analyses the whole text under SIGALRM at ``RATIO`` times that, so a super-linear stage is
stopped at the bound instead of hanging. Prints one line per case (chars, bare seconds,
analysis seconds, the ratio, attributions, spans that do not give back their text); the exit
status is 1 when a case ran over its bound or a span was bad. A ratio, never a lone absolute
time: the machines this runs on are shared.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap

#: Analysis may take this many times a bare spaCy parse of the same text. Normal articles run
#: at 1.3-2.5 times here (tagger, parser and NER are most of the work); 10 leaves room for a
#: busy shared machine and fails only a super-linear stage.
RATIO = 10

CHILD = textwrap.dedent("""
    import json, random, signal, sys, time
    from onrecord.pipeline import nlp
    from onrecord.engine import analyze
    size, paragraphs, ratio = int(sys.argv[1]), sys.argv[2] == "paragraphs", float(sys.argv[3])
    rng = random.Random(7)
    words = ('the mayor said that council would fund road bridge school and "we will not" pay , he added . '
             'Ann Lee told reporters “it is done” according to the report « non » declined to comment').split()
    parts, n = [], 0
    while n < size:
        w = rng.choice(words) + ("\\n\\n" if paragraphs and rng.random() < 0.02 else " ")
        parts.append(w); n += len(w)
    text = "".join(parts)[:size]
    pipeline = nlp.load()
    analyze("Warm up, Ann said.")
    sample = text[:32_000]
    t = time.perf_counter()
    doc = pipeline.make_doc(sample)
    for _name, proc in pipeline.pipeline[:-1]:
        doc = proc(doc)
    bare = (time.perf_counter() - t) * len(text) / len(sample)
    bound = max(1, int(ratio * bare) + 1)
    def fire(signum, frame):
        raise TimeoutError(f"analysis over {bound} s = {ratio} x the bare parse ({bare:.1f} s)")
    signal.signal(signal.SIGALRM, fire)
    signal.alarm(bound)
    t = time.perf_counter()
    report = analyze(text)
    took = time.perf_counter() - t
    signal.alarm(0)
    t_ = report.article.text
    bad = [a.id for a in report.attributions for s in (a.speaker, a.cue, a.content)
           if s is not None and t_[s.start:s.end] != s.text]
    print(json.dumps({"chars": len(text), "bare": bare, "analysis": took, "bad": bad,
                      "attributions": len(report.attributions)}))
""")

#: The cases: (characters, in paragraphs or one paragraph).
CASES = [(64_000, True), (32_000, False), (1 << 20, False)]


def run_timed(size: int, paragraphs: bool, ratio: float = RATIO) -> dict:
    """Analyse a generated text of ``size`` characters in a child: its figures, or the failure."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(size), "paragraphs" if paragraphs else "one",
                           str(ratio)], capture_output=True, text=True, timeout=3600,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    if proc.returncode != 0:
        return {"chars": size, "failed": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else
                f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated character counts (default: the three cases)")
    parser.add_argument("--one-paragraph", action="store_true", help="with --sizes: one paragraph each")
    parser.add_argument("--ratio", type=float, default=RATIO)
    args = parser.parse_args(argv)
    cases = ([(int(s), not args.one_paragraph) for s in args.sizes.split(",")] if args.sizes else CASES)
    failed = 0
    for size, paragraphs in cases:
        out = run_timed(size, paragraphs, args.ratio)
        shape = "paragraphs" if paragraphs else "one paragraph"
        if "failed" in out:
            failed += 1
            print(f"{size:>9,} chars, {shape}: FAILED {out['failed']}")
            continue
        ratio = out["analysis"] / out["bare"] if out["bare"] else float("inf")
        ok = not out["bad"] and out["analysis"] <= args.ratio * out["bare"] + 1
        failed += not ok
        print(f"{out['chars']:>9,} chars, {shape}: bare {out['bare']:.1f} s, analysis {out['analysis']:.1f} s "
              f"({ratio:.2f} x), {out['attributions']} attributions, {len(out['bad'])} bad spans"
              f"{'' if ok else '  OVER THE BOUND'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
