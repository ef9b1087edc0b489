"""The store without spaCy or the sentence model: hand-built Reports, the hashing embedder."""
from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from sqlalchemy import func, select  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from onrecord.inputs.article import from_text  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store import db as store_db, linking, names, queries  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.store.schema import articles, claims, entities, statements  # noqa: E402
from onrecord.store.sources import Item, iter_items  # noqa: E402


def make_report(text: str, said: list[tuple], *, published: str, url: str | None = None,
                doc_id: str = "doc") -> Report:
    """A Report from (speaker mention, entity name, type, content words, cue, stance) tuples."""
    text += BACKGROUND.get(doc_id, "")
    article = from_text(text, doc_id=doc_id, published=published, url=url)
    attrs, ents = [], {}
    for n, (mention, entity, type_, words, cue, stance) in enumerate(said, 1):
        s = text.index(mention)
        c = text.index(words)
        k = text.index(cue)
        attrs.append(Attribution(id=f"a{n}", kind="indirect",
                                 speaker=Speaker(s, s + len(mention), mention, entity, type_),
                                 cue=Span(k, k + len(cue), cue),
                                 content=Content(c, c + len(words), words, [(c, c + len(words))]),
                                 stance=stance))
        ent = ents.setdefault(entity, Entity(entity, type_))
        if mention not in ent.aliases:
            ent.aliases.append(mention)
        ent.mentions.append((s, s + len(mention)))
    return Report(article=article, attributions=attrs, entities=list(ents.values()))


BACKGROUND = {
    "one": "\n\nResidents at the meeting asked whether families should stop drinking tap water for now.",
    "two": "\n\nAbout two hundred people marched through the town on Saturday; police said it was peaceful.",
    "three": "\n\nThe first results of the spring tests were published on Monday, covering 120 taps in town.",
    "four": "\n\nThe inspectorate's report runs to ninety pages and was sent to the council on Thursday night.",
}
LEAD = ("Councillor Mara Quell said that the Halden Water Authority had known since January that lead "
        "in the Upper Mere reservoir was above the legal limit.")
REPEAT = ("Campaigner Tomas Renn said that the Halden Water Authority had known since January that lead "
          "in the Upper Mere reservoir was above the legal limit.")
DENIAL = ("Henrik Soelberg denied that the Halden Water Authority had known since January that lead "
          "in the Upper Mere reservoir was above the legal limit.")
CONFIRM = ("Inspector Lena Vask confirmed that the Halden Water Authority had known since January that lead "
           "in the Upper Mere reservoir was above the legal limit.")
CLAUSE = "that the Halden Water Authority had known since January that lead in the Upper Mere reservoir was above the legal limit"


def story_reports() -> list[Report]:
    """Four short articles on one claim: made, repeated, denied, confirmed."""
    return [
        make_report(LEAD, [("Councillor Mara Quell", "Mara Quell", "PERSON", CLAUSE, "said", "asserts")],
                    published="2025-03-04", url="https://courier.example/1", doc_id="one"),
        make_report(REPEAT, [("Campaigner Tomas Renn", "Tomas Renn", "PERSON", CLAUSE, "said", "asserts")],
                    published="2025-03-22", url="https://courier.example/2", doc_id="two"),
        make_report(DENIAL, [("Henrik Soelberg", "Henrik Soelberg", "PERSON", CLAUSE, "denied", "denies")],
                    published="2025-04-14", url="https://ledger.example/3", doc_id="three"),
        make_report(CONFIRM, [("Inspector Lena Vask", "Lena Vask", "PERSON", CLAUSE, "confirmed", "confirms")],
                    published="2025-09-18", url="https://ledger.example/4", doc_id="four"),
    ]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.sqlite", HashingEmbedder()) as s:
        yield s


