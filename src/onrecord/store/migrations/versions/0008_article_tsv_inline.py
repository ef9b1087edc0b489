"""PostgreSQL: an article's ``tsvector`` is kept in its row (storage ``MAIN``), not in the
table's TOAST. An article row holds the text, the record and the tsvector, together over the
2 KB at which PostgreSQL moves its widest values out of the row, and the tsvector (about
1.8 KB for a generated 1.4 KB article) was moved out. ``search`` ranks up to
``queries.FTS_CANDIDATES`` matches with ``ts_rank``, which reads each one's tsvector: one TOAST
fetch each. Kept in the row, ranking 3,067 matches on the benchmark's 100k store took 14-38 ms
rather than 50-67 (docs/store.md, "An article's tsvector in its row"). The text and the record,
read for the 20 results only, go to the TOAST in its place.

Only rows written from now on are laid out so; ``VACUUM FULL articles`` rewrites the rows
stored before (it cannot run inside the migration's transaction, and locks the table while it
runs: 17 s for 100k articles here). SQLite has no such storage: nothing changes there.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Keep the articles' tsvector in the row (PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE articles ALTER COLUMN tsv SET STORAGE MAIN")


def downgrade() -> None:
    """The default storage again (PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE articles ALTER COLUMN tsv SET STORAGE EXTENDED")
