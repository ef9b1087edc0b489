"""Plain SQL on the driver's cursor, for the queries run many times per article.

SQLAlchemy Core builds a statement, computes its cache key and sets up a result object on
every call. On the ingest path that cost ten times the database work: profiling
``bench/bench_store.py`` found 25,000 executions for 500 articles, 10 s spent in SQLAlchemy
and 1.4 s in SQLite. The per-article queries are therefore SQL strings written once, with
``:name`` parameters (sqlite3's named style, rewritten to psycopg's ``%(name)s`` for
PostgreSQL), run on the DBAPI connection inside SQLAlchemy's transaction. They read and write
exactly what the Core statements did; migrations, the explorer and rare writes stay Core.
"""
from __future__ import annotations

import numbers
import re
from functools import lru_cache
from typing import Any, Iterable, Sequence

from sqlalchemy import Connection

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=512)
def _pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s``."""
    return _NAMED.sub(r"%(\1)s", sql)


def run(conn: Connection, sql: str, params: dict[str, Any] | None = None, *, prepared: bool = True):
    """Execute one statement on the connection's driver; the DBAPI cursor (rows are tuples).

    The statement joins the connection's transaction, which is begun here when it has not
    been (as SQLAlchemy's own execute would do), so that a read sees one snapshot.

    ``prepared=False``: on PostgreSQL the statement is never made a prepared statement, so it
    is planned for its parameters every time. psycopg prepares a statement run five times on
    a connection, and PostgreSQL then may settle on one generic plan for every parameter
    value; for a full-text query, whose best plan depends on how many rows its words match,
    that plan walked the whole articles table for every search (docs/store.md, "PostgreSQL's
    generic plans"). The statements run per article keep being prepared (no planning each).
    """
    if not conn.in_transaction():
        conn.begin()
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        return driver.execute(_pyformat(sql), params or None, prepare=None if prepared else False)
    return driver.execute(sql, params or {})


def run_many(conn: Connection, sql: str, rows: Sequence[dict[str, Any]]) -> None:
    """Execute one statement for each parameter set (one round trip where the driver can)."""
    if not rows:
        return
    if not conn.in_transaction():
        conn.begin()
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cur:
            cur.executemany(_pyformat(sql), rows)
    else:
        driver.executemany(sql, rows)


def insert_id(conn: Connection, sql: str, params: dict[str, Any]) -> int:
    """Run an INSERT and return the new row's ``id``."""
    if conn.dialect.name == "postgresql":
        return run(conn, sql + " RETURNING id", params).fetchone()[0]
    return run(conn, sql, params).lastrowid


def in_list(prefix: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """``(:p0, :p1, ...)`` and its parameters, for ``WHERE x IN ...`` (values must be non-empty).

    Integers (row ids: what nearly every caller passes) are written into the statement as
    literals, ``(12, 40, 41)``, with no parameters: SQLite looks up each named parameter among
    those seen before while it parses, so a list of n named ids costs n^2 (measured here: 5,000
    ids 41 ms named, 5 ms as literals; 1,000 ids 2.2 and 0.8 ms), and a claim of thousands of
    statements is read by such lists. An integer written by ``int()`` is digits and a sign
    only, so nothing can be injected; any other value stays a parameter."""
    values = list(values)
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return "(" + ", ".join(str(int(v)) for v in values) + ")", {}
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params
