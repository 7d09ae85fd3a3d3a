"""The one conformance suite: every implementation of the fib API must pass it unchanged.

The implementation under test is the module named by ``FIB_IMPL`` (``fib_python`` or
``fib_pyrs``), which must be the only one importable; ``FIB_EXPECT_PROFILE`` is the build
profile it must report (``debug``, ``release``, or empty for pure Python). Natively,
``make test`` sets both through ``python -m fib_benchmarks.builds exec VARIANT -- pytest
conformance``; inside Pyodide the runner sets them before starting pytest.

Nothing here may assume a host: no subprocesses, network or files but its own (cases.json
travels with the suite, copied into Pyodide and mounted into WASI), so that the same files
run inside Pyodide. Host-only checks are marked ``needs_threads``.
"""

from __future__ import annotations

import importlib
import os
import sys

import pytest

IMPL = os.environ.get("FIB_IMPL", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_threads: uses threads (not in Pyodide)")


def pytest_report_header(config: pytest.Config) -> str:
    return f"fib implementation under test: {IMPL or '(FIB_IMPL not set)'}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if sys.platform in ("emscripten", "wasi"):
        skip = pytest.mark.skip(reason="no threads in Pyodide or in CPython for WASI")
        for item in items:
            if "needs_threads" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def impl():
    if not IMPL:
        pytest.exit("set FIB_IMPL to the module under test (fib_python or fib_pyrs)", 4)
    return importlib.import_module(IMPL)
