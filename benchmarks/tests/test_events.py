"""The events of a measurement, defined once (fib_benchmarks.events): the published JSON
Schema is the models' own, and what each harness says is valid in it and only that."""

from __future__ import annotations

import json
import subprocess

import pytest
from fib_benchmarks import builds, events
from fib_measuring import measure
from pydantic import ValidationError


def test_the_schema_file_in_the_repository_is_the_models_own():
    """`python -m fib_benchmarks.events` rewrites it after a change to the models."""
    assert events.SCHEMA_FILE.read_text() == events.json_schema_text()
    published = json.loads(events.SCHEMA_FILE.read_text())
    assert {ref.split("/")[-1] for ref in published["discriminator"]["mapping"].values()} == {
        "Startup", "Ready", "Trace", "Warm", "Progress", "Result", "Error"}  # fmt: skip


def test_the_python_harness_speaks_it():
    class Build:  # the fib API, with F(n) by its definition
        @staticmethod
        def fib(n, algorithm="iterative", progress=None):
            a, b = 0, 1
            for _ in range(n):
                a, b = b, a + b
            return a

        @staticmethod
        def build_info():
            return {"implementation": "by definition"}

    said = list(measure.measure_case(Build, "iterative", 90, 3, measure.AUTO))
    assert [event["event"] for event in said] == ["warm", "progress", "progress", "progress",
                                                  "result"]  # fmt: skip
    for event in said:
        events.check(event)


def test_rust_cores_timer_speaks_it():
    """fib_timer writes its JSON lines by hand: the models hold it to the vocabulary."""
    if not builds.RUST_CORE_TIMER.exists():
        pytest.skip("make wheels builds fib_timer")
    command = [str(builds.RUST_CORE_TIMER), "2", "auto", "doubling:1000"]
    lines = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    said = [json.loads(line) for line in lines.splitlines()]
    assert said[-1]["event"] == "result" and said[-1]["digits"] == 209
    for event in said:
        events.check(event)


def test_a_runtimes_start_up_is_an_event_of_the_vocabulary_too():
    """What Pyodide under Node and CPython for WASI say first (pyodide_host.mjs,
    wasi_host, component_host): a startup event with the phases' times."""
    events.check({"event": "startup", "phases": {"module compiled": 3.84}})
    events.check({"event": "startup", "phases": {"loadPyodide": 1.2, "snapshot": False},
                  "interpreter": "Pyodide 314.0.7"})  # fmt: skip


@pytest.mark.parametrize("event, problem", [
    ({"event": "progress", "algorithm": "doubling", "n": 5, "call": 1, "calls": 3,
      "last_ms": 0.1}, "done"),  # the page's old keys: one vocabulary now
    ({"event": "warm", "algorithm": "doubling", "n": 5, "warmup": 1, "warmup_times_ns": [-3],
      "warmup_settled": None}, "warmup_times_ns.0"),
    ({"type": "result", "row": {}}, "event"),
    ({"event": "error"}, "message"),
])  # fmt: skip
def test_what_is_not_an_event_is_refused(event, problem):
    with pytest.raises(ValidationError, match=problem):
        events.check(event)
