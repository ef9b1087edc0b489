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
lament agree caution urge charge accuse counter speculate conclude brief inform assure remind
hint imply demand exclaim shout scream yell whisper plead concur confess muse interject interrupt
scoff sigh snap gush marvel recount mutter murmur grumble chide scold proclaim opine rant""".split())

#: Phrasal verbs of saying, as (lemma, particle): '"...," he went on', 'she shot back, "..."'.
#: The particle may be parsed as a particle or an adverb ("shot back" often is).
PHRASAL_SPEECH = {("go", "on"), ("shoot", "back"), ("fire", "back"), ("hit", "back"), ("cut", "in"),
                  ("chime", "in"), ("pipe", "up"), ("break", "in"), ("write", "back"), ("snap", "back"),
                  ("put", "it")}  # 'as Vulture put it, "..."': "it" is the verb's object

#: Verbs of contesting whose clause is what they contest ("the engineer disputed that the fares
#: would double"). PolNeAR train has them only with an object (its rate for "dispute" with a
#: clause is no evidence against: it never occurs), so the clause is allowed by hand.
CONTEST_CLAUSE = {"dispute", "contradict", "contest"}

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

#: A verb (or noun) use whose learned cue rate (share of such uses annotated as attributions
#: in PolNeAR train, counted over words outside quotes) reaches this is taken as a cue. Chosen
#: on a sweep over 170 train articles (e2e F1 at 0.1/0.15/0.2/0.25/0.3/0.4: .653/.655/.654/
#: .644/.637/.623): 0.2 sits on the plateau with precision .75 rather than .68. Swept again on
#: a fifth of train (168 articles) once the counts left quotes out and nested cues were dropped
#: (attribution._not_nested): .672/.667/.663 at 0.15/0.2/0.25, precision .738/.754/.775; 0.2
#: stays, the higher precision for .005 of F1. Dev was not used to choose it.
MIN_CUE_RATE = 0.2

#: Relations the learned lexicon may take content through, beyond the clause and quote rules.
LEARNED_RELATIONS = ("ccomp", "dobj", "xcomp", "gov", "xcomp>ccomp", "xcomp>dobj", "acl")


@functools.lru_cache(maxsize=1)
def lexicon() -> dict:
    """The learned cue lexicon (``make train``); empty when it has not been built."""
    try:
        return json.loads(resources.files("onrecord.data").joinpath("cue_lexicon.json").read_text())
    except (FileNotFoundError, ModuleNotFoundError):
        return {"lemmas": {}, "relations": {}}


def relation_rate(lemma: str, relation: str) -> float:
    """Share of this lemma's uses with this relation that PolNeAR train marks as attributions."""
    entry = lexicon()["relations"].get(f"{lemma}|{relation}")
    return entry["rate"] if entry else 0.0


@functools.lru_cache(maxsize=1)
def learned_lemmas() -> frozenset[str]:
    """Lemmas with at least one relation whose cue rate reaches MIN_CUE_RATE."""
    return frozenset(k.split("|")[0] for k, v in lexicon()["relations"].items() if v["rate"] >= MIN_CUE_RATE)


def learned_relation(verb: Token) -> tuple[str, Token] | None:
    """The best content relation this verb (or noun) has, by learned rate, and the content's head."""
    lemma = verb.lemma_.lower() if verb.pos_ != "NOUN" else f"N:{verb.lemma_.lower()}"
    best: tuple[float, str, Token] | None = None
    for child in verb.children:
        options = [(child.dep_, child)]
        if child.dep_ == "prep":
            options += [(f"prep:{child.lower_}", g) for g in child.children if g.dep_ == "pobj"]
        if child.dep_ == "xcomp":
            options += [(f"xcomp>{g.dep_}", g) for g in child.children if g.dep_ in ("ccomp", "dobj")]
        for rel, head in options:
            if rel not in LEARNED_RELATIONS and not rel.startswith("prep:"):
                continue
            rate = relation_rate(lemma, rel)
            if rate >= MIN_CUE_RATE and (best is None or rate > best[0]):
                best = (rate, rel, head)
    return (best[1], best[2]) if best else None


def takes(verb: Token, relation: str) -> bool:
    """Whether this verb's content may hang off it by ``relation``: the learned rate where
    PolNeAR train has seen the lemma, the hand-written SPEECH list where it has not."""
    lemma = verb.lemma_.lower()
    if relation == "ccomp" and lemma in CONTEST_CLAUSE:
        return True
    if lemma in lexicon()["lemmas"]:
        return relation_rate(lemma, relation) >= MIN_CUE_RATE
    return lemma in SPEECH


