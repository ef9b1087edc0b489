"""Which statements make one claim across articles, beyond the sentence model: statements that
point back, evidence cited by the claimant, one figure in other words, a headline naming its
speaker by role, and no source of the claimant's own organisation against it. Fast: hand-made
rows and reports, the hashing embedder; the filters of the claim list in the CLI and explorer."""
from __future__ import annotations

import json

import pytest

from onrecord.inputs.article import from_text
from onrecord.records import Attribution, Entity, Speaker, Span
from onrecord.report import Report
from onrecord.store import claims
from onrecord.store.claims import Row


@pytest.mark.parametrize("text, back", [
    ("she stood by her account", True),
    ("she had heard the same figure from two ferry workers", True),
    ("They have had these numbers on their desks for two months", True),
    ("I said this in March and I was called a liar", True),
    ("Councillor Mara Quell, who made the claim in March, said she felt vindicated.", True),
    ("the company had also cut two evening crossings from its timetable", False),
    ("the figure rose to 40 per cent", False),
    ("a request for comment", False),
])
def test_what_points_back_at_a_claim(text, back):
    assert claims.points_back(text) is back


@pytest.mark.parametrize("a, b, same", [
    ("the company planned to double its fares in November", "Families will pay twice as much this winter", True),
    ("the board received more than 600 letters", "600 letters came from island residents", True),
    ("the company had cut two evening crossings", "she heard it from two ferry workers", False),
    ("every pipe will be replaced by the end of 2027", "new pipes for Halden by 2027", False),
    ("the fares would double", "the fares would rise", False),
])
def test_one_figure_in_other_words(a, b, same):
    assert claims.same_figure(a, b) is same


def test_a_factor_against_another_is_another_claim():
    assert claims.quantities_conflict("the fares would double", "the fares would triple")
    assert not claims.quantities_conflict("the fares would double", "families will pay twice as much")


def test_the_organisation_a_speaker_speaks_for():
    assert claims.organisations("The director of the Halden Water Authority, Henrik Solberg") == {"halden water authority"}
    assert claims.organisations("Paul Dahl, the chief executive of Island Ferries") == {"island ferries"}
    assert claims.organisations("Island councillor Britt Sjo") == set()


def _speaker(text, mention, entity, type_="PERSON"):
    s = text.index(mention)
    return Speaker(s, s + len(mention), mention, entity=entity, type=type_)


def test_a_headline_role_with_a_leadership_word_resolves():
    text = ("Halden water chief declines to comment\n\n"
            "Henrik Solberg, the director of the Halden Water Authority, declined to comment on Friday.\n\n"
            "Mayor Ines Darow said the council would hold an inquiry.\n")
    head = Attribution("a1", "reference", _speaker(text, "Halden water chief", "Halden water chief", "GROUP"),
                       Span(19, 27, "declines"), None, stance="declines")
    body = Attribution("a2", "reference", _speaker(text, "Henrik Solberg, the director of the Halden Water Authority",
                                                   "Henrik Solberg"), None, None, stance="declines")
    mayor = Attribution("a3", "indirect", _speaker(text, "Mayor Ines Darow", "Ines Darow"), None, None)
    s, d = text.index("Henrik Solberg"), text.index("Ines Darow")
    report = Report(article=from_text(text), attributions=[head, body, mayor],
                    entities=[Entity("Henrik Solberg", "PERSON", ["Henrik Solberg"], [(s, s + 14)]),
                              Entity("Ines Darow", "PERSON", ["Ines Darow"], [(d, d + 10)])])
    assert claims.resolve_title_speakers(report) == {"Halden water chief": "Henrik Solberg"}


def row(i, stance, speaker, published, entity=None, words="lead above the limit"):
    return Row(i, i, published, "Ledger", speaker, entity, stance, words, speaker, None, None, None)


def test_a_confirmer_who_repeats_the_claim_stays_a_confirmer():
    v = claims.judge([row(1, "asserts", "Mara Quell", "2025-03-04", entity=1),
                      row(2, "confirms", "Lena Vask", "2025-09-18", entity=2),
                      row(3, "asserts", "Lena Vask", "2025-09-18", entity=2, words="our samples show it"),
                      row(4, "confirms", "Lena Vask", "2025-09-18", entity=2)])
    assert [j.relation for j in v.rows] == ["first reported", "confirmed", "repeated", "confirmed"]
    assert v.status == "confirmed"
    own = claims.judge([row(1, "asserts", "Mara Quell", "2025-03-04", entity=1),
                        row(2, "confirms", "Mara Quell", "2025-03-05", entity=1)])
    assert own.rows[1].relation == "repeated" and own.status == "unconfirmed"


