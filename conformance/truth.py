"""Independent truths: computed without the implementations' big-integer algorithms."""

from __future__ import annotations

import decimal
import math
import sys
from contextlib import contextmanager

# SHA-256 of the decimal expansion of F(n), computed once with CPython's own ints.
DECIMAL_SHA256 = {
    1_000: "30ad6e2a0cbbd0a636a53ce8df4f703ece426736cf4777519f1c5cffbea2e220",
    10_000: "e9c83559a05641cfd86d6c192c53fdfda87b8e53470b63dc19d1d0d7526e987a",
    100_000: "9fe22f691a91170da9006226d479ad986b2f92021b7045ecfb0a5091b641b802",
}
F100 = 354224848179261915075
F1000_HEAD = "4346655768693745643568852767504062580256466051"
F1000_TAIL = "6003704476137795166849228875"


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
