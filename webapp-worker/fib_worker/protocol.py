"""Messages between the page and a benchmark worker (one worker per build).

Page → worker (``postMessage``):

``{"type": "init", "variant", "module", "pyodide", "micropip", "wheels": [url, ...]}``
    Load Pyodide from ``pyodide`` (a URL folder), micropip from its wheel URL, install
    ``wheels`` with micropip, import ``module``. Handled by ``worker.mjs``.
``{"type": "run", "id", "algorithm", "n", "repeats", "warmup"}``
    Time ``repeats`` calls of ``fib(n, algorithm)`` after ``warmup`` untimed ones.

Worker → page:

``{"type": "status", "stage", "detail"}``
    Start-up progress: ``stage`` is ``loading-runtime``, ``installing`` or ``importing``.
``{"type": "ready", "variant", "build", "runtime", "startup": {phase: seconds}}``
    Ready to run; ``build`` is the module's ``build_info()``.
``{"type": "progress", "id", "call", "calls", "done", "total"}``
    During a run: ``call`` of ``calls`` timed calls are done (warm-up calls are not
    counted), and, for long calls (n >= 100 000), ``done`` of ``total`` steps of the call
    under way (the core's progress hook; ``total`` is 0 between calls).
``{"type": "result", "id", "row"}``
    One measurement: ``row`` has the fields of ``fib_benchmarks.schema`` rows that the
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


def progress(run_id: int, call: int, calls: int, done: int = 0, total: int = 0) -> Message:
    return {"type": "progress", "id": run_id, "call": call, "calls": calls, "done": done,
            "total": total}  # fmt: skip


def result(run_id: int, row: dict) -> Message:
    return {"type": "result", "id": run_id, "row": row}


def error(stage: str, message: str, run_id: Optional[int] = None) -> Message:
    return {"type": "error", "id": run_id, "stage": stage, "message": message}
