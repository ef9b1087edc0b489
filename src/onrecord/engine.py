"""The per-article function: one parse, every stage, one Report.

``analyze`` is the library's entry point and every engine on top (store, web, batch) calls
it; the stages themselves run in the spaCy component (``pipeline/component.py``), so one
article is always one unit of work: a pure function from input to Report.
"""
from __future__ import annotations

from onrecord.inputs import language
from onrecord.inputs.article import Article, from_html, from_text, looks_like_html
from onrecord.pipeline import nlp as nlp_module
from onrecord.report import Report


def analyze(text_or_html: str | bytes, *, published: str | None = None, url: str | None = None,
            doc_id: str = "article", model: str | None = None) -> Report:
    """Analyse one article (plain text or HTML) and return its Report.

    >>> report = analyze('"We will win," the mayor said on Monday.', published="2024-05-08")
    >>> report.attributions[0].speaker.text
    'the mayor'
    """
    article = to_article(text_or_html, published=published, url=url, doc_id=doc_id)
    return analyze_article(article, model=model)


def to_article(text_or_html: str | bytes, *, published: str | None = None, url: str | None = None,
               doc_id: str = "article") -> Article:
    """An Article from a string or bytes: HTML when it looks like HTML, else plain text."""
    if isinstance(text_or_html, bytes):
        from onrecord.inputs.readers import read_bytes
        return read_bytes(text_or_html, name=doc_id, doc_id=doc_id, published=published, url=url)
    if looks_like_html(text_or_html[:2048].encode("utf-8", "replace")):
        return from_html(text_or_html, doc_id=doc_id, url=url, published=published, source=doc_id)
    return from_text(text_or_html, doc_id=doc_id, published=published, url=url)


def analyze_article(article: Article, *, model: str | None = None) -> Report:
    """Parse the article once and run every stage over the parse.

    An article not in English (``inputs.language``) is not parsed: its Report has no rows
    and a warning saying why, since English cues read over another language give garbage.
    Warnings from reading the article (``Article.warnings``) come first in the Report's.
    """
    if not english(article):
        return Report(article=article, warnings=list(article.warnings))
    pipeline = nlp_module.load(model)
    doc = pipeline.make_doc(article.text)
    doc._.onrecord_article = article
    for _name, proc in pipeline.pipeline:
        doc = proc(doc)
    report = doc._.onrecord_report
    report.warnings = list(article.warnings) + [w for w in report.warnings if w not in article.warnings]
    return report


def english(article: Article) -> bool:
    """Set the article's language (unless the reader did) and say whether it is English.

    A non-English article gets a warning in ``Article.warnings``.
    """
    if article.language is None:
        article.language, probability = language.detect(article.text)
        if article.language != language.ENGLISH:
            article.warnings.append(
                f"the text is in another language ({article.language}, probability "
                f"{probability:.2f}); onrecord reads English only, so no attributions were looked for")
    return article.language == language.ENGLISH