def count(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_rerun_adds_nothing(store):
    for r in story_reports():
        assert store.add_report(r).status == "added"
    before = [count(store, t) for t in (articles, statements, claims, entities)]
    outcomes = [store.add_report(r).status for r in story_reports()]
    assert outcomes == ["duplicate"] * 4
    assert [count(store, t) for t in (articles, statements, claims, entities)] == before


def test_same_text_other_url_and_same_url_other_text_are_duplicates(store):
    store.add_report(story_reports()[0])
    same_text = make_report(LEAD, [], published="2025-03-05", url="https://mirror.example/x", doc_id="one")
    same_url = make_report("Something else entirely was said here by nobody at all.", [],
                           published="2025-03-05", url="https://courier.example/1/")
    assert store.add_report(same_text).status == "duplicate"
    assert store.add_report(same_url).status == "duplicate"
    assert count(store, articles) == 1


def test_syndicated_copy_is_linked_to_its_original(store):
    body = " ".join([LEAD] * 3 + ["The reservoir supplies drinking water to about 40,000 homes in Halden."])
    first = store.add_report(make_report(body, [], published="2025-03-04", url="https://a.example/1"))
    copy = make_report("This story was first published by the Courier.\n\n" + body, [],
                       published="2025-03-05", url="https://b.example/1")
    outcome = store.add_report(copy)
    assert outcome.status == "copy"
    with store.engine.connect() as conn:
        assert conn.execute(select(articles.c.copy_of).where(articles.c.id == outcome.article_id)).scalar() \
            == first.article_id


def test_different_article_is_not_a_copy(store):
    store.add_report(make_report(LEAD * 2, [], published="2025-03-04"))
    other = ("The school has switched off its drinking fountains until the inspectorate finishes its tests, "
             "the head teacher said, and parents were told by letter on Monday morning.")
    assert store.add_report(make_report(other, [], published="2025-03-05")).status == "added"


def test_one_person_across_spellings_and_titles(store):
    texts = [("Henrik Solberg said the water was safe to drink in every part of town.", "Henrik Solberg"),
             ("Dr. Henrik Soelberg said the water was tested at 120 taps across the town.", "Dr. Henrik Soelberg"),
             ("Director Solberg said the pipes would be replaced by the end of 2027.", "Director Solberg")]
    for n, (text, mention) in enumerate(texts):
        words = text[len(mention) + 6:-1]
        store.add_report(make_report(text, [(mention, mention, "PERSON", words, "said", "asserts")],
                                     published=f"2025-0{n + 3}-01", doc_id=f"d{n}"))
    with store.engine.connect() as conn:
        people = conn.execute(select(entities.c.name).where(entities.c.type == "PERSON")).scalars().all()
    assert people == ["Henrik Solberg"]
    found, rows = queries.who(store.engine, "Mr. Soelberg")
    assert [e.name for e in found] == ["Henrik Solberg"] and len(rows) == 3


def test_different_people_with_similar_names_stay_apart(store):
    texts = [("Tomas Renn said the authority had kept quiet about the lead for months.", "Tomas Renn"),
             ("Tobias Renn said the school fountains would stay off until the tests are done.", "Tobias Renn"),
             ("Mara Quell said the council would ask for an independent test of the water.", "Mara Quell"),
             ("Maren Quell said the library would stay open late during the works.", "Maren Quell")]
    for n, (text, mention) in enumerate(texts):
        store.add_report(make_report(text, [(mention, mention, "PERSON", text[len(mention) + 6:-1], "said",
                                             "asserts")], published="2025-05-01", doc_id=f"p{n}"))
    with store.engine.connect() as conn:
        people = sorted(conn.execute(select(entities.c.name)).scalars().all())
    assert people == ["Mara Quell", "Maren Quell", "Tobias Renn", "Tomas Renn"]
    assert sorted(e.name for e in queries.who(store.engine, "Renn")[0]) == ["Tobias Renn", "Tomas Renn"]
    assert [e.name for e in queries.who(store.engine, "Tomas Renn")[0]] == ["Tomas Renn"]


@pytest.mark.parametrize("a,b,same", [
    ("Henrik Solberg", "Henrik Soelberg", True),
    ("Councillor Mara Quell", "Mara Quell", True),
    ("Halden Mayor Ines Darrow", "Ines Darow", True),
    ("J. Varnai", "József Várnai", True),
    ("Tomas Renn", "Tobias Renn", False),
    ("Ines Lee", "Ines Li", False),
    ("Mara Quell", "Maren Quell", False),
    ("Mara Quell", "Mara Quill", True),  # one letter, same sound: taken for a misspelling
])
def test_same_person_rule(a, b, same):
    assert names.same_person(names.person_words(a), names.person_words(b)) is same


def test_organisation_and_its_acronym_are_one(store):
    store.add_report(make_report("The Halden Water Authority said all lead pipes would go by 2027.",
                                 [("Halden Water Authority", "Halden Water Authority", "ORG",
                                   "all lead pipes would go by 2027", "said", "asserts")], published="2025-05-09"))
    store.add_report(make_report("The HWA said in a statement that the works start on Monday next week.",
                                 [("HWA", "HWA", "ORG", "that the works start on Monday next week", "said",
                                   "asserts")], published="2025-07-07", doc_id="b"))
    found, rows = queries.who(store.engine, "HWA")
    assert [e.name for e in found] == ["Halden Water Authority"] and len(rows) == 2


def test_claim_timeline_made_repeated_denied_confirmed(store):
    for r in story_reports():
        store.add_report(r)
    found = queries.list_claims(store.engine, about="Upper Mere reservoir")
    assert len(found) == 1
    line = queries.timeline(store.engine, f"c{found[0].id}")
    assert [(e.published, e.speaker, e.role) for e in line.events] == [
        ("2025-03-04", "Mara Quell", "first reported"), ("2025-03-22", "Tomas Renn", "repeated"),
        ("2025-04-14", "Henrik Soelberg", "denied"), ("2025-09-18", "Lena Vask", "confirmed")]
    assert line.claim.status == "confirmed" and line.claim.first_outlet is None


def test_first_report_is_by_date_not_by_ingest_order(store):
    for r in reversed(story_reports()):
        store.add_report(r)
    line = queries.timeline(store.engine, "Upper Mere reservoir")
    assert line.events[0].role == "first reported" and line.events[0].speaker == "Mara Quell"


def test_unrelated_statements_make_separate_claims(store):
    store.add_report(story_reports()[0])
    other = "Tobias Renn said the school fountains would stay off until the tests are done."
    store.add_report(make_report(other, [("Tobias Renn", "Tobias Renn", "PERSON",
                                          "the school fountains would stay off until the tests are done",
                                          "said", "asserts")], published="2025-06-02", doc_id="x"))
    assert count(store, claims) == 2


class Row:
    def __init__(self, stance, who):
        self.stance, self.entity_id, self.speaker_name = stance, who, None


@pytest.mark.parametrize("stances,status", [
    ([("asserts", 1)], "unconfirmed"),
    ([("asserts", 1), ("declines", 2)], "unconfirmed"),
    ([("asserts", 1), ("denies", 2)], "contested"),
    ([("asserts", 1), ("denies", 2), ("confirms", 3)], "confirmed"),
    ([("asserts", 1), ("confirms", 3), ("disputes", 2)], "contested"),
    ([("asserts", 1), ("confirms", 1)], "unconfirmed"),
    ([("asserts", None)], "stated"),
])
def test_claim_status(stances, status):
    assert linking.claim_status([Row(s, w) for s, w in stances]) == status


def test_the_store_keeps_the_engines_stance(store):
    """No regex in the store re-derives a stance: a cue that reads like a denial, or a negated
    content, keeps the stance the engine gave it."""
    store.add_report(story_reports()[0])
    store.add_report(make_report(DENIAL, [("Henrik Soelberg", "Henrik Soelberg", "PERSON", CLAUSE, "denied",
                                           "asserts")], published="2025-04-14", doc_id="three"))
    negated = "Mara Quell said that there is no lead problem in the Upper Mere reservoir at all."
    store.add_report(make_report(negated, [("Mara Quell", "Mara Quell", "PERSON",
                                            "that there is no lead problem in the Upper Mere reservoir at all",
                                            "said", "asserts")], published="2025-05-01", doc_id="neg"))
    with store.engine.connect() as conn:
        rows = conn.execute(select(statements.c.speaker_name, statements.c.stance, statements.c.record)).all()
    assert [(r.speaker_name, r.stance) for r in rows] == [
        ("Mara Quell", "asserts"), ("Henrik Soelberg", "asserts"), ("Mara Quell", "asserts")]
    assert [json.loads(r.record)["stance"] for r in rows] == ["asserts"] * 3
    assert not hasattr(linking, "effective_stance") and not hasattr(linking, "_polarity_flips")


# the review queue's index is on an expression (migration 0005), which SQLAlchemy cannot reflect
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrations_create_exactly_the_schema(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from onrecord.store.schema import metadata

    engine, _ = store_db.open_engine(tmp_path / "m.sqlite")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diffs if "fts" not in str(d)] == []
    with engine.connect() as conn:
        assert store_db.current_revision(conn) == store_db.HEAD


def _alembic(engine, direction: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store_db.__file__).parent / "migrations"))
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, revision)


