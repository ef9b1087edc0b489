"""Bulk ingest of a batch output with vectors: the same store as one article at a time, the
batch's vectors used (or embedded again when they are not the store's), a chunk all or nothing.

The articles are built as Reports (no spaCy) from original sentences about an invented town,
so that claims recur across articles and across chunks.
"""
from __future__ import annotations

import datetime as dt
import random
import sqlite3

import numpy as np
import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")
pytest.importorskip("pyarrow")

from onrecord.batch.layout import Layout  # noqa: E402
from onrecord.batch.parquet import ShardWriter, StatementVectors, iter_vectored_reports, report_batches  # noqa: E402
from onrecord.batch.worker import embed_statements  # noqa: E402
from onrecord.inputs.article import from_text  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store import bulk, dedup, fulltext  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store, embedded_texts, ingest_items  # noqa: E402
from onrecord.store.sources import iter_items  # noqa: E402

PEOPLE = ["Ines Darrow", "Tobias Quell", "Agnes Marsh", "Pavel Renn", "Lucia Holm", "Omar Vask"]
CLAIMS = ["the Wexham ferry will stop running to the north islands in March",
          "the harbour wall was repaired with money meant for the school roof",
          "the new tram depot will cost twice what the council first said",
          "the river clinic lost its licence after the inspection in June",
          "the market hall rents will rise by a third next year",
          "the old mill bridge is unsafe for lorries heavier than ten tonnes"]
VERBS = ["said", "told reporters", "wrote"]
STANCES = ["asserts"] * 4 + ["denies", "confirms"]
TAILS = ["unless the board acts", "by the spring", "according to the minutes", "as item", "in notice"]


