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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import Connection, Engine, insert, select

from ..errors import OnrecordError
from ..records import Attribution
from ..report import Report
from . import claims as store_claims, dedup, linking
from .db import StoreInfo, open_engine, write_lock
from .embeddings import Embedder, VectorIndex, from_blob, get_embedder, to_blob
from .errors import StoreError
from .schema import meta
from .sources import Item, iter_items
from .sql import in_list, insert_id, run, run_many

#: Save the vector index file after this many new articles (and at the end). A crash
#: costs at most re-reading this many articles' vectors from the database on the next open.
SAVE_EVERY = 2000
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
        self._check_embedder()
        path = Path(str(info.path) + ".hnsw") if info.path is not None else None
        self.index = VectorIndex.load(embedder.dim, path, embedder.name)
        self._since_save = 0

    @classmethod
    def open(cls, db=None, embedder: Embedder | str | None = None) -> "Store":
        """Open (create, migrate) the store at ``db`` for ingesting with ``embedder``."""
        engine, info = open_engine(db, create=True)
        if embedder is None or isinstance(embedder, str):
            embedder = get_embedder(embedder if isinstance(embedder, str) else stored_embedder(engine))
        return cls(engine, info, embedder)

    def _check_embedder(self) -> None:
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            write_lock(conn)
            row = conn.execute(select(meta.c.value).where(meta.c.key == "embedder")).scalar()
            if row is None:
                conn.execute(insert(meta).values(key="embedder", value=self.embedder.name))
            elif row != self.embedder.name:
                raise StoreError(f"this store was built with the {row} embedder, not "
                                 f"{self.embedder.name} (pass --embedder {_short(row)} or use another --db)")

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
        self._since_save += outcome.status == "added"
        if self._since_save >= SAVE_EVERY:
            self.index.save()
            self._since_save = 0
        return outcome

    def catch_up(self, conn: Connection) -> None:
        """Add to the vector index every stored statement it does not hold yet."""
        while True:
            rows = run(conn, "SELECT id, embedding FROM statements WHERE id > :last AND embedding IS NOT NULL "
                             "ORDER BY id LIMIT 50000", {"last": self.index.max_id}).fetchall()
            if not rows:
                return
            self.index.add([r[0] for r in rows], np.stack([from_blob(r[1]) for r in rows]))


def _short(embedder_name: str) -> str:
    return "hashing" if embedder_name.startswith("hashing") else "minilm"


def stored_embedder(engine: Engine) -> str | None:
    """The short name of the embedder a store was built with, None for a new store."""
    with engine.connect() as conn, conn.begin():
        name = conn.execute(select(meta.c.value).where(meta.c.key == "embedder")).scalar()
    return _short(name) if name else None


# -- preparing (outside the transaction) ---------------------------------------------------


@dataclass
class Prepared:
    """A report's statements ready to write: texts, stances, vectors (ids filled on insert)."""

    attrs: list[Attribution]
    texts: list[str]
    stances: list[str]
    vectors: np.ndarray | None
    ids: list[int] = field(default_factory=list)


def _prepare(report: Report, embedder: Embedder) -> Prepared:
    text = report.article.text
    attrs = [a for a in report.attributions if a.speaker is not None or a.content is not None]
    attrs += store_claims.stated_statements(report)  # claims: the outlet's own voice
    attrs = store_claims.processing_order(report, attrs)  # claims: the headline after the body
    texts = [linking.claim_text(a, text) or (a.content.text if a.content else "") for a in attrs]
    stances = [linking.effective_stance(a) for a in attrs]
    vectors = embedder.embed(texts) if texts else None
    return Prepared(attrs, texts, stances, vectors)


def _keys(article) -> tuple[str | None, str]:
    return dedup.normalise_url(article.url), dedup.content_hash(article.text)


def _duplicate(conn: Connection, url: str | None, digest: str) -> int | None:
    if url:
        row = run(conn, "SELECT id FROM articles WHERE content_hash = :h OR url = :url LIMIT 1",
                  {"h": digest, "url": url}).fetchone()
    else:
        row = run(conn, "SELECT id FROM articles WHERE content_hash = :h LIMIT 1", {"h": digest}).fetchone()
    return row[0] if row else None


# -- writing (inside the transaction) ------------------------------------------------------


def _write(conn: Connection, index: VectorIndex, report: Report, prep: Prepared,
           source: str, outlet: str | None) -> Outcome:
    article = report.article
    url, digest = _keys(article)
    if _duplicate(conn, url, digest) is not None:
        return Outcome(source, "duplicate", "already stored (same URL or text)")
    norm = dedup.normalise_text(article.text)
    bands = dedup.band_keys(norm)
    original, ratio = _find_original(conn, norm, bands)
    article_id = _insert_article(conn, article, url, digest, source, outlet, original, ratio)
    run_many(conn, "INSERT INTO article_bands (band, hash, article_id) VALUES (:band, :hash, :a)",
             [{"band": b, "hash": h, "a": article_id} for b, h in bands])
    if original is not None:
        return Outcome(source, "copy", f"a copy of article {original} ({ratio:.0f}% alike)", article_id)
    n = _write_statements(conn, index, report, prep, article_id)
    return Outcome(source, "added", None, article_id, n)


