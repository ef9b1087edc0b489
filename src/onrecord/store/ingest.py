"""Ingest: many articles into the store, one transaction each, nothing lost, nothing twice.

For each item: a cheap duplicate check (URL, content hash) before any analysis; the
attribution engine (unless the item is already a Report); the statements embedded outside
any lock; then one write transaction that checks for duplicates and near copies again,
inserts the article, links its speakers and statements, and commits. A crash or Ctrl-C loses
at most the article in flight; the vector index file is caught up from the stored vectors
on the next open, so a rerun completes what is missing.
"""
from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import Connection, Engine, insert, select

from .. import settings
from ..errors import OnrecordError
from ..records import Attribution
from ..report import Report
from . import claims as store_claims, dedup, fulltext, linking, record
from .record import STATED
from .db import StoreInfo, open_engine, write_lock
from .embeddings import Embedder, VectorIndex, from_blob, get_embedder, to_blob
from .errors import StoreError
from .schema import meta
from .sources import Item
from .sql import in_list, insert_id, run, run_many

#: Save the vector index file after this many new articles (and at the end)...
SAVE_EVERY = 2000
#: ... once it also grew by this share of what the saved file holds. Writing the file takes
#: time in its size (1.3 s for 120,000 statements here, bench_bulk --prefill 10000), so a save
#: every 2,000 articles alone made a long run's saves grow with the square of the store (a
#: tenth of an ingest's time at 10,000 articles, the whole file rewritten for each 2% it grew).
#: A crash costs at most re-reading the vectors added since, a tenth of the index or 2,000
#: articles' worth, from the database on the next open.
SAVE_GROWTH = 0.1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Outcome:
    """What became of one item: added, copy (linked to an original), duplicate, or refused."""

    source: str
    status: str
    reason: str | None = None
    article_id: int | None = None
    statements: int = 0


@dataclass
class Summary:
    """Counts of an ingest run and the refusals with their reasons."""

    added: int = 0
    copies: int = 0
    duplicates: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    statements: int = 0
    seconds: float = 0.0

    def count(self, outcome: Outcome) -> None:
        """Add one outcome to the counts."""
        if outcome.status == "added":
            self.added += 1
            self.statements += outcome.statements
        elif outcome.status == "copy":
            self.copies += 1
        elif outcome.status == "duplicate":
            self.duplicates += 1
        else:
            self.refused.append((outcome.source, outcome.reason or "refused"))

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"added": self.added, "copies": self.copies, "duplicates": self.duplicates,
                "refused": [{"source": s, "reason": r} for s, r in self.refused],
                "statements": self.statements, "seconds": round(self.seconds, 3)}


def default_analyze(article):
    """The attribution engine (imported late: ingesting Reports needs no spaCy)."""
    from ..engine import analyze_article
    return analyze_article(article)


