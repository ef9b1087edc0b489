"""Per-Doc caches of what spaCy rebuilds on every access (the text, the entity list), and
token lookups over the Doc's arrays, so a stage looking for a few words does not create a
Token object for every word of the article."""
from __future__ import annotations

import bisect
import weakref

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.tokens import Doc, Token

from onrecord.records import Attribution


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy rebuilds the string from its tokens on every
    access, which was half of onrecord's own time on long articles."""
    text = doc.user_data.get("onrecord_text")
    if text is None:
        text = doc.user_data["onrecord_text"] = doc.text
    return text


def doc_ents(doc: Doc) -> tuple:
    """``doc.ents``, built once per Doc (spaCy builds the list anew on every access)."""
    ents = doc.user_data.get("onrecord_ents")
    if ents is None:
        ents = doc.user_data["onrecord_ents"] = tuple(doc.ents)
    return ents


_ATTRS = {"pos": POS, "dep": DEP, "lower": LOWER, "lemma": LEMMA}
#: Per Doc, its columns read so far (kept beside the Doc, not in ``user_data``, so they are never
#: serialised with it; gone with the Doc).
_COLUMNS: "weakref.WeakKeyDictionary[Doc, dict[str, numpy.ndarray]]" = weakref.WeakKeyDictionary()


def column(doc: Doc, attr: str) -> numpy.ndarray:
    """One attribute ("pos", "dep", "lower", "lemma") of every token, as ``Doc.to_array`` gives
    it (symbol ids and string hashes), read once per Doc."""
    columns = _COLUMNS.setdefault(doc, {})
    found = columns.get(attr)
    if found is None or len(found) != len(doc):
        found = columns[attr] = doc.to_array(_ATTRS[attr])
    return found


def _mask(doc: Doc, attr: str, values: tuple[str, ...]) -> numpy.ndarray:
    col = column(doc, attr)
    mask = col == doc.vocab.strings[values[0]]
    for value in values[1:]:
        mask |= col == doc.vocab.strings[value]
    return mask


def token_indices(doc: Doc, attr: str, *values: str) -> list[int]:
    """The indices, in order, of the tokens whose ``attr`` (see ``column``) is one of ``values``
    (``token_indices(doc, "pos", "VERB", "AUX")``), read from the Doc's arrays instead of
    creating a Token per word."""
    return numpy.flatnonzero(_mask(doc, attr, values)).tolist()


def any_token(doc: Doc, start: int, end: int, attr: str, values) -> bool:
    """True when a token of ``doc[start:end]`` has ``attr`` (see ``column``) among ``values``
    (strings)."""
    wanted = {doc.vocab.strings[v] for v in values}
    return not wanted.isdisjoint(column(doc, attr)[start:end].tolist())


def ents_in(doc: Doc, start: int, end: int) -> list:
    """The named entities lying inside [start, end) (character offsets), from the cached list."""
    ents = doc_ents(doc)
    starts = doc.user_data.get("onrecord_ent_starts")
    if starts is None or len(starts) != len(ents):
        starts = doc.user_data["onrecord_ent_starts"] = [e.start_char for e in ents]
    i = bisect.bisect_left(starts, start)
    out = []
    while i < len(ents) and ents[i].start_char < end:
        if ents[i].end_char <= end:
            out.append(ents[i])
        i += 1
    return out


def cue_token(attr: Attribution, doc: Doc) -> Token | None:
    """The cue's token: the one the attribution stage kept, else the root of the cue span."""
    tok = attr.cue_token
    if tok is not None and tok.doc is doc:
        return tok
    if attr.cue is None or attr.cue.start >= attr.cue.end:
        return None
    span = doc.char_span(attr.cue.start, attr.cue.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None
