"""The store's commands: ingest, who, claims, timeline, search, and the corrections people make
(correct, merge, undo, corrections, export gold), registered by ``onrecord.cli``.

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
    reanalyse: bool = typer.Option(False, "--reanalyse", help="Analyse again the inputs already in the store (same URL, text or input path), keeping every correction; the store is rebuilt in one transaction."),
) -> None:
    """Add articles to the store: each analysed once, duplicates skipped, copies linked.

    Example: onrecord ingest tests/data/story --db story.sqlite
    """
    try:
        from .bulk import ingest_reports  # noqa: F401  (the store extra: numpy, hnswlib)
        from .ingest import Store, Summary
    except ImportError as exc:
        fail(f"ingest needs the store extra ({exc.name} is missing): pip install 'onrecord[store]'", 2)
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import OnrecordError

    from onrecord.inputs.article import parse_published

    try:
        published = parse_published(published, "--published") if published else None
    except OnrecordError as exc:
        fail(str(exc), 2)
    if reanalyse:
        _reanalyse(paths, db, embedder, published, format)
        return
    summary = Summary()
    try:
        with Store.open(db, embedder, notify=notify) as store:
            ingest_into(store, paths, summary, published)
    except KeyboardInterrupt:
        print_summary(summary, format, interrupted=True)
        raise typer.Exit(130)
    except OnrecordError as exc:
        fail(str(exc), 2)
    except (OSError, SQLAlchemyError) as exc:
        # a full disk, a read-only folder: every article committed so far is kept
        reason = getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fail(f"{db or 'the store'}: could not write ({reason}); {summary.added} articles were stored "
             "in full before it stopped, and a rerun adds the rest", 1)
    print_summary(summary, format)
    if summary.refused:
        raise typer.Exit(1)


def notify(message: str) -> None:
    """Say something an ingest noticed (vectors embedded again, a store upgraded) on stderr."""
    err.print(f"onrecord: {message}", markup=False)


def ingest_into(store, paths: list[str], summary, published: str | None = None) -> None:
    """Ingest ``paths`` into an open store, counting into ``summary``, with the progress bar and
    the warnings ``onrecord ingest`` shows; batch output folders take the bulk path (a chunk per
    transaction). ``onrecord batch --into`` calls it on its output."""
    from .bulk import ingest_reports, takes_bulk
    from .ingest import ingest_items
    from .sources import iter_items

    current: list = [None]  # the item being ingested (ingest takes one at a time)

    def items():
        for item in iter_items(paths, published):
            current[0] = item
            yield item

    with _progress() as bar:
        task = bar.add_task("ingesting", total=_count_inputs(paths))

        def on_outcome(outcome, item=None) -> None:
            item = item or current[0]
            summary.count(outcome)
            article = item.the_article if item is not None else None
            for warning in (article.warnings if article is not None else []):
                bar.console.print(f"onrecord: warning: {item.source}: {warning}", markup=False)
            bar.advance(task)

        if takes_bulk(paths):  # finished reports: a chunk per transaction
            done = ingest_reports(store, items(), on_outcome=on_outcome, notify=notify)
        else:
            done = ingest_items(store, items(), on_outcome=on_outcome)
        summary.seconds = done.seconds


def _reanalyse(paths: list[str], db, embedder, published, format: OutFormat) -> None:
    """``ingest --reanalyse``: analyse the inputs again, keep the corrections, list the orphaned."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import OnrecordError
    from .ingest import Store
    from .sources import iter_items

    try:
        with Store.open(db, embedder, notify=notify) as store:
            done = store.reanalyse(iter_items(paths, published))
    except OnrecordError as exc:
        fail(str(exc), 2)
    except (OSError, SQLAlchemyError) as exc:
        reason = getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fail(f"{db or 'the store'}: could not write ({reason}); the store is as it was before", 1)
    if format == OutFormat.json:
        _print_json(done.to_dict())
    else:
        err.print(f"analysed {len(done.reanalysed)} stored articles again, added {done.added} new, refused "
                  f"{len(done.refused)}; {len(done.orphaned)} corrections orphaned", markup=False)
        for source, reason in done.refused:
            err.print(f"  refused {source}: {reason}", markup=False)
        for c in done.orphaned:
            err.print(f"  orphaned correction {c.id} ({c.action} by {c.by}): {c.orphaned}", markup=False)
    if done.refused:
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


def print_summary(summary, format: OutFormat, interrupted: bool = False) -> None:
    """The ingest summary, as a table line or JSON (`onrecord ingest`, `onrecord batch --into`)."""
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
    from .corrections import count_entity_statements
    from .queries import who as who_query
    engine = _open_read(db)
    found, rows = who_query(engine, name, limit)
    if not found:
        fail(f"{name}: no such person or organisation in the store")
    if len(rows) >= limit:  # say that there are more, and how many (counted from an index)
        with engine.connect() as conn:
            total = count_entity_statements(conn, [e.id for e in found])
        if total > len(rows):
            err.print(f"showing the oldest {len(rows):,} of {total:,} statements (--limit for more)", markup=False)
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
    stance: Optional[str] = typer.Option(None, help="Only claims with a statement of this stance (denies, disputes, retracts, ...)."),
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
    from onrecord.records import STANCES
    if stance is not None and stance not in STANCES:
        fail(f"--stance: {stance!r} is not one of {', '.join(STANCES)}", 2)
    try:
        found = list_claims(_open_read(db), about, status, limit, outlet=outlet, since=since, until=until,
                            changed_since=changed_since, stance=stance)
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


