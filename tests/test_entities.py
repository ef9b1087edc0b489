"""Entities in one article: names, titles, misspellings, and close names kept apart."""
from __future__ import annotations

import re

import pytest

from onrecord.pipeline.entities import EntityIndex, clean_name, same_name_misspelt


@pytest.mark.parametrize("a, b", [("heyman", "hayman"), ("kellar", "keller"), ("netanyhau", "netanyahu")])
def test_misspellings_match(a, b):
    assert same_name_misspelt(a, b)


@pytest.mark.parametrize("a, b", [("lee", "li"), ("clinton", "clifton"), ("keller", "miller"), ("brandt", "brown")])
def test_different_names_do_not(a, b):
    assert not same_name_misspelt(a, b)


def test_titles_and_ranks_are_stripped():
    assert clean_name("Maj. Gen. (res.) Tamir Hayman") == "Tamir Hayman"
    assert clean_name("Former US president Donald Trump") == "Donald Trump"


def test_surname_and_misspelling_join_the_full_name():
    index = EntityIndex()
    varga = index.person("Elena Varga", 0, 11)
    assert index.person("Varga", 20, 25) is varga
    assert index.match_person("Vargas") is varga


def test_close_names_of_two_people_stay_apart():
    index = EntityIndex()
    keller = index.person("Maria Keller", 0, 12)
    koller = index.person("Jonas Koller", 20, 32)
    assert keller is not koller
    # "Koller" is a surname of its own here, not a misspelling of Keller
    assert index.match_person("Koller") is koller
    assert index.match_person("Keller") is keller
    assert index.match_person("Kellar") is keller


def test_misspelling_shared_by_two_people_is_left_alone():
    index = EntityIndex()
    index.person("Anna Hayman", 0, 11)
    index.person("Dov Heiman", 20, 30)
    assert index.match_person("Heyman") is None


# ---------------------------------------------------------------- names with particles, suffixes, dates

from onrecord.pipeline.entities import org_key, split_name, trim_dates  # noqa: E402


@pytest.mark.parametrize("name, given, surname", [
    ("Anna de Souza", ("anna",), "de souza"),
    ("de Souza", (), "de souza"),
    ("van der Berg", (), "van der berg"),       # nameparser alone takes "van" for a first name
    ("Pieter van der Berg", ("pieter",), "van der berg"),
    ("Maria Keller", ("maria",), "keller"),
    ("Keller", (), "keller"),
])
def test_names_split_into_given_names_and_surname(name, given, surname):
    parts = split_name(name)
    assert (parts.given, parts.surname) == (given, surname)


def test_surname_with_particle_joins_the_full_name():
    index = EntityIndex()
    souza = index.person("Anna de Souza", 0, 13)
    berg = index.person("van der Berg", 40, 52)
    assert index.person("de Souza", 20, 28) is souza
    assert index.person("Pieter van der Berg", 60, 79) is berg
    assert berg.name == "Pieter van der Berg"  # the fuller name becomes canonical
    assert souza is not berg


def test_different_particles_or_given_names_stay_apart():
    index = EntityIndex()
    berg = index.person("Pieter van der Berg", 0, 19)
    assert index.match_person("de Berg") is None
    assert index.match_person("Anna van der Berg") is None
    assert index.match_person("Berg") is berg


@pytest.mark.parametrize("name", ["Fenwick Corp", "Fenwick Corp.", "Fenwick, Inc.", "Fenwick Ltd", "Fenwick plc",
                                  "Fenwick LLC", "Fenwick GmbH", "the Fenwick Corp"])
def test_company_suffixes_are_one_organisation(name):
    assert org_key(name) == "fenwick"
    index = EntityIndex()
    a = index.other("Fenwick", "ORG", 0, 7, "Fenwick")
    assert index.other(name, "ORG", 20, 20 + len(name), name) is a
    if name != "the Fenwick Corp":
        assert a.name == name.removeprefix("the ")  # the legal name becomes canonical


