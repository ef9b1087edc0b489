"""The language of an article, told by py3langid (a well-kept port of langid.py, offline).

onrecord's cues, speakers and entities are English; a page in another language gives
garbage rows, so the engine analyses only articles detected as English and says why it
skipped the others. A text too short to tell is taken for English.
"""
from __future__ import annotations

import functools

#: Texts shorter than this (characters, white space stripped) are analysed as English without
#: asking. On PolNeAR train (840 English articles) 200-character openings were read as
#: another language once, 300-character ones never; with ``MIN_PROBABILITY`` below, none of the
#: misreads at any length counted. It trades a non-English note under 200 characters being
#: analysed (a few rows at worst) for never refusing a short English article.
MIN_CHARS = 200
#: Least probability (py3langid's normalised probabilities) for a language other than English
#: to be believed. On PolNeAR train no English text or opening of 20 characters or more got
#: a non-English label at 0.9 or above, while German and French news sentences of 60-130
#: characters get 0.99; below it the text is analysed as English.
MIN_PROBABILITY = 0.9
#: Characters read to tell the language: the opening of an article. py3langid's time grows with
#: the text: on PolNeAR train (4,558 characters on average) the whole text took 18 ms an article
#: on the shared machine, a tenth of the parse, and the first 1,000 characters 4 ms, with the
#: same verdict (English) on all 840.
SAMPLE_CHARS = 1_000
ENGLISH = "en"


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid import langid

    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float | None]:
    """The article's language (ISO 639-1) and its probability; English (None) when too short."""
    sample = text[:SAMPLE_CHARS].strip()
    if len(sample) < MIN_CHARS:
        return ENGLISH, None
    language, probability = _identifier().classify(sample)
    if language != ENGLISH and probability < MIN_PROBABILITY:
        return ENGLISH, probability
    return language, probability
