"""The JavaScript build against the Python ones: the same F(n), warm-up rule and errors.

fib-javascript re-implements the fib API (fib.mjs, after fib_python), and
fib_measuring/measure.mjs the timing half of fib_measuring.measure for it. Each
comparison here computes the Python side in this process and the JavaScript side under
Node.js, on the same inputs, and asks for equality to the last bit: a row of the benchmark
must mean the same whichever harness wrote it. Skipped when Node.js is not installed.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
JAVASCRIPT = REPO / "fib-javascript"
HARNESS = REPO / "benchmarks" / "measuring" / "fib_measuring" / "measure.mjs"
NODE = shutil.which("node")
TIMEOUT_S = 120  # any one Node process here; the slowest takes about a second

if NODE is None:
    pytest.skip("Node.js is needed to run the JavaScript build", allow_module_level=True)

try:
    from fib_benchmarks import events
    from fib_benchmarks.runtimes import native
    from fib_measuring import measure
except ImportError:  # run without the development environment
    sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "benchmarks" / "measuring")]
    from fib_benchmarks import events
    from fib_benchmarks.runtimes import native
    from fib_measuring import measure


def _load_fib_python() -> Any:
    """fib_python from its source folder. It is deliberately not installed in the
    development environment (one build importable at a time), and loading it by path
    leaves sys.path alone for the other tests."""
    path = REPO / "fib-python" / "fib_python" / "__init__.py"
    spec = importlib.util.spec_from_file_location("fib_python", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fib_python = _load_fib_python()

# Python's exception type -> the JavaScript one fib.mjs throws for the same mistake.
JS_ERROR = {"ValueError": "RangeError", "TypeError": "TypeError"}

NS = [0, 1, 2, 93, 94, 1000, 12345, 100000]  # 93/94: the last F(n) below 2^64, the first above
ALGORITHMS = ["iterative", "doubling"]


def run_plan(plan: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The events of ``node node_host.mjs PLAN_JSON``, and its exit status."""
    command = [NODE, str(native.JAVASCRIPT_HOST), json.dumps(plan)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert not done.stderr, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.returncode


def run_javascript(body: str, data: Any) -> Any:
    """Run an ES module snippet that can use ``measure`` (measure.mjs), ``fib`` (fib.mjs)
    and ``input`` (``data``, through stdin as JSON); it prints its answer as JSON."""
    prelude = (
        f'import * as measure from "{HARNESS.as_uri()}";\n'
        f'import * as fib from "{(JAVASCRIPT / "fib.mjs").as_uri()}";\n'
        'import { readFileSync } from "node:fs";\n'
        'const input = JSON.parse(readFileSync(0, "utf8"));\n'
    )
    command = [NODE, "--input-type=module", "-e", prelude + body]
    done = subprocess.run(
        command, input=json.dumps(data), capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@functools.cache
def python_fib(n: int) -> int:
    return fib_python.fib(n)


@pytest.fixture(scope="module")
def node_run() -> list[dict[str, Any]]:
    events, status = run_plan({"algorithms": ALGORITHMS, "ns": NS, "repeats": 2, "warmup": 1})
    assert status == 0, events[-1]
    return events


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("n", NS)
def test_node_runner_describes_the_same_integer_as_python(node_run, algorithm, n):
    [result] = [
        e for e in node_run if e["event"] == "result" and (e["algorithm"], e["n"]) == (algorithm, n)
    ]
    facts = {key: result[key] for key in ("digits", "leading", "trailing", "digest")}
    assert facts == measure.describe(python_fib(n))


def test_events_have_the_shape_and_order_of_measure_py(node_run):
    assert list(node_run[0]) == ["event", "build_info", "interpreter"]
    assert node_run[0]["build_info"]["implementation"] == "fib-javascript"
    assert node_run[0]["interpreter"].startswith("Node.js ")

    def shapes(events):
        return [(e["event"], list(e)) for e in events]

    python = list(measure.measure_case(fib_python, "doubling", 1000, 2, 1))
    javascript = [e for e in node_run if e.get("algorithm") == "doubling" and e.get("n") == 1000]
    assert shapes(javascript) == shapes(python)
    for event in node_run + python:  # one vocabulary, fib_benchmarks.events
        events.check(event)


def test_describe_agrees_on_arbitrary_integers():
    rng = random.Random(20250101)
    values = [0, 1, 255, 256, 2**64 - 1, 2**64, 10**12 - 1, 10**12, 12345678901234567890]
    values += [10**k + d for k in (13, 50, 300, 4000) for d in (-1, 0, 1)]
    values += [rng.getrandbits(rng.randrange(1, 200_000)) for _ in range(25)]
    described = run_javascript(
        "const all = [];\n"
        'for (const hex of input) all.push(await measure.describe(BigInt("0x" + hex)));\n'
        "console.log(JSON.stringify(all));",
        [format(value, "x") for value in values],
    )
    assert described == [measure.describe(value) for value in values]


def test_the_warm_up_rule_is_the_same():
    """measure.mjs times where Python cannot run, so the warm-up rule is written twice."""
    rng = random.Random(1729)
    cases = [[], [5], [900, 5, 5], [900, 5, 5, 5], [9000, 300, 200, 100, 101, 102],
             [9000, 103, 104, 100, 101, 102], [9000, 90, 91, 100, 101, 102]]  # fmt: skip
    for _ in range(300):
        scale = 10 ** rng.randrange(2, 10)
        cases.append([int(scale * rng.uniform(0.9, 1.2)) for _ in range(rng.randrange(1, 12))])
    javascript = run_javascript("console.log(JSON.stringify(input.map(measure.settled)));", cases)
    assert javascript == [measure.settled(case) for case in cases]
    assert True in javascript and False in javascript


def test_calls_a_sample_are_calibrated_alike():
    cases = [(call, resolution) for call in (0, 1, 7, 59, 60, 99, 1_234, 20_000, 10**9)
             for resolution in (1, 60, 5_000, 100_000)]  # fmt: skip
    javascript = run_javascript(
        "console.log(JSON.stringify(input.map(([c, r]) => measure.calibratedLoops(c, r))));",
        cases,
    )
    assert javascript == [measure.calibrated_loops(*case) for case in cases]


@pytest.mark.parametrize(
    "algorithm, n",
    [("iterative", n) for n in (1, 93, 16385, 40000, 100000, 200000)]
    + [("doubling", n) for n in (1, 2**20, 10**6 + 1)],
)
def test_progress_is_reported_at_the_same_points(algorithm, n):
    python: list[list[int]] = []
    fib_python.fib(n, algorithm, progress=lambda done, total: python.append([done, total]))
    javascript = run_javascript(
        "const seen = [];\n"
        "const progress = (done, total) => seen.push([done, total]);\n"
        "fib.fib(input.n, input.algorithm, { progress });\n"
        "console.log(JSON.stringify(seen));",
        {"n": n, "algorithm": algorithm},
    )
    assert javascript == python


@pytest.mark.parametrize(
    "n, algorithm",
    [
        (-5, "iterative"),
        (10_000_001, "doubling"),
        (1.5, "iterative"),
        ("10", "doubling"),
        (None, "iterative"),
        (True, "iterative"),
        ([1], "doubling"),
        ({"n": 1}, "iterative"),
        (10, "bogus"),
        (10, 5),
        (10, None),
    ],
)
def test_bad_input_ends_the_run_with_python_s_message(n, algorithm):
    with pytest.raises((TypeError, ValueError)) as raised:
        fib_python.fib(n, algorithm)
    expected = f"{JS_ERROR[type(raised.value).__name__]}: {raised.value}"

    events, status = run_plan({"algorithms": [algorithm], "ns": [n], "repeats": 1, "warmup": 0})
    assert events[-1] == {"event": "error", "message": expected}
    assert status == 1
