"""F(n) computed in this server process by a chosen build: Rust in a Python service's hot path.

``GET /api/fib`` is what a Python web service that calls a PyO3 extension looks like: no
child process (that is ``/api/native``, the benchmark's timings), the build's ``fib``
called in the process serving the request. The Rust builds release the GIL while they
compute, so concurrent computations overlap; fib-python holds it, so they take turns.

Each build is loaded from its own installed wheel (``build/sites/<variant>-native``)
under a name of its own, so that the release and the debug build of ``fib_pyrs`` (one
module name, two shared libraries) live side by side in one process.

Bounded like ``/api/native``: n at most :data:`MAX_N`; a request whose estimated time is
beyond ``fib_max_s`` is refused at once (422); at most ``fib_slots`` computations at a time
per process and ``fib_queue`` waiting (503 beyond, with Retry-After); a computation stops
at its deadline (504), when its client goes away, or when the server shuts down (503).
"""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations.
import asyncio
import functools
import importlib.util
import os
import sys
import threading
import time
from types import ModuleType
from typing import Annotated, Any, Callable

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fib_benchmarks import builds
from fib_measuring import measure
from starlette.concurrency import run_in_threadpool

from . import admission
from .native import SHUTTING_DOWN, NativeTimings
from .settings import Settings

#: The builds a service can call in process (the page's in-browser builds are JavaScript).
VARIANTS = ("python", "rust-release", "rust-debug")
#: The largest n: F(10^6) is 0.2 s in fib-python, 10 ms in Rust release, 2 s in Rust debug.
MAX_N = 1_000_000
#: The number itself is in the answer only when asked and at most this n: F(20 000) has
#: 4 180 digits, under CPython's default limit on int-to-text conversion (4 300).
MAX_N_WITH_NUMBER = 20_000
#: Up to this n the answer (digits, digest) is made on the event loop: tens of
#: microseconds, less than a hop to a thread and back.
ANSWER_INLINE_MAX_N = 100_000
#: Without a progress hook a call cannot be stopped; below this estimate none is given
#: (a hook re-attaches to the interpreter at each report, a cost small calls do not need).
STOPPABLE_FROM_S = 0.05


#: A computation's deadline: twice its estimate, and at least this.
DEADLINE_MIN_S = 10.0


class Stopped(Exception):
    """Raised by the progress hook to stop a computation (deadline, client gone, shutdown)."""


_loading = threading.Lock()
_loaded: dict[str, ModuleType] = {}


def load(variant: str) -> ModuleType:
    """The build's module, loaded once from its own installed wheel under its own name.

    Raises builds.BuildError if the wheel is not built (``make wheels``)."""
    # Concurrent first requests must not run the package's code twice at once.
    with _loading:
        _loaded[variant] = _load(variant)
        return _loaded[variant]