def make_report(i: int, rng: random.Random, dated: bool = False) -> Report:
    """An article of three statements, each restating one of CLAIMS in its own words; dated
    in no order, or ``dated`` in order (ten articles a day)."""
    said, paras = [], [f"Town notes {i}"]
    for k in range(3):
        who, claim = rng.choice(PEOPLE), rng.choice(CLAIMS)
        stance = rng.choice(STANCES)
        # every statement in words of its own: no two vectors tie as nearest neighbours
        words = f"{claim} {rng.choice(TAILS)} {i * 3 + k}"
        cue = {"denies": "denied", "confirms": "confirmed"}.get(stance) or rng.choice(VERBS)
        paras.append(f"{who} {cue} that {words}. Item {i}-{k} followed.")
        said.append((who, words, stance))
    text = "\n\n".join(paras)
    attrs, ents, at = [], [], 0
    for k, (who, words, stance) in enumerate(said, 1):
        s = text.index(who, at)
        c = text.index(words, s)
        at = c + len(words)
        attrs.append(Attribution(f"a{k}", "indirect", Speaker(s, s + len(who), who, who, "PERSON"),
                                 Span(s + len(who) + 1, s + len(who) + 5, text[s + len(who) + 1:s + len(who) + 5]),
                                 Content(c, c + len(words), words, [(c, c + len(words))]), stance=stance))
        ents.append(Entity(who, "PERSON", [who], [(s, s + len(who))]))
    day = (dt.date(2025, 1, 1) + dt.timedelta(days=i // 10)).isoformat() if dated else f"2025-0{1 + i % 9}-1{i % 10}"
    article = from_text(text, doc_id=f"town{i}", published=day, url=f"https://town.example/{i}")
    return Report(article=article, attributions=attrs, entities=ents)


def write_output(out, n: int, embedder=None, per_shard: int = 16, dated: bool = False):
    """A batch output of ``n`` generated articles, with vectors unless ``embedder`` is None
    (``dated``: as ``make_report``)."""
    layout = Layout(out)
    layout.create()
    rng = random.Random(4)
    for first in range(0, n, per_shard):
        ids = range(first, min(first + per_shard, n))
        writer = ShardWriter(layout, f"s{first:05d}", [f"town/{i}" for i in ids],
                             (embedder.name, embedder.dim) if embedder else None)
        for i in ids:
            report = make_report(i, rng, dated)
            vectors = embed_statements(report, embedder) if embedder else None
            writer.add(report_batches(report, report.article.url, f"town/{i}", 0), 0, vectors)
        writer.commit()
    return out


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the texts it embeds."""

    def __init__(self, dim: int = 256):
        super().__init__(dim)
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return super().embed(texts)


def claim_groups(db) -> tuple[set, list]:
    """The store's claims as sets of (article URL, statement) and every statement's claim status."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT a.url, s.local_id, s.claim_id, c.status FROM statements s "
                       "JOIN articles a ON a.id = s.article_id JOIN claims c ON c.id = s.claim_id "
                       "ORDER BY a.url, s.local_id").fetchall()
    groups: dict = {}
    for url, local, claim, _ in rows:
        groups.setdefault(claim, set()).add((url, local))
    return {frozenset(g) for g in groups.values()}, [(u, loc, st) for u, loc, _, st in rows]


@pytest.mark.parametrize("chunk, dated, limit", [(16, False, None), (bulk.CHUNK, False, None), (16, True, None),
                                                 (16, True, 60)])
def test_bulk_ingest_makes_the_store_one_article_at_a_time_makes(tmp_path, monkeypatch, chunk, dated, limit):
    # 80 articles: statements that score alike (the hashing embedder's repeated words) sit at
    # the edge of a statement's nearest neighbours, which the index returns in any order.
    # Dated in order, a chunk's statements follow its claims' rows: their judgements are
    # extended (claims.Judgement), not judged again. ``limit``: a memo limit small enough that
    # every chunk lets go of part of the memo (linking.ChunkMemo.evict) and keeps the rest
    from onrecord.store import claims, linking
    evicted = []
    if limit is not None:
        monkeypatch.setattr(bulk, "MEMO_LIMIT", limit)
        evict = linking.ChunkMemo.evict

        def counting_evict(memo, lim):
            evict(memo, lim)
            evicted.append(memo.size())
        monkeypatch.setattr(linking.ChunkMemo, "evict", counting_evict)
    out = write_output(tmp_path / "out", 80, HashingEmbedder(), dated=dated)
    one, many = tmp_path / "one.sqlite", tmp_path / "bulk.sqlite"
    with Store.open(one, HashingEmbedder()) as store:
        ingest_items(store, iter_items([str(out)]))
    extended = []
    extend = claims.Judgement.extend

    def counting(judgement, rows):
        extended.append(judgement.seen > 0 and bool(rows))
        return extend(judgement, rows)
    monkeypatch.setattr(claims.Judgement, "extend", counting)
    with Store.open(many, HashingEmbedder()) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]), chunk=chunk)
    assert summary.added == 80 and summary.statements == 240
    if dated:  # judgements did go on from chunk to chunk (fewer where the memo let go of them)
        assert sum(extended) > (20 if limit is None else 3)
    if limit is not None:  # part of the memo went, part stayed
        assert len(evicted) >= 3 and all(size <= limit // 2 for size in evicted) and any(evicted)
    groups_one, rows_one = claim_groups(one)
    groups_bulk, rows_bulk = claim_groups(many)
    assert len(groups_one) < 60  # the statements did link across articles (and across chunks)
    assert {"confirmed", "contested"} <= {status for *_, status in rows_one}
    assert groups_bulk == groups_one
    assert rows_bulk == rows_one  # every statement's claim has the same status
    verdicts = "SELECT text, status, reason, decided_by, sources, outlets, n_statements, first_published FROM claims ORDER BY id"
    assert sqlite3.connect(many).execute(verdicts).fetchall() == sqlite3.connect(one).execute(verdicts).fetchall()


def full_text(db) -> dict[str, list]:
    """Every word of both FTS5 indexes, where it occurs (``fts5vocab``: the index itself, not
    the rows it points at)."""
    con = sqlite3.connect(db)
    got = {}
    for fts, *_ in fulltext.INDEXES:
        con.execute(f"CREATE VIRTUAL TABLE temp.v_{fts} USING fts5vocab(main, {fts}, 'instance')")
        got[fts] = con.execute(f"SELECT * FROM temp.v_{fts} ORDER BY 1, 2, 3, 4").fetchall()
    return got


def triggers(db) -> set[str]:
    return {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_a_chunk_fills_the_full_text_indexes_at_its_end_as_the_triggers_do_row_by_row(tmp_path, monkeypatch):
    out = write_output(tmp_path / "out", 40, HashingEmbedder())
    one, many = tmp_path / "one.sqlite", tmp_path / "bulk.sqlite"
    with Store.open(one, HashingEmbedder()) as store:
        ingest_items(store, iter_items([str(out)]))
    during = []
    real = bulk._write

    def looking(conn, *args, **kwargs):  # what the triggers are while a chunk writes
        during.append({r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")})
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(bulk, "_write", looking)
    with Store.open(many, HashingEmbedder()) as store:
        bulk.ingest_reports(store, iter_items([str(out)]), chunk=16)
    names = {trigger for _, trigger, _, _ in fulltext.INDEXES}
    assert len(during) == 40 and all(not (names & seen) for seen in during)  # not row by row
    assert names <= triggers(many) == triggers(one)  # and there again for every other writer
    expected = full_text(one)
    assert len(expected["articles_fts"]) > 1000 and len(expected["statements_fts"]) > 500
    assert full_text(many) == expected
    # a writer after the run (one article at a time) is indexed by the triggers again
    extra = write_output(tmp_path / "extra", 44, HashingEmbedder())
    with Store.open(many, HashingEmbedder()) as store:
        ingest_items(store, iter_items([str(extra)]))
    with Store.open(one, HashingEmbedder()) as store:
        ingest_items(store, iter_items([str(extra)]))
    assert full_text(many) == full_text(one) != expected


def test_a_claim_made_in_the_run_is_never_read_back_from_the_store(tmp_path, monkeypatch):
    """What a query would read of a claim a run made (its rows, supporters, anchor vector) is
    known when it is made (``ChunkMemo.created``): into an empty store, no claim is read back."""
    from onrecord.store import claims, linking
    read = []
    for module, name in ((claims, "load_rows"), (linking, "supporters"), (linking, "anchor_vectors")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda conn, ids, *a, _real=real, _name=name, **k:
                            (read.append((_name, ids)), _real(conn, ids, *a, **k))[1])
    out = write_output(tmp_path / "out", 48, HashingEmbedder(), dated=True)
    with Store.open(tmp_path / "s.sqlite", HashingEmbedder()) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]), chunk=16)
    groups, rows = claim_groups(tmp_path / "s.sqlite")
    assert summary.statements == 144 and len(groups) < 100  # statements did join claims made before
    assert read == []
    # one article at a time (no memo), the same claims are read back
    with Store.open(tmp_path / "one.sqlite", HashingEmbedder()) as store:
        ingest_items(store, iter_items([str(out)]))
    assert {name for name, _ in read} >= {"load_rows", "anchor_vectors"}
    assert claim_groups(tmp_path / "one.sqlite") == (groups, rows)


def test_the_batch_vectors_are_used_and_nothing_is_embedded(tmp_path):
    out = write_output(tmp_path / "out", 20, HashingEmbedder())
    embedder = CountingEmbedder()
    with Store.open(tmp_path / "s.sqlite", embedder) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]), chunk=8)
        assert len(store.index) == summary.statements == 60
    assert embedder.texts == 0


