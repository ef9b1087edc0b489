"""The tests' throwaway PostgreSQL server (tests/pg_server.py) is always its own: when another
server takes the free port between the probe and the start, it starts on another port rather than
failing or handing out the other server's URL (a store test would then meet the other's databases)."""
from __future__ import annotations

import pytest

pytest.importorskip("psycopg")
import pg_server as server  # noqa: E402


def test_a_taken_port_is_not_handed_out(pg_server, monkeypatch):
    import psycopg

    server.create_database(pg_server, "only_on_the_other")
    taken = int(pg_server.rsplit(":", 1)[1].split("/")[0])
    ports, real = iter([taken]), server.free_port
    monkeypatch.setattr(server, "free_port", lambda: next(ports, None) or real())
    with server.throwaway_server() as url:
        assert int(url.rsplit(":", 1)[1].split("/")[0]) != taken
        with psycopg.connect(url) as conn:
            names = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
    assert "postgres" in names and "only_on_the_other" not in names
