"""The FastAPI application: allow-listed files and the JSON API.

Every route below is the whole allow-list. Anything else, including ``.git``, dotfiles,
sources and ``..`` in any spelling, is a 404.
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations,
# and some refer to this module's local `settings`.
from typing import Annotated, Any, Literal, Optional

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from fib_benchmarks import builds, runners

from . import __version__
from .files import IMMUTABLE, REVALIDATE, file_response, inside
from .native import Busy, NativeTimings
from .settings import Settings, from_environment

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")  # fmt: skip
# The JavaScript build's browser half: its worker and the two modules the worker imports.
JAVASCRIPT_FILES = ("worker.mjs", "fib.mjs", "measure.mjs")
MAX_N = 10_000_000  # the contract of every implementation (fib-rust's MAX_N)

# Cross-origin isolation: lets the workers use SharedArrayBuffer (Pyodide's interrupt
# buffer) and finer timers. Everything is same-origin, so nothing is blocked by it.
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def wheel_url(wheel: builds.Wheel) -> str:
    # Content-addressed: a rebuilt wheel gets a new URL, so the old one can be immutable.
    return f"/wheels/{wheel.sha256}/{wheel.path.name}"


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or from_environment()
    native = NativeTimings()
    app = FastAPI(
        title="py-rust-fib",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )

    @app.middleware("http")
    async def isolation(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers.update(ISOLATION_HEADERS)
        return response

    # ------------------------------------------------------------------ files

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def page(request: Request) -> Response:
        return file_response(request, settings.static_dir / "index.html", REVALIDATE)

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
            if entry.sha256 == sha256 and entry.path.name == filename:
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
        in_browser = []
        for variant in builds.VARIANTS:
            wheel = builds.find_wheel(variant, "pyodide")
            in_browser.append({"variant": variant, "worker": "/worker.mjs",
                               "module": wheel.module, "profile": wheel.profile,
                               "wheel": wheel_url(wheel), "size": wheel.size})  # fmt: skip
        # No Pyodide for JavaScript: a worker of its own, ready as soon as it is loaded.
        in_browser.append({"variant": builds.JAVASCRIPT, "worker": "/fib-javascript/worker.mjs",
                           "module": None, "profile": None, "wheel": None})  # fmt: skip
        return {
            "max_n": MAX_N,
            "algorithms": ["iterative", "doubling"],
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

    @app.get("/api/native")
    def native_timings(
        n: Annotated[int, Query(ge=0, le=settings.native_max_n)],
        algorithm: Literal["iterative", "doubling"],
        repeats: Annotated[int, Query(ge=1, le=settings.native_max_repeats)] = 3,
        variant: Annotated[Optional[list[str]], Query()] = None,
        run: Annotated[str, Query(pattern=r"^[A-Za-z0-9-]{0,64}$")] = "",
    ) -> Any:
        """Time F(n) natively on this server with the CLI's runner, one request at a time.

        ``run`` is a token of the caller's choosing: ``POST /api/native/cancel?run=`` with
        the same token stops the run (its process is killed) and frees the server.
        """
        variants = variant or list(builds.PAGE_VARIANTS)
        unknown = [v for v in variants if v not in builds.PAGE_VARIANTS]
        if unknown:
            expected = ", ".join(builds.PAGE_VARIANTS)
            message = f"unknown variant {unknown[0]!r}: expected one of {expected}"
            raise HTTPException(status_code=422, detail=message)
        plan = {"algorithms": [algorithm], "ns": [n], "repeats": repeats, "warmup": "auto"}
        try:
            return native.measure(variants, plan, run)
        except Busy as busy:
            return JSONResponse(
                {"detail": str(busy)}, status_code=429, headers={"Retry-After": "5"}
            )
        except runners.Cancelled:
            return JSONResponse({"detail": "cancelled"}, status_code=409)
        except (builds.BuildError, runners.RunnerError) as error:  # one line, for the page
            return JSONResponse({"detail": f"native run failed: {error}"}, status_code=500)

    @app.post("/api/native/cancel")
    def cancel_native(
        run: Annotated[str, Query(pattern=r"^[A-Za-z0-9-]{1,64}$")],
    ) -> dict[str, bool]:
        """Stop the native run started with this token, if it is still going."""
        return {"cancelled": native.cancel(run)}

    @app.exception_handler(builds.BuildError)
    async def missing_build(request: Request, error: builds.BuildError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    return app