def test_vectors_of_another_embedder_are_embedded_again_and_said(tmp_path):
    out = write_output(tmp_path / "out", 10, HashingEmbedder(256))
    embedder, said = CountingEmbedder(64), []
    with Store.open(tmp_path / "s.sqlite", embedder) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]), notify=said.append)
    # every statement's text again, and the words alone of each response (embedded_texts)
    assert summary.statements == 30
    assert embedder.texts == sum(len(embedded_texts(item.report)) for item in iter_items([str(out)])) > 30
    assert len(said) == 1 and "hashing-256" in said[0] and "hashing-64" in said[0]


def test_an_output_without_vectors_is_embedded_in_one_call_per_chunk(tmp_path):
    out = write_output(tmp_path / "out", 12, None)
    assert not list((out / "vectors").glob("*.parquet"))
    embedder = CountingEmbedder()
    calls = []
    embed = embedder.embed
    embedder.embed = lambda texts: calls.append(len(texts)) or embed(texts)
    with Store.open(tmp_path / "s.sqlite", embedder) as store:
        bulk.ingest_reports(store, iter_items([str(out)]), chunk=6)
    items = list(iter_items([str(out)]))
    per_chunk = [sum(len(embedded_texts(i.report)) for i in items[k:k + 6]) for k in (0, 6)]
    assert calls == per_chunk and min(per_chunk) >= 18  # 3 statements an article, and their words


