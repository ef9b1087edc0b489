"""Names across articles: normal forms, person-name compatibility, organisation acronyms.

One person is one entity across the corpus whatever the title ("Councillor", "Dr."), accents
or a one-letter misspelling of the surname ("Soelberg"); two people who share a surname but
not a first name ("Tomas Renn", "Tobias Renn") stay apart. A surname's particles are not
given names ("de Souza" is Anna de Souza's surname, "van der Berg" Pieter van der Berg's), and
an organisation is compared without its legal suffix ("Fenwick Corp" is Fenwick). The
name rules of the article stage (``onrecord.pipeline.namerules``: ``same_name_misspelt``, the
particles, titles and suffixes) are reused here.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

from onrecord.pipeline.namerules import COMPANY_SUFFIX_RE as _SUFFIX_RE
from onrecord.pipeline.namerules import PARTICLES as _PARTICLES
from onrecord.pipeline.namerules import TITLE_WORDS as _TITLE_WORDS
from onrecord.pipeline.namerules import same_name_misspelt

#: Words that are a role or title, not a name, on top of the article-level list.
EXTRA_TITLES = {"councillor", "councilor", "council", "member", "director", "inspector", "head",
                "teacher", "spokesman", "spokeswoman", "spokesperson", "professor", "doctor",
                "commissioner", "chair", "chairman", "chairwoman", "ceo", "official", "campaigner",
                "activist", "deputy", "mp", "mep", "st", "dame", "ms.", "mr.", "mrs.", "dr.", "madam"}
TITLES = {w.strip(".") for w in _TITLE_WORDS} | {w.strip(".") for w in EXTRA_TITLES}
_SMALL = {"of", "and", "for", "the", "de", "du", "la", "le", "van", "von", "&"}
#: A name of more words than this is a description ("the director of the water authority").
MAX_NAME_WORDS = 4


@lru_cache(maxsize=65536)  # organisations and speakers recur in every claim judged: fold each once
def fold(text: str) -> str:
    """The form organisation names and aliases are compared by: lower case without accents,
    punctuation (except hyphens) or a legal suffix ("Fenwick Corp." -> "fenwick"), white space
    collapsed. A name that is only a suffix ("Corp") is kept."""
    stripped = _SUFFIX_RE.sub("", text.strip()).strip(" ,")
    return _fold_words(stripped if re.search(r"\w", stripped) else text)


def _fold_words(text: str) -> str:
    """Lower case without accents or punctuation (except hyphens), white space collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’]s\b", "", text)
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())


def person_words(name: str) -> list[str]:
    """A person's name as folded words, titles and any words before the last title dropped.

    "Halden Mayor Ines Darrow" -> ["ines", "darrow"]; "Dr. Lena Vask" -> ["lena", "vask"].
    """
    return list(_person_words(name))


#: Names seen again and again (every candidate of a surname look-up is folded on each
#: look-up) are folded once; 65,536 names hold a large corpus' people in a few MB.
@lru_cache(maxsize=65536)
def _person_words(name: str) -> tuple[str, ...]:
    words = _fold_words(re.sub(r"\([^)]*\)", " ", name)).split()
    last_title = max((i for i, w in enumerate(words) if w in TITLES), default=-1)
    rest = words[last_title + 1:]
    return tuple(rest if rest else [w for w in words if w not in TITLES])


def display_name(name: str) -> str:
    """A person's name as shown: the original words matching ``person_words``, titles dropped."""
    kept = person_words(name)
    original = re.sub(r"\([^)]*\)", " ", name).split()
    tail = original[-len(kept):] if kept else original
    return " ".join(w.strip(",.") for w in tail).replace("’s", "").removesuffix("'s")


def surname(words: list[str]) -> str:
    """The last word of a person's folded name."""
    return words[-1] if words else ""


def phonetic(word: str) -> str:
    """Metaphone code of a word (the index key for misspelt surnames)."""
    return jellyfish.metaphone(word) if word else ""


def same_surname(a: str, b: str) -> bool:
    """Two surnames of one person: equal, or one a plausible misspelling of the other."""
    return a == b or _misspelt(a, b)


