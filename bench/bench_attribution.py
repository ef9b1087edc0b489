"""Throughput of the attribution engine against the bare spaCy pipeline and textacy, in one process.

Four systems run over the same texts, interleaved text by text in a rotating order, for several
rounds after one untimed warm-up:

- ``bare``: ``spacy.load(settings.model_name())``, ``nlp(text)`` per article (the baseline);
- ``onrecord``: ``engine.analyze_article(article.from_text(text))`` per article (one parse plus
  every onrecord stage);
- ``stages``: onrecord's own work alone (``from_text``, the ``onrecord_paragraphs`` component on
  a tokenized Doc, the ``onrecord`` component on a Doc parsed beforehand), to show where time goes;
- ``textacy``: the bare pipeline over each paragraph (``nlp.pipe``), then
  ``textacy.extract.triples.direct_quotations`` on each, the way the peer figures in
  ``../shared/eval/README.md`` were made. Its time includes the parse; the extraction alone is
  reported as ``textacy_extract``.

Throughput is the article tokens (bare tokenizer) divided by the seconds of one round. The
verdict is the median over rounds of the per-round ratio onrecord/bare, so a burst of load from
another process hits both sides of a ratio alike; no single absolute time is a verdict.

    python bench/bench_attribution.py --rounds 5 --limit 40
    python bench/bench_attribution.py --json > bench.json
"""
from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from spacy.language import Language

REPO = Path(__file__).resolve().parents[1]
#: PolNeAR dev articles, read at run time only: their text is copyrighted and stays out of the repo.
POLNEAR_DEV = REPO.parent / "shared" / "eval" / "polnear" / "dev" / "text"
FALLBACK_DIRS = (REPO / "examples", REPO / "tests" / "data")

#: onrecord must keep at least this share of the bare pipeline's throughput.
FLOOR = 0.75
SYSTEMS = ("bare", "onrecord", "stages", "textacy")
_LINE = re.compile(r"[^\r\n]+")


@dataclass
class Text:
    """One article to time: a name and its text."""

    name: str
    text: str


@dataclass
class Harness:
    """What the systems share: the two pipelines, the pre-parsed Docs, and the corpus size."""

    bare: Language
    onrecord: Language
    texts: list[Text]
    parsed: list[Any] = field(default_factory=list)
    tokens: int = 0
    textacy: Any = None  # the textacy.extract.triples module, or None when not installed
    counts: dict[str, int] = field(default_factory=dict)


# --- the texts -------------------------------------------------------------------------------

def text_dirs(directory: Path | None = None) -> tuple[Path, ...]:
    """Where the texts come from: ``directory``, else PolNeAR dev, else examples/ and tests/data/."""
    if directory is not None:
        return (directory,)
    if POLNEAR_DEV.is_dir() and any(POLNEAR_DEV.glob("*.txt")):
        return (POLNEAR_DEV,)
    return FALLBACK_DIRS


def find_texts(limit: int | None = None, directory: Path | None = None) -> list[Text]:
    """The first ``limit`` articles (all when None) of ``text_dirs(directory)``, by file name."""
    paths = sorted(p for d in text_dirs(directory) if d.is_dir() for p in d.glob("*.txt"))
    texts = [Text(p.stem, p.read_text(encoding="utf-8")) for p in paths]
    return texts[:limit] if limit else texts


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of ``text``: the unit textacy was run on for the peer figures."""
    return [m.group().strip() for m in _LINE.finditer(text) if m.group().strip()]


# --- the systems -----------------------------------------------------------------------------

def load_harness(texts: list[Text], model: str | None = None) -> Harness:
    """Load both pipelines and textacy (when installed) for ``texts``."""
    import spacy

    from onrecord.pipeline import nlp as nlp_module
    from onrecord import settings

    try:
        import textacy.extract.triples as textacy_triples
    except ImportError:
        textacy_triples = None
    return Harness(bare=spacy.load(settings.model_name(model)), onrecord=nlp_module.load(model),
                   texts=texts, textacy=textacy_triples)


def warm_up(h: Harness) -> None:
    """Run every system once untimed; count tokens and parse the Docs the ``stages`` system reuses."""
    from onrecord.inputs import article
    from onrecord import engine

    h.tokens = sum(len(h.bare(t.text)) for t in h.texts)
    h.counts["onrecord_attributions"] = sum(
        len(engine.analyze_article(article.from_text(t.text)).attributions) for t in h.texts)
    h.parsed = [_preparse(h.onrecord, t.text) for t in h.texts]
    if h.textacy is not None:
        found = [quotations(h.textacy, doc) for t in h.texts for doc in h.bare.pipe(paragraphs(t.text))]
        h.counts["textacy_quotations"] = sum(len(q) for q in found if q is not None)
        h.counts["textacy_paragraphs_given_up"] = sum(q is None for q in found)


def quotations(textacy_triples: Any, doc: Any) -> list | None:
    """textacy's direct quotations in ``doc``; None where it gives up (an odd number of quote marks)."""
    try:
        return list(textacy_triples.direct_quotations(doc))
    except ValueError:
        return None


