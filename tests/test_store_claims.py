"""Claims across articles (store/claims.py): relations, statuses with their reasons, and the
rules that keep a source from standing on both sides of its own claim. Fast: rows by hand."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from onrecord.inputs.article import from_text
from onrecord.records import Attribution, Entity, Speaker, Span
from onrecord.report import Report
from onrecord.store import claims
from onrecord.store.claims import Row

DATA = Path(__file__).parent / "data"


def row(i, stance, speaker, published, outlet="Gazette", entity=None, words="the roof leaked", article=None,
        speaker_text=None, copy_of=None):
    return Row(i, article or i, published, outlet, speaker, entity, stance, words,
               speaker_text or speaker, None, None, copy_of)


def relations(v):
    return [(j.row.speaker, j.relation) for j in v.rows]


def test_made_denied_then_confirmed_names_who_decides():
    v = claims.judge([
        row(3, "confirms", "the city auditor", "2025-06-12", outlet="Gazette", entity=3),
        row(1, "asserts", "the councillor", "2025-03-01", outlet="Courier", entity=1),
        row(2, "denies", "the mayor", "2025-03-06", outlet="Ledger", entity=2),
    ])
    assert relations(v) == [("the councillor", "first reported"), ("the mayor", "denied"),
                            ("the city auditor", "confirmed")]
    assert v.status == "confirmed"
    assert v.reason == ("confirmed: the city auditor, 12 June 2025 (in Gazette), "
                        "after the mayor denied it on 6 March 2025")
    assert v.decided_by == [3, 2]
    assert [(h["published"], h["status"]) for h in v.history()] == [
        ("2025-03-01", "unconfirmed"), ("2025-03-06", "contested"), ("2025-06-12", "confirmed")]
    assert v.changed_since("2025-06-01") and not v.changed_since("2025-07-01")


def test_a_denial_after_the_last_confirmation_contests():
    v = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1), row(2, "confirms", "B", "2025-01-02", entity=2),
                      row(3, "disputes", "C", "2025-01-03", entity=3)])
    assert v.status == "contested" and v.reason.startswith("contested: C disputed it, 3 January 2025")


def test_no_source_confirms_or_disputes_its_own_claim():
    v = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1), row(2, "confirms", "A", "2025-01-05", entity=1),
                      row(3, "denies", "A", "2025-01-06", entity=1)])
    assert [j.relation for j in v.rows] == ["first reported", "repeated", "denied"]
    assert v.rows[2].review == "a claimant against its own claim"
    assert v.status == "unconfirmed"


def test_a_spokeswoman_for_the_claimant_is_not_independent():
    v = claims.judge([row(1, "asserts", "Halden Water Authority", "2025-01-01", entity=1),
                      row(2, "confirms", "a spokeswoman", "2025-01-02",
                          speaker_text="a spokeswoman for the Halden Water Authority")])
    assert v.rows[1].relation == "repeated" and v.status == "unconfirmed"


def test_one_source_in_several_articles_counts_once_and_a_copy_adds_nothing():
    v = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1, outlet="Courier"),
                      row(2, "asserts", "A", "2025-01-02", entity=1, outlet="Ledger"),
                      row(3, "confirms", "B", "2025-01-03", entity=2, outlet="Wire", copy_of=9)])
    assert v.sources == 1 and v.outlets == 2
    assert v.status == "unconfirmed"
    assert not claims.worth_attention(v)


def test_most_reported_needs_two_independent_sources_or_a_dispute():
    two = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1), row(2, "asserts", "B", "2025-01-02", entity=2)])
    disputed = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1), row(2, "disputes", "B", "2025-01-02", entity=2)])
    assert claims.worth_attention(two) and claims.worth_attention(disputed)


def test_a_claimant_retracts_and_an_outlet_corrects():
    retracted = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1), row(2, "denies", "B", "2025-01-02", entity=2),
                              row(3, "retracts", "A", "2025-01-09", entity=1)])
    assert retracted.rows[2].relation == "retracted" and retracted.status == "retracted"
    assert retracted.reason.startswith("retracted: A withdrew it, 9 January 2025")
    corrected = claims.judge([row(1, "asserts", "the engineer", "2025-05-03", entity=1, outlet="Ostby Gazette"),
                              row(2, "corrects", "Ostby Gazette", "2025-05-08", outlet="Ostby Gazette")])
    assert corrected.rows[1].relation == "corrected" and corrected.status == "retracted"
    other = claims.judge([row(1, "asserts", "A", "2025-05-03", entity=1, outlet="Courier"),
                          row(2, "corrects", "the auditor", "2025-05-08", entity=5, outlet="Ledger")])
    assert other.rows[1].relation == "disputed" and other.status == "contested"


def test_the_outlets_own_voice_is_reported_and_stated():
    v = claims.judge([row(1, "asserts", None, "2025-01-01", outlet="Gazette")])
    assert v.rows[0].relation == "reported" and v.status == "stated"
    assert v.reason == "stated: Gazette in its own voice, 1 January 2025"


def test_a_negation_never_flips_a_relation_it_is_a_flag():
    v = claims.judge([row(1, "asserts", "A", "2025-01-01", entity=1, words="lead is above the limit"),
                      row(2, "asserts", "B", "2025-01-02", entity=2, words="there is no lead problem")])
    assert v.rows[1].relation == "repeated" and v.rows[1].review == "possible contradiction"
    assert v.status == "unconfirmed"


def test_rows_in_date_order_then_article_order():
    rows = [row(5, "asserts", "A", "2025-01-02", article=1), row(4, "asserts", "B", "2025-01-02", article=2),
            row(9, "asserts", "C", "2025-01-01", article=3), row(1, "asserts", "D", None, article=0)]
    assert [r.id for r in claims.ordered(rows)] == [9, 5, 4, 1]


def test_may_join_keeps_a_source_off_both_sides():
    rows = [row(1, "asserts", "A", "2025-01-01", entity=1), row(2, "denies", "B", "2025-01-02", entity=2)]
    assert not claims.may_join(rows, ("entity", 1), "denies")
    assert not claims.may_join(rows, ("entity", 2), "asserts")
    assert claims.may_join(rows, ("entity", 1), "retracts")
    assert claims.may_join(rows, ("entity", 3), "disputes")


@pytest.mark.parametrize("a, b, conflict", [
    ("the footbridge would close for six weeks", "the footbridge would close for six months", True),
    ("repairs would cost 40 million crowns", "repairs would cost 4 million crowns", True),
    ("300 patient records were lost", "the clinic lost 300 patient records", False),
    ("repairs would cost 40 million crowns", "the bridge closes for six months", False),
    ("the roof leaked", "the roof leaked in two classrooms", False),
])
def test_quantities_keep_different_figures_apart(a, b, conflict):
    assert claims.quantities_conflict(a, b) is conflict


def test_join_facts_folded_as_rows_join_read_as_the_rows_do():
    """What a bulk chunk keeps of a claim (claims.JoinFacts, folded in as statements join)
    decides as the rows themselves: the same sources on each side and the same figures."""
    said = ["the footbridge would close for six weeks", "the fares would double", "the roof leaked",
            "repairs would cost 40 million crowns", "the footbridge would close for six weeks"]
    rows = [row(1, "asserts", "A", "2025-01-01", entity=1, words=said[0]),
            row(2, "denies", "B", "2025-01-02", entity=2),
            row(3, "asserts", "C", "2025-01-03", words=said[1]),
            row(4, "asserts", "D", "2025-01-04", entity=4, words=said[2]),
            row(5, "disputes", None, "2025-01-05"),
            row(6, "asserts", "E", "2025-01-06", entity=5, words=said[3]),
            row(7, "asserts", "A", "2025-01-07", entity=1, words=said[4])]
    folded = claims.JoinFacts()
    for k in range(0, len(rows), 2):
        folded.add(rows[k:k + 2])
    whole = claims.JoinFacts.of(rows)
    assert folded == whole and folded.seen == len(rows)
    assert whole.claimants == {("entity", 1), ("name", "c"), ("entity", 4), ("entity", 5)}
    assert whole.deniers == {("entity", 2)} and whole.claimant_entities == {1, 4, 5}
    assert len(whole.figures) == 3  # six weeks (twice), double, 40 million crowns; "the roof leaked" gives none
    for text in ["the footbridge would close for six months", "the fares would triple",
                 "repairs would cost 40 million crowns", "the roof leaked in two classrooms", "nothing was said"]:
        expected = any(r.stance == "asserts" and claims.quantities_conflict(r.words, text) for r in rows)
        assert whole.figure_conflict(text) is expected, text
    for speaker, stance in [(("entity", 1), "denies"), (("entity", 2), "asserts"), (("entity", 3), "disputes"),
                            (("name", "c"), "disputes"), (None, "denies")]:
        assert claims.may_join(whole, speaker, stance) is claims.may_join(rows, speaker, stance)


def _verdict_as_stored(v):
    return (claims.verdict_columns(v), [(j.row.id, j.relation, j.review, j.status_after, j.changed) for j in v.rows],
            v.independent)


@pytest.mark.parametrize("seed", range(40))
def test_a_judgement_extended_day_by_day_is_the_judgement_of_all_rows(seed):
    """A bulk ingest extends a claim's judgement with the rows that follow the rows judged
    (claims.Judgement): its verdict, relations and history are judge()'s of all the rows."""
    import random
    rng = random.Random(seed)
    stances = ["asserts"] * 4 + ["confirms", "denies", "disputes", "declines", "retracts", "corrects", "unconfirmed"]
    people = [("Ana Berg", 1, "Ana Berg"), ("Bo Lund", 2, "a spokesman for Ana Berg"), ("Cara Holm", 3, "Cara Holm"),
              (None, None, None), ("Dag Ek", None, "Dag Ek")]
    rows = []
    for i in range(rng.randrange(1, 30)):
        speaker, entity, text = rng.choice(people)
        rows.append(row(i + 1, rng.choice(stances), speaker, f"2025-02-{1 + i // 3:02d}", outlet=rng.choice(["Gazette", "Post"]),
                        entity=entity, words=rng.choice(["the roof leaked", "the roof never leaked"]),
                        article=100 + i // 2, speaker_text=text, copy_of=7 if rng.random() < 0.1 else None))
    judgement = claims.Judgement()
    at = 0
    while at < len(rows):
        step = rng.randrange(1, 5)
        piece = rows[at:at + step]
        rng.shuffle(piece)  # a chunk's rows in any order among themselves
        assert judgement.follows(piece)
        judgement.extend(piece)
        at += step
        assert _verdict_as_stored(judgement.verdict()) == _verdict_as_stored(claims.judge(rows[:at]))
    earlier = row(999, "denies", "Cara Holm", "2025-01-01", entity=3)
    assert not judgement.follows([earlier])
    with pytest.raises(ValueError):
        judgement.extend([earlier])


@functools.cache
def _bench_judge():
    """bench/bench_judge.py, loaded from its file: its baseline (the status listing every
    claimant after each row, as DESIGN.md defines it) is what the status is checked against."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_judge", Path(__file__).resolve().parents[1] / "bench" / "bench_judge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", range(40))
def test_the_status_after_each_row_is_the_one_listing_every_claimant(seed):
    """``_State.status`` asks first the claimant it found standing last time: after every row,
    with withdrawals and corrections among them, it gives what listing them all gives."""
    import random
    rng = random.Random(seed)
    stances = ["asserts"] * 4 + ["retracts", "corrects"] * 2 + ["confirms", "denies"]
    people = [("Ana Berg", 1), ("Cara Holm", 3), (None, None), ("Dag Ek", None), ("Gazette", None)]
    judgement = claims.Judgement()
    for i in range(rng.randrange(5, 40)):
        speaker, entity = rng.choice(people)
        judgement.extend([row(i + 1, rng.choice(stances), speaker, f"2025-03-{1 + i // 4:02d}",
                              outlet=rng.choice(["Gazette", "Post", "Herald"]), entity=entity,
                              article=200 + i)])
        assert judgement.status == _bench_judge().listing_every_claimant(judgement.st), i


def _report(text, attrs, entities):
    return Report(article=from_text(text), attributions=attrs, entities=entities)


def test_a_headline_role_resolves_to_the_person_the_text_gives_it():
    text = "Councillor says lead was hidden\n\nHalden councillor Mara Quell said the lead was hidden.\n"
    s = text.index("Mara Quell")
    head = Attribution("a1", "indirect", Speaker(0, 10, "Councillor", entity="Councillor", type="PERSON"),
                       Span(11, 15, "says"), None)
    body = Attribution("a2", "indirect", Speaker(s - 17, s + 10, text[s - 17:s + 10], entity="Mara Quell", type="PERSON"),
                       None, None)
    report = _report(text, [head, body], [Entity("Mara Quell", "PERSON", ["Mara Quell"], [(s, s + 10)])])
    assert claims.resolve_title_speakers(report) == {"Councillor": "Mara Quell"}


def test_a_title_given_to_two_people_resolves_to_nobody():
    text = "Councillor says so\n\nCouncillor Ann Bell and councillor Tom Ross spoke.\n"
    a, b = text.index("Ann Bell"), text.index("Tom Ross")
    head = Attribution("a1", "indirect", Speaker(0, 10, "Councillor", entity="Councillor", type="PERSON"),
                       Span(11, 15, "says"), None)
    ents = [Entity("Ann Bell", "PERSON", ["Ann Bell"], [(a, a + 8)]), Entity("Tom Ross", "PERSON", ["Tom Ross"], [(b, b + 8)])]
    assert claims.resolve_title_speakers(_report(text, [head], ents)) == {}


def test_every_gold_story_is_well_formed_and_original():
    """Each gold statement's words are in its article; statuses name stored articles only."""
    folders = sorted(p.parent for p in DATA.glob("story*/claims.gold.json"))
    assert len(folders) >= 3
    kinds = set()
    for folder in folders:
        gold = json.loads((folder / "claims.gold.json").read_text(encoding="utf-8"))
        assert 4 <= len(gold["articles"]) <= (11 if folder.name == "story" else 8), folder
        for claim in gold["claims"]:
            assert set(claim["status"]) <= set(gold["articles"])
            assert set(claim["status"].values()) <= set(claims.STATUSES)
            for st in claim["statements"]:
                assert st["words"] in (folder / f"{st['article']}.txt").read_text(encoding="utf-8"), st
                assert st["relation"] in claims.RELATIONS
                kinds.add(st["relation"])
        kinds |= {"copy"} if gold["copies"] else set()
    assert {"retracted", "corrected", "copy", "confirmed", "denied", "declined"} <= kinds


# ---------------------------------------------------------------- through a store (hashing embedder)

@pytest.fixture
def story_store(tmp_path):
    pytest.importorskip("sqlalchemy")
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store
    from test_store import story_reports

    path = tmp_path / "claims.sqlite"
    outlets = ["Courier", "Courier", "Ledger", "Ledger"]
    with Store.open(path, HashingEmbedder()) as store:
        for report, outlet in zip(story_reports(), outlets):
            store.add_report(report, outlet=outlet)
        yield store, path


def test_timeline_and_claims_give_the_reason_and_when_the_status_changed(story_store):
    from onrecord.store import queries

    store, _ = story_store
    line = queries.timeline(store.engine, "Upper Mere reservoir")
    assert line.claim.status == "confirmed"
    assert line.claim.reason == ("confirmed: Lena Vask, 18 September 2025 (in Ledger), "
                                 "after Henrik Soelberg denied it on 14 April 2025")
    assert [(h["published"], h["status"]) for h in line.history] == [
        ("2025-03-04", "unconfirmed"), ("2025-04-14", "contested"), ("2025-09-18", "confirmed")]
    assert [e.status_changed for e in line.events] == [True, False, True, True]
    assert line.claim.sources == 4 and line.claim.outlets == 2 and line.claim.most_reported
    cid = line.claim.id
    assert [c.id for c in queries.list_claims(store.engine, changed_since="2025-09-01")] == [cid]
    assert queries.list_claims(store.engine, changed_since="2025-10-01") == []
    assert [c.id for c in queries.list_claims(store.engine, outlet="ledger")] == [cid]
    assert queries.list_claims(store.engine, outlet="Gazette") == []
    assert [c.id for c in queries.list_claims(store.engine, since="2025-09-18", until="2025-09-18")] == [cid]
    assert queries.list_claims(store.engine, until="2025-03-01") == []


def test_cli_and_explorer_show_the_reason(story_store):
    from typer.testing import CliRunner

    from onrecord.cli import app

    store, path = story_store
    store.index.save()
    runner = CliRunner()
    listed = runner.invoke(app, ["claims", "--db", str(path), "--changed-since", "2025-09-01", "-f", "json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data[0]["reason"].startswith("confirmed: Lena Vask") and data[0]["status_changed"] == "2025-09-18"
    bad = runner.invoke(app, ["claims", "--db", str(path), "--since", "March"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    line = json.loads(runner.invoke(app, ["timeline", f"c{data[0]['id']}", "--db", str(path), "-f", "json"]).stdout)
    assert [e["relation"] for e in line["events"]] == ["first reported", "repeated", "denied", "confirmed"]
    assert line["claim"]["reason"] == data[0]["reason"]

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from onrecord.web.app import create_app
    page = TestClient(create_app(store.engine)).get(f"/claims/{data[0]['id']}").text
    assert "Why confirmed: confirmed: Lena Vask, 18 September 2025 (in Ledger)" in page
    assert "contested (2025-04-14)" in page


def test_what_a_speaker_says_it_said_before_points_back():
    assert claims.points_back("We said from the start that the tannery was behind this")
    assert claims.points_back("as we said, the figures do not add up")
    assert claims.points_back("she had warned all along that the dam would fail")
    assert not claims.points_back("the start of the season was delayed")
    assert not claims.points_back("we said the river was clean")
