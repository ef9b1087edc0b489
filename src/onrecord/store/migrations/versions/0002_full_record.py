"""The whole record: each record the engine made kept as JSON, the cue, addressee and time
columns, the article's author and language, the per-article entities and claims.

A store at 0001 gets the new columns empty (NULL); ``ingest.Store.open`` then re-derives
what it lacks by analysing its stored article texts again (docs/store.md, "Upgrades").

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the record columns, then the per-article entity and claim tables."""
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("author", sa.Text))
        batch.add_column(sa.Column("language", sa.String(16)))
        batch.add_column(sa.Column("record", sa.Text))
    with op.batch_alter_table("statements") as batch:
        batch.add_column(sa.Column("cue_start", sa.Integer))
        batch.add_column(sa.Column("cue_end", sa.Integer))
        batch.add_column(sa.Column("addressee_text", sa.Text))
        batch.add_column(sa.Column("when_text", sa.Text))
        batch.add_column(sa.Column("hedged", sa.Boolean))
        batch.add_column(sa.Column("record", sa.Text))
    op.create_table(
        "article_entities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(16)),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id"), index=True),
        sa.Column("record", sa.Text, nullable=False))
    op.create_table(
        "article_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True),
        sa.Column("local_id", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start", sa.Integer), sa.Column("end", sa.Integer),
        sa.Column("record", sa.Text, nullable=False),
        sa.UniqueConstraint("article_id", "local_id", name="uq_article_claims_article_local"))
    op.create_table(
        "article_claim_statements",
        sa.Column("article_claim_id", sa.Integer, sa.ForeignKey("article_claims.id"), primary_key=True),
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id"), primary_key=True, index=True))


def downgrade() -> None:
    """Drop what the upgrade added."""
    for name in ("article_claim_statements", "article_claims", "article_entities"):
        op.drop_table(name)
    with op.batch_alter_table("statements") as batch:
        for name in ("record", "hedged", "when_text", "addressee_text", "cue_end", "cue_start"):
            batch.drop_column(name)
    with op.batch_alter_table("articles") as batch:
        for name in ("record", "language", "author"):
            batch.drop_column(name)
