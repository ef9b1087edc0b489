"""The store's tables: one schema for SQLite and PostgreSQL (SQLAlchemy Core).

The Alembic migrations in ``migrations/versions`` create exactly these tables (a test compares
them); full-text search is dialect-specific and lives only in the migrations: an FTS5 table
kept by triggers on SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL.

- ``articles``: one row per distinct article; a syndicated or lightly edited copy has a row
  too, with ``copy_of`` naming the original and no statements of its own.
- ``article_bands``: MinHash LSH band keys of each article's text (near-copy lookup).
- ``entities`` / ``entity_aliases``: people and organisations across the corpus.
- ``statements``: one attribution of one article, with its speaker's corpus entity and its
  role toward a corpus claim.
- ``statement_vectors``: the sentence and content embeddings of each linked statement, apart
  from the rows queries read (migration 0006): only claim linking and the vector index read them.
- ``statement_entities``: corpus entities named inside a statement's words.
- ``claims``: one proposition across articles; its timeline is its statements by date; its
  verdict (status, reason, deciding statements, distinct sources and outlets, most reported,
  last status change) is stored with it.
- ``article_entities``: the entities of one article as the engine found them (record JSON:
  name, type, aliases, mentions), each with the corpus entity it was linked to.
- ``article_claims`` / ``article_claim_statements``: the per-article claims (record JSON) and
  the statements that are their members.
- ``meta``: store-wide settings (the embedder a store was built with).

Every record the engine made is kept whole as JSON beside the indexed columns (``record`` on
articles, statements, article_entities and article_claims): a field added to a record later
needs no schema change. The columns are copies of record fields that queries filter, join or
sort on.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Table, Text, UniqueConstraint, false)

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(2048), unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("doc_id", String(512), nullable=False),
    Column("title", Text),
    Column("outlet", String(256)),
    Column("published", String(32), index=True),
    Column("source", Text),
    Column("text", Text, nullable=False),
    Column("copy_of", Integer, ForeignKey("articles.id"), index=True),
    Column("copy_similarity", Float),
    Column("n_statements", Integer, nullable=False, default=0),
    Column("ingested_at", DateTime, nullable=False),
    Column("author", Text),
    Column("language", String(16)),
    Column("record", Text),
)

article_bands = Table(
    "article_bands", metadata,
    Column("band", Integer, primary_key=True),
    Column("hash", BigInteger, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
)

entities = Table(
    "entities", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(512), nullable=False),
    Column("type", String(16), nullable=False),
    Column("surname", String(128), index=True),
    Column("phonetic", String(64), index=True),
    Column("n_statements", Integer, nullable=False, default=0),
)

entity_aliases = Table(
    "entity_aliases", metadata,
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("norm", String(512), primary_key=True),
    Column("alias", String(512), nullable=False),
    Index("ix_entity_aliases_norm", "norm"),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("first_published", String(32)),
    Column("first_statement_id", Integer),
    Column("n_statements", Integer, nullable=False, default=0),
    # the verdict (migration 0004; store/claims.py store_verdict), judged again whenever the
    # claim's statements or their corrections change, never at read time
    Column("reason", Text),
    Column("decided_by", Text),
    Column("sources", Integer, nullable=False, default=0, server_default="0"),
    Column("outlets", Integer, nullable=False, default=0, server_default="0"),
    Column("most_reported", Boolean, nullable=False, default=False, server_default=false()),
    Column("status_changed", String(32)),
    Index("ix_claims_size", "n_statements"),
    Index("ix_claims_status_size", "status", "n_statements"),
    Index("ix_claims_rank", "most_reported", "sources", "outlets", "n_statements"),
    Index("ix_claims_status_changed", "status_changed"),
)

statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("local_id", String(32), nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id")),
    Column("speaker_text", Text),
    Column("speaker_name", Text),
    Column("speaker_type", String(16)),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("kind", String(16), nullable=False),
    Column("stance", String(16), nullable=False),
    Column("cue_text", Text),
    Column("content_text", Text),
    Column("content_start", Integer),
    Column("content_end", Integer),
    Column("claim_text", Text, nullable=False),
    Column("when_value", String(32)),
    Column("published", String(32)),
    Column("claim_id", Integer, ForeignKey("claims.id")),
    Column("similarity", Float),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("addressee_text", Text),
    Column("when_text", Text),
    Column("hedged", Boolean),
    Column("record", Text),
    UniqueConstraint("article_id", "local_id", name="uq_statements_article_local"),
    Index("ix_statements_entity_published_stance", "entity_id", "published", "stance"),
    Index("ix_statements_claim_published", "claim_id", "published"),
)

statement_vectors = Table(
    "statement_vectors", metadata,
    Column("statement_id", Integer, ForeignKey("statements.id"), primary_key=True),
    Column("embedding", LargeBinary),
    # the words said alone, for a response whose sentence is its embedding (migration 0004)
    Column("content_embedding", LargeBinary),
)

statement_entities = Table(
    "statement_entities", metadata,
    Column("statement_id", Integer, ForeignKey("statements.id"), primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True, index=True),
)

article_entities = Table(
    "article_entities", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("type", String(16)),
    Column("entity_id", Integer, ForeignKey("entities.id"), index=True),
    Column("record", Text, nullable=False),
)

article_claims = Table(
    "article_claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("local_id", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("record", Text, nullable=False),
    UniqueConstraint("article_id", "local_id", name="uq_article_claims_article_local"),
)

article_claim_statements = Table(
    "article_claim_statements", metadata,
    Column("article_claim_id", Integer, ForeignKey("article_claims.id"), primary_key=True),
    Column("statement_id", Integer, ForeignKey("statements.id"), primary_key=True, index=True),
)

# -- corrections made by people (migration 0003; store/corrections.py) ---------------------
#
# ``corrections`` is the append-only log: an entry is never changed or deleted (an undo is a
# new entry naming the one it undoes). The three tables after it are derived from the log and
# the current statements, rebuilt whenever either changes: where each correction points now
# (``correction_links``, moved by re-analysis), the corrected values of each corrected statement
# (``statement_overrides``) and the entity merges in force (``entity_merges``).

corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("by", String(256), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("undoes", Integer, ForeignKey("corrections.id"), index=True),
    Column("anchor", Text),
    Index("ix_corrections_target", "target_type", "target_id"),
)

correction_links = Table(
    "correction_links", metadata,
    Column("correction_id", Integer, ForeignKey("corrections.id"), primary_key=True),
    Column("article_id", Integer, index=True),
    Column("statement_id", Integer, index=True),
    Column("entity_id", Integer, index=True),
    Column("into_id", Integer),
    Column("orphaned", Text),
)

statement_overrides = Table(
    "statement_overrides", metadata,
    Column("statement_id", Integer, primary_key=True),
    Column("entity_id", Integer, index=True),
    Column("speaker_name", Text),
    Column("kind", String(16), nullable=False),
    Column("stance", String(16), nullable=False),
    Column("act", String(16)),
    Column("review", String(16)),
)

entity_merges = Table(
    "entity_merges", metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("into_id", Integer, nullable=False, index=True),
)