class Store:
    """An open store: its engine, the embedder it was built with and its vector index."""

    def __init__(self, engine: Engine, info: StoreInfo, embedder: Embedder):
        self.engine, self.info, self.embedder = engine, info, embedder
        identity = self._check_meta()
        self.index = VectorIndex.load(embedder.dim, index_path(info, identity), embedder.name, identity)
        self._since_save = 0  # articles added since the index was last saved (or loaded)...
        self._unsaved = 0  # ... and their statements
        self._saved = len(self.index)  # statements in the saved file

    @classmethod
    def open(cls, db=None, embedder: Embedder | str | None = None,
             notify: Callable[[str], None] | None = None) -> "Store":
        """Open (create, migrate) the store at ``db`` for ingesting with ``embedder``; a store
        written before whole records were kept is rebuilt first (``complete``), said through
        ``notify`` when given."""
        engine, info = open_engine(db, create=True)
        if embedder is None or isinstance(embedder, str):
            embedder = get_embedder(embedder if isinstance(embedder, str) else stored_embedder(engine))
        store = cls(engine, info, embedder)
        try:
            store.complete(notify=notify)
        except BaseException:
            store.engine.dispose()
            raise
        return store

    # -- upgrades ------------------------------------------------------------------------------

    def complete(self, analyze: Callable = default_analyze, notify: Callable[[str], None] | None = None) -> int:
        """Re-derive the records a store written before they were kept lacks (see
        ``needs_records``); the number of articles analysed again (0 for a complete store)."""
        if not needs_records(self.engine):
            return 0
        if notify is not None:
            notify("this store was written before whole records were kept: analysing its articles again (once)")
        return self.rederive(analyze)

    def rederive(self, analyze: Callable = default_analyze) -> int:
        """Rebuild the store from its own articles, in one transaction: every stored article
        text is analysed again and ingested anew in its original order (with its URL, title,
        outlet, source, date and ingest time), so the store equals a fresh ingest of the same
        articles. The vector index file is removed first and rebuilt from the new vectors."""
        with self._rebuilding_index(), self.engine.connect().execution_options(write=True) as conn, conn.begin():
            write_lock(conn)
            olds = [StoredArticle(*r) for r in run(
                conn, "SELECT id, url, doc_id, title, outlet, published, source, text, ingested_at "
                      "FROM articles ORDER BY id").fetchall()]
            _clear(conn)
            for old in olds:
                article = legacy_article(old)
                try:
                    report = analyze(article)
                except Exception as exc:  # keep the article: a store never loses what it held
                    report = Report(article=article, warnings=[
                        f"analysing it again on upgrade failed ({type(exc).__name__}: {exc})"])
                prepared = _prepare(report, self.embedder)
                self.catch_up(conn)
                _write(conn, self.index, report, prepared, old.source or "", old.outlet, ingested_at=old.ingested_at)
            self.catch_up(conn)
        return len(olds)

    def reanalyse(self, items: Iterable[Item], analyze: Callable = default_analyze,
                  on_outcome: Callable[[Outcome], None] | None = None) -> "Reanalysis":
        """Analyse again the articles of ``items`` already in the store (the same URL, text or
        input path: an edited text is the same article), keeping every correction people made.

        The store is rebuilt in one transaction, as ``rederive`` does: each stored article in
        its original order, from its new report when ``items`` gave it again, else from the
        record it holds (not analysed again); then every correction is re-anchored on its row's
        words and context (store/correct.py ``reanchor``), and those whose row is gone are
        listed as orphaned. Items not in the store are then ingested as usual.
        """
        from .correct import reanchor

        result = Reanalysis()
        fresh: list[tuple[Item, Report]] = []
        for item in items:
            if item.error:
                result.refused.append((item.source, item.error))
                continue
            try:
                fresh.append((item, item.report or analyze(item.the_article)))
            except Exception as exc:  # one bad article must not stop the others
                result.refused.append((item.source, f"analysis failed ({type(exc).__name__}: {exc})"))
        left = list(fresh)
        with self._rebuilding_index(), self.engine.connect().execution_options(write=True) as conn, conn.begin():
            write_lock(conn)
            olds = run(conn, "SELECT id, url, content_hash, source, outlet, ingested_at FROM articles "
                             "ORDER BY id").fetchall()
            plan = []
            for old_id, url, digest, source, outlet, ingested_at in olds:
                at = next((n for n, f in enumerate(left) if _same_article(f, url, digest, source)), None)
                if at is not None:
                    item, report = left.pop(at)
                    result.reanalysed.append(item.source)
                else:
                    stored = record.article(conn, old_id)
                    report = Report.from_dict(stored)
                plan.append((old_id, report, source, outlet, ingested_at))
            _clear(conn)
            run(conn, "DELETE FROM statement_overrides WHERE statement_id > :z", {"z": -1})
            run(conn, "DELETE FROM entity_merges WHERE entity_id > :z", {"z": -1})
            moved: dict[int, int] = {}
            for old_id, report, source, outlet, ingested_at in plan:
                prepared = _prepare(report, self.embedder)
                self.catch_up(conn)
                outcome = _write(conn, self.index, report, prepared, source or "", outlet, ingested_at=ingested_at)
                if outcome.article_id is not None:
                    moved[old_id] = outcome.article_id
            self.catch_up(conn)
            result.orphaned = reanchor(conn, moved)
        for item, report in left:
            outcome = self.add_report(report, source=item.source, outlet=item.outlet)
            result.added += outcome.status in ("added", "copy")
            if on_outcome is not None:
                on_outcome(outcome)
        return result

    def _check_meta(self) -> dict[str, str]:
        """Refuse another embedder than the store's (recording it in a new store); the store's
        identity as its vector index file records it: the store's id (made once, a random
        one) and its count of rebuilds (``_clear``), so that the file of another store, or of
        this one before a rebuild gave its statements new ids, is never loaded."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            write_lock(conn)
            known = dict(conn.execute(select(meta.c.key, meta.c.value).where(
                meta.c.key.in_(("embedder", "store_id", "rebuilds")))).all())
            row = known.get("embedder")
            if row is None:
                conn.execute(insert(meta).values(key="embedder", value=self.embedder.name))
            elif row != self.embedder.name:
                raise StoreError(f"this store was built with the {row} embedder, not "
                                 f"{self.embedder.name} (pass --embedder {_short(row)} or use another --db)")
            if "store_id" not in known:
                known["store_id"] = uuid.uuid4().hex
                conn.execute(insert(meta).values(key="store_id", value=known["store_id"]))
        return {"store": known["store_id"], "rebuilds": known.get("rebuilds", "0")}

    @contextmanager
    def _rebuilding_index(self):
        """Around a rebuild of every statement (new ids): the vector index starts empty (its file
        removed first), and records the store's new count of rebuilds once the rebuild commits;
        when the rebuild fails, the index is dropped again (it held rolled-back statements) and
        the next open builds it from the stored vectors."""
        self._drop_index()
        try:
            yield
        except BaseException:
            self._drop_index()
            raise
        self.index.identity = self._check_meta()

    def _drop_index(self) -> None:
        self.index.remove_files()
        self.index = VectorIndex(self.embedder.dim, self.index.path, self.embedder.name, self.index.identity)

    def close(self) -> None:
        """Save the vector index and release the engine (released even when the save fails)."""
        try:
            self.index.save()
        finally:
            self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- one item --------------------------------------------------------------------------

    def add_item(self, item: Item, analyze: Callable = default_analyze) -> Outcome:
        """Ingest one item; every problem becomes a refusal naming the item."""
        if item.error:
            return Outcome(item.source, "refused", item.error)
        article = item.the_article
        key = _keys(article)
        with self.engine.connect() as conn, conn.begin():
            if _duplicate(conn, *key) is not None:
                return Outcome(item.source, "duplicate", "already stored (same URL or text)")
        try:
            report = item.report or analyze(article)
        except OnrecordError as exc:
            return Outcome(item.source, "refused", str(exc))
        except Exception as exc:  # one bad article must not stop a run of thousands
            return Outcome(item.source, "refused", f"analysis failed ({type(exc).__name__}: {exc})")
        return self.add_report(report, source=item.source, outlet=item.outlet)

    def add_report(self, report: Report, *, source: str = "", outlet: str | None = None) -> Outcome:
        """Store one analysed article in one transaction (a no-op for a duplicate)."""
        prepared = _prepare(report, self.embedder)
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            write_lock(conn)
            self.catch_up(conn)
            outcome = _write(conn, self.index, report, prepared, source, outlet)
        if outcome.status == "added" and prepared.vectors is not None:
            self.index.add_later(prepared.ids, prepared.vectors)
        self.committed(outcome.status == "added", len(prepared.ids))
        return outcome

    def committed(self, articles: int, statements: int) -> None:
        """Count articles and their statements just committed; save the vector index after
        SAVE_EVERY articles once it also grew by SAVE_GROWTH since the last save."""
        self._since_save += articles
        self._unsaved += statements
        if self._since_save >= SAVE_EVERY and self._unsaved >= SAVE_GROWTH * self._saved:
            self.index.save()
            self._saved += self._unsaved
            self._since_save = self._unsaved = 0

    def catch_up(self, conn: Connection) -> None:
        """Add to the vector index every stored statement it does not hold yet."""
        while True:
            rows = run(conn, "SELECT statement_id, embedding FROM statement_vectors WHERE statement_id > :last "
                             "AND embedding IS NOT NULL ORDER BY statement_id LIMIT 50000",
                       {"last": self.index.max_id}).fetchall()
            if not rows:
                return
            self.index.add([r[0] for r in rows], np.stack([from_blob(r[1]) for r in rows]))


@dataclass
class Reanalysis:
    """What ``Store.reanalyse`` did: the inputs analysed again, new articles added, refusals,
    and the corrections orphaned now (their row is gone)."""

    reanalysed: list[str] = field(default_factory=list)
    added: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    orphaned: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"reanalysed": self.reanalysed, "added": self.added,
                "refused": [{"source": s, "reason": r} for s, r in self.refused],
                "orphaned": [c.to_dict() for c in self.orphaned]}


def _same_article(fresh: tuple[Item, Report], url: str | None, digest: str, source: str | None) -> bool:
    """A new input is a stored article when it has its URL, its text, or came from its input path."""
    item, report = fresh
    new_url, new_digest = _keys(report.article)
    return bool((new_url and new_url == url) or new_digest == digest or (source and _same_input(item.source, source)))


def _same_input(a: str, b: str) -> bool:
    """Two input names are one file (``story/a.txt`` and its absolute path), or equal."""
    if a == b:
        return True
    if "://" in a or "://" in b:
        return False
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, ValueError):
        return False


#: Tables emptied before a store is rebuilt from its articles, children first.
_REBUILT = ("article_claim_statements", "article_claims", "article_entities", "statement_entities",
            "statement_vectors", "statements", "claims", "entity_aliases", "entities", "article_bands", "articles")


def needs_records(engine: Engine) -> bool:
    """True when some stored article has no record: a store written before records were kept
    (migration 0002 adds the columns empty)."""
    with engine.connect() as conn, conn.begin():
        return run(conn, "SELECT 1 FROM articles WHERE record IS NULL LIMIT 1").fetchone() is not None


def _clear(conn: Connection) -> None:
    """Empty every table a rebuild writes again (SQLite's FTS5 indexes too: they hold no rows
    of their own, and stale entries would match the new rows)."""
    if conn.dialect.name == "sqlite":
        for fts, *_ in fulltext.INDEXES:
            run(conn, f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
    for table in _REBUILT:
        run(conn, f"DELETE FROM {table}")
    # a rebuild may give the new rows the ids the old ones had: a reader that remembers what it
    # read (a bulk ingest's linking memo, store/bulk.py) sees that it happened by this count
    run(conn, "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'rebuilds'")
    if not run(conn, "SELECT 1 FROM meta WHERE key = 'rebuilds'").fetchall():
        run(conn, "INSERT INTO meta (key, value) VALUES ('rebuilds', '1')")


def store_marker(conn: Connection) -> tuple:
    """What changes whenever anything but appending new statements changes what is stored of
    claims: the highest statement, correction and article ids, and the count of rebuilds
    (``_clear``). A writer that saw a marker and later sees the same one knows nobody else wrote."""
    return tuple(run(conn, "SELECT (SELECT max(id) FROM statements), (SELECT max(id) FROM corrections), "
                           "(SELECT max(id) FROM articles), "
                           "(SELECT value FROM meta WHERE key = 'rebuilds')").fetchone())


#: An article row as a rebuild reads it.
StoredArticle = namedtuple("StoredArticle", "id url doc_id title outlet published source text ingested_at")


def legacy_article(row: StoredArticle):
    """The Article of a stored row, as the reader made it before its record was kept.

    The row kept the text, URL (normalised), title, and the publication day. The title is kept
    as it was stored: the old reader gave an article without a title its first line, and the
    store cannot tell that from a title given as the same line, so nothing is dropped. A day
    equal to the text's dateline was found by the engine, which finds it again; any other day
    was given with the article.
    """
    from onrecord.inputs.article import from_text
    from onrecord.pipeline.timex import find_dateline

    text = row.text
    published = row.published
    if published:
        found = find_dateline(text)
        if found is not None and found[0].isoformat() == published:
            published = None
    article = from_text(text, doc_id=row.doc_id, published=published, url=row.url)
    article.title = row.title
    article.outlet, article.source = row.outlet, row.source or None  # as the record kept them
    return article


def _short(embedder_name: str) -> str:
    return "hashing" if embedder_name.startswith("hashing") else "minilm"


def index_path(info: StoreInfo, identity: dict[str, str]) -> Path:
    """Where a store's vector index is saved: next to a SQLite store's file; for PostgreSQL, in
    this machine's index folder (``settings.index_dir``), one file per store id."""
    if info.path is not None:
        return Path(str(info.path) + ".hnsw")
    return settings.index_dir() / f"{identity['store']}.hnsw"