def test_a_failure_inside_a_chunk_stores_none_of_it_and_a_rerun_stores_each_once(tmp_path, monkeypatch):
    out = write_output(tmp_path / "out", 24, HashingEmbedder())
    db = tmp_path / "s.sqlite"
    real, seen = bulk._write, []

    def failing(conn, *args, **kwargs):
        seen.append(1)
        if len(seen) == 11:  # the third article of the second chunk
            raise RuntimeError("killed")
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(bulk, "_write", failing)
    with Store.open(db, HashingEmbedder()) as store, pytest.raises(RuntimeError):
        bulk.ingest_reports(store, iter_items([str(out)]), chunk=8)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 8  # the first chunk only
    assert con.execute("SELECT count(*) FROM statements").fetchone()[0] == 24
    # the chunk that failed had dropped the full-text triggers: its rollback brought them back,
    # and the indexes hold the first chunk's words only
    assert {trigger for _, trigger, _, _ in fulltext.INDEXES} <= triggers(db)
    indexed = {fts: {doc for _, doc, _, _ in rows} for fts, rows in full_text(db).items()}
    assert indexed == {"articles_fts": {r[0] for r in con.execute("SELECT id FROM articles")},
                       "statements_fts": {r[0] for r in con.execute("SELECT id FROM statements")}}
    monkeypatch.setattr(bulk, "_write", real)
    with Store.open(db, HashingEmbedder()) as store:
        summary = bulk.ingest_reports(store, iter_items([str(out)]), chunk=8)
        assert len(store.index) == 72
    assert (summary.added, summary.duplicates) == (16, 8)
    assert con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (24, 24)
    assert con.execute("SELECT count(*) FROM statements WHERE claim_id IS NULL").fetchone()[0] == 0


def test_vectors_come_back_with_their_article_across_row_groups(tmp_path, monkeypatch):
    from onrecord.batch import parquet

    monkeypatch.setattr(parquet, "ROW_GROUP_ARTICLES", 3)
    embedder = HashingEmbedder(32)
    layout = Layout(tmp_path / "out")
    layout.create()
    writer = ShardWriter(layout, "one", ["x"], (embedder.name, embedder.dim))
    rng = random.Random(1)
    expected = []
    for i in range(8):
        report = make_report(i, rng)
        if i == 4:  # an article without statements
            report = Report(article=report.article)
        vectors = embed_statements(report, embedder)
        expected.append(vectors)
        writer.add(report_batches(report, report.article.url, f"x:{i}", 0), 0, vectors)
    writer.commit()
    got = list(iter_vectored_reports(tmp_path / "out"))
    assert [r.article.url for _, r, _, _ in got] == [f"https://town.example/{i}" for i in range(8)]
    for (_, report, vectors, bands), want in zip(got, expected):
        # the near-copy keys the batch computed are those the store would compute
        assert bands == dedup.band_keys(dedup.normalise_text(report.article.text)) and len(bands) == dedup.BANDS
        assert vectors.embedder == "hashing-32"
        assert vectors.texts == want.texts == embedded_texts(report)
        assert np.array_equal(vectors.vectors, want.vectors)
    assert got[4][2].vectors.shape == (0, 32)


def test_a_shard_writing_vectors_refuses_an_article_without_them(tmp_path):
    layout = Layout(tmp_path / "out")
    layout.create()
    writer = ShardWriter(layout, "one", ["x"], ("hashing-256", 256))
    report = make_report(0, random.Random(0))
    with pytest.raises(ValueError, match="statement vectors"):
        writer.add(report_batches(report, report.article.url, "x", 0), 0, None)
    writer.abort()
    assert StatementVectors("e", [], np.empty((0, 2))).texts == []


@pytest.mark.parametrize("table", ["vectors", "articles"])
def test_a_garbled_parquet_file_stops_ingest_with_one_line_naming_it_before_anything_is_stored(tmp_path, table):
    from typer.testing import CliRunner

    from onrecord.cli import app

    out = write_output(tmp_path / "out", 40, HashingEmbedder())
    garbled = sorted((out / table).glob("part-*.parquet"))[1]  # the second shard: the first is sound
    garbled.write_bytes(b"PAR1" + bytes(range(256)) * 8)
    db = tmp_path / "s.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(out), "--db", str(db), "--embedder", "hashing"])
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and str(garbled) in message and "not a readable Parquet file" in message
    assert "Traceback" not in result.output
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_the_library_ingest_of_a_batch_output_takes_the_bulk_path(tmp_path, monkeypatch):
    out = write_output(tmp_path / "out", 20, HashingEmbedder())
    chunks = []
    real = bulk._flush
    monkeypatch.setattr(bulk, "_flush", lambda store, items, *a: (chunks.append(len(items)), real(store, items, *a)))
    seen = []
    summary = bulk.ingest_paths([str(out)], tmp_path / "s.sqlite", embedder=HashingEmbedder(), on_outcome=seen.append)
    assert summary.added == 20 and [o.status for o in seen] == ["added"] * 20
    assert 20 in chunks  # one chunk of the twenty articles, not twenty transactions
    assert not bulk.takes_bulk([]) and not bulk.takes_bulk([str(out), str(tmp_path)])


