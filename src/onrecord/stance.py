"""Stance of each source toward what it speaks of, and claims grouped from the attributions."""
from __future__ import annotations

from spacy.tokens import Doc

from .article import Article
from .records import Attribution, Claim


def assign(attrs: list[Attribution], doc: Doc) -> None:
    """Set each attribution's ``stance`` and ``hedged``."""
    return None


def build_claims(attrs: list[Attribution], doc: Doc, article: Article) -> list[Claim]:
    """Group the article's attributions into claims with who stands where and a status."""
    return []