def _preparse(nlp: Language, text: str) -> Any:
    """``text`` through every component of the onrecord pipeline except ``onrecord`` itself."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != "onrecord":
            doc = proc(doc)
    return doc


def time_bare(h: Harness, i: int) -> dict[str, float]:
    """Seconds for the bare pipeline over text ``i``."""
    start = time.perf_counter()
    h.bare(h.texts[i].text)
    return {"bare": time.perf_counter() - start}


def time_onrecord(h: Harness, i: int) -> dict[str, float]:
    """Seconds for onrecord end to end over text ``i``: reading, one parse, every stage."""
    from onrecord.inputs import article
    from onrecord import engine

    start = time.perf_counter()
    engine.analyze_article(article.from_text(h.texts[i].text))
    return {"onrecord": time.perf_counter() - start}


def time_stages(h: Harness, i: int) -> dict[str, float]:
    """Seconds of onrecord's own work over text ``i``, split into reading, paragraphs, stages."""
    from onrecord.inputs import article

    text = h.texts[i].text
    start = time.perf_counter()
    art = article.from_text(text)
    read = time.perf_counter()
    tokenized = h.onrecord.make_doc(text)
    para_start = time.perf_counter()
    h.onrecord.get_pipe("onrecord_paragraphs")(tokenized)
    para_end = time.perf_counter()
    doc = h.parsed[i]
    doc._.onrecord_article = art
    stage_start = time.perf_counter()
    h.onrecord.get_pipe("onrecord")(doc)
    end = time.perf_counter()
    parts = {"stages_article": read - start, "stages_paragraphs": para_end - para_start,
             "stages_components": end - stage_start}
    return {"stages": sum(parts.values()), **parts}


def time_textacy(h: Harness, i: int) -> dict[str, float]:
    """Seconds for the bare parse of each paragraph of text ``i`` plus textacy's direct quotations."""
    extract = 0.0
    start = time.perf_counter()
    for doc in h.bare.pipe(paragraphs(h.texts[i].text)):
        mark = time.perf_counter()
        quotations(h.textacy, doc)
        extract += time.perf_counter() - mark
    return {"textacy": time.perf_counter() - start, "textacy_extract": extract}


TIMERS: dict[str, Callable[[Harness, int], dict[str, float]]] = {
    "bare": time_bare, "onrecord": time_onrecord, "stages": time_stages, "textacy": time_textacy}


# --- rounds and summary ----------------------------------------------------------------------

def run_round(h: Harness, number: int, systems: tuple[str, ...] = SYSTEMS) -> dict[str, float]:
    """One round: every text through every system, the order rotating per text and round."""
    active = [s for s in systems if s != "textacy" or h.textacy is not None]
    totals: dict[str, float] = {}
    gc.collect()
    for i in range(len(h.texts)):
        shift = (number + i) % len(active)
        for system in active[shift:] + active[:shift]:
            for key, seconds in TIMERS[system](h, i).items():
                totals[key] = totals.get(key, 0.0) + seconds
    return totals