def test_the_band_keys_a_batch_computed_are_stored_and_an_output_without_them_gets_its_own(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    out = write_output(tmp_path / "out", 20, HashingEmbedder())
    with Store.open(tmp_path / "ref.sqlite", HashingEmbedder()) as store:  # one by one: keys computed here
        ingest_items(store, iter_items([str(out)]))
    ref = sqlite3.connect(tmp_path / "ref.sqlite")
    expected = sorted(ref.execute("SELECT a.url, b.band, b.hash FROM article_bands b JOIN articles a "
                                  "ON a.id = b.article_id").fetchall())
    assert len(expected) == 20 * dedup.BANDS
    calls = []
    real = dedup.band_keys
    monkeypatch.setattr(dedup, "band_keys", lambda norm: (calls.append(1), real(norm))[1])
    with Store.open(tmp_path / "bulk.sqlite", HashingEmbedder()) as store:
        bulk.ingest_reports(store, iter_items([str(out)]))
    assert calls == []  # the batch's keys were taken: none computed at ingest
    got = sqlite3.connect(tmp_path / "bulk.sqlite").execute(
        "SELECT a.url, b.band, b.hash FROM article_bands b JOIN articles a ON a.id = b.article_id").fetchall()
    assert sorted(got) == expected
    # an output of an older onrecord (no bands column) or of other MinHash settings: computed again
    for part in sorted((out / "articles").glob("part-*.parquet")):
        table = pq.read_table(part)
        pq.write_table(table.drop(["bands"]), part)
    with Store.open(tmp_path / "old.sqlite", HashingEmbedder()) as store:
        bulk.ingest_reports(store, iter_items([str(out)]))
    assert len(calls) == 20
    old = sqlite3.connect(tmp_path / "old.sqlite").execute(
        "SELECT a.url, b.band, b.hash FROM article_bands b JOIN articles a ON a.id = b.article_id").fetchall()
    assert sorted(old) == expected
    fresh = write_output(tmp_path / "fresh", 4, HashingEmbedder())
    assert all(bands is not None for _, _, _, bands in iter_vectored_reports(fresh))
    monkeypatch.setattr(dedup, "SIGNATURE", "minhash-other")  # keys of other settings are not taken
    assert all(bands is None for _, _, _, bands in iter_vectored_reports(fresh))


def test_the_linking_memo_goes_on_from_chunk_to_chunk_until_someone_else_writes(tmp_path, monkeypatch):
    """Chunks of one run share what linking read; a write by anyone else between two chunks (an
    article, a correction) makes the next chunk read afresh, and the store is the one a run
    whose every chunk reads afresh makes."""
    from onrecord.store import linking
    from onrecord.store.correct import correct_statement

    out = write_output(tmp_path / "out", 48, HashingEmbedder())
    made = []
    real_memo, real_flush, real_evict = linking.ChunkMemo, bulk._flush, linking.ChunkMemo.evict
    monkeypatch.setattr(linking, "ChunkMemo", lambda: (made.append(1), real_memo())[1])

    def evict(memo, limit):  # a memo emptied counts as a new one
        real_evict(memo, limit)
        if memo.size() == 0 and not memo._rows and not memo._judgements:
            made.append(1)
    monkeypatch.setattr(real_memo, "evict", evict)
    other = make_report(1000, random.Random(9))

    def ingest(db, interleave: bool) -> int:
        """Six chunks of eight; with ``interleave``, another writer stores an article before the
        third and corrects a statement before the fifth. The memos made."""
        made.clear()
        flushes = []

        def flush(store, items, state, done):
            if items:
                flushes.append(len(items))
                if interleave and len(flushes) == 3:
                    with Store.open(db, HashingEmbedder()) as writer:
                        writer.add_report(other, source="elsewhere")
                if interleave and len(flushes) == 5:
                    with Store.open(db, HashingEmbedder()) as writer, writer.engine.begin() as conn:
                        correct_statement(conn, 1, "stance", "disputes", "an editor")
            return real_flush(store, items, state, done)

        monkeypatch.setattr(bulk, "_flush", flush)
        with Store.open(db, HashingEmbedder()) as store:
            bulk.ingest_reports(store, iter_items([str(out)]), chunk=8)
        assert flushes == [8] * 6
        return len(made)

    assert ingest(tmp_path / "alone.sqlite", False) == 1  # six chunks, one memo
    assert ingest(tmp_path / "kept.sqlite", True) == 3  # the first, then after each other write
    monkeypatch.setattr(bulk, "MEMO_LIMIT", -1)  # every chunk lets go of the whole memo: reads afresh
    assert ingest(tmp_path / "fresh.sqlite", True) == 6
    assert claim_groups(tmp_path / "kept.sqlite") == claim_groups(tmp_path / "fresh.sqlite")
    verdicts = "SELECT text, status, reason, decided_by, sources, outlets, n_statements FROM claims ORDER BY id"
    kept, fresh = (sqlite3.connect(tmp_path / f"{n}.sqlite").execute(verdicts).fetchall() for n in ("kept", "fresh"))
    assert kept == fresh


def test_nearest_keeps_what_sorting_every_hit_keeps():
    """``linking.nearest`` sorts only the hits within a rounding of the tenth best: the same ten,
    in the same order, as sorting every hit (ties to TIE_DIGITS oldest first)."""
    from onrecord.store import linking

    rng = random.Random(7)
    for _ in range(2000):
        n = rng.randrange(0, 70)
        base = [round(rng.uniform(0.3, 0.9), rng.choice([2, 5, 7])) for _ in range(n)]
        hits = [(rng.randrange(1, 10_000), c + rng.choice([0.0, 1e-7, -1e-7, 4e-6, 1e-5])) for c in base]
        every = sorted(hits, key=lambda h: (-round(h[1], linking.TIE_DIGITS), h[0]))[:linking.NEIGHBOURS]
        assert linking.nearest(hits) == every


def test_what_falls_below_the_floor_of_the_index_hits_is_never_what_nearest_keeps():
    """``bulk._best`` with ``bulk._floor`` (only what may reach the tenth best of a statement's
    index hits) gives ``linking.nearest`` what every exact cosine gives it: the same ten, in the
    same order, ties to TIE_DIGITS and rows with more candidates than SEARCHED included."""
    from onrecord.store import linking

    rng = np.random.default_rng(11)
    checked = []
    for _ in range(300):
        rows, cols = int(rng.integers(1, 12)), int(rng.integers(0, 90))
        # cosines rounded to few digits and near-ties a rounding apart, as restatements give
        cosines = np.round(rng.uniform(0.2, 0.9, (rows, cols)), int(rng.choice([1, 2, 5]))).astype(np.float32)
        cosines += rng.choice([0.0, 1e-7, 4e-6, 1e-5], (rows, cols)).astype(np.float32)
        ids = rng.permutation(100_000)[:cols].astype(np.int64) + 1
        stored = [[(int(i), float(c)) for i, c in zip(rng.integers(200_000, 300_000, n),
                                                     np.round(rng.uniform(0.2, 0.9, n), 2))]
                  for n in rng.integers(0, 31, rows)]
        floor = bulk._floor(stored)
        assert all((f == -np.inf) == (len(s) < linking.NEIGHBOURS) for f, s in zip(floor, stored))
        none = [[] for _ in stored]
        with_floor = bulk._merged(stored, bulk._best(cosines, ids, floor), none)
        assert with_floor == bulk._merged(stored, bulk._best(cosines, ids), none)  # as before the floor
        for s, row, got in zip(stored, cosines, with_floor):
            every = linking.nearest(s + list(zip(ids.tolist(), row.tolist())))
            tenth = sorted([c for _, c in s] + row.tolist(), reverse=True)[:linking.NEIGHBOURS][-1:] or [0.0]
            if (row >= tenth[0] - 2e-5).sum() <= linking.SEARCHED:  # else SEARCHED may cut a tie
                assert got == every
                checked.append(1)
    assert len(checked) > 1000
