"""Independent truths: computed without the implementations' big-integer algorithms."""

from __future__ import annotations

import decimal
import json
import math
import sys
from contextlib import contextmanager
from pathlib import Path

# The suite's cases, shared with the JavaScript and Rust suites (cases.json says how they
# were made): known values, and the messages of out-of-range n and unknown algorithms.
CASES = json.loads(Path(__file__).with_name("cases.json").read_text(encoding="utf-8"))
# SHA-256 of the decimal expansion of F(n).
DECIMAL_SHA256 = {int(n): digest for n, digest in CASES["decimal_sha256"].items()}
F100 = int(CASES["exact"]["100"])
F1000_DIGITS = CASES["decimal_ends"]["1000"]["digits"]
F1000_HEAD = CASES["decimal_ends"]["1000"]["head"]
F1000_TAIL = CASES["decimal_ends"]["1000"]["tail"]
# (n, message) of each n out of range, and (algorithm, message) of each unknown algorithm.
N_OUT_OF_RANGE = [(int(case["n"]), case["message"]) for case in CASES["n_out_of_range"]]
UNKNOWN_ALGORITHMS = [(case["algorithm"], case["message"]) for case in CASES["unknown_algorithms"]]


def binet(n: int) -> int:
    """F(n) = round(φ^n / √5), in 60-digit decimal arithmetic: exact for n <= 250."""
    with decimal.localcontext() as context:
        context.prec = 60
        root5 = decimal.Decimal(5).sqrt()
        phi = (1 + root5) / 2
        return int((phi**n / root5).to_integral_value())


def binet_digits(n: int) -> int:
    """Decimal digits of F(n) for n >= 2: ⌊n·log10 φ - log10 √5⌋ + 1."""
    log = n * math.log10((1 + math.sqrt(5)) / 2) - math.log10(math.sqrt(5))
    assert 1e-6 < log % 1 < 1 - 1e-6, f"Binet digit count ambiguous for n = {n}"
    return math.floor(log) + 1


def fib_mod(n: int, m: int) -> int:
    """F(n) mod m by fast doubling on residues (small ints only)."""
    a, b = 0, 1 % m
    for bit in bin(n)[2:]:
        a, b = a * (2 * b - a) % m, (a * a + b * b) % m
        if bit == "1":
            a, b = b, (a + b) % m
    return a


@contextmanager
def unlimited_int_str():
    """Python 3.11+ refuses str() of ints over 4300 digits unless told otherwise."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    if limit:
        sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        if limit:
            sys.set_int_max_str_digits(limit)
