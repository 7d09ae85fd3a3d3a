"""fib_worker, the Python half of the page's Pyodide workers, run natively on fib-python:
what it posts for a request are the events of a measurement (fib_benchmarks.events, each
checked against its model), in their order, with the right F(n); a bad request is one
error event and the worker goes on."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The two pure-Python packages as the page installs them (wheels of these folders).
sys.path[:0] = [str(REPO / "fib-python"), str(REPO / "webapp-worker")]

from fib_benchmarks import events  # noqa: E402
from fib_measuring import measure  # noqa: E402
from fib_worker import protocol, runner  # noqa: E402


def checked(posted: list[protocol.Message]) -> list[protocol.Message]:
    """The posted events, each valid in the one vocabulary (a ValidationError if not)."""
    for event in posted:
        events.check(event)
    return posted


def fibonacci(n: int) -> int:
    """F(n) by its definition: the tests' independent truth."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_ready_names_the_build_and_keeps_the_start_up_phases():
    ready = runner.load("python", "fib_python", {"importing": 0.25})
    assert checked([ready]) and ready["event"] == "ready" and ready["variant"] == "python"
    assert ready["startup"] == {"importing": 0.25}
    assert ready["build_info"]["implementation"] and ready["interpreter"].startswith("CPython")


def test_a_run_posts_its_trace_warm_up_progress_and_result_in_order(monkeypatch):
    runner.load("python", "fib_python", {})
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL_NS", 0)  # every timed sample told
    posted: list[protocol.Message] = []
    request = {"type": "run", "id": 7, "algorithm": "doubling", "n": 1000, "repeats": 3,
               "warmup": 2}  # fmt: skip
    runner.handle(request, posted.append)
    kinds = [message["event"] for message in checked(posted)]
    # The first warm-up call is traced (a short call tells its finish once it has
    # returned), then the warm-up's end, one progress message per timed call, the result.
    traced = kinds.count("trace")
    assert traced >= 1 and kinds[:traced] == ["trace"] * traced
    assert kinds[traced:] == ["warm", "progress", "progress", "progress", "result"]
    assert all(message["id"] == 7 for message in posted)
    last_trace = posted[traced - 1]
    assert last_trace["done"] == last_trace["total"] == (1000).bit_length()
    assert all(m["algorithm"] == "doubling" and m["n"] == 1000 for m in posted)
    row = posted[-1]
    # Two warm-up samples (the traced call, then as many calls as the clock needs), told
    # as the measuring core tells them.
    assert row["warmup"] == 2 and row["warmup_loops"][0] == 1
    assert posted[traced]["warmup_loops"] == row["warmup_loops"]
    assert [(m["done"], m["total"]) for m in posted if m["event"] == "progress"] == [
        (1, 3), (2, 3), (3, 3)]  # fmt: skip
    assert (row["algorithm"], row["n"]) == ("doubling", 1000)  # the page adds the build
    assert len(row["times_ns"]) == 3
    truth = measure.describe(fibonacci(1000))
    assert {key: row[key] for key in truth} == truth
    assert row["digits"] == 209  # F(1000) has 209 digits, independently known


def test_a_traced_call_posts_nothing_in_its_first_interval_and_its_finish_after(monkeypatch):
    """A message posted from inside the call is part of its time: a short call posts none
    while it runs; a long one every TRACE_INTERVAL_NS, and its finish once it returned."""
    runner.load("python", "fib_python", {})
    request = {"type": "run", "id": 3, "algorithm": "doubling", "n": 1000, "repeats": 1,
               "warmup": 1}  # fmt: skip
    monkeypatch.setattr(runner, "TRACE_INTERVAL_NS", 10**15)  # every call "short"
    short: list[protocol.Message] = []
    runner.handle(request, short.append)
    steps = (1000).bit_length()
    assert [(m["done"], m["total"]) for m in short if m["event"] == "trace"] == [(steps, steps)]
    monkeypatch.setattr(runner, "TRACE_INTERVAL_NS", 0)  # every step "long"
    inside: list[int] = []

    def post(message: protocol.Message) -> None:
        if message["event"] == "trace":  # what the call had done when it was posted
            inside.append(message["done"])

    runner.handle(request, post)
    assert inside == list(range(1, steps + 1))


def test_quick_samples_are_told_at_most_every_progress_interval(monkeypatch):
    """Each message wakes the page, which then takes CPU from the timed calls."""
    runner.load("python", "fib_python", {})
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL_NS", 10**12)
    posted: list[protocol.Message] = []
    runner.handle({"type": "run", "id": 5, "algorithm": "doubling", "n": 1000, "repeats": 20,
                   "warmup": 1}, posted.append)  # fmt: skip
    # None between the first and the last: the warm-up's end was told just before.
    told = [(m["done"], m["total"]) for m in checked(posted) if m["event"] == "progress"]
    assert told == [(20, 20)] and posted[-1]["event"] == "result"


def test_a_bad_request_is_one_error_and_the_worker_goes_on():
    runner.load("python", "fib_python", {})
    posted: list[protocol.Message] = []
    runner.handle({"type": "jump", "id": 1}, posted.append)
    runner.handle({"type": "run", "id": 2, "algorithm": "doubling", "n": -1, "repeats": 1},
                  posted.append)  # fmt: skip
    runner.handle({"type": "run", "id": 3, "algorithm": "doubling", "n": 10, "repeats": 1,
                   "warmup": 0}, posted.append)  # fmt: skip
    errors = [m for m in checked(posted) if m["event"] == "error"]
    assert [(e["id"], e["stage"]) for e in errors] == [(1, "run"), (2, "run")]
    assert errors[0]["message"] == "ValueError: unknown request type 'jump'"
    assert errors[1]["message"].startswith("ValueError: ") and "\n" not in errors[1]["message"]
    assert posted[-1]["event"] == "result" and posted[-1]["digest"] == measure.digest(55)


def test_the_first_calls_run_each_case_as_a_run_does_and_tell_no_one():
    runner.load("python", "fib_python", {})
    converted: list[protocol.Message] = []
    runner.first_calls(converted.append)
    results = [m for m in checked(converted) if m["event"] == "result"]
    assert [(row["algorithm"], row["n"]) for row in results] == list(runner.FIRST_CALLS)
    for row in results:  # one traced call, one timed sample: the run's code, all of it
        assert row["warmup"] == 1 and len(row["times_ns"]) == 1
        assert row["digest"] == measure.digest(fibonacci(row["n"]))
    assert {m["event"] for m in converted} == {"trace", "warm", "progress", "result"}
    assert all(m["id"] is None for m in converted)  # no run of the page's
