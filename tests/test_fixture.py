"""The annotated real article in ../shared (copyrighted: read at test time, never copied)."""
from __future__ import annotations

import json

import pytest

import onrecord
from onrecord.quality import evaluation
from onrecord.inputs.article import read_path

from conftest import FIXTURE, need_shared

pytestmark = [pytest.mark.slow, pytest.mark.shared]


@pytest.fixture(scope="module")
def fixture():
    need_shared(FIXTURE)
    gold = json.loads(FIXTURE.with_suffix(".gold.json").read_text(encoding="utf-8"))
    report = onrecord.analyze_article(read_path(FIXTURE))
    return gold, report


def test_all_required_attributions_with_their_entity(fixture):
    gold, report = fixture
    res = evaluation.score_gold(gold, report.article.text, report.records())
    assert res.misses == [] and res.matched_required == res.required == 17


def test_addressees(fixture):
    gold, report = fixture
    res = evaluation.score_gold(gold, report.article.text, report.records())
    assert res.addressees_right == res.addressees == 4


def test_named_direct_quotes_have_their_speaker(fixture):
    gold, report = fixture
    starts = evaluation.line_starts(report.article.text)
    by_line = {}
    for a in report.attributions:
        if a.kind == "direct" and a.cue and a.cue.text != "“":
            by_line.setdefault(evaluation._line_of(starts, a.cue.start), []).append(a.speaker.entity)
    for g in gold["attributions"]:
        if g["kind"] == "direct" and g.get("speaker_mention") and g["speaker_mention"] != "He":
            assert g["speaker"] in by_line.get(g["line"], []), g["line"]


def test_no_attribution_starts_on_boilerplate(fixture):
    gold, report = fixture
    starts = evaluation.line_starts(report.article.text)
    for a in report.attributions:
        first = min(x for x in (a.content.start if a.content else None, a.cue.start if a.cue else None)
                    if x is not None)
        assert evaluation._line_of(starts, first) not in gold["boilerplate_lines"]


def test_offsets_give_back_the_text(fixture):
    _gold, report = fixture
    text = report.article.text
    assert text == FIXTURE.read_text(encoding="utf-8")
    for rec in report.records():
        for key in ("speaker", "cue", "content", "addressee", "when"):
            if rec[key]:
                assert text[rec[key]["start"]:rec[key]["end"]] == rec[key]["text"]
