"""Entities in one article: names, titles, misspellings, and close names kept apart."""
from __future__ import annotations

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
