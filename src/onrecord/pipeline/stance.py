"""Stance of each source toward what it speaks of, and claims grouped from the attributions.

Find, then write (../STYLE.md, lesson 2):

- ``assign`` reads each attribution's cue (its verb, the verb's negation and subject) and its
  content, and sets ``stance`` and ``hedged``. The rules are hand-written; their word lists
  are below, each with what it covers.
- ``build_claims`` groups repeated assertions into claims, ties every reaction (a denial,
  a refusal, "no one confirmed Trump's account") to the claim it reacts to, counts reports
  by other outlets as confirmation, adds the outlet's own statements of fact on the same
  matter, and gives each claim a status (DESIGN.md, "The claim record").
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from onrecord.inputs.article import Article
from onrecord.records import Attribution, Claim
from onrecord.pipeline.doccache import any_token, cue_token, doc_ents, doc_text, token_indices
from onrecord.pipeline import cues

#: Cue lemmas and the stance each one takes when it is not negated.
CONFIRM = {"confirm", "verify", "corroborate", "acknowledge", "concede", "admit"}
DENY = {"deny", "refute", "rebut"}
DISPUTE = {"dispute", "reject", "contest", "challenge", "question", "dismiss", "doubt",
           "contradict", "disagree", "counter"}
DECLINE = {"decline", "refuse"}
#: Cues by which a source takes back its own words ("retracted her claim", "withdrew the
#: allegation"); "withdraw" only with a statement for object ("withdrew its bid" is an act).
RETRACT = {"retract", "withdraw", "recant"}
#: Cues by which a statement is put right ("the Gazette corrected its report"): the outlet's
#: correction of its own report, or a source correcting someone else's words.
CORRECT = {"correct"}
#: Speech verbs that, negated, are a refusal to speak ("would not say", "did not respond").
SILENT_WHEN_NEGATED = {"say", "comment", "respond", "answer", "elaborate", "discuss", "address",
                       "specify", "disclose", "reveal", "return", "reply", "explain", "tell"}
#: Belief verbs that, negated, dispute their content ("does not believe the figures").
BELIEF = {"think", "believe", "agree", "accept", "expect"}
#: Subjects that negate their verb: "no one confirmed", "nobody denied", "none of them said".
NEGATIVE_SUBJECTS = {"no one", "nobody", "none", "neither", "no-one"}

#: Hedges of the attribution itself: an adverb on the cue or on the content's main verb,
#: or a cue under "seem"/"appear" ("seeming to suggest", "appeared to confirm").
HEDGE_ADVERBS = {"reportedly", "allegedly", "purportedly", "apparently", "seemingly", "likely",
                 "possibly", "probably", "perhaps", "supposedly", "ostensibly"}
HEDGE_VERBS = {"seem", "appear"}

#: Nouns by which a content refers to someone's statement ("the account was not accurate").
STATEMENT_NOUNS = {"account", "claim", "claims", "comment", "comments", "remark", "remarks",
                   "report", "reports", "story", "allegation", "allegations", "statement",
                   "assertion", "version", "accusation", "accusations", "suggestion", "words"}
TRUE_WORDS = {"true", "accurate", "correct", "right", "factual"}
FALSE_WORDS = {"false", "untrue", "inaccurate", "incorrect", "wrong", "baseless", "unfounded",
               "fabricated", "misleading", "fake", "bogus", "nonsense", "lie", "lies", "fiction",
               "groundless", "absurd", "ridiculous"}
NEGATIONS = {"not", "n't", "never", "no"}


# ---------------------------------------------------------------- stance

def assign(attrs: list[Attribution], doc: Doc) -> None:
    """Set each attribution's ``stance`` and ``hedged`` from its cue and its content."""
    for attr in attrs:
        verb = cue_token(attr, doc)
        if verb is None:
            continue
        attr.stance = cue_stance(verb)
        if attr.stance == "asserts" and is_correction(attr, verb):
            attr.stance = "corrects"
        if attr.stance == "asserts":
            attr.stance = content_stance(attr, doc) or "asserts"
        attr.hedged = is_hedged(attr, verb, doc)