def stored_embedder(engine: Engine) -> str | None:
    """The short name of the embedder a store was built with, None for a new store."""
    with engine.connect() as conn, conn.begin():
        name = conn.execute(select(meta.c.value).where(meta.c.key == "embedder")).scalar()
    return _short(name) if name else None


# -- preparing (outside the transaction) ---------------------------------------------------


@dataclass
class Prepared:
    """A report's statements ready to write: texts, stances, vectors (ids filled on insert).

    ``attrs`` are the attributions linked across articles (those with a speaker or a
    content); every attribution of the report is stored (``Report.attributions``), those
    with neither only as their record. The stance is the engine's, unchanged.
    """

    attrs: list[Attribution]
    texts: list[str]
    stances: list[str]
    vectors: np.ndarray | None
    ids: list[int] = field(default_factory=list)
    #: The words alone of each response whose text is its sentence (None for the others).
    content_vectors: list = field(default_factory=list)


def linked_statements(report: Report) -> tuple[list[Attribution], list[str]]:
    """The statements of a report that are linked across articles, in the order they are
    linked, with the text each is embedded by."""
    text = report.article.text
    attrs = [a for a in report.attributions if a.speaker is not None or a.content is not None]
    attrs += store_claims.stated_statements(report)  # claims: the outlet's own voice
    attrs = store_claims.processing_order(report, attrs)  # claims: the headline after the body
    texts = [linking.claim_text(a, text) or (a.content.text if a.content else "") for a in attrs]
    return attrs, texts