def test_migration_0006_moves_the_vectors_off_the_statement_rows_and_back(tmp_path):
    """A store at 0005 keeps its vectors on the statement rows; upgrading moves each one, byte for
    byte, into statement_vectors and drops the columns; linking and the index go on from there."""
    path = tmp_path / "v.sqlite"
    with Store.open(path, HashingEmbedder()) as s:
        for r in story_reports()[:2]:
            s.add_report(r)
        engine = s.engine
        with engine.connect() as conn:
            moved = conn.exec_driver_sql("SELECT statement_id, embedding, content_embedding FROM statement_vectors "
                                         "ORDER BY statement_id").fetchall()
            linked = conn.exec_driver_sql("SELECT id FROM statements WHERE claim_id IS NOT NULL ORDER BY id").fetchall()
            columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(statements)")}
        assert [r[0] for r in moved] == [r[0] for r in linked] and len(moved) >= 2
        assert all(r[1] is not None for r in moved) and "embedding" not in columns
        _alembic(engine, "downgrade", "0005")
        with engine.connect() as conn:
            back = conn.exec_driver_sql("SELECT id, embedding, content_embedding FROM statements "
                                        "WHERE embedding IS NOT NULL ORDER BY id").fetchall()
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert [tuple(r) for r in back] == [tuple(r) for r in moved] and "statement_vectors" not in tables
    Path(str(path) + ".hnsw").unlink()  # the index is rebuilt from the moved vectors
    with Store.open(path, HashingEmbedder()) as s:  # opening upgrades 0005 -> 0006
        with s.engine.connect() as conn:
            assert store_db.current_revision(conn) == store_db.HEAD
            again = conn.exec_driver_sql("SELECT statement_id, embedding, content_embedding FROM statement_vectors "
                                         "ORDER BY statement_id").fetchall()
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert [tuple(r) for r in again] == [tuple(r) for r in moved]
        s.add_report(story_reports()[2])  # catches the index up from statement_vectors, then links
        assert len(s.index) == len(moved) + 1
        line = queries.timeline(s.engine, "Upper Mere reservoir")
        assert [e.role for e in line.events] == ["first reported", "repeated", "denied"]


