"""A person's statements counted from an index: the (entity, date) index of the statements
gains the stance, so a person's page (how many statements, the stance facet) and chart (a
month's statements by stance) read the index alone, not one statement row per statement
(``corrections.entity_stances``, ``corrections.entity_months``). The index replaces the old one:
every query that used (entity_id, published) uses its first two columns.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Build the wider index, then drop the old one."""
    op.create_index("ix_statements_entity_published_stance", "statements", ["entity_id", "published", "stance"])
    op.drop_index("ix_statements_entity_published", "statements")


def downgrade() -> None:
    """The (entity, date) index again."""
    op.create_index("ix_statements_entity_published", "statements", ["entity_id", "published"])
    op.drop_index("ix_statements_entity_published_stance", "statements")
