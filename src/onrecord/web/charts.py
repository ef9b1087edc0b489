"""Pictures drawn on the server as SVG: a person's statements over time, outlets by claims, a
claim's timeline (its sources by date, coloured by relation; ``/claims/{id}/chart.svg``, its
data ``chart.points`` in the claim's JSON).

The data and the geometry are computed here; a template (``person_chart.svg``, autoescaped
like every template) writes the numbers out as ``<rect>`` elements with a fill per stance.
The drawing is its own response (``/people/{id}/chart.svg``) shown through ``<img>``: an SVG
loaded as an image runs no script and loads nothing, the page itself holds no inline markup of
that kind, the Content-Security-Policy holds, and the person's JSON twin carries the same
data (``chart.months``). Hand-written: a bar chart of a few dozen months needs no
plotting library, and none renders SVG on the server without pulling in a browser or numpy's
plotting stack.
"""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from ..records import STANCES
from ..store import corrections
from .responses import ApiError, html

#: The drawing's size in SVG units (the page scales it to its width).
WIDTH, HEIGHT, AXIS = 640, 160, 18
#: A fill per stance: assertions blue, confirmations green, denials and disputes red,
#: refusals violet, withdrawals brown (the explorer's stance colours).
FILLS = {"asserts": "#4a78b5", "confirms": "#2e8b57", "denies": "#c0392b", "disputes": "#c0392b",
         "declines": "#6b4fbb", "unconfirmed": "#6b4fbb", "retracts": "#8a6d1f", "corrects": "#8a6d1f"}

router = APIRouter(include_in_schema=False)


def person_months(conn: Connection, entity_id: int) -> list[dict]:
    """The person's statements by month (corrected stance, rejected rows left out; every one of
    them, counted by the store's index without reading the rows: ``corrections.entity_months``):
    ``[{"month": "2025-03", "counts": {"asserts": 2, ...}, "total": 3}, ...]``; undated ones are
    left out."""
    months: dict[str, dict[str, int]] = {}
    for month, stance, n in corrections.entity_months(conn, [entity_id]):
        months.setdefault(month, {})[stance] = n
    return [{"month": m, "counts": months[m], "total": sum(months[m].values())} for m in sorted(months)]