@functools.cache
def _load(variant: str) -> ModuleType:
    wheel = builds.find_wheel(variant)
    package = builds.isolated_site(wheel) / wheel.module
    name = f"fib_in_process_{variant.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    if spec is None or spec.loader is None:
        raise builds.BuildError(f"{variant}: no package at {package}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its relative imports (the extension) resolve under it
    spec.loader.exec_module(module)
    profile = module.build_info().get("profile")
    if (wheel.profile or None) != profile:
        raise builds.BuildError(f"{variant}: loaded a {profile} build, not {wheel.profile}")
    return module


def refusal(n: int, algorithm: str, variant: str, number: bool, max_s: float) -> str:
    """Why a request with these (well-typed) values is refused, or "" if it is not."""
    if number and n > MAX_N_WITH_NUMBER:
        return f"the number itself is sent for n up to {MAX_N_WITH_NUMBER}, not {n}"
    estimate = builds.call_estimate_s(variant, "native", algorithm, n)
    if estimate > max_s:
        return (f"F({n}) by {algorithm} with {variant} would take about {estimate:.0f} s, "
                f"more than the {max_s:.0f} s a request may: ask for a smaller n, the "
                "doubling algorithm or a Rust release build")  # fmt: skip
    return ""


def compute(
    module: ModuleType, n: int, algorithm: str, stoppable: bool, stop: threading.Event
) -> tuple[int, float]:
    """(F(n), seconds) in this thread; raises Stopped once ``stop`` is set (if stoppable)."""

    def progress(_done: int, _total: int) -> None:
        if stop.is_set():
            raise Stopped

    hook = {"progress": progress} if stoppable else {}
    start = time.perf_counter()
    value = module.fib(n, algorithm, **hook)
    return value, time.perf_counter() - start


def answer(
    variant: str, algorithm: str, n: int, value: int, seconds: float, number: bool
) -> dict[str, Any]:
    """What a client gets: F(n)'s digits count and digest (measure.digest, every build's),
    the time the call took, and the number itself if asked."""
    result = {"variant": variant, "algorithm": algorithm, "n": n,
              "digits": admission.decimal_digits(value), "digest": measure.digest(value),
              "seconds": seconds}  # fmt: skip
    if number:
        result["number"] = str(value)
    return result


async def watch(
    job: "asyncio.Future[Any]",
    stop: threading.Event,
    request: Request,
    deadline_s: float,
    closing: threading.Event,
    interval_s: float,
) -> list[str]:
    """Waits for ``job``, setting ``stop`` (once) at the deadline, when the client goes away
    or when the server shuts down; returns why it was stopped (empty if it was not)."""
    why: list[str] = []
    started = time.monotonic()
    while not job.done():
        await asyncio.wait({job}, timeout=interval_s)
        if job.done() or stop.is_set():
            continue
        if closing.is_set():
            why.append("shutdown")
        elif time.monotonic() - started > deadline_s:
            why.append("deadline")
        elif await request.is_disconnected():
            why.append("disconnected")
        if why:
            stop.set()
    return why


class Slots:
    """At most ``slots`` computations at a time in this process, and ``queue`` waiting."""

    def __init__(self, slots: int, queue: int) -> None:
        self._free = asyncio.Semaphore(slots)
        self._queue = queue
        self._waiting = 0

    async def acquire(self, timeout_s: float) -> None:
        """Raises HTTPException 503 when too many wait, or none is free within the timeout."""
        if self._waiting >= self._queue and self._free.locked():
            raise busy("too many requests are waiting for a computation")
        self._waiting += 1
        try:
            await asyncio.wait_for(self._free.acquire(), timeout_s)
        except TimeoutError:
            raise busy("no computation slot was free in time") from None
        finally:
            self._waiting -= 1

    def release(self) -> None:
        self._free.release()


def one_of(names: tuple[str, ...]) -> str:
    """A query parameter's pattern that accepts exactly these names."""
    return "^(" + "|".join(names) + ")$"


def busy(detail: str) -> HTTPException:
    return HTTPException(status_code=503, detail=f"busy: {detail}", headers={"Retry-After": "1"})


Variant = Annotated[str, Query(pattern=one_of(VARIANTS))]
Algorithm = Annotated[str, Query(pattern=one_of(builds.ALGORITHMS))]


def router(settings: Settings, native: NativeTimings, watch_interval_s: float) -> APIRouter:
    """The ``/api/fib`` route, bounded by ``settings``; ``native.closing`` says the server
    is shutting down."""
    api = APIRouter()
    slots_by_loop: dict[int, Slots] = {}

    def slots() -> Slots:
        # One set per event loop (a test client may run several, one after another).
        loop = id(asyncio.get_running_loop())
        if loop not in slots_by_loop:
            count = settings.fib_slots or os.cpu_count() or 1
            slots_by_loop[loop] = Slots(count, settings.fib_queue)
        return slots_by_loop[loop]

    @api.get("/api/fib")
    async def fib_in_process(
        request: Request,
        n: Annotated[int, Query(ge=0, le=MAX_N)],
        algorithm: Algorithm = "doubling",
        variant: Variant = "rust-release",
        number: bool = False,
    ) -> Any:
        """F(n) computed in this server process by one build: its digits count and digest,
        the call's time, and the number itself if asked (n at most 20 000).

        Rust releases the GIL while it computes, so computations of concurrent requests
        overlap; fib-python holds it. (One server process is still bounded by its event
        loop: docs/performance.md, "Rust in a Python service under load".)
        """
        refused = refusal(n, algorithm, variant, number, settings.fib_max_s)
        if refused:
            raise HTTPException(status_code=422, detail=refused)
        estimate = builds.call_estimate_s(variant, "native", algorithm, n)
        if native.closing.is_set():
            return JSONResponse({"detail": SHUTTING_DOWN}, status_code=503)
        try:
            # Loaded once (the first time in a thread: it may install the wheel); then no
            # thread hop, which costs a small request more than its computation.
            module = _loaded.get(variant) or await run_in_threadpool(load, variant)
        except builds.BuildError as error:
            return JSONResponse({"detail": f"{variant} is not built: {error}"}, status_code=503)
        deadline = settings.fib_deadline_s or max(DEADLINE_MIN_S, 2 * estimate)
        await slots().acquire(timeout_s=deadline)
        try:
            stop = threading.Event()
            call: Callable[[], tuple[int, float]] = functools.partial(
                compute, module, n, algorithm, estimate >= STOPPABLE_FROM_S, stop
            )
            job = asyncio.ensure_future(run_in_threadpool(call))
            why = await watch(job, stop, request, deadline, native.closing, watch_interval_s)
            try:
                value, seconds = job.result()
            except Stopped:
                if why == ["deadline"]:
                    message = f"F({n}) stopped at its deadline of {deadline:.0f} s"
                    return JSONResponse({"detail": message}, status_code=504)
                if why == ["shutdown"]:
                    return JSONResponse({"detail": SHUTTING_DOWN}, status_code=503)
                return JSONResponse({"detail": "cancelled"}, status_code=409)
        finally:
            slots().release()
        if n <= ANSWER_INLINE_MAX_N:  # describing F(n) takes microseconds
            return answer(variant, algorithm, n, value, seconds, number)
        return await run_in_threadpool(answer, variant, algorithm, n, value, seconds, number)

    return api
