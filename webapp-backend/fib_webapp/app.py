"""The FastAPI application: its routers (``fib_webapp.routes``: the allow-listed files and
the JSON API, one router per concern), the middleware every answer goes through, and the
exception handlers, together here.
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations.
import contextlib
import functools
from collections.abc import AsyncIterator
from typing import Optional
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fib_benchmarks import builds
from fib_benchmarks.results import store
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__, in_process
from .headers import SECURITY_HEADERS
from .native import NativeTimings
from .routes import builds as builds_routes
from .routes import export, native, pages, runs
from .settings import Settings, from_environment

# What a browser gets for a page that does not exist (the API keeps its JSON answers).
NOT_FOUND_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>py-rust-fib: no such page</title>
<link rel="stylesheet" href="/static/style.css">
<main><h1>No such page</h1>
<p>This site has the benchmark at <a href="/">its home page</a>, and saved runs at
<a href="/runs">/runs</a>.</p></main></html>"""


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every answer and refuses cross-site API requests.

    Plain ASGI rather than ``@app.middleware("http")``: that one hands the endpoints a
    receive channel on which a client's disconnection is not seen, and a native run must
    stop when its client goes away.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"].startswith("/api/") and cross_site(Request(scope)):
            refusal = JSONResponse(
                {"detail": "cross-site requests to the API are refused"},
                status_code=403,
                headers=SECURITY_HEADERS,
            )
            return await refusal(scope, receive, send)

        async def send_isolated(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_isolated)


def cross_site(request: Request) -> bool:
    """Whether a browser says this request comes from another site (or the Origin header
    names another host): a page elsewhere must not spend this server's CPU."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or from_environment()

    @functools.cache
    def open_runs() -> store.Store:
        """The store, opened (and migrated) on first use; 503 if it cannot be (and tried
        again on the next request: a failure is not cached)."""
        return store.Store(settings.database_url)

    # One native run at a time on this machine, whichever server process takes it: the
    # rule is a lock in the results database.
    timings = NativeTimings(exclusive=lambda: open_runs().exclusive("native-run"))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The results database is opened, and migrated, at start-up (under the store's
        # lock when several server processes start at once), not by a first request; if
        # it cannot be, its requests answer 503 until it can.
        with contextlib.suppress(store.StoreError):
            await run_in_threadpool(open_runs)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="py-rust-fib",
        version=__version__,
        # FastAPI's interactive docs load Swagger UI from a CDN: off. The schema itself is
        # served, from here, at /api/openapi.json.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        redirect_slashes=False,  # no redirect built from the Host header
    )
    app.state.native = timings  # stopped by the server on SIGTERM (fib_webapp.__main__)

    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost, so that a request naming a host we do not serve is refused first.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))

    app.include_router(pages.router(settings))
    app.include_router(builds_routes.router(settings))
    app.include_router(native.router(settings, timings))
    app.include_router(in_process.router(settings, timings, native.WATCH_INTERVAL_S))
    app.include_router(export.router())
    app.include_router(runs.router(settings, open_runs))
    add_exception_handlers(app)
    return app


def add_exception_handlers(app: FastAPI) -> None:
    """What the site answers when a route fails: every failure as one line for the page."""

    @app.exception_handler(store.StoreError)
    async def store_unavailable(request: Request, error: store.StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.exception_handler(builds.BuildError)
    async def missing_build(request: Request, error: builds.BuildError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        """A page a browser asks for and that does not exist is a page, not JSON."""
        wants_page = "text/html" in request.headers.get("accept", "")
        if error.status_code == 404 and wants_page and not request.url.path.startswith("/api/"):
            return HTMLResponse(NOT_FOUND_PAGE, status_code=404)
        return await http_exception_handler(request, error)

    # Starlette answers an unhandled exception outside every middleware: its 500 gets the
    # headers here. The message stays in the server's log, not in the answer.
    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": "internal error: see the server's log"},
            status_code=500,
            headers=SECURITY_HEADERS,
        )
