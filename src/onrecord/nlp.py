"""The one place the spaCy pipeline is loaded, and the ``onrecord`` spaCy component.

``load()`` is the only call in onrecord that loads a pipeline; the pipeline's name comes from
``settings.model_name`` (``--model`` / ONRECORD_MODEL), so a user with the official
``en_core_web_sm`` or ``en_core_web_trf`` can switch without touching code.
"""
from __future__ import annotations

import bisect
import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import settings
from .errors import ModelError

_EXTENSIONS = ("attributions", "onrecord_entities", "timexes", "claims", "onrecord_article",
               "onrecord_report")
for _name in _EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


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


def load(model: str | None = None) -> Language:
    """The spaCy pipeline named by the settings, with the onrecord components added."""
    return _load_named(settings.model_name(model))


@functools.lru_cache(maxsize=4)
def _load_named(name: str) -> Language:
    """Load one named pipeline once per process (cached by its resolved name)."""
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError) as exc:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed ({exc.__class__.__name__}); "
            "install it with pip or set ONRECORD_MODEL / --model to one that is") from None
    # spaCy refuses texts over 1,000,000 characters by default; onrecord's own input limit
    # (settings.max_bytes) is the one that applies
    nlp.max_length = max(nlp.max_length, settings.max_bytes() + 1)
    if "onrecord_paragraphs" not in nlp.pipe_names:
        first = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe("onrecord_paragraphs", before=first) if first else nlp.add_pipe("onrecord_paragraphs")
    if "onrecord" not in nlp.pipe_names:
        nlp.add_pipe("onrecord", last=True)
    return nlp


@Language.component("onrecord_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no parse runs across two paragraphs.

    Headlines, captions and paragraphs carry no final full stop often enough that the parser
    would otherwise join a headline to the first paragraph.
    """
    for tok in doc[1:]:
        if "\n" in doc[tok.i - 1].text or "\r" in doc[tok.i - 1].text:
            tok.is_sent_start = True
    return doc


@Language.factory("onrecord")
def make_onrecord(nlp: Language, name: str) -> "OnrecordComponent":
    """spaCy factory: ``nlp.add_pipe("onrecord")``."""
    return OnrecordComponent()


class OnrecordComponent:
    """Finds attributions, entities, time expressions and claims on a parsed Doc.

    Results go to ``doc._.attributions``, ``doc._.onrecord_entities``, ``doc._.timexes``,
    ``doc._.claims`` and the whole Report to ``doc._.onrecord_report``. The Doc's text is
    taken as the article unless ``doc._.onrecord_article`` was set before the call.
    """

    def __call__(self, doc: Doc) -> Doc:
        """Run every onrecord stage over one parsed Doc."""
        from .engine import run_stages

        report = run_stages(doc)
        doc._.onrecord_report = report
        doc._.attributions = report.attributions
        doc._.onrecord_entities = report.entities
        doc._.timexes = report.timexes
        doc._.claims = report.claims
        return doc
