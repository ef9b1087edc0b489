"""The cue lexicon: which words introduce an attribution, and how each one takes its content.

The verb list starts from reporting verbs every style guide names and is extended by the
lemma statistics of PolNeAR's train split (``data/cue_lexicon.json``, rebuilt by
``make train``): a lemma is a cue when annotators marked it as one in at least
``MIN_CUE_RATE`` of its verb uses there.
"""
from __future__ import annotations

import functools
import json
from importlib import resources

from spacy.tokens import Token

#: Reporting verbs that are cues wherever they take a clause or a quote.
SPEECH = set("""say tell add state write ask explain note claim argue insist declare announce warn
reply respond continue acknowledge admit deny confirm suggest recall tweet post report comment
concede contend emphasize emphasise stress assert maintain predict promise vow pledge allege
testify reveal disclose remark observe mention repeat reiterate retort quip joke boast complain
lament acknowledge agree caution urge describe call charge accuse dismiss reject counter
speculate estimate conclude find show indicate believe think say brief inform assure remind
point signal hint imply question wonder estimate predict forecast threaten demand""".split())

#: Verbs that take a reported proposition in an xcomp ("seeming to suggest" is handled by
#: the suggest lemma; these are the ones whose infinitive is itself the content).
XCOMP_CONTENT = {"promise", "vow", "pledge", "threaten", "urge"}

#: Verbs whose object is the addressee ("told Malam").
TELL_LIKE = {"tell", "inform", "assure", "remind", "warn", "brief", "ask", "urge", "promise"}
#: Verbs taking "to X" for the addressee ("said to reporters").
SPEAK_TO = {"say", "speak", "talk", "write", "explain", "complain", "admit", "confess", "announce"}

#: A passive subject of these is the addressee, not the source ("he was told that ...").
PASSIVE_AGENT_ONLY = {"tell", "ask", "inform", "assure", "remind", "warn", "brief"}

#: Cues whose content is a referred-to object rather than a clause ("declined to address X",
#: "broke the news of X", "made similar comments"). Mapped to the verb whose object is content.
REFERENCE_VERBS = {"decline", "refuse", "break", "publish", "make", "deny", "confirm",
                   "dispute", "reject"}
_NEWS_OBJECTS = {"news", "story", "report", "comment", "comments", "remark", "pieces", "piece",
                 "statement", "account", "claim", "article"}

#: A lemma is a cue when annotators marked at least this share of its verb uses in PolNeAR
#: train. 0.35 keeps "believe" and "suggest" (about 0.4 there) and leaves out "make" and
#: "get" (under 0.05), where the verb is rarely an attribution.
MIN_CUE_RATE = 0.35


@functools.lru_cache(maxsize=1)
def learned_lemmas() -> frozenset[str]:
    """Lemmas PolNeAR train marks as cues often enough (see MIN_CUE_RATE)."""
    try:
        data = json.loads(resources.files("onrecord.data").joinpath("cue_lexicon.json").read_text())
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    return frozenset(k for k, v in data["lemmas"].items() if v["rate"] >= MIN_CUE_RATE)


def is_cue_verb(tok: Token) -> bool:
    """True for a verb token that can introduce an attribution."""
    if tok.pos_ not in ("VERB",) and not (tok.pos_ == "AUX" and tok.lemma_ == "say"):
        return False
    lemma = tok.lemma_.lower()
    return lemma in SPEECH or lemma in REFERENCE_VERBS or lemma in learned_lemmas()


def allows_no_subject(verb: Token) -> bool:
    """Cues that stand without a subject of their own (a participle after a clause)."""
    return verb.tag_ in ("VBG", "VBN") and verb.dep_ in ("advcl", "acl", "xcomp")


def cue_span(verb: Token) -> tuple[int, int]:
    """The cue as written: the verb with its particle, and 'to X' of 'declined to address'."""
    start, end = verb.idx, verb.idx + len(verb)
    for child in verb.children:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child)
        if child.dep_ == "xcomp" and verb.lemma_ in ("decline", "refuse") and child.i <= verb.i + 3:
            end = child.idx + len(child)
        if child.dep_ == "dobj" and verb.lemma_ in ("break", "make") and child.lower_ in _NEWS_OBJECTS \
                and child.i <= verb.i + 3:
            end = child.idx + len(child)
    if verb.dep_ == "xcomp" and verb.head.lemma_ in ("seem", "appear"):
        start = min(start, verb.head.idx)
    return start, end


def referred_object(verb: Token) -> Token | None:
    """The object a reference cue refers to ('declined to address [Trump's comments]')."""
    lemma = verb.lemma_
    if lemma in ("decline", "refuse"):
        for child in verb.children:
            if child.dep_ == "xcomp":
                obj = next((c for c in child.children if c.dep_ in ("dobj", "prep")), None)
                return obj
        return None
    for child in verb.children:
        if child.dep_ == "dobj":
            if lemma in ("break", "publish", "make") and child.lemma_ in _NEWS_OBJECTS:
                prep = next((c for c in child.children if c.dep_ == "prep"), None)
                return prep if prep is not None and lemma == "break" else child
            if lemma in ("deny", "confirm", "dispute", "reject", "address"):
                return child
    return None
