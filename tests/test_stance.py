"""Stance and hedges of each attribution (stance.assign), negation counted."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.quality import gold_checks
from onrecord.pipeline import stance
from onrecord.records import STANCES, Attribution, Content, Span

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    from onrecord.pipeline import nlp as nlp_module
    return nlp_module.load()


def judged(nlp, sentence: str, cue: str, content: str, kind: str = "indirect") -> Attribution:
    """An attribution built by hand over a parsed sentence (no attribution engine involved):
    stance.assign must find the cue token from the cue's offsets."""
    doc = nlp.make_doc(sentence)
    for _name, proc in nlp.pipeline:
        if _name != "onrecord":
            doc = proc(doc)
    cs, ks = sentence.index(cue), sentence.index(content)
    attr = Attribution("a1", kind, None, Span.of(sentence, cs, cs + len(cue)),
                       Content.of_pieces(sentence, [(ks, ks + len(content))]))
    stance.assign([attr], doc)
    return attr


@pytest.mark.parametrize("sentence, cue, content, want", [
    ("The mayor said the budget was balanced.", "said", "the budget was balanced", "asserts"),
    ("The auditor confirmed that the budget was balanced.", "confirmed", "the budget was balanced", "confirms"),
    ("The firm denied that it had paid anyone.", "denied", "it had paid anyone", "denies"),
    ("The union disputed the figures in the report.", "disputed", "the figures in the report", "disputes"),
    ("The union rejected the mayor's figures.", "rejected", "the mayor's figures", "disputes"),
    ("A spokesman said the account was not accurate.", "said", "the account was not accurate", "disputes"),
    ("A spokesman said the report was false.", "said", "the report was false", "disputes"),
    ("A spokesman said the report was true.", "said", "the report was true", "confirms"),
    ("Officials declined to address the mayor's comments.", "declined", "the mayor's comments", "declines"),
    ("The minister refused to discuss the deal.", "refused", "the deal", "declines"),
    ("The minister would not say whether the deal was signed.", "say", "whether the deal was signed", "declines"),
    ("The company did not respond to questions about the deal.", "respond", "questions about the deal", "declines"),
    ("No one confirmed the mayor's account.", "confirmed", "the mayor's account", "unconfirmed"),
    ("The ministry did not confirm the mayor's account.", "confirm", "the mayor's account", "unconfirmed"),
    ("No official confirmed the mayor's account.", "confirmed", "the mayor's account", "unconfirmed"),
    ("The firm did not deny that it had paid the mayor.", "deny", "it had paid the mayor", "declines"),
    ("The union does not believe the figures are right.", "believe", "the figures are right", "disputes"),
])
def test_stance(nlp, sentence, cue, content, want):
    assert judged(nlp, sentence, cue, content).stance == want


def test_did_not_deny_is_not_a_denial(nlp):
    attr = judged(nlp, "The firm did not deny that it had paid the mayor.", "deny", "it had paid the mayor")
    assert attr.stance != "denies"


@pytest.mark.parametrize("sentence, cue, content, want", [
    ("Some officials even seemed to suggest the account was not accurate.", "suggest",
     "the account was not accurate", True),
    ("The mayor reportedly told aides that the deal was off.", "told", "the deal was off", True),
    ("The chairman appeared to confirm that talks had taken place.", "confirm", "talks had taken place", True),
    ("Two officials said the firm allegedly hired a lobbyist.", "said", "the firm allegedly hired a lobbyist", True),
    ("The mayor said the deal would likely collapse.", "said", "the deal would likely collapse", True),
    ("The mayor said the deal was off.", "said", "the deal was off", False),
])
def test_hedged(nlp, sentence, cue, content, want):
    assert judged(nlp, sentence, cue, content).hedged is want


def test_a_hedge_deep_inside_referred_content_does_not_hedge_the_speaker(nlp):
    attr = judged(nlp, "Reyes declined to address reports about allegedly tracking phones.", "declined",
                  "reports about allegedly tracking phones", kind="reference")
    assert (attr.stance, attr.hedged) == ("declines", False)


def test_article_stances_and_hedges_match_gold():
    from onrecord.inputs.readers import read_path
    from onrecord.engine import analyze_article
    gold = json.loads((DATA / "stance-port-tender.gold.json").read_text(encoding="utf-8"))
    report = analyze_article(read_path(DATA / "stance-port-tender.txt", published=gold["published"]))
    figures = gold_checks.attribution_figures(gold, report)
    assert figures["stance right"] == "20/20", figures
    assert figures["hedged right"] == "20/20", figures
    # the article holds every stance but taking back (test_taking_back_and_correcting)
    assert {a.stance for a in report.attributions} == set(STANCES) - {"retracts", "corrects"}


@pytest.mark.parametrize("sentence, cue, content, want", [
    ("Councillor Ada Brin retracted her claim that the repairs would cost 40 million crowns.", "claim",
     "that the repairs would cost 40 million crowns", "retracts"),
    ("Brin withdrew the allegation at a council meeting.", "withdrew", "the allegation at a council meeting", "retracts"),
    ("Hartwell withdrew its bid for the port on Monday.", "withdrew", "its bid for the port on Monday", "asserts"),
    ("Brin did not retract her claim that the repairs would cost 40 million crowns.", "claim",
     "that the repairs would cost 40 million crowns", "asserts"),
    ("Correction: On 3 May the Ostby Gazette reported that the footbridge would close for six months.", "reported",
     "that the footbridge would close for six months", "corrects"),
    ("The Ostby Gazette reported that the footbridge would close for six months.", "reported",
     "that the footbridge would close for six months", "asserts"),
])
def test_taking_back_and_correcting(nlp, sentence, cue, content, want):
    assert judged(nlp, sentence, cue, content).stance == want
