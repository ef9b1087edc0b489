"""The ``serve`` command (registered by ``onrecord.cli``): the explorer over a store.

Nothing of the web extra is imported until the command runs, so ``onrecord`` works without it.
"""
from __future__ import annotations

import os
from typing import Optional

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True)

DB_HELP = "Store: a SQLite file path or a postgresql:// URL (default: ONRECORD_DB, else a file in your data folder)."


def fail(message: str, code: int = 2) -> None:
    """One error line, markup-free, then exit."""
    err.print(f"onrecord: error: {message}", markup=False)
    raise typer.Exit(code)


def serve(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", help="Address to listen on (only this machine by default)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    token: Optional[str] = typer.Option(None, envvar="ONRECORD_TOKEN", show_envvar=True,
                                        help="Allow POST /api/articles with 'Authorization: Bearer TOKEN' (default: read-only)."),
    max_bytes: Optional[int] = typer.Option(None, help="Largest request body accepted, in bytes (default 10 MB)."),
    workers: int = typer.Option(1, min=1, max=64, help="Server processes answering requests (each opens the store; "
                                                       "posted articles are still stored once each)."),
) -> None:
    """Browse the store in a web browser: articles with their quotes marked, people, claims, search.

    Example: onrecord serve --db story.sqlite   (then open http://127.0.0.1:8000/)
    """
    try:
        import uvicorn

        from .app import LOOPBACK_HOSTS, READ_THREADS, create_app
    except ImportError as exc:
        fail(f"serve needs the web extra ({exc.name} is missing): pip install 'onrecord[web]'")
    loopback = host in LOOPBACK_HOSTS
    engine = _open(db, READ_THREADS)
    log_level = os.environ.get("ONRECORD_LOG_LEVEL", "warning")
    if workers == 1:
        app = create_app(engine, db=db, token=token or None, max_body=max_bytes,
                         allowed_hosts=LOOPBACK_HOSTS if loopback else None)
        _announce(host, port, bool(token), loopback)
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
        return
    # several processes: uvicorn starts each from an import string, so the settings go to them
    # through the environment (inherited by the worker processes only, never on a command line)
    engine.dispose()  # opened (and migrated or completed) once, here, before the workers start
    os.environ.update({WORKER_ENV["db"]: str(db) if db is not None else os.environ.get("ONRECORD_DB", ""),
                       WORKER_ENV["loopback"]: "1" if loopback else "0"})
    if token:
        os.environ[WORKER_ENV["token"]] = token
    if max_bytes is not None:
        os.environ[WORKER_ENV["max_bytes"]] = str(max_bytes)
    _announce(host, port, bool(token), loopback, workers)
    uvicorn.run("onrecord.web.cli:worker_app", factory=True, workers=workers, host=host, port=port,
                log_level=log_level, server_header=False)


#: The environment a worker process reads its settings from (``serve --workers N``).
WORKER_ENV = {"db": "ONRECORD_DB", "token": "ONRECORD_TOKEN", "max_bytes": "ONRECORD_MAX_BYTES",
              "loopback": "ONRECORD_SERVE_LOOPBACK"}


def worker_app():
    """The explorer of one worker process of ``serve --workers N``, its settings from the
    environment ``serve`` set (``WORKER_ENV``)."""
    from ..store.db import open_engine
    from .app import LOOPBACK_HOSTS, READ_THREADS, create_app

    db = os.environ.get(WORKER_ENV["db"]) or None
    loopback = os.environ.get(WORKER_ENV["loopback"], "1") == "1"
    engine = open_engine(db, create=False, pool_size=READ_THREADS)[0]
    return create_app(engine, db=db, token=os.environ.get(WORKER_ENV["token"]) or None,
                      allowed_hosts=LOOPBACK_HOSTS if loopback else None)


def _announce(host: str, port: int, writable: bool, loopback: bool, workers: int = 1) -> None:
    """Say where the explorer listens, and warn when that is beyond this machine."""
    if not loopback:
        err.print(f"onrecord: warning: listening on {host}: anyone who can reach this address can read the store",
                  markup=False)
    shown = f"[{host}]" if ":" in host else host
    mode = "read-write with a token" if writable else "read-only"
    many = f", {workers} processes" if workers > 1 else ""
    err.print(f"onrecord explorer ({mode}{many}) at http://{shown}:{port}/  (Ctrl-C to stop)", markup=False)


def _open(db: Optional[str], pool_size: int | None = None):
    """The engine of an existing store (``pool_size`` connections kept open), or one clear error."""
    try:
        from ..store.db import open_engine
        from ..store.errors import StoreError
    except ImportError as exc:
        fail(f"serve needs the store extra ({exc.name} is missing): pip install 'onrecord[store]'")
    try:
        engine = open_engine(db, create=False, pool_size=pool_size)[0]
        return _completed(engine, db, pool_size)
    except StoreError as exc:
        fail(str(exc))


def _completed(engine, db: Optional[str], pool_size: int | None = None):
    """The engine of a store that holds every record: a store written before records were kept
    is rebuilt from its article texts first (once; see docs/store.md, "Upgrades")."""
    from ..store.ingest import Store, needs_records

    if not needs_records(engine):
        return engine
    engine.dispose()
    Store.open(db, notify=lambda message: err.print(f"onrecord: {message}", markup=False)).close()
    from ..store.db import open_engine
    return open_engine(db, create=False, pool_size=pool_size)[0]


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``onrecord`` app."""
    app.command("serve")(serve)