def cue_stance(verb: Token) -> str:
    """The stance a cue verb gives, its negation counted ("did not deny" is no denial)."""
    lemma = verb.lemma_.lower()
    negated = is_negated(verb)
    taken_back = _taking_back(verb)
    if taken_back is not None:  # "did not retract her claim": the negation is on the verb over the noun
        negated = negated or (verb.pos_ == "NOUN" and is_negated(verb.head))
        return "asserts" if negated else taken_back
    if lemma in DECLINE:
        return "asserts" if negated else "declines"
    if lemma in CONFIRM:
        return "unconfirmed" if negated else "confirms"
    if lemma in DENY:
        return "declines" if negated else "denies"  # not denying is neither denial nor assent
    if lemma in DISPUTE:
        return "declines" if negated else "disputes"
    if not negated:
        return "asserts"
    if lemma in BELIEF:
        return "disputes"
    return "declines"  # "would not say", "did not respond", "never commented"


def _taking_back(verb: Token) -> str | None:
    """'retracts' / 'corrects' for a cue that takes words back or puts them right: the verb
    itself ("retracted", "corrected its report"), or a statement noun as its object ("retracted
    her claim that ...": the cue is "claim", its verb "retracted"). None otherwise."""
    lemma = verb.lemma_.lower()
    if verb.pos_ == "NOUN" and verb.lower_ in STATEMENT_NOUNS and verb.dep_ in ("dobj", "pobj") \
            and verb.head.pos_ in ("VERB", "AUX"):
        verb, lemma = verb.head, verb.head.lemma_.lower()
        if lemma == "withdraw":
            return "retracts"
    if lemma in CORRECT and verb.pos_ == "VERB":
        return "corrects"
    if lemma in RETRACT and verb.pos_ == "VERB":
        if lemma != "withdraw" or any(c.dep_ == "dobj" and c.lower_ in STATEMENT_NOUNS for c in verb.children):
            return "retracts"
    return None


#: An outlet's correction notice: a sentence opening "Correction:", or words given to the
#: outlet's own earlier text ("An earlier version of this article said ...").
_CORRECTION = re.compile(r"^\s*(correction|clarification)\s*[:.-]", re.I)
_EARLIER_VERSION = re.compile(r"\b(earlier|previous|original|first) version of this (article|story|report)\b"
                              r"|^this (article|story|report)$", re.I)


#: A correction notice's cue comes within this many tokens of "Correction:" ("Correction: On
#: 3 May the Ostby Gazette reported ..." is 9); looking no further keeps a megabyte-long
#: sentence linear.
CORRECTION_REACH = 40


def is_correction(attr: Attribution, verb: Token) -> bool:
    """True when the attribution is the outlet putting its own earlier words right: its
    sentence opens "Correction:", or its speaker is "an earlier version of this article"."""
    if attr.speaker is not None and _EARLIER_VERSION.search(attr.speaker.text.strip()):
        return True
    doc = verb.doc  # the sentence start within CORRECTION_REACH tokens: a sentence may be a megabyte long
    for i in range(verb.i, max(-1, verb.i - CORRECTION_REACH), -1):
        if i == 0 or doc[i].is_sent_start:
            start = doc[i].idx
            return bool(_CORRECTION.match(doc_text(doc)[start:start + 20]))
    return False


def is_negated(verb: Token) -> bool:
    """True for 'did not confirm', 'never said', 'no one confirmed', 'no official denied'."""
    for tok in _verb_group(verb):
        if any(c.dep_ == "neg" for c in tok.children):
            return True
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubjpass") and _negative_subject(c):
                return True
    return False


def _verb_group(verb: Token) -> list[Token]:
    """The cue verb and the verbs above it in one predicate ("would not seem to suggest")."""
    group = [verb]
    while verb.dep_ in ("xcomp", "aux") and verb.head.i != verb.i:
        verb = verb.head
        group.append(verb)
    return group