def given_names(words: list[str]) -> list[str]:
    """The given names of a folded person's name: the words before the surname that are not
    particles of it ("anna de souza" -> ["anna"], "van der berg" -> [])."""
    given = list(words[:-1])
    while given and given[-1] in _PARTICLES:
        given.pop()
    return given


def particles(words: list[str]) -> list[str]:
    """The particles before the surname ("van der berg" -> ["van", "der"])."""
    return list(words[len(given_names(words)):-1])


def given_compatible(a: list[str], b: list[str]) -> bool:
    """True unless both names carry given names and none of them match.

    A match is equality, an initial ("J" for "Josef") or a misspelling of five letters or more.
    """
    if not a or not b:
        return True
    return any(x == y or ((len(x) == 1 or len(y) == 1) and x[0] == y[0]) or _misspelt(x, y)
               for x in a for y in b)


@lru_cache(maxsize=65536)
def _misspelt(a: str, b: str) -> bool:
    """``same_name_misspelt``, once per pair of words: a new person is compared with every
    namesake in the store, and the same surnames and given names recur in those pairs."""
    return same_name_misspelt(a, b)


def same_person(a: list[str], b: list[str]) -> bool:
    """Whether two folded person names can be one person (surname and given names agree)."""
    return _same_person(tuple(a), tuple(b))


def person_key(name: str) -> tuple[str, ...]:
    """``person_words`` as a tuple (cached), for ``same_person_words``."""
    return _person_words(name)


@lru_cache(maxsize=262144)
def _same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not (a and b):
        return False
    mine, other = _parts(a), _parts(b)
    return _agree(mine, other, same_surname(mine[0], other[0]))


def _agree(mine: tuple, other: tuple, same_surnames: bool) -> bool:
    """Two names' ``_parts`` are one person's, their surnames being alike or not: particles
    agree ("van der Berg" and "de Berg" are two families) and given names are compatible."""
    (_, pa, ga), (_, pb, gb) = mine, other
    return same_surnames and not (pa and pb and pa != pb) and given_compatible(ga, gb)


#: ``same_person`` of two ``person_key`` tuples, without converting them.
same_person_words = _same_person


@lru_cache(maxsize=65536)
def _parts(words: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """A folded name's surname, its particles and its given names, once per name."""
    return words[-1], tuple(particles(list(words))), tuple(given_names(list(words)))


def namesakes(words: tuple[str, ...], others: list[tuple[str, ...]]) -> list[bool]:
    """``same_person_words(words, other)`` for each of ``others``, splitting ``words`` once and
    comparing each distinct surname once: a new person is compared with every namesake in the
    store (hundreds for a common surname), and the pairs are too many to cache."""
    if not words:
        return [False] * len(others)
    mine = _parts(words)
    surnames: dict[str, bool] = {}
    out = []
    for other in others:
        if not other:
            out.append(False)
            continue
        theirs = _parts(other)
        same = surnames.get(theirs[0])
        if same is None:
            same = surnames[theirs[0]] = same_surname(mine[0], theirs[0])
        out.append(_agree(mine, theirs, same))
    return out


def acronym(name: str) -> str | None:
    """The initials of an organisation of two or more capitalised words ("Halden Water Authority" -> "hwa")."""
    name = _SUFFIX_RE.sub("", name.strip()).strip(" ,") or name  # "Halden Water Authority Ltd" is HWA
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _SMALL]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return fold("".join(w[0] for w in words))


def looks_like_acronym(name: str) -> bool:
    """Two to six capital letters: "HWA", "NHS"."""
    return bool(re.fullmatch(r"[A-Z]{2,6}", name.strip()))


def looks_like_name(name: str) -> bool:
    """Capitalised words only (and a surname's particles: "de Souza"), one to four of them: a
    proper name the tagger may have missed."""
    words = name.split()
    return 0 < len(words) <= MAX_NAME_WORDS and words[-1][:1].isupper() and \
        all(w[:1].isupper() or w in _PARTICLES for w in words)
