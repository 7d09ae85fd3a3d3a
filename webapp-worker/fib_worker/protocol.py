"""Messages between the page and a benchmark worker (one worker per build).

The JavaScript builds' worker (``javascript_worker.mjs``, beside this package) speaks the
same protocol.

Page → worker (``postMessage``), requests:

``{"type": "init", "variant", "module", "pyodide", "snapshot", "wheels": [url, ...]}``
    Load Pyodide from ``pyodide`` (a URL folder), from the memory snapshot at ``snapshot``
    if given, install ``wheels`` (``pyodide.loadPackage``), import ``module``. Handled by
    ``worker.mjs``.
``{"type": "run", "id", "algorithm", "n", "repeats", "warmup"}``
    Warm up (``warmup`` untimed samples, or ``"auto"``: until the timings settle, see
    ``fib_measuring.measure.warm_up``), then time ``repeats`` samples of
    ``fib(n, algorithm)``.

Worker → page: the events of a measurement, ``fib_benchmarks.events`` (one vocabulary from
the harness to the table): ``startup`` and ``ready`` (or ``error``) after ``init``;
``trace``, ``warm``, ``progress`` and ``result`` (or ``error``) after ``run``, each with the
``id`` of its request. The measuring core's events are posted as they are; this module
makes the worker's own (``worker.mjs`` posts the start-up events itself).
"""

from __future__ import annotations

from typing import Any, Optional

Message = dict[str, Any]


def ready(variant: str, build_info: dict, interpreter: str, startup: dict) -> Message:
    return {"event": "ready", "variant": variant, "build_info": build_info,
            "interpreter": interpreter, "startup": startup}  # fmt: skip


def trace(run_id: Optional[int], algorithm: str, n: int, done: int, total: int,
          elapsed_ns: int) -> Message:  # fmt: skip
    return {"event": "trace", "id": run_id, "algorithm": algorithm, "n": n, "done": done,
            "total": total, "elapsed_ns": elapsed_ns}  # fmt: skip


def error(stage: str, message: str, run_id: Optional[int] = None) -> Message:
    return {"event": "error", "id": run_id, "stage": stage, "message": message}
