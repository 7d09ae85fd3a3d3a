"""Runs the page's requests against the one build of the fib API imported in this worker."""

from __future__ import annotations

import importlib
import time
from typing import Any, Callable, Optional

from fib_measuring import measure

from . import protocol

Post = Callable[[protocol.Message], None]

# The first warm-up call is traced for the page's race view: its progress reports are
# posted at most this often (and always the last one). Timed calls carry no hook at all.
TRACE_INTERVAL_NS = 50_000_000
# At most this often, a timed sample's progress is posted (and always the last): each
# message wakes the page, which redraws, and in Chromium on two cores that took CPU from
# the timed calls (javascript_worker.mjs says what it cost there).
PROGRESS_INTERVAL_NS = 100_000_000

#: Cases run once when the build is loaded, as a run runs them but with no one told. In a
#: browser, WebAssembly is compiled on its first call (V8 compiles a module's functions
#: lazily): Rust release's first F(10^4) in Chromium took 21 ms, 400 times its later
#: calls, and the race and the first timings showed the compiler. One case per range of
#: sizes runs each part of the code once: the squarings, the NTT, the iterative additions,
#: and the run's own code around them: the traced call's hook, the messages and their
#: conversion to JavaScript (with only the calls here, the first traced call of a run still
#: took 5-25 ms).
FIRST_CALLS = (("doubling", 10_000), ("doubling", 200_000), ("iterative", 1_000))

_module: Any = None


def load(variant: str, module_name: str, startup: dict) -> protocol.Message:
    """Import the build; the ``ready`` message for the page."""
    global _module
    _module = importlib.import_module(module_name)
    return protocol.ready(variant, _module.build_info(), measure.interpreter_name(), startup)


def first_calls(convert: Post = lambda _message: None) -> None:
    """Run FIRST_CALLS with the loaded build (see there): one traced call and one timed
    sample each, every message handed to ``convert`` (the worker converts it to JavaScript
    as it does a run's, and posts nothing)."""
    for algorithm, n in FIRST_CALLS:
        _run({"algorithm": algorithm, "n": n, "repeats": 1, "warmup": 1}, None, convert)


def handle(request: dict, post: Post) -> None:
    """Carry out one ``run`` request, posting progress, then a result or an error."""
    run_id = request.get("id")
    try:
        if request.get("type") != "run":
            raise ValueError(f"unknown request type {request.get('type')!r}")
        if _module is None:
            raise RuntimeError("no build loaded yet")
        _run(request, run_id, post)
    except Exception as failure:  # the page shows it; the worker stays usable
        post(protocol.error("run", f"{type(failure).__name__}: {failure}", run_id))


def _run(request: dict, run_id: Optional[int], post: Post) -> None:
    n, algorithm = request["n"], request["algorithm"]
    repeats, warmup = int(request["repeats"]), request.get("warmup", measure.AUTO)
    started = time.perf_counter_ns()
    # A message posted from inside the call is part of its time (here its conversion to
    # JavaScript too): the traced call posts one only every TRACE_INTERVAL_NS, none in its
    # first, and keeps the last step's (the finish) until the call has returned.
    last_posted = [started]
    pending: list[Optional[protocol.Message]] = [None]

    def trace(done: int, total: int) -> None:
        # Only ever called during the first, untimed warm-up call.
        now = time.perf_counter_ns()
        pending[0] = protocol.trace(run_id, algorithm, n, done, total, now - started)
        if now - last_posted[0] >= TRACE_INTERVAL_NS and done < total:
            last_posted[0] = now
            post(pending[0])
            pending[0] = None

    # The measuring core's own events, as they are, with the request they answer.
    told: Optional[int] = None
    for event in measure.measure_case(_module, algorithm, n, repeats, warmup, progress=trace):
        if pending[0] is not None:  # the traced call's finish, now that it has returned
            post(pending[0])
            pending[0] = None
        now = time.perf_counter_ns()
        soon = told is not None and now - told < PROGRESS_INTERVAL_NS
        if event["event"] == "progress" and event["done"] < event["total"] and soon:
            continue
        told = now
        post(event | {"id": run_id})
