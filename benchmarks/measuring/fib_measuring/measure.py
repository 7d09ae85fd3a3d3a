"""Time ``fib`` calls of whichever implementation is importable, and describe the results.

Runs *inside* the measured interpreter: a native subprocess (``python -m
fib_measuring.measure PLAN_JSON``) or Pyodide. Standard library only. Output is a stream
of events (dicts), one JSON object per line on stdout for subprocesses: ``ready``, then per
case ``warm``, ``progress`` for each timed sample and ``result`` (its samples, not yet their
statistics: ``summarize`` is applied where a document is made, ``runtimes.measure_build``
and ``schema.summarized``), or ``error``. Their keys and meanings are defined once, in
``fib_benchmarks.events`` (which, needing pydantic, this module does not import).
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


def interpreter_name() -> str:
    """``CPython 3.11.7`` natively; ``Pyodide 314.0.7 (CPython 3.14.2)`` inside Pyodide;
    ``CPython 3.11.3 (WASI)`` in CPython for WASI, ``CPython 3.14.0 (WASI component)`` in
    the component runtime."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    if sys.platform == "emscripten":
        import pyodide  # only importable inside Pyodide

        return f"Pyodide {pyodide.__version__} ({python})"
    if sys.platform == "wasi":  # python.wasm; or a component, whose bindings are imported
        return f"{python} (WASI component)" if "wit_world" in sys.modules else f"{python} (WASI)"
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
    leading, trailing = edges(value, digits)
    return {
        "digits": digits,
        "leading": leading,
        "trailing": trailing,
        "digest": digest(value),
    }


