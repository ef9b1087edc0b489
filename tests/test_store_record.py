"""One record from the engine to the screen: what ``analyze --format json`` gives is what the
store keeps and the explorer's API returns; an old store upgrades to the same; a batch output
folder ingests to the same store as its articles ingested directly."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.cli import app  # noqa: E402
from onrecord.store.db import HEAD, open_engine  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402

from conftest import DATA  # noqa: E402

pytestmark = pytest.mark.slow
runner = CliRunner()
ROOT = DATA.parents[1]
#: The gold articles of tests/data (each with its publication date, if its gold gives one)
#: and the HTML page.
GOLD = sorted(DATA.glob("*.gold.json"))
#: A store written by onrecord before whole records were kept (commit b88325b, schema 0001):
#: these inputs, ingested in this order from the repository root with the hashing embedder.
OLD_STORE = DATA / "store-0001.sqlite"
OLD_INPUTS = ["tests/data/story/01-courier-lead-claim.txt", "tests/data/story/02-ledger-solberg-denies.txt",
              "tests/data/story/03-courier-renn-repeats.txt", "tests/data/story/04-herald-mayor-declines.txt",
              "tests/data/harbour-bridge.txt"]


def inputs() -> list[tuple[Path, str | None]]:
    out = []
    for gold in GOLD:
        data = json.loads(gold.read_text())
        out.append((DATA / data["article"], data.get("published")))
    return out + [(DATA / "page.html", None)]


def analyze_json(path: Path, published: str | None) -> dict:
    args = ["analyze", str(path), "--format", "json"] + (["--published", published] if published else [])
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def ingest(db: Path, *paths: str, published: str | None = None) -> None:
    args = ["ingest", *paths, "--db", str(db), "--embedder", "hashing"]
    res = runner.invoke(app, args + (["--published", published] if published else []))
    assert res.exit_code == 0, res.output


def api_articles(db: Path) -> dict[str, dict]:
    """Every stored article's API JSON, by its input (``store.source``)."""
    engine = open_engine(db, create=False)[0]
    try:
        client = TestClient(create_app(engine))
        ids = [a["id"] for a in client.get("/api/articles", params={"per_page": 100}).json()["items"]]
        found = [client.get(f"/api/articles/{i}").json() for i in ids]
    finally:
        engine.dispose()
    return {a["store"]["source"]: a for a in found}


def test_api_article_is_the_analyze_json_field_by_field(tmp_path):
    db = tmp_path / "store.sqlite"
    expected = {}
    for path, published in inputs():
        expected[str(path)] = analyze_json(path, published)
        ingest(db, str(path), published=published)
    stored = api_articles(db)
    assert sorted(stored) == sorted(expected)
    for source, want in expected.items():
        got = dict(stored[source])
        ids = got.pop("store")
        assert got.pop("corrections") == [], source  # people's corrections, beside the record
        assert list(got) == list(want), source  # the same keys, in the same order
        for key in want:
            assert got[key] == want[key], f"{source}: {key}"
        assert len(want["attributions"]) > 0, source
        for rec, st in zip(got["attributions"], ids["attributions"]):  # ids of their own, beside
            assert st["id"] == rec["id"] and isinstance(st["statement_id"], int)
        assert [e["name"] for e in ids["entities"]] == [e["name"] for e in want["entities"]]
        assert [c["id"] for c in ids["claims"]] == [c["id"] for c in want["claims"]]
    assert any(a["addressee"] for w in expected.values() for a in w["attributions"])
    assert any(c for w in expected.values() for c in w["claims"])