# ---------------------------------------------------------------- through a store

@pytest.fixture
def store(tmp_path):
    pytest.importorskip("sqlalchemy")
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store
    with Store.open(tmp_path / "s.sqlite", HashingEmbedder()) as s:
        yield s


def _claim_of(store, words):
    from onrecord.store.sql import run
    with store.engine.connect() as conn:
        return run(conn, "SELECT claim_id FROM statements WHERE content_text = :w", {"w": words}).fetchone()[0]


LEAD = ("Councillor Mara Quell said that the Halden Water Authority had known since January that lead "
        "in the Upper Mere reservoir was above the legal limit.")
CLAUSE = "that the Halden Water Authority had known since January that lead in the Upper Mere reservoir was above the legal limit"


def test_a_statement_pointing_back_joins_the_claim_its_speaker_made(store):
    from test_store import make_report
    first = "Lead in the reservoir\n\n" + LEAD + "\n\nQuell added she had seen internal test sheets from the laboratory."
    store.add_report(make_report(first, [
        ("Councillor Mara Quell", "Mara Quell", "PERSON", CLAUSE, "said", "asserts"),
        ("Quell added", "Mara Quell", "PERSON", "she had seen internal test sheets from the laboratory", "added", "asserts"),
    ], published="2025-03-04", url="https://courier.example/1"))
    second = ("Water chief denies cover-up\n\nHenrik Solberg denied that the authority had hidden lead readings from the public in Halden.\n\n"
              "Mara Quell said she stood by her account.")
    store.add_report(make_report(second, [
        ("Henrik Solberg", "Henrik Solberg", "PERSON", "that the authority had hidden lead readings from the public",
         "denied", "denies"),
        ("Mara Quell", "Mara Quell", "PERSON", "she stood by her account", "said", "asserts"),
    ], published="2025-03-05", url="https://ledger.example/2"))
    lead = _claim_of(store, CLAUSE)
    assert _claim_of(store, "she had seen internal test sheets from the laboratory") == lead  # her evidence
    assert _claim_of(store, "she stood by her account") == lead
    from onrecord.store import queries
    line = queries.timeline(store.engine, lead)
    assert [e.relation for e in line.events if e.speaker == "Mara Quell"] == ["first reported", "repeated", "repeated"]


def test_the_first_report_stays_the_anchor_whatever_follows(store):
    from test_store import make_report
    text = "Lead in the reservoir\n\n" + LEAD + ("\n\n\"They have had these numbers on their desks for two whole months and they told "
                   "nobody in the town about the reservoir,\" Quell added.")
    quote = ("They have had these numbers on their desks for two whole months and they told nobody in the town "
             "about the reservoir")
    store.add_report(make_report(text, [
        ("Councillor Mara Quell", "Mara Quell", "PERSON", CLAUSE, "said", "asserts"),
        ("Quell added", "Mara Quell", "PERSON", quote, "added", "asserts"),
    ], published="2025-03-04"))
    from onrecord.store import queries
    info = queries.claim_info(store.engine, _claim_of(store, CLAUSE))
    assert info.text == CLAUSE and _claim_of(store, quote) == info.id


def test_no_dispute_from_the_claimants_own_organisation(store):
    from test_store import make_report
    said = "the water in Halden is safe to drink and always has been"
    store.add_report(make_report(
        f"The director of the Halden Water Authority, Henrik Solberg, said {said}.",
        [("The director of the Halden Water Authority, Henrik Solberg", "Henrik Solberg", "PERSON", said, "said",
          "asserts")], published="2025-03-05", url="https://ledger.example/1"))
    disputed = "claims that the water in Halden is not safe to drink and never has been"
    store.add_report(make_report(
        f"The head of the Halden Water Authority rejected {disputed}.",
        [("The head of the Halden Water Authority", "Halden Water Authority", "ORG", disputed, "rejected",
          "disputes")], published="2025-04-14", url="https://ledger.example/2"))
    from onrecord.store import linking
    from onrecord.store.sql import run
    with store.engine.connect() as conn:
        sim = run(conn, "SELECT embedding FROM statement_vectors ORDER BY statement_id").fetchall()
    from onrecord.store.embeddings import from_blob
    assert float(from_blob(sim[0][0]) @ from_blob(sim[1][0])) >= linking.RELATED_CLAIM  # near enough to join
    assert _claim_of(store, disputed) != _claim_of(store, said)