def _negative_subject(subj: Token) -> bool:
    phrase = " ".join(t.lower_ for t in subj.subtree)
    return subj.lower_ in NEGATIVE_SUBJECTS or phrase in NEGATIVE_SUBJECTS or \
        any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children)


def content_stance(attr: Attribution, doc: Doc) -> str | None:
    """'disputes'/'confirms' when the content judges a statement ("the account was not
    accurate", "the report is true"); None when it makes a claim of its own."""
    if attr.content is None:
        return None
    span = doc.char_span(attr.content.start, attr.content.end, alignment_mode="expand")
    if span is None or not any_token(doc, span.start, span.end, "lower", STATEMENT_NOUNS):
        return None
    words = [t.lower_ for t in span]
    truth = [w for w in words if w in TRUE_WORDS or w in FALSE_WORDS]
    if not truth:
        return None
    positive = truth[0] in TRUE_WORDS
    if sum(w in NEGATIONS for w in words) % 2:
        positive = not positive
    return "confirms" if positive else "disputes"


def is_hedged(attr: Attribution, verb: Token, doc: Doc) -> bool:
    """True when the attribution is hedged: 'reportedly said', 'seeming to suggest',
    'appeared to confirm', or a hedge adverb on the main verb of the content."""
    for tok in _verb_group(verb):
        if tok.lemma_.lower() in HEDGE_VERBS and tok.i != verb.i:
            return True
        if any(c.lower_ in HEDGE_ADVERBS for c in tok.children if c.dep_ == "advmod"):
            return True
    if attr.cue is not None and any(w in HEDGE_ADVERBS or w.startswith(("seem", "appear"))
                                    for w in attr.cue.text.lower().split()):
        return True
    root = _content_root(attr, doc)
    return root is not None and attr.kind != "reference" and \
        any(c.lower_ in HEDGE_ADVERBS for c in root.children if c.dep_ == "advmod")


