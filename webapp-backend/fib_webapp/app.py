"""The FastAPI application: allow-listed files and the JSON API.

Every route below is the whole allow-list. Anything else, including ``.git``, dotfiles,
sources and ``..`` in any spelling, is a 404.
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations,
# and some refer to this module's local `settings`.
import asyncio
import contextlib
import functools
import threading
from collections.abc import AsyncIterator
from enum import Enum
from typing import Annotated, Any, Optional
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fib_benchmarks import builds, compare, export, runners, schema, store
from fib_benchmarks.document import Document, measured_on
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__, history, in_process
from .files import IMMUTABLE, REVALIDATE, file_response, inside
from .headers import SECURITY_HEADERS
from .native import SHUTTING_DOWN, Busy, NativeTimings, ShuttingDown, TooLong, plan_deadline
from .settings import Settings, from_environment

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")  # fmt: skip
# The browser half of the builds JavaScript runs: their worker, the modules it imports,
# the constants they read, and fib-rust's WebAssembly module (rust-wasm).
JAVASCRIPT_FILES = ("worker.mjs", "variants.mjs", "fib.mjs", "fib_wasm.mjs", "measure.mjs",
                    "contract.json", "fib_wasm.wasm")  # fmt: skip
MAX_N = builds.MAX_N  # the contract of every implementation (contract.json)
# The largest result document /api/export takes: a run of the page, with every sample, is
# tens of kilobytes; the CLI's largest runs a few megabytes.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
RUN_ID = f"^{store.RUN_ID}$"  # a saved run's id
RUN_IDS = f"^{store.RUN_ID}(,{store.RUN_ID}){{1,7}}$"  # two to eight, comma-separated
# The algorithms' names as a type, so that the API's schema lists them (contract.json).
AlgorithmName = Enum("AlgorithmName", {name: name for name in builds.ALGORITHMS}, type=str)


# How often a native run's request looks at its deadline and at its client.
WATCH_INTERVAL_S = 0.25

# What a browser gets for a page that does not exist (the API keeps its JSON answers).
NOT_FOUND_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>py-rust-fib: no such page</title>
<link rel="stylesheet" href="/static/style.css">
<main><h1>No such page</h1>
<p>This site has the benchmark at <a href="/">its home page</a>, and saved runs at
<a href="/runs">/runs</a>.</p></main></html>"""