def edges(value: Any, digits: int, ten: Any = 10) -> tuple[str, str]:
    """The first and the last EDGE_DIGITS decimal digits of a number of ``digits`` digits.
    Any integer type: the site's server checks saved runs with GMP's (``ten`` of its type,
    so that the powers are GMP's too)."""
    leading = str(value // ten ** max(digits - EDGE_DIGITS, 0))
    trailing = str(value % ten**EDGE_DIGITS).zfill(min(EDGE_DIGITS, digits))
    return leading, trailing


def digest(value: int) -> str:
    """The SHA-256 of the number's bytes, little-endian: what every build's row carries."""
    raw = value.to_bytes((value.bit_length() + 7) // 8, "little")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


# A timed sample lasts at least this many ticks of the clock: one call, or as many calls as
# that takes, timed together (timeit's autorange, pyperf's calibrated loops), so that the
# clock's step is at most a thousandth of a sample. Each sample's time is then divided by
# its calls. At most MAX_LOOPS calls a sample.
SAMPLE_TICKS = 1000
MAX_LOOPS = 1_000_000


def calibrated_loops(call_ns: int, resolution_ns: int) -> int:
    """Calls per timed sample (1, 2, 5, 10, 20, 50, ...): the fewest with which calls that
    take ``call_ns`` each last SAMPLE_TICKS ticks of a clock of ``resolution_ns``."""
    target = SAMPLE_TICKS * resolution_ns
    loops, steps = 1, (2, 5, 10)
    while loops * max(call_ns, 1) < target and loops < MAX_LOOPS:
        scale = 10 ** (len(str(loops)) - 1)
        loops = next(scale * step for step in steps if scale * step > loops)
    return min(loops, MAX_LOOPS)


def timed_sample(function: Callable[[], int], loops: int) -> tuple[int, int]:
    """(nanoseconds a call, result) of ``loops`` calls timed together (see ``timed_call``),
    the time a call rounded down to the nanosecond."""
    if loops == 1:
        return timed_call(function)

    def calls() -> int:
        for _ in range(loops - 1):
            function()
        return function()

    elapsed, value = timed_call(calls)
    return elapsed // loops, value


def timed_call(function: Callable[[], int]) -> tuple[int, int]:
    """(nanoseconds, result) of one call, with the garbage collector off while it runs.

    No collection before each call, as timeit and pyperf do not either: in Pyodide a
    gc.collect() just before a call made F(10^4) by doubling 2x (Python) to 4.5x (Rust)
    slower (Chromium 156; natively no difference). measure_case collects once, before
    the warm-up.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        value = function()
        elapsed = time.perf_counter_ns() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed, value


# Adaptive warm-up, the same rule in this module and the JavaScript build's measure.mjs:
# the first call alone (it is cold, and the browser traces it), then samples calibrated as
# the timed ones are (calibrated_loops, from the last sample's time a call), until the last
# SETTLED_WINDOW samples lie within SETTLED_SPREAD of each other and are no faster than the
# window before them; at most WARMUP_MAX_SAMPLES samples, and none started once
# WARMUP_MAX_SECONDS have gone on warm-up. Samples, not single calls: V8 runs a wasm
# function in its baseline compiler until the optimising tier has compiled it in the
# background, function by function, and in Chromium (a 5 µs clock) single calls of
# F(10^4) "settled" on the baseline code; Rust's doubling took 1 000 calls there to go
# from 0.58 ms to 0.04 ms a call, the first sizes of a run were timed half-compiled.
WARMUP_MAX_SAMPLES = 100
WARMUP_MAX_SECONDS = 2.0
SETTLED_WINDOW = 3
SETTLED_SPREAD = 0.05
AUTO = "auto"


def warmup_loops(row: Event) -> list[int]:
    """The calls of each of a row's warm-up samples: one each where it records none (before
    version 5 of the document, and rust-core's timer)."""
    return row.get("warmup_loops") or [1] * row["warmup"]


def settled(times_ns: list[int]) -> bool:
    """Whether warm-up samples (time a call; the first, cold call excluded) have settled:
    the last SETTLED_WINDOW agree within SETTLED_SPREAD, and their median is not
    SETTLED_SPREAD below that of the (up to SETTLED_WINDOW) samples before them, as it is
    while a JIT still compiles."""
    samples = times_ns[1:]
    if len(samples) < SETTLED_WINDOW:
        return False
    last = samples[-SETTLED_WINDOW:]
    if max(last) - min(last) > SETTLED_SPREAD * min(last):
        return False
    before = samples[-2 * SETTLED_WINDOW : -SETTLED_WINDOW]
    return not before or statistics.median(last) >= (1 - SETTLED_SPREAD) * statistics.median(before)


def warm_up(
    call: Callable[[], int],
    warmup: int | str,
    first: Optional[Callable[[], int]] = None,
    resolution_ns: int = 1,
) -> Event:
    """Untimed samples before the timed ones: ``warmup`` of them, or ``"auto"`` (see above).
    The first is one call; each later one as many calls as the clock of ``resolution_ns``
    needs at the last one's pace.

    ``first``, if given, replaces ``call`` for that first call: the browser passes the
    progress hook there, so a person sees a long call advance while no timed call ever
    carries the hook. Returns the record every row keeps: how many samples ran, their time
    a call and their calls, and whether they settled (None for a fixed count).
    """
    times: list[int] = []
    loops: list[int] = []
    auto = warmup == AUTO
    limit = WARMUP_MAX_SAMPLES if auto else int(warmup)
    spent = 0
    while len(times) < limit:
        if not times:
            elapsed, _ = timed_call(first if first is not None else call)
            calls = 1
        else:
            calls = calibrated_loops(times[-1], resolution_ns)
            elapsed, _ = timed_sample(call, calls)
        times.append(elapsed)
        loops.append(calls)
        spent += elapsed * calls
        if auto and (settled(times) or spent >= WARMUP_MAX_SECONDS * 1e9):
            break
    return {
        "warmup": len(times),
        "warmup_times_ns": times,
        "warmup_loops": loops,
        "warmup_settled": settled(times) if auto else None,
    }


# An outlier lies beyond 1.5 interquartile ranges from the middle half (Tukey's fences);
# a row is flagged unstable when its standard deviation exceeds this share of its mean
# (pyperf's rule of thumb).
OUTLIER_IQRS = 1.5
UNSTABLE_STDEV = 0.10
# A median of fewer ticks than this of the clock is quantised by more than 1 % (a browser
# page's performance.now() ticks every 5 µs when cross-origin isolated, 100 µs if not).
MIN_TICKS = 100


def _clock(resolution_ns: int) -> str:
    """A clock's tick in its unit: "60 ns", "5 µs"."""
    return f"{resolution_ns} ns" if resolution_ns < 1000 else f"{resolution_ns / 1000:g} µs"


def summarize(
    times_ns: list[int],
    warmup_settled: Optional[bool] = None,
    resolution_ns: Optional[int] = None,
    loops: int = 1,
) -> Event:
    """Statistics of the timed calls (each sample's time over its ``loops`` calls), with the
    warnings a reader should see beside them."""
    ordered = sorted(times_ns)
    count = len(ordered)
    if count >= 2:
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = median = q3 = float(ordered[0])
    mean = statistics.fmean(ordered)
    stdev = statistics.stdev(ordered) if count >= 2 else 0.0
    iqr = q3 - q1
    low, high = q1 - OUTLIER_IQRS * iqr, q3 + OUTLIER_IQRS * iqr
    outliers = sum(1 for t in ordered if t < low or t > high)
    # Each warning says what it means and what to do (measure.mjs says the same, word for word).
    warnings = []
    if outliers:
        warnings.append(f"{outliers} of {count} samples are outliers (beyond 1.5 IQR): something "
                        "else may have used the CPU; rerun, or time more calls")  # fmt: skip
    if count >= 2 and stdev > UNSTABLE_STDEV * mean:
        warnings.append(f"unstable: the standard deviation is {stdev / mean:.0%} of the mean: "
                        "rerun on a quieter machine, or time more calls")  # fmt: skip
    if warmup_settled is False:
        warnings.append("warm-up stopped at its bound before the timings settled: the timed "
                        "calls may still be warming up")  # fmt: skip
    if resolution_ns and median * loops < MIN_TICKS * resolution_ns:
        ticks = int(median * loops // resolution_ns)
        sample = "the median" if loops == 1 else f"the median sample of {loops} calls"
        warnings.append(f"{sample} is {ticks} {'tick' if ticks == 1 else 'ticks'} of a "
                        f"{_clock(resolution_ns)} clock (under {MIN_TICKS}): the time is "
                        "rounded to the tick; compare at a larger n")  # fmt: skip
    return {
        "median_ms": median / 1e6,
        "min_ms": ordered[0] / 1e6,
        "max_ms": ordered[-1] / 1e6,
        "mean_ms": mean / 1e6,
        "stdev_ms": stdev / 1e6,
        "q1_ms": q1 / 1e6,
        "q3_ms": q3 / 1e6,
        "iqr_ms": iqr / 1e6,
        "outliers": outliers,
        "warnings": warnings,
    }


def measure_case(
    module: Any,
    algorithm: str,
    n: int,
    repeats: int,
    warmup: int | str = AUTO,
    progress: Optional[Callable[[int, int], object]] = None,
) -> Iterator[Event]:
    """Warm up, then time ``repeats`` calls of ``module.fib(n, algorithm)``.

    The timed span is exactly what a Python user pays: the call, including the conversion
    of the result to a Python int, and nothing else: ``progress``, if given, follows the
    first warm-up call from inside (the browser draws it), never a timed one. Progress
    events come between calls.
    """
    call = lambda: module.fib(n, algorithm)  # noqa: E731
    traced = None if progress is None else lambda: module.fib(n, algorithm, progress=progress)
    gc.collect()  # what earlier cases left behind is not collected during this one's calls
    resolution = timer_resolution_ns()
    warm = warm_up(call, warmup, first=traced, resolution_ns=resolution)
    yield {"event": "warm", "algorithm": algorithm, "n": n, **warm}
    # Calls a sample, from the last warm-up sample's pace (one if there was no warm-up: a
    # cold call is what was asked for).
    last = warm["warmup_times_ns"][-1:]
    loops = calibrated_loops(last[0], resolution) if last else 1
    times: list[int] = []
    value = None
    for done in range(1, repeats + 1):
        elapsed, result = timed_sample(call, loops)
        if value is not None and result != value:
            raise AssertionError(f"fib({n}, {algorithm!r}) changed between repeats")
        value = result
        times.append(elapsed)
        yield {"event": "progress", "algorithm": algorithm, "n": n, "done": done, "total": repeats,
               "last_ns": elapsed}  # fmt: skip
    yield {
        "event": "result",
        "algorithm": algorithm,
        "n": n,
        "repeats": repeats,
        **warm,
        "loops": loops,
        "times_ns": times,
        "timer_resolution_ns": resolution,
        **describe(value),
    }


def timer_resolution_ns() -> int:
    """The smallest step of ``perf_counter_ns`` seen: 100 µs in a browser page that is not
    cross-origin isolated, 5 µs in one that is, well under a microsecond natively."""
    smallest = None
    for _ in range(5):
        start = time.perf_counter_ns()
        while (now := time.perf_counter_ns()) == start:
            pass
        step = now - start
        smallest = step if smallest is None else min(smallest, step)
    return smallest


def run_plan(plan: dict[str, Any]) -> Iterator[Event]:
    """Run every (algorithm, n) of ``plan`` against the module it names.

    ``plan``: ``{"module": "fib_pyrs", "algorithms": [...], "ns": [...], "repeats": 5,
    "warmup": "auto"}`` (or a number of warm-up calls). Any exception ends the stream with
    an ``error`` event.
    """
    try:
        module = importlib.import_module(plan["module"])
        yield {
            "event": "ready",
            "build_info": module.build_info(),
            "interpreter": interpreter_name(),
        }
        for algorithm in plan["algorithms"]:
            for n in plan["ns"]:
                yield from measure_case(module, algorithm, n, plan["repeats"], plan["warmup"])
    except Exception as error:  # reported to the parent, which shows it to the user
        yield {"event": "error", "message": f"{type(error).__name__}: {error}"}


def main(argv: list[str]) -> int:
    """Subprocess entry point: ``python -m fib_measuring.measure PLAN_JSON``."""
    for event in run_plan(json.loads(argv[1])):
        print(json.dumps(event), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