# ---------------------------------------------------------------- the claim list's filters, CLI and explorer

@pytest.fixture
def story_store(tmp_path):
    pytest.importorskip("sqlalchemy")
    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store
    from test_store import make_report, story_reports

    path = tmp_path / "claims.sqlite"
    with Store.open(path, HashingEmbedder()) as store:
        reports = story_reports()
        for report, outlet in zip(reports, ["Courier", "Courier", "Ledger", "Ledger"]):
            store.add_report(report, outlet=outlet)
        copy = make_report("Wire copy. " + reports[0].article.text.split("\n\n")[0], [], published="2025-03-25",
                           url="https://wire.example/1", doc_id="one")
        assert store.add_report(copy, outlet="Wire").status == "copy"
        store.index.save()
        yield store, path


def test_timeline_lists_a_copy_at_its_own_date(story_store):
    from typer.testing import CliRunner

    from onrecord.cli import app

    store, path = story_store
    result = CliRunner().invoke(app, ["timeline", "Upper Mere reservoir", "--db", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    dates = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│ 2025")]
    assert dates == sorted(dates) and "2025-03-25" in dates
    assert "status: unconfirmed (2025-03-04) -> contested (2025-04-14) -> confirmed (2025-09-18)" in result.output

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from onrecord.web.app import create_app
    cid = json.loads(CliRunner().invoke(app, ["claims", "--db", str(path), "-f", "json"]).stdout)[0]["id"]
    page = TestClient(create_app(store.engine)).get(f"/claims/{cid}").text
    page = page[page.index('<ol class="timeline">'):]
    order = [page.index(w) for w in ("2025-03-22", "2025-03-25", "2025-04-14")]
    assert order == sorted(order) and "a copy of" in page


def test_the_explorer_filters_claims_like_the_cli(story_store):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from onrecord.web.app import create_app
    store, _ = story_store
    client = TestClient(create_app(store.engine))
    everything = client.get("/api/claims").json()
    assert everything["total"] >= 1
    cid = everything["items"][0]["id"]
    assert [c["id"] for c in client.get("/api/claims?outlet=ledger").json()["items"]] == [cid]
    assert client.get("/api/claims?outlet=Gazette").json()["items"] == []
    assert [c["id"] for c in client.get("/api/claims?changed_since=2025-09-01").json()["items"]] == [cid]
    assert client.get("/api/claims?changed_since=2025-10-01").json()["total"] == 0
    assert client.get("/api/claims?since=2025-09-19").json()["items"] == []
    assert client.get("/api/claims?until=2025-03-01").json()["items"] == []
    assert client.get("/api/claims?since=March").status_code == 422
    page = client.get("/claims?outlet=Ledger&status=confirmed").text
    assert f'href="/claims/{cid}"' in page and 'value="Ledger"' in page
    assert 'href="/claims?status=contested&amp;outlet=Ledger"' in page  # the status links keep the filter
    assert client.get("/claims?changed_since=2025-10-01").status_code == 200


def test_most_reported_on_the_home_page_needs_two_sources_or_a_dispute(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from onrecord.store.embeddings import HashingEmbedder
    from onrecord.store.ingest import Store
    from onrecord.web.app import create_app
    from test_store import make_report

    with Store.open(tmp_path / "one.sqlite", HashingEmbedder()) as store:
        store.add_report(make_report(LEAD, [("Councillor Mara Quell", "Mara Quell", "PERSON", CLAUSE, "said", "asserts")],
                                     published="2025-03-04"))
        home = TestClient(create_app(store.engine)).get("/").text
        assert "No claim yet has two independent sources or a dispute." in home
        denial = ("Henrik Soelberg denied that the Halden Water Authority had known since January that lead "
                  "in the Upper Mere reservoir was above the legal limit.")
        store.add_report(make_report(denial, [("Henrik Soelberg", "Henrik Soelberg", "PERSON", CLAUSE, "denied", "denies")],
                                     published="2025-04-14", url="https://ledger.example/3"))
        home = TestClient(create_app(store.engine)).get("/").text
        assert "No claim yet" not in home and "most-reported" in home
