"""The first schema: articles, near-copy bands, entities, claims, statements, full-text search.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table, then the dialect's full-text index."""
    _tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgres_fts()
    else:
        _sqlite_fts()


def _tables() -> None:
    op.create_table("meta", sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.Text, nullable=False))
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(2048), unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_id", sa.String(512), nullable=False),
        sa.Column("title", sa.Text), sa.Column("outlet", sa.String(256)),
        sa.Column("published", sa.String(32), index=True),
        sa.Column("source", sa.Text), sa.Column("text", sa.Text, nullable=False),
        sa.Column("copy_of", sa.Integer, sa.ForeignKey("articles.id"), index=True),
        sa.Column("copy_similarity", sa.Float),
        sa.Column("n_statements", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.DateTime, nullable=False))
    op.create_table(
        "article_bands",
        sa.Column("band", sa.Integer, primary_key=True),
        sa.Column("hash", sa.BigInteger, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True))
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("surname", sa.String(128), index=True),
        sa.Column("phonetic", sa.String(64), index=True),
        sa.Column("n_statements", sa.Integer, nullable=False))
    op.create_table(
        "entity_aliases",
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id"), primary_key=True),
        sa.Column("norm", sa.String(512), primary_key=True),
        sa.Column("alias", sa.String(512), nullable=False))
    op.create_index("ix_entity_aliases_norm", "entity_aliases", ["norm"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_published", sa.String(32)),
        sa.Column("first_statement_id", sa.Integer),
        sa.Column("n_statements", sa.Integer, nullable=False))
    op.create_index("ix_claims_size", "claims", ["n_statements"])
    op.create_index("ix_claims_status_size", "claims", ["status", "n_statements"])
    _statements()


def _statements() -> None:
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True),
        sa.Column("local_id", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id")),
        sa.Column("speaker_text", sa.Text), sa.Column("speaker_name", sa.Text),
        sa.Column("speaker_type", sa.String(16)),
        sa.Column("speaker_start", sa.Integer), sa.Column("speaker_end", sa.Integer),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("cue_text", sa.Text), sa.Column("content_text", sa.Text),
        sa.Column("content_start", sa.Integer), sa.Column("content_end", sa.Integer),
        sa.Column("claim_text", sa.Text, nullable=False),
        sa.Column("when_value", sa.String(32)), sa.Column("published", sa.String(32)),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id")),
        sa.Column("similarity", sa.Float), sa.Column("embedding", sa.LargeBinary),
        sa.UniqueConstraint("article_id", "local_id", name="uq_statements_article_local"))
    op.create_index("ix_statements_entity_published", "statements", ["entity_id", "published"])
    op.create_index("ix_statements_claim_published", "statements", ["claim_id", "published"])
    op.create_table(
        "statement_entities",
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id"), primary_key=True),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id"), primary_key=True, index=True))


def _sqlite_fts() -> None:
    """FTS5 tables over the article text and the statements' words, kept by insert triggers."""
    op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
               "content_rowid='id', tokenize='porter unicode61')")
    op.execute("CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
               "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute("CREATE VIRTUAL TABLE statements_fts USING fts5(claim_text, speaker_name, "
               "content='statements', content_rowid='id', tokenize='porter unicode61')")
    op.execute("CREATE TRIGGER statements_fts_ai AFTER INSERT ON statements BEGIN "
               "INSERT INTO statements_fts(rowid, claim_text, speaker_name) "
               "VALUES (new.id, new.claim_text, new.speaker_name); END")


def _postgres_fts() -> None:
    """Generated tsvector columns with GIN indexes."""
    op.execute("ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
               "(to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED")
    op.execute("CREATE INDEX ix_articles_tsv ON articles USING gin (tsv)")
    op.execute("ALTER TABLE statements ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
               "(to_tsvector('english', claim_text || ' ' || coalesce(speaker_name, ''))) STORED")
    op.execute("CREATE INDEX ix_statements_tsv ON statements USING gin (tsv)")


def downgrade() -> None:
    """Drop everything the upgrade created."""
    if op.get_bind().dialect.name != "postgresql":
        for name in ("statements_fts", "articles_fts"):
            op.execute(f"DROP TABLE IF EXISTS {name}")
    for name in ("statement_entities", "statements", "claims", "entity_aliases", "entities",
                 "article_bands", "articles", "meta"):
        op.drop_table(name)
