"""onrecord as a spaCy component in a user's own pipeline."""
from __future__ import annotations

import pytest
import spacy

import onrecord.pipeline.nlp  # noqa: F401  registers the "onrecord" factory
from onrecord import settings

pytestmark = pytest.mark.slow


def test_add_pipe_to_a_plain_pipeline():
    nlp = spacy.load(settings.model_name())
    nlp.add_pipe("onrecord")
    doc = nlp('"The bridge is safe," the engineer said on Friday.')
    assert [a.speaker.text for a in doc._.attributions] == ["the engineer"]
    assert doc._.onrecord_report.records()[0]["kind"] == "direct"


def test_one_parse_is_shared():
    from spacy.language import Language

    from onrecord import engine
    from onrecord.pipeline import nlp as nlp_module

    calls = []
    if "count_parses" not in Language.factories:
        Language.component("count_parses", func=lambda doc: calls.append(1) or doc)
    pipeline = nlp_module.load()
    pipeline.add_pipe("count_parses", after="parser")
    try:
        engine.analyze("The mayor said the bridge was safe. The engineer said it was not.")
    finally:
        pipeline.remove_pipe("count_parses")
    assert len(calls) == 1


def test_model_is_chosen_by_one_setting(monkeypatch):
    monkeypatch.setenv("ONRECORD_MODEL", "en_core_web_trf_not_here")
    assert settings.model_name() == "en_core_web_trf_not_here"
    assert settings.model_name("en_core_web_sm") == "en_core_web_sm"
