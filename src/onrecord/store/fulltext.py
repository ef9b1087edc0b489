"""SQLite's full-text indexes, filled a chunk at a time by bulk ingest.

On SQLite, ``articles_fts`` and ``statements_fts`` are FTS5 tables over their rows' words
(``content=``: they keep no copy), filled by a trigger on every insert (migration 0001).
Row by row, the triggers cost 2.0 s of a bulk ingest of 2,000 generated articles (20,000
statements); the same rows put into both indexes by one ``INSERT ... SELECT`` each took
0.24 s (docs/store.md, "Full-text indexes filled a chunk at a time"). So a bulk chunk drops
the two triggers inside its transaction, writes its rows, fills the indexes with every row
it wrote, and creates the triggers again, from the SQL the store holds for them, before it
commits: every other writer, and every later transaction, finds them as they were. A chunk
that rolls back (a kill, an error) takes the dropped triggers back with it, and writers are
serialised (a writer's ``BEGIN IMMEDIATE``, store/db.py), so no row is ever written while they
are gone but the chunk's own. PostgreSQL keeps its ``tsvector`` in the row (a generated column): nothing to
defer there.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection

from .sql import in_list, run

#: Each FTS5 index: its insert trigger, the table it indexes, and the columns (as the trigger
#: inserts them; ``tests/test_store_bulk.py`` checks that both give the same index).
INDEXES = (
    ("articles_fts", "articles_fts_ai", "articles", ("title", "text")),
    ("statements_fts", "statements_fts_ai", "statements", ("claim_text", "speaker_name")),
)


@contextmanager
def deferred(conn: Connection) -> Iterator[None]:
    """Within the open write transaction: the rows inserted in the block are indexed at its
    end, in one statement per index, instead of one by one by the triggers. A no-op on
    PostgreSQL, or when a trigger is not there (a store of another layout keeps its own)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    names = [trigger for _, trigger, _, _ in INDEXES]
    where, params = in_list("t", names)
    held = dict(run(conn, f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN {where}",
                    params).fetchall())
    if set(held) != set(names):
        yield
        return
    before = {table: run(conn, f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
              for _, _, table, _ in INDEXES}
    for trigger in names:
        run(conn, f"DROP TRIGGER {trigger}")
    yield
    for fts, trigger, table, columns in INDEXES:
        cols = ", ".join(columns)
        # a rowid is max + 1 on insert: the block's rows are those above the largest before it
        run(conn, f"INSERT INTO {fts}(rowid, {cols}) SELECT rowid, {cols} FROM {table} WHERE rowid > :last",
            {"last": before[table]})
        run(conn, held[trigger])
