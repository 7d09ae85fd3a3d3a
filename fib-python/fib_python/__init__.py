"""Fibonacci numbers on Python ints.

The pure-Python twin of ``fib_pyrs``: the same functions, constants, error messages and
progress reports, so that one conformance suite and one benchmark cover both. ``MAX_N``
and the algorithms' names come from ``contract.json`` (beside this file; the repository's
root links to it), which fib-rust reads too; the messages and when progress is reported
are fib-rust's rules, repeated here, and the conformance suite checks that they agree.
"""

from __future__ import annotations

import json
import operator
import platform
from pathlib import Path
from typing import Callable, Optional

__version__ = "0.1.0"

__all__ = ["ALGORITHMS", "MAX_N", "__version__", "build_info", "fib"]

# The constants every implementation shares: contract.json, beside this file, is the one
# copy (the repository's contract.json at its root links here), and the wheel carries it.
_CONTRACT = json.loads((Path(__file__).parent / "contract.json").read_text())

#: Every algorithm, by name.
ALGORITHMS = tuple(_CONTRACT["algorithms"])

#: The largest n any implementation accepts (fib-rust's ``MAX_N``).
MAX_N = _CONTRACT["max_n"]

# When the iterative algorithm reports progress: after about this many 64-bit limbs of
# additions, and at most this many steps (fib-rust's WORK_PER_REPORT, STEPS_PER_REPORT_MAX).
_WORK_PER_REPORT = 1 << 22
_STEPS_PER_REPORT_MAX = 1 << 14

Progress = Optional[Callable[[int, int], object]]


def fib(n: int, algorithm: str = "iterative", *, progress: Progress = None) -> int:
    """Return F(n), the n-th Fibonacci number (F(0) = 0, F(1) = 1).

    ``algorithm`` is one of ``ALGORITHMS``. ``progress(done, total)``, if given, is called
    at a bounded interval; an exception it raises stops the computation and propagates.
    """
    n = _check_n(n)
    _check_algorithm(algorithm)
    if progress is not None and not callable(progress):
        raise _wrong_type("progress", "callable or None", progress)
    if algorithm == "iterative":
        return _iterative(n, progress)
    return _doubling(n, progress)


def build_info() -> dict:
    """Which build this is: for fib-python, the interpreter that runs it."""
    return {
        "implementation": "fib-python",
        "version": __version__,
        "profile": None,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def _iterative(n: int, progress: Progress) -> int:
    a, b = 0, 1  # F(done), F(done + 1)
    done = 0
    while done < n:
        limbs = b.bit_length() // 64 + 1
        steps = max(1, min(_WORK_PER_REPORT // limbs, _STEPS_PER_REPORT_MAX, n - done))
        for _ in range(steps):
            a, b = b, a + b
        done += steps
        if progress is not None:
            progress(done, n)
    return a


def _doubling(n: int, progress: Progress) -> int:
    total = n.bit_length()
    a, b = 0, 1  # F(k), F(k + 1) for the leading bits of n consumed so far
    for done in range(1, total + 1):
        # F(2k) = F(k)(2F(k+1) - F(k)) and F(2k+1) = F(k)^2 + F(k+1)^2
        f2k = a * ((b << 1) - a)
        f2k1 = a * a + b * b
        if (n >> (total - done)) & 1:
            a, b = f2k1, f2k + f2k1
        else:
            a, b = f2k, f2k1
        if progress is not None:
            progress(done, total)
    return a


def _check_n(n: object) -> int:
    """``n`` as a plain int in ``0..MAX_N``, or the contract's error."""
    # bool is an int subclass, but fib(True) is a bug, not F(1).
    if not isinstance(n, int) or isinstance(n, bool):
        raise _wrong_type("n", "an int", n)
    # A subclass of int may redefine comparisons and arithmetic: take its value as a plain
    # int first, as the Rust binding does when it converts n.
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"n must be non-negative, got {_shown(n)}")
    if n > MAX_N:
        raise ValueError(f"n must be at most {MAX_N}, got {_shown(n)}")
    return n


def _shown(n: int) -> str:
    """A refused n as every implementation shows it (fib-rust's ``ShownN``): its value while
    it fits in 64 bits, else its size, known in constant time; str() of a huge int is slow."""
    bits = n.bit_length()
    if bits <= 64:
        return str(n)
    return f"{'a negative' if n < 0 else 'an'} integer of {bits} bits"


def _check_algorithm(algorithm: object) -> None:
    if not isinstance(algorithm, str):
        raise _wrong_type("algorithm", "a str", algorithm)
    if algorithm not in ALGORITHMS:
        expected = ", ".join(f"'{name}'" for name in ALGORITHMS)
        raise ValueError(f"unknown algorithm '{algorithm}': expected one of {expected}")


def _wrong_type(argument: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{argument} must be {expected}, not {type(value).__name__}")