def is_speech(verb: Token) -> bool:
    """A verb of saying (takes an adjacent quote or a governing clause as its content)."""
    return verb.lemma_.lower() in SPEECH or _phrasal_speech(verb)


def _phrasal_speech(verb: Token) -> bool:
    """True for a PHRASAL_SPEECH verb with its particle and no infinitive after it ("went on
    to win" is no saying; "went on to say" is the say's)."""
    lemma = verb.lemma_.lower()
    if not any(lemma == v for v, _p in PHRASAL_SPEECH):
        return False
    kids = list(verb.children)
    return not any(c.dep_ == "xcomp" for c in kids) and any(
        c.dep_ in ("prt", "advmod", "dobj") and (lemma, c.lower_) in PHRASAL_SPEECH and c.i == verb.i + 1 for c in kids)


def is_statement_cue(tok: Token) -> bool:
    """A cue of saying, reporting or refusing (not an action PolNeAR also counts: 'withdrew')."""
    lemma = tok.lemma_.lower()
    return lemma in SPEECH or lemma in REFERENCE_VERBS or lemma in _SILENCE_VERBS or tok.pos_ == "NOUN"


def is_cue_noun(tok: Token) -> bool:
    """True for a noun PolNeAR train marks as a cue often enough ("his claim that ...")."""
    return tok.pos_ == "NOUN" and f"N:{tok.lemma_.lower()}" in learned_lemmas()


def is_cue_verb(tok: Token) -> bool:
    """True for a verb token that can introduce an attribution."""
    if tok.pos_ not in ("VERB",) and not (tok.pos_ == "AUX" and tok.lemma_ == "say"):
        return False
    lemma = tok.lemma_.lower()
    return lemma in SPEECH or lemma in REFERENCE_VERBS or lemma in learned_lemmas() \
        or lemma in _SILENCE_VERBS or _phrasal_speech(tok)


def allows_no_subject(verb: Token) -> bool:
    """Cues that stand without a subject of their own (a participle after a clause)."""
    return verb.tag_ in ("VBG", "VBN") and verb.dep_ in ("advcl", "acl", "xcomp")


#: How far after its verb (tokens) a cue's own object or infinitive may stand: "declined
#: [to] comment", "broke the news" (a determiner or adverb between). Hand-set on the cue
#: shapes of the fixture; further away, the word belongs to the content.
_CUE_REACH = 3


def cue_span(verb: Token) -> tuple[int, int]:
    """The cue as written: the verb with its particle, and 'to X' of 'declined to address'."""
    start, end = verb.idx, verb.idx + len(verb)
    # every child below is looked for on its own side of the verb: a misparse can hang a
    # "have" after the verb or an xcomp before it, and a cue must never end before it starts
    perfect = [c for c in verb.children if c.dep_ == "aux" and c.lemma_ == "have" and 0 < verb.i - c.i <= 2]
    if perfect:  # "have noted", "had published": the cue as written
        start = perfect[0].idx
    for child in verb.children:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child)
        if child.dep_ == "xcomp" and verb.lemma_ in ("decline", "refuse") and verb.i < child.i <= verb.i + _CUE_REACH:
            end = child.idx + len(child)
        if child.dep_ == "dobj" and verb.lemma_ in ("break", "make") and child.lower_ in _NEWS_OBJECTS \
                and verb.i < child.i <= verb.i + _CUE_REACH:
            end = child.idx + len(child)
    if verb.lemma_ in _SILENCE_VERBS:
        start = min([start] + [c.idx for c in verb.children if c.dep_ in ("aux", "neg") and c.i < verb.i])
        to = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" and c.i == verb.i + 1]
        if to:
            end = to[0].idx + len(to[0])
    if verb.dep_ == "xcomp" and verb.head.lemma_ in ("seem", "appear"):
        start = min(start, verb.head.idx)
    return start, end


#: "did not respond to requests for comment", "did not return calls": a refusal by silence.
_SILENCE_VERBS = {"respond", "reply", "return", "answer"}
_SILENCE_OBJECTS = {"request", "requests", "call", "calls", "message", "messages", "email", "emails",
                    "inquiry", "inquiries", "query", "queries", "question", "questions"}


def _is_time(tok: Token) -> bool:
    """'on Thursday', 'at noon': a time phrase, not what a refusal refers to."""
    words = [t for t in tok.subtree if t.i != tok.i] if tok.dep_ == "prep" else list(tok.subtree)
    return bool(words) and all(t.ent_type_ in ("DATE", "TIME") or t.is_punct for t in words)


def is_bare_refusal(verb: Token) -> bool:
    """'declined to comment', 'refused to say': a refusal whose xcomp takes no object."""
    if verb.lemma_ not in ("decline", "refuse"):
        return False
    return any(c.dep_ == "xcomp" and c.lemma_ in ("comment", "say", "speak", "elaborate", "discuss", "answer")
               for c in verb.children)


