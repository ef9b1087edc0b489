"""Which earlier source a pronoun speaker ("he said", "they said", "it said") stands for.

A pronoun goes to the latest source that agrees with it in person, number and gender:

- "he"/"she" to a person: a named one, or an unnamed one ("a spokesperson", "the minister").
  A person's gender is what the article has told (a pronoun already resolved to them, a
  title: Ms, Mrs, Mr, Sir, Lady, Lord, Dame), else what the first name says (gender-guesser, an
  offline table of first names), else what the noun says ("spokeswoman"). A person known as
  female is never "he", nor one known as male "she"; an unknown gender agrees with both.
- "they" and "it" to an organisation, a country or an unnamed group ("the company",
  "some residents"): only when that source is the latest one, never reaching past a person.

With no agreeing source before it, a pronoun resolves to nothing: no entity is guessed.

gender-guesser gives a first name's gender; what no library here does (an English noun that
names a person, "spokesperson" or "minister", as against a thing, "the report") is the
hand-written list below, made from the head nouns of unnamed sources in PolNeAR train and the
roles news articles quote.
"""
from __future__ import annotations

import functools
import itertools
from typing import Iterable, Protocol, Sequence

#: Pronouns that stand for an organisation, a place or a group rather than a person.
THING_PRONOUNS = {"they", "it"}
_SHE, _HE = {"she", "her"}, {"he", "him"}
#: Titles that tell a person's gender.
_TITLE_GENDER = {"mr": "he", "sir": "he", "lord": "he", "mrs": "she", "ms": "she", "miss": "she",
                 "lady": "she", "dame": "she", "madam": "she"}
#: gender-guesser answers taken as a gender; "andy" (androgynous) and "unknown" tell nothing.
_GUESSER = {"male": "he", "mostly_male": "he", "female": "she", "mostly_female": "she"}

#: Nouns that name a person by role or relation, singular (unnamed sources: "a spokesperson",
#: "the minister", "one official"). Nouns that name organisations or things are not here.
PERSON_NOUNS = set("""spokesperson spokesman spokeswoman official minister president senator governor
mayor judge justice lawyer attorney candidate nominee leader director manager chairman chairwoman chair
chief executive adviser advisor aide analyst expert strategist source reporter journalist economist
researcher scientist professor doctor physician teacher officer detective prosecutor witness resident
neighbour neighbor owner founder employee worker member activist critic supporter voter veteran diplomat
ambassador secretary commissioner sheriff captain coach player actor actress writer author host producer
lawmaker legislator congressman congresswoman representative councillor councilor councilman
councilwoman engineer inspector investigator surgeon nurse student pastor priest bishop woman man person
father mother husband wife son daughter brother sister friend pollster organizer organiser farmer driver
pilot passenger victim survivor insider operative staffer chancellor premier king queen prince princess
general colonel sergeant lieutenant commander administrator head boss ceo historian businessman
businesswoman campaigner protester protestor demonstrator shopkeeper fisherman landlord tenant parent
grandmother grandfather girl boy widow widower priest rabbi imam monk referee umpire manager mp""".split())
#: Plural person nouns that are not a singular plus -s.
_IRREGULAR_PLURALS = {"people", "men", "women", "police", "staff", "children", "folks"}
_FEMININE = {"spokeswoman", "chairwoman", "congresswoman", "councilwoman", "businesswoman", "actress",
             "woman", "mother", "wife", "daughter", "sister", "grandmother", "girl", "queen", "princess",
             "widow"}
_MASCULINE = {"spokesman", "congressman", "councilman", "businessman", "man", "father", "husband", "son",
              "brother", "grandfather", "boy", "king", "prince", "widower", "fisherman"}


class Source(Protocol):
    """What agreement reads of an entity cluster (``entities.Cluster``)."""

    name: str
    type: str | None
    aliases: list[str]
    pronoun: str | None


@functools.lru_cache(maxsize=1)
def _detector():
    import gender_guesser.detector as gender  # loads its name table once per process
    return gender.Detector(case_sensitive=False)


def first_name_gender(name: str) -> str | None:
    """'he' or 'she' for a first name gender-guesser is sure of (or mostly sure), else None."""
    first = name.split()[0].strip(".,") if name.split() else ""
    if len(first) < 2 or not first[:1].isupper() or first.endswith("."):
        return None  # an initial ("J. Smith") tells nothing
    return _GUESSER.get(_detector().get_gender(first))


def person_gender(src: Source) -> str | None:
    """The gender the given name of a named person tells: from the canonical name or an alias
    that has a given name first; a one-word name only when the article never wrote it as a
    surname ("Hillary" tells, but "Fenwick", also a man's first name in gender-guesser's
    table, does not tell for the woman named Claudia Fenwick)."""
    names = [src.name] + list(src.aliases)
    full = [n for n in names if len(n.split()) > 1]
    for name in full:
        found = first_name_gender(name)
        if found is not None:
            return found
    word = src.name.split()[-1].lower() if src.name.split() else ""
    if len(src.name.split()) == 1 and not any(n.split()[-1].lower() == word for n in full):
        return first_name_gender(src.name)
    return None


def _head(name: str) -> str:
    words = name.lower().replace("’", "'").split()
    return words[-1].strip(".,'") if words else ""


def is_person(src: Source) -> bool:
    """True for a named person or an unnamed one named by a singular role ("a spokesperson")."""
    return src.type == "PERSON" or src.type == "GROUP" and _head(src.name) in PERSON_NOUNS


def _plural_people(src: Source) -> bool:
    head = _head(src.name)
    return head in _IRREGULAR_PLURALS or head.endswith("s") and (
        head[:-1] in PERSON_NOUNS or head[:-2] in PERSON_NOUNS)


def gender(src: Source) -> str | None:
    """'he' or 'she' when the article tells (see the module docstring), else None."""
    if src.pronoun:
        return src.pronoun
    for alias in src.aliases:
        first = alias.split()[0].strip(".").lower() if alias.split() else ""
        if first in _TITLE_GENDER:
            return _TITLE_GENDER[first]
    if src.type == "PERSON":
        return person_gender(src)
    head = _head(src.name)
    return "she" if head in _FEMININE else "he" if head in _MASCULINE else None


def agrees(src: Source, pronoun: str) -> bool:
    """True when ``pronoun`` may stand for ``src``."""
    if pronoun in _SHE or pronoun in _HE:
        want = "she" if pronoun in _SHE else "he"
        return is_person(src) and gender(src) in (None, want)
    if pronoun == "it":
        return src.type in ("ORG", "GPE", "OUTLET") or src.type == "GROUP" and not (
            is_person(src) or _plural_people(src) or _head(src.name).endswith("s"))
    if pronoun == "they":
        return not is_person(src) and src.type in ("ORG", "GPE", "OUTLET", "GROUP", "NORP")
    return False


def antecedent(recent: Sequence[Source], pronoun: str, named_before: Iterable[Source]) -> Source | None:
    """The source ``pronoun`` stands for: the latest agreeing speaker in ``recent`` (latest
    last), else for he/she the latest agreeing person in ``named_before`` (named last first),
    else None. "they"/"it" only take the latest speaker, and only when it agrees.
    ``named_before`` is read lazily, only as far as the first agreeing person."""
    if pronoun in THING_PRONOUNS:
        src = recent[-1] if recent else None
        return src if src is not None and agrees(src, pronoun) else None
    for src in itertools.chain(list(reversed(recent)), named_before):
        if agrees(src, pronoun):
            if src.pronoun is None:
                src.pronoun = "she" if pronoun in _SHE else "he"
            return src
    return None
