"""Entities in one article: mentions clustered into people, organisations, outlets and groups.

A person's full name, surname, titled name ("Maj. Gen. (res.) Tamir Hayman"), pronouns
("He continued") and misspellings of a name already in the article ("Heyman") resolve to one
entity. Misspellings are matched with jellyfish (phonetic codes, Damerau-Levenshtein), guarded
so that two different people with close names stay apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jellyfish
from spacy.tokens import Doc

from onrecord.records import Attribution, Entity
from onrecord.pipeline import agreement
from onrecord.pipeline.doccache import doc_ents, doc_text, ents_in

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
_TITLE_WORDS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "maj", "col", "lt", "capt", "prof",
                "president", "former", "us", "u.s.", "senator", "governor", "minister", "prime", "chief",
                "secretary", "judge", "justice", "mayor", "rev", "sir", "lord", "res", "the"}

#: Two surnames are one person misspelt when they are one edit apart (Damerau-Levenshtein)
#: and sound alike (same metaphone or soundex code) or share nearly every letter in order
#: (Jaro-Winkler >= 0.95, for a dropped or added final letter: Varga/Vargas). Checked on
#: Hayman/Heyman, Keller/Kellar, Netanyahu/Netanyhau; Clinton/Clifton (one edit, different
#: sound, 0.93) stays apart.
_MAX_EDITS = 1
_MIN_JARO = 0.95
#: Surnames shorter than this are never matched by spelling: "Lee"/"Li" are different people.
_MIN_FUZZY_LEN = 5


@dataclass
class Cluster:
    """One entity being built: canonical name, type, aliases and mention offsets."""

    name: str
    type: str | None
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    pronoun: str | None = None  # "he" or "she" once the article has used one for this person

    def add(self, text: str, start: int, end: int) -> None:
        """Add a mention (and its text as an alias, once)."""
        if text not in self.aliases:
            self.aliases.append(text)
        if (start, end) not in self.mentions:
            self.mentions.append((start, end))

    @property
    def surname(self) -> str:
        """The last word of the canonical name, lower-cased."""
        return self.name.split()[-1].lower()


class EntityIndex:
    """The article's clusters, and the lookup of a mention to its cluster."""

    def __init__(self) -> None:
        self.clusters: list[Cluster] = []
        self.titles: dict[str, list[Cluster]] = {}

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

    def match_person(self, name: str) -> Cluster | None:
        """The person this name refers to: same name, same surname, or a misspelt surname."""
        people = [c for c in self.clusters if c.type == "PERSON"]
        low = name.lower()
        words = low.split()
        for c in people:
            if c.name.lower() == low or low in (a.lower() for a in c.aliases):
                return c
        for c in people:
            cwords = c.name.lower().split()
            if words[-1] == cwords[-1] and (len(words) == 1 or len(cwords) == 1 or words[0] == cwords[0]):
                return c
        if len(words) == 1:
            fuzzy = [c for c in people if same_name_misspelt(words[0], c.surname)]
            exact_others = [c for c in people if c.surname == words[0]]
            if len(fuzzy) == 1 and not exact_others:
                return fuzzy[0]
        return None

    def other(self, name: str, kind: str, start: int, end: int, text: str) -> Cluster:
        """The organisation, outlet or group cluster for a mention."""
        low = name.lower()
        for c in self.clusters:
            if c.type == kind and (c.name.lower() == low or low in (a.lower() for a in c.aliases)):
                c.add(text, start, end)
                return c
        cluster = Cluster(name, kind)
        cluster.add(text, start, end)
        self.clusters.append(cluster)
        return cluster


