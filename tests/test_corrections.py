"""Corrections people make, beside the engine's record: CLI and API round trips, refusals,
undo, the corrected view in who / claims / timeline / the explorer, merges, and an upgrade of
a store written before corrections were kept (tests/data/store-0002.sqlite)."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")
pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.cli import app  # noqa: E402
from onrecord.store import queries  # noqa: E402
from onrecord.store.db import HEAD, open_engine  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.web.app import create_app  # noqa: E402
from test_store import story_reports  # noqa: E402

DATA = Path(__file__).parent / "data"
#: A store at migration 0002 (before corrections), written by commit fc52e36 from the four
#: hand-made story reports of tests/test_store.py (original text written for onrecord).
STORE_0002 = DATA / "store-0002.sqlite"
runner = CliRunner()


@pytest.fixture
def db(tmp_path) -> str:
    """A store of the four-article story: Quell asserts, Renn repeats, Soelberg denies, Vask confirms."""
    path = tmp_path / "c.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        for r in story_reports():
            store.add_report(r, source=f"{r.article.doc_id}.txt", outlet=r.article.url.split("/")[2])
    return str(path)


def cli(*args: str):
    return runner.invoke(app, list(args))


def ids_of(db: str, name: str) -> tuple[int, list[int]]:
    """The entity id and statement ids `who --format json` gives for a name."""
    res = cli("who", name, "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    return data["entities"][0]["id"], [s["id"] for s in data["statements"]]


def status(db: str) -> dict:
    res = cli("claims", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    return {c["id"]: c for c in json.loads(res.stdout)}


def table_rows(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def engine_records(db: str) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, entity_id, speaker_name, kind, stance, record FROM statements "
                            "ORDER BY id").fetchall()


# -- the CLI ---------------------------------------------------------------------------------


def test_reject_a_denial_and_the_claim_no_longer_counts_it(db):
    _, (denial,) = ids_of(db, "Henrik Soelberg")
    assert "Henrik Soelberg denied it" in status(db)[1]["reason"]
    before = engine_records(db)
    res = cli("correct", str(denial), "--reject", "--by", "Ann Editor", "--db", db)
    assert res.exit_code == 0, res.output
    assert f"statement {denial} reject" in res.stdout and "Ann Editor" in res.stdout
    claim = status(db)[1]
    assert claim["status"] == "confirmed" and "Soelberg" not in claim["reason"]
    # hidden from who and the timeline; the engine's record is untouched
    res = cli("who", "Henrik Soelberg", "--db", db, "--format", "json")
    assert json.loads(res.stdout)["statements"] == []
    res = cli("timeline", "c1", "--db", db, "--format", "json")
    assert denial not in [e["statement_id"] for e in json.loads(res.stdout)["events"]]
    assert engine_records(db) == before


def test_speaker_change_to_a_new_name_creates_the_entity_and_who_follows(db):
    _, (sid,) = ids_of(db, "Mara Quell")
    res = cli("correct", f"s{sid}", "--speaker", "Nina Brandt", "--by", "Ann Editor", "--db", db)
    assert res.exit_code == 0, res.output
    assert "Mara Quell -> Nina Brandt" in res.stdout
    entity, statements = ids_of(db, "Nina Brandt")
    assert statements == [sid]
    res = cli("who", "Nina Brandt", "--db", db, "--format", "json")
    row = json.loads(res.stdout)["statements"][0]
    assert row["entity"] == "Nina Brandt" and row["entity_id"] == entity and row["reviewed"] == "corrected"
    assert row["corrections"][0]["before"]["name"] == "Mara Quell"
    assert json.loads(cli("who", "Mara Quell", "--db", db, "--format", "json").stdout)["statements"] == []
    assert status(db)[1]["first_speaker"] == "Nina Brandt"
    # the claim's first report is now Brandt's
    assert "first reported" in {e["role"] for e in json.loads(cli("timeline", "c1", "--db", db, "--format",
                                                                      "json").stdout)["events"]
                                 if e["speaker"] == "Nina Brandt"}


def test_stance_and_kind_corrections_and_their_undo(db):
    _, (confirm,) = ids_of(db, "Lena Vask")
    res = cli("correct", str(confirm), "--stance", "disputes", "--by", "Ann Editor", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    entry = json.loads(res.stdout)
    assert (entry["action"], entry["before"], entry["after"], entry["by"]) == ("stance", "confirms", "disputes", "Ann Editor")
    assert entry["at"].endswith("Z") and entry["target_type"] == "statement" and entry["target_id"] == confirm
    assert status(db)[1]["status"] == "contested"
    assert cli("correct", str(confirm), "--kind", "direct", "--by", "Ann Editor", "--db", db).exit_code == 0
    row = json.loads(cli("who", "Lena Vask", "--db", db, "--format", "json").stdout)["statements"][0]
    assert (row["stance"], row["kind"]) == ("disputes", "direct")
    res = cli("undo", str(entry["id"]), "--by", "Bo Checker", "--db", db)
    assert res.exit_code == 0, res.output
    assert status(db)[1]["status"] == "confirmed"
    row = json.loads(cli("who", "Lena Vask", "--db", db, "--format", "json").stdout)["statements"][0]
    assert (row["stance"], row["kind"]) == ("confirms", "direct")
    log = json.loads(cli("corrections", "--db", db, "--format", "json").stdout)
    assert [(c["action"], c["undoes"], c["undone_by"]) for c in log] == [
        ("stance", None, 3), ("kind", None, None), ("undo", 1, None)]
    table = cli("corrections", "--db", db)
    assert table.exit_code == 0 and "undone by 3" in table.stdout and "Bo Checker" in table.stdout


@pytest.mark.parametrize("args, message", [
    (["correct", "S", "--kind", "quoted", "--by", "Ann"], "kind 'quoted' is not one of direct, indirect, mixed, reference"),
    (["correct", "S", "--stance", "agrees", "--by", "Ann"], "stance 'agrees' is not one of asserts"),
    (["correct", "S", "--act", "gossip", "--by", "Ann"], "act 'gossip' is not one of speech"),
    (["correct", "S", "--accept"], "say who makes the correction (--by NAME)"),
    (["correct", "S", "--accept", "--by", "  "], "say who makes the correction (--by NAME)"),
    (["correct", "999", "--accept", "--by", "Ann"], "no statement 999 in the store"),
    (["correct", "abc", "--accept", "--by", "Ann"], "'abc' is not a statement id"),
    (["correct", "S", "--accept", "--reject", "--by", "Ann"], "give exactly one of --accept"),
    (["correct", "S", "--by", "Ann"], "give exactly one of --accept"),
    (["correct", "S", "--note", " ", "--by", "Ann"], "a note needs its text"),
    (["merge", "1", "999", "--by", "Ann"], "no entity 999 in the store"),
    (["merge", "1", "1", "--by", "Ann"], "cannot merge entity 1 into itself"),
    (["undo", "42", "--by", "Ann"], "no correction 42 in the store"),
])
def test_bad_corrections_are_one_line_exit_2_and_write_nothing(db, args, message):
    _, (sid,) = ids_of(db, "Mara Quell")
    args = [str(sid) if a == "S" else a for a in args]
    before = [table_rows(db, t) for t in ("corrections", "correction_links", "statement_overrides", "entities")]
    res = cli(*args, "--db", db)
    assert res.exit_code == 2, res.output
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("onrecord: error: ") and message in lines[0], res.stderr
    assert [table_rows(db, t) for t in ("corrections", "correction_links", "statement_overrides", "entities")] == before


def test_merge_two_entities_and_undo_splits_them(db):
    keep, (quell,) = ids_of(db, "Mara Quell")
    other, (renn,) = ids_of(db, "Tomas Renn")
    assert status(db)[1]["sources"] == 4
    res = cli("merge", str(keep), str(other), "--by", "Ann Editor", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    entry = json.loads(res.stdout)
    assert (entry["action"], entry["target_type"], entry["before"]["name"], entry["after"]["name"]) == \
        ("merge", "entity", "Tomas Renn", "Mara Quell")
    assert ids_of(db, "Mara Quell")[1] == [quell, renn]
    row = json.loads(cli("who", "Mara Quell", "--db", db, "--format", "json").stdout)["statements"][1]
    assert row["entity"] == "Mara Quell" and row["entity_id"] == keep
    assert status(db)[1]["sources"] == 3  # one source now, in two articles
    res = cli("merge", str(keep), str(other), "--by", "Ann Editor", "--db", db)
    assert res.exit_code == 2 and "already merged" in res.stderr
    assert cli("undo", str(entry["id"]), "--by", "Ann Editor", "--db", db).exit_code == 0
    assert ids_of(db, "Mara Quell")[1] == [quell] and status(db)[1]["sources"] == 4


def test_who_says_how_many_statements_a_limit_left_out(db):
    keep, _ = ids_of(db, "Mara Quell")
    other, _ = ids_of(db, "Tomas Renn")
    assert cli("merge", str(keep), str(other), "--by", "Ann", "--db", db).exit_code == 0
    res = cli("who", "Mara Quell", "--db", db, "--limit", "1")
    assert res.exit_code == 0, res.output
    assert "showing the oldest 1 of 2 statements (--limit for more)" in res.stderr
    res = cli("who", "Mara Quell", "--db", db, "--limit", "2")
    assert res.exit_code == 0 and "showing" not in res.stderr


def test_claims_with_a_stance_follow_a_rejected_denial(db):
    _, (denial,) = ids_of(db, "Henrik Soelberg")
    def denied():
        res = cli("claims", "--stance", "denies", "--db", db, "--format", "json")
        assert res.exit_code == 0, res.output
        return [c["id"] for c in json.loads(res.stdout)]
    assert denied() == [1]
    assert cli("correct", str(denial), "--reject", "--by", "Ann", "--db", db).exit_code == 0
    assert denied() == []
    res = cli("claims", "--stance", "shouts", "--db", db)
    assert res.exit_code == 2 and "--stance" in res.stderr


def test_split_moves_the_named_statements_to_another_entity_all_or_none(db):
    keep, (quell,) = ids_of(db, "Mara Quell")
    other, (renn,) = ids_of(db, "Tomas Renn")
    assert cli("merge", str(keep), str(other), "--by", "Ann", "--db", db).exit_code == 0
    assert ids_of(db, "Mara Quell")[1] == [quell, renn]
    # the wrong statement of the joined entity goes to a new person; the other stays
    before = table_rows(db, "corrections")
    res = cli("split", str(keep), str(renn), "--name", "Tomas Renner", "--by", "Ann", "--db", db, "--format", "json")
    assert res.exit_code == 0, res.output
    (entry,) = json.loads(res.stdout)
    assert (entry["action"], entry["target_id"], entry["after"]["name"]) == ("speaker", renn, "Tomas Renner")
    assert ids_of(db, "Mara Quell")[1] == [quell] and ids_of(db, "Tomas Renner")[1] == [renn]
    assert table_rows(db, "corrections") == before + 1
    # a statement that is not the entity's refuses the whole split: nothing written
    res = cli("split", str(keep), str(quell), str(renn), "--name", "Someone Else", "--by", "Ann", "--db", db)
    assert res.exit_code == 2 and f"statement {renn} is not entity {keep}'s" in res.stderr
    assert table_rows(db, "corrections") == before + 1
    res = cli("split", str(keep), str(quell), "--name", f"e{keep}", "--by", "Ann", "--db", db)
    assert res.exit_code == 2 and "split to another name" in res.stderr
    # undoing the entry gives the statement back to the entity it was split from
    assert cli("undo", str(entry["id"]), "--by", "Ann", "--db", db).exit_code == 0
    assert ids_of(db, "Mara Quell")[1] == [quell, renn]


def test_a_store_written_before_corrections_upgrades_and_takes_them(tmp_path):
    old = tmp_path / "old.sqlite"
    shutil.copy(STORE_0002, old)
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
        before = conn.execute("SELECT id, record FROM statements ORDER BY id").fetchall()
    _, (denial,) = ids_of(str(old), "Henrik Soelberg")  # opening migrates
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert conn.execute("SELECT count(*) FROM corrections").fetchone() == (0,)
        assert conn.execute("SELECT id, record FROM statements ORDER BY id").fetchall() == before
    # the claims' verdicts were judged once the upgrade reached the newest schema
    stored, fresh = stored_and_fresh(str(old))
    assert stored == fresh and {s["status"] for s in stored} != {None}
    assert cli("correct", str(denial), "--reject", "--by", "Ann", "--db", str(old)).exit_code == 0
    assert status(str(old))[1]["status"] == "confirmed" and "Soelberg" not in status(str(old))[1]["reason"]


# -- the API and the explorer ----------------------------------------------------------------

TOKEN = "s3cret-token"


@pytest.fixture
def clients(db):
    engine = open_engine(db, create=False)[0]
    yield TestClient(create_app(engine)), TestClient(create_app(engine, token=TOKEN)), engine
    engine.dispose()


def auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_api_refuses_corrections_without_the_token(clients, db):
    readonly, writable, engine = clients
    _, (sid,) = ids_of(db, "Mara Quell")
    body = {"action": "reject", "by": "Ann"}
    assert readonly.post(f"/api/statements/{sid}/corrections", json=body, headers=auth()).status_code == 403
    assert writable.post(f"/api/statements/{sid}/corrections", json=body).status_code == 401
    assert writable.post(f"/api/statements/{sid}/corrections", json=body, headers=auth("wrong")).status_code == 401
    assert writable.post("/api/entities/1/merge", json={"other": 2, "by": "Ann"}).status_code == 401
    assert writable.post("/api/corrections/1/undo", json={"by": "Ann"}).status_code == 401
    assert writable.post("/api/entities/1/split", json={"statements": "1", "name": "X", "by": "Ann"}).status_code == 401
    assert table_rows(db, "corrections") == 0


def test_api_split_gives_statements_to_another_entity(clients, db):
    _readonly, writable, _engine = clients
    keep, (quell,) = ids_of(db, "Mara Quell")
    res = writable.post(f"/api/entities/{keep}/split", headers=auth(),
                        json={"statements": str(quell), "name": "Nina Brandt", "by": "Ann"})
    assert res.status_code == 201, res.text
    (entry,) = res.json()
    assert (entry["action"], entry["target_id"], entry["after"]["name"]) == ("speaker", quell, "Nina Brandt")
    assert ids_of(db, "Nina Brandt")[1] == [quell]
    bad = writable.post(f"/api/entities/{keep}/split", headers=auth(),
                        json={"statements": "1,x", "name": "Nina Brandt", "by": "Ann"})
    assert bad.status_code == 422 and "comma-separated" in bad.json()["error"]["message"]
    assert table_rows(db, "corrections") == 1


def test_api_round_trip_article_json_and_explorer_page(clients, db):
    readonly, writable, engine = clients
    _, (sid,) = ids_of(db, "Henrik Soelberg")
    article_id = json.loads(cli("who", "Henrik Soelberg", "--db", db, "--format", "json").stdout)["statements"][0]["article_id"]
    engine_view = readonly.get(f"/api/articles/{article_id}").json()
    assert engine_view["corrections"] == [] and engine_view["store"]["attributions"][0]["corrected"] is None
    res = writable.post(f"/api/statements/{sid}/corrections", json={"action": "speaker", "value": "Lena Vask",
                                                                     "by": "Ann Editor"}, headers=auth())
    assert res.status_code == 201, res.text
    assert res.json()["after"]["name"] == "Lena Vask"
    bad = writable.post(f"/api/statements/{sid}/corrections", json={"action": "stance", "value": "agrees",
                                                                     "by": "Ann"}, headers=auth())
    assert bad.status_code == 422 and "stance 'agrees'" in bad.json()["error"]["message"]
    assert writable.post("/api/statements/999/corrections", json={"action": "accept", "by": "Ann"},
                         headers=auth()).status_code == 404
    data = readonly.get(f"/api/articles/{article_id}").json()
    # the engine's record unchanged, the corrections beside it
    assert {k: v for k, v in data.items() if k not in ("corrections", "store")} == \
        {k: v for k, v in engine_view.items() if k not in ("corrections", "store")}
    assert [c["action"] for c in data["corrections"]] == ["speaker"]
    assert data["store"]["attributions"][0]["corrected"]["speaker"] == "Lena Vask"
    page = writable.get(f"/articles/{article_id}").text
    assert "speaker: Henrik Soelberg -&gt; Lena Vask" in page and "Ann Editor" in page
    assert f'data-undo="{data["corrections"][0]["id"]}"' in page and 'form class="correct"' in page
    assert "data-undo=" not in readonly.get(f"/articles/{article_id}").text  # no write controls read-only
    # undo through the API, then reject: struck out on the article page with who rejected it
    assert writable.post(f"/api/corrections/{data['corrections'][0]['id']}/undo", json={"by": "Bo"},
                         headers=auth()).status_code == 201
    assert writable.post(f"/api/statements/{sid}/corrections", json={"action": "reject", "by": "Cy Reviewer"},
                         headers=auth()).status_code == 201
    page = readonly.get(f"/articles/{article_id}").text
    assert 'class="card rejected"' in page and "Rejected by Cy Reviewer" in page
    log = readonly.get("/api/corrections").json()["corrections"]
    assert [(c["action"], c["by"]) for c in log] == [("speaker", "Ann Editor"), ("undo", "Bo"), ("reject", "Cy Reviewer")]
    claim = readonly.get("/api/claims/1").json()
    assert sid not in [e["statement_id"] for e in claim["events"]] and claim["claim"]["status"] == "confirmed"


def test_explorer_escapes_what_people_write(clients, db):
    readonly, writable, engine = clients
    _, (sid,) = ids_of(db, "Mara Quell")
    evil = '<script>window.pwned=1</script><img src=x onerror="alert(1)">'
    for body in ({"action": "note", "value": evil, "by": "Ann"}, {"action": "speaker", "value": "Ivo <b>Brandt</b>", "by": evil}):
        assert writable.post(f"/api/statements/{sid}/corrections", json=body, headers=auth()).status_code == 201
    article_id = readonly.get("/api/corrections").json()["corrections"][0]["article_id"]
    for path in (f"/articles/{article_id}", "/claims/1"):
        page = readonly.get(path).text
        assert "<script>window" not in page and "<img src=x" not in page and "<b>Brandt" not in page
        assert "&lt;script&gt;" in page


def test_the_corrected_view_reads_through_indexes(db):
    """No full table scan on the questions' paths once corrections exist (as test_store checks
    for a store without them)."""
    from sqlalchemy import event

    keep, (quell,) = ids_of(db, "Mara Quell")
    other, (renn,) = ids_of(db, "Tomas Renn")
    assert cli("correct", str(quell), "--speaker", "Nina Brandt", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("correct", str(renn), "--reject", "--by", "Ann", "--db", db).exit_code == 0
    assert cli("merge", str(keep), str(other), "--by", "Ann", "--db", db).exit_code == 0
    seen: set[str] = set()
    engine = open_engine(db, create=False)[0]
    engine.dispose()  # the next connections are traced
    event.listen(engine, "connect", lambda dbapi, _rec: dbapi.set_trace_callback(seen.add))
    try:
        assert [s.entity for s in queries.who(engine, "Brandt")[1]] == ["Nina Brandt"]
        assert queries.who(engine, "Tomas Renn")[1] == []  # merged into Quell, whose one row moved away
        queries.list_claims(engine)
        queries.timeline(engine, "c1")
        queries.article(engine, 1)
    finally:
        engine.dispose()
    con = sqlite3.connect(db)
    scans = [(line, sql) for sql in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))
             and "sqlite_master" not in sql and "alembic_version" not in sql
             for line in (row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql))
             if line.startswith("SCAN ") and " USING " not in line]
    assert len(seen) > 10 and scans == []


def test_a_persons_count_stances_and_months_come_from_the_index_and_follow_corrections(db):
    """The person page as first shown and its chart count a person's statements from the
    (entity, date, stance) index; after a speaker change, a stance change, a rejection and a
    merge they say what reading every row as corrected says."""
    from sqlalchemy import event

    from onrecord.web import charts

    keep, (quell,) = ids_of(db, "Mara Quell")
    other, _ = ids_of(db, "Tomas Renn")
    _, (confirm,) = ids_of(db, "Lena Vask")
    _, (denial,) = ids_of(db, "Henrik Soelberg")
    for args in ([str(quell), "--speaker", "Nina Brandt"], [str(confirm), "--stance", "disputes"],
                 [str(denial), "--reject"]):
        assert cli("correct", *args, "--by", "Ann", "--db", db).exit_code == 0
    assert cli("merge", str(keep), str(other), "--by", "Ann", "--db", db).exit_code == 0
    engine = open_engine(db, create=False)[0]
    with engine.connect() as conn:
        people = [r[0] for r in conn.exec_driver_sql("SELECT id FROM entities ORDER BY id")]
    compared = 0
    for e in people:
        fast = queries.filter_entity_statements(engine, e, queries.Filters())
        with engine.connect() as conn:
            slow = queries._filtered_entity_statements(conn, e, queries.Filters(), None, 100, 0)
            rows = queries.statements_by_id(conn, slow[0])
            months = charts.person_months(conn, e)
        assert fast == slow
        expected: dict[str, dict[str, int]] = {}
        for s in rows:
            if s.published:
                counts = expected.setdefault(s.published[:7], {})
                counts[s.stance] = counts.get(s.stance, 0) + 1
        assert months == [{"month": m, "counts": expected[m], "total": sum(expected[m].values())}
                          for m in sorted(expected)]
        compared += bool(slow[1])
    assert compared >= 4  # Brandt, Quell (with Renn's row), Vask (disputing), the authority
    seen: set[str] = set()
    engine.dispose()
    event.listen(engine, "connect", lambda dbapi, _rec: dbapi.set_trace_callback(seen.add))
    try:
        with engine.connect() as conn:
            from onrecord.store import corrections
            corrections.entity_stances(conn, [keep])
            corrections.entity_months(conn, [keep])
    finally:
        engine.dispose()
    con = sqlite3.connect(db)
    plans = {sql: [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql)]
             for sql in seen if "UNION ALL" in sql}
    assert len(plans) == 2
    for lines in plans.values():
        assert any("COVERING INDEX ix_statements_entity_published_stance" in line for line in lines), lines


def test_reanalyse_knows_an_input_by_its_path_however_written(tmp_path, monkeypatch):
    from test_corrections_reanalyse import stand_in
    from onrecord.store.sources import iter_items

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Mara Quell said that the ferry would run again in June.\n", encoding="utf-8")
    path = str(tmp_path / "p.sqlite")
    with Store.open(path, HashingEmbedder()) as store:
        (item,) = iter_items([str(folder / "a.txt")])
        store.add_item(item, analyze=stand_in)
    (sid,) = ids_of(path, "Mara Quell")[1]
    assert cli("correct", str(sid), "--stance", "unconfirmed", "--by", "Ann", "--db", path).exit_code == 0
    (folder / "a.txt").write_text("Update: times changed.\n\nMara Quell said that the ferry would run again in June.\n",
                                  encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with Store.open(path, HashingEmbedder()) as store:
        done = store.reanalyse(iter_items(["news/a.txt"]), analyze=stand_in)
    assert done.reanalysed == ["news/a.txt"] and done.added == 0 and done.orphaned == []
    rows = json.loads(cli("who", "Mara Quell", "--db", path, "--format", "json").stdout)["statements"]
    assert len(rows) == 1 and rows[0]["stance"] == "unconfirmed" and rows[0]["start"] > 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)


@pytest.mark.slow
def test_corrections_on_postgresql(pg_url):
    """The same log, view and re-analysis on PostgreSQL (a throwaway server, tests/conftest.py)."""
    from onrecord.store.correct import correct_statement, merge, undo, writing
    from onrecord.store.sources import Item

    with Store.open(pg_url, HashingEmbedder()) as store:
        for r in story_reports():
            store.add_report(r, source=f"{r.article.doc_id}.txt")
        engine = store.engine
        denial = queries.who(engine, "Henrik Soelberg")[1][0].id
        quell = queries.who(engine, "Mara Quell")[0][0].id
        renn = queries.who(engine, "Tomas Renn")[0][0].id
        with writing(engine) as conn:
            correct_statement(conn, denial, "reject", None, "Ann")
        with writing(engine) as conn:
            merged = merge(conn, quell, renn, "Ann")
        assert queries.claim_info(engine, 1).status == "confirmed"
        assert len(queries.who(engine, "Mara Quell")[1]) == 2
        with writing(engine) as conn:
            undo(conn, merged, "Bo")
        assert len(queries.who(engine, "Mara Quell")[1]) == 1
        done = store.reanalyse([Item(f"{r.article.doc_id}.txt", report=r) for r in story_reports()])
        assert len(done.reanalysed) == 4 and done.orphaned == []
        assert queries.who(engine, "Henrik Soelberg")[1] == []
        (claim,) = queries.list_claims(engine)  # ids are new after the rebuild (PostgreSQL's sequences go on)
        assert claim.status == "confirmed" and "Soelberg" not in claim.reason
        # the review queue's SQL and a split run on PostgreSQL too
        from onrecord.store import corrections as log
        from onrecord.store.correct import split
        with engine.connect() as conn:
            rows, left = log.unreviewed(conn, 50)
        assert left == len(rows) >= 3
        sure = [-1 if c is None else c for _i, c in rows]
        assert sure == sorted(sure)
        quell_id, (quell_row,) = (lambda e, s: (e[0].id, [x.id for x in s]))(*queries.who(engine, "Mara Quell"))
        with writing(engine) as conn:
            (entry,) = split(conn, quell_id, [quell_row], "Nina Brandt", "Ann")
        assert [x.id for x in queries.who(engine, "Nina Brandt")[1]] == [quell_row]


def test_review_queue_least_sure_first_and_what_is_left(clients, db):
    readonly, writable, engine = clients
    from sqlalchemy import text
    with engine.begin() as conn:  # the hand-made reports carry no confidence: give them some
        for sid, conf in ((1, 0.9), (2, 0.2), (3, 0.6), (4, 0.4)):
            conn.execute(text("UPDATE statements SET record = json_set(record, '$.confidence', :c) WHERE id = :s"),
                         {"c": conf, "s": sid})
    data = readonly.get("/api/review").json()
    assert data["left"] == 4 and [i["id"] for i in data["items"]] == [2, 4, 3, 1]
    assert [i["confidence"] for i in data["items"]] == [0.2, 0.4, 0.6, 0.9]
    for sid, action in ((2, "accept"), (4, "reject")):
        assert writable.post(f"/api/statements/{sid}/corrections", json={"action": action, "by": "Ann"},
                             headers=auth()).status_code == 201
    assert writable.post("/api/statements/3/corrections", json={"action": "note", "value": "ask", "by": "Ann"},
                         headers=auth()).status_code == 201  # a note is no review
    data = readonly.get("/api/review").json()
    assert data["left"] == 2 and [i["id"] for i in data["items"]] == [3, 1]
    page = writable.get("/review").text
    assert "2 rows left to review" in page and 'data-action="accept" data-s="3"' in page
    assert "read-only" in readonly.get("/review").text and "data-action" not in readonly.get("/review").text


def test_person_chart_by_month_follows_corrections_and_escapes(clients, db):
    readonly, writable, engine = clients
    keep, (quell,) = ids_of(db, "Mara Quell")
    other, (renn,) = ids_of(db, "Tomas Renn")
    assert cli("merge", str(keep), str(other), "--by", "Ann", "--db", db).exit_code == 0
    data = readonly.get(f"/api/people/{keep}").json()
    assert data["chart"]["months"] == [{"month": "2025-03", "counts": {"asserts": 2}, "total": 2}]
    assert cli("correct", str(renn), "--stance", "unconfirmed", "--by", "Ann", "--db", db).exit_code == 0
    assert readonly.get(f"/api/people/{keep}").json()["chart"]["months"][0]["counts"] == {"asserts": 1, "unconfirmed": 1}
    page = readonly.get(f"/people/{keep}").text
    assert f'<img class="bars" src="/people/{keep}/chart.svg"' in page
    svg = readonly.get(f"/people/{keep}/chart.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "default-src 'none'" in svg.headers["content-security-policy"]
    assert svg.text.count('<rect class="bar"') == 2 and "<title>2025-03: 1 unconfirmed</title>" in svg.text
    assert readonly.get("/people/999/chart.svg").status_code == 404
    # a hostile name is escaped in the drawing too
    assert cli("correct", str(quell), "--speaker", "<script>x</script> Vale", "--by", "Ann", "--db", db).exit_code == 0
    hostile = readonly.get(f"/people/{ids_of(db, '<script>x</script> Vale')[0]}/chart.svg").text
    assert "<script>" not in hostile and "&lt;script&gt;x&lt;/script&gt; Vale: statements by month" in hostile


def test_a_store_that_cannot_be_written_is_one_line_and_nothing_half_written(db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from onrecord.store import corrections as log_module

    _, (sid,) = ids_of(db, "Mara Quell")

    def full_disk(*_a, **_k):
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))
    monkeypatch.setattr(log_module, "rebuild_overrides", full_disk)  # fails after the entry is appended
    res = cli("correct", str(sid), "--reject", "--by", "Ann", "--db", db)
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == [
        f"onrecord: error: {db}: could not write the correction (database or disk is full); nothing was written"]
    assert table_rows(db, "corrections") == 0 and table_rows(db, "correction_links") == 0


def test_outlets_by_claims_grid_follows_corrections(clients, db):
    readonly, writable, engine = clients
    grid = readonly.get("/api/outlets/claims").json()
    assert [c["id"] for c in grid["claims"]] == [1]
    assert {o["outlet"]: o["relations"] for o in grid["outlets"]} == {
        "courier.example": {"1": "first reported"}, "ledger.example": {"1": "denied"}}
    _, (denial,) = ids_of(db, "Henrik Soelberg")
    assert cli("correct", str(denial), "--reject", "--by", "Ann", "--db", db).exit_code == 0
    grid = readonly.get("/api/outlets/claims").json()
    assert {o["outlet"]: o["relations"] for o in grid["outlets"]}["ledger.example"] == {"1": "confirmed"}
    page = readonly.get("/outlets/claims").text
    assert '<img class="grid" src="/outlets/claims.svg"' in page and "<svg" not in page
    svg = readonly.get("/outlets/claims.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count('<rect class="cell"') == 2 and "ledger.example on c1: confirmed" in svg.text


def test_the_grid_escapes_a_hostile_outlet(tmp_path):
    path = tmp_path / "h.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        for r in story_reports()[:3]:
            store.add_report(r, outlet='<script>alert(1)</script><a href="javascript:x">o</a>')
    engine = open_engine(path, create=False)[0]
    try:
        client = TestClient(create_app(engine))
        svg = client.get("/outlets/claims.svg").text
        page = client.get("/outlets/claims").text
    finally:
        engine.dispose()
    assert "<script>" not in svg and "<a href" not in svg and "&lt;script&gt;alert(1)" in svg
    assert "<script>alert" not in page


def stored_and_fresh(db: str) -> tuple[list, list]:
    """Every claim's stored verdict columns, and the same judged from its statements now."""
    from onrecord.store import claims as store_claims

    engine = open_engine(db, create=False)[0]
    cols = ("status", "reason", "decided_by", "sources", "outlets", "most_reported", "status_changed")
    with engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM claims ORDER BY id")]
        stored = [dict(zip(cols, conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM claims WHERE id = ?",
                                                      (i,)).fetchone())) for i in ids]
        fresh = [store_claims.verdict_columns(store_claims.load_verdict(conn, i)) for i in ids]
    engine.dispose()
    for s in stored:
        s["most_reported"] = bool(s["most_reported"])
    return stored, fresh


