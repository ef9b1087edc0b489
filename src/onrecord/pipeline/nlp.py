"""The one place the spaCy pipeline is loaded, with onrecord's components added.

``load()`` is the only call in onrecord that loads a pipeline; the pipeline's name comes from
``settings.model_name`` (``--model`` / ONRECORD_MODEL), so a user with the official
``en_core_web_sm`` or ``en_core_web_trf`` can switch without touching code.
"""
from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from onrecord import settings
from onrecord.errors import ModelError
from onrecord.pipeline import component  # noqa: F401  registers the "onrecord" factory


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
    after_break = False
    for tok in doc:  # one pass: each token is made once, and the one before it remembered
        if after_break:
            tok.is_sent_start = True
        text = tok.text
        after_break = "\n" in text or "\r" in text
    return doc
