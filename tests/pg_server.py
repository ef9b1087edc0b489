"""A throwaway PostgreSQL server from the machine's binaries, for the tests and bench/bench_store.py.

initdb and pg_ctl (PostgreSQL 15 or whatever /usr/lib/postgresql holds) start a server in a
temporary folder on a free localhost port; initdb refuses root, so as root the server runs
as the ``postgres`` user through runuser. ``Unavailable`` says why there is none.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from typing import Iterator


class Unavailable(Exception):
    """No throwaway server can be started here; the message says why."""


def bin_dir() -> str | None:
    """The newest PostgreSQL server binaries' folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_user() -> list[str]:
    """The prefix that runs a server command as a non-root user (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        raise Unavailable("running as root without runuser: initdb refuses root")
    try:
        import pwd
        pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable("running as root and there is no postgres user for initdb") from None
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def throwaway_server(options: tuple[str, ...] = ()) -> Iterator[str]:
    """Start a server, yield its URL (database ``postgres``, user ``onrecord``), stop and delete it."""
    bindir = bin_dir()
    if not bindir:
        raise Unavailable("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    prefix = as_user()
    tmp = tempfile.mkdtemp(prefix="onrecord-pg-")
    if prefix:
        shutil.chown(tmp, "postgres")
    data, port = os.path.join(tmp, "data"), free_port()
    extra = " ".join(f"-c {o}" for o in options)
    try:
        subprocess.run(prefix + [f"{bindir}/initdb", "-D", data, "-U", "onrecord", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True)
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(tmp, "log"), "-w", "-o",
                                 f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 {extra}", "start"],
                       check=True, capture_output=True)
        yield f"postgresql://onrecord@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """A new empty database ``name`` on the server of ``url``; its URL."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"
