"""What the page loads (``/api/builds``): Pyodide, its snapshot, the chart library and one
worker per build; and the site's health."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations.
from typing import Any

from fastapi import APIRouter
from fib_benchmarks import builds
from fib_benchmarks.results import schema
from fib_measuring import measure

from .. import native
from ..settings import Settings
from . import MAX_N
from .pages import wheel_url


def router(settings: Settings) -> APIRouter:
    api = APIRouter()
    code = schema.code()  # the commit serving the page: its documents record it

    @api.get("/api/health")
    def health() -> dict[str, Any]:
        """Liveness, and whether everything the page needs is built."""
        try:
            return {"status": "ok", "builds": len(site_builds()["builds"])}
        except builds.BuildError as error:
            return {"status": "incomplete", "detail": str(error)}

    @api.get("/api/builds")
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
                               "worker": f"/webapp-worker/javascript_worker.mjs?variant={variant}",
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
                wheel_url(builds.find_package(name)) for name in ("fib-measuring", "fib-worker")
            ],
            # Each build's colour and upper estimates of a call (contract.json), for the
            # charts and for the estimate of a run before it starts.
            "builds": [
                {
                    **build,
                    "colour": builds.COLOURS[build["variant"]],
                    "seconds_per_call": builds.SECONDS_PER_CALL[build["variant"]],
                }
                for build in in_browser
            ],
            "call_growth": builds.CALL_GROWTH,
            "warmup_max_s": measure.WARMUP_MAX_SECONDS,
            "settled_window": measure.SETTLED_WINDOW,
            "sample_ticks": measure.SAMPLE_TICKS,
            "native": {
                "max_n": settings.native_max_n,
                "max_repeats": settings.native_max_repeats,
                "variants": list(builds.PAGE_VARIANTS),
                "startup_s": native.STARTUP_S,
            },
        }

    return api
