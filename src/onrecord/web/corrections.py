"""The explorer's correction routes: the same corrections as ``onrecord correct``, ``merge``
and ``undo``, under the write token (``api.check_token``: 403 when the explorer is read-only,
401 without the right ``Authorization: Bearer TOKEN``), plus the log as JSON.

Each POST takes a small JSON body and answers 201 with the new log entry; a refused
correction (an unknown id: 404; a bad value or no author: 422) writes nothing.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from ..store import corrections as log
from ..store.correct import CorrectionError, correct_statement, merge, undo, writing
from .api import check_token, read_limited, row_id
from .responses import ApiError

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


def _str(value) -> str | None:
    return None if value is None else str(value)