def summarize(rounds: list[dict[str, float]], tokens: int, texts: int) -> dict[str, Any]:
    """Medians, tokens per second and per-round ratios against the bare pipeline."""
    keys = sorted(rounds[0], key=lambda k: SYSTEMS.index(k.split("_")[0]))  # parts after their system
    systems = {}
    for key in keys:
        seconds = [r[key] for r in rounds]
        median = statistics.median(seconds)
        systems[key] = {"seconds": [round(s, 4) for s in seconds], "median_seconds": round(median, 4),
                        "tokens_per_second": round(tokens / median) if median else None}
    ratios = {}
    for key in keys:
        if key != "bare":
            per_round = [r["bare"] / r[key] if r[key] else float("inf") for r in rounds]
            ratios[f"{key}/bare"] = {"median": round(statistics.median(per_round), 3),
                                     "per_round": [round(x, 3) for x in per_round]}
    shares = {f"{part}/{whole}": round(statistics.median(r[part] / r[whole] for r in rounds), 3)
              for part, whole in (("stages", "onrecord"), ("textacy_extract", "textacy"))
              if part in keys and whole in keys and all(r[whole] for r in rounds)}
    verdict = ratios.get("onrecord/bare", {}).get("median")
    return {"texts": texts, "tokens": tokens, "rounds": len(rounds), "systems": systems,
            "throughput_ratios": ratios, "time_shares": shares, "floor": FLOOR,
            "passes": verdict is not None and verdict >= FLOOR}


def render(summary: dict[str, Any], out: Any = None) -> None:
    """The summary as a table, ending with the verdict line (to ``out``, default stdout)."""
    out = out or sys.stdout
    print(f"{summary['texts']} texts, {summary['tokens']} tokens, {summary['rounds']} rounds "
          f"(model {summary.get('model', '?')}; source {summary.get('source', '?')})", file=out)
    print(f"{'system':<20}{'median s':>10}{'tokens/s':>11}{'x bare':>8}   per-round s", file=out)
    for key, row in summary["systems"].items():
        part = key not in SYSTEMS  # a part of a system's time: its ratio to bare means little
        ratio = summary["throughput_ratios"].get(f"{key}/bare", {}).get("median", 1.0)
        rounds = " ".join(f"{s:.2f}" for s in row["seconds"])
        label = f"  {key.split('_', 1)[1]}" if part else key
        print(f"{label:<20}{row['median_seconds']:>10.3f}{row['tokens_per_second'] or 0:>11}"
              f"{'-' if part else f'{ratio:.2f}':>8}   {rounds}", file=out)
    for name, share in summary.get("time_shares", {}).items():
        part, whole = name.split("/")
        print(f"{part} is {share:.1%} of {whole}'s time (median of per-round shares)", file=out)
    for name, count in summary.get("counts", {}).items():
        print(f"{name}: {count} (warm-up pass)", file=out)
    for note in summary.get("notes", []):
        print(f"note: {note}", file=out)
    if "onrecord/bare" in summary["throughput_ratios"]:
        median = summary["throughput_ratios"]["onrecord/bare"]["median"]
        verdict = "meets" if summary["passes"] else "BELOW"
        print(f"onrecord/bare throughput ratio {median:.2f} (median of {summary['rounds']} rounds; "
              f"{verdict} the {FLOOR} floor)", file=out)


def benchmark(texts: list[Text], rounds: int, model: str | None = None,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Warm up, run ``rounds`` interleaved rounds, and return the summary."""
    from onrecord import settings

    h = load_harness(texts, model)
    warm_up(h)
    results = []
    for number in range(rounds):
        results.append(run_round(h, number))
        if progress:
            progress(f"round {number + 1}/{rounds}: " + ", ".join(
                f"{k} {results[-1][k]:.2f}s" for k in SYSTEMS if k in results[-1]))
    summary = summarize(results, h.tokens, len(texts))
    summary["model"] = settings.model_name(model)
    summary["counts"] = dict(h.counts)
    summary["notes"] = [] if h.textacy else ["textacy is not installed (pip install -e '.[bench]'): skipped"]
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command line: exit 0 when onrecord keeps the floor share of bare throughput, 1 when not."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: python bench/bench_attribution.py --rounds 5 --limit 40")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after the warm-up (default 5)")
    parser.add_argument("--limit", type=int, default=None, help="time only the first N texts")
    parser.add_argument("--texts", type=Path, default=None,
                        help="a directory of .txt articles (default: PolNeAR dev, else examples/ and tests/data/)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: ONRECORD_MODEL or the settings)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    texts = find_texts(args.limit, args.texts)
    if not texts:
        print("no .txt texts found; pass --texts DIR", file=sys.stderr)
        return 2
    progress = None if args.json else (lambda line: print(line, file=sys.stderr))
    summary = benchmark(texts, max(1, args.rounds), args.model, progress)
    summary["source"] = ", ".join(str(d) for d in text_dirs(args.texts))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        render(summary)
    return 0 if summary["passes"] else 1


if __name__ == "__main__":
    sys.exit(main())