#: What ingest embeds for a report (``embedding_plan``): the linked statements, each one's
#: text, and the words alone of each response that has them (None for the others).
Plan = tuple[list[Attribution], list[str], list[str | None]]


def embedding_plan(report: Report) -> Plan:
    """The linked statements (``linked_statements``), their texts, and the words alone of each
    response (``linking.response_content``: a response is linked by its sentence and by its words)."""
    attrs, texts = linked_statements(report)
    return attrs, texts, [linking.response_content(a) for a in attrs]


def embedded_texts(report: Report, plan: Plan | None = None) -> list[str]:
    """Every text ingest embeds for a report, in order: each linked statement's text, then the
    words alone of each response that has them. The batch engines embed these same texts, so a
    batch output's vectors are the ones ingest would compute."""
    _attrs, texts, contents = plan or embedding_plan(report)
    return texts + [c for c in contents if c]


def _prepare(report: Report, embedder: Embedder | None, vectors: np.ndarray | None = None,
             plan: Plan | None = None) -> Prepared:
    """``vectors``: the vectors of ``embedded_texts`` computed already (a batch output's),
    else embedded here in one call; ``plan``: the report's ``embedding_plan``, when made already."""
    attrs, texts, contents = plan = plan or embedding_plan(report)
    stances = [a.stance for a in attrs]
    if vectors is None:
        every = embedded_texts(report, plan)
        vectors = embedder.embed(every) if every else None
    content_vectors: list[np.ndarray | None] = [None] * len(attrs)
    at = len(texts)
    for i, c in enumerate(contents):
        if c:
            content_vectors[i] = vectors[at]
            at += 1
    sentences = vectors[:len(texts)] if texts and vectors is not None else None
    return Prepared(attrs, texts, stances, sentences, content_vectors=content_vectors)


