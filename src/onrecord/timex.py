"""Time expressions normalised against the publication date, and when each statement was made."""
from __future__ import annotations

from spacy.tokens import Doc

from .article import Article
from .records import Attribution, Timex


def check_published(article: Article) -> list[str]:
    """Warnings about the article's publication date (none found, in the future, ...)."""
    return [] if article.published else ["no publication date: relative times are kept relative"]


def find_timexes(doc: Doc, article: Article) -> list[Timex]:
    """Every time expression in the article with its TIMEX3 value (None when unknown)."""
    return [Timex(e.text, e.start_char, e.end_char, None) for e in doc.ents if e.label_ in ("DATE", "TIME")]


def assign_when(attrs: list[Attribution], doc: Doc, article: Article, timexes: list[Timex]) -> None:
    """Set each attribution's ``when``: the time of the statement, not of what it talks about."""
    return None


def parse_published(value: str, source: str = "--published") -> str:
    """A publication date given by the user, checked: YYYY-MM-DD (or YYYY-MM-DDTHH:MM)."""
    import datetime as dt

    from .errors import DateError

    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise DateError(f"{source}: {value!r} is not a real date (expected YYYY-MM-DD)") from None
