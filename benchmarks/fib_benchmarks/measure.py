"""Time ``fib`` calls of whichever implementation is importable, and describe the results.

Runs *inside* the measured interpreter: a native subprocess (``python -m
fib_benchmarks.measure PLAN_JSON``) or Pyodide. Standard library only. Output is a stream
of events (dicts), one JSON object per line on stdout for subprocesses:

- ``{"event": "ready", "build": {...}, "runtime": "..."}``
- ``{"event": "progress", "algorithm", "n", "done", "total"}``: ``done`` of ``total`` timed
  calls (warm-up excluded) for that case;
- ``{"event": "result", ...}``: one measurement (see ``schema.Measurement``);
- ``{"event": "error", "message": "..."}``: the run stopped; the message is the exception.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import json
import math
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any, Callable, Optional

Event = dict[str, Any]

LOG10_2 = math.log10(2)
EDGE_DIGITS = 12


def runtime_name() -> str:
    """``CPython 3.11.7`` natively; ``Pyodide 314.0.7 (CPython 3.14.2)`` inside Pyodide."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    if sys.platform == "emscripten":
        import pyodide  # only importable inside Pyodide

        return f"Pyodide {pyodide.__version__} ({python})"
    return python


def decimal_digits(value: int) -> int:
    """Exact number of decimal digits, without the (quadratic on 3.11) ``str(value)``."""
    if value == 0:
        return 1
    digits = int((value.bit_length() - 1) * LOG10_2) + 1
    while value >= 10**digits:
        digits += 1
    while digits > 1 and value < 10 ** (digits - 1):
        digits -= 1
    return digits


def describe(value: int) -> dict[str, Any]:
    """Facts that identify F(n) and can be compared across implementations and runtimes."""
    digits = decimal_digits(value)
    raw = value.to_bytes((value.bit_length() + 7) // 8, "little")
    leading = str(value // 10 ** max(digits - EDGE_DIGITS, 0))
    trailing = str(value % 10**EDGE_DIGITS).zfill(min(EDGE_DIGITS, digits))
    return {
        "digits": digits,
        "leading": leading,
        "trailing": trailing,
        "digest": "sha256:" + hashlib.sha256(raw).hexdigest(),
    }


def timed_call(function: Callable[[], int]) -> tuple[int, int]:
    """(nanoseconds, result) of one call, with the garbage collector off while it runs."""
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        value = function()
        elapsed = time.perf_counter_ns() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed, value


def measure_case(
    module: Any,
    algorithm: str,
    n: int,
    repeats: int,
    warmup: int,
    progress: Optional[Callable[[int, int], object]] = None,
) -> Iterator[Event]:
    """Warm up, then time ``repeats`` calls of ``module.fib(n, algorithm)``.

    The timed span is exactly what a Python user pays: the call, including the conversion
    of the result to a Python int. Progress events come between calls; ``progress``, if
    given, is passed to ``fib`` to follow long calls from inside (the browser does that).
    """
    if progress is None:
        call = lambda: module.fib(n, algorithm)  # noqa: E731
    else:
        call = lambda: module.fib(n, algorithm, progress=progress)  # noqa: E731
    for _ in range(warmup):
        call()
    times: list[int] = []
    value = None
    for done in range(1, repeats + 1):
        elapsed, result = timed_call(call)
        if value is not None and result != value:
            raise AssertionError(f"fib({n}, {algorithm!r}) changed between repeats")
        value = result
        times.append(elapsed)
        yield {"event": "progress", "algorithm": algorithm, "n": n, "done": done, "total": repeats}
    yield {
        "event": "result",
        "algorithm": algorithm,
        "n": n,
        "repeats": repeats,
        "warmup": warmup,
        "times_ns": times,
        "median_ms": statistics.median(times) / 1e6,
        "min_ms": min(times) / 1e6,
        "max_ms": max(times) / 1e6,
        "progress_hook": progress is not None,
        **describe(value),
    }


def run_plan(plan: dict[str, Any]) -> Iterator[Event]:
    """Run every (algorithm, n) of ``plan`` against the module it names.

    ``plan``: ``{"module": "fib_pyrs", "algorithms": [...], "ns": [...], "repeats": 5,
    "warmup": 1}``. Any exception ends the stream with an ``error`` event.
    """
    try:
        module = importlib.import_module(plan["module"])
        yield {"event": "ready", "build": module.build_info(), "runtime": runtime_name()}
        for algorithm in plan["algorithms"]:
            for n in plan["ns"]:
                yield from measure_case(module, algorithm, n, plan["repeats"], plan["warmup"])
    except Exception as error:  # reported to the parent, which shows it to the user
        yield {"event": "error", "message": f"{type(error).__name__}: {error}"}


def main(argv: list[str]) -> int:
    """Subprocess entry point: ``python -m fib_benchmarks.measure PLAN_JSON``."""
    for event in run_plan(json.loads(argv[1])):
        print(json.dumps(event), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