def _keys(article) -> tuple[str | None, str]:
    return dedup.normalise_url(article.url), dedup.content_hash(article.text)


def _duplicate(conn: Connection, url: str | None, digest: str) -> int | None:
    if url:  # never prepared: a plan kept from a nearly empty table scanned it (docs/store.md)
        row = run(conn, "SELECT id FROM articles WHERE content_hash = :h OR url = :url LIMIT 1",
                  {"h": digest, "url": url}, prepared=False).fetchone()
    else:
        row = run(conn, "SELECT id FROM articles WHERE content_hash = :h LIMIT 1", {"h": digest}).fetchone()
    return row[0] if row else None


# -- writing (inside the transaction) ------------------------------------------------------


def _write(conn: Connection, index: VectorIndex, report: Report, prep: Prepared,
           source: str, outlet: str | None, ingested_at=None, *, hits=None, content_hits=None,
           judged: set[int] | None = None, memo: linking.ChunkMemo | None = None,
           bands: list[tuple[int, int]] | None = None) -> Outcome:
    """Store one article in the open transaction. ``hits``: each statement's nearest stored
    statements, searched already (bulk ingest, store/bulk.py), and ``content_hits`` those of
    each response's words (None where it has none); ``judged``: a set to collect the
    claims this article touched, whose status the caller then judges (once per chunk), instead
    of judging them here; ``memo``: what the chunk has read already (``linking.ChunkMemo``);
    ``bands``: the text's near-copy keys when a batch computed them (``dedup.band_keys``)."""
    article = report.article
    # the record carries the outlet and input the store files it under, as the reader sets them
    article.outlet, article.source = article.outlet or outlet, article.source or source or None
    url, digest = _keys(article)
    if _duplicate(conn, url, digest) is not None:
        return Outcome(source, "duplicate", "already stored (same URL or text)")
    if bands is None:
        bands = dedup.band_keys(dedup.normalise_text(article.text))
    original, ratio = _find_original(conn, article.text, bands)
    article_id = _insert_article(conn, report, url, digest, source, outlet, original, ratio, ingested_at)
    run_many(conn, "INSERT INTO article_bands (band, hash, article_id) VALUES (:band, :hash, :a)",
             [{"band": b, "hash": h, "a": article_id} for b, h in bands])
    if original is not None:
        return Outcome(source, "copy", f"a copy of article {original} ({ratio:.0f}% alike)", article_id)
    n = _write_statements(conn, index, report, prep, article_id, outlet, hits=hits, content_hits=content_hits,
                          judged=judged, memo=memo)
    return Outcome(source, "added", None, article_id, n)