def bars(months: list[dict]) -> dict:
    """The geometry of a stacked bar chart of ``person_months``: one bar a month, a segment a
    stance (in the record's stance order), each with its box and its label."""
    if not months:
        return {"width": WIDTH, "height": HEIGHT, "rects": [], "labels": []}
    top = max(m["total"] for m in months)
    step = WIDTH / len(months)
    width = max(step * 0.8, 1.0)
    scale = (HEIGHT - AXIS) / top
    rects, labels = [], []
    for n, m in enumerate(months):
        x, y = n * step + (step - width) / 2, HEIGHT - AXIS
        for stance in STANCES:
            count = m["counts"].get(stance, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            rects.append({"x": round(x, 1), "y": round(y, 1), "width": round(width, 1), "height": round(h, 1),
                          "stance": stance, "fill": FILLS.get(stance, "#8fa8c8"),
                          "title": f"{m['month']}: {count} {stance}"})
        if len(months) <= 12 or n % max(1, len(months) // 12) == 0:
            labels.append({"x": round(x + width / 2, 1), "y": HEIGHT - 4, "text": m["month"]})
    return {"width": WIDTH, "height": HEIGHT, "rects": rects, "labels": labels}


@router.get("/people/{entity_id}/chart.svg")
def person_chart(request: Request, entity_id: int = Path(ge=-2**63, le=2**63 - 1)) -> Response:
    """A person's statements by month as an SVG drawing (404 for an unknown entity)."""
    from ..store import queries

    engine = request.app.state.engine
    with engine.connect() as conn:
        info = queries.entity_info(conn, entity_id)
        if info is None:
            raise ApiError(404, f"no person or organisation {entity_id} in the store")
        chart = bars(person_months(conn, entity_id))
    body = request.app.state.templates.get_template("person_chart.svg").render(chart=chart, name=info.name)
    return Response(body, media_type="image/svg+xml")


# -- outlets by claims -----------------------------------------------------------------------

#: Claims a grid shows at most (the most reported first): columns stay wider than a word.
GRID_CLAIMS = 20
#: Outlets a grid shows at most (those speaking of the most claims first).
GRID_OUTLETS = 30
#: A fill per relation of an outlet's statements to a claim (the strongest it printed wins,
#: in this order): a denial or dispute over a confirmation over a report.
RELATION_FILLS = {"denied": "#c0392b", "disputed": "#c0392b", "confirmed": "#2e8b57", "retracted": "#8a6d1f",
                  "corrected": "#8a6d1f", "declined": "#6b4fbb", "first reported": "#4a78b5",
                  "repeated": "#8fa8c8", "reported": "#8fa8c8"}
CELL, LEFT, TOP = 22, 180, 40


def outlet_grid(conn: Connection, limit: int = GRID_CLAIMS) -> dict:
    """Outlets by claims: for each of the most reported claims (``queries.list_claims``, as
    corrected), the relation each outlet's statements have to it (the first of
    ``RELATION_FILLS``'s order when it printed several)."""
    from ..store import claims as store_claims, queries

    found = queries.list_claims(conn, limit=limit)
    cells: dict[str, dict[int, str]] = {}
    order = list(RELATION_FILLS)
    for c in found:
        for j in store_claims.load_verdict(conn, c.id).rows:
            outlet = j.row.outlet or "unknown outlet"
            now = cells.setdefault(outlet, {}).get(c.id)
            if now is None or order.index(j.relation) < order.index(now):
                cells[outlet][c.id] = j.relation
    outlets = sorted(cells, key=lambda o: (-len(cells[o]), o))[:GRID_OUTLETS]
    return {"claims": [{"id": c.id, "text": c.text, "status": c.status} for c in found],
            "outlets": [{"outlet": o, "relations": {str(k): v for k, v in cells[o].items()}} for o in outlets]}


def grid_geometry(grid: dict) -> dict:
    """Boxes and labels of ``outlet_grid``: a row an outlet, a column a claim."""
    rects, rows, cols = [], [], []
    for n, c in enumerate(grid["claims"]):
        cols.append({"x": LEFT + n * CELL + CELL / 2, "y": TOP - 8, "text": f"c{c['id']}"})
    for m, row in enumerate(grid["outlets"]):
        y = TOP + m * CELL
        rows.append({"x": LEFT - 6, "y": y + CELL * 0.7, "text": row["outlet"][:28]})
        for n, c in enumerate(grid["claims"]):
            rel = row["relations"].get(str(c["id"]))
            if rel:
                rects.append({"x": LEFT + n * CELL + 1, "y": y + 1, "width": CELL - 2, "height": CELL - 2,
                              "fill": RELATION_FILLS[rel], "title": f"{row['outlet']} on c{c['id']}: {rel}"})
    return {"width": LEFT + max(1, len(grid["claims"])) * CELL + 10,
            "height": TOP + max(1, len(grid["outlets"])) * CELL + 10, "rects": rects, "rows": rows, "cols": cols}


@router.get("/api/outlets/claims", include_in_schema=True, tags=["api"],
            summary="Outlets by claims: how each outlet's statements stand toward the most reported claims")
def api_grid(request: Request) -> dict:
    """The data of the grid page and its drawing."""
    with request.app.state.engine.connect() as conn:
        return outlet_grid(conn)


@router.get("/outlets/claims", response_class=HTMLResponse)
def grid_page(request: Request) -> HTMLResponse:
    """The grid as a page: the drawing, then each claim of its columns."""
    with request.app.state.engine.connect() as conn:
        data = outlet_grid(conn)
    return html(request, "grid.html", title="Outlets by claims", grid=data, twin="/api/outlets/claims")


@router.get("/outlets/claims.svg")
def grid_svg(request: Request) -> Response:
    """The grid as an SVG drawing (an image: no script runs in it)."""
    with request.app.state.engine.connect() as conn:
        geometry = grid_geometry(outlet_grid(conn))
    body = request.app.state.templates.get_template("grid.svg").render(g=geometry)
    return Response(body, media_type="image/svg+xml")


# -- a claim's timeline ------------------------------------------------------------------------

#: Sources a claim's chart draws a row for at most (the first to speak first); the JSON keeps all.
TIMELINE_SOURCES = 25
#: The timeline drawing: the left margin for source names, the row height, the top margin
#: (the legend) and the right margin.
T_LEFT, T_ROW, T_TOP, T_RIGHT = 170, 20, 34, 24


def claim_points(points: list[dict]) -> list[dict]:
    """A claim's statements as points of its chart, from ``Timeline.points`` (every statement as
    corrected, whatever page of events is listed): ``[{"published", "source", "outlet",
    "relation", "statement_id"}]``, undated ones included with ``published`` None (the drawing
    leaves them out)."""
    return [{"published": (p["published"] or "")[:10] or None, "source": p["speaker"] or "unknown source",
             "outlet": p["outlet"], "relation": p["relation"], "statement_id": p["statement_id"]}
            for p in points]


def timeline_geometry(points: list[dict]) -> dict:
    """Where each dated point goes: a row per source (in the order they first spoke), x by
    date between the first and the last; a dot coloured by relation; a legend of the
    relations drawn; the first and last dates under the axis."""
    dated = [p for p in points if p["published"]]
    days = {}
    for p in dated:
        try:
            days[p["published"]] = dt.date.fromisoformat(p["published"]).toordinal()
        except ValueError:
            continue
    dated = [p for p in dated if p["published"] in days]
    sources = list(dict.fromkeys(p["source"] for p in dated))[:TIMELINE_SOURCES]
    width = WIDTH
    height = T_TOP + max(1, len(sources)) * T_ROW + AXIS + 6
    lo, hi = (min(days.values()), max(days.values())) if days else (0, 0)
    span = max(hi - lo, 1)
    inner = width - T_LEFT - T_RIGHT
    dots, rows, seen = [], [], []
    for n, source in enumerate(sources):
        rows.append({"x": T_LEFT - 8, "y": T_TOP + n * T_ROW + T_ROW * 0.65, "text": source[:26]})
    for p in dated:
        if p["source"] not in sources:
            continue
        x = T_LEFT + (inner / 2 if hi == lo else (days[p["published"]] - lo) / span * inner)
        y = T_TOP + sources.index(p["source"]) * T_ROW + T_ROW / 2
        fill = RELATION_FILLS.get(p["relation"], "#8fa8c8")
        dots.append({"cx": round(x, 1), "cy": round(y, 1), "r": 6, "fill": fill, "relation": p["relation"],
                     "title": f"{p['published']}: {p['source']} ({p['outlet'] or 'unknown outlet'}), {p['relation']}"})
        if p["relation"] not in seen:
            seen.append(p["relation"])
    legend, x = [], T_LEFT
    for rel in seen:
        legend.append({"x": x, "y": 10, "fill": RELATION_FILLS.get(rel, "#8fa8c8"), "text": rel})
        x += 14 + 7 * len(rel) + 16
    axis_y = height - AXIS
    ticks = []
    if days:
        first = min(days, key=days.get)
        last = max(days, key=days.get)
        ticks.append({"x": T_LEFT, "y": axis_y + 13, "text": first, "anchor": "start"})
        if last != first:
            ticks.append({"x": width - T_RIGHT, "y": axis_y + 13, "text": last, "anchor": "end"})
    return {"width": width, "height": height, "dots": dots, "rows": rows, "legend": legend, "ticks": ticks,
            "axis": {"x1": T_LEFT, "x2": width - T_RIGHT, "y": axis_y}}


@router.get("/claims/{claim_id}/chart.svg")
def claim_chart(request: Request, claim_id: int = Path(ge=-2**63, le=2**63 - 1)) -> Response:
    """A claim's timeline as an SVG drawing: its sources by date, coloured by relation (404
    for an unknown claim)."""
    from ..store import queries

    found = queries.timeline(request.app.state.engine, claim_id, limit=0)  # the points, no events
    if found is None:
        raise ApiError(404, f"no claim c{claim_id} in the store")
    geometry = timeline_geometry(claim_points(found.points))
    body = request.app.state.templates.get_template("claim_chart.svg").render(g=geometry, claim_id=claim_id)
    return Response(body, media_type="image/svg+xml")
