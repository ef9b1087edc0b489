"""The same store on PostgreSQL: a throwaway server from the machine's binaries
(tests/pg_server.py). Skipped, with the reason, when there is no server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("psycopg")

from sqlalchemy import func, select  # noqa: E402

from onrecord.report import Report  # noqa: E402
from onrecord.store import queries, record  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.store.schema import articles, claims, statement_vectors, statements  # noqa: E402

from test_store import make_report, story_reports  # noqa: E402


def test_story_on_postgresql(pg_url):
    with Store.open(pg_url, HashingEmbedder()) as store:
        for r in story_reports():
            assert store.add_report(r).status == "added"
        assert [store.add_report(r).status for r in story_reports()] == ["duplicate"] * 4
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(articles)).scalar() == 4
            assert conn.execute(select(func.count()).select_from(claims)).scalar() == 1
        line = queries.timeline(store.engine, "Upper Mere reservoir")
        assert [e.role for e in line.events] == ["first reported", "repeated", "denied", "confirmed"]
        assert line.claim.status == "confirmed"
        hits = queries.search(store.engine, "Soelberg denied")
        assert len(hits) == 1 and "«Soelberg»" in hits[0].snippet
        assert [e.name for e in queries.who(store.engine, "Dr. Soelberg")[0]] == ["Henrik Soelberg"]
        with store.engine.connect() as conn:  # the whole record, read back as analyze gave it
            for n, r in enumerate(story_reports(), 1):
                got = record.article(conn, n)
                assert got.pop("store")["article_id"] == n
                assert got == json.loads(json.dumps(r.to_dict()))


def test_postgresql_search_ranks_the_newest_matches_its_filters_keep(pg_server, monkeypatch):
    """As on SQLite (test_store.py): past ``FTS_CANDIDATES`` matches the newest are ranked, and
    a filtered search counts only the matches its filters keep."""
    from pg_server import create_database

    with Store.open(create_database(pg_server, "store_search_bound"), HashingEmbedder()) as store:
        for r in story_reports():
            store.add_report(r, outlet="Ledger" if "ledger" in r.article.url else "Courier")
        assert sorted(h.article_id for h in queries.search(store.engine, "lead reservoir")) == [1, 2, 3, 4]
        monkeypatch.setattr(queries, "FTS_CANDIDATES", 2)
        assert sorted(h.article_id for h in queries.search(store.engine, "lead reservoir")) == [3, 4]
        march = queries.search(store.engine, "lead reservoir", f=queries.Filters(since="2025-03-01", until="2025-03-31"))
        assert sorted(h.article_id for h in march) == [1, 2]
        courier = queries.search(store.engine, "lead reservoir", f=queries.Filters(outlet="courier"))
        assert sorted(h.article_id for h in courier) == [1, 2]


def test_postgresql_full_text_queries_are_planned_for_their_words_every_time(pg_server):
    """psycopg prepares a statement run five times on a connection, and PostgreSQL may then
    keep one generic plan for any words; for ``search`` that plan walked the whole articles
    table (docs/store.md). The full-text queries are never prepared; the rest still are."""
    from pg_server import create_database

    with Store.open(create_database(pg_server, "store_plans"), HashingEmbedder()) as store:
        for r in story_reports():
            store.add_report(r)
        with store.engine.connect() as conn:
            for _ in range(12):
                assert queries.search(conn, "lead reservoir")
                queries.list_claims(conn, about="reservoir")
                queries.who(conn, "Soelberg")
            prepared = [r[0] for r in conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements")]
        assert not [p for p in prepared if "tsquery" in p]
        assert any("entities" in p for p in prepared)  # who's look-ups: prepared as before


def test_postgresql_keeps_an_articles_tsvector_in_its_row(pg_server):
    """``search`` ranks its matches by reading each one's tsvector; in the row (storage MAIN,
    migration 0008) rather than in the TOAST, beside a text and record that the 20 results alone
    read. A store at 0007 gets it on open; downgrading puts the default back."""
    from pg_server import create_database

    from test_store import _alembic

    def storage(conn) -> str:
        return conn.exec_driver_sql("SELECT attstorage FROM pg_attribute WHERE attrelid = 'articles'::regclass "
                                    "AND attname = 'tsv'").scalar()

    url = create_database(pg_server, "store_tsv_inline")
    with Store.open(url, HashingEmbedder()) as store:
        with store.engine.connect() as conn:
            assert storage(conn) == "m"
        _alembic(store.engine, "downgrade", "0007")
        with store.engine.connect() as conn:
            assert storage(conn) == "x"
    with Store.open(url, HashingEmbedder()) as store:  # opening upgrades 0007 -> 0008
        text = ("Sluice keeper Ansgar Vold said the eastern gate would reopen in May. "
                + " ".join(f"tern{n} gull{n} heron{n}" for n in range(400)))
        long = make_report(text, [("Ansgar Vold", "Ansgar Vold", "PERSON", "the eastern gate would reopen in May",
                                   "said", "asserts")], published="2025-05-02", url="https://example.org/long")
        assert store.add_report(long).status == "added"
        with store.engine.connect() as conn:
            assert storage(conn) == "m"
        hits = queries.search(store.engine, "tern399 heron399")
        assert [h.url for h in hits] == ["https://example.org/long"] and "«heron399»" in hits[0].snippet


def test_postgresql_store_is_rebuilt_from_its_articles(pg_url):
    """The upgrade path on PostgreSQL: every table emptied and written again from the stored
    texts (here analysed by a stand-in giving each text its hand-made attributions)."""
    made = {r.article.text: r for r in story_reports()}

    def analyze(article):
        return Report(article=article, attributions=made[article.text].attributions,
                      entities=made[article.text].entities)

    with Store.open(pg_url, HashingEmbedder()) as store:
        before = queries.timeline(store.engine, "Upper Mere reservoir")
        assert store.rederive(analyze) == 4
        after = queries.timeline(store.engine, "Upper Mere reservoir")
        assert [(e.role, e.speaker) for e in after.events] == [(e.role, e.speaker) for e in before.events]
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(articles)).scalar() == 4


def test_postgresql_index_is_rebuilt_from_stored_vectors(pg_url):
    with Store.open(pg_url, HashingEmbedder()) as store:  # stored by the first test, or here when run alone
        for r in story_reports():
            store.add_report(r)
    with Store.open(pg_url, HashingEmbedder()) as store:
        extra = make_report("Inspector Lena Vask confirmed again that lead in the Upper Mere reservoir was above "
                            "the legal limit since January, in a letter to the council.",
                            [("Inspector Lena Vask", "Lena Vask", "PERSON",
                              "that lead in the Upper Mere reservoir was above the legal limit since January",
                              "confirmed", "confirms")], published="2025-10-01", doc_id="again")
        assert store.add_report(extra).status == "added"
        assert len(store.index) >= 5  # the four earlier statements came from the database
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count(func.distinct(statements.c.claim_id)))).scalar() == 1


def test_postgresql_index_is_kept_on_this_machine_and_never_another_stores(pg_server, index_dir):
    """A PostgreSQL store's vector index is saved in the index folder under the store's id and
    loaded on the next open (not built again from every stored vector); after a rebuild of the
    store (new statement ids) the file saved before it is never loaded again."""
    import shutil

    from onrecord.store.embeddings import VectorIndex
    from pg_server import create_database

    url = create_database(pg_server, "store_index_kept")
    made = {r.article.text: r for r in story_reports()}
    with Store.open(url, HashingEmbedder()) as store:
        for r in story_reports():
            store.add_report(r)
        path = store.index.path
        with store.engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(statement_vectors)
                                  .where(statement_vectors.c.embedding.is_not(None))).scalar()
    assert path.parent == index_dir and path.name == f"{store.index.identity['store']}.hnsw"
    assert stored >= 4 and path.exists()
    before = index_dir / "before"
    before.mkdir()
    for file in (path, Path(str(path) + ".json")):
        shutil.copy(file, before / file.name)
    added: list[int] = []
    real = VectorIndex.add

    def counting(self, ids, vectors, threads=1):
        ids = list(ids)
        added.append(len(ids))
        real(self, ids, vectors, threads)

    VectorIndex.add = counting
    try:
        with Store.open(url, HashingEmbedder()) as again:
            with again.engine.connect() as conn:
                again.catch_up(conn)  # the file held every stored vector: nothing to add
            assert len(again.index) == stored and sum(added) == 0
            old = dict(again.index.identity)
            again.rederive(lambda article: Report(article=article, attributions=made[article.text].attributions,
                                                  entities=made[article.text].entities))
            assert again.index.identity["rebuilds"] != old["rebuilds"] and len(again.index) == stored
    finally:
        VectorIndex.add = real
    for file in before.iterdir():  # the file of before the rebuild, back in its place
        shutil.copy(file, path.parent / file.name)
    with Store.open(url, HashingEmbedder()) as after:
        assert len(after.index) == 0  # not loaded: its statement ids are gone
        with after.engine.connect() as conn:
            after.catch_up(conn)
        assert len(after.index) == stored
        line = queries.timeline(after.engine, "Upper Mere reservoir")
        assert [e.role for e in line.events] == ["first reported", "repeated", "denied", "confirmed"]