def _find_original(conn: Connection, text: str, bands) -> tuple[int | None, float | None]:
    """The stored article ``text`` is a near copy of (see dedup.COPY_RATIO), if any: the articles
    sharing a band key with it, compared by their normalised texts."""
    if not bands:
        return None, None
    cond = " OR ".join(f"band = :b{i} AND hash = :h{i}" for i in range(len(bands)))
    params = {k: v for i, (b, h) in enumerate(bands) for k, v in ((f"b{i}", b), (f"h{i}", h))}
    ids = [r[0] for r in run(conn, f"SELECT DISTINCT article_id FROM article_bands WHERE {cond} LIMIT 50",
                             params).fetchall()]
    best, best_ratio = None, 0.0
    if not ids:
        return None, None
    norm = dedup.normalise_text(text)
    where, params = in_list("a", ids)
    for article_id, stored, copy_of in run(conn, f"SELECT id, text, copy_of FROM articles WHERE id IN {where}",
                                           params).fetchall():
        ratio = dedup.copy_similarity(norm, dedup.normalise_text(stored), cutoff=dedup.COPY_RATIO)
        if ratio >= dedup.COPY_RATIO and ratio > best_ratio:
            best, best_ratio = copy_of or article_id, ratio
    return best, (best_ratio if best is not None else None)


def _insert_article(conn, report: Report, url, digest, source, outlet, original, ratio, ingested_at=None) -> int:
    article = report.article
    now = ingested_at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if conn.dialect.name != "postgresql" and not isinstance(now, str):  # as SQLAlchemy's DateTime stores it
        now = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    meta = article.metadata()
    return insert_id(conn, "INSERT INTO articles (url, content_hash, doc_id, title, outlet, published, source, "
                           "text, copy_of, copy_similarity, n_statements, ingested_at, author, language, record) "
                           "VALUES (:url, :h, :doc, :title, :outlet, :pub, :source, :text, :copy_of, :sim, 0, :at, "
                           ":author, :lang, :record)",
                     {"url": url, "h": digest, "doc": article.doc_id[:512],
                      "title": article.title or first_line(article.text), "outlet": outlet,
                      "pub": published_date(article.published), "source": source,
                      "text": article.text, "copy_of": original, "sim": ratio, "at": now,
                      "author": article.author, "lang": (meta.get("language") or None) and str(meta["language"])[:16],
                      "record": record.dumps(record.article_part(report))})


#: Longest title shown for an article that has none of its own (its first line stands in).
TITLE_CHARS = 300


def first_line(text: str) -> str | None:
    """The first non-empty line of the text: the title shown for an article without one (the
    record keeps the article's own title, None)."""
    line = text.strip().split("\n", 1)[0].strip()
    return line[:TITLE_CHARS] or None


def published_date(value: str | None) -> str | None:
    """A publication date as stored: ``YYYY-MM-DD`` when one can be read, else None."""
    m = _DATE.search(value or "")
    return m.group(0) if m else None


