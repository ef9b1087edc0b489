"""The explorer's FastAPI app: pages, JSON API, static files, security headers, one error shape.

``create_app(db)`` opens an existing store read-only in spirit: no route writes except
``POST /api/articles`` and the correction routes (``web/corrections.py``), and those only with
the token given at start. Errors on ``/api``
routes are ``{"error": {"status", "message"}}``; on page routes they are a page saying the
same. Static files come from the package's ``static`` folder only, through ``StaticFiles``.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from pathlib import Path
from typing import Callable

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

from onrecord import settings
from onrecord.web import api, charts, corrections, downloads, ingest, pages
from onrecord.web.views import safe_href

HERE = Path(__file__).parent

#: Content-Security-Policy of every response: scripts and styles only from our own static
#: files (no inline script can run, so an injected ``<script>`` or ``onerror=`` is inert),
#: no plugins, no framing, forms post only to us.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Host names a loopback-bound explorer answers to: a page on another site that rebinds its
#: own name to 127.0.0.1 (DNS rebinding) gets an error instead of the store.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
#: Threads answering the (synchronous) routes at once, and the store connections ``serve``
#: keeps open for them (``open_engine(pool_size=...)``). The pages hold Python's lock for all
#: but the SQL, so more threads add no throughput, only contention; AnyIO's default is 40
#: threads against SQLAlchemy's 5 pooled connections (+10 opened and closed under load).
READ_THREADS = 8


def create_app(engine: Engine, *, db: str | None = None, token: str | None = None,
               max_body: int | None = None, allowed_hosts: tuple[str, ...] | None = None,
               analyze: Callable | None = None) -> FastAPI:
    """The explorer over the store ``engine``.

    ``token`` enables ``POST /api/articles`` (ingest into ``db``, the store's --db value);
    ``max_body`` caps request bodies in bytes (default: the analyze limit, 10 MB);
    ``allowed_hosts`` restricts the Host header (None: any); ``analyze`` replaces the
    attribution engine for ingest (tests).
    """
    app = FastAPI(title="onrecord explorer", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=_lifespan,
                  description="Who said what, in which exact words: the store's articles, people and claims.")
    app.state.engine, app.state.db, app.state.token = engine, db, token
    app.state.max_body = settings.max_bytes(max_body)
    app.state.allowed_hosts = allowed_hosts
    app.state.analyze, app.state.store, app.state.store_lock = analyze, None, threading.Lock()
    app.state.writer = None  # the process adding posted articles (web/ingest.py), started on the first
    app.state.templates = make_templates()
    _install_middleware(app)
    app.add_middleware(HeadAsGet)  # outermost: every layer below sees the GET it answers
    _install_errors(app)
    app.mount("/static", StaticFiles(directory=HERE / "static", follow_symlink=False), name="static")
    app.include_router(api.router)
    app.include_router(corrections.router)
    app.include_router(corrections.pages)
    app.include_router(charts.router)
    app.include_router(downloads.router)  # before the pages: /people/3.csv is not /people/{id}
    app.include_router(pages.router)
    _warm(app)
    return app


def _warm(app: FastAPI) -> None:
    """Do now what the first requests would otherwise each wait for: compile every template
    (150 ms) and let FastAPI build the route tables of the included routers (80 ms, done
    lazily on the first request that reaches them)."""
    env = app.state.templates.env
    for name in env.list_templates():
        env.get_template(name)

    def tables(routes) -> None:
        for route in routes:
            if hasattr(route, "effective_candidates"):  # FastAPI's included router (newer FastAPI)
                tables(route.effective_candidates())
                route.effective_low_priority_routes()
    tables(app.router.routes)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    """At start, size the thread pool of the routes (``READ_THREADS``) and move every object
    made so far (the app, its modules) out of the garbage collector's way; on shutdown, save
    the vector index of articles added through the API."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = READ_THREADS
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        ingest.close(app)


def make_templates() -> Jinja2Templates:
    """The page templates, with autoescape on for every template (article text is untrusted)."""
    # the templates are the package's own files: compiled once (``_warm``), never checked for changes
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, auto_reload=False)
    env.filters["href"] = safe_href
    return Jinja2Templates(env=env)


def _install_middleware(app: FastAPI) -> None:
    app.add_middleware(Guard)


class Guard:
    """Host check and declared body size first; security headers on every response.

    A plain ASGI layer (Starlette's ``@app.middleware("http")`` runs every request through a
    task group and a stream of its own: about a fifth of a small page's time); the response is
    passed on as it comes, its headers completed on the way.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = _refuse(Request(scope))
        if refused is not None:
            await refused(scope, receive, send)
            return

        async def secured(message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, secured)


class HeadAsGet:
    """HEAD answered as the GET of the same URL without its body (same status and headers).

    FastAPI's routes answer only the methods they declare (GET), so HEAD would be 405; this
    small ASGI layer is written by hand because neither FastAPI nor Starlette offers it for
    API routes (Starlette does it for its own plain routes only).
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _refuse(request: Request) -> Response | None:
    """An error response for a request refused before routing, else None."""
    state = request.app.state
    host = host_name(request.headers.get("host") or "")
    if state.allowed_hosts is not None and host not in state.allowed_hosts:
        return error_response(request, 400, f"this explorer does not answer to the host {host!r}")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > state.max_body):
        return error_response(request, 413, f"request body over the {state.max_body:,}-byte limit")
    return None


def host_name(header: str) -> str:
    """The host of a Host header, without its port (``[::1]:8000`` gives ``[::1]``)."""
    if header.startswith("["):
        return header.split("]")[0] + "]"
    return header.rsplit(":", 1)[0]


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        """Every HTTP error (ours, routing's 404/405, static files') in the one shape."""
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing here: {request.url.path}"
        return error_response(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """A bad parameter: 422 naming it."""
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        """Anything else: 500, with no internals shown."""
        return error_response(request, 500, "internal error: the explorer could not answer this request")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def is_api(request: Request) -> bool:
    """True for JSON routes (the API, the OpenAPI description, the JSON and CSV downloads)."""
    path = request.url.path
    return path == "/api" or path.startswith("/api/") or path.endswith((".json", ".csv"))


def error_response(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    """The one error shape: JSON ``{"error": {"status", "message"}}`` on the API, a page elsewhere."""
    body = {"error": {"status": status, "message": message}}
    if is_api(request):
        response: Response = JSONResponse(body, status_code=status, headers=headers)
    else:
        response = request.app.state.templates.TemplateResponse(
            request, "error.html", {**body, "title": f"Error {status}"}, status_code=status, headers=headers)
    response.headers.update(SECURITY_HEADERS)
    return response
