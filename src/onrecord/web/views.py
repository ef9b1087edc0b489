"""The data behind each view, shared by the HTML pages and the JSON API.

Each function takes the store's engine and returns JSON-ready data (or None when the thing
asked for does not exist); pages render it, the API returns it as it is.
"""
from __future__ import annotations

from dataclasses import asdict, replace
from urllib.parse import urlsplit

from sqlalchemy import Engine

from ..store import queries
from . import charts, facets as facets_, highlight, listing


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
    """An article as ``onrecord analyze --format json`` gave it, plus the store's ids under
    ``store`` (``store.record.article``)."""
    return queries.article(engine, article_id)


def article_html(data: dict) -> highlight.Markup:
    """The article text as escaped HTML with every statement's content, speaker, cue and
    addressee marked at its recorded offsets, and the record's boilerplate blocks."""
    text = data["text"]
    marks = highlight.structure_marks(text, data.get("structure") or [])
    titles = {}
    for rec, ids in zip(data["attributions"], data["store"]["attributions"]):
        sid = ids["statement_id"]
        marks += highlight.record_marks(text, rec, sid)
        sp, fixed = rec.get("speaker") or {}, ids.get("corrected") or {}
        who = fixed.get("speaker") or sp.get("entity") or sp.get("text") or "unknown speaker"
        titles[sid] = f"{who}: {fixed.get('stance') or rec.get('stance')}" + (
            f" ({fixed['review']})" if fixed.get("review") else "")
    return highlight.render(highlight.pieces(text, marks), titles)


def article_cards(data: dict) -> list[dict]:
    """One card a statement for the article page: who, how, to whom, when, the claim, the words."""
    cards = []
    entries: dict[int, list[dict]] = {}
    for c in data.get("corrections") or []:
        entries.setdefault(c["statement_id"], []).append(c)
    for rec, ids in zip(data["attributions"], data["store"]["attributions"]):
        sp, when = rec.get("speaker") or {}, rec.get("when")
        content, addressee, cue = rec.get("content"), rec.get("addressee"), rec.get("cue")
        fixed = ids.get("corrected") or {}
        mine = entries.get(ids["statement_id"], [])
        rejecter = next((c["by"] for c in reversed(mine) if c["action"] == "reject" and c["undone_by"] is None), None)
        cards.append({
            "id": ids["statement_id"], "local_id": rec.get("id"), "speaker": sp.get("text"),
            "entity": sp.get("entity") or sp.get("text"), "entity_id": ids.get("entity_id"),
            "stance": rec.get("stance"), "hedged": bool(rec.get("hedged")), "kind": rec.get("kind"),
            "cue": cue["text"] if cue else None, "addressee": addressee["text"] if addressee else None,
            "when": when["text"] if when else None, "when_value": when.get("value") if when else None,
            "claim_id": ids.get("claim_id"), "words": content["text"] if content else "",
            "anchored": bool(content)})
        card = cards[-1]
        if fixed:  # people's corrections: the corrected values, the engine's kept beside
            engine = {"engine_entity": card["entity"], "engine_stance": card["stance"], "engine_kind": card["kind"]}
            card.update({"entity": fixed.get("speaker"), "entity_id": fixed.get("entity_id"),
                         "stance": fixed.get("stance"), "kind": fixed.get("kind")})
            if (card["entity"], card["stance"], card["kind"]) != tuple(engine.values()):
                card.update(engine)
        card.update({"review": fixed.get("review"), "rejected_by": rejecter,
                     "corrections": [dict(c, shown=correction_text(c)) for c in mine]})
    return cards


def correction_text(c: dict) -> str:
    """'speaker: Mara Quell -> Nina Brandt' for one log entry (plain text; the page escapes it)."""
    def show(v):
        if isinstance(v, dict):
            return v.get("name") or "unknown"
        return "not reviewed" if v is None else str(v)
    if c["action"] == "note":
        return f"note: {c['after']}"
    if c["action"] == "undo":
        return f"undo of correction {c['undoes']}"
    return f"{c['action']}: {show(c['before'])} -> {show(c['after'])}"


