"""Timings of the builds on this machine for the page (``/api/native``): the CLI's own
runner in a child process, one run at a time, bounded, cancellable."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations,
# some of which refer to `settings`.
import asyncio
import threading
from typing import Annotated, Any, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fib_benchmarks import builds, runtimes
from starlette.concurrency import run_in_threadpool

from .. import in_process
from ..native import SHUTTING_DOWN, Busy, NativeTimings, ShuttingDown, TooLong, plan_deadline
from ..settings import Settings
from . import AlgorithmName

# How often a native run's request looks at its deadline and at its client.
WATCH_INTERVAL_S = 0.25


def router(settings: Settings, native: NativeTimings) -> APIRouter:
    api = APIRouter()

    @api.get("/api/native")
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
        except runtimes.Cancelled:
            if native.closing.is_set():
                return JSONResponse({"detail": SHUTTING_DOWN}, status_code=503)
            if why == ["deadline"]:
                message = (f"native run stopped at its deadline of {deadline:.0f} s: ask for "
                           "fewer builds or calls, or a smaller n")  # fmt: skip
                return JSONResponse({"detail": message}, status_code=504)
            return JSONResponse({"detail": "cancelled"}, status_code=409)
        except (builds.BuildError, runtimes.RunnerError) as error:  # one line, for the page
            return JSONResponse({"detail": f"native run failed: {error}"}, status_code=500)

    @api.post("/api/native/cancel")
    def cancel_native(
        run: Annotated[str, Query(pattern=r"^[A-Za-z0-9-]{1,64}$")],
    ) -> dict[str, bool]:
        """Stop the native run started with this token, if it is still going."""
        return {"cancelled": native.cancel(run)}

    return api
