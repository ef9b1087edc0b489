"""Batch throughput: 1 vs 2 local workers, against bare spaCy, and Spark's overhead on local[2].

Every figure is a median of repeated runs over the same input in this one process, printed
with its ratio to a baseline measured here too; the machine is shared, so read the ratios,
not the absolute times. Input: PolNeAR dev texts when ../shared is present (read at run
time, never copied into the repository), else articles generated from templates.

    .venv/bin/python bench/bench_batch.py [--articles 24] [--repeats 3] [--no-spark]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear" / "dev" / "text"

NAMES = ["Mayor Ana Ruiz", "Senator Paul Grant", "police chief Dana Moss", "Professor Ken Ito",
         "a spokesperson for the ministry", "union leader Sara Holt", "the company's chief executive"]
CUES = ["said", "told reporters", "said in a statement", "added", "warned", "insisted"]
CLAIMS = ["the budget would be balanced by next year", "the road would reopen in the spring",
          "nobody had been told about the delay", "the figures were wrong", "talks would resume on Monday",
          "the plan had the support of most residents", "the report had been leaked to the press"]


def generated_articles(n: int, seed: int = 7) -> list[str]:
    """``n`` news-like articles built from templates (quotes, reported speech, denials)."""
    rng = random.Random(seed)
    return ["\n\n".join(_paragraph(rng) for _ in range(14)) for _ in range(n)]


def _paragraph(rng: random.Random) -> str:
    who, cue, what = rng.choice(NAMES), rng.choice(CUES), rng.choice(CLAIMS)
    forms = [f'"{what[0].upper() + what[1:]}," {who} {cue}.',
             f"{who[0].upper() + who[1:]} {cue} that {what}.",
             f"{who[0].upper() + who[1:]} denied that {what}, according to officials.",
             f"The council met on Tuesday. Residents asked whether {what}."]
    return rng.choice(forms)


def load_texts(n: int) -> tuple[list[str], str]:
    """The benchmark's articles and where they came from."""
    files = sorted(SHARED.glob("*.txt")) if SHARED.is_dir() else []
    if files:
        return [f.read_text(encoding="utf-8") for f in files[:n]], f"PolNeAR dev ({min(n, len(files))} texts)"
    return generated_articles(n), f"generated ({n} articles)"


def write_inputs(texts: list[str], folder: Path) -> Path:
    """The texts as .txt files in a fresh folder (the batch input)."""
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        (folder / f"a{i:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def bare_spacy(texts: list[str], model: str | None):
    """A function timing the plain spaCy pipeline (no onrecord component): tokens/s."""
    import spacy

    from onrecord import settings

    nlp = spacy.load(settings.model_name(model))

    def run() -> float:
        """One pass: tokens per second."""
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts))
        return tokens / (time.perf_counter() - start)
    return run


def direct(texts: list[str], model: str | None):
    """A function timing ``analyze_article`` in a loop, without the batch engine: tokens/s."""
    from onrecord.inputs.article import from_text
    from onrecord.engine import analyze_article

    analyze_article(from_text(texts[0]), model=model)  # load the pipeline outside the timing

    def run() -> float:
        """One pass: tokens per second."""
        start = time.perf_counter()
        tokens = sum(len(analyze_article(from_text(t), model=model).doc) for t in texts)
        return tokens / (time.perf_counter() - start)
    return run


def batch_run(src: Path, work: Path, engine: str, workers: int, model: str | None, spark=None):
    """One batch into a fresh output folder; returns its summary."""
    from onrecord.batch.run import run_batch

    out = Path(tempfile.mkdtemp(dir=work))
    try:
        return run_batch([src], out, workers=workers, engine=engine, model=model, spark=spark,
                         files_per_shard=4)  # several shards, so Spark has partitions to share
    finally:
        shutil.rmtree(out)


def local_run(src: Path, work: Path, workers: int, model: str | None) -> dict:
    """One local-engine batch in a fresh Python process, as ``onrecord batch`` would run:
    1 and 2 workers start equally cold (no pipeline or cache left over from earlier runs)."""
    cmd = [sys.executable, __file__, "--one-run", str(src), str(work), str(workers)]
    cmd += ["--model", model] if model else []
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_run(src: Path, work: Path, workers: int, model: str | None) -> dict:
    """Run one batch here: warm and wall tokens/s, wall seconds, and the CPU seconds spent by
    the workers on articles and by this (coordinating) process. Imports and, for one worker,
    the pipeline's loading happen before the CPU clock starts, as in the workers' own figure."""
    import importlib

    from onrecord.pipeline import nlp

    importlib.import_module("onrecord.batch.run")  # spaCy and onrecord imported untimed

    if workers == 1:
        nlp.load(model)
    main_cpu = time.process_time()
    r = batch_run(src, work, "local", workers, model)
    main_cpu = time.process_time() - main_cpu - (r.worker_cpu if workers == 1 else 0.0)
    return {"warm": r.warm_tokens / r.warm_seconds, "wall": r.tokens / r.seconds,
            "secs": r.seconds, "worker_cpu": r.worker_cpu, "main_cpu": main_cpu}


