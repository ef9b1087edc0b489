"""The explorer's correction routes: the same corrections as ``onrecord correct``, ``merge``,
``split`` and ``undo``, under the write token (``api.check_token``: 403 when the explorer is read-only,
401 without the right ``Authorization: Bearer TOKEN``), plus the log as JSON.

Each POST takes a small JSON body and answers 201 with the new log entry; a refused
correction (an unknown id: 404; a bad value or no author: 422) writes nothing.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ..store import corrections as log
from ..store.correct import CorrectionError, correct_statement, merge, split, undo, writing
from .api import check_token, read_limited, row_id
from .responses import ApiError, html

router = APIRouter(prefix="/api", tags=["corrections"])

#: Largest correction body accepted: a note of a few paragraphs and a name.
MAX_BODY = 16_384

CORRECTION_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["action", "by"], "properties": {
        "action": {"type": "string", "enum": ["accept", "reject", "speaker", "kind", "act", "stance", "note"]},
        "value": {"type": "string", "description": "the new speaker (a name or e<ID>), kind, act, stance, or the note"},
        "speaker_type": {"type": "string", "enum": ["PERSON", "ORG", "OUTLET"]},
        "by": {"type": "string", "description": "who makes the correction"}}}}}}}
MERGE_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["other", "by"], "properties": {
        "other": {"type": "integer", "description": "the entity merged into this one"},
        "by": {"type": "string"}}}}}}}
SPLIT_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["statements", "name", "by"], "properties": {
        "statements": {"type": "string", "description": "the ids of this entity's statements someone else said, "
                                                        "comma-separated (\"14,15\")"},
        "name": {"type": "string", "description": "who said them: a name or e<ID>"},
        "by": {"type": "string"}}}}}}}
UNDO_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["by"], "properties": {"by": {"type": "string"}}}}}}}


async def _body(request: Request) -> dict[str, Any]:
    check_token(request)
    raw = await read_limited(request, min(MAX_BODY, request.app.state.max_body))
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise ApiError(422, "send the correction as a JSON object") from None
    if not isinstance(data, dict):
        raise ApiError(422, "send the correction as a JSON object")
    for key, value in data.items():
        if value is not None and not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ApiError(422, f"{key}: must be a string or a number")
    return data


def _write(request: Request, action) -> dict:
    try:
        with writing(request.app.state.engine) as conn:
            cid = action(conn)
            return log.get(conn, cid).to_dict()
    except CorrectionError as exc:
        raise ApiError(exc.status, str(exc)) from None


@router.post("/statements/{statement_id}/corrections", status_code=201, openapi_extra=CORRECTION_BODY,
             summary="Correct a statement (needs the token)")
async def api_correct(request: Request, statement_id: int = row_id()) -> dict:
    """Accept, reject, change the speaker, kind, act or stance of a statement, or note on it."""
    data = await _body(request)
    action, value = str(data.get("action") or ""), data.get("value")
    return await run_in_threadpool(_write, request, lambda conn: correct_statement(
        conn, statement_id, action, None if value is None else str(value), _str(data.get("by")),
        _str(data.get("speaker_type"))))


@router.post("/entities/{entity_id}/merge", status_code=201, openapi_extra=MERGE_BODY,
             summary="Merge another entity into this one (needs the token)")
async def api_merge(request: Request, entity_id: int = row_id()) -> dict:
    """The ``other`` entity's statements count as this one's from now on (undo splits them)."""
    data = await _body(request)
    other = data.get("other")
    if not isinstance(other, int) and not (isinstance(other, str) and other.isdigit()):
        raise ApiError(422, "other: the id of the entity to merge into this one")
    return await run_in_threadpool(_write, request, lambda conn: merge(conn, entity_id, int(other),
                                                                       _str(data.get("by"))))


@router.post("/entities/{entity_id}/split", status_code=201, openapi_extra=SPLIT_BODY,
             summary="Give some of this entity's statements to another (needs the token)")
async def api_split(request: Request, entity_id: int = row_id()) -> list[dict]:
    """The statements named go to ``name`` (one speaker correction each, all or none)."""
    data = await _body(request)
    parts = [p.strip() for p in str(data.get("statements") or "").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise ApiError(422, "statements: the ids of this entity's statements, comma-separated")
    ids = [int(p) for p in parts]

    def write() -> list[dict]:
        try:
            with writing(request.app.state.engine) as conn:
                return [log.get(conn, c).to_dict() for c in split(conn, entity_id, ids, _str(data.get("name")) or "",
                                                                  _str(data.get("by")))]
        except CorrectionError as exc:
            raise ApiError(exc.status, str(exc)) from None
    return await run_in_threadpool(write)


@router.post("/corrections/{correction_id}/undo", status_code=201, openapi_extra=UNDO_BODY,
             summary="Undo a correction (needs the token)")
async def api_undo(request: Request, correction_id: int = row_id()) -> dict:
    """A new entry undoing the given one; the row shows what it showed before."""
    data = await _body(request)
    return await run_in_threadpool(_write, request, lambda conn: undo(conn, correction_id, _str(data.get("by"))))


@router.get("/corrections", summary="Every correction, in order")
def api_corrections(request: Request, orphaned: bool = Query(False, description="Only the orphaned ones.")) -> dict:
    """The log: who, when, target, action, before, after, and whether it is undone or orphaned."""
    with request.app.state.engine.connect() as conn:
        return {"corrections": [c.to_dict() for c in log.all_corrections(conn, orphaned=orphaned)]}


@router.get("/review", summary="The review queue: unreviewed rows, the least sure first")
def api_review(request: Request, per_page: int = Query(20, ge=1, le=100)) -> dict:
    """The rows no one has reviewed yet, the least sure first, and how many are left."""
    return review_queue(request.app.state.engine, per_page)


def review_queue(engine, per_page: int) -> dict:
    """The data of the review page and its JSON twin."""
    from dataclasses import asdict

    from ..store import queries
    with engine.connect() as conn:
        found, left = log.unreviewed(conn, per_page)
        confidence = dict(found)
        rows = queries.statements_by_id(conn, [sid for sid, _ in found])
    return {"left": left, "items": [dict(asdict(s), confidence=confidence.get(s.id)) for s in rows]}


pages = APIRouter(include_in_schema=False)


@pages.get("/review", response_class=HTMLResponse)
def review_page(request: Request, per_page: int = Query(20, ge=1, le=100)) -> HTMLResponse:
    """The review queue as a page: keyboard j/k to move, a to accept, r to reject, e to edit."""
    data = review_queue(request.app.state.engine, per_page)
    return html(request, "review.html", title="Review", queue=data["items"], left=data["left"],
                writable=bool(request.app.state.token),
                twin=f"/api/review?per_page={per_page}")


def _str(value) -> str | None:
    return None if value is None else str(value)