def test_sqlite_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine, _ = store_db.open_engine(tmp_path / "w.sqlite")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_db.BUSY_TIMEOUT_MS


def test_db_urls(tmp_path, monkeypatch):
    assert store_db.resolve(tmp_path / "x.sqlite").path == tmp_path / "x.sqlite"
    assert store_db.resolve(f"sqlite:///{tmp_path}/y.db").path == tmp_path / "y.db"
    assert store_db.resolve("postgresql://u:p@localhost:5432/db").url.startswith("postgresql+psycopg://")
    monkeypatch.setenv("ONRECORD_DB", str(tmp_path / "env.sqlite"))
    assert store_db.resolve(None).path == tmp_path / "env.sqlite"
    monkeypatch.delenv("ONRECORD_DB")
    assert store_db.resolve(None).path.name == "onrecord.sqlite"
    with pytest.raises(store_db.StoreError, match="unsupported database"):
        store_db.resolve("mysql://localhost/db")


def test_reading_a_missing_store_is_one_clear_error(tmp_path):
    with pytest.raises(store_db.StoreError, match="no store here yet"):
        store_db.open_engine(tmp_path / "none.sqlite", create=False)


def test_other_embedder_refused(tmp_path):
    Store.open(tmp_path / "e.sqlite", HashingEmbedder()).close()
    with pytest.raises(store_db.StoreError, match="built with the hashing-256 embedder"):
        Store.open(tmp_path / "e.sqlite", HashingEmbedder(dim=64))


def test_index_rebuilt_from_stored_vectors_after_a_lost_index_file(tmp_path):
    path = tmp_path / "i.sqlite"
    with Store.open(path, HashingEmbedder()) as s:
        for r in story_reports()[:2]:
            s.add_report(r)
    Path(str(path) + ".hnsw").write_bytes(b"torn")
    with Store.open(path, HashingEmbedder()) as s:
        assert len(s.index) == 0
        s.add_report(story_reports()[2])  # catches up inside its transaction, then links
        assert len(s.index) == 3
        line = queries.timeline(s.engine, "Upper Mere reservoir")
        assert [e.role for e in line.events] == ["first reported", "repeated", "denied"]


def test_index_file_of_another_store_at_the_same_path_is_never_loaded(tmp_path):
    """A store file replaced by a new store keeps the old index file beside it: its statement
    ids are another store's, so it is not loaded (the index is built from the new store)."""
    path = tmp_path / "r.sqlite"
    with Store.open(path, HashingEmbedder()) as s:
        for r in story_reports():
            s.add_report(r)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with Store.open(path, HashingEmbedder()) as s:
        assert len(s.index) == 0
        s.add_report(story_reports()[3])
        assert len(s.index) == 1
        assert len(queries.timeline(s.engine, "Upper Mere reservoir").events) == 1  # the new store's only


