"""Runs pytest suites inside a runtime against one build: the host's side of this folder.

    python conformance/in_runtime.py pyodide VARIANT FOLDER... [-PYTEST_OPTION...]
    python conformance/in_runtime.py wasi VARIANT FOLDER... [-PYTEST_OPTION...]

``pyodide``: a fresh Pyodide under Node.js with the build's emscripten wheel, pytest and
the folders copied in (``make test-pyodide``); ``wasi``: CPython for WASI under wasmtime
with the build's folder and the test folders preopened (``make test-wasi``). The exit
status is pytest's. This file runs on the host only (pytest collects ``test_*.py``, never
it), through the benchmark's runtimes (``fib_benchmarks.runtimes``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fib_benchmarks import builds
from fib_benchmarks.runtimes import pyodide, wasi, wasi_host
from fib_benchmarks.runtimes.base import RunnerError, events

# The test suite inside Pyodide reports within a minute: ten minutes without its result
# mean a hang (say, Pyodide waiting forever on a file).
PYTEST_SILENCE_TIMEOUT_S = 600


def in_pyodide(variant: str, folders: list[Path], pytest_args: list[str]) -> int:
    """Run the pytest suites in ``folders`` inside Pyodide against ``variant``; pytest's code."""
    test_wheels = builds.test_wheels()
    request = pyodide.pyodide_request(
        variant,
        "pytest",
        extra_wheels=test_wheels,
        tests=[str(folder.resolve()) for folder in folders],
        pytest_args=pytest_args,
    )
    command = pyodide.host_command(request)
    try:
        label = f"{variant} (pyodide)"
        for event in events(command, dict(os.environ), label, PYTEST_SILENCE_TIMEOUT_S):
            if event["event"] == "pytest":
                return int(event["exit_code"])
    except RunnerError as error:
        if "exited with status" not in str(error):
            print(f"error: {error}", file=sys.stderr)
            return 3
    return 1


def in_wasi(variant: str, folders: list[Path], pytest_args: list[str]) -> int:
    """Run the pytest suites in ``folders`` inside CPython for WASI against ``variant``."""
    tests = builds.installed_site("wasi-test", builds.test_wheels())
    guest_folders = [wasi_host.guest_path(folder) for folder in folders]
    # No os.dup and no /dev/null in WASI: pytest captures output by replacing sys.stdout,
    # and leaves out the plug-ins that need them (faulthandler, logging).
    arguments = ["-m", "pytest", "--capture=sys", *pytest_args]
    for plugin in ("cacheprovider", "faulthandler", "logging"):
        arguments += ["-p", f"no:{plugin}"]
    arguments += guest_folders
    expected = builds.variant_environment(variant)
    env = {name: expected[name] for name in ("FIB_IMPL", "FIB_EXPECT_PROFILE")}
    return subprocess.run(wasi.wasi_command(variant, arguments, (tests,), **env)).returncode


RUNTIMES = {"pyodide": in_pyodide, "wasi": in_wasi}


def main(argv: list[str]) -> int:
    if len(argv) >= 4 and argv[1] in RUNTIMES:
        folders = [Path(arg) for arg in argv[3:] if not arg.startswith("-")]
        options = [arg for arg in argv[3:] if arg.startswith("-")]
        try:
            return RUNTIMES[argv[1]](argv[2], folders, options)
        except builds.BuildError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
