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


PORT_TRIES = 5


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
    data = os.path.join(tmp, "data")
    extra = " ".join(f"-c {o}" for o in options)
    try:
        subprocess.run(prefix + [f"{bindir}/initdb", "-D", data, "-U", "onrecord", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True)
        for attempt in range(PORT_TRIES):
            port = free_port()
            started = subprocess.run(
                prefix + [f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(tmp, "log"), "-w", "-o",
                          f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 {extra}", "start"],
                capture_output=True)
            url = f"postgresql://onrecord@127.0.0.1:{port}/postgres"
            if started.returncode == 0 and serves(url, data):
                break
            # the free port was taken between the probe and the start (another test run or bench
            # on the machine starts servers too): stop whatever of ours started, try another port
            subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                           capture_output=True)
        else:
            raise Unavailable(f"no throwaway PostgreSQL server started in {PORT_TRIES} tries on free ports")
        yield url
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def serves(url: str, data: str) -> bool:
    """Whether the server answering at ``url`` is the one whose data folder is ``data`` (and not
    another server that took the port first)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            here = conn.execute("SHOW data_directory").fetchone()[0]
    except psycopg.Error:
        return False
    return os.path.realpath(here) == os.path.realpath(data)


def create_database(url: str, name: str) -> str:
    """A new empty database ``name`` on the server of ``url``; its URL."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"