def projected_scaling(one: dict, two: dict, cores: int = 2) -> float:
    """The 2-worker speed-up on ``cores`` free cores, from CPU time instead of wall time.

    One worker runs everything in one process: its time is its CPU time. Two workers spread
    their CPU time and this process's coordination over the cores.
    """
    return (one["worker_cpu"] + one["main_cpu"]) / ((two["worker_cpu"] + two["main_cpu"]) / cores)


def rounds(src: Path, work: Path, texts: list[str], repeats: int, model: str | None) -> list[dict]:
    """Every measurement once per round, interleaved, so load from other users hits all alike."""
    bare, loop = bare_spacy(texts, model), direct(texts, model)
    out = []
    for _ in range(repeats):
        out.append({"load": os.getloadavg()[0], "bare": bare(), "loop": loop(),
                    "one": local_run(src, work, 1, model), "two": local_run(src, work, 2, model)})
    return out


def med(values) -> float:
    """The median of an iterable."""
    return statistics.median(list(values))


def spark_seconds(src, work, repeats, model) -> tuple[float, float, float, int]:
    """Session start, first job, median later job (seconds) of the Spark engine on local[2],
    and the tokens of one job."""
    from onrecord.batch.spark import get_session

    start = time.perf_counter()
    session = get_session(2)
    session.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter() - start
    first = batch_run(src, work, "spark", 2, model, session)
    later = med(batch_run(src, work, "spark", 2, model, session).seconds for _ in range(repeats))
    session.stop()
    return started, first.seconds, later, first.tokens


def main() -> None:
    """Run every measurement and print the figures and ratios."""
    args = _args()
    if args.one_run:
        src, work, workers = args.one_run
        print(json.dumps(one_run(Path(src), Path(work), int(workers), args.model)))
        return
    texts, origin = load_texts(args.articles)
    work = Path(tempfile.mkdtemp(prefix="onrecord-bench-"))
    try:
        src = write_inputs(texts, work / "inputs")
        print(f"input: {origin}; {args.repeats} interleaved rounds; medians of rates and of "
              "per-round ratios (2 shared cores: read the ratios)")
        results = rounds(src, work, texts, args.repeats, args.model)
        _report(results)
        if not args.no_spark:
            _report_spark(spark_seconds(src, work, args.repeats, args.model),
                          [r["two"] for r in results])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _report(results: list[dict]) -> None:
    bare = med(r["bare"] for r in results)
    print(f"bare spaCy nlp.pipe       {bare:8,.0f} tokens/s")
    loop = med(r["loop"] for r in results)
    print(f"analyze_article loop      {loop:8,.0f} tokens/s  "
          f"{med(r['loop'] / r['bare'] for r in results):.2f}x bare spaCy")
    for key, label in (("one", "batch local, 1 worker "), ("two", "batch local, 2 workers")):
        print(f"{label}    {med(r[key]['warm'] for r in results):8,.0f} tokens/s warm "
              f"({med(r[key]['wall'] for r in results):,.0f} wall)  "
              f"{med(r[key]['warm'] / r['bare'] for r in results):.2f}x bare spaCy, "
              f"{med(r[key]['warm'] / r['loop'] for r in results):.2f}x the loop")
    print(f"scaling 2 vs 1 worker: {med(r['two']['warm'] / r['one']['warm'] for r in results):.2f}x "
          f"warm (target >= 1.8), {med(r['two']['wall'] / r['one']['wall'] for r in results):.2f}x "
          "wall (worker start and model load included)")
    print(f"  projected from CPU time on 2 free cores: "
          f"{med(projected_scaling(r['one'], r['two']) for r in results):.2f}x; coordinating process "
          f"{med(r['two']['main_cpu'] / r['two']['worker_cpu'] for r in results):.1%} of worker CPU; "
          f"load average during the rounds {min(r['load'] for r in results):.1f}-"
          f"{max(r['load'] for r in results):.1f} (2 cores)")


def _report_spark(spark: tuple[float, float, float, int], two: list[dict]) -> None:
    started, first, later, tokens = spark
    print(f"spark local[2]: session start {started:.1f} s, first job {first:.1f} s (workers load "
          f"the model), later jobs {later:.1f} s median = {tokens / later:,.0f} tokens/s")
    warm, secs = med(r["warm"] for r in two), med(r["secs"] for r in two)
    print(f"spark overhead vs local engine, 2 workers: later jobs take {later / secs:.2f}x the "
          f"local wall time (which restarts its workers) and run at {tokens / later / warm:.2f}x "
          f"its warm tokens/s; cold (session start + first job) {(started + first) / secs:.2f}x")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=24, help="articles in the input (default 24)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the settings')")
    parser.add_argument("--no-spark", action="store_true", help="leave out the Spark engine")
    parser.add_argument("--one-run", nargs=3, metavar=("SRC", "WORK", "WORKERS"),
                        help=argparse.SUPPRESS)  # internal: one local batch, JSON out
    return parser.parse_args()


if __name__ == "__main__":
    main()
