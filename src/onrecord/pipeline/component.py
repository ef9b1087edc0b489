"""The ``onrecord`` spaCy component: every stage over one parsed Doc, one Report.

Results go to ``doc._.attributions``, ``doc._.onrecord_entities``, ``doc._.timexes``,
``doc._.claims`` and the whole Report to ``doc._.onrecord_report``.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from onrecord.inputs.article import from_text
from onrecord.pipeline import attribution, confidence, entities, stance, timex
from onrecord.records import span_errors
from onrecord.report import Report


class SpanContractError(RuntimeError):
    """A stage wrote a span that breaks the offsets contract (a bug in onrecord)."""


_EXTENSIONS = ("attributions", "onrecord_entities", "timexes", "claims", "onrecord_article",
               "onrecord_report")
for _name in _EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def run_stages(doc: Doc) -> Report:
    """Attributions, entities, time expressions, stance, act and confidence, and claims over
    one parsed Doc."""
    article = doc._.onrecord_article or from_text(doc.text)
    warnings = timex.check_published(article)
    attrs = attribution.find_attributions(doc, article)
    ents = entities.resolve(doc, attrs)
    timexes = timex.find_timexes(doc, article)
    timex.assign_when(attrs, doc, article, timexes)
    stance.assign(attrs, doc)
    confidence.assign_acts(attrs, doc)
    confidence.assign(attrs, doc, article)
    claims = stance.build_claims(attrs, doc, article)
    broken = span_errors(article.text, attrs, claims)
    if broken:  # a bug in a stage, never the input's fault: say where, never return it
        raise SpanContractError(f"{article.doc_id}: " + "; ".join(broken[:3]))
    return Report(article=article, attributions=attrs, entities=ents, timexes=timexes,
                  claims=claims, warnings=warnings, doc=doc)


@Language.factory("onrecord")
def make_onrecord(nlp: Language, name: str) -> "OnrecordComponent":
    """spaCy factory: ``nlp.add_pipe("onrecord")``."""
    return OnrecordComponent()


class OnrecordComponent:
    """Finds attributions, entities, time expressions and claims on a parsed Doc.

    The Doc's text is taken as the article unless ``doc._.onrecord_article`` was set before
    the call.
    """

    def __call__(self, doc: Doc) -> Doc:
        """Run every onrecord stage over one parsed Doc."""
        report = run_stages(doc)
        doc._.onrecord_report = report
        doc._.attributions = report.attributions
        doc._.onrecord_entities = report.entities
        doc._.timexes = report.timexes
        doc._.claims = report.claims
        return doc
