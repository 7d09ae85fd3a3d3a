"""Runs the page's requests against the one build of the fib API imported in this worker."""

from __future__ import annotations

import importlib
import time
from typing import Any, Callable

from fib_benchmarks import measure

from . import protocol

Post = Callable[[protocol.Message], None]

# Below this n a call takes milliseconds: no progress inside it, so that the hook's few
# calls cannot weigh on the timing. Above it they cost well under 0.1 % of a call.
PROGRESS_INSIDE_CALLS_FROM_N = 100_000
# At most this often, progress inside a call is posted to the page.
PROGRESS_INTERVAL_S = 0.1

_module: Any = None


def load(variant: str, module_name: str, startup: dict) -> protocol.Message:
    """Import the build; the ``ready`` message for the page."""
    global _module
    _module = importlib.import_module(module_name)
    return protocol.ready(variant, _module.build_info(), measure.runtime_name(), startup)


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


def _run(request: dict, run_id: int, post: Post) -> None:
    n, algorithm = request["n"], request["algorithm"]
    repeats, warmup = int(request.get("repeats", 3)), int(request.get("warmup", 1))
    state = {"call": 0, "posted": 0.0}

    def inside_call(done: int, total: int) -> None:
        now = time.monotonic()
        if now - state["posted"] >= PROGRESS_INTERVAL_S or done == total:
            state["posted"] = now
            post(protocol.progress(run_id, state["call"], repeats, done, total))

    hook = inside_call if n >= PROGRESS_INSIDE_CALLS_FROM_N else None
    for event in measure.measure_case(_module, algorithm, n, repeats, warmup, progress=hook):
        if event["event"] == "progress":
            state["call"] = event["done"]
            post(protocol.progress(run_id, event["done"], repeats))
        elif event["event"] == "result":
            del event["event"]
            post(protocol.result(run_id, event))