def test_index_is_saved_every_so_many_articles_once_it_grew_by_a_share(tmp_path, monkeypatch):
    """The index file is written again after SAVE_EVERY articles only once the index also grew by
    SAVE_GROWTH of the saved file: its writes stay a bounded share of a long run."""
    from onrecord.store import ingest as store_ingest

    monkeypatch.setattr(store_ingest, "SAVE_EVERY", 1)
    monkeypatch.setattr(store_ingest, "SAVE_GROWTH", 1.0)  # save when the index doubled
    saves = []
    with Store.open(tmp_path / "g.sqlite", HashingEmbedder()) as s:
        monkeypatch.setattr(s.index, "save", lambda: saves.append(len(s.index)))
        for r in story_reports():  # one statement each
            s.add_report(r)
    assert saves == [1, 2, 4, 4]  # after 1, 2 and 4 statements (1 and 2 grew by all), then at close


def test_search_and_claims_about(store):
    for r in story_reports():
        store.add_report(r)
    hits = queries.search(store.engine, "Soelberg denied")
    assert len(hits) == 1 and "«Soelberg»" in hits[0].snippet
    assert queries.search(store.engine, '" OR NEAR(') == []
    assert queries.list_claims(store.engine, about="reservoir", status="contested") == []
    assert len(queries.list_claims(store.engine, status="confirmed")) == 1


def test_full_text_ranks_the_newest_matches_when_too_many_match(store, monkeypatch):
    for r in story_reports():
        store.add_report(r)
    everything = [h.article_id for h in queries.search(store.engine, "lead reservoir")]
    claims_all = [c.id for c in queries.list_claims(store.engine, about="lead reservoir")]
    assert sorted(everything) == [1, 2, 3, 4]
    monkeypatch.setattr(queries, "FTS_CANDIDATES", 2)  # only articles 3 and 4 are ranked
    newest = [h.article_id for h in queries.search(store.engine, "lead reservoir")]
    assert newest == [a for a in everything if a >= 3]
    assert [c.id for c in queries.list_claims(store.engine, about="lead reservoir")] == claims_all  # one claim
    monkeypatch.setattr(queries, "FTS_CANDIDATES", 10)  # all of them: as before the cap
    assert [h.article_id for h in queries.search(store.engine, "lead reservoir")] == everything


def test_claims_about_unfiltered_ranks_as_the_grouped_query_reading_fewer_statement_rows(tmp_path):
    """Without a filter, ``claims --about`` reads the matches' statements in rank order only until
    its claims are found; it returns what the grouped query (the filtered path, given a filter
    that keeps everything) returns, ties at the cut included, for every limit."""
    import random

    from test_store_bulk import make_report as town_report

    rng = random.Random(4)
    with Store.open(tmp_path / "r.sqlite", HashingEmbedder()) as s:
        for i in range(120):
            s.add_report(town_report(i, rng))
        engine = s.engine
    read: list[int] = []
    with engine.connect() as conn:
        matches = conn.exec_driver_sql("SELECT count(*) FROM statements_fts WHERE statements_fts MATCH 'the'").scalar()
        assert matches > 300
        conn.connection.driver_connection.set_trace_callback(
            lambda sql: read.extend([0] * sql.count(",")) if "SELECT id, claim_id FROM statements" in sql else None)
        compared = 0
        for words in ("the", "ferry", "harbour wall", "rents rise", "board acts", "tram depot cost"):
            for n in (1, 3, 20, 50):
                read.clear()
                fast = queries._claims_about(conn, words, ["1 = 1"], {}, n)
                reads = len(read)
                grouped = queries._claims_about(conn, words, ["1 = 1", "1 = 1"], {}, n)
                assert fast == grouped, (words, n)
                compared += bool(fast)
                if words == "the" and n == 3:
                    assert fast and reads < matches / 2  # one batch of rows, not every match
    assert compared == 24


