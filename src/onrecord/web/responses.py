"""What every route returns besides data: the one error type and rendered pages."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException


class ApiError(HTTPException):
    """An error with the status and one sentence a user sees (JSON on /api, a page elsewhere)."""


def html(request: Request, template: str, **context) -> HTMLResponse:
    """A page rendered with ``context`` (autoescaped)."""
    return request.app.state.templates.TemplateResponse(request, template, context)
