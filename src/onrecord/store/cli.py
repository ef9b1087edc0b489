"""The store's commands: ingest, who, claims, timeline, search (registered by ``onrecord.cli``).

Each command parses its arguments, calls one library function (``ingest``, ``queries``) and
renders a rich table or JSON. Article words go into tables as ``rich.text.Text``, so text
such as "[bold]" in an article is shown as written, never taken for markup. Nothing of the
store extra is imported until a command runs: ``onrecord analyze`` works without it.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

out = Console(highlight=False, soft_wrap=False)
if not out.is_terminal:
    out.width = 160
err = Console(stderr=True, highlight=False, soft_wrap=True)

DB_HELP = "Store: a SQLite file path or a postgresql:// URL (default: ONRECORD_DB, else a file in your data folder)."


class OutFormat(str, Enum):
    """Output formats of the store commands."""

    table = "table"
    json = "json"


def fail(message: str, code: int = 1) -> None:
    """One error line, markup-free, then exit."""
    err.print(f"onrecord: error: {message}", markup=False)
    raise typer.Exit(code)


def _open_read(db: Optional[str]):
    """The engine of an existing store (a clear error when it is missing or the extra is absent)."""
    try:
        from .db import open_engine
    except ImportError as exc:
        fail(f"the store needs the store extra ({exc.name} is missing): pip install 'onrecord[store]'", 2)
    from .errors import StoreError
    try:
        return open_engine(db, create=False)[0]
    except StoreError as exc:
        fail(str(exc), 2)


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def ingest(
    paths: list[str] = typer.Argument(..., help="Article files or folders, JSONL, WARC(.gz), .urls lists, http(s) URLs, reports and Parquet from onrecord batch."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    embedder: Optional[str] = typer.Option(None, help="minilm (default) or hashing (fast, no model; for tests)."),
    published: Optional[str] = typer.Option(None, help="Publication date, YYYY-MM-DD, for inputs whose record gives none (it wins over a page's own metadata)."),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json (the summary)."),
) -> None:
    """Add articles to the store: each analysed once, duplicates skipped, copies linked.

    Example: onrecord ingest tests/data/story --db story.sqlite
    """
    try:
        from .ingest import Store, Summary, ingest_items
        from .sources import iter_items
    except ImportError as exc:
        fail(f"ingest needs the store extra ({exc.name} is missing): pip install 'onrecord[store]'", 2)
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import OnrecordError

    from onrecord.inputs.article import parse_published

    try:
        published = parse_published(published, "--published") if published else None
    except OnrecordError as exc:
        fail(str(exc), 2)
    summary = Summary()
    current: list = [None]  # the item being ingested (ingest takes one at a time)

    def items():
        for item in iter_items(paths, published):
            current[0] = item
            yield item

    try:
        notify = lambda message: err.print(f"onrecord: {message}", markup=False)  # noqa: E731
        with Store.open(db, embedder, notify=notify) as store, _progress() as bar:
            task = bar.add_task("ingesting", total=_count_inputs(paths))
            def on_outcome(outcome) -> None:
                summary.count(outcome)
                article = current[0].the_article if current[0] is not None else None
                for warning in (article.warnings if article is not None else []):
                    bar.console.print(f"onrecord: warning: {current[0].source}: {warning}", markup=False)
                bar.advance(task)
            done = ingest_items(store, items(), on_outcome=on_outcome)
            summary.seconds = done.seconds
    except KeyboardInterrupt:
        _print_summary(summary, format, interrupted=True)
        raise typer.Exit(130)
    except OnrecordError as exc:
        fail(str(exc), 2)
    except (OSError, SQLAlchemyError) as exc:
        # a full disk, a read-only folder: every article committed so far is kept
        reason = getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fail(f"{db or 'the store'}: could not write ({reason}); {summary.added} articles were stored "
             "in full before it stopped, and a rerun adds the rest", 1)
    _print_summary(summary, format)
    if summary.refused:
        raise typer.Exit(1)


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    class Rate(TextColumn):
        def render(self, task):  # articles per second over the whole run
            rate = task.completed / task.elapsed if task.elapsed else 0.0
            return Text(f"{rate:.1f} articles/s")

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    Rate(""), TimeElapsedColumn(), console=err, transient=True)


def _count_inputs(paths: list[str]) -> int | None:
    """How many items the inputs hold, when that is cheap to know (None for WARC and Parquet)."""
    from onrecord.inputs.readers import files_under, is_url
    from .sources import _kind
    total = 0
    for raw in paths:
        if is_url(raw):
            total += 1
            continue
        p = Path(raw)
        files = files_under(p, _kind) if p.is_dir() else [p]
        for f in files:
            name = f.name.lower()
            if name.endswith((".warc", ".warc.gz", ".parquet", ".urls")):
                return None
            if name.endswith(".jsonl") and f.exists():
                with f.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            else:
                total += 1
    return total


def _print_summary(summary, format: OutFormat, interrupted: bool = False) -> None:
    if format == OutFormat.json:
        _print_json({**summary.to_dict(), "interrupted": interrupted})
        return
    rate = (summary.added + summary.copies) / summary.seconds if summary.seconds else 0.0
    head = "interrupted: " if interrupted else ""
    err.print(f"{head}added {summary.added} articles ({summary.statements} statements), linked "
              f"{summary.copies} copies, skipped {summary.duplicates} duplicates, refused "
              f"{len(summary.refused)} ({rate:.1f} articles/s)", markup=False)
    for source, reason in summary.refused:
        err.print(f"  refused {source}: {reason}", markup=False)


def who(
    name: str = typer.Argument(..., help="A person or organisation, any spelling, title or alias."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
    limit: int = typer.Option(500, help="Most statements shown."),
) -> None:
    """Every statement of a person or organisation, by date, with the article and exact words.

    Example: onrecord who "Henrik Solberg" --db story.sqlite
    """
    from .queries import who as who_query
    found, rows = who_query(_open_read(db), name, limit)
    if not found:
        fail(f"{name}: no such person or organisation in the store")
    if format == OutFormat.json:
        _print_json({"entities": [asdict(e) for e in found], "statements": [asdict(s) for s in rows]})
        return
    for e in found:
        err.print(Text(f"{e.name} ({e.type}; also {', '.join(e.aliases) or 'no other names'})"))
    table = _table("date", "outlet", "speaker", "stance", "words", "claim")
    for s in rows:
        words = f"{s.cue} {s.words}" if s.kind == "reference" and s.cue else s.words
        table.add_row(*_cells(s.published, s.outlet, s.entity, s.stance, words,
                              f"c{s.claim_id}" if s.claim_id else ""))
    out.print(table)


def claims(
    about: Optional[str] = typer.Option(None, help="Words the claim or its speakers' names hold."),
    status: Optional[str] = typer.Option(None, help="confirmed, contested, unconfirmed, stated or retracted."),
    outlet: Optional[str] = typer.Option(None, help="Only claims with a statement in this outlet."),
    since: Optional[str] = typer.Option(None, help="Only claims with a statement on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="Only claims with a statement on or before this date (YYYY-MM-DD)."),
    changed_since: Optional[str] = typer.Option(None, "--changed-since",
                                                help="Only claims whose status changed on or after this date."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
    limit: int = typer.Option(50, help="Most claims shown."),
) -> None:
    """Claims across articles: the most reported first (two independent sources or a dispute),
    then by distinct sources and outlets; each status with the statements that decide it.

    Example: onrecord claims --about "lead reservoir" --status confirmed --db story.sqlite
    """
    from .queries import list_claims
    for name, value in (("--since", since), ("--until", until), ("--changed-since", changed_since)):
        if value is not None and not _is_date(value):
            fail(f"{name}: {value!r} is not a date (YYYY-MM-DD)", 2)
    try:
        found = list_claims(_open_read(db), about, status, limit, outlet=outlet, since=since, until=until,
                            changed_since=changed_since)
    except ValueError as exc:
        fail(f"--status: {exc}", 2)
    if format == OutFormat.json:
        _print_json([asdict(c) for c in found])
        return
    table = _table("claim", "status", "why", "sources", "outlets", "first reported", "text")
    for c in found:
        table.add_row(*_cells(f"c{c.id}" + (" *" if c.most_reported else ""), c.status, c.reason, str(c.sources),
                              str(c.outlets), f"{c.first_published or ''} {c.first_outlet or ''}".strip(), c.text))
    out.print(table)
    if any(c.most_reported for c in found):
        err.print("* most reported: two independent sources, or a dispute", markup=False)


def _is_date(value: str) -> bool:
    import datetime as dt
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def timeline(
    claim: str = typer.Argument(..., help="A claim id (c12) or words of the claim."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """A claim's timeline: each statement's relation (first reported, repeated, confirmed,
    denied, disputed, declined, reported, retracted, corrected), and where the status changed.

    Example: onrecord timeline c1 --db story.sqlite
    """
    from .queries import timeline as timeline_query
    found = timeline_query(_open_read(db), claim)
    if found is None:
        fail(f"{claim}: no such claim in the store")
    if format == OutFormat.json:
        _print_json(asdict(found))
        return
    err.print(Text(f"c{found.claim.id} ({found.claim.status}): {found.claim.text}"))
    err.print(Text(f"why: {found.claim.reason}"))
    if found.history:
        err.print(Text("status: " + " -> ".join(f"{h['status']} ({h['published'] or 'undated'})" for h in found.history)))
    table = _table("date", "relation", "status", "outlet", "speaker", "words", "review")
    rows = [((e.published or "9999", e.article_id), _cells(e.published, e.role, f"-> {e.status_after}" if e.status_changed
                                                           else "", e.outlet, e.speaker, e.words, e.review))
            for e in found.events]
    rows += [((c["published"] or "9999", c["article_id"]),
              _cells(c["published"], "copy", "", c["outlet"], "", f"copy of article {c['copy_of']}: {c['url'] or ''}", ""))
             for c in found.copies]
    for _, cells in sorted(rows, key=lambda r: r[0]):  # date order, then article order; a copy at its own date
        table.add_row(*cells)
    out.print(table)


def search(
    query: str = typer.Argument(..., help="Words to find in the articles (all of them)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
    limit: int = typer.Option(20, help="Most articles shown."),
) -> None:
    """Full-text search over the stored articles (FTS5 on SQLite, tsvector on PostgreSQL).

    Example: onrecord search "lead pipes" --db story.sqlite
    """
    from .queries import search as search_query
    hits = search_query(_open_read(db), query, limit)
    if format == OutFormat.json:
        _print_json([asdict(h) for h in hits])
        return
    table = _table("date", "outlet", "title", "snippet")
    for h in hits:
        table.add_row(*_cells(h.published, h.outlet, h.title, h.snippet))
    out.print(table)


def _table(*columns: str) -> Table:
    table = Table(show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def _cells(*values) -> list[Text]:
    """Table cells as plain Text: article words are never read as markup."""
    return [Text("" if v is None else str(v)) for v in values]


def register(app: typer.Typer) -> None:
    """Add the store's commands to the ``onrecord`` app."""
    for command in (ingest, who, claims, timeline, search):
        app.command(command.__name__)(command)
