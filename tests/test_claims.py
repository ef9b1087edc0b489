"""Claims: grouping repeated assertions, tying reactions, statuses (stance.build_claims)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.quality import gold_checks
from onrecord.pipeline import stance
from onrecord.inputs.article import Article, from_text

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared"
FIXTURE = SHARED / "fixtures" / "trump-soleimani.txt"


# ---------------------------------------------------------------- helpers, no model

def test_stems_and_overlap():
    a = stance.stems("Israel was part of the attack on Soleimani")
    b = stance.stems("Israel was due to take part in the assassination of Soleimani")
    assert {"israe", "part", "solei"} <= a & b
    assert stance.overlap(a, b) == pytest.approx(3 / 4)
    assert stance.overlap(a, set()) == 0.0


@pytest.mark.parametrize("disputed, denied, confirmed, want", [
    (["x"], [], ["y"], "contested"),
    ([], ["x"], [], "contested"),
    ([], [], ["y"], "confirmed"),
    ([], [], [], "unconfirmed"),
])
def test_status(disputed, denied, confirmed, want):
    from onrecord.records import Claim
    claim = Claim("c1", "t", ["a"], confirmed_by=confirmed, disputed_by=disputed, denied_by=denied)
    assert stance.status(claim) == want


def test_outlet_name_from_a_newsletter_prompt_or_the_url():
    article = from_text("Head\n\nBody text of the story here.\n\nSubscribe to The Harbour Times Newsletter\n")
    assert stance.outlet_name(article) == "The Harbour Times"
    assert stance.outlet_name(Article(text="Body.", url="https://www.ledger.example/a/b")) == "ledger.example"
    assert stance.outlet_name(Article(text="Body.")) == "the outlet"


# ---------------------------------------------------------------- the port-tender article

@pytest.fixture(scope="module")
def port_report():
    from onrecord.inputs.readers import read_path
    from onrecord.engine import analyze_article
    return analyze_article(read_path(DATA / "stance-port-tender.txt", published="2024-06-12"))


def port_gold() -> dict:
    return json.loads((DATA / "stance-port-tender.gold.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_port_article_claims_match_gold(port_report):
    figures = gold_checks.claim_figures(port_gold(), port_report)
    assert figures["claims"] == "6/6 matched, statuses 6/6, roles 6/6, 0 extra", figures


@pytest.mark.slow
def test_every_status_occurs(port_report):
    assert {c.status for c in port_report.claims} == {"contested", "confirmed", "unconfirmed", "stated"}


@pytest.mark.slow
def test_restatements_are_one_claim(port_report):
    whitlock = [c for c in port_report.claims if c.asserted_by == ["Dana Whitlock"]]
    assert len(whitlock) == 1
    by_id = {a.id: a for a in port_report.attributions}
    lines = {by_id[i].line for i in whitlock[0].attributions if by_id[i].speaker.entity == "Dana Whitlock"}
    assert {1, 3, 5} <= lines  # headline, standfirst and body


@pytest.mark.slow
def test_every_claim_but_a_stated_one_has_attribution_ids(port_report):
    ids = {a.id for a in port_report.attributions}
    for c in port_report.claims:
        assert set(c.attributions) <= ids
        assert bool(c.attributions) is (c.status != "stated")
        assert port_report.article.text[c.start:c.end].strip().startswith(c.text[:20].strip("“\""))


@pytest.mark.slow
def test_other_outlets_reports_confirm(port_report):
    cranes = next(c for c in port_report.claims if c.asserted_by == ["Ana Cruz"])
    assert (cranes.status, set(cranes.confirmed_by)) == ("confirmed", {"Valley Ledger", "Daily Courier"})


@pytest.mark.slow
def test_unverifiable_claim_is_kept_unconfirmed(port_report):
    berg = next(c for c in port_report.claims if c.asserted_by == ["Jonas Berg"])
    assert berg.status == "unconfirmed"


@pytest.mark.slow
def test_claims_reach_the_json_output(port_report):
    data = json.loads(port_report.to_json())
    assert len(data["claims"]) == 6 and data["claims"][0]["id"] == "c1"
    assert all("stance" in r and "hedged" in r and "when" in r for r in data["attributions"])


@pytest.mark.slow
def test_unrelated_declines_make_no_claim():
    from onrecord.engine import analyze
    report = analyze("Mayor Ana Ruiz said the park would open in May.\n\n"
                     "The weather office declined to comment on the forecast for the weekend.\n",
                     published="2024-04-02")
    assert report.claims == []


@pytest.mark.slow
def test_a_request_for_comment_names_no_statement():
    """"did not respond to a request for comment" answers no claim of its own words: the engine ties
    it to none (the store gives it the article's lead claim), while "the account" still points back."""
    from onrecord.engine import analyze
    report = analyze("Marta Ekholm said the company had cut two evening crossings from its timetable.\n\n"
                     "Island Ferries did not respond to a request for comment.\n", published="2025-08-11")
    assert report.claims == []
    report = analyze("Marta Ekholm said the company had cut two evening crossings from its timetable.\n\n"
                     "A spokesman for Island Ferries said the account was not accurate.\n", published="2025-08-11")
    assert [(c.status, len(c.disputed_by)) for c in report.claims] == [("contested", 1)]


# ---------------------------------------------------------------- the shared fixture

@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(not FIXTURE.exists(), reason=f"{SHARED} (the shared fixtures) is absent")
def test_fixture_three_claims():
    from onrecord.inputs.readers import read_path
    from onrecord.engine import analyze_article
    report = analyze_article(read_path(FIXTURE))
    gold = json.loads(FIXTURE.with_suffix(".gold.json").read_text(encoding="utf-8"))
    figures = gold_checks.claim_figures(gold, report)
    assert figures["claims"] == "3/3 matched, statuses 3/3, roles 3/3, 0 extra", figures
    assert [c.status for c in report.claims] == ["contested", "stated", "confirmed"]
