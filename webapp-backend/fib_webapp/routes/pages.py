"""The page and every file it loads: the whole allow-list of files. Anything else,
including ``.git``, dotfiles, sources and ``..`` in any spelling, is a 404."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations.
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response
from fib_benchmarks import builds

from ..files import IMMUTABLE, REVALIDATE, file_response, inside
from ..settings import Settings
from . import RUN_ID

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")  # fmt: skip
# The builds JavaScript runs (fib-javascript/): their modules, the constants they read, and
# fib-rust's WebAssembly module (rust-wasm). Their worker and its harness are served at
# their repository paths too, so that the modules' relative imports hold on the site.
JAVASCRIPT_FILES = ("variants.mjs", "fib.mjs", "fib_wasm.mjs", "contract.json",
                    "fib_wasm.wasm")  # fmt: skip

INCOMPLETE_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>py-rust-fib: site incomplete</title>
<h1>The site is incomplete</h1>
<p>The Pyodide runtime and the chart library (node_modules) are missing.
Run <code>make serve</code>, which installs and builds what the page needs.</p></html>"""


def wheel_url(wheel: builds.Wheel) -> str:
    # Content-addressed: a rebuilt wheel gets a new URL, so the old one can be immutable.
    return f"/wheels/{wheel.sha256}/{wheel.path.name}"


def router(settings: Settings) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def page(request: Request) -> Response:
        if settings.pyodide_version is None or settings.chartjs_version is None:
            return HTMLResponse(INCOMPLETE_PAGE, status_code=503)
        return file_response(request, settings.static_dir / "index.html", REVALIDATE)

    # A saved run's permalink, the list of saved runs, and runs compared: the same page,
    # which shows them instead of starting workers (app.js, VIEW).
    @api.api_route("/runs/{run_id}", methods=["GET", "HEAD"], include_in_schema=False)
    def saved_page(request: Request, run_id: Annotated[str, Path(pattern=RUN_ID)]) -> Response:
        return page(request)

    @api.api_route("/runs", methods=["GET", "HEAD"], include_in_schema=False)
    def runs_page(request: Request) -> Response:
        return page(request)

    @api.api_route("/compare", methods=["GET", "HEAD"], include_in_schema=False)
    def compare_page(request: Request) -> Response:
        return page(request)

    @api.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def static(request: Request, name: str) -> Response:
        return file_response(request, inside(settings.static_dir, name), REVALIDATE)

    @api.api_route("/worker.mjs", methods=["GET", "HEAD"], include_in_schema=False)
    def worker(request: Request) -> Response:
        return file_response(request, settings.worker_script, REVALIDATE)

    @api.api_route("/webapp-worker/javascript_worker.mjs", methods=["GET", "HEAD"],
                   include_in_schema=False)  # fmt: skip
    def javascript_worker(request: Request) -> Response:
        return file_response(request, settings.javascript_worker_script, REVALIDATE)

    @api.api_route("/benchmarks/measuring/fib_measuring/measure.mjs", methods=["GET", "HEAD"],
                   include_in_schema=False)  # fmt: skip
    def javascript_harness(request: Request) -> Response:
        return file_response(request, settings.javascript_harness, REVALIDATE)

    @api.api_route("/fib-javascript/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def javascript(request: Request, name: str) -> Response:
        if name not in JAVASCRIPT_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return file_response(request, settings.javascript_dir / name, REVALIDATE)

    @api.api_route("/pyodide/{version}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def pyodide(request: Request, version: str, name: str) -> Response:
        if version != settings.pyodide_version:
            raise HTTPException(status_code=404, detail="not found")
        if name == "snapshot.bin":  # ours, remade with the build: revalidated, not immutable
            return file_response(request, settings.pyodide_snapshot, REVALIDATE)
        if name not in PYODIDE_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return file_response(request, settings.pyodide_dir / name, IMMUTABLE)

    @api.api_route(
        "/vendor/chart.js/{version}/chart.umd.min.js",
        methods=["GET", "HEAD"],
        include_in_schema=False,
    )
    def chartjs(request: Request, version: str) -> Response:
        if version != settings.chartjs_version:
            raise HTTPException(status_code=404, detail="not found")
        return file_response(request, settings.chartjs_dir / "chart.umd.min.js", IMMUTABLE)

    @api.api_route("/wheels/{sha256}/{filename}", methods=["GET", "HEAD"], include_in_schema=False)
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

    return api
