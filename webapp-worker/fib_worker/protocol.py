"""Messages between the page and a benchmark worker (one worker per build).

The JavaScript builds' worker (``javascript_worker.mjs``, beside this package) speaks the
same protocol.

Page → worker (``postMessage``):

``{"type": "init", "variant", "module", "pyodide", "snapshot", "wheels": [url, ...]}``
    Load Pyodide from ``pyodide`` (a URL folder), from the memory snapshot at ``snapshot``
    if given, install ``wheels`` (``pyodide.loadPackage``), import ``module``. Handled by
    ``worker.mjs``.
``{"type": "run", "id", "algorithm", "n", "repeats", "warmup"}``
    Warm up (``warmup`` untimed samples, or ``"auto"``: until the timings settle, see
    ``fib_benchmarks.measure.warm_up``), then time ``repeats`` calls of ``fib(n, algorithm)``.

Worker → page:

``{"type": "status", "stage", "detail"}``
    Start-up progress: ``stage`` is ``loading-runtime``, ``installing``, ``importing`` or
    ``first-calls`` (``fib_worker.runner.FIRST_CALLS``).
``{"type": "ready", "variant", "build", "runtime", "startup": {phase: seconds}}``
    Ready to run; ``build`` is the module's ``build_info()``.
``{"type": "trace", "id", "done", "total", "elapsed_ms"}``
    Inside the first warm-up call only: ``done`` of ``total`` steps after ``elapsed_ms``
    (the core's progress hook, at most every 50 ms). The page draws the race from these.
    No timed call ever carries the hook, so the timings never include it.
``{"type": "warm", "id", "warmup", "settled", "last_ms"}``
    Warm-up is over after ``warmup`` calls, in samples (the last sample's calls took
    ``last_ms`` each, None if none ran);
    ``settled`` is false if a bound stopped it.
``{"type": "progress", "id", "call", "calls", "last_ms"}``
    ``call`` of ``calls`` timed calls are done, the last one took ``last_ms``.
``{"type": "result", "id", "row"}``
    One measurement: ``row`` has the fields of the result document's rows
    (``fib_benchmarks.document.Row``) that the
    worker knows (no ratios: the page computes those across builds).
``{"type": "error", "id", "stage", "message"}``
    Something failed: ``message`` is one line (the Python exception), ``stage`` says where
    (``loading-runtime``, ``installing``, ``importing``, ``run``).
"""

from __future__ import annotations

from typing import Any, Optional

Message = dict[str, Any]


def status(stage: str, detail: str = "") -> Message:
    return {"type": "status", "stage": stage, "detail": detail}


def ready(variant: str, build: dict, runtime: str, startup: dict) -> Message:
    return {"type": "ready", "variant": variant, "build": build, "runtime": runtime,
            "startup": startup}  # fmt: skip


def trace(run_id: int, done: int, total: int, elapsed_ms: float) -> Message:
    return {"type": "trace", "id": run_id, "done": done, "total": total,
            "elapsed_ms": elapsed_ms}  # fmt: skip


def warm(run_id: int, warmup: int, settled: Optional[bool], last_ms: Optional[float]) -> Message:
    return {"type": "warm", "id": run_id, "warmup": warmup, "settled": settled, "last_ms": last_ms}


def progress(run_id: int, call: int, calls: int, last_ms: float) -> Message:
    return {"type": "progress", "id": run_id, "call": call, "calls": calls, "last_ms": last_ms}


def result(run_id: int, row: dict) -> Message:
    return {"type": "result", "id": run_id, "row": row}


def error(stage: str, message: str, run_id: Optional[int] = None) -> Message:
    return {"type": "error", "id": run_id, "stage": stage, "message": message}