# -- upgrades -----------------------------------------------------------------------------------


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table the store writes, ingest times aside."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in ("articles", "article_bands", "entities", "entity_aliases", "statements",
                      "statement_entities", "claims", "article_entities", "article_claims",
                      "article_claim_statements"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "ingested_at"]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[table] = sorted(conn.execute(f"SELECT {quoted} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        conn.close()


def test_an_old_store_upgrades_to_a_fresh_ingest_and_serves_the_full_record(tmp_path, monkeypatch):
    old = tmp_path / "old.sqlite"
    shutil.copy(OLD_STORE, old)
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        before = dict(conn.execute("SELECT id, ingested_at FROM articles").fetchall())
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / "fresh.sqlite"
    ingest(fresh, *OLD_INPUTS)
    # the upgrade happens on open, as the store's migrations always have
    res = runner.invoke(app, ["who", "Quell", "--db", str(old)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["ingest", OLD_INPUTS[0], "--db", str(old)])  # a duplicate: opens it to write
    assert res.exit_code == 0 and "analysing its articles again (once)" in res.output, res.output
    # the old reader titled an article without a title by its first line; the one reader now
    # takes a text's headline line as its title, so the upgrade and a fresh ingest agree
    untitled = OLD_INPUTS[-1]
    with sqlite3.connect(old) as conn:
        part = json.loads(conn.execute("SELECT record FROM articles WHERE source = ?", (untitled,)).fetchone()[0])
        assert part["metadata"]["title"] == (ROOT / untitled).read_text().split("\n", 1)[0].strip()
    upgraded, wanted = dump(old), dump(fresh)
    assert upgraded["articles"] and upgraded["statements"]
    for table in wanted:
        assert upgraded[table] == wanted[table], table
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert dict(conn.execute("SELECT id, ingested_at FROM articles").fetchall()) == before
    got, want = api_articles(old), api_articles(fresh)
    assert sorted(got) == sorted(want) == sorted(OLD_INPUTS)
    for source in want:
        for a in (got[source], want[source]):
            a["store"].pop("ingested_at")
        assert got[source] == want[source], source
        assert got[source]["attributions"] and all(r["cue"] for r in got[source]["attributions"] if r["kind"] != "reference")
    engine = open_engine(old, create=False)[0]
    try:
        client = TestClient(create_app(engine))
        page = client.get(f"/articles/{got[OLD_INPUTS[0]]['store']['article_id']}").text
    finally:
        engine.dispose()
    assert 'class="cue" data-s=' in page and "Brackenford Courier" in page


def test_serve_upgrades_an_old_store_before_serving(tmp_path, monkeypatch):
    from onrecord.store.ingest import needs_records
    from onrecord.web import cli as web_cli

    old = tmp_path / "old.sqlite"
    shutil.copy(OLD_STORE, old)
    engine = open_engine(old, create=False)[0]
    assert needs_records(engine)
    engine = web_cli._completed(engine, str(old))
    try:
        assert not needs_records(engine)
        data = TestClient(create_app(engine)).get("/api/articles/1").json()
    finally:
        engine.dispose()
    assert data["metadata"]["title"] and data["attributions"][0]["cue"] is not None


# -- a batch output folder and direct ingest ------------------------------------------------------


def corpus(db: Path) -> dict[str, list]:
    """The store's content with ids, ingest times and the order of claim ids aside: articles,
    statements (every field, by article and local id), entities and claims."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        def rows(sql):
            return [dict(r) for r in conn.execute(sql)]
        arts = {r["id"]: r["content_hash"] for r in rows("SELECT id, content_hash FROM articles")}
        ents = {r["id"]: (r["name"], r["type"]) for r in rows("SELECT id, name, type FROM entities")}
        claim_text = {r["id"]: r["text"] for r in rows("SELECT id, text FROM claims")}
        # statement ids differ with the order articles are stored in: first_statement_id and decided_by
        drop = {"id", "article_id", "entity_id", "claim_id", "ingested_at", "copy_of", "first_statement_id", "decided_by"}

        def clean(r):
            out = {k: v for k, v in r.items() if k not in drop}
            if "article_id" in r:
                out["article"] = arts[r["article_id"]]
            if "entity_id" in r:
                out["entity"] = ents.get(r["entity_id"])
            if "claim_id" in r:
                out["claim"] = claim_text.get(r["claim_id"])
            return out
        return {
            "articles": sorted((clean(r) for r in rows("SELECT * FROM articles")), key=repr),
            "statements": sorted((clean(r) for r in rows("SELECT * FROM statements")), key=repr),
            "entities": sorted((clean(r) for r in rows("SELECT * FROM entities")), key=repr),
            "aliases": sorted((ents[r["entity_id"]], r["norm"], r["alias"])
                              for r in rows("SELECT * FROM entity_aliases")),
            "claims": sorted((clean(r) for r in rows("SELECT * FROM claims")), key=repr),
            "article_entities": sorted((clean(r) for r in rows("SELECT * FROM article_entities")), key=repr),
            "article_claims": sorted((clean(r) for r in rows("SELECT * FROM article_claims")), key=repr),
        }
    finally:
        conn.close()


def test_batch_folder_ingest_equals_direct_ingest(tmp_path):
    src = tmp_path / "news"
    shutil.copytree(DATA / "batch" / "news", src)
    # a JSONL feed (the good records of tests/data/batch/feed.jsonl: one text, one HTML) and two
    # clinic story articles with metadata files, whose statements make claims (a director denies,
    # an auditor confirms)
    lines = (DATA / "batch" / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    good = [line for line in lines if line.startswith("{") and '"text": ""' not in line]
    (src / "feed.jsonl").write_text("\n".join(good) + "\n", encoding="utf-8")
    for name in ("02-post-director-denies", "03-courier-auditor-confirms"):
        for ext in (".txt", ".meta.json"):
            shutil.copy(DATA / "story-clinic" / (name + ext), src)
    out = tmp_path / "out"
    res = runner.invoke(app, ["batch", str(src), "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    via_batch, direct = tmp_path / "batch.sqlite", tmp_path / "direct.sqlite"
    ingest(via_batch, str(out))
    ingest(direct, str(src))
    got, want = corpus(via_batch), corpus(direct)
    assert len(good) == 2 and len(want["articles"]) == 7
    assert want["statements"] and want["entities"] and want["claims"] and want["article_claims"]
    for table in want:
        assert got[table] == want[table], table