def clean_name(text: str) -> str:
    """A person's name without titles, ranks, parentheses and possessive."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"['’]s$", "", text.strip())
    words = [w for w in text.split() if w.strip(".,").lower() not in _TITLE_WORDS]
    return " ".join(w.strip(",") for w in words) or text.strip()


def same_name_misspelt(a: str, b: str) -> bool:
    """True when surname ``a`` is a plausible misspelling of surname ``b`` (see thresholds)."""
    if a == b or min(len(a), len(b)) < _MIN_FUZZY_LEN:
        return False
    if jellyfish.damerau_levenshtein_distance(a, b) > _MAX_EDITS:
        return False
    return (jellyfish.metaphone(a) == jellyfish.metaphone(b) or jellyfish.soundex(a) == jellyfish.soundex(b)
            or jellyfish.jaro_winkler_similarity(a, b) >= _MIN_JARO)


def resolve(doc: Doc, attributions: list[Attribution]) -> list[Entity]:
    """Cluster the article's mentions and set each speaker's ``entity`` and ``type``."""
    index = EntityIndex()
    for ent in doc_ents(doc):
        if ent.label_ == "PERSON":
            cluster = index.person(ent.text, ent.start_char, ent.end_char)
            title = _title_before(ent)
            if title:
                index.add_title(title, cluster)
    for ent in doc_ents(doc):
        if ent.label_ in ("ORG", "GPE", "NORP"):
            person = _known_person(index, ent.text)
            if person is not None:  # the tagger called a known person's surname an ORG or GPE
                person.add(ent.text, ent.start_char, ent.end_char)
                continue
            kind = "OUTLET" if ent.label_ == "ORG" and _OUTLET_WORDS.search(ent.text) else ent.label_
            index.other(strip_det(ent.text), kind, ent.start_char, ent.end_char, ent.text)
    recent: list[Cluster] = []  # sources who spoke (named or not), the latest last
    for attr in sorted(attributions, key=lambda a: a.speaker.start if a.speaker else 0):
        sp = attr.speaker
        if sp is None:
            continue
        low = sp.text.lower().strip()
        if low in PERSON_PRONOUNS or low in agreement.THING_PRONOUNS:
            cluster = agreement.antecedent(recent, low, _people_before(doc, index, sp.start))
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
    ents = [e for e in (ents_in(doc, span.start_char, span.end_char) if span is not None else [])
            if e.label_ in ("PERSON", "ORG", "GPE", "NORP")]
    people = [e for e in ents if e.label_ == "PERSON"]
    if people:
        return index.person(people[-1].text, people[-1].start_char, people[-1].end_char)
    orgs = [e for e in ents if e.label_ == "ORG"]
    speaks_for = span is not None and (span.root.lemma_ in _SPOKESPEOPLE or any(
        e.root.dep_ == "appos" and e.root.head.i == span.root.i for e in orgs))
    if orgs and (span is None or speaks_for or orgs[0].root == span.root or len(orgs[0]) * 2 >= len(span)):
        e = orgs[0]
        kind = "OUTLET" if _OUTLET_WORDS.search(e.text) else "ORG"
        return index.other(strip_det(e.text), kind, start, end, text)
    if span is not None and span.root.pos_ == "PROPN" and len(span) <= 4:
        # a name the tagger did not label: a misspelt or unfamiliar surname
        match = index.match_person(clean_name(span.text))
        if match is not None:
            match.add(text, start, end)
            return match
        if span.root.ent_type_ == "" and span.root.text[:1].isupper():
            return index.person(span.text, start, end)
    if low in GROUP_PRONOUNS or low in ("i", "you", "it"):
        return None
    return index.other(group_name(span) if span is not None else text, "GROUP", start, end, text)


def _people_before(doc: Doc, index: EntityIndex, offset: int) -> list[Cluster]:
    """The people named before ``offset``, the one named last first (a pronoun's antecedents
    when no speaker came first)."""
    out: list[Cluster] = []
    for e in reversed([e for e in ents_in(doc, 0, offset) if e.label_ == "PERSON"]):
        cluster = index.match_person(clean_name(e.text))
        if cluster is not None and cluster not in out:
            out.append(cluster)
    return out


def _last_person_before(doc: Doc, index: EntityIndex, offset: int) -> Cluster | None:
    """The person named last before ``offset``."""
    people = _people_before(doc, index, offset)
    return people[0] if people else None


def _title_before(ent) -> str | None:
    """The common-noun title right before a person's name: "Mayor", "Chief engineer"."""
    words = []
    tok = ent.doc[ent.start - 1] if ent.start > 0 else None
    while tok is not None and tok.pos_ in ("NOUN", "PROPN", "ADJ") and tok.ent_type_ in ("", "PERSON") \
            and tok.head.i >= ent.start and len(words) < 4:
        words.insert(0, tok.text)
        tok = ent.doc[tok.i - 1] if tok.i > 0 else None
    return " ".join(words) if words else None


def _known_person(index: EntityIndex, text: str) -> Cluster | None:
    """A person already in the article named by ``text`` (full name, surname or misspelling)."""
    name = clean_name(text)
    if not name or not name[:1].isupper() or len(name.split()) > 4:
        return None
    return index.match_person(name)


def group_name(span) -> str:
    """An unnamed source's name: its noun phrase up to the head ('some US officials')."""
    root = span.root
    words = [t for t in span if t.i <= root.i and t.dep_ != "punct"]
    name = " ".join(t.text for t in words) if words else span.text
    if name[:1].isupper() and words and words[0].pos_ in ("DET", "ADJ", "NUM", "PRON"):
        name = name[:1].lower() + name[1:]
    return name


def strip_det(text: str) -> str:
    """A name without a leading 'the' and a trailing possessive."""
    text = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"['’]s$", "", text)
