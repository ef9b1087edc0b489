"""The data behind each view, shared by the HTML pages and the JSON API.

Each function takes the store's engine and returns JSON-ready data (or None when the thing
asked for does not exist); pages render it, the API returns it as it is.
"""
from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from sqlalchemy import Engine

from ..store import queries
from . import highlight, listing


def safe_href(url: str | None) -> str | None:
    """A stored URL fit for an ``href``: http(s) only, so ``javascript:`` and ``data:`` never link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def article(engine: Engine, article_id: int) -> dict | None:
    """An article (``queries.article``) with speaker and cue offsets and its boilerplate ranges."""
    with engine.connect() as conn:
        data = queries.article(conn, article_id)
        if data is None:
            return None
        marks = listing.article_marks(conn, article_id)
    text = data["text"]
    for st in data["statements"]:
        m = marks.get(st["id"])
        speaker = highlight.valid_span(text, m.speaker_start, m.speaker_end) if m else None
        cue = highlight.find_cue(text, st.get("cue"), speaker, highlight.valid_span(text, st["start"], st["end"]))
        st.update(local_id=m.local_id if m else None, speaker_start=speaker and speaker[0],
                  speaker_end=speaker and speaker[1], cue_start=cue and cue[0], cue_end=cue and cue[1],
                  addressee=None)
    data["boilerplate"] = [[m.start, m.end] for m in highlight.boilerplate_marks(text)]
    return data


def article_html(data: dict) -> highlight.Markup:
    """The article text as escaped HTML with every statement's content, speaker and cue marked."""
    text = data["text"]
    marks = [highlight.Mark(s, e, "boilerplate") for s, e in data["boilerplate"]]
    titles = {}
    for st in data["statements"]:
        speaker = (st["speaker_start"], st["speaker_end"]) if st["speaker_start"] is not None else None
        marks += highlight.statement_marks(text, st, speaker)
        titles[st["id"]] = f"{st['entity'] or st['speaker'] or 'unknown speaker'}: {st['stance']}"
    return highlight.render(highlight.pieces(text, marks), titles)


def person(engine: Engine, entity_id: int, page: int, per_page: int) -> dict | None:
    """A person or organisation, aliases included, and a page of their statements by date."""
    found = listing.person(engine, entity_id, page, per_page)
    return asdict(found) if found is not None else None


def claim(engine: Engine, claim_id: int) -> dict | None:
    """A claim's timeline (``queries.timeline``), each event with the anchor of its exact words."""
    found = queries.timeline(engine, claim_id)
    if found is None:
        return None
    data = asdict(found)
    for ev in data["events"]:
        ev["anchor"] = f"/articles/{ev['article_id']}#s{ev['statement_id']}"
    return data


def search(engine: Engine, q: str, limit: int) -> dict:
    """Articles (full text), claims (their words and speakers) and people matching ``q``."""
    with engine.connect() as conn:
        hits = [asdict(h) for h in queries.search(conn, q, limit)]
        found_claims = [asdict(c) for c in queries.list_claims(conn, about=q, limit=limit)]
        people = [asdict(e) for e in queries.find_entities(conn, q)[:limit]]
    return {"query": q, "articles": hits, "claims": found_claims, "people": people}


def page(found: listing.Page) -> dict:
    """A listing page as JSON-ready data."""
    return {"items": [asdict(i) for i in found.items], "page": found.page, "per_page": found.per_page,
            "total": found.total, "pages": found.pages}


def home(engine: Engine) -> dict:
    """Store counts and the first few articles, people and claims."""
    with engine.connect() as conn:
        return {"stats": queries.stats(conn), "articles": page(listing.list_articles(conn, 1, 8)),
                "people": page(listing.list_entities(conn, 1, 8)), "claims": page(listing.list_claims(conn, 1, 8))}