def person(engine: Engine, entity_id: int, page: int, per_page: int,
           fc: facets_.Facets | None = None) -> dict | None:
    """A person or organisation, aliases included, and a page of their statements by date
    (those passing the filters ``fc``), with the stance facet of those statements."""
    fc = (fc or facets_.Facets()).check("statements")
    found = listing.person(engine, entity_id, page, per_page, fc.filters(), fc.sort)
    if found is None:
        return None
    data = asdict(found)
    data["filters"] = fc.given
    with engine.connect() as conn:  # the chart over all their statements (web/charts.py)
        data["chart"] = {"months": charts.person_months(conn, entity_id)}
    return data


def claim(engine: Engine, claim_id: int, page_no: int = 1, per_page: int = listing.MAX_PER_PAGE) -> dict | None:
    """A claim's timeline (``queries.timeline``): a page of its events, each with the anchor of
    its exact words; the counts and the chart's points cover every statement."""
    found = queries.timeline(engine, claim_id, offset=(page_no - 1) * per_page, limit=per_page)
    if found is None:
        return None
    data = asdict(replace(found, points=[]))  # every statement's point: once, as the chart's
    del data["points"]
    for ev in data["events"]:
        ev["anchor"] = f"/articles/{ev['article_id']}#s{ev['statement_id']}"
    data.update(page=page_no, per_page=per_page, pages=-(-found.total // per_page) or 1)
    data["chart"] = {"points": charts.claim_points(found.points)}  # drawn at /claims/{id}/chart.svg
    return data


def search(engine: Engine, q: str, limit: int, fc: facets_.Facets | None = None) -> dict:
    """Articles (full text), claims (their words and speakers) and people matching ``q``;
    ``fc`` keeps articles and claims of an outlet and a date span, claims of a status."""
    fc = (fc or facets_.Facets()).check("search")
    f = fc.filters()
    with engine.connect() as conn:
        hits = [asdict(h) for h in queries.search(conn, q, limit, f)]
        found_claims = [asdict(c) for c in queries.list_claims(conn, about=q, status=f.status, limit=limit,
                                                               outlet=f.outlet, since=f.since, until=f.until)]
        people = [asdict(e) for e in queries.find_entities(conn, q)[:limit]]
    return {"query": q, "articles": hits, "claims": found_claims, "people": people, "filters": fc.given}


def articles(engine: Engine, page_no: int, per_page: int, fc: facets_.Facets) -> dict:
    """A page of the article list passing ``fc``, with its outlet facet."""
    fc.check("articles")
    f = fc.filters()
    with engine.connect() as conn:
        data = page(listing.list_articles(conn, page_no, per_page, f, fc.sort))
        data["facets"] = {"outlet": queries.article_outlets(conn, f)}
    data["filters"] = fc.given
    return data


def people(engine: Engine, page_no: int, per_page: int, fc: facets_.Facets, kind: str | None = None) -> dict:
    """A page of the people list: of an entity type ``kind``, with a statement passing ``fc``."""
    fc.check("people")
    data = page(listing.list_entities(engine, page_no, per_page, fc.filters(), fc.sort, kind))
    data["filters"] = {**fc.given, **({"type": kind} if kind else {})}
    return data


def claims(engine: Engine, page_no: int, per_page: int, fc: facets_.Facets, changed_since: str | None = None) -> dict:
    """A page of the claim list passing ``fc`` (and changed since a date)."""
    fc.check("claims")
    facets_.check_date("changed_since", changed_since)
    f = fc.filters()
    data = page(listing.list_claims(engine, page_no, per_page, f.status, outlet=f.outlet, since=f.since,
                                    until=f.until, changed_since=changed_since, sort=fc.sort, stance=f.stance))
    data["filters"] = {**fc.given, **({"changed_since": changed_since} if changed_since else {})}
    return data


def page(found: listing.Page) -> dict:
    """A listing page as JSON-ready data."""
    data = {"items": [asdict(i) for i in found.items], "page": found.page, "per_page": found.per_page,
            "total": found.total, "pages": found.pages}
    if found.facets:
        data["facets"] = found.facets
    return data


def home(engine: Engine) -> dict:
    """Store counts and the first few articles, people and claims."""
    with engine.connect() as conn:
        claims = page(listing.list_claims(conn, 1, 8))
        # "most reported" is a claim with two independent sources or a dispute, never merely the largest
        claims["items"] = [c for c in claims["items"] if c["most_reported"]]
        return {"stats": queries.stats(conn), "articles": page(listing.list_articles(conn, 1, 8)),
                "people": page(listing.list_entities(conn, 1, 8)), "claims": claims}