def test_an_organisation_is_not_merged_with_another_of_a_longer_name():
    index = EntityIndex()
    a = index.other("Fenwick Corp", "ORG", 0, 12, "Fenwick Corp")
    assert index.other("Fenwick Bank", "ORG", 20, 32, "Fenwick Bank") is not a


@pytest.mark.parametrize("text, want", [
    ("Fenwick 2024", "Fenwick"),
    ("2024 Fenwick", "Fenwick"),
    ("CORVALE, January 20, 2025", "CORVALE"),
    ("Fenwick, 3 March", "Fenwick"),
    ("January 20, 2025", ""),
    ("May Lindqvist", "May Lindqvist"),  # a month's name without a day is a name
])
def test_an_alias_is_a_name_never_a_name_and_a_date(text, want):
    got, start, end = trim_dates(text, 100, 100 + len(text))
    assert got == want
    assert (" " * 100 + text)[start:end] == want


def test_a_mention_with_a_year_is_recorded_without_it():
    index = EntityIndex()
    c = index.other("Fenwick Corp", "ORG", 0, 12, "Fenwick Corp")
    c.add("Fenwick 2024", 30, 42)
    assert c.aliases == ["Fenwick Corp", "Fenwick"] and (30, 37) in c.mentions


# ---------------------------------------------------------------- types from the context (with the model)

def parsed(pipeline, text: str, forced: dict[str, str]):
    """``text`` parsed without the onrecord stages, its named entities replaced by ``forced``
    (each name's first occurrence with the label the tagger might have given it), so the
    rules are tested whatever the tagger says."""
    from spacy.tokens import Span
    with pipeline.select_pipes(disable=["onrecord"]):
        doc = pipeline(text)
    spans = []
    for name, label in forced.items():
        start = 0
        while (at := text.find(name, start)) >= 0:
            span = doc.char_span(at, at + len(name), label=label)
            assert span is not None, name
            spans.append(span)
            start = at + len(name)
    doc.ents = sorted(spans, key=lambda s: s.start)
    return doc


def types_of(doc, attrs=()) -> dict[str, str | None]:
    from onrecord.pipeline.entities import mention_types
    got = mention_types(doc, list(attrs))
    return {e.text: got.get(e.start_char, "absent") for e in doc.ents}


AWARDS = ("The drama won the Golden Reed Award on Saturday. Its star grew up in Vellmar, a hamlet "
          "of 300 people. At the dinner guests drank a glass of Zweigelt. The film was bought by streaming "
          "company Brightwave. Critics praised the film Silent Harbour.\n")


@pytest.mark.slow
def test_awards_places_drinks_and_titles_tagged_person_are_not_people(pipeline):
    doc = parsed(pipeline, AWARDS, {"the Golden Reed Award": "PERSON", "Vellmar": "PERSON",
                                    "Zweigelt": "PERSON", "Brightwave": "PERSON", "Silent Harbour": "PERSON"})
    got = types_of(doc)
    assert got["the Golden Reed Award"] is None
    assert got["Zweigelt"] is None
    assert got["Silent Harbour"] is None
    assert got["Vellmar"] == "GPE"
    assert got["Brightwave"] == "ORG"


@pytest.mark.slow
def test_a_company_tagged_as_a_place_is_an_organisation(pipeline):
    doc = parsed(pipeline, "Viewers left streaming company Brightwave in March.\n", {"Brightwave": "GPE"})
    assert types_of(doc)["Brightwave"] == "ORG"


@pytest.mark.slow
def test_a_quoted_title_and_the_village_of(pipeline):
    text = 'Her new series, "Night Ferry", was shot in the village of Ostby.\n'
    doc = parsed(pipeline, text, {"Night Ferry": "PERSON", "Ostby": "PERSON"})
    got = types_of(doc)
    assert got["Night Ferry"] is None and got["Ostby"] == "GPE"


