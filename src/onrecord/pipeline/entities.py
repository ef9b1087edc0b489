"""Entities in one article: mentions clustered into people, organisations, outlets and groups.

A person's full name, surname, titled name ("Maj. Gen. (res.) Tamir Hayman"), pronouns
("He continued") and misspellings of a name already in the article ("Heyman") resolve to one
entity. Misspellings are matched with jellyfish (phonetic codes, Damerau-Levenshtein), guarded
so that two different people with close names stay apart. Names with particles ("Anna de
Souza" / "de Souza", "Pieter van der Berg" / "van der Berg") are split by nameparser; a
company with and without its legal suffix ("Fenwick Corp" / "Fenwick") is one organisation;
an alias is a name, never a name plus a date ("Fenwick 2024" is Fenwick).

Types come from what the text says of a name, not from the tagger alone (``mention_types``):
a source that speaks is a person, organisation or group; "streaming company Brightwave" or a
legal suffix makes an organisation; "grew up in Vellmar" a place; "won the Marlow Prize" an
award, "a glass of Zweigelt" a drink, a name in quote marks after "the film" a title, and
those three are no entity at all. The context rules are hand-written (no library types
names from their sentence), each named below.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nameparser import HumanName

from onrecord.records import Attribution, Entity
from onrecord.pipeline import agreement
from onrecord.pipeline.doccache import doc_ents, doc_text, ents_in, token_indices
from onrecord.pipeline.namerules import COMPANY_SUFFIX_RE as _SUFFIX_RE
from onrecord.pipeline.namerules import COMPANY_SUFFIXES, same_name_misspelt
from onrecord.pipeline.namerules import PARTICLES as _PARTICLES
from onrecord.pipeline.namerules import TITLE_WORDS as _TITLE_WORDS

if TYPE_CHECKING:  # annotations only: the module imports spaCy through doccache
    from spacy.tokens import Doc

#: A speaker's type is one of DESIGN.md's: a country or government speaks as an organisation,
#: a nationality or party ("Democrats") as a group.
SPEAKER_TYPE = {"GPE": "ORG", "NORP": "GROUP"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "we"}
#: Names of news outlets that spaCy tags ORG; a source whose name carries one of these words
#: is an OUTLET (a medium reporting), not an organisation acting.
_OUTLET_WORDS = re.compile(r"\b(news|times|post|journal|tribune|herald|gazette|telegraph|guardian|"
                           r"press|reuters|bloomberg|associated press|ap|cnn|nbc|abc|cbs|fox|msnbc|bbc|npr|"
                           r"politico|axios|magazine|daily|radio|tv|television|network|yahoo|breitbart|"
                           r"huffpost|huffington)\b", re.I)
#: A source whose head is one of these speaks for the organisation named in its phrase
#: ("a spokesperson for Norland Freight" is Norland Freight on the record).
_SPOKESPEOPLE = {"spokesperson", "spokesman", "spokeswoman", "representative", "spokespeople"}

#: A noun right before a name, or in apposition to it, that says it is an organisation:
#: "streaming company Brightwave", "the carrier Nordlys", "Brightwave, a streaming service".
_ORG_NOUNS = {"company", "firm", "startup", "start-up", "manufacturer", "retailer", "bank", "insurer",
              "carrier", "airline", "broadcaster", "streamer", "platform", "service", "agency", "studio",
              "distributor", "chain", "brand", "conglomerate", "group", "giant", "lender", "charity",
              "nonprofit", "non-profit", "organisation", "organization", "union", "association", "utility",
              "app", "website", "network", "subsidiary", "fund", "business", "corporation", "outfit", "club",
              "contractor", "subcontractor", "operator", "developer", "supplier", "builder", "consortium",
              "consultancy", "publisher", "exporter", "importer", "wholesaler"}
#: A name ending with one of these words is an award, a prize or a cup ("the Golden Reed
#: Award", "the Marlow Prize"): no source.
_AWARD_WORDS = {"award", "awards", "prize", "prizes", "medal", "trophy", "cup", "oscar", "oscars", "emmy",
                "emmys", "grammy", "grammys", "bafta", "baftas", "globe", "globes", "honour", "honor", "laureate"}
#: Verbs whose object, introduced by "the", is an award ("won the Marlow", "picked up the Reed").
_AWARD_VERBS = {"win", "receive", "collect", "pick", "accept", "scoop", "take", "bag", "claim", "present",
                "award", "hand", "nominate", "shortlist"}
#: Measures and nouns of drink and farming that make the name after "of" (or before the noun)
#: a drink or a grape: "a glass of Zweigelt", "Zweigelt grapes", "a bottle of Marlow".
_DRINK_MEASURES = {"glass", "glasses", "bottle", "bottles", "cup", "cups", "carafe", "pint", "pints", "sip",
                   "barrel", "barrels", "vintage", "dram", "jug", "flute", "magnum"}
_DRINK_NOUNS = {"grape", "grapes", "vine", "vines", "wine", "wines", "variety", "varieties", "vineyard",
                "vineyards", "cultivar", "blend", "beer", "cider", "whisky", "whiskey"}
#: Nouns naming a work ("the film Silent Harbour", "the drama 'Night Ferry'"): the name is a title.
_WORK_NOUNS = {"film", "movie", "series", "show", "documentary", "album", "song", "single", "book", "novel",
               "play", "musical", "opera", "drama", "comedy", "thriller", "sitcom", "podcast", "memoir",
               "biopic", "feature", "short", "painting", "poem", "record", "programme", "program", "game"}
#: Prepositions whose object is a place ("grew up in Vellmar", "a farm near Ostby"), and the
#: words before "in" that take a person instead ("confidence in Ruiz", "starred in").
_PLACE_PREPS = {"in", "near", "outside", "across", "throughout", "around"}
_NOT_PLACE_HEADS = {"believe", "trust", "invest", "interest", "confidence", "faith", "belief", "stake",
                    "role", "part", "participate", "involve", "star", "appear", "feature", "cast", "interested",
                    "involved"}
#: Nouns that make the name after "of" a place ("the village of Vellmar", "the port of Ostby").
_PLACE_NOUNS = {"village", "town", "city", "region", "district", "province", "county", "valley", "island",
                "port", "municipality", "state", "capital", "suburb", "hamlet", "parish", "borough", "commune",
                "canton", "oblast", "prefecture", "neighbourhood", "neighborhood", "area", "coast", "resort"}
#: Titles of people: a name after one is a person's.
_PERSON_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "sen",
                  "rep", "gov", "mayor", "minister", "president", "judge", "justice", "rev", "father", "sister"}



@dataclass
class Cluster:
    """One entity being built: canonical name, type, aliases and mention offsets."""

    name: str
    type: str | None
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    pronoun: str | None = None  # "he" or "she" once the article has used one for this person

    def add(self, text: str, start: int, end: int, dates: bool = True) -> None:
        """Add a mention (and its text as an alias, once); a date in it is not part of the
        name ("Fenwick 2024" is recorded as "Fenwick", at the offsets of "Fenwick") unless
        ``dates`` is False (an unnamed source's words: "a 2014 study")."""
        if dates:
            text, start, end = trim_dates(text, start, end)
        if not text:
            return
        if text not in self.aliases:
            self.aliases.append(text)
        if (start, end) not in self.mentions:
            self.mentions.append((start, end))

    @property
    def surname(self) -> str:
        """The last word of the canonical name, lower-cased."""
        return self.name.split()[-1].lower()

    @property
    def parts(self) -> "NameParts":
        """The canonical name split into given names and surname (see ``split_name``)."""
        return split_name(self.name)


class EntityIndex:
    """The article's clusters, and the lookup of a mention to its cluster."""

    def __init__(self) -> None:
        self.clusters: list[Cluster] = []
        self.titles: dict[str, list[Cluster]] = {}
        self.types: dict[int, str | None] = {}  # entity start offset -> type from its context
        self.by_context: set[int] = set()  # offsets whose type the words around them gave
        # pure functions of names, asked for every cluster on every mention: memoised per article
        self._org_keys: dict[str, str] = {}
        self._misspelt: dict[tuple[str, str], bool] = {}

    def org_key(self, name: str) -> str:
        """``org_key(name)``, computed once per name in this article."""
        key = self._org_keys.get(name)
        if key is None:
            key = self._org_keys[name] = org_key(name)
        return key

    def misspelt(self, a: str, b: str) -> bool:
        """``same_name_misspelt(a, b)``, computed once per pair in this article."""
        found = self._misspelt.get((a, b))
        if found is None:
            found = self._misspelt[(a, b)] = same_name_misspelt(a, b)
        return found

    def add_title(self, title: str, cluster: Cluster) -> None:
        """Remember that ``cluster`` was introduced with this title ("Mayor Elena Varga")."""
        key = title.lower()
        if cluster not in self.titles.setdefault(key, []):
            self.titles[key].append(cluster)

    def by_title(self, text: str) -> Cluster | None:
        """The one person introduced with this title ("the mayor" -> Mayor Elena Varga)."""
        key = re.sub(r"^(the|a|an|our|their)\s+", "", text.strip().lower())
        people = self.titles.get(key, [])
        return people[0] if len(people) == 1 else None

    def person(self, text: str, start: int, end: int) -> Cluster:
        """The person cluster for a name mention, created if it is a new person."""
        name = clean_name(text)
        cluster = self.match_person(name)
        if cluster is None:
            cluster = Cluster(name, "PERSON")
            self.clusters.append(cluster)
        elif len(name.split()) > len(cluster.name.split()):
            cluster.name = name  # the fuller name becomes canonical
        cluster.add(text, start, end)
        return cluster

    def fuller_name(self, cluster: Cluster, text: str) -> None:
        """Make a name mention of a known person its canonical name when it says more ("Claudia
        Fenwick" for a person first met as "Fenwick"), as ``person`` does for tagged names."""
        name = clean_name(text)
        words = name.split()
        if len(words) > len(cluster.name.split()) and split_name(name).core == cluster.parts.core \
                and "'" not in name and "’" not in name and all(w[:1].isupper() for w in words) \
                and _guesser().get_gender(words[0]) != "unknown":
            cluster.name = name  # only a known given name before it: "Claudia", not "National Review's"

    def match_person(self, name: str) -> Cluster | None:
        """The person this name refers to: same name, same surname (particles and all: "de
        Souza" is Anna de Souza), or a misspelt surname."""
        people = [c for c in self.clusters if c.type == "PERSON"]
        low = name.lower()
        if not low.split():
            return None
        for c in people:
            if c.name.lower() == low or low in (a.lower() for a in c.aliases):
                return c
        parts = split_name(name)
        for c in people:
            if same_surname_parts(parts, c.parts) and given_agree(parts, c.parts):
                return c
        if not parts.given:
            fuzzy = [c for c in people if self.misspelt(parts.core, c.parts.core)
                     and particles_agree(parts, c.parts)]
            exact_others = [c for c in people if c.parts.core == parts.core]
            if len(fuzzy) == 1 and not exact_others:
                return fuzzy[0]
        return None

    def other(self, name: str, kind: str, start: int, end: int, text: str) -> Cluster:
        """The organisation, outlet or group cluster for a mention; an organisation with and
        without its legal suffix ("Fenwick Corp", "Fenwick") is one, named with the suffix."""
        if kind != "GROUP":  # an unnamed source's words keep their date ("a 2014 study")
            name = trim_dates(name, 0, len(name))[0] or name
        if not _SUFFIX_RE.search(name):
            name = name.rstrip(" .,;:") or name  # "Brightwave." at a sentence's end
        key = self.org_key(name)
        for c in self.clusters:
            if c.type == kind and (self.org_key(c.name) == key or key in (self.org_key(a) for a in c.aliases)):
                if _SUFFIX_RE.search(name) and not _SUFFIX_RE.search(c.name) and self.org_key(c.name) == key:
                    c.name = name  # the legal name becomes canonical
                c.add(text, start, end)
                return c
        cluster = Cluster(name, kind)
        cluster.add(text, start, end, dates=kind != "GROUP")
        self.clusters.append(cluster)
        return cluster

    def org_by_key(self, name: str) -> Cluster | None:
        """The one organisation or outlet of the article whose name without suffix is ``name``."""
        key = self.org_key(name)
        found = [c for c in self.clusters if c.type in ("ORG", "OUTLET") and self.org_key(c.name) == key]
        return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class NameParts:
    """A person's name split: given names, the surname with its particles, the surname's last
    word ("core"), all lower-cased. "Pieter van der Berg" -> ("pieter",), "van der berg", "berg"."""

    given: tuple[str, ...]
    surname: str
    core: str

    @property
    def particles(self) -> str:
        """The particles before the core ("van der"), or ""."""
        return self.surname[: -len(self.core)].strip()




@functools.lru_cache(maxsize=8192)
def split_name(name: str) -> NameParts:
    """Given names and surname of a (title-free) person's name, by nameparser.

    nameparser takes a leading particle for a first name ("van der Berg" -> first "van"), so
    a name that opens with a particle is all surname.
    """
    words = name.lower().split()
    if not words:
        return NameParts((), "", "")
    if len(words) == 1:
        return NameParts((), words[0], words[0])
    if words[0] in _PARTICLES:
        return NameParts((), " ".join(words), words[-1])
    parsed = HumanName(name)
    surname = parsed.last.lower() or words[-1]
    given = tuple(w for w in (parsed.first + " " + parsed.middle).lower().split() if w)
    return NameParts(given, surname, surname.split()[-1])


def same_surname_parts(a: NameParts, b: NameParts) -> bool:
    """One surname: the same core, and the same particles unless one name has none."""
    return a.core == b.core and particles_agree(a, b)


def particles_agree(a: NameParts, b: NameParts) -> bool:
    """"van der Berg" and "Berg" agree, "van der Berg" and "de Berg" do not."""
    return not a.particles or not b.particles or a.particles == b.particles


def given_agree(a: NameParts, b: NameParts) -> bool:
    """Given names that do not conflict: one name has none, or the first ones are equal."""
    return not a.given or not b.given or a.given[0] == b.given[0]


#: A date inside a mention ("Fenwick 2024", "CORVALE, January 20, 2025"): a year, or a month
#: with its day. Hand-written: the name is cut there.
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_IN_NAME = re.compile(rf"\b(?:{_MONTHS}\s+\d{{1,2}}\b|\d{{1,2}}\s+{_MONTHS}(?!\w)|(?:1[6-9]|20)\d\d\b)", re.I)


def trim_dates(text: str, start: int, end: int) -> tuple[str, int, int]:
    """A mention without the date in it, with its offsets: the words before the date, else
    the words after it; ("", start, start) when it is a date alone."""
    m = _DATE_IN_NAME.search(text)
    if m is None:
        return text, start, end
    before = text[: m.start()].rstrip(" ,;:-–—(")
    if before.strip():
        lead = len(before) - len(before.lstrip())
        return before.strip(), start + lead, start + len(before)
    after = text[m.end():]
    body = after.lstrip(" ,;:-–—)")
    offset = start + m.end() + len(after) - len(body)
    body = body.rstrip()
    if not re.search(r"\w", body) or _DATE_IN_NAME.search(body):  # nothing left, or another date
        return "", start, start
    return body, offset, offset + len(body)


def org_key(name: str) -> str:
    """An organisation's name as compared: no leading "the", possessive or legal suffix,
    lower-cased ("The Fenwick Corp." -> "fenwick")."""
    name = strip_det(name)
    stripped = _SUFFIX_RE.sub("", name).strip(" ,.;:")
    return " ".join((stripped or name).lower().split())


@functools.lru_cache(maxsize=8192)
def clean_name(text: str) -> str:
    """A person's name without titles, ranks, parentheses, possessive and dates (a pure
    function of the words, cached: it is asked for every person mention before each pronoun)."""
    text = trim_dates(text, 0, len(text))[0] or text
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"['’]s$", "", text.strip())
    words = [w for w in text.split() if w.strip(".,").lower() not in _TITLE_WORDS]
    while len(words) > 1 and words[0][:1].isupper() and words[0].lower() in agreement.PERSON_NOUNS:
        words = words[1:]  # a role written as a title: "Critic Maren Holt" is Maren Holt
    return " ".join(w.strip(",") for w in words) or text.strip()