def _write_statements(conn: Connection, index: VectorIndex, report: Report, prep: Prepared,
                      article_id: int, outlet: str | None, *, hits=None, content_hits=None, judged: set[int] | None = None,
                      memo: linking.ChunkMemo | None = None) -> int:
    """Insert every attribution and the outlet's own-voice statements, link the linkable ones to
    their claims, then store the article's entities and claims."""
    entity_ids = _link_entities(conn, report, memo)
    entity_names = _entity_names(conn, entity_ids)
    published = published_date(report.article.published)
    pending: list[linking.NewStatement] = []
    groups = store_claims.engine_groups(report)  # claims: the engine's per-article claim of each statement
    # this article's statements are not in the index yet: one search for all of them
    if hits is None:
        hits = [None] * len(prep.attrs)
        if index is not None and prep.attrs:
            hits = [linking.nearest(h) for h in index.search_many(prep.vectors, linking.SEARCHED)]
    linked = {id(a): i for i, a in enumerate(prep.attrs)}
    by_local: dict[str, int] = {}
    # the linked statements first, in the order they are linked (the body before the headline,
    # and the outlet's own-voice statements: store/claims.py), so statement ids follow it; then
    # the engine's rows that are stored but not linked. The record's own order is its local ids.
    order = list(prep.attrs) + [a for a in report.attributions if id(a) not in linked]
    for attr in order:
        i = linked.get(id(attr))
        sid, row = _insert_statement(conn, report, attr, article_id, entity_ids, entity_names, prep, i, published,
                                     outlet)
        if attr.kind != STATED:
            by_local.setdefault(attr.id, sid)
        if i is None:
            continue
        prep.ids.append(sid)
        ents = _statement_entities(report, attr, entity_ids, prep.stances[i])
        run_many(conn, "INSERT INTO statement_entities (statement_id, entity_id) VALUES (:s, :e)",
                 [{"s": sid, "e": e} for e in ents])
        speaker = _speaker_set(attr, entity_ids)
        st = linking.NewStatement(sid, prep.vectors[i], next(iter(speaker), None), ents | speaker,
                                  prep.stances[i], prep.texts[i], hits=hits[i], group=groups.get(attr.id),
                                  content_vector=prep.content_vectors[i] if prep.content_vectors else None,
                                  content_hits=content_hits[i] if content_hits is not None else None, row=row)
        linking.link_statement(conn, index, st, pending, memo)
        pending.append(st)
    if memo is not None:
        touched = memo.refresh(conn, pending)
    else:
        touched = {st.claim_id for st in pending}
        for claim_id in touched:
            linking.refresh_claim(conn, claim_id, status=judged is None)
    if judged is not None:
        judged |= touched
    _count_statements(conn, article_id, pending, prep, entity_ids)
    record.write_entities(conn, article_id, report, entity_ids)
    record.write_claims(conn, article_id, report, by_local)
    return len(pending)


def _link_entities(conn: Connection, report: Report, memo: linking.ChunkMemo | None = None) -> dict[str, int]:
    """Article entity name -> corpus entity id, for every linkable entity and speaker."""
    ids: dict[str, int] = {}
    for ent in report.entities:
        entity_id = linking.link_entity(conn, ent.name, ent.type, list(ent.aliases), memo)
        if entity_id is not None:
            ids[ent.name] = entity_id
    for attr in report.attributions:
        sp = attr.speaker
        name = sp.entity if sp is not None and sp.entity else None
        if name and name not in ids:
            entity_id = linking.link_entity(conn, name, sp.type, [sp.text], memo)
            if entity_id is not None:
                ids[name] = entity_id
    # claims: a bare title in a headline ("Councillor says ...") is the person given that title
    for title, person in store_claims.resolve_title_speakers(report).items():
        if title not in ids and person in ids:
            ids[title] = ids[person]
    return ids


def _speaker_set(attr: Attribution, entity_ids: dict[str, int]) -> set[int]:
    sp = attr.speaker
    return {entity_ids[sp.entity]} if sp is not None and sp.entity in entity_ids else set()


def _statement_entities(report: Report, attr: Attribution, entity_ids: dict[str, int], stance: str) -> set[int]:
    """Entities named in the statement's words; for a response (denial, refusal, confirmation),
    every person and organisation of the article, since a response answers someone named there."""
    if stance in ("denies", "disputes", "declines", "confirms"):
        return {entity_ids[e.name] for e in report.entities if e.name in entity_ids}
    if attr.content is None:
        return set()
    lo, hi = attr.content.start, attr.content.end
    return {entity_ids[e.name] for e in report.entities
            if e.name in entity_ids and any(lo <= s and e2 <= hi for s, e2 in e.mentions)}


_INSERT_STATEMENT = (
    "INSERT INTO statements (article_id, local_id, entity_id, speaker_text, speaker_name, speaker_type, "
    "speaker_start, speaker_end, kind, stance, cue_text, content_text, content_start, content_end, "
    "claim_text, when_value, published, claim_id, similarity, cue_start, cue_end, addressee_text, "
    "when_text, hedged, record) VALUES (:article_id, :local_id, "
    ":entity_id, :speaker_text, :speaker_name, :speaker_type, :speaker_start, :speaker_end, :kind, :stance, "
    ":cue_text, :content_text, :content_start, :content_end, :claim_text, :when_value, :published, NULL, "
    "NULL, :cue_start, :cue_end, :addressee_text, :when_text, :hedged, :record)")
