"""Attribution: who said what, found over the dependency parse and the article's quote marks.

Three finders run over one parsed Doc, each proposing candidates:

1. ``cue_verbs``: a verb from the cue lexicon (``cues.py``) with its subject as speaker and its
   clausal complement, its object, or an adjacent quote as content ("X said that ...",
   "'...,' said X", "X declined to address Y").
2. ``according_to``: "according to X, ..." and its kin.
3. ``quotes_without_cue``: quotes that no cue claimed: "'...' — Name", "Name: '...'", and a
   paragraph of quote alone, which inherits the speaker of the paragraph before.

Then ``write`` turns candidates into Attribution records with offsets into the article text.
Nothing is taken from a boilerplate block.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from onrecord.pipeline import cues, entities
from onrecord.inputs.article import Article
from onrecord.pipeline.quotes import QUOTE_CHARS, Quote, find_quotes
from onrecord.records import Attribution, Content, Span, Speaker
from onrecord.pipeline.doccache import any_token, doc_ents, doc_text, token_indices

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
#: Capitalised sentence openers that are never a misparsed name.
_FUNCTION_WORDS = {"later", "also", "then", "still", "yet", "now", "however", "meanwhile", "earlier",
                   "previously", "separately", "instead", "again", "here", "there", "so", "but", "and"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
_TRIM = set(" \t\r\n\xa0\u2009\u202f,;:—–-―")
DASHES = "—–-―"


#: Cut-offs of the rules below, each hand-set on the project's own example articles and the
#: fixture's constructions (not fitted to PolNeAR dev), with what they trade:
#: tokens a speaker's title may add beyond the gap ('"X," Tulsa police Chief Chuck Jordan said').
_TITLE_TOKENS = 3
#: characters a content may stop short of a quote's closing mark and still take it ('"too little,' he added).
_CLOSING_SLACK = 3
#: characters of slack at either end when a content is the quote around it (a mark, a space).
_MARK_SLACK = 2
#: a content this much inside one quote is that quote's direct statement; below, a partial
#: quote inside reported speech (mixed).
_QUOTED_SHARE = 0.6
#: a quote counts as taken by a content holding more than half of it.
_COVERED_SHARE = 0.5
#: words a quote needs to be a statement on its own (a dash, colon or transcript layout):
#: one or two quoted words are a title or a scare quote.
_MIN_QUOTE_WORDS = 3
#: characters an "according to" content needs: shorter is a fragment ("according to him, no").
_MIN_ACCORDING_CHARS = 10
#: characters after a quote searched for a dash signature ('"..." — Ana Lind, mayor').
_SIGNATURE_REACH = 80


@dataclass
class Candidate:
    """An attribution before it is written: character offsets and the tokens behind them."""

    cue: tuple[int, int] | None
    content: list[tuple[int, int]]
    kind: str
    speaker: tuple[int, int] | None = None
    speaker_token: Token | None = None
    addressee: tuple[int, int] | None = None
    quote: Quote | None = None
    inherited_from: "Candidate | None" = None
    cue_token: Token | None = None
    line: int | None = None
    quotes: list[Quote] = field(default_factory=list)
    #: How the speaker was found (records.SPEAKER_VIA); a finder that knows sets it, else
    #: ``speaker_via`` tells it from the speaker's tokens when the record is written.
    speaker_via: str | None = None


@dataclass
class Context:
    """What every finder reads: the Doc, the article, its quotes and boilerplate mask."""

    doc: Doc
    article: Article
    quotes: list[Quote]
    boiler: list[tuple[int, int]]

    def in_boilerplate(self, start: int) -> bool:
        """True when the character at ``start`` lies in a boilerplate block."""
        return any(s <= start < e for s, e in self.boiler)

    def __post_init__(self) -> None:
        # quotes never overlap and come in text order: lookups are binary searches, so a long
        # paragraph full of quotes costs n log n, not n squared
        self._starts = [q.start for q in self.quotes]

    def quotes_between(self, start: int, end: int) -> list[Quote]:
        """The quotes that overlap [start, end), in text order."""
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        j = bisect.bisect_left(self._starts, end)
        return [q for q in self.quotes[i:j] if q.start < end and start < q.end]

    def next_quote(self, offset: int, end: int) -> Quote | None:
        """The first quote starting at or after ``offset`` and before ``end`` (a binary search)."""
        i = bisect.bisect_left(self._starts, offset)
        return self.quotes[i] if i < len(self.quotes) and self.quotes[i].start < end else None

    def in_quote(self, offset: int) -> bool:
        """True when ``offset`` lies between the marks of a quote."""
        i = bisect.bisect_left(self._starts, offset) - 1
        return i >= 0 and self.quotes[i].start < offset < self.quotes[i].end

    def quote_covering(self, start: int, end: int) -> Quote | None:
        """The quote that holds most of [start, end), if any."""
        best, best_overlap = None, 0
        for q in self.quotes_between(start, end):
            overlap = min(end, q.end) - max(start, q.start)
            if overlap > best_overlap:
                best, best_overlap = q, overlap
        return best

    def line_of(self, offset: int) -> int | None:
        """The 1-based line number of the block at ``offset``."""
        block = self.article.block_at(offset)
        return block.line if block else None


def find_attributions(doc: Doc, article: Article) -> list[Attribution]:
    """Every attribution in the article, in text order, with ids a1, a2, ..."""
    ctx = Context(doc, article, find_quotes(article.text, article.blocks),
                  [(b.start, b.end) for b in article.blocks if b.is_boilerplate])
    lines = transcript_lines(ctx)
    found = _not_in_lines(cue_verbs(ctx) + according_to(ctx) + cue_nouns(ctx), lines) + lines
    found = [_headline_speaker(ctx, c) for c in found]
    found = _not_sources(ctx, _dedupe(found))
    found += quotes_without_cue(ctx, found)
    found = _not_nested(ctx, _not_markup(ctx, found))
    found.sort(key=lambda c: min([c.content[0][0]] if c.content else [] + [c.cue[0]] if c.cue else [0]))
    return write(ctx, found)


def _not_in_lines(cands: list[Candidate], lines: list[Candidate]) -> list[Candidate]:
    """The candidates less those whose cue lies in a transcript line's words ("FALLIN: I think
    he is trying ..."): like a cue inside a quote, it is the line's speaker's own report (on
    PolNeAR train every such row was wrong)."""
    spans = [piece for line in lines for piece in line.content]
    return [c for c in cands if c.cue is None or not any(s <= c.cue[0] < e for s, e in spans)]


#: A headline or paragraph opening with a name and a colon ("Rubio: I Still Believe ...").
_NAME_COLON = re.compile(r"([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}):\s")
_FIRST_PERSON = {"i", "we", "me", "my", "our"}


def _headline_speaker(ctx: Context, cand: Candidate) -> Candidate:
    """A first-person speaker after "Name: " at the start of its line is that name: "Rubio: I
    Still Believe Trump Can't Be Trusted" is Rubio's belief (PolNeAR train's source each time)."""
    if cand.speaker is None or ctx.article.text[cand.speaker[0]:cand.speaker[1]].lower() not in _FIRST_PERSON:
        return cand
    block = ctx.article.block_at(cand.speaker[0])
    m = _NAME_COLON.match(ctx.article.text, block.start, block.end) if block is not None else None
    if m is None or m.end() > cand.speaker[0] or m.group(1).isupper():
        return cand  # an all-capitals label is a transcript line's, handled there
    cand.speaker, cand.speaker_token, cand.speaker_via = (m.start(1), m.end(1)), None, "name"
    return cand


#: Speakers that name no one: "no one", "nobody". Inside someone's reported speech ("she said
#: no one could predict ...") they are words of that speech, not a second source. (Standing
#: alone they stay: "no one confirmed Trump's account" is what a claim's status rests on.)
NOT_SOURCES = {"no one", "no-one", "noone", "nobody", "none", "nothing", "neither"}


#: Markup left in a text ('<tweet id="..." author="...">'): a "speaker" holding one of these
#: characters is a piece of a tag, never a source (none of PolNeAR train's sources has one).
_MARKUP = re.compile(r"[<>=]")


def _not_markup(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """The candidates less those whose speaker is a piece of markup."""
    return [c for c in cands if c.speaker is None or not _MARKUP.search(ctx.article.text, *c.speaker)]


def _not_sources(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """The candidates less those whose speaker is one of NOT_SOURCES and whose cue lies in
    another candidate's content."""
    text = ctx.article.text

    def nested(c: Candidate) -> bool:
        return c.cue is not None and any(o is not c and any(s <= c.cue[0] < e for s, e in o.content)
                                         for o in cands)

    return [c for c in cands if c.speaker is None
            or " ".join(text[c.speaker[0]:c.speaker[1]].lower().split()) not in NOT_SOURCES or not nested(c)]


#: Kinds of content whose words are the source's report in the writer's wording, or what the
#: source referred to: a cue inside one is part of what the source said ("Trump said Clinton
#: lied about the emails", "declined to address the claim that he hid the files").
_HOST_KINDS = ("indirect", "mixed", "reference")


def _not_nested(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """The candidates less those whose cue lies inside another candidate's reported content
    (_HOST_KINDS): "The mayor said the engineers fear the pipes will burst" is the mayor's
    statement, and what the engineers fear is the mayor's report of it, not the article's; "she
    said she had not called for his resignation" holds no call at all. The host's row keeps
    those words. Kept: a nested row in quote marks (the nested source's own words, which
    PolNeAR annotates), and two candidates inside each other's content (a misparse, where
    neither is sure to be the host).

    Measured on a fifth of PolNeAR train (every fifth article from the second, 168): of the
    rows this drops, 1 in 7 was right; e2e F1 over every row .648 with the rule for beliefs
    only ("believes", "hopes": cues.BELIEF_CUES), .656 for every cue, .659 with referred-to
    hosts, .667 also when the nested cue is what the host reports ("She said [the members
    believed X]") or the host's source doing more ("said X and asked Y"). Dropping quoted
    nested rows too (.670) loses quoted recall, so they stay."""
    def inside(c: Candidate, host: Candidate) -> bool:
        return c.cue is not None and any(s <= c.cue[0] < e for s, e in host.content)

    def quoted(c: Candidate) -> bool:
        return any(ctx.quotes_between(s, e) for s, e in c.content)

    return [c for c in cands if c.kind == "direct" or quoted(c) or not any(
        o is not c and o.kind in _HOST_KINDS and inside(c, o) and not inside(o, c) for o in cands)]


# ---------------------------------------------------------------- finder 1: cue verbs

def cue_verbs(ctx: Context) -> list[Candidate]:
    """Candidates anchored on a verb from the cue lexicon."""
    out = []
    doc = ctx.doc
    for i in token_indices(doc, "pos", "VERB", "AUX"):  # a cue verb is one of these (cues.is_cue_verb)
        tok = doc[i]
        if not cues.is_cue_verb(tok) or ctx.in_boilerplate(tok.idx) or ctx.in_quote(tok.idx):
            continue  # a cue inside a quotation is the speaker's own report, not the article's
        if cues.is_non_cue(tok) or cues.is_idiom(tok):
            continue  # "picked up the award", "That said, ..."
        if tok.dep_ == "xcomp" and tok.head.lemma_ in cues.REFUSAL_VERBS:
            continue  # "declined to comment on ...": the refusal's cue (cues.cue_span), not a saying
        cand = _from_cue_verb(ctx, tok)
        if cand is not None:
            out.append(cand)
    return out


def _from_cue_verb(ctx: Context, verb: Token) -> Candidate | None:
    if _writer_inference(verb):
        return None
    if verb.lemma_ in ("seem", "appear") and any(
            c.dep_ == "xcomp" and cues.is_cue_verb(c) for c in verb.children):
        return None  # "seeming to suggest": the cue is the suggesting, seem only hedges it
    subject = find_subject(verb)
    if subject is not None and ctx.in_quote(subject.idx):
        # a subject inside the quote is the quote's own word; look for one outside it
        subject = next((c for c in verb.children if c.dep_ == "nsubj" and not ctx.in_quote(c.idx)), None)
    content, kind = _verb_content(ctx, verb)
    if not content and not kind:
        content, kind = _postposed_cue(verb)
    if kind in ("indirect", "reference") and content:
        content = content[:-1] + [_shed_aside(ctx, verb, content[-1])]
    if not content and kind != "reference":
        return None
    gap = None
    if kind == "direct" and (subject is None or ctx.in_quote(subject.idx)):
        gap = _gap_speaker(ctx, content[0][1], verb) if content[0][1] <= verb.idx else None
        subject = None if gap is None else ctx.doc.char_span(*gap, alignment_mode="expand").root
    if subject is None and kind != "reference":
        subject = _inverted_subject(verb) or (_apposition_before(verb) if cues.is_speech(verb) else None)
    if subject is None and not cues.allows_no_subject(verb):
        return None
    cue_span = cues.cue_span(verb)
    cand = Candidate(cue=cue_span, content=content, kind=kind, cue_token=verb,
                     line=ctx.line_of(verb.idx))
    if subject is not None:
        span = gap or _outside_quotes(ctx, speaker_span(subject, content, cue_span), subject)
        span = _through_apposition(ctx, span, subject, verb) if gap is None else span
        cand.speaker, cand.speaker_token = span, subject
        after = _past_dateline(ctx, span)
        if after is not None:
            cand.speaker, cand.speaker_token = after
    cand.addressee = find_addressee(verb, content)
    return _with_quote_kind(ctx, cand)


#: A wire dateline opening a paragraph: "LONDON (Reuters) - ", "Washington (AFP) – ".
_DATELINE = re.compile(r"[A-Z][A-Za-z.'’ -]{1,40}(?:, [A-Z][A-Za-z. ]{1,30})?\s*\([A-Za-z.&’' ]{2,30}\)\s*[-–—]+\s*")
#: Words of the source's name after a dateline ("Democrat Hillary Clinton"): at most this many
#: (a title, a two-word role and a full name); a longer run is no name and the row keeps the parse.
_MAX_NAME_TOKENS = 8


def _past_dateline(ctx: Context, span: tuple[int, int]) -> tuple[tuple[int, int], Token] | None:
    """When the parser took a dateline for the speaker ("LONDON (Reuters) - Donald Trump said"),
    the name that follows the dateline, and its last token."""
    block = ctx.article.block_at(span[0])
    if block is None:
        return None
    m = _DATELINE.match(ctx.article.text, block.start, block.end)
    if m is None or span[0] >= m.end():
        return None
    words = []
    for tok in ctx.doc[ctx.doc.char_span(m.end(), block.end, alignment_mode="expand").start:]:
        if tok.pos_ not in ("PROPN", "NOUN", "ADJ", "DET") and tok.text not in ("'s", "’s", "."):
            break
        words.append(tok)
        if len(words) > _MAX_NAME_TOKENS:
            return None
    if not words or not any(t.pos_ in ("PROPN", "NOUN") for t in words):
        return None
    return _trim(ctx.article.text, words[0].idx, words[-1].idx + len(words[-1])), words[-1]


def find_subject(verb: Token) -> Token | None:
    """The verb's subject, looking through conjunctions, xcomp/advcl chains and passives; of
    two subjects the parser gave one verb ('His assessment: "...," he said'), the nearer."""
    found = []
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj") and child.pos_ != "PRON" or child.dep_ == "nsubj":
            if child.dep_ == "nsubjpass" and verb.lemma_ in cues.PASSIVE_AGENT_ONLY:
                continue
            found.append(child)
        if child.dep_ == "agent":
            found += [pobj for pobj in child.children if pobj.dep_ == "pobj"][:1]
    if found:
        return min(found, key=lambda t: abs(t.i - verb.i))
    head = verb.head
    if verb.dep_ in ("conj", "xcomp") and head.i != verb.i and head.pos_ in ("VERB", "AUX"):
        return find_subject(head)
    if verb.dep_ == "acl" and head.pos_ == "NOUN" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        # "Trump has a rare chance to show ...", "an effort to paint ...": the chance shows
        # nothing; the source is whoever has it
        gov = head.head.head if head.dep_ == "pobj" else head.head
        if head.dep_ in ("dobj", "pobj") and gov.pos_ in ("VERB", "AUX") and gov.i != head.i:
            return find_subject(gov)
        return None
    if verb.dep_ in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
        return _sender(head) or head
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and head.pos_ in ("VERB", "AUX"):
        return find_subject(_reporting_verb(head))  # "..., he said, adding that ..."
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        return find_subject(head.head)  # "Blige sings ... before asking her, '...'"
    return None


def _reporting_verb(head: Token) -> Token:
    """The verb a participle cue ("adding", "citing", "referring") reports beside: its head, or,
    when the parser hung it inside the statement of a speech verb ('Mr. Manafort said, "He
    cares about the team," adding ...', "adding" under "cares"), that speech verb: the one who
    adds is the one who said, not the subject of the words said."""
    gov = head.head
    if head.dep_ == "ccomp" and gov.i != head.i and gov.pos_ in ("VERB", "AUX") and cues.is_speech(gov):
        return gov
    return head


#: Things that carry someone's words: "sent out a press release saying ...", "revised her
#: statement explaining ...". The one who sent it is the source, not the paper.
_SENT_DOCUMENTS = {"release", "statement", "article", "letter", "email", "e-mail", "ad", "advertisement",
                   "cover", "memo", "tweet", "post", "message", "note", "video", "mailer", "flyer", "op-ed"}


def _sender(doc_noun: Token) -> Token | None:
    """Who sent the document ``doc_noun`` names: the subject of the verb it is the object of
    ("Rubio's campaign sent out a press release"), else its possessor ("her statement")."""
    if doc_noun.lemma_.lower() not in _SENT_DOCUMENTS:
        return None
    if doc_noun.dep_ == "dobj" and doc_noun.head.pos_ == "VERB":
        owner = next((c for c in doc_noun.head.children if c.dep_ == "nsubj"), None)
        if owner is not None:
            return owner
    return next((c for c in doc_noun.children if c.dep_ == "poss"), None)


def _inverted_subject(verb: Token) -> Token | None:
    """A name the parser did not make the subject: 'said Heyman' (object after the verb) or
    an unfamiliar surname tagged as an adverb before it ('Kellar later said')."""
    for child in verb.rights:
        if child.dep_ in ("dobj", "npadvmod", "attr", "oprd") and child.pos_ == "PROPN":
            if child.dep_ == "dobj" and verb.lemma_ in cues.TELL_LIKE:
                continue  # "..., a source told Fox News": the object of tell is the addressee
            return child
    for child in (t for t in verb.subtree if t.i < verb.i and _adverbial_path(t, verb)):
        if child.dep_ in ("advmod", "npadvmod", "dep", "nmod") and child.is_title \
                and child.pos_ in ("PROPN", "ADV", "NOUN", "X") and child.lower_ not in _FUNCTION_WORDS:
            return child
    return None


def _apposition_before(verb: Token) -> Token | None:
    """A name the parser hung off the phrase before it instead of making it the subject: "In a
    statement to the Observer, her adviser, Jake Sullivan, said: ..." (the adviser an apposition
    of the Observer). The outermost apposition ending right before the verb's comma."""
    i = verb.i - 1
    while i >= 0 and verb.doc[i].text == ",":
        i -= 1
    if i < 0 or i == verb.i - 1:
        return None  # no comma between: not a phrase set off before the verb
    tok = verb.doc[i]
    if tok.dep_ != "appos" or tok.pos_ not in ("PROPN", "NOUN"):
        return None
    while tok.head.dep_ == "appos" and tok.head.i < tok.i:
        tok = tok.head
    return tok


def _through_apposition(ctx: Context, span: tuple[int, int], subject: Token, verb: Token) -> tuple[int, int]:
    """A nominal subject's span carried on to the name set off after it, right before the verb:
    "The contractor that built the pumps, Harrow Civil, did not respond" (the parser hung the
    name off "pumps"). The name is who the nominal is (``entities`` resolves the speaker to it);
    a span with a quote, or a name not ending where the verb's phrase begins, is left alone."""
    if subject.pos_ != "NOUN" or subject.i > verb.i:
        return span
    i = verb.i - 1
    doc = verb.doc
    while i > subject.i and doc[i].head.i == verb.i and doc[i].dep_ in ("aux", "neg", "advmod"):
        i -= 1  # "did not", "has also"
    if i <= subject.i or doc[i].text != ",":
        return span
    while i > subject.i and doc[i].text == ",":
        i -= 1
    name = doc[i]
    end = name.idx + len(name)
    if name.pos_ != "PROPN" or name.i <= subject.i or end <= span[1] or ctx.quotes_between(span[0], end) \
            or not entities.appositive_of(name, subject):
        return span
    return span[0], end


def _adverbial_path(tok: Token, verb: Token) -> bool:
    """True when ``tok`` hangs off ``verb`` through adverbial modifiers only."""
    while tok.i != verb.i:
        if tok.dep_ not in ("advmod", "npadvmod", "dep", "nmod"):
            return False
        tok = tok.head
    return True


def speaker_span(subject: Token, content: list[tuple[int, int]], cue: tuple[int, int]) -> tuple[int, int]:
    """The subject's noun phrase, without relative clauses and never into content or cue."""
    about = {t.i for c in _topic_phrases(subject) for t in c.subtree}
    keep = [t for t in subject.subtree if not _in_clause(t, subject) and t.i not in about]
    start = min(t.idx for t in keep)
    end = max(t.idx + len(t) for t in keep)
    for s, e in content + [cue]:
        if s < end and start < e:
            if s > subject.idx:
                end = min(end, s)
            else:
                start = max(start, e)
    if end <= start:
        start, end = subject.idx, subject.idx + len(subject)
    return _trim(doc_text(subject.doc), start, end)


#: Prepositions that, after a name, say what the speaker spoke of ("joked Ortega of her role",
#: "said Lund about the ice"), not who the speaker is.
_TOPIC_PREPS = {"of", "about", "on", "regarding"}


def _topic_phrases(subject: Token) -> list[Token]:
    """The "of her role" phrases hanging off a name: a preposition of _TOPIC_PREPS after a
    proper-noun subject whose object is no name ("Kerry of Massachusetts" keeps its place)."""
    if subject.pos_ != "PROPN":
        return []
    out = []
    for child in subject.rights:
        if child.dep_ == "prep" and child.lower_ in _TOPIC_PREPS:
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ != "PROPN" and not pobj.ent_type_:
                out.append(child)
    return out


def _outside_quotes(ctx: Context, span: tuple[int, int], anchor: Token) -> tuple[int, int]:
    """The part of a speaker span on the anchor's side of any quote it runs into."""
    start, end = span
    for q in ctx.quotes_between(start, end):
        if not (q.start <= anchor.idx < q.end):
            if q.start > anchor.idx:
                end = min(end, q.start)
            else:
                start = max(start, q.end)
    if end <= start:
        return anchor.idx, anchor.idx + len(anchor)
    return _trim(ctx.article.text, start, end)


def _in_clause(tok: Token, root: Token) -> bool:
    """True when ``tok`` sits in a relative or adverbial clause (or is punctuation) under ``root``."""
    if tok.dep_ == "punct" and tok.head.i == root.i:
        return True
    while tok.i != root.i:
        if tok.dep_ in ("relcl", "advcl", "acl") and tok.tag_ != "VBN" or tok.dep_ == "relcl":
            return True
        tok = tok.head
    return False


def _verb_content(ctx: Context, verb: Token) -> tuple[list[tuple[int, int]], str]:
    """The content of a cue verb and its kind: clause, adjacent quote, or referred-to object."""
    lead = _leading_quote(ctx, verb)
    if lead is not None:
        return [(lead.start, lead.end)] + _continuation(ctx, verb, lead.end), "direct"
    clause = _clausal_complement(verb)
    if clause is not None and (cues.takes(verb, clause.dep_) or ctx.quote_covering(*_subtree_span(clause))):
        return _clause_pieces(clause, verb), "indirect"
    if _governs_content(verb):
        pieces = _clause_without(_governed_clause(verb), verb)
        if pieces:
            return pieces, "indirect"
    obj = cues.referred_object(verb)
    if obj is not None:
        return [_subtree_span(obj)], "reference"
    if cues.is_bare_refusal(verb):
        return [], "reference"  # "declined to comment.": a refusal with nothing referred to
    learned = cues.learned_relation(verb)
    if learned is not None and learned[0] not in ("ccomp", "gov") and _names_no_words(verb, learned[1]):
        return [], ""  # "what the engineers say", "said nothing in public": no words are given
    if learned is not None and learned[0] not in ("ccomp", "gov"):
        piece = _rest_of_phrase(verb, learned[1])
        if piece[0] < piece[1]:
            return [piece], "indirect" if "comp" in learned[0] else "reference"
        return [], "indirect"  # the phrase is punctuation alone: nothing was said
    before = _split_off_statement(ctx, verb)
    if before is not None:
        return [before], "indirect"
    quote = _adjacent_quote(ctx, verb) if cues.is_speech(verb) else None
    if quote is not None:
        return [(quote.start, quote.end)] + (_continuation(ctx, verb, quote.end) if quote.end <= verb.idx
                                             else _quote_chain(ctx, quote)), "direct"
    return [], ""


#: Objects of a cue that give none of the words: the pronoun of a free or relative clause
#: standing before its verb ("what the engineers say", "the things that he said": the words
#: are elsewhere, or nowhere), and saying nothing ("said nothing in public", "has said little").
#: On PolNeAR train, rows whose content was one of the pronouns alone were right 8 times in 46.
_WORDLESS_PRONOUNS = {"what", "whatever", "that"}
_NOTHING = {"nothing", "little"}


def _names_no_words(verb: Token, obj: Token) -> bool:
    """True when the cue's object ``obj`` gives none of the words (_WORDLESS_PRONOUNS, _NOTHING)."""
    if obj.lower_ in _WORDLESS_PRONOUNS and obj.i < verb.i and len(list(obj.subtree)) == 1:
        return True
    return obj.lower_ in _NOTHING and obj.dep_ == "dobj" and cues.is_speech(verb)


#: Words that open a non-restrictive relative clause ("..., which RT pointed to as an example").
_WH_WORDS = {"which", "who", "whom", "whose", "where"}


def _aside(tok: Token) -> bool:
    """True for the head of a phrase the writer adds after a comma about the content's last
    words, not part of what was said: a non-restrictive relative clause ("the annexation,
    which RT pointed to ..."), a participial clause with no subject of its own ("... be 'fair'
    to him, engaging in ..."). Measured on a fifth of PolNeAR train (e2e F1 at the default
    confidence .661 without, .662 with; appositives too: .661), and dev agrees (+.004)."""
    if tok.dep_ == "relcl":
        return min(tok.subtree, key=lambda t: t.i).lower_ in _WH_WORDS
    if tok.dep_ in ("advcl", "acl"):
        return tok.tag_ == "VBG" and tok.left_edge.i == tok.i
    return False


def _shed_aside(ctx: Context, verb: Token, piece: tuple[int, int]) -> tuple[int, int]:
    """``piece`` without a trailing aside (:func:`_aside`) set off by a comma or dash outside
    any quote: PolNeAR's annotators end the content before it."""
    start, end = piece
    doc = verb.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) < 4:
        return piece
    last = span.end - 1
    while last > span.start and doc[last].is_punct:
        last -= 1
    for tok in span[1:]:
        if not _aside(tok) or ctx.in_quote(tok.idx) or tok.head.i < span.start or tok.head.i > last:
            continue
        left = tok.left_edge.i
        right = tok.right_edge.i
        if right < last or left <= span.start + 1:
            continue  # an aside in the middle, or the whole content
        mark = doc[left - 1]
        end_at = mark.idx
        if mark.text in QUOTE_CHARS and left >= 2 and doc[left - 2].text == ",":
            end_at = mark.idx + len(mark)  # 'the "War On Drugs," which ...': the comma inside the quote
            mark = doc[left - 2]
        elif ctx.in_quote(mark.idx):
            continue
        if mark.text != "," and mark.text != "--" and mark.text not in DASHES:
            continue
        cut = _trim(doc_text(doc), start, end_at)
        if cut[1] > cut[0]:
            return cut
    return piece


def _split_off_statement(ctx: Context, verb: Token) -> tuple[int, int] | None:
    """'Those who take on debt struggle, even with a "good" job, he said.' when the parser cut
    the sentence at the comma: the cue's own sentence opens with that comma and holds nothing
    but the cue and its subject, so what was said is the sentence before it, in its paragraph."""
    if not cues.is_speech(verb):
        return None
    sent = verb.sent
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if sent[0].text != "," or sent.start == 0 or any(
            t.i != verb.i and t.dep_ not in ("nsubj", "advmod", "npadvmod", "aux", "compound", "det", "amod")
            for t in words):
        return None
    prev = verb.doc[sent.start - 1].sent
    block = ctx.article.block_at(verb.idx)
    if block is None or prev.start_char < block.start:
        return None
    start, end = _trim(ctx.article.text, prev.start_char, sent.start_char)
    return (start, end) if end > start else None


#: Characters that end a quote's words right before its closing mark when the cue follows
#: ('"...," Giuliani said', '"...?" she asked'): the print convention for a quote handed to
#: the attribution after it.
_HANDOFF = ",?!"


def _leading_quote(ctx: Context, verb: Token) -> Quote | None:
    """A quote that ends in a comma (or ? !) right before the cue's own clause ('"X," Sanders
    said in an interview aired Monday'): what the speech verb reports, whatever clause the
    parser hung after the verb ("aired Monday") or whichever later verb it made the verb's
    head. Only for speech verbs with nothing but their subject between the quote and them."""
    if not cues.is_speech(verb) or not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None  # '"X," adding that Y': a participle's content is its own clause
    block = ctx.article.block_at(verb.idx)
    if block is None:
        return None
    before = [t for t in verb.subtree if t.i < verb.i and not ctx.in_quote(t.idx) and t.text not in QUOTE_CHARS
              and not t.is_punct]
    left = min([t.idx for t in before] + [verb.idx])
    own = {b.i for b in before}
    if any(t.i < verb.i and t.idx >= left and not t.is_punct and t.text not in QUOTE_CHARS
           and t.i not in own for t in ctx.doc[verb.i - 12 if verb.i >= 12 else 0:verb.i]):
        return None  # a word between the quote and the cue that is not the cue's own: not adjacent
    quotes = [q for q in ctx.quotes_between(block.start, left) if q.end <= left and q.closed]
    if not quotes:
        return None
    q = quotes[-1]
    text = ctx.article.text
    if text[q.end:left].strip() or text[q.end - 2:q.end - 1] not in _HANDOFF or q.start < verb.sent.start_char:
        return None  # '"Why now?" / Mills then writes back, "..."': a quote of the sentence before
    return q


#: What may stand between two quotes of one statement after its cue: 'telling the crowd, "X,"
#: and, "Y."'.
_CHAIN_GAP = re.compile(r"[\s,]*(?:and|or)?[\s,]*")


def _quote_chain(ctx: Context, first: Quote) -> list[tuple[int, int]]:
    """The quotes that follow ``first`` in its paragraph joined by nothing but a comma or an
    "and" (the speaker's words in a row after one cue)."""
    block = ctx.article.block_at(first.start)
    if block is None:
        return []
    out, end = [], first.end
    while (q := ctx.next_quote(end, block.end)) is not None:
        gap = ctx.article.text[end:q.start]
        if not gap.strip() or not _CHAIN_GAP.fullmatch(gap) or _has_own_cue(ctx, q):
            break  # a bare space is a new sentence: the resumption rules handle it
        out.append((q.start, q.end))
        end = q.end
    return out


#: What may stand between a cue's clause and the quote that resumes its speaker's words in the
#: same sentence: a comma, or a comma and a conjunction ("..., he said, but \"...\"", "and still").
_RESUME_GAP = re.compile(r"[\s,]*(?:(?:and|but)(?:\s+(?:still|then|also))?)?[\s,]*")


_MAX_ASIDE_TOKENS = 12


def _participle_aside(doc: Doc, start: int, end: int) -> bool:
    """True when the text between ``start`` and ``end`` is ", <participle phrase>," and no
    saying of its own ('..., she said, referring to the report, "..."')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    toks = [t for t in span if not t.is_space] if span is not None else []
    while toks and toks[0].text == ",":
        toks = toks[1:]
    while toks and toks[-1].text == ",":
        toks = toks[:-1]
    if not toks or len(toks) > _MAX_ASIDE_TOKENS:
        return False
    head = toks[0]
    return head.tag_ == "VBG" and not cues.is_speech(head) and all(
        t.i == head.i or head.i in {a.i for a in t.ancestors} for t in toks)


def _continuation(ctx: Context, verb: Token, content_end: int) -> list[tuple[int, int]]:
    """The quote that resumes right after '"...," he said.' in the same paragraph (only when
    the content came before its cue)."""
    if content_end > verb.idx:
        return []
    text = ctx.article.text
    block = ctx.article.block_at(verb.idx)
    if block is None:
        return []
    # '"X," she said, "Y."': the quote resumes in the cue's own sentence, after a comma
    joined = {t.i for c in verb.children if c.dep_ in ("conj", "cc") and c.i > verb.i for t in c.subtree}
    clause_end = max([t.idx + len(t) for t in verb.subtree if t.i >= verb.i and not ctx.in_quote(t.idx)
                      and t.i not in joined
                      and t.text not in QUOTE_CHARS and not t.is_punct and not t.is_space] + [verb.idx + len(verb)])
    same = ctx.next_quote(clause_end, block.end)
    gap = text[clause_end:same.start] if same is not None else ""
    if same is not None and same.start < verb.sent.end_char and "," in gap and (
            _RESUME_GAP.fullmatch(gap) or _participle_aside(verb.doc, clause_end, same.start)) and not any(
            t.i != verb.i and cues.is_speech(t) and not ctx.in_quote(t.idx)
            for t in verb.doc[verb.i:verb.sent.end] if t.idx < same.start):
        # '"X," she said, "Y."', '..., he said, but "Y"', '..., she said, referring to the report, "Y"';
        return [(same.start, same.end)]  # not '"X," Trump said, adding later, "Y."': Y is the adding's
    stop = gap.strip() == "." or not gap.strip() and text[clause_end - 1:clause_end] == "."
    if same is not None and same.start < verb.sent.end_char and stop and not _has_own_cue(ctx, same):
        return [(same.start, same.end)]  # 'said X, of Springfield, Ill. "..."': a sentence end the parser missed
    sent_end = verb.sent.end_char
    nxt = ctx.next_quote(sent_end, block.end)
    if nxt is not None and not text[sent_end:nxt.start].strip() and not _has_own_cue(ctx, nxt):
        return [(nxt.start, nxt.end)]
    return []


def _has_own_cue(ctx: Context, q: Quote) -> bool:
    """True when a cue verb outside quotes follows the quote in its sentence ('"X," she said'):
    the quote is another statement, not the continuation of the one before."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return False
    sent = span[-1].sent
    # the cue of '"X," Tulsa police Chief Chuck Jordan said' lies within a speaker's phrase
    stop = min(sent.end, span.end + _MAX_GAP_TOKENS + _TITLE_TOKENS)
    return any(cues.is_cue_verb(t) and t.idx >= q.end and not ctx.in_quote(t.idx)
               for t in ctx.doc[span.end:stop])


#: A cue this many tokens or more away from the clause it hangs off is not its parenthetical:
#: news sentences past 60 tokens are lists, where the parser's attachments are unreliable.
_MAX_GOV_DISTANCE = 60


def _stops_between(doc: Doc, left: int, right: int) -> bool:
    """True when a semicolon or colon stands between tokens ``left`` and ``right``: what comes
    before it is a statement of its own, not the content of a cue after it."""
    return any(t.text in (";", ":") for t in doc[left + 1:right])


def _governed_clause(verb: Token) -> Token:
    """The clause a parenthetical speech cue sits in: its head, or the verb of that head when
    the parser hung the cue off the clause's subject ("The difference now, he told me, is
    that ...": ``told`` a parataxis of ``difference``)."""
    head = verb.head
    if verb.dep_ == "parataxis" and head.pos_ in ("NOUN", "PROPN", "PRON") and head.dep_ in SUBJECTS \
            and head.head.i > verb.i:
        return head.head
    return head


def _governs_content(verb: Token) -> bool:
    """True for a speech verb set into the clause it reports: "X is Y, he said" or "X, he said, is Y"."""
    head = _governed_clause(verb)
    if head.i == verb.i or head.pos_ not in ("VERB", "AUX") or not cues.is_speech(verb):
        return False
    if abs(verb.i - head.i) >= _MAX_GOV_DISTANCE or cues.is_speech(head) and head.i < verb.i:
        return False  # "X said she thinks ...": the head is the cue, not the content
    if verb.dep_ == "parataxis":
        return True
    # a ccomp after its head only counts when set off by a comma ("..., he said")
    return verb.dep_ == "ccomp" and any(t.text == "," for t in verb.doc[min(head.i, verb.i):max(head.i, verb.i)])


def _postposed_cue(verb: Token) -> tuple[list[tuple[int, int]], str]:
    """The content of a speech cue set after its statement that the parser hung off its own
    subject: "Four branches will open only three days a week, the library service announced on
    Friday." (``announced`` an acl of ``service``, ``service`` a modifier of ``open``). The
    statement is the clause before the comma that sets the source off; nothing when the cue
    has words of its own after it (an object, a clause) or no comma stands before the source."""
    noun, doc = verb.head, verb.doc
    if verb.dep_ != "acl" or noun.i > verb.i or noun.pos_ not in ("NOUN", "PROPN") or not cues.is_speech(verb):
        return [], ""
    main = noun.head
    if noun.dep_ not in ("npadvmod", "appos", "dep", "nmod") or main.pos_ not in ("VERB", "AUX") or main.i > noun.i:
        return [], ""
    if any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for c in verb.children):
        return [], ""
    first = min(t.i for t in noun.subtree)
    comma = doc[first - 1] if first > 0 else None
    if comma is None or comma.text != "," or first - 1 <= main.sent.start:
        return [], ""
    start = min(t.idx for t in main.subtree)
    return [_trim(doc_text(doc), start, comma.idx)], "indirect"


def _clausal_complement(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("ccomp", "csubj") and child.i != verb.i:
            if child.i < verb.i and _stops_between(verb.doc, child.right_edge.i, verb.i):
                continue  # "X is unlikely; her team says she'll go on": the clause is the next one
            return child
        if child.dep_ == "xcomp" and verb.lemma_ in cues.XCOMP_CONTENT:
            return child
    return None


#: Children of a cue verb that are not part of what it attributes: a new verb phrase joined
#: by "and", an adverbial clause, a parenthetical, the subject.
_NOT_CONTENT = {"conj", "cc", "advcl", "parataxis", "nsubj", "nsubjpass", "punct", "mark", "aux", "neg"}


def _rest_of_phrase(verb: Token, head: Token) -> tuple[int, int]:
    """What a non-clausal cue attributes: from its object to the end of its own phrase
    ("called [Burma a 'good news story']", "cited [X as an example of Y]")."""
    start = min(t.idx for t in head.subtree)
    end = max(t.idx + len(t) for t in head.subtree)
    for child in verb.rights:
        if child.dep_ in _NOT_CONTENT or child.idx < start:
            if child.dep_ in ("conj", "cc", "advcl", "parataxis"):
                break
            continue
        if not _completes_object(child):
            break  # "talked [politics] Monday on Fox and Friends": when and where, not what
        end = max(end, max(t.idx + len(t) for t in child.subtree))
    return _trim(doc_text(verb.doc), start, end)


#: What a cue's phrase says of when, where or in what medium it was made ("talked [politics]
#: Monday on Fox and Friends", "asked for [his position] during an interview"): PolNeAR train
#: leaves it out of the content, so a child of the cue after its object that is a time, or a
#: preposition whose object is a time or one of these nouns, ends the content.
_SETTING_NOUNS = {"interview", "statement", "speech", "appearance", "show", "program", "programme",
                  "broadcast", "hearing", "rally", "debate", "conference", "briefing", "call", "meeting",
                  "event", "op-ed", "column", "letter", "post", "tweet", "video", "floor", "trail",
                  "network", "channel", "radio", "television", "tv", "morning", "night", "evening",
                  "afternoon", "day", "week", "month", "year", "weekend"}
_SETTING_PREPS = {"in", "on", "at", "during", "while", "after", "before", "since", "last", "this"}


def _completes_object(child: Token) -> bool:
    """False for a child of the cue that is the attribution's setting, not its content
    (_SETTING_NOUNS)."""
    if child.dep_ == "npadvmod" or child.ent_type_ in ("DATE", "TIME"):
        return False
    if child.dep_ == "prep" and child.lower_ in _SETTING_PREPS:
        pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
        if pobj is not None and (pobj.ent_type_ in ("DATE", "TIME", "ORG", "GPE")
                                 or pobj.lemma_.lower() in _SETTING_NOUNS):
            return False
    return True


def _subtree_span(tok: Token, exclude: Token | None = None) -> tuple[int, int]:
    tokens = [t for t in tok.subtree if exclude is None or t.i != exclude.i]
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    return _trim(doc_text(tok.doc), start, end)


def _clause_pieces(clause: Token, verb: Token) -> list[tuple[int, int]]:
    """A clausal complement's text in pieces around the cue's own words when the cue sits
    inside it ("The museum, Mr. Obama said, would make visitors ...")."""
    inside = list(clause.subtree)  # walked once
    own = {t.i for t in verb.subtree} - {t.i for t in inside}
    tokens = [t for t in inside if t.i not in own]
    if not own or not tokens or max(own) < tokens[0].i or min(own) > tokens[-1].i:
        return [_subtree_span(clause, exclude=verb)]
    text = doc_text(clause.doc)
    first_own, last_own = min(own), max(own)
    before = [t for t in tokens if t.i < first_own]
    after = [t for t in tokens if t.i > last_own]
    pieces = [_trim(text, p[0].idx, p[-1].idx + len(p[-1])) for p in (before, after) if p]
    return [p for p in pieces if p[1] > p[0]] or [_subtree_span(clause, exclude=verb)]


def _clause_without(head: Token, cue_verb: Token) -> list[tuple[int, int]]:
    """The head clause's text minus the cue's own words: "X is Y, he said" and the
    parenthetical "X, he said, is Y" (two pieces)."""
    sub = {t.i for t in cue_verb.subtree}
    tokens = [t for t in head.subtree if t.i not in sub]
    if not tokens:
        return [_trim(doc_text(head.doc), head.idx, head.idx + len(head))]
    first_own, last_own = min(sub), max(sub)
    before = [t for t in tokens if t.i < first_own]
    after = [t for t in tokens if t.i > last_own]
    pieces = []
    for part in (before, after):
        if part:
            span = _trim(doc_text(head.doc), part[0].idx, part[-1].idx + len(part[-1]))
            if span[1] > span[0]:
                pieces.append(span)
    return pieces


def _adjacent_quote(ctx: Context, verb: Token) -> Quote | None:
    """A quote just before the cue clause ('"...," he said') or right after it (': "..."')."""
    clause = [t for t in verb.subtree if not ctx.in_quote(t.idx) and t.text not in QUOTE_CHARS] or [verb]
    left = min(t.idx for t in clause)
    right = max(t.idx + len(t) for t in clause)
    text = ctx.article.text
    block = ctx.article.block_at(verb.idx)
    if block is None:
        return None
    in_block = ctx.quotes_between(block.start, block.end)
    before = [q for q in in_block if q.end <= left]
    after = [q for q in in_block if q.start >= right]
    if before and not text[before[-1].end:left].strip(" ,.—–-:\n") and "\n" not in text[before[-1].end:left]:
        return before[-1]
    ends_sentence = text[right - 1:right] in ".!?"  # "X argued over Y. "..." he said": not X's
    if after and not ends_sentence and not text[right:after[0].start].strip(" ,:—–-"):
        return after[0]
    own_end = cues.cue_span(verb)[1]
    right_after = ctx.next_quote(own_end, block.end)
    if right_after is not None and not text[own_end:right_after.start].strip(" ,:") \
            and right_after.n_words(text) >= _MIN_QUOTE_WORDS:
        return right_after  # 'She declared "What a night for us!" and said ...': the clause goes on past the quote
    last = [q for q in in_block if q.end <= verb.idx]
    if last and _gap_speaker(ctx, last[-1].end, verb) is not None:
        return last[-1]  # '"...," Tulsa police Chief Chuck Jordan said' with a broken parse
    return _quote_after_colon(ctx, block, right)


def _quote_after_colon(ctx: Context, block, right: int) -> Quote | None:
    """'Her adviser, Jake Sullivan, said:' ending its paragraph, and the next paragraph opening
    with a quote: that quote is what was said."""
    text = ctx.article.text
    if (text[:right].rstrip() + text[right:block.end].strip())[-1:] != ":" or text[right:block.end].strip(" :\n"):
        return None
    nxt = next((b for b in ctx.article.blocks if b.start >= block.end and not b.is_boilerplate
                and text[b.start:b.end].strip()), None)
    if nxt is None:
        return None
    q = next(iter(ctx.quotes_between(nxt.start, nxt.end)), None)
    return q if q is not None and not text[nxt.start:q.start].strip() else None


#: A name phrase between a closing quote and its verb is at most this many tokens:
#: "Tulsa police Chief Chuck Jordan" is 5; longer gaps are clauses, not speakers.
_MAX_GAP_TOKENS = 10
#: ... and so at most this many characters (ten long words with their spaces).
_MAX_GAP_CHARS = 150


def _gap_speaker(ctx: Context, quote_end: int, verb: Token) -> tuple[int, int] | None:
    """The noun phrase standing alone between a closing quote and the cue verb, if any."""
    if verb.idx - quote_end > _MAX_GAP_CHARS:
        return None
    span = ctx.doc.char_span(quote_end, verb.idx, alignment_mode="contract")
    if span is None:
        return None
    words = [t for t in span if not t.is_punct and not t.is_space]
    # a capitalised "verb" here is a name the tagger misread ("Tulsa police Chief ...")
    if not words or len(words) > _MAX_GAP_TOKENS or any(
            t.pos_ in ("VERB", "AUX") and not t.is_title for t in words):
        return None
    if not any(t.pos_ in ("PROPN", "NOUN", "PRON") for t in words):
        return None
    return _trim(ctx.article.text, words[0].idx, words[-1].idx + len(words[-1]))


#: Nouns whose "with X" / "to X" names the addressee ("in an interview with X").
_ADDRESSEE_SETTINGS = ("interview", "conversation", "statement")


def find_addressee(verb: Token, content: list[tuple[int, int]]) -> tuple[int, int] | None:
    """To whom or where: 'told X', 'said to X', 'in an interview with X'."""
    def outside(tok: Token) -> bool:
        return not any(s <= tok.idx < e for s, e in content)

    if verb.lemma_ in cues.TELL_LIKE:
        for child in verb.children:
            if child.dep_ in ("dobj", "dative", "iobj") and outside(child) and child.pos_ != "PRON":
                return noun_phrase(child)
    # the verb's phrase lies in its sentence (spaCy's trees never cross one; its left and right
    # edges can be wrong in a non-projective parse): without one of the words below there, no walk
    sent = verb.sent
    lo, hi = sent.start, sent.end
    if not (verb.lemma_ in cues.SPEAK_TO and any_token(verb.doc, lo, hi, "lower", ("to",))) \
            and not any_token(verb.doc, lo, hi, "lemma", _ADDRESSEE_SETTINGS):
        return None
    for tok in verb.subtree:
        if not outside(tok):
            continue
        if tok.lower_ == "to" and tok.head.i == verb.i and verb.lemma_ in cues.SPEAK_TO:
            pobj = [c for c in tok.children if c.dep_ == "pobj"]
            if pobj:
                return noun_phrase(pobj[0])
        if tok.lemma_ in _ADDRESSEE_SETTINGS and tok.i != verb.i:
            for w in tok.children:
                if w.lower_ in ("with", "to") and w.dep_ == "prep":
                    pobj = [c for c in w.children if c.dep_ == "pobj"]
                    if pobj:
                        return noun_phrase(pobj[0])
    return None


def noun_phrase(head: Token) -> tuple[int, int]:
    """A noun phrase with its modifiers but without relative clauses or trailing appositions."""
    keep = [t for t in head.subtree if not _in_clause(t, head)]
    return _trim(doc_text(head.doc), min(t.idx for t in keep), max(t.idx + len(t) for t in keep))


#: Adverbs that mark the writer's own inference after reported speech ("..., likely wanting
#: to avoid ..."): a trailing clause holding one is the writer's, not the speaker's.
_INFERENCE = {"likely", "probably", "apparently", "presumably", "perhaps", "possibly", "seemingly"}


def _writer_inference(verb: Token) -> bool:
    """True for a participle cue the writer infers ("..., likely wanting to avoid blowback",
    "apparently referring to the ad"): the writer's guess at a motive, not an act of the
    source's. On PolNeAR train 1 such row in 5 was right."""
    return verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl", "xcomp") and any(
        c.dep_ == "advmod" and c.lower_ in _INFERENCE for c in verb.children)


def drop_writer_inference(doc: Doc, start: int, end: int) -> int:
    """The content's end, cut before a trailing participle clause of the writer's inference."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return end
    for tok in span:
        if tok.dep_ == "advcl" and tok.tag_ == "VBG":
            if any(c.lower_ in _INFERENCE for c in tok.children):
                first = min(t.idx for t in tok.subtree)
                return _trim(doc_text(doc), start, first)[1]
    return end


def _with_quote_kind(ctx: Context, cand: Candidate) -> Candidate:
    """Direct when the content is a quote, mixed when it holds a partial quote; quotes widened."""
    if cand.kind == "reference":
        return _quote_after_sentence(ctx, cand)
    quoted = {(q.start, q.end): q for q in ctx.quotes_between(cand.content[0][0], cand.content[-1][1])}
    if cand.kind == "direct" and len(cand.content) > 1 and all(p in quoted for p in cand.content):
        cand.quote = quoted[cand.content[0]]
        return cand  # '"X," she said, "Y."': a quote in pieces around its cue
    s, e = cand.content[0][0], cand.content[-1][1]
    if cand.kind == "indirect":
        e = drop_writer_inference(ctx.doc, s, e)
        cand.content = cand.content[:-1] + [(cand.content[-1][0], e)] if len(cand.content) > 1 else [(s, e)]
    for q in ctx.quotes_between(s, e + 1):  # a quote the content stops just short of ('"too little,' he added)
        if s <= q.start < e < q.end and (q.end <= e + _CLOSING_SLACK or _cut_inside(ctx, q, e)):
            e = q.end
            cand.content[-1] = (cand.content[-1][0], e)
    quote = ctx.quote_covering(s, e)
    if quote is None:
        if cand.cue_token is not None and cand.cue_token.pos_ == "VERB" and cues.is_speech(cand.cue_token):
            more = _continuation(ctx, cand.cue_token, e)
            if more:  # 'X is Y, Schiff said. "And Z."': the quote goes on with the statement
                cand.content += more
                cand.kind = "mixed"
        return _quote_after_sentence(ctx, cand)
    qs, qe = quote.start, quote.end
    if qs <= s + _MARK_SLACK and qe >= e - _MARK_SLACK or (min(e, qe) - max(s, qs)) > _QUOTED_SHARE * (e - s):
        cand.content = [(qs, qe)] if cand.kind != "direct" else cand.content
        cand.kind, cand.quote = "direct", quote
        cand.content = [(min(qs, cand.content[0][0]), max(qe, cand.content[-1][1]))]
        if cand.cue_token is not None and len(cand.content) == 1:
            cand.content += _continuation(ctx, cand.cue_token, qe) if qe <= cand.cue_token.idx \
                else _quote_chain(ctx, quote)
        if cand.speaker and qs <= cand.speaker[0] and cand.speaker[1] <= qe:
            cand.speaker = None  # a "speaker" inside the quote is a word of the quote
    else:
        cand.kind = "mixed"
        if cand.cue_token is not None and cand.cue_token.pos_ == "VERB":
            cand.content += _continuation(ctx, cand.cue_token, cand.content[-1][1])
    return cand


def _quote_after_sentence(ctx: Context, cand: Candidate) -> Candidate:
    """'Clinton touted her credentials as a co-sponsor. "We need to find ways ..."': a speech
    verb's content that ends its sentence goes on with the quote opening the next sentence of
    the paragraph, when that quote has no cue of its own (PolNeAR train's contents take it)."""
    verb = cand.cue_token
    if verb is None or verb.pos_ != "VERB" or not cues.is_speech(verb) or not cand.content:
        return cand
    text = ctx.article.text
    e = cand.content[-1][1]
    block = ctx.article.block_at(verb.idx)
    if e <= verb.idx or block is None or e > verb.sent.end_char:
        return cand
    sent_end = verb.sent.end_char
    rest = text[e:sent_end]
    if rest.strip(" .!?\"'”’\n") or not (rest.strip() or text[e - 1:e] in ".!?"):
        return cand  # the content stops before its sentence does, or the sentence has no stop
    nxt = ctx.next_quote(sent_end, block.end)
    if nxt is None or text[sent_end:nxt.start].strip() or _has_own_cue(ctx, nxt):
        return cand
    cand.content = cand.content + [(nxt.start, nxt.end)]
    cand.kind = "mixed"
    return cand


def _cut_inside(ctx: Context, q: Quote, end: int) -> bool:
    """True when a content ending at ``end`` stops inside the quote ``q`` because the parser
    ended the sentence inside the marks ('has said that he would "carpet-bomb them into
    oblivion. I don't know if ..."'): the speaker's quoted words go on to the closing mark,
    and PolNeAR train's contents take them whole. Only for a closed quote, after a word."""
    return q.closed and ctx.article.text[end - 1:end].isalnum() and ctx.doc.char_span(
        end, q.end, alignment_mode="expand") is not None and any(
        t.is_sent_start for t in ctx.doc.char_span(end, q.end, alignment_mode="expand"))


def cue_nouns(ctx: Context) -> list[Candidate]:
    """Candidates anchored on a cue noun with an owner: "[his] claim [that ...]",
    "[the senator's] criticism [of the plan]"."""
    out = []
    doc = ctx.doc
    for i in token_indices(doc, "pos", "NOUN"):  # a cue noun is a NOUN (cues.is_cue_noun)
        tok = doc[i]
        if not cues.is_cue_noun(tok) or ctx.in_boilerplate(tok.idx) or ctx.in_quote(tok.idx):
            continue
        learned = cues.learned_relation(tok)
        owner = _noun_owner(tok)
        if learned is None or owner is None:
            continue
        content = [_rest_of_phrase(tok, learned[1])]
        if content[0][0] >= content[0][1]:
            continue  # the phrase is punctuation alone
        cue = (tok.idx, tok.idx + len(tok))
        cand = Candidate(cue=cue, content=content, kind="indirect" if "comp" in learned[0] or learned[0] == "acl"
                         else "reference", cue_token=tok, line=ctx.line_of(tok.idx),
                         speaker=_outside_quotes(ctx, speaker_span(owner, content, cue), owner),
                         speaker_token=owner)
        out.append(_with_quote_kind(ctx, cand))
    return out


def _noun_owner(noun: Token) -> Token | None:
    """Whose claim or statement: the possessive ("his", "Trump's") or "by"/"from" X."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


#: "WALLACE: ..." — a transcript line: a name in capitals, a colon, then the words.
_TRANSCRIPT = re.compile(r"[\"“]?([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):\s+(\S)")
#: Speaker labels that are not a person's name.
_NOT_SPEAKERS = {"Q", "A", "UPDATE", "NOTE", "EDITOR'S NOTE", "CORRECTION", "WATCH", "READ", "PHOTO", "VIDEO"}


def transcript_lines(ctx: Context) -> list[Candidate]:
    """Paragraphs of a transcript: 'PENCE: Well, the question really should be ...'."""
    text = ctx.article.text
    out = []
    for block in ctx.article.blocks:
        if block.is_boilerplate:
            continue
        m = _TRANSCRIPT.match(text, block.start, block.end)
        if m is None or m.group(1).strip(".") in _NOT_SPEAKERS or len(m.group(1)) < 2:
            continue
        start, end = _trim(text, m.start(2), block.end)
        if len(text[start:end].split()) < _MIN_QUOTE_WORDS:
            continue
        colon = m.end(1)
        out.append(Candidate(cue=(colon, colon + 1), content=[(start, end)], kind="direct",
                             speaker=(m.start(1), m.end(1)), line=block.line))
    return out


# ---------------------------------------------------------------- finder 2: according to

def according_to(ctx: Context) -> list[Candidate]:
    """'According to X, CONTENT' and 'CONTENT, according to X'."""
    out = []
    doc = ctx.doc
    for i in token_indices(doc, "lower", "according"):
        tok = doc[i]
        if ctx.in_boilerplate(tok.idx):
            continue
        # the "to" after "according" only: a misparse can hang another sentence's "to" before it
        to = next((c for c in tok.children if c.lower_ == "to" and c.i > tok.i), None)
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        if to is None and nxt is not None and nxt.lower_ == "to":
            to = nxt
        if to is None:
            continue
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            continue
        phrase = set(t.i for t in tok.subtree) | set(t.i for t in to.subtree) | {tok.i, to.i}
        sent = tok.sent
        tokens = [t for t in sent if t.i not in phrase]
        while tokens and (tokens[0].dep_ in ("cc", "punct") or tokens[0].is_space):
            tokens = tokens[1:]  # "But according to X, ..." keeps neither "But" nor the comma
        if not tokens:
            continue
        start, end = _trim(doc_text(ctx.doc), min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens))
        if end - start < _MIN_ACCORDING_CHARS:
            continue
        cue = (tok.idx, to.idx + len(to))
        spk = _according_speaker(source, cue)
        cand = Candidate(cue=cue, content=[(start, end)], kind="indirect", speaker=spk,
                         speaker_token=source, cue_token=tok, line=ctx.line_of(tok.idx))
        out.append(_with_quote_kind(ctx, cand))
    return out


def _according_speaker(source: Token, cue: tuple[int, int]) -> tuple[int, int]:
    """The source of "according to X": X's whole noun phrase ("figures from the exporters'
    association", whose owner ``entities`` takes for the source). The phrase lies outside the
    content's words, so only the cue bounds it (the content's outer offsets may run over it)."""
    return speaker_span(source, [], cue)


# ---------------------------------------------------------------- finder 3: quotes with no cue

def quotes_without_cue(ctx: Context, found: list[Candidate]) -> list[Candidate]:
    """Quotes no cue claimed: dash or colon layouts, and quote paragraphs that inherit a speaker."""
    claimed = list(found)
    out: list[Candidate] = []
    covered: set[int] = set()
    for c in claimed:
        _mark_covered(ctx, c, covered)
    for q in ctx.quotes:
        if ctx.in_boilerplate(q.start) or q.start in covered:
            continue
        cand = _dash_or_colon(ctx, q) or _inherited(ctx, q, claimed + out) \
            or _continued_forward(ctx, q, claimed) or _quoted_phrase(ctx, q)
        if cand is not None:
            out.append(cand)
            _mark_covered(ctx, cand, covered)
    return out


def _mark_covered(ctx: Context, cand: Candidate, covered: set[int]) -> None:
    """Add to ``covered`` (by start offset) the quotes this candidate's content holds over half of."""
    for s, e in cand.content:
        for q in ctx.quotes_between(s, e):
            if min(e, q.end) - max(s, q.start) > _COVERED_SHARE * (q.end - q.start):
                covered.add(q.start)


def _dash_or_colon(ctx: Context, q: Quote) -> Candidate | None:
    """'"..." — Name' and 'Name: "..."': a name beside the quote with no verb."""
    text = ctx.article.text
    after = text[q.end:q.end + _SIGNATURE_REACH]
    stripped = after.lstrip(" ,\xa0\u2009\u202f")
    if stripped[:1] in DASHES and q.n_words(text) >= _MIN_QUOTE_WORDS:
        dash = q.end + len(after) - len(stripped)
        name = _entity_at(ctx, dash + 1, forward=True)
        span = (name.start_char, name.end_char) if name is not None else _signature(ctx, dash + 1)
        if span is not None:
            return Candidate(cue=(dash, dash + 1), content=[(q.start, q.end)], kind="direct", speaker=span,
                             speaker_token=name.root if name is not None else None, quote=q, line=q.line,
                             speaker_via=None if name is not None else "name")
    before = text[max(0, q.start - 3):q.start]
    if ":" in before and q.n_words(text) >= _MIN_QUOTE_WORDS:
        colon = text.rfind(":", 0, q.start)
        name = _entity_at(ctx, colon, forward=False)
        if name is not None:
            return Candidate(cue=(colon, colon + 1), content=[(q.start, q.end)], kind="direct",
                             speaker=(name.start_char, name.end_char), speaker_token=name.root,
                             quote=q, line=q.line)
        return _verb_before_colon(ctx, q, colon)
    return None


def _verb_before_colon(ctx: Context, q: Quote, colon: int) -> Candidate | None:
    """'She addressed the supporters again: "..."', 'the headline reads: "..."': the verb of
    the clause the colon ends introduces the quote, and its subject is the speaker."""
    span = ctx.doc.char_span(colon, colon + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    prev = ctx.doc[span.start - 1]
    verb = prev if prev.pos_ == "VERB" else next(
        (a for a in prev.ancestors if a.pos_ == "VERB" and a.sent.start == prev.sent.start), None)
    if verb is None or ctx.in_quote(verb.idx) or cues.is_non_cue(verb) or cues.is_idiom(verb):
        return None
    subject = find_subject(verb)
    if subject is None or ctx.in_quote(subject.idx) or subject.idx > verb.idx or subject.lower_ in ("it", "this", "that"):
        return None
    cue = cues.cue_span(verb)
    return Candidate(cue=cue, content=[(q.start, q.end)], kind="direct", cue_token=verb, quote=q, line=q.line,
                     speaker=_outside_quotes(ctx, speaker_span(subject, [(q.start, q.end)], cue), subject),
                     speaker_token=subject)


#: A signature after a dash ('"..." ― Carla Sanchez.') is at most this many words: a name
#: with a middle name and a particle; longer text after a dash is a clause, not a signature.
_MAX_SIGNATURE_WORDS = 5


def _signature(ctx: Context, offset: int) -> tuple[int, int] | None:
    """A name the tagger missed that signs a quote from a dash to its paragraph's end: one to
    _MAX_SIGNATURE_WORDS capitalised words and nothing else."""
    block = ctx.article.block_at(offset)
    if block is None:
        return None
    start, end = _trim(ctx.article.text, offset, block.end)
    while end > start and ctx.article.text[end - 1] == ".":
        end -= 1
    words = ctx.article.text[start:end].split()
    if not 0 < len(words) <= _MAX_SIGNATURE_WORDS or not all(w[:1].isupper() and w.strip(".,").isalpha()
                                                               for w in words):
        return None
    return start, end


def _entity_at(ctx: Context, offset: int, forward: bool) -> SpacySpan | None:
    """A PERSON/ORG entity right after (or right before) an offset."""
    for ent in doc_ents(ctx.doc):
        if ent.label_ not in ("PERSON", "ORG", "NORP"):
            continue
        gap = ctx.article.text[offset:ent.start_char] if forward else ctx.article.text[ent.end_char:offset]
        if (ent.start_char >= offset if forward else ent.end_char <= offset) and not gap.strip():
            return ent
    return None


#: A paragraph of quote alone continues the speaker before it from this many words when the
#: quote ends a sentence inside its marks ('"Absolutely not."'); a shorter or unpunctuated
#: quote paragraph (a title, a slogan) must have _MIN_INHERIT_WORDS. Set by hand (a one-word
#: sentence is as often a cheer as a reply); checked on 100 PolNeAR train articles, where the
#: carried rows it adds keep quoted recall and speaker accuracy up, not on dev.
_MIN_SENTENCE_WORDS = 2
_MIN_INHERIT_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»]*\s*$")


def _opens_own_paragraph(ctx: Context, q: Quote, previous: list[Candidate]) -> bool:
    """A quote paragraph with no cue: the quote is the paragraph, or opens it with a whole
    sentence and nothing else in the paragraph is attributed ('"We sailed." The crew was calm.')."""
    text = ctx.article.text
    n = q.n_words(text)
    sentence = q.closed and bool(_SENTENCE_END.search(text, q.start, q.end))
    if n < (_MIN_SENTENCE_WORDS if sentence else _MIN_INHERIT_WORDS):
        return False
    if q.whole_block:
        return True
    block = ctx.article.block_at(q.start)
    if block is None or not sentence or _first_char(text, block.start) != q.start:
        return False
    rest = _first_char(text, q.end)
    return rest < block.end and text[rest].isupper() and not any(
        c.content and block.start <= c.content[0][0] < block.end for c in previous)


_NON_SPACE = re.compile(r"\S")


def _first_char(text: str, offset: int) -> int:
    """The offset of the first character after ``offset`` that is not a space."""
    m = _NON_SPACE.search(text, offset)
    return m.start() if m else len(text)


def _inherited(ctx: Context, q: Quote, previous: list[Candidate]) -> Candidate | None:
    """A paragraph that opens with a quote and has no cue takes the speaker of the
    attribution in the paragraph before."""
    if not _opens_own_paragraph(ctx, q, previous):
        return None
    block = ctx.article.block_at(q.start)
    prev_blocks = [b for b in ctx.article.blocks if b.end <= block.start and b.kind != "boilerplate"]
    if not prev_blocks:
        return None
    prev = prev_blocks[-1]
    before = [c for c in previous if c.speaker and c.content and prev.start <= c.content[0][0] < prev.end]
    if not before:
        return None
    src = max(before, key=lambda c: c.content[0][0])
    root = src.inherited_from or src
    return Candidate(cue=(q.start, q.start + 1), content=[(q.start, q.end)], kind="direct",
                     speaker=root.speaker, speaker_token=root.speaker_token, quote=q,
                     inherited_from=root, line=q.line)


def _quoted_phrase(ctx: Context, q: Quote) -> Candidate | None:
    """Someone's words quoted inside the writer's sentence, with no speech verb: "Cruz exhorted
    Republicans to 'vote your conscience'", "Reid has gone after Trump as a 'human leech'".
    The verb governing the quote is the cue and its subject the speaker (a mixed attribution)."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="contract")
    if span is None or q.whole_block or not len(span):
        return None
    verb = span.root
    while verb.pos_ != "VERB" or ctx.in_quote(verb.idx):
        if verb.head.i == verb.i:
            return None
        verb = verb.head
    if cues.is_non_cue(verb) or cues.is_idiom(verb):
        return None  # 'picked up the award for "The Long Road"': a title, not someone's words
    subject = find_subject(verb)
    if subject is None or ctx.in_quote(subject.idx) or subject.pos_ == "PRON" and subject.lower_ == "it":
        return None
    head = next((c for c in verb.rights if q.start <= max(t.idx for t in c.subtree)), None)
    if head is None or head.dep_ in _NOT_CONTENT:
        return None
    obj = next((c for c in verb.rights if c.dep_ == "dobj" and c.i < head.i), None)
    head = obj or head  # "heralded [the deal as a 'breakthrough']": the object is what was heralded
    content = [_shed_aside(ctx, verb, _rest_of_phrase(verb, head))]
    if content[0][0] >= content[0][1]:
        return None  # the phrase is punctuation alone
    cue = cues.cue_span(verb)
    return Candidate(cue=cue, content=content, kind="mixed", cue_token=verb, line=q.line,
                     speaker=_outside_quotes(ctx, speaker_span(subject, content, cue), subject),
                     speaker_token=subject, quote=q)


def _continued_forward(ctx: Context, q: Quote, found: list[Candidate]) -> Candidate | None:
    """A quote left open at its paragraph's end takes the speaker of the paragraph that
    continues it ('"... build.' / '"We can ...," Keller said.')."""
    if q.closed:
        return None
    following = [c for c in found if c.speaker and c.content and c.kind in ("direct", "mixed")
                 and c.content[0][0] > q.end and c.line is not None]
    if not following:
        return None
    nxt = min(following, key=lambda c: c.content[0][0])
    if ctx.article.text[q.end:nxt.content[0][0]].strip():
        return None  # something else stands between the two paragraphs
    return Candidate(cue=(q.start, q.start + 1), content=[(q.start, q.end)], kind="direct",
                     speaker=nxt.speaker, speaker_token=nxt.speaker_token, quote=q,
                     inherited_from=nxt, line=q.line)


# ---------------------------------------------------------------- write

#: Two contents are one statement when each overlaps the other by more than this share.
_SAME_CONTENT = 0.8


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per content and per cue; the longer content wins. Kept contents sit in a
    list sorted by start, so each check looks only at the ones that could overlap that much."""
    cands = sorted(cands, key=lambda c: -(c.content[-1][1] - c.content[0][0]) if c.content else 0)
    kept: list[Candidate] = []
    cues_kept: set[tuple[int, int]] = set()
    by_start: list[tuple[int, int]] = []  # (start, end) of kept contents, sorted
    for c in cands:
        if c.cue and c.cue in cues_kept:
            continue
        if c.content:
            s, e = c.content[0][0], c.content[-1][1]
            # a kept content this similar starts within one length of ours (it is not longer
            # than 1/0.8 of ours, and overlaps 80% of itself)
            lo = bisect.bisect_left(by_start, (s - (e - s), -1))
            hi = bisect.bisect_right(by_start, (e, e))
            if any(min(e, ke) - max(s, ks) > _SAME_CONTENT * max(e - s, ke - ks)
                   for ks, ke in by_start[lo:hi]):
                continue
            bisect.insort(by_start, (s, e))
        kept.append(c)
        if c.cue:
            cues_kept.add(c.cue)
    return kept


def write(ctx: Context, cands: list[Candidate]) -> list[Attribution]:
    """Attribution records from candidates, with spans taken from the article text."""
    text = ctx.article.text
    out = []
    cands = [c for c in cands if not c.content or any(s < e for s, e in c.content)]
    for n, c in enumerate(cands, start=1):
        content = Content.of_pieces(text, c.content) if c.content else None
        inside = ctx.quotes_between(content.start, content.end) if content else []
        insertions = [i for q in inside for i in q.insertions
                      if any(s <= i[0] and i[1] <= e for s, e in content.spans)]
        speaker = Speaker.of(text, *c.speaker) if c.speaker else None
        out.append(Attribution(
            id=f"a{n}", kind=c.kind, speaker=speaker,
            cue=Span.of(text, *c.cue) if c.cue else None, content=content,
            insertions=insertions, addressee=Span.of(text, *c.addressee) if c.addressee else None,
            line=c.line, cue_token=c.cue_token,
            speaker_via=c.speaker_via or speaker_via(ctx, c)))
    return out


def speaker_via(ctx: Context, c: Candidate) -> str:
    """How a candidate's speaker was found, from its tokens (records.SPEAKER_VIA): carried
    over from another attribution, a pronoun, a name (a proper noun or a named entity), a
    title standing for a person ("Mayor", "the Senator"), or another noun phrase."""
    if c.speaker is None:
        return "none"
    if c.inherited_from is not None:
        return "carried"
    span = ctx.doc.char_span(c.speaker[0], c.speaker[1], alignment_mode="expand")
    if span is None or not len(span):
        return "nominal"
    root = span.root
    if root.pos_ == "PRON" or root.lower_ in PRONOUNS:
        return "pronoun"
    if any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in span):
        return "name"
    if root.is_title and root.i != root.sent.start:
        return "title"
    return "nominal"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without leading/trailing spaces and clause punctuation."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end