INCOMPLETE_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>py-rust-fib: site incomplete</title>
<h1>The site is incomplete</h1>
<p>The Pyodide runtime and the chart library (node_modules) are missing.
Run <code>make serve</code>, which installs and builds what the page needs.</p></html>"""


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


def wheel_url(wheel: builds.Wheel) -> str:
    # Content-addressed: a rebuilt wheel gets a new URL, so the old one can be immutable.
    return f"/wheels/{wheel.sha256}/{wheel.path.name}"


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or from_environment()
    # One native run at a time on this machine, whichever server process takes it: the
    # rule is a lock in the results database (`runs`, below).
    native = NativeTimings(exclusive=lambda: runs().exclusive("native-run"))
    code = schema.code()  # the commit serving the page: its documents record it

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The results database is opened, and migrated, at start-up (under the store's
        # lock when several server processes start at once), not by a first request; if
        # it cannot be, its requests answer 503 until it can.
        with contextlib.suppress(store.StoreError):
            await run_in_threadpool(runs)
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
    app.state.native = native  # stopped by the server on SIGTERM (fib_webapp.__main__)

    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost, so that a request naming a host we do not serve is refused first.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))

    # ------------------------------------------------------------------ files

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def page(request: Request) -> Response:
        if settings.pyodide_version is None or settings.chartjs_version is None:
            return HTMLResponse(INCOMPLETE_PAGE, status_code=503)
        return file_response(request, settings.static_dir / "index.html", REVALIDATE)

    # A saved run's permalink, the list of saved runs, and runs compared: the same page,
    # which shows them instead of starting workers (app.js, VIEW).
    @app.api_route("/runs/{run_id}", methods=["GET", "HEAD"], include_in_schema=False)
    def saved_page(request: Request, run_id: Annotated[str, Path(pattern=RUN_ID)]) -> Response:
        return page(request)

    @app.api_route("/runs", methods=["GET", "HEAD"], include_in_schema=False)
    def runs_page(request: Request) -> Response:
        return page(request)

    @app.api_route("/compare", methods=["GET", "HEAD"], include_in_schema=False)
    def compare_page(request: Request) -> Response:
        return page(request)

    @app.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def static(request: Request, name: str) -> Response:
        return file_response(request, inside(settings.static_dir, name), REVALIDATE)

    @app.api_route("/worker.mjs", methods=["GET", "HEAD"], include_in_schema=False)
    def worker(request: Request) -> Response:
        return file_response(request, settings.worker_script, REVALIDATE)

    @app.api_route("/fib-javascript/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def javascript(request: Request, name: str) -> Response:
        if name not in JAVASCRIPT_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return file_response(request, settings.javascript_dir / name, REVALIDATE)

    @app.api_route("/pyodide/{version}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def pyodide(request: Request, version: str, name: str) -> Response:
        if version != settings.pyodide_version:
            raise HTTPException(status_code=404, detail="not found")
        if name == "snapshot.bin":  # ours, remade with the build: revalidated, not immutable
            return file_response(request, settings.pyodide_snapshot, REVALIDATE)
        if name not in PYODIDE_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return file_response(request, settings.pyodide_dir / name, IMMUTABLE)

    @app.api_route(
        "/vendor/chart.js/{version}/chart.umd.min.js",
        methods=["GET", "HEAD"],
        include_in_schema=False,
    )
    def chartjs(request: Request, version: str) -> Response:
        if version != settings.chartjs_version:
            raise HTTPException(status_code=404, detail="not found")
        return file_response(request, settings.chartjs_dir / "chart.umd.min.js", IMMUTABLE)

    @app.api_route("/wheels/{sha256}/{filename}", methods=["GET", "HEAD"], include_in_schema=False)
    def wheel(request: Request, sha256: str, filename: str) -> Response:
        try:
            manifest = builds.load_manifest()
        except builds.BuildError:
            manifest = []
        for entry in manifest:
            # What is served under a hash must have that hash (re-read only if the file
            # changed since it was last hashed): a wheel being rebuilt is a 404.
            if (
                entry.sha256 == sha256
                and entry.path.name == filename
                and entry.path.is_file()
                and builds.file_sha256(entry.path) == sha256
            ):
                return file_response(request, entry.path, IMMUTABLE)
        raise HTTPException(status_code=404, detail="not found")

    # ------------------------------------------------------------------ API

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        """Liveness, and whether everything the page needs is built."""
        try:
            return {"status": "ok", "builds": len(site_builds()["builds"])}
        except builds.BuildError as error:
            return {"status": "incomplete", "detail": str(error)}

    @app.get("/api/builds")
    def site_builds() -> dict[str, Any]:
        """What the page loads: Pyodide (and its snapshot), and one worker per build."""
        if settings.pyodide_version is None or settings.chartjs_version is None:
            raise builds.BuildError("the site is incomplete (no node_modules): run make serve")
        in_browser = []
        for variant in builds.PYODIDE_VARIANTS:
            wheel = builds.find_wheel(variant, "pyodide")
            in_browser.append({"variant": variant, "label": builds.LABELS[variant],
                               "worker": "/worker.mjs",
                               "module": wheel.module, "profile": wheel.profile,
                               "wheel": wheel_url(wheel), "size": wheel.size})  # fmt: skip
        # No Pyodide for the builds JavaScript runs: a worker of their own.
        if not (settings.javascript_dir / "fib_wasm.wasm").is_file():
            raise builds.BuildError("the site is incomplete (no fib_wasm.wasm): run make wasm")
        for variant in builds.JAVASCRIPT_VARIANTS:
            in_browser.append({"variant": variant, "label": builds.LABELS[variant],
                               "worker": f"/fib-javascript/worker.mjs?variant={variant}",
                               "module": None, "profile": None, "wheel": None})  # fmt: skip
        return {
            "max_n": MAX_N,
            "code": code,
            # `make dev`: the page asks again every few seconds and restarts the worker of
            # a build whose wheel was rebuilt.
            "dev": settings.dev,
            "algorithms": list(builds.ALGORITHMS),
            "pyodide": f"/pyodide/{settings.pyodide_version}/",
            "pyodide_snapshot": (
                f"/pyodide/{settings.pyodide_version}/snapshot.bin"
                if settings.pyodide_snapshot.is_file()
                else None
            ),
            "chartjs": f"/vendor/chart.js/{settings.chartjs_version}/chart.umd.min.js",
            "support_wheels": [
                wheel_url(builds.find_package(name)) for name in ("fib-benchmarks", "fib-worker")
            ],
            "builds": in_browser,
            "native": {
                "max_n": settings.native_max_n,
                "max_repeats": settings.native_max_repeats,
                "variants": list(builds.PAGE_VARIANTS),
            },
        }

    app.include_router(in_process.router(settings, native, WATCH_INTERVAL_S))

    @app.get("/api/native")
    async def native_timings(
        request: Request,
        n: Annotated[int, Query(ge=0, le=settings.native_max_n)],
        algorithm: AlgorithmName,
        repeats: Annotated[int, Query(ge=1, le=settings.native_max_repeats)] = 3,
        variant: Annotated[Optional[list[str]], Query(max_length=len(builds.PAGE_VARIANTS))] = None,
        run: Annotated[str, Query(pattern=r"^[A-Za-z0-9-]{0,64}$")] = "",
    ) -> Any:
        """Time F(n) natively on this server with the CLI's runner, one request at a time.

        Each build at most once. The run has a deadline derived from n, the algorithm, the
        builds and the calls (504 when it passes); a run that would need more than the
        server allows is refused at once (422). Its process is killed at the deadline, when
        the client goes away, or on ``POST /api/native/cancel?run=`` with the same ``run``
        token (409).
        """
        variants = list(dict.fromkeys(variant or builds.PAGE_VARIANTS))
        unknown = [v for v in variants if v not in builds.PAGE_VARIANTS]
        if unknown:
            expected = ", ".join(builds.PAGE_VARIANTS)
            message = f"unknown variant {unknown[0]!r}: expected one of {expected}"
            raise HTTPException(status_code=422, detail=message)
        plan = {"algorithms": [algorithm.value], "ns": [n], "repeats": repeats, "warmup": "auto"}
        try:
            deadline = settings.native_deadline_s or plan_deadline(
                variants, algorithm.value, n, repeats, settings.native_max_run_s
            )
        except TooLong as too_long:
            raise HTTPException(status_code=422, detail=str(too_long)) from None
        stop = threading.Event()
        job = asyncio.ensure_future(run_in_threadpool(native.measure, variants, plan, run, stop))
        why = await in_process.watch(job, stop, request, deadline, native.closing, WATCH_INTERVAL_S)
        try:
            return job.result()
        except Busy as busy:
            return JSONResponse(
                {"detail": str(busy)}, status_code=429, headers={"Retry-After": "5"}
            )
        except ShuttingDown as closing:
            return JSONResponse({"detail": str(closing)}, status_code=503)
        except runners.Cancelled:
            if native.closing.is_set():
                return JSONResponse({"detail": SHUTTING_DOWN}, status_code=503)
            if why == ["deadline"]:
                message = (f"native run stopped at its deadline of {deadline:.0f} s: ask for "
                           "fewer builds or calls, or a smaller n")  # fmt: skip
                return JSONResponse({"detail": message}, status_code=504)
            return JSONResponse({"detail": "cancelled"}, status_code=409)
        except (builds.BuildError, runners.RunnerError) as error:  # one line, for the page
            return JSONResponse({"detail": f"native run failed: {error}"}, status_code=500)

    async def read_document(request: Request) -> Document:
        """The request's body as a result document: 413 beyond MAX_DOCUMENT_BYTES, 422
        with the first problems if it is not one."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
            raise HTTPException(status_code=413, detail="document too large")
        body = bytearray()
        try:
            async for chunk in request.stream():  # a lying or absent Content-Length too
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise HTTPException(status_code=413, detail="document too large")
        except ClientDisconnect:
            # The client left mid-upload (or was dropped for stalling): nobody to answer,
            # and nothing for the log (each was a 4 KB traceback at ERROR).
            raise HTTPException(status_code=400, detail="the upload was abandoned") from None
        try:
            return Document.model_validate_json(bytes(body))
        except ValidationError as error:
            problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5]]
            detail = {"message": "not a benchmark document", "problems": problems}
            raise HTTPException(status_code=422, detail=detail) from None

    @app.post("/api/export")
    async def export_document(
        request: Request, format: Annotated[str, Query(pattern="^(csv|markdown)$")]
    ) -> Response:
        """A result document (the page's download, the CLI's ``--json``) as CSV or Markdown:
        the CLI's own code."""
        document = await read_document(request)
        render, media_type, extension = export.FORMATS[format]
        name = f"py-rust-fib-{document.created.strftime('%Y-%m-%dT%H-%M-%S')}.{extension}"
        return Response(
            render(document.model_dump(mode="json", by_alias=True)),
            media_type=f"{media_type}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # ------------------------------------------------------------------ saved runs

    @functools.cache
    def runs() -> store.Store:
        """The store, opened (and migrated) on first use; 503 if it cannot be (and tried
        again on the next request: a failure is not cached)."""
        return store.Store(settings.database_url)

    @app.post("/api/runs", status_code=201)
    async def save_run(request: Request) -> dict[str, str]:
        """Save a result document: its permalink, and the token that alone can delete it.
        Checked for its schema and size, its numbers (history.check_numbers: 422), and
        the client's rate (429 with Retry-After)."""
        client = request.client.host if request.client else "?"
        # Counted before the document is read (a refused one counts too), by its declared
        # size or, if it declares none, the largest; in the database, so that every server
        # process shares one limit.
        declared = request.headers.get("content-length", "")
        size = min(int(declared), MAX_DOCUMENT_BYTES) if declared.isdigit() else MAX_DOCUMENT_BYTES
        wait = await run_in_threadpool(
            lambda: runs().admit_save(
                client, size, settings.saves_per_minute, settings.save_bytes_per_minute
            )
        )
        if wait:
            raise HTTPException(status_code=429, detail="too many saves: wait a minute",
                                headers={"Retry-After": str(int(wait) + 1)})  # fmt: skip
        document = (await read_document(request)).model_dump(mode="json", by_alias=True)
        try:
            history.check_links(document, request.url.netloc)
            history.derive_and_check(document)
            await run_in_threadpool(history.check_numbers, document)
            saved = await run_in_threadpool(lambda: runs().save(document))
        except history.Refused as refused:
            raise HTTPException(status_code=422, detail=str(refused)) from None
        return {"id": saved.id, "url": f"/runs/{saved.id}", "delete_token": saved.delete_token}

    @app.get("/api/runs/{run_id}")
    def saved_run(run_id: Annotated[str, Path(pattern=RUN_ID)]) -> Response:
        # As stored: checked when it was saved, and sent without being parsed again.
        document = runs().get_text(run_id)
        if document is None:
            raise HTTPException(status_code=404, detail="no such run")
        return Response(document, media_type="application/json")

    @app.get("/api/runs")
    def recent_runs(
        n: Annotated[Optional[int], Query(ge=0, le=MAX_N)] = None,
        algorithm: Optional[AlgorithmName] = None,
        runtime: Annotated[Optional[str], Query(pattern="^[a-z]{1,16}$")] = None,
        browser: Annotated[Optional[str], Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> list[dict[str, Any]]:
        """The latest saved runs, newest first, filtered by n, algorithm, runtime, browser."""
        name = algorithm.value if algorithm else None
        return runs().recent(n=n, algorithm=name, runtime=runtime, browser=browser, limit=limit)

    @app.get("/api/compare")
    def compare_runs(
        run_ids: Annotated[str, Query(alias="runs", pattern=RUN_IDS)],
    ) -> dict[str, Any]:
        """Two to eight saved runs side by side, the first as the baseline: the CLI's
        `benchmark compare` (ratios, and differences beyond the interquartile ranges)."""
        ids = run_ids.split(",")
        documents = []
        for run_id in ids:
            document = runs().get(run_id)
            if document is None:
                raise HTTPException(status_code=404, detail=f"no run {run_id}")
            documents.append(document)
        summaries = [{"id": run_id, "created": d["created"], "code": d["code"],
                      "machine": measured_on(d["host"])}
                     for run_id, d in zip(ids, documents)]  # fmt: skip
        return {"runs": summaries, "lines": compare.compare(documents)}

    @app.delete("/api/runs/{run_id}", status_code=204)
    def delete_run(
        run_id: Annotated[str, Path(pattern=RUN_ID)],
        token: Annotated[str, Query(min_length=1, max_length=100)],
    ) -> Response:
        deleted = runs().delete(run_id, token)
        if deleted is None:
            raise HTTPException(status_code=404, detail="no such run")
        if not deleted:
            raise HTTPException(status_code=403, detail="wrong delete token")
        return Response(status_code=204)

    @app.exception_handler(store.StoreError)
    async def store_unavailable(request: Request, error: store.StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.post("/api/native/cancel")
    def cancel_native(
        run: Annotated[str, Query(pattern=r"^[A-Za-z0-9-]{1,64}$")],
    ) -> dict[str, bool]:
        """Stop the native run started with this token, if it is still going."""
        return {"cancelled": native.cancel(run)}

    @app.exception_handler(builds.BuildError)
    async def missing_build(request: Request, error: builds.BuildError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    # Starlette answers an unhandled exception outside every middleware: its 500 gets the
    # headers here. The message stays in the server's log, not in the answer.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        """A page a browser asks for and that does not exist is a page, not JSON."""
        wants_page = "text/html" in request.headers.get("accept", "")
        if error.status_code == 404 and wants_page and not request.url.path.startswith("/api/"):
            return HTMLResponse(NOT_FOUND_PAGE, status_code=404)
        return await http_exception_handler(request, error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": "internal error: see the server's log"},
            status_code=500,
            headers=SECURITY_HEADERS,
        )

    return app
