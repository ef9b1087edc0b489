"""Corrections made by people, stored beside the engine's record: the append-only log and the
tables derived from it (where each correction points now, the corrected values of each
corrected statement, the entity merges in force). Nothing of the engine's record changes.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the log and its derived tables, empty."""
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.Text), sa.Column("after", sa.Text),
        sa.Column("by", sa.String(256), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("undoes", sa.Integer, sa.ForeignKey("corrections.id"), index=True),
        sa.Column("anchor", sa.Text))
    op.create_index("ix_corrections_target", "corrections", ["target_type", "target_id"])
    op.create_table(
        "correction_links",
        sa.Column("correction_id", sa.Integer, sa.ForeignKey("corrections.id"), primary_key=True),
        sa.Column("article_id", sa.Integer, index=True),
        sa.Column("statement_id", sa.Integer, index=True),
        sa.Column("entity_id", sa.Integer, index=True),
        sa.Column("into_id", sa.Integer),
        sa.Column("orphaned", sa.Text))
    op.create_table(
        "statement_overrides",
        sa.Column("statement_id", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.Integer, index=True),
        sa.Column("speaker_name", sa.Text),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("act", sa.String(16)),
        sa.Column("review", sa.String(16)))
    op.create_table(
        "entity_merges",
        sa.Column("entity_id", sa.Integer, primary_key=True),
        sa.Column("into_id", sa.Integer, nullable=False, index=True))


def downgrade() -> None:
    """Drop what the upgrade added."""
    for name in ("entity_merges", "statement_overrides", "correction_links", "corrections"):
        op.drop_table(name)
