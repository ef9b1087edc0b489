"""Alembic environment: runs on the connection ``db.migrate`` hands over (never a URL of its own)."""
from __future__ import annotations

from alembic import context

from onrecord.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