_INSERT_VECTORS = ("INSERT INTO statement_vectors (statement_id, embedding, content_embedding) "
                   "VALUES (:statement_id, :embedding, :content_embedding)")


def _insert_statement(conn, report: Report, attr: Attribution, article_id: int, entity_ids: dict[str, int],
                      entity_names: dict[int, str], prep: Prepared, i: int | None, published: str | None,
                      outlet: str | None) -> tuple[int, store_claims.Row]:
    """One statement row: the indexed columns and the engine's whole record (``record``).
    ``i`` is the attribution's place among the linked ones (None: stored, not linked). Its id,
    and the row as the claim logic reads it back (``claims.load_rows``: the article, stored
    under ``outlet``, is no copy, and the speaker's name is the entity's as linked)."""
    sp, ct, cue, wh = attr.speaker, attr.content, attr.cue, attr.when
    name = _speaker_name(sp, entity_ids, entity_names)
    claim_text = prep.texts[i] if i is not None else ""
    sid = insert_id(conn, _INSERT_STATEMENT, dict(
        article_id=article_id, local_id=attr.id[:32], entity_id=entity_ids.get(sp.entity) if sp else None,
        speaker_text=sp.text if sp else None, speaker_name=name, speaker_type=sp.type if sp else None,
        speaker_start=sp.start if sp else None, speaker_end=sp.end if sp else None,
        kind=attr.kind, stance=attr.stance, cue_text=cue.text if cue else None,
        content_text=ct.text if ct else None, content_start=ct.start if ct else None,
        content_end=ct.end if ct else None, claim_text=claim_text,
        when_value=wh.value if wh else None, published=published,
        cue_start=cue.start if cue else None, cue_end=cue.end if cue else None,
        addressee_text=attr.addressee.text if attr.addressee else None,
        when_text=wh.text if wh else None, hedged=bool(attr.hedged),
        record=record.dumps(attr.to_record(report.doc_id))))
    if i is not None:  # a linked statement's vectors, in their own table (migration 0006)
        content = prep.content_vectors[i] if prep.content_vectors else None
        run(conn, _INSERT_VECTORS, {"statement_id": sid, "embedding": to_blob(prep.vectors[i]),
                                    "content_embedding": to_blob(content) if content is not None else None})
    return sid, store_claims.Row(sid, article_id, published, outlet, name, entity_ids.get(sp.entity) if sp else None,
                                 attr.stance, ct.text if ct else claim_text, sp.text if sp else None,
                                 sp.type if sp else None, cue.text if cue else None, None)


def _entity_names(conn: Connection, entity_ids: dict[str, int]) -> dict[int, str]:
    """Corpus entity id -> its canonical name (after this article's linking), in one query."""
    if not entity_ids:
        return {}
    where, params = in_list("e", sorted(set(entity_ids.values())))
    return dict(run(conn, f"SELECT id, name FROM entities WHERE id IN {where}", params).fetchall())


def _speaker_name(sp, entity_ids: dict[str, int], entity_names: dict[int, str]) -> str | None:
    if sp is None:
        return None
    if sp.entity in entity_ids:
        return entity_names.get(entity_ids[sp.entity])
    return sp.entity or sp.text


def _count_statements(conn, article_id: int, pending, prep: Prepared, entity_ids) -> None:
    run(conn, "UPDATE articles SET n_statements = :n WHERE id = :a", {"n": len(pending), "a": article_id})
    per_entity: dict[int, int] = {}
    for attr in prep.attrs:
        for e in _speaker_set(attr, entity_ids):
            per_entity[e] = per_entity.get(e, 0) + 1
    run_many(conn, "UPDATE entities SET n_statements = n_statements + :n WHERE id = :e",
             [{"n": n, "e": e} for e, n in per_entity.items()])


# -- a whole run ---------------------------------------------------------------------------


def ingest_items(store: Store, items: Iterable[Item], analyze: Callable = default_analyze,
                 on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Ingest items one by one; the summary counts each outcome. Ctrl-C keeps what was committed."""
    summary, start = Summary(), time.perf_counter()
    try:
        for item in items:
            outcome = store.add_item(item, analyze)
            summary.count(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    finally:
        summary.seconds = time.perf_counter() - start
        store.index.save()
    return summary