def _content_root(attr: Attribution, doc: Doc) -> Token | None:
    if attr.content is None:
        return None
    span = doc.char_span(attr.content.start, attr.content.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


# ---------------------------------------------------------------- claims

#: Two assertions of one speaker are the same claim when this share of the shorter one's
#: content stems is shared. Tuned on the fixture: Trump's headline, standfirst and body
#: restatements share 0.33-1.0; Hayman's interview quotes about the intelligence share
#: 0.33-0.67 with his "broke the news of Israeli intelligence involvement", while his
#: unrelated quotes (the paradigm shift, his successors) share at most 0.29 with them.
SAME_CLAIM = 1 / 3
#: A reaction with no name to go by is tied to a claim only when its content shares this
#: much with the claim (same measure); 0.5 asks for half of the shorter one's words.
REACTION_SIMILARITY = 0.5
#: An unattributed sentence is the outlet's statement on a claim's matter when it shares at
#: least this many content stems with the claim. Two ("assassinated ... Soleimani") keeps
#: the fixture's one such sentence and leaves out narration that names one person only.
STATED_SHARED_STEMS = 2
#: Sentences shorter than this are headings, sign-offs or fragments, not statements of fact.
STATED_MIN_WORDS = 8

_STOP = {"the", "and", "that", "this", "was", "were", "with", "for", "from", "have", "has", "had",
         "but", "not", "his", "her", "their", "they", "them", "its", "who", "which", "what",
         "would", "could", "should", "will", "been", "being", "are", "there", "then", "than",
         "about", "into", "also", "said", "says", "say", "told", "tell", "just", "even", "all",
         "one", "our", "out", "him", "she", "because", "after", "before", "when", "while", "did",
         "does", "only", "very", "more", "most", "some", "such", "these", "those", "any", "other"}
_COMMON_TITLE_WORDS = {"daily", "weekly", "new", "sunday", "evening", "morning", "national", "global"}
_REPORT_CUES = {"publish", "report", "break", "reveal", "run", "air", "broadcast"}
_REPEAT = re.compile(r"\b(similar|same|those|these|such)\b", re.I)


@dataclass
class _Group:
    """A claim in the making: one speaker's assertions of one proposition, and the reactions."""

    speaker: str
    members: list[Attribution]
    stems: set[str] = field(default_factory=set)
    confirmed_by: list[str] = field(default_factory=list)
    reactions: list[Attribution] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    unverified: bool = False


def stems(text: str) -> set[str]:
    """Content-word stems of a text: lower-cased words of 3+ letters, cut to 5 letters."""
    words = re.findall(r"[a-z]{3,}", text.lower().replace("’", "'"))
    return {w[:5] for w in words if w not in _STOP}


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller stem set found in the other (0 when either is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def speaker_name(attr: Attribution) -> str | None:
    """The entity name of the attribution's speaker, else its text."""
    if attr.speaker is None:
        return None
    return attr.speaker.entity or attr.speaker.text


def build_claims(attrs: list[Attribution], doc: Doc, article: Article) -> list[Claim]:
    """Group the article's attributions into claims with who stands where and a status.

    Repeated assertions by one speaker are one claim; a claim is kept when someone else
    reacts to it (confirms, disputes, denies, declines, "no one confirmed") or another outlet
    reported it, and the outlet's own statements of fact on a kept claim's matter are added
    as ``stated`` claims. Hand-written rules; thresholds above.
    """
    reports = outlet_reports(attrs, doc, article)
    report_ids = {id(r.attr) for r in reports if r.attr is not None}
    groups = group_assertions([a for a in attrs if a.stance == "asserts" and id(a) not in report_ids])
    for rep in reports:
        _tie_report(rep, groups, article)
    for attr in attrs:
        if attr.stance != "asserts":
            target = reaction_target(attr, groups, doc)
            if target is not None:
                target.reactions.append(attr)
    mark_unverified(groups, doc, article)
    kept = [g for g in groups if g.reactions or g.confirmed_by or g.unverified]
    claims = [_claim(g, doc) for g in kept]
    claims += stated_claims(attrs, doc, article, claims, reports)
    claims.sort(key=lambda c: c.start if c.start is not None else 0)
    for n, claim in enumerate(claims, start=1):
        claim.id = f"c{n}"
    return claims


def group_assertions(asserted: list[Attribution]) -> list[_Group]:
    """One speaker's assertions joined when they share enough content (single link, SAME_CLAIM),
    or when one refers back to the other ("made similar comments")."""
    groups: list[_Group] = []
    memo: dict[int, frozenset[str]] = {}  # each content's stems, made once: pairs are compared often

    def stems_of(a: Attribution) -> frozenset[str]:
        got = memo.get(id(a))
        if got is None:
            got = memo[id(a)] = frozenset(stems(a.content.text))
        return got

    for attr in asserted:
        name = speaker_name(attr)
        if name is None or attr.content is None:
            continue
        own = stems(attr.content.text)
        same = [g for g in groups if g.speaker == name]
        repeat = attr.kind == "reference" and _REPEAT.search(attr.content.text)
        hits = [g for g in same if any(_same_claim(attr, m, stems_of) for m in g.members
                                       if m.kind != "reference" or not _REPEAT.search(m.content.text))]
        if repeat and same:
            hits = [same[-1]]
        if hits:
            first = hits[0]
            for other in hits[1:]:
                first.members += other.members
                groups.remove(other)
            first.members.append(attr)
            first.stems |= own
        else:
            groups.append(_Group(name, [attr], own))
    for g in groups:
        g.names = _aliases(g)
    return groups


def _same_claim(a: Attribution, b: Attribution, stems_of=None) -> bool:
    """Enough shared content (SAME_CLAIM), and two shared stems unless one is a reference,
    whose content only names a topic ("the news of Israeli intelligence involvement").
    ``stems_of`` gives a content's stems when the caller keeps them."""
    sa, sb = (stems_of(a), stems_of(b)) if stems_of else (stems(a.content.text), stems(b.content.text))
    needed = 1 if "reference" in (a.kind, b.kind) else 2
    return overlap(sa, sb) >= SAME_CLAIM and len(sa & sb) >= needed


def _aliases(group: _Group) -> set[str]:
    """Lower-cased ways the article names the group's speaker: entity, mentions, a person's
    last name, and "the minister" for a mention titled "Transport Minister Dana Whitlock"."""
    names = {group.speaker.lower()}
    for m in group.members:
        if m.speaker and m.speaker.text.lower() not in ("he", "she", "they", "it", "we", "i"):
            names.add(m.speaker.text.lower())
            names |= _title_aliases(m)
    if any(m.speaker and m.speaker.type == "PERSON" for m in group.members):
        names |= {group.speaker.lower().split()[-1]}
    return {n for n in names if len(n) > 2}


def _title_aliases(attr: Attribution) -> set[str]:
    """'the minister' from "Transport Minister Dana Whitlock": the title before the name."""
    text, entity = attr.speaker.text, attr.speaker.entity or ""
    if attr.speaker.type != "PERSON" or not entity or not text.endswith(entity) or text == entity:
        return set()
    title = text[: -len(entity)].strip(" ,").lower().split()
    return {"the " + title[-1]} if title and title[-1] not in _STOP else set()


# ---------------------------------------------------------------- reports by other outlets

@dataclass
class _Report:
    """Another outlet's earlier report ("NBC News and Yahoo News had published ... pieces")."""

    names: list[str]
    start: int
    end: int
    text: str
    attr: Attribution | None = None


def outlet_reports(attrs: list[Attribution], doc: Doc, article: Article) -> list[_Report]:
    """Reports by news organisations: attributions with an ORG/OUTLET speaker and a
    publishing cue, and the same found in the parse where no attribution holds them
    (an ORG subject of "published"/"reported"). Hand-written."""
    out, cues = [], []
    for attr in attrs:
        verb = cue_token(attr, doc)
        if verb is None or attr.speaker is None or attr.speaker.type not in ("ORG", "OUTLET"):
            continue
        if verb.lemma_.lower() in _REPORT_CUES and attr.stance == "asserts":
            names = _subject_names(verb) or [speaker_name(attr)]
            out.append(_Report(names, verb.sent.start_char, verb.sent.end_char, attr.content.text, attr))
            cues.append(verb.i)
    for i in token_indices(doc, "pos", "VERB"):
        verb = doc[i]
        if verb.lemma_.lower() in ("publish", "report") and verb.pos_ == "VERB" and verb.i not in cues \
                and not _in_boilerplate(article, verb.idx) and not is_negated(verb):
            names = _subject_names(verb)
            if names:
                sent = verb.sent
                out.append(_Report(names, sent.start_char, sent.end_char, sent.text))
    return out


def _subject_names(verb: Token) -> list[str]:
    """The ORG entities among the verb's subject and its conjuncts ("NBC News and Yahoo News")."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return []
    heads = [subj] + [t for t in subj.conjuncts]
    names = []
    for tok in heads:
        ent = next((e for e in doc_ents(tok.doc) if e.start <= tok.i < e.end and e.label_ == "ORG"), None)
        name = re.sub(r"^the\s+", "", ent.text, flags=re.I) if ent is not None else None
        if name and name not in names:
            names.append(name)
    return names


def _in_boilerplate(article: Article, offset: int) -> bool:
    block = article.block_at(offset)
    return block is not None and block.is_boilerplate


def _tie_report(rep: _Report, groups: list[_Group], article: Article) -> None:
    """An outlet's report confirms a claim by someone else in the same paragraph, or one
    whose content it shares (REACTION_SIMILARITY)."""
    block = article.block_at(rep.start)
    own = stems(rep.text)
    best, best_score = None, 0.0
    for g in groups:
        if g.speaker in rep.names:
            continue
        same_block = block is not None and any(article.block_at(_pos(m)) == block for m in g.members)
        score = max(overlap(own, g.stems), 1.0 if same_block else 0.0)
        if score >= REACTION_SIMILARITY and score > best_score:
            best, best_score = g, score
    if best is not None:
        best.confirmed_by += [n for n in rep.names if n not in best.confirmed_by]
        if rep.attr is not None:
            best.reactions.append(rep.attr)


def _pos(attr: Attribution) -> int:
    return attr.cue.start if attr.cue else attr.content.start


# ---------------------------------------------------------------- "could not be verified"

_UNVERIFIED = re.compile(r"\b(?:could|can|has|have|had)\s*(?:not|n't)\s+(?:be\s+|been\s+)?"
                         r"(?:independently\s+)?(?:verified|confirmed|corroborated)\b", re.I)


def mark_unverified(groups: list[_Group], doc: Doc, article: Article) -> None:
    """The outlet's "could not be independently verified" marks the claim just before it (in
    its paragraph or the one before) as unconfirmed. Hand-written: such sentences rarely have
    a speaker, so no attribution holds them."""
    for m in _UNVERIFIED.finditer(doc_text(doc)):
        block = article.block_at(m.start())
        if block is None or block.is_boilerplate:
            continue
        before = [g for g in groups if any(_pos(a) < m.start() and _paragraphs_apart(article, _pos(a), m.start()) <= 1
                                           for a in g.members)]
        if before:
            max(before, key=lambda g: max(_pos(a) for a in g.members)).unverified = True


def _paragraphs_apart(article: Article, a: int, b: int) -> int:
    body = [blk for blk in article.blocks if not blk.is_boilerplate]
    first, second = article.block_at(a), article.block_at(b)
    if first not in body or second not in body:
        return 10 ** 6
    return abs(body.index(second) - body.index(first))


# ---------------------------------------------------------------- reactions

#: A reaction is matched against at most this many claims, the nearest first. A news article
#: holds a few dozen; the cap only bites on pathological input (a megabyte of one paragraph),
#: where matching every reaction to every claim would be quadratic.
MAX_CANDIDATE_CLAIMS = 200


def reaction_target(attr: Attribution, groups: list[_Group], doc: Doc) -> _Group | None:
    """The claim a reaction reacts to: one whose speaker (or confirming outlet) the reaction's
    sentence names ("declined to address Trump's comments"), else one whose content it
    shares, else, for "the account"/"the claim", the nearest claim before it."""
    text = _reaction_text(attr, doc)
    own = stems(attr.content.text) if attr.content else set()
    if len(groups) > MAX_CANDIDATE_CLAIMS:
        groups = sorted(groups, key=lambda g: _distance(g, attr))[:MAX_CANDIDATE_CLAIMS]
    named = [g for g in groups if any(_names(text, n) for n in g.names | _outlet_aliases(g))]
    if named:
        return max(named, key=lambda g: (overlap(own, g.stems), -_distance(g, attr)))
    similar = [g for g in groups if overlap(own, g.stems) >= REACTION_SIMILARITY and len(own & g.stems) >= 2
               and g.speaker != speaker_name(attr)]
    if similar:
        return max(similar, key=lambda g: overlap(own, g.stems))
    if _refers_to_statement(attr, doc):
        before = [g for g in groups if min(_pos(m) for m in g.members) < _pos(attr)]
        return min(before, key=lambda g: _distance(g, attr), default=None)
    return None


#: Determiners by which a statement noun points at a statement made before ("the account",
#: "her claim", "these remarks"); "a request for comment" points at none.
_REFERRING = {"the", "this", "that", "these", "those", "such", "his", "her", "its", "their", "my", "our", "your"}


def _refers_to_statement(attr: Attribution, doc: Doc) -> bool:
    """True when the content names a statement made before: a statement noun with a referring
    determiner or a possessor ("the account was not accurate", "Trump's comments"). A refusal
    "to a request for comment" names no statement: it is tied by the store, not here."""
    if attr.content is None:
        return False
    span = doc.char_span(attr.content.start, attr.content.end, alignment_mode="expand")
    if span is None:
        return False
    return any(t.lower_ in STATEMENT_NOUNS and any(c.dep_ in ("det", "poss") and (c.dep_ == "poss" or c.lower_ in _REFERRING)
                                                  for c in t.children) for t in span)


def _reaction_text(attr: Attribution, doc: Doc) -> str:
    """The reaction's content and the rest of its sentence, without its own speaker."""
    text = attr.content.text if attr.content else ""
    if attr.cue is not None:
        span = doc.char_span(attr.cue.start, attr.cue.end, alignment_mode="expand")
        if span is not None:
            sent = span[0].sent.text
            if attr.speaker is not None:
                sent = sent.replace(attr.speaker.text, " ")
            text += " " + sent
    return text.lower()


def _names(text: str, name: str) -> bool:
    return _name_pattern(name).search(text) is not None


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern:
    """The compiled whole-word pattern of a name (compiled once: re's own cache holds 512)."""
    return re.compile(rf"\b{re.escape(name)}\b")


def _outlet_aliases(group: _Group) -> set[str]:
    """'nbc news' and 'nbc' for each outlet that confirmed the claim (the first word only
    when it is not a common word: "the", "daily")."""
    names = {re.sub(r"^the\s+", "", n.lower()) for n in group.confirmed_by}
    firsts = {n.split()[0] for n in names if len(n.split()) > 1}
    return names | {w for w in firsts if w not in _STOP and w not in _COMMON_TITLE_WORDS}


def _distance(group: _Group, attr: Attribution) -> int:
    return min(abs(_pos(m) - _pos(attr)) for m in group.members)


# ---------------------------------------------------------------- writing claims

_ROLES = {"confirms": "confirmed_by", "denies": "denied_by", "disputes": "disputed_by",
          "declines": "declined_by"}


def _claim(group: _Group, doc: Doc) -> Claim:
    """The claim record of a group: its proposition, who stands where, and its status."""
    start, end, text = representative(group, doc)
    claim = Claim(id="", text=text, asserted_by=[group.speaker], start=start, end=end,
                  confirmed_by=list(group.confirmed_by))
    for r in group.reactions:
        role, name = _ROLES.get(r.stance), speaker_name(r)
        if role and name and name != group.speaker and name not in getattr(claim, role):
            getattr(claim, role).append(name)
    ids = {m.id for m in group.members} | {r.id for r in group.reactions}
    claim.attributions = sorted(ids, key=lambda i: int(re.sub(r"\D", "", i) or 0))
    claim.status = status(claim)
    return claim


def status(claim: Claim) -> str:
    """contested (disputed or denied), confirmed (confirmed by another source), else unconfirmed."""
    if claim.disputed_by or claim.denied_by:
        return "contested"
    return "confirmed" if claim.confirmed_by else "unconfirmed"


def representative(group: _Group, doc: Doc) -> tuple[int, int, str]:
    """The sentence of the group's contents holding most stems of the other members' and
    reactions' contents (a restatement found in several places is the claim's core)."""
    best, best_score = None, -1
    for m in group.members:
        others = set().union(*(stems(o.content.text) for o in group.members + group.reactions
                               if o.content and o.content.text != m.content.text))
        for s, e in _sentences(m, doc):
            score = len(stems(doc_text(doc)[s:e]) & others)
            if m.kind != "reference" and score > best_score:
                best, best_score = (s, e), score
    if best is None:
        m = group.members[0]
        best = (m.content.start, m.content.end)
    s, e = _trim_claim(doc_text(doc), *best)
    return s, e, doc_text(doc)[s:e]  # the words as printed: quote marks inside stay


def _sentences(attr: Attribution, doc: Doc) -> list[tuple[int, int]]:
    span = doc.char_span(attr.content.start, attr.content.end, alignment_mode="expand")
    if span is None:
        return [(attr.content.start, attr.content.end)]
    return [(max(s.start_char, attr.content.start), min(s.end_char, attr.content.end)) for s in span.sents]


def _trim_claim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of a proposition: without a leading 'that', quote marks or trailing commas."""
    m = re.match(r"[\s“”\"]*(?:that\s+)?", text[start:end], flags=re.I)
    start += m.end() if m else 0
    while end > start and text[end - 1] in " ,;:“”\"\n":
        end -= 1
    inner = text[start:end]
    # a quote opened inside the proposition keeps its closing mark ('called "optimistic."')
    if text[end:end + 1] == "”" and inner.count("“") > inner.count("”") \
            or text[end:end + 1] == '"' and inner.count('"') % 2:
        end += 1
    return start, end


# ---------------------------------------------------------------- the outlet's own statements

def stated_claims(attrs: list[Attribution], doc: Doc, article: Article, claims: list[Claim],
                  reports: list[_Report]) -> list[Claim]:
    """The outlet's own statements of fact on a claim's matter: unattributed, unhedged
    sentences of the body that share STATED_SHARED_STEMS stems with a claim."""
    covered = [(a.start, a.end) for x in attrs if not _action_only(x)
               for a in (x.speaker, x.cue, x.content) if a is not None]
    covered += [(r.start, r.end) for r in reports]
    matter = [stems(" ".join(_attr_texts(attrs, c))) for c in claims]
    if not matter:
        return []  # no claim, so no sentence can share its matter
    outlet = outlet_name(article)
    out = []
    for sent in doc.sents:
        if not _statement_of_fact(sent, article, covered):
            continue
        own = stems(sent.text)  # once per sentence, not once per claim
        if any(len(own & m) >= STATED_SHARED_STEMS for m in matter):
            start, end = _trim_claim(article.text, sent.start_char, sent.end_char)
            out.append(Claim(id="", text=article.text[start:end], asserted_by=[outlet], status="stated",
                             start=start, end=end))
    return out


def _action_only(attr: Attribution) -> bool:
    """An attribution of an action, not a statement ("Hartwell withdrew its bid"): PolNeAR
    counts such uses of learned cue verbs, but the outlet still states the fact itself."""
    tok = attr.cue_token
    return attr.kind == "reference" and tok is not None and not cues.is_statement_cue(tok)


def _attr_texts(attrs: list[Attribution], claim: Claim) -> list[str]:
    ids = set(claim.attributions)
    return [claim.text] + [a.content.text for a in attrs if a.id in ids and a.content and a.stance == "asserts"]


def _statement_of_fact(sent: SpacySpan, article: Article, covered: list[tuple[int, int]]) -> bool:
    """A declarative body sentence in the outlet's voice: no attribution, quote, hedge or question."""
    block = article.block_at(sent.start_char)
    if block is None or block.kind not in ("paragraph", "standfirst"):
        return False
    if any(s < sent.end_char and sent.start_char < e for s, e in covered):
        return False
    words = [t for t in sent if t.is_alpha]
    if len(words) < STATED_MIN_WORDS or re.search(r"[“”\"?]", sent.text):
        return False
    modal = {"may", "might", "could", "would", "should"}
    return not any(t.lower_ in HEDGE_ADVERBS or t.lower_ in modal or t.lower_ in ("i", "we", "you")
                   for t in sent)


_NEWSLETTER = re.compile(r"(?:subscribe|sign up)\s+(?:to|for)\s+(.+?)\s+newsletter", re.I)


def outlet_name(article: Article) -> str:
    """The outlet publishing the article: from a newsletter prompt ("Subscribe to The
    Jerusalem Post Newsletter"), else the URL's host, else 'the outlet'. Hand-written."""
    for block in article.blocks:
        if block.is_boilerplate:
            m = _NEWSLETTER.search(article.text[block.start:block.end])
            if m:
                return m.group(1).strip()
    if article.url:
        host = re.sub(r"^https?://(www\.)?", "", article.url).split("/")[0]
        if host:
            return host
    return "the outlet"