# -- corrections ----------------------------------------------------------------------------


def _write_store(db: Optional[str], action):
    """Run ``action(conn)`` in one write transaction of an existing store; a refused
    correction is one line and exit 2, with nothing written."""
    from sqlalchemy.exc import SQLAlchemyError

    from .correct import CorrectionError, writing
    engine = _open_read(db)
    try:
        with writing(engine) as conn:
            return action(conn)
    except CorrectionError as exc:
        fail(str(exc), 2)
    except SQLAlchemyError as exc:  # a read-only file, a full disk: the transaction is rolled back
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fail(f"{db or 'the store'}: could not write the correction ({reason}); nothing was written", 1)
    finally:
        engine.dispose()


def _parse_id(value: str, prefix: str, what: str) -> int:
    import re
    m = re.fullmatch(rf"[{prefix}{prefix.upper()}]?(\d{{1,18}})", value.strip())
    if not m:
        fail(f"{value!r} is not a {what} id (a number, as `onrecord who --format json` gives it)", 2)
    return int(m.group(1))


def _said(entry) -> str:
    """One line for a correction: id, target, action, before -> after, who and when."""
    def show(v):
        if isinstance(v, dict):
            return v.get("name") or json.dumps(v, ensure_ascii=False)
        return "none" if v is None else str(v)
    target = f"{'statement' if entry.target_type == 'statement' else 'entity'} {entry.target_id}"
    change = f"{show(entry.before)} -> {show(entry.after)}" if entry.action != "note" else repr(entry.after)
    return f"correction {entry.id}: {target} {entry.action} {change} (by {entry.by}, {entry.at})"


