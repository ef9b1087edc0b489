"""The statements' vectors in a table of their own: a statement row was about 2 KB, half of it
its sentence vector, and every query that reads statements (``who``, ``claims --about``, the
pages) read the vectors with them. Only claim linking and the vector index's catch-up read the
vectors, so ``statement_vectors`` keeps them by statement id and the statement rows stay small
enough for a large store's page cache (docs/store.md, "At 1M, on a replica").

The vectors already stored are moved (one INSERT ... SELECT) and the two columns dropped; on
SQLite 3.35 and later that is ``ALTER TABLE ... DROP COLUMN``, which rewrites the table in place
and keeps the foreign keys that point at it. The file does not shrink until ``VACUUM``: the
freed pages are reused by the rows written next.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ("embedding", "content_embedding")


def upgrade() -> None:
    """Create the table, move the vectors into it, drop the columns."""
    op.create_table(
        "statement_vectors",
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id"), primary_key=True),
        sa.Column("embedding", sa.LargeBinary),
        sa.Column("content_embedding", sa.LargeBinary))
    op.execute("INSERT INTO statement_vectors (statement_id, embedding, content_embedding) "
               "SELECT id, embedding, content_embedding FROM statements "
               "WHERE embedding IS NOT NULL OR content_embedding IS NOT NULL")
    for name in COLUMNS:
        _drop_column(name)


def downgrade() -> None:
    """Put the vectors back on the statement rows and drop the table."""
    for name in COLUMNS:
        op.add_column("statements", sa.Column(name, sa.LargeBinary))
    for name in COLUMNS:
        op.execute(f"UPDATE statements SET {name} = (SELECT v.{name} FROM statement_vectors v "
                   "WHERE v.statement_id = statements.id)")
    op.drop_table("statement_vectors")


def _drop_column(name: str) -> None:
    # SQLite's own DROP COLUMN, not Alembic's batch mode: batch mode copies the table into a new
    # one, which other tables' foreign keys and the FTS5 triggers name
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE statements DROP COLUMN {name}")
    else:
        op.drop_column("statements", name)