# ---------------------------------------------------------------- types from the context

#: Labels of spaCy's whose entities may be sources, and those that may be one when the text
#: says so ("streaming company Brightwave" tagged PRODUCT, "Fenwick" tagged FAC that speaks).
_SOURCE_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_OTHER_LABELS = ("FAC", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT")
_QUOTES = "\"“”'‘’«»"
_NOT_A_SOURCE = "-"  # what the text says of an award, a drink or a title
#: The share of a name's mentions whose context must say "award", "place" or (for a name the
#: tagger calls a person) "organisation" before all its mentions take that type. Reviewed on a
#: sample of PolNeAR train (120 articles): with a single mention deciding, "One label Rubio
#: resists" made a senator a record label and "the case of Kalief Browder" a drink; half keeps
#: the awards, villages and grapes of a story, which are named that way every time.
_CONTEXT_SHARE = 0.5


@functools.lru_cache(maxsize=1)
def _guesser():
    """gender-guesser's detector, built on first use (reading its name list takes ~1.4 s)."""
    import gender_guesser.detector
    return gender_guesser.detector.Detector(case_sensitive=False)


def mention_types(doc: Doc, attributions: list[Attribution]) -> dict[int, str | None]:
    """Each named entity's type from what the article says of it, by start offset."""
    return _typed_mentions(doc, attributions)[0]


def _typed_mentions(doc: Doc, attributions: list[Attribution]) -> tuple[dict[int, str | None], set[int]]:
    """Each named entity's type by start offset, and the offsets whose type the words around
    them gave (a suffix, an organisation noun, a place) rather than the tagger.

    The mentions of one name (without its date) share a type, decided in this order (see
    ``_group_type``): an organisation when a mention has a legal suffix; a person when one has
    a title or a known given name; an organisation when an organisation noun stands before or
    beside it ("streaming company Brightwave"; half its mentions when the tagger calls it a
    person); none (None) when at least half its mentions are an award, a drink or grape, or a
    title, even when a rule made it a speaker (it is then an unnamed group, never a person); a
    person when it speaks while tagged PERSON, else the tagger's source type when it speaks (a
    source that speaks is a person, organisation or group); a place (GPE) when a
    name tagged PERSON is a place at least half the time ("in Vellmar", "the village of
    Vellmar"); else the tagger's label over all mentions (``_majority``). A one-word name
    tagged PERSON that is the name of an organisation of the article without its suffix, and
    not any person's surname, is that organisation ("Fenwick" beside "Fenwick Corp").
    """
    speaking = {}  # the head word of each speaker ("Burma" in "Burma's leader said" does not speak)
    for a in attributions:
        span = doc.char_span(a.speaker.start, a.speaker.end, alignment_mode="expand") if a.speaker else None
        if span is not None and len(span):
            speaking[span.root.i] = span
    groups: dict[str, list[tuple]] = {}
    heads = sorted(speaking)  # an entity looks only at the speakers' heads inside it
    for ent in doc_ents(doc):
        if ent.label_ not in _SOURCE_LABELS + _OTHER_LABELS:
            continue
        name = trim_dates(ent.text, 0, len(ent.text))[0]
        if not name:
            continue
        speaks = any(ent.label_ in _SOURCE_LABELS or _is_the_speaker(ent, speaking[i])
                     for i in heads[bisect.bisect_left(heads, ent.start):bisect.bisect_left(heads, ent.end)])
        groups.setdefault(strip_det(name).lower().strip(" .,;:"), []).append((ent, _context_type(ent), speaks))
    decided = {key: _group_type(members) for key, members in groups.items()}
    orgs = {org_key(k) for k, (t, _) in decided.items() if t in ("ORG", "OUTLET")}
    cores = {split_name(clean_name(k)).core for k, (t, _) in decided.items() if t == "PERSON" and len(k.split()) > 1}
    out: dict[int, str | None] = {}
    by_context: set[int] = set()
    for key, members in groups.items():
        kind, said = decided[key]
        if kind == "PERSON" and len(key.split()) == 1 and key in orgs and key not in cores \
                and not any(c == "PERSON" for _, c, _ in members):
            kind, said = "ORG", True
        for ent, _, _ in members:
            out[ent.start_char] = kind
            if said:
                by_context.add(ent.start_char)
    return out, by_context


def _group_type(members: list[tuple]) -> tuple[str | None, bool]:
    """The type of the mentions of one name (see ``mention_types``), and whether the words
    around it said so (an organisation by its suffix or an organisation noun)."""
    labels = Counter(_label_kind(ent.label_, ent.text) for ent, _, _ in members if ent.label_ in _SOURCE_LABELS)
    contexts = Counter(c for _, c, _ in members)
    speaks = any(sp for _, _, sp in members)
    text = members[0][0].text
    org = "OUTLET" if _OUTLET_WORDS.search(text) else "ORG"
    if contexts["SUFFIX"]:
        return org, True
    if contexts["PERSON"]:
        return "PERSON", False
    if contexts["ORG"] and (contexts["ORG"] >= _CONTEXT_SHARE * len(members) or not labels["PERSON"]):
        return org, True  # a name the tagger calls a person needs it at least half the time
    if contexts[_NOT_A_SOURCE] >= _CONTEXT_SHARE * len(members):
        return None, False  # at least half its mentions say it is an award, a drink or a title
    if speaks and labels["PERSON"]:
        return "PERSON", False
    if speaks:
        return (_majority(labels) if labels else "ORG"), False
    if labels["PERSON"] and contexts["GPE"] >= _CONTEXT_SHARE * len(members):
        return "GPE", True  # a name tagged PERSON used as a place at least half the time
    return (_majority(labels) if labels else None), False


def _majority(labels: Counter) -> str:
    """The tagger's type of a name from all its mentions: PERSON when any mention is tagged
    PERSON, unless more are tagged a place (the tagger often calls a surname an ORG, rarely
    a country a person: "Burma" once PERSON in a headline, GPE in the story); else the most
    frequent label."""
    if labels["PERSON"] and labels["GPE"] <= labels["PERSON"]:
        return "PERSON"
    order = ("ORG", "OUTLET", "GPE", "NORP", "PERSON")  # ties: a source that acts first
    return max(labels, key=lambda lab: (labels[lab], -order.index(lab) if lab in order else -9))


#: An entity of another label (FAC, PRODUCT, WORK_OF_ART ...) is taken for a speaking source
#: only when it is a name of at most this many words inside the speaker's phrase: "Zero Hedge
#: said" yes, a transcript line the tagger made one WORK_OF_ART ("WALLACE: Let's start ...") no.
#: Seen on PolNeAR (not fitted): outlets and sites that speak have one to three words; four
#: leaves room for "The Center for Policy" and keeps sentences out.
_MAX_OTHER_NAME_WORDS = 4
#: An untagged proper-noun speaker is looked up as a name when it has at most this many tokens
#: ("Brightwave", "Mara de Souza"); longer spans are phrases, not names. Hand-set.
_MAX_UNTAGGED_NAME_TOKENS = 4
#: Words of a common-noun title before a name ("Chief executive", "Deputy head teacher").
_MAX_TITLE_WORDS = 4


def _is_the_speaker(ent, span) -> bool:
    """True when a FAC/PRODUCT/WORK_OF_ART entity is the speaker's name itself."""
    return span.start <= ent.start and ent.end <= span.end and len(ent) <= _MAX_OTHER_NAME_WORDS \
        and all(t.text[:1].isupper() or not t.is_alpha for t in ent if t.lower_ not in ("the", "of", "and"))


def _label_kind(label: str, text: str) -> str:
    return "OUTLET" if label == "ORG" and _OUTLET_WORDS.search(text) else label


def _context_type(ent) -> str | None:
    """What the words around one entity say it is: "ORG", "PERSON", "GPE", ``_NOT_A_SOURCE``,
    or None when they say nothing. Hand-written rules over spaCy's parse (see the constants)."""
    doc = ent.doc
    name = trim_dates(ent.text, 0, len(ent.text))[0] or ent.text
    words = [w.strip(".,").lower() for w in name.split()]
    prev = doc[ent.start - 1] if ent.start > 0 else None
    before = doc[ent.start - 2] if ent.start > 1 else None
    nxt = doc[ent.end] if ent.end < len(doc) else None
    root = ent.root
    if _SUFFIX_RE.search(name) and len(words) > 1 or (
            nxt is not None and nxt.lower_.strip(".") in COMPANY_SUFFIXES and nxt.text[:1].isupper()
            and nxt.pos_ == "PROPN"):
        return "SUFFIX"  # "Fenwick Corp"
    if prev is not None and prev.lower_.strip(".") in _PERSON_TITLES:
        return "PERSON"  # "Ms Ruiz"
    if words[-1] in _AWARD_WORDS:
        return _NOT_A_SOURCE  # "the Golden Reed Award"
    if ent.label_ == "PERSON" and (words[0] == "the" or prev is not None and prev.lower_ == "the") \
            and root.dep_ in ("dobj", "pobj", "nsubjpass") and _verb_of(root).lemma_ in _AWARD_VERBS:
        return _NOT_A_SOURCE  # "won the Marlow"
    if prev is not None and prev.lower_ == "of" and before is not None and before.lower_ in _DRINK_MEASURES:
        return _NOT_A_SOURCE  # "a glass of Zweigelt"
    if nxt is not None and nxt.lower_ in _DRINK_NOUNS and nxt.pos_ == "NOUN" and root.head.i == nxt.i:
        return _NOT_A_SOURCE  # "Zweigelt grapes"
    if _beside(prev, root, _WORK_NOUNS) or (prev is not None and prev.text in _QUOTES
                                            and before is not None and before.pos_ == "NOUN"
                                            and before.lower_ in _WORK_NOUNS):
        return _NOT_A_SOURCE  # "the film Silent Harbour", "the drama 'Night Ferry'"
    if ent.label_ == "PERSON" and _quoted_alone(ent):
        return _NOT_A_SOURCE  # "Silent Harbour" alone in quote marks: a title
    if ent.label_ == "PERSON" and len(words) > 1 and _given_name(ent[0]):
        return "PERSON"  # a known given name: "Anna de Souza"
    if ent.label_ in ("PERSON", "ORG") and _role_before(ent):
        return "PERSON"  # "Union organiser Claudia Fenwick", "Critic Maren Holt" (tagged ORG)
    if _beside(prev, root, _ORG_NOUNS) or any(c.dep_ == "appos" and c.lower_ in _ORG_NOUNS for c in root.children) \
            or (root.dep_ == "appos" and root.head.lower_ in _ORG_NOUNS):
        return "ORG"  # "streaming company Brightwave", "Brightwave, a streaming company"
    if len(ent) == 1 and root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPS and not any(
            t.lemma_.lower() in _NOT_PLACE_HEADS for t in doc[max(0, root.head.i - 3):root.head.i]):
        return "GPE"  # "grew up in Vellmar" (not "put their trust in Ruiz")
    if prev is not None and prev.lower_ == "of" and before is not None and before.lower_ in _PLACE_NOUNS:
        return "GPE"  # "the village of Vellmar"
    if any(c.dep_ == "appos" and c.lower_ in _PLACE_NOUNS for c in root.children):
        return "GPE"  # "Vellmar, a village"
    return None


#: Words of a name a role noun may stand before and still make it a person's: a given name,
#: middle name and surname (with a particle, "Anna de Souza"). Longer names are organisations
#: ("Member States Coordination Group"). Hand-set.
_MAX_ROLE_NAME_WORDS = 4


def _role_before(ent) -> bool:
    """True when a noun naming a person by role (``agreement.PERSON_NOUNS``) stands right before
    a person-like name, as its compound ("organiser" in "Union organiser Claudia Fenwick") or as
    the name's own first word ("Critic Maren Holt", which the tagger took for one ORG). The name
    after the role must look like a person's: proper nouns, at most ``_MAX_ROLE_NAME_WORDS``, and
    for a role inside the entity a known given name right after it (so "Member States" or
    "Player Union" stay organisations)."""
    doc = ent.doc
    lead = 0
    while lead < len(ent) - 1 and ent[lead].lower_ in agreement.PERSON_NOUNS and ent[lead].is_title:
        lead += 1
    name = ent[lead:]
    if len(name) > _MAX_ROLE_NAME_WORDS or not all(t.pos_ == "PROPN" or t.lower_ in _PARTICLES for t in name):
        return False
    if lead:
        return _given_name(name[0])
    prev = doc[ent.start - 1] if ent.start > 0 else None
    return prev is not None and prev.pos_ == "NOUN" and prev.lower_ in agreement.PERSON_NOUNS \
        and prev.dep_ == "compound" and prev.head.i in range(ent.start, ent.end)


def _given_name(tok) -> bool:
    """True when a name's first word is a given name gender-guesser knows (a proper noun:
    the guesser also knows "The" and "Night")."""
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and _guesser().get_gender(tok.text) in (
        "male", "female", "mostly_male", "mostly_female", "andy")


def _beside(prev, root, nouns: set[str]) -> bool:
    """True when the word before the name is one of ``nouns`` and tied to it in the parse
    ("company" in "streaming company Brightwave"), not a verb ("show Clinton")."""
    return prev is not None and prev.pos_ == "NOUN" and prev.lower_ in nouns and \
        (prev.head.i == root.i or root.head.i == prev.i)


def _verb_of(tok):
    """The verb a noun is the object of, through one preposition ("picked up the X")."""
    head = tok.head
    if tok.dep_ == "pobj" and head.head.i != head.i:
        head = head.head
    return head


def _quoted_alone(ent) -> bool:
    """True when the entity is all there is between two quote marks ("Silent Harbour")."""
    text = doc_text(ent.doc)
    before = text[max(0, ent.start_char - 1):ent.start_char]
    after = text[ent.end_char:ent.end_char + 3].lstrip(",.")
    closes = after[:1] in _QUOTES and not after[1:2].isalpha()  # not the "’s" of "Donald’s"
    return bool(before) and before in _QUOTES and bool(after) and closes


# ---------------------------------------------------------------- resolving

def resolve(doc: Doc, attributions: list[Attribution]) -> list[Entity]:
    """Cluster the article's mentions and set each speaker's ``entity`` and ``type``."""
    index = EntityIndex()
    index.types, index.by_context = _typed_mentions(doc, attributions)
    for ent in doc_ents(doc):
        if index.types.get(ent.start_char) == "PERSON":
            cluster = index.person(ent.text, ent.start_char, ent.end_char)
            title = _title_before(ent)
            if title:
                index.add_title(title, cluster)
    for ent in doc_ents(doc):
        kind = index.types.get(ent.start_char)
        if kind in ("ORG", "OUTLET", "GPE", "NORP"):
            person = _known_person(index, ent.text) if ent.start_char not in index.by_context else None
            if person is not None:  # the tagger called a known person's name an ORG or GPE
                index.fuller_name(person, ent.text)
                person.add(ent.text, ent.start_char, ent.end_char)
                continue
            index.other(strip_det(ent.text), kind, ent.start_char, ent.end_char, ent.text)
    _tie_nominals(doc, index)
    recent: list[Cluster] = []  # sources who spoke (named or not), the latest last
    for attr in sorted(attributions, key=lambda a: a.speaker.start if a.speaker else 0):
        sp = attr.speaker
        if sp is None:
            continue
        low = sp.text.lower().strip()
        if low in PERSON_PRONOUNS or low in agreement.THING_PRONOUNS:
            cluster = agreement.antecedent(recent, low, _iter_people_before(doc, index, sp.start))
            attr.speaker_via = attr.speaker_via or "pronoun"
        else:
            people = [c for c in recent if c.type == "PERSON"]
            cluster = _speaker_cluster(doc, index, sp.text, sp.start, sp.end, people[-1] if people else None)
        if cluster is not None:
            sp.entity, sp.type = cluster.name, SPEAKER_TYPE.get(cluster.type, cluster.type)
            recent = [c for c in recent if c is not cluster] + [cluster]
    return [Entity(c.name, c.type, c.aliases, sorted(c.mentions)) for c in index.clusters]


def _speaker_cluster(doc: Doc, index: EntityIndex, text: str, start: int, end: int,
                     last_person: Cluster | None) -> Cluster | None:
    """The cluster a speaker span belongs to: named entity, pronoun, or unnamed group."""
    low = text.lower().strip()
    if low in PERSON_PRONOUNS:
        return last_person or _last_person_before(doc, index, start)
    if low in ("who", "which", "that"):
        tok = doc.char_span(start, end, alignment_mode="expand")
        verb = tok.root.head if tok is not None else None
        if verb is None or verb.dep_ != "relcl":
            return None
        ante = verb.head  # "Koller, who voted against it": the antecedent is the source
        lo = min(t.idx for t in ante.subtree if t.i <= ante.i)
        return _speaker_cluster(doc, index, doc_text(doc)[lo:ante.idx + len(ante)], lo, ante.idx + len(ante),
                                last_person)
    person = _known_person(index, text) or index.by_title(text)
    if person is not None:
        person.add(text, start, end)
        return person
    span = doc.char_span(start, end, alignment_mode="expand")
    named = _appositive_source(doc, index, span) if span is not None else None
    if named is None and span is not None and len(span):
        key = _nominal_key(span.root)  # "the terminal operator" tied to its name before
        named = index.by_title(key) if key and key != text.strip().lower() else None
        if named is not None and named.type not in ("ORG", "OUTLET"):
            named = None  # a person's title keeps to its words ("the mayor of Ostby" is not the mayor)
    if named is not None:  # "The port operator, Aldous Terminals": the name, not the nominal
        named.add(text, start, end)
        return named
    owner = _named_owner(doc, index, span, last_person) if span is not None else None
    if owner is not None:  # "figures from the exporters' association": the association
        owner.add(text, start, end)
        return owner
    ents = [e for e in (ents_in(doc, span.start_char, span.end_char) if span is not None else [])
            if index.types.get(e.start_char) in ("PERSON", "ORG", "OUTLET", "GPE", "NORP")]
    people = [e for e in ents if index.types.get(e.start_char) == "PERSON" and not _only_described(e, span)]
    if people:
        return index.person(people[-1].text, people[-1].start_char, people[-1].end_char)
    orgs = [e for e in ents if index.types.get(e.start_char) in ("ORG", "OUTLET")]
    speaks_for = span is not None and (span.root.lemma_ in _SPOKESPEOPLE or any(
        e.root.dep_ == "appos" and e.root.head.i == span.root.i for e in orgs))
    if orgs and (span is None or speaks_for or orgs[0].root == span.root or len(orgs[0]) * 2 >= len(span)):
        e = orgs[0]
        return index.other(strip_det(e.text), index.types[e.start_char], start, end, text)
    org = _org_by_nominal(index, span) if span is not None and not orgs else None
    if org is not None:  # "the exporters' association" after "the Aldous Grain Exporters Association"
        org.add(text, start, end)
        return org
    places = [e for e in ents if index.types.get(e.start_char) in ("GPE", "NORP") and e.root == span.root]
    if places:  # "Norland said": a country or a party speaking
        return index.other(strip_det(places[0].text), index.types[places[0].start_char], start, end, text)
    if span is not None and span.root.pos_ == "PROPN" and len(span) <= _MAX_UNTAGGED_NAME_TOKENS:
        # a name the tagger did not label: an organisation of the article ("Brightwave said"
        # after "streaming company Brightwave"), a misspelt or unfamiliar surname
        org = index.org_by_key(span.text)
        if org is not None:
            org.add(text, start, end)
            return org
        match = index.match_person(clean_name(span.text))
        if match is not None:
            match.add(text, start, end)
            return match
        if span.root.ent_type_ == "" and span.root.text[:1].isupper():
            return index.person(span.text, start, end)
    if low in GROUP_PRONOUNS or low in ("i", "you", "it"):
        return None
    return index.other(group_name(span) if span is not None else text, "GROUP", start, end, text)


# ---------------------------------------------------------------- evidence and its owner

#: Nouns of evidence, not of people: "figures show", "according to data from X". A speaker
#: headed by one, with an owner ("figures from the association", "the association's figures",
#: "a projection by Oxford Economics"), stands for that owner; without one it stays what it is
#: (the act is evidence, see ``confidence.assign_acts``). Hand-written from the evidence rows of
#: PolNeAR train ("according to figures/data/a report/a survey by ...").
EVIDENCE_NOUNS = {"figure", "figures", "data", "statistic", "statistics", "number", "numbers", "report",
                  "survey", "poll", "study", "analysis", "estimate", "estimates", "research", "record",
                  "records", "projection", "projections", "census", "count", "tally", "audit", "review",
                  "assessment", "findings", "forecast", "calculation", "calculations", "model", "index"}
#: Prepositions that give evidence its owner; "of" does not ("a poll of voters" is not by voters).
_OWNER_PREPS = {"from", "by"}


def _evidence_owner(span):
    """The owner of the evidence a speaker span names (see ``EVIDENCE_NOUNS``), or None."""
    root = span.root
    if root.pos_ != "NOUN" or root.lower_ not in EVIDENCE_NOUNS and root.lemma_.lower() not in EVIDENCE_NOUNS:
        return None
    for child in root.children:
        if child.dep_ == "poss" and child.pos_ in ("NOUN", "PROPN") and span.start <= child.i < span.end:
            return child
        if child.dep_ == "compound" and child.pos_ == "PROPN" and child.ent_type_ in ("ORG", "PERSON"):
            return child  # "a 2014 Labor Department study", "a CBS poll"
        if child.dep_ == "prep" and child.lower_ in _OWNER_PREPS:
            pobj = next((g for g in child.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")), None)
            if pobj is not None and pobj.i < span.end:
                return pobj
    return None


def _named_owner(doc: Doc, index: EntityIndex, span, last_person: Cluster | None) -> Cluster | None:
    """The named source that owns the evidence a speaker span names: a person, organisation or
    outlet named in the owner's phrase or fitting it (``_org_by_nominal``). An unnamed owner
    leaves the evidence itself the source ("a report by the city's engineering office" is that
    report, as PolNeAR annotates documents)."""
    owner = _evidence_owner(span)
    if owner is None:
        return None
    lo, hi = _phrase_bounds(owner)
    phrase = doc.char_span(lo, hi, alignment_mode="expand")
    if phrase is None:
        return None
    named = [e for e in ents_in(doc, lo, hi) if index.types.get(e.start_char) in ("PERSON", "ORG", "OUTLET")]
    if named:
        cluster = _speaker_cluster(doc, index, doc_text(doc)[lo:hi], lo, hi, last_person)
        return cluster if cluster is not None and cluster.type in ("PERSON", "ORG", "OUTLET") else None
    return _org_by_nominal(index, phrase)


def _phrase_bounds(head) -> tuple[int, int]:
    """Character offsets of a noun's phrase up to its head ("the exporters' association" of
    "the exporters' association's figures"; nothing after the head)."""
    return min(t.idx for t in head.subtree if t.i <= head.i), head.idx + len(head)


def _content_words(span) -> list[str]:
    """A nominal's own words up to its head, lower-cased, without a plural or possessive "s"
    ("the exporters' association" -> exporter, association; "the terrorist group" keeps its
    adjective: no intelligence group is the terrorist group)."""
    out = []
    for t in span:
        if t.i > span.root.i:
            break
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.is_alpha:
            w = t.lower_
            out.append(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


#: Words a definite nominal needs to be matched to an organisation's name (``_org_by_nominal``).
_MIN_NOMINAL_WORDS = 2


def _org_by_nominal(index: EntityIndex, span) -> Cluster | None:
    """The one organisation of the article whose name holds every word of a definite nominal
    ("the exporters' association" is the Aldous Grain Exporters Association), two words at
    least ("the association" alone, "the group", is too little to tell: on PolNeAR train "the
    terrorist group" fell to the SITE Intelligence Group that way). A nominal two
    organisations fit resolves to neither."""
    root = span.root
    if root.pos_ != "NOUN" or not any(t.dep_ in ("det", "poss") and t.lower_ == "the" or t.dep_ == "poss"
                                      for t in root.children):
        return None
    if any(t.lower_ in ("a", "an", "some", "one", "another", "many") for t in span[:2]):
        return None
    words = _content_words(span)
    if len(words) < _MIN_NOMINAL_WORDS:
        return None
    fits = []
    for c in index.clusters:
        if c.type not in ("ORG", "OUTLET"):
            continue
        name = {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in re.findall(r"[a-z]+", c.name.lower())}
        if all(w in name for w in words):
            fits.append(c)
    return fits[0] if len(fits) == 1 else None


# ---------------------------------------------------------------- nominals tied to a name

def _nominal_key(noun) -> str | None:
    """The words by which a definite singular nominal names its source: the noun with its
    compounds ("port operator" of "the port operator"), or None when it is no such nominal
    ("his opponent", "the candidates", a proper noun)."""
    if noun.pos_ != "NOUN" or noun.tag_ != "NN":
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children):
        return None
    words = [c for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"] + [noun]
    return " ".join(t.lower_ for t in words)


def _name_tokens(tok) -> list:
    """The proper-noun run of a name whose last word is ``tok`` ("Aldous Terminals")."""
    words = [tok]
    while words[0].i > 0:
        prev = tok.doc[words[0].i - 1]
        if prev.pos_ != "PROPN" or prev.head.i != tok.i and prev.head.i not in (w.i for w in words):
            break
        words.insert(0, prev)
    return words


def _cluster_of_name(index: EntityIndex, doc: Doc, words: list, nominal) -> Cluster | None:
    """The cluster of a name given in apposition to ``nominal`` (a common noun): its named
    entity's, else, for a name the tagger did not label, the article's organisation or person
    of that name, else a new one, a person when the nominal names a person by role
    (``agreement.PERSON_NOUNS``), else an organisation. A name the tagger called a person
    beside an organisation's noun ("the contractor, Harrow Civil") is that organisation."""
    lo, hi = words[0].idx, words[-1].idx + len(words[-1])
    text = doc_text(doc)[lo:hi]
    ents = [e for e in ents_in(doc, lo, hi) if index.types.get(e.start_char) in ("PERSON", "ORG", "OUTLET", "GPE")]
    role_is_person = nominal.lemma_.lower() in agreement.PERSON_NOUNS
    if ents:
        e = ents[-1]
        kind = index.types[e.start_char]
        if kind == "PERSON":
            cluster = index.person(e.text, e.start_char, e.end_char)
            if not role_is_person and nominal.lower_ in _ORG_NOUNS and e.start_char not in index.by_context \
                    and len(cluster.mentions) == 1:
                cluster.type = "ORG"  # the one mention says it is a company
            return cluster
        return index.other(strip_det(e.text), kind, e.start_char, e.end_char, e.text)
    if any(t.ent_type_ for t in words):
        return None  # a date, a number: no source
    org = index.org_by_key(text)
    if org is not None:
        return org
    person = index.match_person(clean_name(text))
    if person is not None:
        return person
    if role_is_person:
        return index.person(text, lo, hi)
    return index.other(text, "OUTLET" if _OUTLET_WORDS.search(text) else "ORG", lo, hi, text)


def _appositive_source(doc: Doc, index: EntityIndex, span) -> Cluster | None:
    """The source a nominal speaker names in apposition: "The port operator, Aldous Terminals"
    or "The contractor that built the pumps, Harrow Civil" (the name after the span's last
    comma, a proper-noun run that ends the span) is Aldous Terminals or Harrow Civil; the
    nominal becomes a title of that source ("the port operator" later is the same source)."""
    root = span.root
    if root.pos_ != "NOUN" or len(span) < 3:
        return None
    end = span.end
    while end > span.start and doc[end - 1].is_punct:
        end -= 1
    last = doc[end - 1]
    if last.pos_ != "PROPN":
        return None
    words = _name_tokens(last)
    before = doc[words[0].i - 1] if words[0].i > span.start else None
    if before is None or before.text != "," or words[0].i <= root.i or not appositive_of(last, root):
        return None
    cluster = _cluster_of_name(index, doc, words, root)
    if cluster is None or cluster.type not in ("PERSON", "ORG", "OUTLET"):
        return None
    key = _nominal_key(root)
    if key and _may_tie(key, cluster):
        index.add_title(key, cluster)
    return cluster


def appositive_of(name, noun) -> bool:
    """True when the parse sets ``name`` in apposition to ``noun``: its appos, or an appos hung
    inside a relative clause of ``noun`` ("The contractor that built the pumps, Harrow Civil",
    where the parser took the name for the pumps'), not a place after a place ("a woman in
    Worcester, Massachusetts") nor a name deeper in the phrase."""
    if name.dep_ != "appos":
        return False
    tok = name.head
    if tok.i == noun.i:
        return True
    while tok.i != noun.i and tok.head.i != tok.i:
        if tok.dep_ in ("relcl", "acl") and tok.head.i == noun.i:
            return True
        tok = tok.head
    return False


def _may_tie(key: str, cluster: Cluster) -> bool:
    """True when a nominal may become a title of ``cluster``: the role of an organisation ("the
    contractor", "the port operator") for an organisation or outlet only. A person's role ("the
    senator", "the candidate") is not tied this way: political news gives one role to several
    people in turn (checked on PolNeAR train, where "the senator" after "Cruz, the senator from
    Texas" was Rubio); a person's title comes from the name it stands before (``_title_before``)."""
    return cluster.type in ("ORG", "OUTLET") and key.split()[-1] not in agreement.PERSON_NOUNS


def _tie_nominals(doc: Doc, index: EntityIndex) -> None:
    """Make a definite nominal that the text ties to an organisation's name (``_may_tie``) a
    title of that organisation: an
    apposition ("Harrow Civil, the contractor," or "the contractor, Harrow Civil,") or a copula
    ("Harrow Civil is the contractor"). "The contractor said" then resolves to Harrow Civil
    (``EntityIndex.by_title``; a nominal tied to two sources resolves to neither)."""
    clusters = {m: c for c in index.clusters for m in c.mentions}
    for i in token_indices(doc, "dep", "appos", "attr"):
        tok = doc[i]
        pair = None
        if tok.dep_ == "appos":
            pair = (tok.head, tok)
        elif tok.dep_ == "attr" and tok.head.lemma_ == "be":
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            pair = (subj, tok) if subj is not None else None
        if pair is None:
            continue
        for name, noun in (pair, pair[::-1]):
            key = _nominal_key(noun)
            if key is None or name.pos_ != "PROPN" or any(c.dep_ == "conj" for c in name.children):
                continue
            ent = next((e for e in doc_ents(doc) if e.start <= name.i < e.end), None)
            cluster = clusters.get((ent.start_char, ent.end_char)) if ent is not None else None
            if cluster is not None and _may_tie(key, cluster):
                index.add_title(key, cluster)


def _only_described(ent, span) -> bool:
    """True when a person named inside a speaker's phrase only describes the speaker: through an
    adjective ("a person familiar with Johnson's views", "an aide close to Cruz") or as the
    possessor of another person's role ("Corey Lewandowski, Trump's campaign manager"; a
    spokesperson still speaks for the one named: "Trump's spokeswoman" is Trump on the record)."""
    tok = ent.root
    if tok.dep_ == "poss" and tok.head.lemma_.lower() in agreement.PERSON_NOUNS \
            and tok.head.lemma_.lower() not in _SPOKESPEOPLE:
        return True
    while tok.i != span.root.i and tok.head.i != tok.i and span.start <= tok.head.i < span.end:
        tok = tok.head
        if tok.pos_ == "ADJ" and tok.i != span.root.i:
            return True
    return False


def _iter_people_before(doc: Doc, index: EntityIndex, offset: int):
    """The people named before ``offset``, the one named last first, each once (a pronoun's
    antecedents when no speaker came first), matched only as far as they are read."""
    seen: list[Cluster] = []
    for e in reversed([e for e in ents_in(doc, 0, offset) if e.label_ == "PERSON"]):
        cluster = index.match_person(clean_name(e.text))
        if cluster is not None and cluster not in seen:
            seen.append(cluster)
            yield cluster


def _last_person_before(doc: Doc, index: EntityIndex, offset: int) -> Cluster | None:
    """The person named last before ``offset`` (the first of them found: no need to match the rest)."""
    return next(_iter_people_before(doc, index, offset), None)


def _title_before(ent) -> str | None:
    """The common-noun title right before a person's name: "Mayor", "Chief engineer"."""
    words = []
    tok = ent.doc[ent.start - 1] if ent.start > 0 else None
    while tok is not None and tok.pos_ in ("NOUN", "PROPN", "ADJ") and tok.ent_type_ in ("", "PERSON") \
            and tok.head.i >= ent.start and len(words) < _MAX_TITLE_WORDS:
        words.insert(0, tok.text)
        tok = ent.doc[tok.i - 1] if tok.i > 0 else None
    return " ".join(words) if words else None


def _known_person(index: EntityIndex, text: str) -> Cluster | None:
    """A person already in the article named by ``text`` (full name, surname or misspelling)."""
    name = clean_name(text)
    if not name or not name[:1].isupper() or len(name.split()) > 4:
        return None
    return index.match_person(name)


#: Punctuation inside a word of a group's name, kept in it ("anti-Trump", "Reuters/Ipsos").
_INFIX_MARKS = {"-", "/", "&", "–"}


def group_name(span) -> str:
    """An unnamed source's name: its noun phrase up to the head ('some US officials')."""
    root = span.root
    words = [t for t in span if t.i <= root.i and (t.dep_ != "punct" or t.text in _INFIX_MARKS)]
    # the words as written: "Trump's wife", not "Trump 's wife"; "anti-Trump", "Reuters/Ipsos"
    if words:
        kept = {t.i for t in words}
        name = "".join((t.text if t.i in kept else "") + t.whitespace_
                       for t in span.doc[words[0].i:words[-1].i + 1])
        name = " ".join(name.split())
    else:
        name = span.text
    if name[:1].isupper() and words and words[0].pos_ in ("DET", "ADJ", "NUM", "PRON"):
        name = name[:1].lower() + name[1:]
    return name


def strip_det(text: str) -> str:
    """A name without a leading 'the' and a trailing possessive."""
    text = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"['’]s$", "", text)
