"""Opening the store: URL handling, the default file, SQLite pragmas, migrations on open.

``--db`` takes a path (a SQLite file), a ``sqlite:///`` URL or a ``postgresql://`` URL. With
no ``--db``, ``ONRECORD_DB`` is used, else one SQLite file in the user's data directory.

SQLite runs in WAL mode (readers never wait for a writer) with a busy timeout, and every
write transaction starts with ``BEGIN IMMEDIATE``: two ingests at once take turns article by
article instead of failing with "database is locked". PostgreSQL writers take a transaction
advisory lock for the same reason: linking needs one consistent view of entities and claims.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from .errors import StoreError

#: How long a SQLite writer waits for another to finish, in milliseconds. One article's
#: transaction takes milliseconds; a minute covers a slow disk and a long migration.
BUSY_TIMEOUT_MS = 60_000
#: WAL pages after which a commit copies the WAL back into the database (SQLite's default is
#: 1,000). Each article dirties scattered pages (LSH bands, FTS segments, indexes); at the
#: default, the commits that checkpoint (two fsyncs, 100 ms and more on a busy disk) brought
#: a commit to 3-4 ms on average against 1.2 ms without, a quarter of the ingest time at 10k
#: articles. At 8,192 pages (32 MB of WAL) a hot page is written back once for many articles
#: (commit 1.6-1.8 ms on average). With synchronous=NORMAL a power cut may lose the commits since the last
#: checkpoint (never a crash or kill -9, and never consistency); a rerun adds them again.
WAL_AUTOCHECKPOINT = 8192
#: Page cache per connection, in KiB (SQLite's default is 2 MB): the indexes looked up for
#: each article (content hashes, bands, aliases, statements by claim) stay in memory.
CACHE_KIB = 65536
#: Key of the PostgreSQL advisory lock that serialises writers (any fixed 64-bit number).
PG_WRITE_LOCK = 7_042_711
HEAD = "0008"


@dataclass
class StoreInfo:
    """Where a store lives: its SQLAlchemy URL and, for SQLite, its file."""

    url: str
    path: Path | None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self.path is not None else "postgresql"


def default_path() -> Path:
    """The default SQLite file: ``onrecord.sqlite`` in the user's data directory."""
    from platformdirs import user_data_dir
    return Path(user_data_dir("onrecord", appauthor=False)) / "onrecord.sqlite"


def resolve(db: str | os.PathLike | None) -> StoreInfo:
    """The store named by ``--db`` (a path or URL), ``ONRECORD_DB``, or the default file."""
    raw = str(db) if db is not None else os.environ.get("ONRECORD_DB") or str(default_path())
    if "://" not in raw:
        path = Path(raw).expanduser().resolve()
        return StoreInfo(f"sqlite:///{path}", path)
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(f"{raw}: not a database URL (expected a path, sqlite:/// or postgresql://)") from None
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise StoreError(f"{raw}: the store needs a file, not an in-memory database")
        path = Path(url.database).expanduser().resolve()
        return StoreInfo(f"sqlite:///{path}", path)
    if url.get_backend_name() == "postgresql":
        return StoreInfo(url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False), None)
    raise StoreError(f"{raw}: unsupported database {url.get_backend_name()!r} (use SQLite or PostgreSQL)")


def make_engine(info: StoreInfo, pool_size: int | None = None) -> Engine:
    """A SQLAlchemy engine for the store, with SQLite's pragmas and transaction handling.

    ``pool_size``: connections kept open (SQLAlchemy's default is 5, and up to 10 more opened
    and closed again whenever more are in use: each new SQLite connection runs the pragmas,
    reads the schema and starts with a cold page cache); as many more may be opened for a
    moment."""
    pool = {"pool_size": pool_size, "max_overflow": pool_size} if pool_size else {}
    if info.path is None:
        return create_engine(info.url, pool_pre_ping=True, **pool)
    engine = create_engine(info.url, **pool)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_conn, _record) -> None:
    """WAL, busy timeout, foreign keys; transactions left to ``_sqlite_begin``."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
    cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for writers (execution option ``write=True``), else ``BEGIN``."""
    immediate = conn.get_execution_options().get("write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_lock(conn: Connection) -> None:
    """Serialise writers: a no-op on SQLite (BEGIN IMMEDIATE did it), an advisory lock on PostgreSQL."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})


def open_engine(db: str | os.PathLike | None = None, *, create: bool = True,
                pool_size: int | None = None) -> tuple[Engine, StoreInfo]:
    """Open the store (creating and migrating it if ``create``; ``pool_size``: see
    ``make_engine``); StoreError names the problem."""
    info = resolve(db)
    if info.path is not None:
        if not info.path.exists() and not create:
            raise StoreError(f"{info.path}: no store here yet (run onrecord ingest first, or pass --db)")
        _make_parent(info.path)
    engine = make_engine(info, pool_size)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"{_where(info)}: cannot open the store ({_first_line(exc)})") from None
    return engine, info


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create its folder ({exc.strerror or exc})") from None


def _where(info: StoreInfo) -> str:
    return str(info.path) if info.path else make_url(info.url).render_as_string(hide_password=True)


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one write transaction (a no-op when current)."""
    with engine.connect() as conn:
        with conn.begin():
            if current_revision(conn) == HEAD:
                return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect().execution_options(write=True) as conn:
        with conn.begin():
            write_lock(conn)
            before = current_revision(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if before is not None and before < VERDICTS_STORED:
                _judge_every_claim(conn)


# The revision that added the claims' stored verdicts: a store upgraded from before it has
# claims whose verdict columns are empty.
VERDICTS_STORED = "0004"


def _judge_every_claim(conn: Connection) -> None:
    """Store the verdict of every claim, on the newest schema (after the last revision ran)."""
    from . import claims

    for (claim_id,) in conn.execute(text("SELECT id FROM claims ORDER BY id")).fetchall():
        claims.store_verdict(conn, claim_id)
