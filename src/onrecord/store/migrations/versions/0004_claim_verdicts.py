"""Each claim's verdict stored with it (status, reason, deciding statements, distinct sources
and outlets, whether it is among the most reported, the date its status last changed), so
listings and rankings read columns instead of judging claims at each request; and a
statement's content vector beside its sentence vector, for comparing responses with a claim's
members by what they say.

The verdicts of the claims already stored are filled once the whole upgrade has run
(``db.migrate`` calls ``claims.store_verdict``, the function ingest and corrections call, on the
schema of the newest revision, so a later change to the columns that function writes cannot
break an upgrade from before this one), and an old store lists its claims as a new one does.
Old statements get no content vector: linking uses their sentence vector instead.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and indexes (the claims are judged after the last revision)."""
    # plain ADD COLUMN (no table rebuild: statements point at claims)
    op.add_column("claims", sa.Column("reason", sa.Text))
    op.add_column("claims", sa.Column("decided_by", sa.Text))
    op.add_column("claims", sa.Column("sources", sa.Integer, nullable=False, server_default="0"))
    op.add_column("claims", sa.Column("outlets", sa.Integer, nullable=False, server_default="0"))
    op.add_column("claims", sa.Column("most_reported", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("claims", sa.Column("status_changed", sa.String(32)))
    op.create_index("ix_claims_rank", "claims", ["most_reported", "sources", "outlets", "n_statements"])
    op.create_index("ix_claims_status_changed", "claims", ["status_changed"])
    op.add_column("statements", sa.Column("content_embedding", sa.LargeBinary))


def downgrade() -> None:
    """Drop what the upgrade added."""
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("content_embedding")
    op.drop_index("ix_claims_status_changed", "claims")
    op.drop_index("ix_claims_rank", "claims")
    with op.batch_alter_table("claims") as batch:
        for name in ("status_changed", "most_reported", "outlets", "sources", "decided_by", "reason"):
            batch.drop_column(name)