def silence_object(verb: Token) -> Token | None:
    """The request a source left unanswered ('did not respond to [requests for comment]')."""
    if verb.lemma_ not in _SILENCE_VERBS or not any(c.dep_ == "neg" for c in verb.children):
        return None
    for child in verb.children:
        if child.dep_ == "dobj" and child.lower_ in _SILENCE_OBJECTS:
            return child
        if child.dep_ == "prep" and child.lower_ == "to":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.lower_ in _SILENCE_OBJECTS:
                    return pobj
    return None


def referred_object(verb: Token) -> Token | None:
    """The object a reference cue refers to ('declined to address [Trump's comments]')."""
    silent = silence_object(verb)
    if silent is not None:
        return silent
    lemma = verb.lemma_
    if lemma in ("decline", "refuse"):
        # "declined to address [the report]", "refused to say [whether the plan would go ahead]"
        for child in verb.children:
            if child.dep_ == "xcomp":
                return next((c for c in child.children if c.dep_ in ("dobj", "prep", "ccomp") and not _is_time(c)),
                            None)
        return None
    if lemma in ("publish", "release", "run"):
        # the parser often hangs "detailed pieces about X" off a preposition before it
        for tok in verb.doc[verb.i + 1: verb.i + 8]:
            if tok.lemma_ in _NEWS_OBJECTS and tok.head.i != tok.i and verb.i in {a.i for a in tok.ancestors}:
                return tok
    for child in verb.children:
        if child.dep_ == "dobj":
            if lemma in ("break", "publish", "make") and child.lemma_ in _NEWS_OBJECTS:
                prep = next((c for c in child.children if c.dep_ == "prep"), None)
                return prep if prep is not None and lemma == "break" else child
            if lemma in ("deny", "confirm", "dispute", "reject", "address"):
                return child
    return None


# ---------------------------------------------------------------- act: what a row is

#: Cues of a refusal to speak ("declined to comment", "refused to say").
REFUSAL_VERBS = {"decline", "refuse"}
#: Cues of what someone holds rather than says: beliefs, hopes, fears, intentions, plans.
#: Hand-written from the belief and intention verbs PolNeAR annotates; nouns carry ``N:``.
BELIEF_CUES = {"believe", "think", "hope", "intend", "expect", "feel", "fear", "worry", "want",
               "plan", "doubt", "suspect", "assume", "wish", "aim", "seek", "consider", "know",
               "understand", "imagine", "trust", "reckon", "anticipate", "prefer", "desire",
               "like", "love", "hate", "dislike", "favor", "favour", "oppose", "support",
               "N:belief", "N:hope", "N:view", "N:fear", "N:plan", "N:intention", "N:concern",
               "N:expectation", "N:opinion", "N:desire", "N:wish", "N:worry", "N:doubt",
               "N:feeling", "N:goal", "N:aim"}
#: Sources that are documents, data or polls ("a report found", "the data show",
#: "according to the survey"): their rows are evidence, not speech.
DOCUMENT_NOUNS = {"report", "data", "poll", "polls", "survey", "study", "document", "documents",
                  "record", "records", "figure", "figures", "analysis", "research", "filing",
                  "statistic", "statistics", "memo", "estimate", "census", "result", "results",
                  "review", "audit", "investigation", "numbers", "count", "tally", "data",
                  "transcript", "model", "forecast", "projection", "evidence", "findings",
                  "finding", "paper", "assessment", "ruling", "indictment", "complaint"}
#: Cues that only documents, data or results take ("the figures show", "polls indicate").
EVIDENCE_CUES = {"show", "indicate"}


#: Forms the small English model lemmatises wrongly ("hopes" as "hop").
_LEMMA_FIXES = {"hopes": "hope", "hoped": "hope", "hoping": "hope"}


def act_of(verb: Token | None, cue_text: str, speaker_head: Token | None, negated: bool,
           has_content: bool) -> str:
    """What a row is (``records.ACTS``), from its cue and its speaker's head word: ``refusal``
    for "declined to comment", "refused to say" and a negated "did not respond / would not
    say" with nothing said; ``evidence`` when the source is a document, data or a poll (or a
    cue only those take: "polls show"); ``belief`` for believing, hoping, intending; else
    ``speech``. Hand-written: no library names these classes of cue."""
    key = lexicon_key(verb) if verb is not None else ""
    if verb is not None and verb.lower_ in _LEMMA_FIXES:
        key = _LEMMA_FIXES[verb.lower_]
    lemma = key[2:] if key.startswith("N:") else key
    if verb is not None and (lemma in REFUSAL_VERBS and not negated
                             or negated and lemma in _SILENCE_VERBS
                             or negated and not has_content and lemma in SPEECH):
        return "refusal"
    head = speaker_head.lemma_.lower() if speaker_head is not None else ""
    if speaker_head is not None and speaker_head.pos_ in ("NOUN", "PROPN") and (
            head in DOCUMENT_NOUNS or speaker_head.lower_ in DOCUMENT_NOUNS):
        return "evidence"
    if key in EVIDENCE_CUES and speaker_head is not None and speaker_head.pos_ == "NOUN" \
            and speaker_head.ent_type_ not in ("PERSON", "ORG", "NORP"):
        return "evidence"
    if key in BELIEF_CUES:
        return "belief"
    return "speech"