def test_claims_about_with_a_status_ranks_the_newest_matches_of_that_status(store, monkeypatch):
    """``claims --about`` narrowed to a status counts, against the bound, only the statements of
    claims with that status: an older claim of another status than the newer matches is found."""
    words = "the pipes into the Lower Mere reservoir carried no lead at all last winter"
    older = make_report(f"Engineer Ines Darrow said that {words}.",
                        [("Engineer Ines Darrow", "Ines Darrow", "PERSON", words, "said", "asserts")],
                        published="2025-01-10", url="https://courier.example/0", doc_id="zero")
    store.add_report(older)
    for r in story_reports():
        store.add_report(r)
    every = queries.list_claims(store.engine, about="lead reservoir")
    assert len(every) == 2 and every[0].status != every[1].status
    first = next(c for c in every if c.first_published == "2025-01-10")
    monkeypatch.setattr(queries, "FTS_CANDIDATES", 2)  # unfiltered, only the newest two statements
    assert first.id not in [c.id for c in queries.list_claims(store.engine, about="lead reservoir")]
    assert [c.id for c in queries.list_claims(store.engine, about="lead reservoir", status=first.status)] == [first.id]
    january = queries.list_claims(store.engine, about="lead reservoir", since="2025-01-01", until="2025-01-31")
    assert [c.id for c in january] == [first.id]  # the other filters too: part of the match


def test_a_filtered_search_ranks_the_newest_matches_it_keeps(store, monkeypatch):
    """With more newer matches than are ranked, a search narrowed to an old span or to an outlet
    still finds its matches: the bound counts the matches the filters keep, not all of them."""
    for r in story_reports():
        store.add_report(r, outlet="Ledger" if "ledger" in r.article.url else "Courier")
    monkeypatch.setattr(queries, "FTS_CANDIDATES", 2)  # unfiltered, only articles 3 and 4 are ranked
    march = queries.search(store.engine, "lead reservoir", f=queries.Filters(since="2025-03-01", until="2025-03-31"))
    assert sorted(h.article_id for h in march) == [1, 2]
    by_outlet = queries.search(store.engine, "lead reservoir", f=queries.Filters(outlet="courier"))
    assert sorted(h.article_id for h in by_outlet) == [1, 2]


def test_a_span_search_finds_the_articles_an_archive_took_in_out_of_order(store, monkeypatch):
    """A date span bounds the full-text walk to the ids of the articles dated in it; an article
    of the span stored after newer ones widens that band and is found all the same."""
    reports = story_reports()
    for r in reports[1:]:  # March 22, April, September
        store.add_report(r)
    store.add_report(reports[0])  # March 4, stored last: the highest id
    monkeypatch.setattr(queries, "FTS_CANDIDATES", 2)  # the band of March holds April's article too
    march = queries.search(store.engine, "lead reservoir", f=queries.Filters(since="2025-03-01", until="2025-03-31"))
    assert sorted(h.published for h in march) == ["2025-03-04", "2025-03-22"]
    early = queries.search(store.engine, "lead reservoir", f=queries.Filters(until="2025-03-10"))
    assert [h.published for h in early] == ["2025-03-04"]
    assert queries.search(store.engine, "lead reservoir", f=queries.Filters(since="2024-01-01",
                                                                            until="2024-12-31")) == []
    assert queries.search(store.engine, "lead reservoir", f=queries.Filters(since="2025-09-01")) != []


def test_vector_index_added_in_the_background_is_searched(tmp_path):
    from onrecord.store.embeddings import VectorIndex

    index = VectorIndex(4, tmp_path / "v.hnsw", "test")
    vectors = np.eye(4, dtype=np.float32)
    index.add_later([1, 2], vectors[:2])
    assert index.max_id == 2  # at once: the next catch-up must not add them twice
    index.add_later([3, 4], vectors[2:])
    assert [i for i, _ in index.search(vectors[3], 1)] == [4]
    assert len(index) == 4
    index.add_later(range(5, 2005), np.tile(vectors, (500, 1)))  # grows past its first capacity
    index.save()
    assert len(VectorIndex.load(4, tmp_path / "v.hnsw", "test")) == 2004


