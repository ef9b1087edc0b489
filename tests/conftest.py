"""Shared fixtures: the data folders, the shared evaluation data (when present), the pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURE = SHARED / "fixtures" / "trump-soleimani.txt"
POLNEAR_DEV = SHARED / "eval" / "polnear" / "dev"


def load_script(path: Path):
    """A benchmark or fuzz script (not a package) imported as a module from its path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need_shared(path: Path) -> None:
    """Skip the calling test, with the reason, when ../shared (or a file in it) is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared holds the copyrighted evaluation data, "
                    "present only on the project's machines")


@pytest.fixture(scope="session", autouse=True)
def index_dir(tmp_path_factory):
    """PostgreSQL stores save their vector index in this session's own folder (inherited by the
    commands the tests run), never in the user's cache."""
    folder = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ONRECORD_INDEX_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def pipeline():
    """The spaCy pipeline with the onrecord components, loaded once per test session."""
    from onrecord.pipeline import nlp
    return nlp.load()


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (tests/pg_server.py): its URL; each test
    module makes its own database on it (``pg_server.create_database``). Skipped, with the
    reason, when the machine has no server binaries or psycopg is absent."""
    pytest.importorskip("psycopg")
    import pg_server as server

    try:
        with server.throwaway_server() as url:
            yield url
    except server.Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def pg_url(pg_server, request):
    """An empty database of the calling module's own on the session's PostgreSQL server."""
    from pg_server import create_database

    return create_database(pg_server, f"store_{request.module.__name__}")


@pytest.fixture(scope="module")
def spark():
    """One local[2] Spark session for a module (starting the JVM is the slow part);
    ``onrecord batch --engine spark`` picks it up."""
    from onrecord.batch.spark import get_session

    session = get_session(2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