def _find_original(conn: Connection, norm: str, bands) -> tuple[int | None, float | None]:
    """The stored article this text is a near copy of (see dedup.COPY_RATIO), if any."""
    if not bands:
        return None, None
    cond = " OR ".join(f"band = :b{i} AND hash = :h{i}" for i in range(len(bands)))
    params = {k: v for i, (b, h) in enumerate(bands) for k, v in ((f"b{i}", b), (f"h{i}", h))}
    ids = [r[0] for r in run(conn, f"SELECT DISTINCT article_id FROM article_bands WHERE {cond} LIMIT 50",
                             params).fetchall()]
    best, best_ratio = None, 0.0
    if not ids:
        return None, None
    where, params = in_list("a", ids)
    for article_id, text, copy_of in run(conn, f"SELECT id, text, copy_of FROM articles WHERE id IN {where}",
                                         params).fetchall():
        ratio = dedup.copy_similarity(norm, dedup.normalise_text(text), cutoff=dedup.COPY_RATIO)
        if ratio >= dedup.COPY_RATIO and ratio > best_ratio:
            best, best_ratio = copy_of or article_id, ratio
    return best, (best_ratio if best is not None else None)


def _insert_article(conn, article, url, digest, source, outlet, original, ratio) -> int:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if conn.dialect.name != "postgresql":  # as SQLAlchemy's DateTime stores it in SQLite
        now = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    return insert_id(conn, "INSERT INTO articles (url, content_hash, doc_id, title, outlet, published, source, "
                           "text, copy_of, copy_similarity, n_statements, ingested_at) VALUES (:url, :h, :doc, "
                           ":title, :outlet, :pub, :source, :text, :copy_of, :sim, 0, :at)",
                     {"url": url, "h": digest, "doc": article.doc_id[:512], "title": article.title,
                      "outlet": outlet, "pub": published_date(article.published), "source": source,
                      "text": article.text, "copy_of": original, "sim": ratio, "at": now})


def published_date(value: str | None) -> str | None:
    """A publication date as stored: ``YYYY-MM-DD`` when one can be read, else None."""
    m = _DATE.search(value or "")
    return m.group(0) if m else None


def _write_statements(conn: Connection, index: VectorIndex, report: Report, prep: Prepared,
                      article_id: int) -> int:
    entity_ids = _link_entities(conn, report)
    entity_names = _entity_names(conn, entity_ids)
    published = published_date(report.article.published)
    pending: list[linking.NewStatement] = []
    groups = store_claims.engine_groups(report)  # claims: the engine's per-article claim of each statement
    # this article's statements are not in the index yet: one search for all of them
    hits = [None] * len(prep.attrs)
    if index is not None and prep.attrs:
        hits = index.search_many(prep.vectors, linking.NEIGHBOURS)
    for i, attr in enumerate(prep.attrs):
        sid = _insert_statement(conn, attr, article_id, entity_ids, entity_names, prep, i, published)
        prep.ids.append(sid)
        ents = _statement_entities(report, attr, entity_ids, prep.stances[i])
        run_many(conn, "INSERT INTO statement_entities (statement_id, entity_id) VALUES (:s, :e)",
                 [{"s": sid, "e": e} for e in ents])
        speaker = _speaker_set(attr, entity_ids)
        st = linking.NewStatement(sid, prep.vectors[i], next(iter(speaker), None), ents | speaker,
                                  prep.stances[i], prep.texts[i], hits=hits[i], group=groups.get(attr.id))
        linking.link_statement(conn, index, st, pending)
        pending.append(st)
    for claim_id in {st.claim_id for st in pending}:
        linking.refresh_claim(conn, claim_id)
    _count_statements(conn, article_id, pending, prep, entity_ids)
    return len(pending)


def _link_entities(conn: Connection, report: Report) -> dict[str, int]:
    """Article entity name -> corpus entity id, for every linkable entity and speaker."""
    ids: dict[str, int] = {}
    for ent in report.entities:
        entity_id = linking.link_entity(conn, ent.name, ent.type, list(ent.aliases))
        if entity_id is not None:
            ids[ent.name] = entity_id
    for attr in report.attributions:
        sp = attr.speaker
        name = sp.entity if sp is not None and sp.entity else None
        if name and name not in ids:
            entity_id = linking.link_entity(conn, name, sp.type, [sp.text])
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
    "claim_text, when_value, published, claim_id, similarity, embedding) VALUES (:article_id, :local_id, "
    ":entity_id, :speaker_text, :speaker_name, :speaker_type, :speaker_start, :speaker_end, :kind, :stance, "
    ":cue_text, :content_text, :content_start, :content_end, :claim_text, :when_value, :published, NULL, "
    "NULL, :embedding)")


def _insert_statement(conn, attr: Attribution, article_id: int, entity_ids: dict[str, int],
                      entity_names: dict[int, str], prep: Prepared, i: int, published: str | None) -> int:
    sp, ct = attr.speaker, attr.content
    name = _speaker_name(sp, entity_ids, entity_names)
    return insert_id(conn, _INSERT_STATEMENT, dict(
        article_id=article_id, local_id=attr.id, entity_id=entity_ids.get(sp.entity) if sp else None,
        speaker_text=sp.text if sp else None, speaker_name=name, speaker_type=sp.type if sp else None,
        speaker_start=sp.start if sp else None, speaker_end=sp.end if sp else None,
        kind=attr.kind, stance=prep.stances[i], cue_text=attr.cue.text if attr.cue else None,
        content_text=ct.text if ct else None, content_start=ct.start if ct else None,
        content_end=ct.end if ct else None, claim_text=prep.texts[i],
        when_value=attr.when.value if attr.when else None, published=published,
        embedding=to_blob(prep.vectors[i])))


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


def ingest_paths(paths: list[str], db=None, *, embedder: Embedder | str | None = None,
                 published: str | None = None, analyze: Callable = default_analyze,
                 on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Ingest files, folders, JSONL, WARC and Parquet into the store at ``db``."""
    with Store.open(db, embedder) as store:
        return ingest_items(store, iter_items(paths, published), analyze, on_outcome)