def test_every_query_of_ingest_and_questions_uses_an_index(tmp_path):
    """No full scan of a table on the paths that run per article or per question."""
    from sqlalchemy import event

    seen: set[str] = set()
    with Store.open(tmp_path / "q.sqlite", HashingEmbedder()) as s:
        s.engine.dispose()
        event.listen(s.engine, "connect", lambda dbapi, _rec: dbapi.set_trace_callback(seen.add))
        for r in story_reports():
            s.add_report(r)
        s.add_report(story_reports()[0])  # a duplicate
        queries.who(s.engine, "Quell")
        queries.who(s.engine, "Mara Quell")
        queries.list_claims(s.engine, about="reservoir", status="contested")
        queries.list_claims(s.engine)
        queries.search(s.engine, "lead reservoir")
        queries.search(s.engine, "lead reservoir", f=queries.Filters(outlet="Courier", since="2025-03-01",
                                                                      until="2025-03-31"))
        queries.list_claims(s.engine, about="reservoir", outlet="Courier", since="2025-03-01", stance="assert")
        queries.timeline(s.engine, "c1")
    con = sqlite3.connect(tmp_path / "q.sqlite")
    scans = []
    for sql in seen:
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            continue
        if "sqlite_master" in sql or "alembic_version" in sql or " meta" in sql or "_fts_" in sql:
            continue
        plan = [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql)]
        # a subquery's own rows (a co-routine or a materialised one): its tables have lines of their own
        subqueries = {line.split(" ", 1)[1] for line in plan if line.startswith(("CO-ROUTINE ", "MATERIALIZE "))}
        scans += [(line, sql) for line in plan
                  if line.startswith("SCAN ") and " USING " not in line and "VIRTUAL TABLE" not in line
                  and line[len("SCAN "):] not in subqueries]
    assert len(seen) > 20 and scans == []


def test_inputs_refused_with_file_and_reason(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "a.jsonl").write_text('{"url": "https://x.example/1", "text": "Mara Quell said so."}\nnot json\n'
                                      '{"url": "https://x.example/2"}\n')
    (tmp_path / "a.gold.json").write_text("{}")
    items = list(iter_items([str(tmp_path), str(tmp_path / "missing.txt")]))
    refused = {i.source: i.error for i in items if i.error}
    assert refused[f"{tmp_path}/a.jsonl:2"].startswith("not JSON")
    assert refused[f"{tmp_path}/a.jsonl:3"] == "a record needs 'html' or 'text'"
    assert "binary" in refused[f"{tmp_path}/bin.txt"]
    assert refused[str(tmp_path / "missing.txt")] == "no such file or folder"
    good = [i for i in items if not i.error]
    assert len(good) == 1 and good[0].outlet == "x.example"


def test_text_file_takes_its_metadata_sidecar():
    story = Path(__file__).parent / "data" / "story"
    item = next(iter_items([str(story / "01-courier-lead-claim.txt")]))
    assert item.outlet == "Brackenford Courier" and item.article.published == "2025-03-04"
    assert item.article.url.startswith("https://brackenford-courier.example/")


def test_warc_records_become_articles(tmp_path):
    pytest.importorskip("warcio")
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = ("<html><head><title>Lead pipes</title></head><body><article><p>" + LEAD + "</p><p>"
            + REPEAT + "</p></article></body></html>").encode()
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://ledger.example/lead", "response",
                                                      payload=BytesIO(html), http_headers=headers))
    items = list(iter_items([str(path)]))
    assert len(items) == 1 and items[0].error is None
    assert items[0].article.url == "https://ledger.example/lead" and "Mara Quell" in items[0].article.text
    assert items[0].article.title == "Lead pipes" and items[0].article.source_format == "html"


def test_bad_analysis_is_refused_and_the_run_goes_on(store):
    article = from_text("Mara Quell said the water was unsafe to drink.", doc_id="boom")

    def broken(_article):
        raise RuntimeError("parser fell over")

    outcome = store.add_item(Item("boom.txt", article=article), analyze=broken)
    assert outcome.status == "refused" and "parser fell over" in outcome.reason
    assert count(store, articles) == 0


def _writer(path: str, offset: int) -> None:
    with Store.open(path, HashingEmbedder()) as s:
        for n in range(offset, offset + 15):
            text = f"Speaker Number{n} said that item {n} of the budget was cut by {n} percent this year."
            s.add_report(make_report(text, [(f"Speaker Number{n}", f"Alex Number{n}", "PERSON",
                                             f"that item {n} of the budget was cut by {n} percent this year",
                                             "said", "asserts")], published="2025-01-01", doc_id=f"w{n}"))


@pytest.mark.slow  # heavy: two spawned processes importing the store
def test_two_ingests_at_once_both_succeed(tmp_path):
    path = str(tmp_path / "c.sqlite")
    Store.open(path, HashingEmbedder()).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, k * 100)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    con = sqlite3.connect(path)
    assert con.execute("select count(*) from articles").fetchone()[0] == 30
    assert con.execute("select count(*) from statements where claim_id is null").fetchone()[0] == 0


