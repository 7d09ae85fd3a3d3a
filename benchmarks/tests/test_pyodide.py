"""The Pyodide side: the wheels' tags, the runner's errors, and mixed native/Pyodide runs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from fib_benchmarks import builds, runtimes
from fib_benchmarks.runtimes import pyodide

PYODIDE_TAG = "cp314-cp314-pyemscripten_2026_0_wasm32"


def test_manifest_lists_both_pyodide_builds_with_the_tag_micropip_accepts():
    wheels = {w.variant: w for w in builds.load_manifest() if w.platform == "pyodide"}
    assert set(wheels) == {"rust-debug", "rust-release"}
    for variant, wheel in wheels.items():
        assert wheel.tag == PYODIDE_TAG
        assert wheel.profile == variant.removeprefix("rust-")
        assert wheel.path.name.endswith(f"-{PYODIDE_TAG}.whl")
        assert hashlib.sha256(wheel.path.read_bytes()).hexdigest() == wheel.sha256
        assert wheel.size == wheel.path.stat().st_size


def test_an_error_inside_pyodide_is_one_short_line():
    plan = {"algorithms": ["iterative"], "ns": [-1], "repeats": 1, "warmup": 0}
    with pytest.raises(runtimes.RunnerError) as raised:
        list(pyodide.run_pyodide("rust-release", plan))
    message = str(raised.value)
    assert message == "rust-release (pyodide): ValueError: n must be non-negative, got -1"


def test_native_and_pyodide_rows_side_by_side(tmp_path):
    out = tmp_path / "result.json"
    command = [sys.executable, "-m", "fib_benchmarks.cli", "--n", "10,300",
               "--variant", "python,rust-release", "--runtime", "native,pyodide",
               "--algorithm", "doubling", "--repeats", "2", "--json", str(out)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(out.read_text())
    rows = {(r["variant"], r["runtime"], r["n"]): r for r in doc["rows"]}
    assert len(rows) == 2 * 2 * 2
    for (variant, runtime, n), row in rows.items():
        if runtime == "pyodide":
            assert row["interpreter"].startswith("Pyodide 314.0.7 (CPython 3.14")
            native = rows[variant, "native", n]
            assert row["slowdown_vs_native"] == pytest.approx(
                row["median_ms"] / native["median_ms"]
            )
            assert row["digest"] == native["digest"]
        else:
            assert row["slowdown_vs_native"] is None
    startups = {(s["variant"], s["runtime"]): s for s in doc["startups"]}
    phases = startups["rust-release", "pyodide"]["phases"]
    assert set(phases) == {"load_pyodide", "load_micropip", "install_wheels"}
    assert all(seconds > 0 for seconds in phases.values())
