"""fib_worker, the Python half of the page's Pyodide workers, run natively on fib-python:
what it posts for a request is the protocol's vocabulary (fib_worker.protocol), in its
order, with the right F(n); a bad request is one error message and the worker goes on."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The two pure-Python packages as the page installs them (wheels of these folders).
sys.path[:0] = [str(REPO / "fib-python"), str(REPO / "webapp-worker")]

from fib_benchmarks import measure  # noqa: E402
from fib_worker import protocol, runner  # noqa: E402


def fibonacci(n: int) -> int:
    """F(n) by its definition: the tests' independent truth."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_ready_names_the_build_and_keeps_the_start_up_phases():
    ready = runner.load("python", "fib_python", {"importing": 0.25})
    assert ready["type"] == "ready" and ready["variant"] == "python"
    assert ready["startup"] == {"importing": 0.25}
    assert ready["build"]["implementation"] and ready["runtime"].startswith("CPython")


def test_a_run_posts_its_trace_warm_up_progress_and_result_in_order():
    runner.load("python", "fib_python", {})
    posted: list[protocol.Message] = []
    request = {"type": "run", "id": 7, "algorithm": "doubling", "n": 1000, "repeats": 3,
               "warmup": 2}  # fmt: skip
    runner.handle(request, posted.append)
    kinds = [message["type"] for message in posted]
    # The first warm-up call is traced (its first and last report at least), then the
    # warm-up's end, one progress message per timed call, the result.
    traced = kinds.count("trace")
    assert traced >= 2 and kinds[:traced] == ["trace"] * traced
    assert kinds[traced:] == ["warm", "progress", "progress", "progress", "result"]
    assert all(message["id"] == 7 for message in posted)
    last_trace = posted[traced - 1]
    assert last_trace["done"] == last_trace["total"] == (1000).bit_length()
    assert posted[traced]["warmup"] == 2
    assert [m["call"] for m in posted if m["type"] == "progress"] == [1, 2, 3]
    row = posted[-1]["row"]
    assert (row["algorithm"], row["n"]) == ("doubling", 1000)  # the page adds the build
    assert len(row["times_ns"]) == 3 and row["warmup"] == 2
    truth = measure.describe(fibonacci(1000))
    assert {key: row[key] for key in truth} == truth
    assert row["digits"] == 209  # F(1000) has 209 digits, independently known


def test_a_bad_request_is_one_error_and_the_worker_goes_on():
    runner.load("python", "fib_python", {})
    posted: list[protocol.Message] = []
    runner.handle({"type": "jump", "id": 1}, posted.append)
    runner.handle({"type": "run", "id": 2, "algorithm": "doubling", "n": -1, "repeats": 1},
                  posted.append)  # fmt: skip
    runner.handle({"type": "run", "id": 3, "algorithm": "doubling", "n": 10, "repeats": 1,
                   "warmup": 0}, posted.append)  # fmt: skip
    errors = [m for m in posted if m["type"] == "error"]
    assert [(e["id"], e["stage"]) for e in errors] == [(1, "run"), (2, "run")]
    assert errors[0]["message"] == "ValueError: unknown request type 'jump'"
    assert errors[1]["message"].startswith("ValueError: ") and "\n" not in errors[1]["message"]
    assert posted[-1]["type"] == "result" and posted[-1]["row"]["digest"] == measure.digest(55)


def test_the_first_calls_run_the_build_once_per_range_of_sizes(monkeypatch):
    calls = []

    class Recording:
        @staticmethod
        def fib(n, algorithm, *, progress=None):
            calls.append((algorithm, n, progress is not None))
            return fibonacci(n) if n < 2000 else 0

    monkeypatch.setattr(runner, "_module", Recording)
    runner.first_calls()
    assert [(a, n) for a, n, _ in calls] == list(runner.FIRST_CALLS)
    assert [hooked for *_, hooked in calls] == [True, False, False]
