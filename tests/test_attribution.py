"""The attribution engine on original articles with gold files, and on single constructions."""
from __future__ import annotations

import pytest

import onrecord
from onrecord.quality import evaluation
from onrecord.inputs.article import read_path

from conftest import DATA

pytestmark = pytest.mark.slow

GOLD_FILES = ["harbour-bridge.gold.json", "river-council.gold.json", "ferry-leak.gold.json"]


@pytest.fixture(scope="module")
def reports():
    out = {}
    for name in GOLD_FILES:
        gold = evaluation.load_gold_file(DATA / name)
        article = read_path(DATA / gold["article"], published=gold.get("published"))
        out[name] = (gold, onrecord.analyze_article(article))
    return out


@pytest.mark.parametrize("name", GOLD_FILES)
def test_every_required_attribution_with_its_speaker(reports, name):
    gold, report = reports[name]
    res = evaluation.score_gold(gold, report.article.text, report.records())
    assert res.misses == [], res.misses
    assert res.matched_required == res.required


@pytest.mark.parametrize("name", GOLD_FILES)
def test_offsets_give_back_the_text(reports, name):
    _gold, report = reports[name]
    text = report.article.text
    for rec in report.records():
        for key in ("speaker", "cue", "content", "addressee", "when"):
            span = rec[key]
            if span:
                assert text[span["start"]:span["end"]] == span["text"], (rec["id"], key)
        if rec["content"]:
            for s, e in rec["content"]["spans"]:
                assert rec["content"]["start"] <= s < e <= rec["content"]["end"]


@pytest.mark.parametrize("name", GOLD_FILES)
def test_nothing_from_boilerplate(reports, name):
    gold, report = reports[name]
    res = evaluation.score_gold(gold, report.article.text, report.records())
    assert res.boilerplate_hits == []


def one(text: str, **kw):
    return onrecord.analyze(text, **kw).attributions


def test_insertions_are_reported_apart():
    text = 'The minister said, “We gave them [the report] in March.”'
    a = one(text)[0]
    assert a.kind == "direct" and [text[s:e] for s, e in a.insertions] == ["[the report]"]


def test_quote_resumes_after_the_cue_sentence():
    text = '"We are ready," the coach said. "The team has never been fitter."'
    a = one(text)[0]
    assert [text[s:e] for s, e in a.content.spans] == ['"We are ready,"', '"The team has never been fitter."']


def test_speaker_after_the_quote_inverted():
    a = one('"The ice will hold," said Petra Lund.')[0]
    assert a.speaker.text == "Petra Lund" and a.cue.text == "said"


def test_pronoun_resolves_to_the_person_before():
    attrs = one('Aid worker Samir Haddad said the camp was full. He added, "We have no more tents."')
    assert attrs[-1].speaker.text == "He" and attrs[-1].speaker.entity == "Samir Haddad"


def test_paragraph_of_quote_inherits_the_speaker():
    text = ('Coach Lena Marsh said, "We trained hard all winter."\n\n'
            '"Nobody expected us to reach the final, but here we are."\n')
    attrs = one(text)
    assert attrs[-1].speaker.entity == "Lena Marsh" and attrs[-1].cue.text == '"'


def test_mixed_partial_quote_and_writer_inference_left_out():
    text = ('According to the minister, the talks failed because the other side got "cold feet," '
            'probably hoping to win more at the next round.')
    a = one(text)[0]
    assert a.kind == "mixed" and a.speaker.text == "the minister"
    assert a.content.text.endswith('"cold feet,"')


def test_refusal_with_and_without_object():
    attrs = one("The ministry declined to comment. The firm declined to address the allegations.")
    assert [(a.cue.text, a.content.text if a.content else None) for a in attrs] == [
        ("declined to comment", None), ("declined to address", "the allegations")]


def test_addressee_of_tell_and_interview():
    a = one("The mayor told the Harbour Times that the bridge was safe.")[0]
    assert a.addressee.text == "the Harbour Times"
    b = one('In an interview with Radio North, the mayor said, "The bridge is safe."')[0]
    assert b.addressee.text == "Radio North"


def test_unnamed_group_source():
    a = one("Some residents said the noise had kept them awake for weeks.")[0]
    assert a.speaker.entity == "some residents" and a.speaker.type == "GROUP"


def test_no_attribution_in_a_text_without_sources():
    assert one("The river is wide. The bridge is long. Boats pass under it.") == []


def test_cue_inside_a_quote_is_not_the_articles_attribution():
    attrs = one('"I think the plan will work," the engineer said.')
    assert len(attrs) == 1 and attrs[0].speaker.text == "the engineer"


def test_cues_are_reported_as_written(reports):
    _gold, report = reports["ferry-leak.gold.json"]
    cues = {a.cue.text for a in report.attributions}
    assert {"seeming to suggest", "had published", "broke the news", "have noted",
            "declined to address", "did not return"} <= cues


def test_misspelt_surname_joins_the_person_already_named(reports):
    _gold, report = reports["ferry-leak.gold.json"]
    vahlin = [a for a in report.attributions if a.speaker and a.speaker.text == "Vahlin"]
    assert vahlin and vahlin[0].speaker.entity == "Ines Vallin"


def test_words_quoted_inside_the_writers_sentence():
    text = 'Senator Ada Whitcombe urged voters to "stay home and stay safe" on election day.'
    a = one(text)[0]
    assert a.kind == "mixed" and a.speaker.entity == "Ada Whitcombe" and '"stay home and stay safe"' in a.content.text


def test_pronoun_skips_a_person_already_called_otherwise():
    text = ('Mayor Ana Ruiz said the pipes were safe. "We tested them twice," she said. '
            'Engineer Tom Hale said the tests were too few. "Twice is not enough," he said. '
            '"New pipes are needed," she said.')
    attrs = one(text)
    assert attrs[-1].speaker.text == "she" and attrs[-1].speaker.entity == "Ana Ruiz"
