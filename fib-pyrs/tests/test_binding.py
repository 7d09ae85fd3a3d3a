"""What the PyO3 binding itself promises, beyond the fib API (which conformance/ covers).

Runs against each Rust build, natively and inside Pyodide (``make test-conformance`` and
``make test-pyodide``), with only that build importable.
"""

import os
import sys

import fib_pyrs
import pytest

IN_PYODIDE = sys.platform == "emscripten"


def test_the_expected_build_is_loaded():
    assert fib_pyrs.build_info()["profile"] == os.environ["FIB_EXPECT_PROFILE"]


def test_build_target_matches_the_platform():
    target = fib_pyrs.build_info()["target"]
    assert target == "wasm32-unknown-emscripten" if IN_PYODIDE else target.startswith("x86_64")


def test_a_rust_panic_is_a_python_exception_and_the_interpreter_survives():
    with pytest.raises(BaseException) as raised:
        fib_pyrs._panic("deliberate panic")
    assert type(raised.value).__name__ == "PanicException"
    assert "deliberate panic" in str(raised.value)
    assert fib_pyrs.fib(100, "doubling") == 354224848179261915075
