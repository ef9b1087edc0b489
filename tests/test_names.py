"""Names across articles (store/names.py): particles, legal suffixes, and the store merging them."""
from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("hnswlib")

from sqlalchemy import select  # noqa: E402

from onrecord.inputs.article import from_text  # noqa: E402
from onrecord.records import Attribution, Content, Entity, Span, Speaker  # noqa: E402
from onrecord.report import Report  # noqa: E402
from onrecord.store import names, queries  # noqa: E402
from onrecord.store.embeddings import HashingEmbedder  # noqa: E402
from onrecord.store.ingest import Store  # noqa: E402
from onrecord.store.schema import entities  # noqa: E402


@pytest.mark.parametrize("a, b, same", [
    ("Anna de Souza", "de Souza", True),
    ("Pieter van der Berg", "van der Berg", True),
    ("Pieter van der Berg", "Berg", True),
    ("Pieter van der Berg", "de Berg", False),     # another family's particles
    ("Anna de Souza", "Maria de Souza", False),
    ("Maria Keller", "Jonas Koller", False),
])
def test_particles_are_part_of_the_surname(a, b, same):
    assert names.same_person(names.person_words(a), names.person_words(b)) is same


def test_given_names_and_particles():
    assert names.given_names(["anna", "de", "souza"]) == ["anna"]
    assert names.given_names(["van", "der", "berg"]) == []
    assert names.particles(["pieter", "van", "der", "berg"]) == ["van", "der"]


@pytest.mark.parametrize("name", ["Fenwick Corp", "Fenwick Corp.", "Fenwick, Inc.", "Fenwick Ltd", "Fenwick plc",
                                  "Fenwick LLC", "Fenwick GmbH"])
def test_an_organisation_folds_without_its_legal_suffix(name):
    assert names.fold(name) == names.fold("Fenwick") == "fenwick"


def test_a_suffix_alone_and_person_names_keep_their_words():
    assert names.fold("Corp") == "corp"
    # a person's words are never cut: "Anna Fenwick" is not the company
    assert names.person_words("Fenwick Corp") == ["fenwick", "corp"]
    assert names.acronym("Halden Water Authority Ltd") == names.acronym("Halden Water Authority") == "hwa"


def test_looks_like_name_allows_particles():
    assert names.looks_like_name("de Souza") and names.looks_like_name("Pieter van der Berg")
    assert not names.looks_like_name("the director")


def report(text: str, mention: str, entity: str, type_: str, doc_id: str) -> Report:
    article = from_text(text, doc_id=doc_id, published="2025-02-01")
    s, k = text.index(mention), text.index("said")
    c = k + len("said ")
    words = text[c:].rstrip(".")
    attr = Attribution(id="a1", kind="indirect", speaker=Speaker(s, s + len(mention), mention, entity, type_),
                       cue=Span(k, k + 4, "said"), content=Content(c, c + len(words), words, [(c, c + len(words))]))
    return Report(article=article, attributions=[attr],
                  entities=[Entity(entity, type_, [mention], [(s, s + len(mention))])])


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "names.sqlite", HashingEmbedder()) as s:
        yield s


def test_the_store_merges_suffixes_and_particles_across_articles(store):
    store.add_report(report("Fenwick Corp said it would sponsor the festival for three more years.",
                            "Fenwick Corp", "Fenwick Corp", "ORG", "one"))
    store.add_report(report("Fenwick said the festival had brought it many new customers in the region.",
                            "Fenwick", "Fenwick", "ORG", "two"))
    store.add_report(report("Anna de Souza said the role had taken her back to the village of her youth.",
                            "Anna de Souza", "Anna de Souza", "PERSON", "three"))
    store.add_report(report("De Souza said she would not take another part in a period drama soon.",
                            "De Souza", "De Souza", "PERSON", "four"))
    with store.engine.connect() as conn:
        names_ = sorted(conn.execute(select(entities.c.name)).scalars().all())
    assert names_ == ["Anna de Souza", "Fenwick Corp"]
    found, rows = queries.who(store.engine, "Fenwick")
    assert [e.name for e in found] == ["Fenwick Corp"] and len(rows) == 2
    found, rows = queries.who(store.engine, "de Souza")
    assert [e.name for e in found] == ["Anna de Souza"] and len(rows) == 2


def test_namesakes_agrees_with_same_person_on_every_pair():
    """``namesakes`` (a new person against every namesake, in one pass) decides each pair as
    ``same_person`` does: surnames misspelt or not, particles, initials, misspelt given names."""
    import itertools

    people = ["Henrik Solberg", "H. Solberg", "Solberg", "Henrick Solberg", "Henrik Sollberg", "Anna Solberg",
              "Anna de Souza", "Anna da Souza", "Souza", "Katherine van der Berg", "Catherine van der Berg",
              "K. de Berg", "Berg", "Katharine Berg", "Jon Solberg-Dahl", "Ines Darrow", "I Darrow", "Darow"]
    keys = [names.person_key(p) for p in people] + [()]
    for mine in keys:
        assert names.namesakes(mine, keys) == [bool(mine) and names.same_person_words(mine, k) for k in keys]
    assert sum(names.namesakes(names.person_key("Henrik Solberg"), keys)) >= 4  # the case is not trivial
    assert any(not same for same in itertools.chain.from_iterable(names.namesakes(m, keys) for m in keys))
