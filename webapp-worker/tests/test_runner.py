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
    row = posted[-1]["row"]
    # Two warm-up samples (the traced call, then as many calls as the clock needs): the
    # page is told their calls.
    assert row["warmup"] == 2 and row["warmup_loops"][0] == 1
    assert posted[traced]["warmup"] == sum(row["warmup_loops"])
    assert [m["call"] for m in posted if m["type"] == "progress"] == [1, 2, 3]
    assert (row["algorithm"], row["n"]) == ("doubling", 1000)  # the page adds the build
    assert len(row["times_ns"]) == 3
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


def test_the_first_calls_run_each_case_as_a_run_does_and_tell_no_one():
    runner.load("python", "fib_python", {})
    converted: list[protocol.Message] = []
    runner.first_calls(converted.append)
    results = [m["row"] for m in converted if m["type"] == "result"]
    assert [(row["algorithm"], row["n"]) for row in results] == list(runner.FIRST_CALLS)
    for row in results:  # one traced call, one timed sample: the run's code, all of it
        assert row["warmup"] == 1 and len(row["times_ns"]) == 1
        assert row["digest"] == measure.digest(fibonacci(row["n"]))
    assert {m["type"] for m in converted} == {"trace", "warm", "progress", "result"}
    assert all(m["id"] is None for m in converted)  # no run of the page's