def test_the_stored_verdict_is_the_fresh_one_after_every_correction_and_undo(db):
    stored, fresh = stored_and_fresh(db)
    assert stored == fresh and stored[0]["status"] == "confirmed" and stored[0]["most_reported"]
    _, (denial,) = ids_of(db, "Henrik Soelberg")
    _, (confirm,) = ids_of(db, "Lena Vask")
    keep, (quell,) = ids_of(db, "Mara Quell")
    other, (renn,) = ids_of(db, "Tomas Renn")
    steps = [("correct", str(confirm), "--stance", "disputes"), ("correct", str(denial), "--reject"),
             ("merge", str(keep), str(other)), ("split", str(keep), str(renn), "--name", "Tomas Renner")]
    seen = {stored[0]["status"]}
    entries = []
    for step in steps:
        res = cli(*step, "--by", "Ann", "--db", db, "--format", "json")
        assert res.exit_code == 0, res.output
        got = json.loads(res.stdout)
        entries += got if isinstance(got, list) else [got]
        stored, fresh = stored_and_fresh(db)
        assert stored == fresh, step
        seen.add(stored[0]["status"])
    assert {"confirmed", "contested"} <= seen  # the stance correction changed the stored status
    for entry in reversed(entries):
        assert cli("undo", str(entry["id"]), "--by", "Ann", "--db", db).exit_code == 0
        stored, fresh = stored_and_fresh(db)
        assert stored == fresh, entry["action"]
    assert stored[0]["status"] == "confirmed"
