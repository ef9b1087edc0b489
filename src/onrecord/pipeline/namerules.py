"""Name rules that need no parser: the title words before a person's name, the legal suffixes
of a company's name, the particles of a surname, and when two surnames are one misspelt. The
article stage (pipeline/entities.py) and the store's names across articles (store/names.py)
read them from here, so the store and the explorer load no language model to compare names."""
from __future__ import annotations

import re

import jellyfish
from nameparser.config import CONSTANTS as NAME_CONSTANTS

#: Words of a title or rank before a person's name ("Maj. Gen.", "Sen.", "former").
TITLE_WORDS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "maj", "col", "lt", "capt", "prof",
               "president", "former", "us", "u.s.", "senator", "governor", "minister", "prime", "chief",
               "secretary", "judge", "justice", "mayor", "rev", "sir", "lord", "res", "the"}

#: Legal suffixes of a company's name: "Fenwick Corp", "Fenwick Corp." and "Fenwick" are one
#: organisation, and a name ending with one is an organisation whatever the tagger said.
COMPANY_SUFFIXES = {"corp", "corporation", "inc", "incorporated", "ltd", "limited", "plc", "llc", "llp",
                    "gmbh", "ag", "sa", "nv", "bv", "co", "company", "group", "holdings", "ab", "asa", "oy",
                    "spa", "srl", "pty", "lp"}
COMPANY_SUFFIX_RE = re.compile(r"(?:,?\s+(?:" + "|".join(sorted(COMPANY_SUFFIXES, key=len, reverse=True)) + r")\.?)+$", re.I)
#: The particles a surname may open with (nameparser's: "van", "de", "der").
PARTICLES = {p.lower() for p in NAME_CONSTANTS.prefixes if p.isalpha()}

#: Two surnames are one person misspelt when they are one edit apart (Damerau-Levenshtein)
#: and sound alike (same metaphone or soundex code) or share nearly every letter in order
#: (Jaro-Winkler >= 0.95, for a dropped or added final letter: Varga/Vargas). Checked on
#: Hayman/Heyman, Keller/Kellar, Netanyahu/Netanyhau; Clinton/Clifton (one edit, different
#: sound, 0.93) stays apart.
MAX_EDITS = 1
MIN_JARO = 0.95
#: Surnames shorter than this are never matched by spelling: "Lee"/"Li" are different people.
MIN_FUZZY_LEN = 5


def same_name_misspelt(a: str, b: str) -> bool:
    """True when surname ``a`` is a plausible misspelling of surname ``b`` (see thresholds)."""
    if a == b or min(len(a), len(b)) < MIN_FUZZY_LEN:
        return False
    if jellyfish.damerau_levenshtein_distance(a, b) > MAX_EDITS:
        return False
    return (jellyfish.metaphone(a) == jellyfish.metaphone(b) or jellyfish.soundex(a) == jellyfish.soundex(b)
            or jellyfish.jaro_winkler_similarity(a, b) >= MIN_JARO)