def lexicon_key(tok: Token) -> str:
    """A verb's lemma, or ``N:lemma`` for a noun (the cue lexicon's key for a token)."""
    lemma = tok.lemma_.lower()
    return f"N:{lemma}" if tok.pos_ == "NOUN" else lemma


# ---------------------------------------------------------------- words that are never cues

#: Verbs of winning, receiving, moving, including and having: "the actor picked up the award",
#: "the top prize went to ...", "those left out include ...", "the film had ...". Their
#: subject is no source and their object no statement, even around a quoted title.
NON_CUE_LEMMAS = {"win", "pick", "receive", "collect", "earn", "scoop", "bag", "grab", "head",
                  "include", "feature", "comprise", "contain", "have", "star", "leave", "omit", "nominate",
                  "award", "shortlist"}
#: Objects that make an otherwise possible cue an award verb ("claimed the top prize",
#: "took the trophy").
_AWARD_OBJECTS = {"award", "prize", "trophy", "medal", "title", "honour", "honor", "crown", "gong",
                  "statuette", "accolade", "nomination", "cup", "oscar", "emmy", "grammy", "bafta",
                  "palme", "plaudit", "plaudits", "laurels"}


def is_non_cue(verb: Token) -> bool:
    """True for a verb that never introduces a statement (see NON_CUE_LEMMAS), a prize that
    "went to" someone, or a verb whose object is an award ("claimed the top prize")."""
    lemma = verb.lemma_.lower()
    if lemma in NON_CUE_LEMMAS and lemma not in SPEECH:
        return True
    if lemma == "go" and any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children):
        return True  # "the top prize went to ..." (but "gone after Trump as a 'leech'" is a cue)
    return any(c.dep_ in ("dobj", "attr") and c.lemma_.lower() in _AWARD_OBJECTS for c in verb.children)


#: Idioms built on a verb of saying that report no one's words, as word sequences (lower
#: case) and the index of the verb in each: "That said, ...", "needless to say".
IDIOMS = (("that", "said"), ("having", "said", "that"), ("that", "being", "said"), ("with", "that", "said"),
          ("needless", "to", "say"), ("suffice", "it", "to", "say"), ("suffice", "to", "say"),
          ("so", "to", "speak"), ("to", "say", "the", "least"), ("that", "is", "to", "say"),
          ("truth", "be", "told"), ("it", "goes", "without", "saying"), ("as", "they", "say"),
          ("sad", "to", "say"), ("strange", "to", "say"), ("all", "told"), ("to", "say", "nothing", "of"))
_IDIOM_VERBS = {"said", "say", "speak", "told", "saying"}


def is_idiom(verb: Token) -> bool:
    """True when ``verb`` is the verb of one of IDIOMS, as written around it (the idiom
    starting its sentence or following a comma or a conjunction: "And that said, ...")."""
    low = verb.lower_
    if low not in _IDIOM_VERBS:
        return False  # every idiom's verb is one of these
    doc = verb.doc
    for words in IDIOMS:
        for k, w in enumerate(words):
            if w != low:
                continue
            start = verb.i - k
            if start < 0 or start + len(words) > len(doc):
                continue
            if all(doc[start + j].lower_ == words[j] for j in range(len(words))) \
                    and (words[0] not in _AMBIGUOUS_OPENERS or _opens_phrase(doc, start, start + len(words))):
                return True
    return False


#: Idioms whose words also make an ordinary clause ("the report that said ...", "all told
#: the court"): taken as the idiom only set off on their own ("That said, ...").
_AMBIGUOUS_OPENERS = {"that", "all", "as", "with", "having"}


def _opens_phrase(doc, start: int, end: int) -> bool:
    """True when tokens [start, end) open their sentence (or follow a comma or a conjunction)
    and a comma closes them."""
    before = doc[start - 1] if start > 0 else None
    opens = doc[start].is_sent_start or before is None or before.is_punct or before.pos_ == "CCONJ"
    return bool(opens) and end < len(doc) and doc[end].text == ","