@pytest.mark.slow
def test_people_stay_people_in_the_same_contexts(pipeline):
    text = ("Voters put their trust in Ruiz. Ms Lind grew up in Ostby. Anna Holt collected the prize. "
            "Ruiz said the vote was fair.\n")
    doc = parsed(pipeline, text, {"Ruiz": "PERSON", "Lind": "PERSON", "Ostby": "GPE", "Anna Holt": "PERSON"})
    got = types_of(doc)
    assert got["Ruiz"] == "PERSON"       # "trust in Ruiz" is no place
    assert got["Lind"] == "PERSON"       # a title
    assert got["Anna Holt"] == "PERSON"  # a known given name; she won, she is no award


@pytest.mark.slow
def test_a_name_used_once_as_a_place_is_still_the_speaker(pipeline):
    from onrecord.engine import analyze_article
    from onrecord.inputs.article import from_text
    text = ("Ostby council meets\n\nThe plan was drawn up in Varnes. Varnes said the plan would cost "
            "too much.\n")
    report = analyze_article(from_text(text))
    sp = next(a.speaker for a in report.attributions if a.speaker and a.speaker.text == "Varnes")
    assert sp.type in ("PERSON", "ORG", "GROUP") and sp.entity == "Varnes"


STORY = """Festival sponsor returns

Fenwick Corp, which sponsored the Corvale festival, said it would return next year.

"We love this place," a Fenwick spokesperson said.

Fenwick 2024 results were strong, the sponsor said in a statement.

The actress Anna de Souza said the role took her home. "It was a hard part," de Souza said.

Pieter van der Berg, the festival director, praised the jury. "Nobody wanted to go home," van der Berg told reporters.

The film was bought by streaming company Brightwave. Brightwave said it had paid more than $4 million.
"""


@pytest.mark.slow
def test_one_source_per_company_and_per_name_with_a_particle():
    from onrecord.engine import analyze_article
    from onrecord.inputs.article import from_text
    report = analyze_article(from_text(STORY, published="2025-01-20"))
    by_text = {a.speaker.text: a.speaker for a in report.attributions if a.speaker}
    assert by_text["Fenwick Corp"].entity == "Fenwick Corp" and by_text["Fenwick Corp"].type == "ORG"
    assert by_text["de Souza"].entity == "Anna de Souza" and by_text["de Souza"].type == "PERSON"
    assert by_text["van der Berg"].entity == "Pieter van der Berg"
    assert by_text["Brightwave"].entity == "Brightwave" and by_text["Brightwave"].type == "ORG"
    names = {e.name: e for e in report.entities}
    assert "Fenwick 2024" not in names
    for entity in report.entities:
        for alias in entity.aliases:
            assert not re.search(r"\b(19|20)\d\d\b", alias), (entity.name, alias)
        for start, end in entity.mentions:
            assert report.article.text[start:end].strip() == report.article.text[start:end]
    fenwick = [e for e in report.entities if e.name.startswith("Fenwick")]
    assert len(fenwick) == 1 and fenwick[0].type == "ORG"
    assert {"Fenwick Corp", "Fenwick"} <= set(fenwick[0].aliases)  # "Fenwick 2024" is recorded as "Fenwick"
    people = [e.name for e in report.entities if e.type == "PERSON"]
    assert sorted(people) == ["Anna de Souza", "Pieter van der Berg"]


@pytest.mark.slow
def test_an_award_made_a_speaker_is_never_a_person(pipeline):
    from onrecord.records import Attribution, Span, Speaker
    text = "The Marlow Prize said nothing. The actress collected the Marlow Prize on Friday.\n"
    doc = parsed(pipeline, text, {"The Marlow Prize": "PERSON", "the Marlow Prize": "PERSON"})
    speaker = Attribution(id="a1", kind="reference", speaker=Speaker(0, 16, "The Marlow Prize"),
                          cue=Span(17, 21, "said"), content=None)
    assert types_of(doc, [speaker])["The Marlow Prize"] is None
    from onrecord.pipeline.entities import resolve
    resolve(doc, [speaker])
    assert speaker.speaker.type != "PERSON"