def test_cli_queries_json_and_no_markup(tmp_path):
    from onrecord.cli import app

    path = tmp_path / "cli.sqlite"
    text = "Mara Quell said [bold red]the water[/bold red] was unsafe to drink in every house in town."
    with Store.open(path, HashingEmbedder()) as s:
        s.add_report(make_report(text, [("Mara Quell", "Mara Quell", "PERSON",
                                         "[bold red]the water[/bold red] was unsafe to drink in every house in town",
                                         "said", "asserts")], published="2025-03-04"))
    runner = CliRunner()
    table = runner.invoke(app, ["who", "Quell", "--db", str(path)])
    assert table.exit_code == 0 and "[bold red]the water[/bold red]" in table.stdout
    data = json.loads(runner.invoke(app, ["claims", "--db", str(path), "--format", "json"]).stdout)
    assert data[0]["first_speaker"] == "Mara Quell" and data[0]["status"] == "unconfirmed"
    line = json.loads(runner.invoke(app, ["timeline", f"c{data[0]['id']}", "--db", str(path), "-f", "json"]).stdout)
    event = line["events"][0]
    assert text[event["start"]:event["end"]] == event["words"]
    missing = runner.invoke(app, ["who", "Nobody Atall", "--db", str(path)])
    assert missing.exit_code == 1 and "Nobody Atall: no such person" in missing.stderr


@pytest.mark.parametrize("command", ["ingest", "who", "claims", "timeline", "search"])
def test_every_command_help_has_an_example(command):
    from onrecord.cli import app

    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Example: onrecord " + command in result.stdout


def test_a_store_rebuilt_from_its_articles_equals_the_store_it_was(tmp_path):
    """The upgrade path without spaCy: a stand-in analysis gives each stored text its
    hand-made attributions; every table, the full-text index and the vector index are
    written again, to the same rows."""
    made = {r.article.text: r for r in story_reports()}

    def analyze(article):
        r = made[article.text]
        return Report(article=article, attributions=r.attributions, entities=r.entities)

    path = tmp_path / "r.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        for r in story_reports():
            article = from_text(r.article.text, doc_id=r.article.doc_id, published=r.article.published,
                                url=r.article.url)
            article.title = f"Story {r.article.doc_id}"  # titled, as a metadata file titles it
            store.add_report(Report(article=article, attributions=r.attributions, entities=r.entities))
    dump = lambda: {t: sorted(sqlite3.connect(path).execute(f"SELECT * FROM {t}").fetchall(), key=repr)  # noqa: E731
                    for t in ("articles", "statements", "claims", "entities", "entity_aliases", "article_entities")}
    before = dump()
    with Store.open(path, HashingEmbedder()) as store:
        assert store.complete(analyze) == 0  # a complete store is left alone
        assert store.rederive(analyze) == 4
        assert len(store.index) == len(before["statements"])
        hits = queries.search(store.engine, "Soelberg denied")
        assert len(hits) == 1 and "«Soelberg»" in hits[0].snippet  # no stale full-text entries
        assert len(queries.list_claims(store.engine, about="Upper Mere reservoir")) == 1
    assert dump() == before


def test_ids_in_an_in_list_are_literals_and_other_values_stay_parameters(tmp_path):
    import numpy as np
    from sqlalchemy import create_engine

    from onrecord.store.sql import in_list, run

    assert in_list("s", [3, np.int64(40), -2]) == ("(3, 40, -2)", {})
    assert in_list("s", ["3); DROP TABLE t; --", 4]) == ("(:s0, :s1)", {"s0": "3); DROP TABLE t; --", "s1": 4})
    assert in_list("b", [True]) == ("(:b0)", {"b0": True})  # a flag is not an id
    eng = create_engine(f"sqlite:///{tmp_path / 'in.sqlite'}")
    with eng.begin() as conn:
        run(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        for i in range(1, 3001):
            run(conn, "INSERT INTO t (id, name) VALUES (:i, :n)", {"i": i, "n": f"n{i}"})
        where, params = in_list("s", list(range(2, 3001, 2)))  # 1,500 ids: as one statement
        assert run(conn, f"SELECT count(*) FROM t WHERE id IN {where}", params).fetchone()[0] == 1500
        where, params = in_list("n", ["n1", "n7", "nope"])
        assert [r[0] for r in run(conn, f"SELECT id FROM t WHERE name IN {where} ORDER BY id", params)] == [1, 7]
    eng.dispose()