def correct(
    statement_id: str = typer.Argument(..., help="A statement id (as `onrecord who --format json` and the API give it)."),
    accept: bool = typer.Option(False, "--accept", help="The row is right as it is."),
    reject: bool = typer.Option(False, "--reject", help="The row is wrong: hide it everywhere."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Its speaker: a name (an entity of the store, else a new one) or e<ID>."),
    speaker_type: Optional[str] = typer.Option(None, "--speaker-type", help="PERSON, ORG or OUTLET, for a new speaker (default: the row's)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="direct, indirect, mixed or reference."),
    act: Optional[str] = typer.Option(None, "--act", help="speech, refusal, belief or evidence."),
    stance: Optional[str] = typer.Option(None, "--stance", help="asserts, confirms, denies, disputes, declines, unconfirmed, retracts or corrects."),
    note: Optional[str] = typer.Option(None, "--note", help="A remark attached to the row."),
    by: Optional[str] = typer.Option(None, "--by", help="Who makes the correction (required)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json (the new entry)."),
) -> None:
    """Correct one row of the record: accept or reject it, change its speaker, kind, act or
    stance, or attach a note. The engine's record stays as it was; the correction is kept
    beside it (who, when, before, after), shown on the row, and can be undone.

    Example: onrecord correct 12 --speaker "Lena Vask" --by "A. Editor" --db story.sqlite
    """
    from .correct import correct_statement
    from . import corrections as log
    chosen = [(name, value) for name, value in (("accept", accept or None), ("reject", reject or None),
                                                 ("speaker", speaker), ("kind", kind), ("act", act),
                                                 ("stance", stance), ("note", note)) if value is not None]
    if len(chosen) != 1:
        fail("give exactly one of --accept, --reject, --speaker, --kind, --act, --stance, --note", 2)
    if speaker_type is not None and speaker_type not in ("PERSON", "ORG", "OUTLET"):
        fail(f"--speaker-type {speaker_type!r} is not one of PERSON, ORG, OUTLET", 2)
    action, value = chosen[0]
    sid = _parse_id(statement_id, "s", "statement")
    entry = _write_store(db, lambda conn: log.get(conn, correct_statement(
        conn, sid, action, value if isinstance(value, str) else None, by, speaker_type)))
    _print_entry(entry, format)


def _print_entry(entry, format: OutFormat) -> None:
    if format == OutFormat.json:
        _print_json(entry.to_dict())
    else:
        sys.stdout.write(" ".join(_said(entry).split()) + "\n")  # one line, never wrapped


def merge(
    keep: str = typer.Argument(..., help="The entity that stays (an id, as `onrecord who --format json` gives it)."),
    other: str = typer.Argument(..., help="The entity merged into it."),
    by: Optional[str] = typer.Option(None, "--by", help="Who makes the correction (required)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json (the new entry)."),
) -> None:
    """Merge two people or organisations the store keeps apart: the second one's statements
    count as the first's in who, the explorer and the claims' sources. Undo it to split them.

    Example: onrecord merge 3 7 --by "A. Editor" --db story.sqlite
    """
    from .correct import merge as merge_entities
    from . import corrections as log
    a, b = _parse_id(keep, "e", "entity"), _parse_id(other, "e", "entity")
    entry = _write_store(db, lambda conn: log.get(conn, merge_entities(conn, a, b, by)))
    _print_entry(entry, format)


def split(
    entity: str = typer.Argument(..., help="The entity to split (an id, as `onrecord who --format json` gives it)."),
    statements: list[str] = typer.Argument(..., help="Its statements that someone else said (ids)."),
    name: str = typer.Option(..., "--name", help="Who said them: a name (an entity of the store, else a new one) or e<ID>."),
    by: Optional[str] = typer.Option(None, "--by", help="Who makes the correction (required)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json (the new entries)."),
) -> None:
    """Split one person or organisation the store joined: the statements named go to another
    entity (one speaker correction each, all or none written), the rest stay. Undo an entry to
    give one statement back.

    Example: onrecord split 3 14 15 --name "Ana Ruiz Ortega" --by "A. Editor" --db story.sqlite
    """
    from .correct import split as split_entity
    from . import corrections as log
    eid = _parse_id(entity, "e", "entity")
    sids = [_parse_id(s, "s", "statement") for s in statements]
    entries = _write_store(db, lambda conn: [log.get(conn, c) for c in split_entity(conn, eid, sids, name, by)])
    if format == OutFormat.json:
        _print_json([e.to_dict() for e in entries])
    else:
        for entry in entries:
            sys.stdout.write(" ".join(_said(entry).split()) + "\n")


def undo(
    correction_id: str = typer.Argument(..., help="The correction to undo (as `onrecord corrections` lists it)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who undoes it (required)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json (the new entry)."),
) -> None:
    """Undo a correction (or a merge): the log keeps both, the row shows the engine's value again.

    Example: onrecord undo 5 --by "A. Editor" --db story.sqlite
    """
    from .correct import undo as undo_entry
    from . import corrections as log
    cid = _parse_id(correction_id, "c", "correction")
    entry = _write_store(db, lambda conn: log.get(conn, undo_entry(conn, cid, by)))
    _print_entry(entry, format)


def corrections(
    orphaned: bool = typer.Option(False, "--orphaned", help="Only the corrections whose row re-analysis no longer finds, with the reason."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """Every correction people made, in order: who, when, the row, before -> after, and whether
    it is in force, undone or orphaned.

    Example: onrecord corrections --orphaned --db story.sqlite
    """
    from . import corrections as log
    engine = _open_read(db)
    try:
        with engine.connect() as conn:
            found = log.all_corrections(conn, orphaned=orphaned)
    finally:
        engine.dispose()
    if format == OutFormat.json:
        _print_json([c.to_dict() for c in found])
        return
    table = _table("id", "at", "by", "target", "action", "before", "after", "state")
    for c in found:
        state = (f"orphaned: {c.orphaned}" if c.orphaned else f"undone by {c.undone_by}" if c.undone_by
                 else f"undoes {c.undoes}" if c.undoes else "in force")
        now_at = c.statement_id if c.target_type == "statement" else c.entity_id
        target = f"{c.target_type} {c.target_id}" + (f" (now {now_at})" if now_at not in (None, c.target_id) else "")
        show = lambda v: v.get("name") if isinstance(v, dict) else v  # noqa: E731
        table.add_row(*_cells(c.id, c.at, c.by, target, c.action, show(c.before), show(c.after), state))
    out.print(table)


export_app = typer.Typer(no_args_is_help=True, help="Export what people decided from the store.")


@export_app.command("gold")
def export_gold(
    folder: Path = typer.Argument(..., help="Folder to write NAME.txt and NAME.gold.json into."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json (what was written)."),
) -> None:
    """Gold files from the corrections: each article whose rows were all reviewed (accepted,
    corrected or rejected), its text and a gold file `onrecord eval gold` scores the engine
    against (rejected rows are negatives).

    Example: onrecord export gold reviewed/ --db story.sqlite
    """
    from .export import export_gold as write_gold
    engine = _open_read(db)
    try:
        with engine.connect() as conn:
            done = write_gold(conn, folder)
    except OSError as exc:
        fail(f"{folder}: cannot write ({exc.strerror or exc})", 1)
    finally:
        engine.dispose()
    if format == OutFormat.json:
        _print_json({"written": done.written, "skipped": [{"article_id": a, "reason": r} for a, r in done.skipped]})
        return
    for path in done.written:
        out.print(Text(path))
    err.print(f"wrote {len(done.written)} gold files; {len(done.skipped)} articles not fully reviewed", markup=False)


def register(app: typer.Typer) -> None:
    """Add the store's commands to the ``onrecord`` app."""
    for command in (ingest, who, claims, timeline, search, correct, merge, split, undo, corrections):
        app.command(command.__name__)(command)
    app.add_typer(export_app, name="export")
