"""F(n) against values that do not come from the implementation under test."""

import hashlib

import pytest
from truth import (
    DECIMAL_SHA256,
    F100,
    F1000_DIGITS,
    F1000_HEAD,
    F1000_TAIL,
    binet,
    binet_digits,
    fib_mod,
    unlimited_int_str,
)

ALGORITHMS = ("iterative", "doubling")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_small_values_match_binets_formula(impl, algorithm):
    for n in range(0, 250):
        assert impl.fib(n, algorithm) == binet(n), f"F({n})"


def test_every_size_of_result_up_to_3100_bits(impl):
    """Every size of F(n) from 0 to 3 100 bits (n < 4 470 grows it by 0.69 bit a step),
    against F(n+2) = F(n+1) + F(n) summed with CPython's own ints: whatever way a build
    turns its number into a Python int (64-bit words, 30-bit digits, groups of 15 words),
    every length and every word and digit boundary comes out exact."""
    previous, current = 0, 1
    for n in range(0, 4_470):
        assert impl.fib(n, "doubling") == previous, f"F({n})"
        if n % 37 == 0:  # the iterative one is O(n) a call: a sample of the sizes
            assert impl.fib(n, "iterative") == previous, f"F({n})"
        previous, current = current, previous + current


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_results_are_python_ints(impl, algorithm):
    assert type(impl.fib(10, algorithm)) is int
    assert type(impl.fib(0, algorithm)) is int


def test_default_algorithm_is_iterative(impl):
    assert impl.fib(100) == impl.fib(100, "iterative") == F100


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_f1000(impl, algorithm):
    text = str(impl.fib(1000, algorithm))
    assert len(text) == F1000_DIGITS == binet_digits(1000)
    assert text.startswith(F1000_HEAD)
    assert text.endswith(F1000_TAIL)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("n", sorted(DECIMAL_SHA256))
def test_large_values_by_digest(impl, algorithm, n):
    with unlimited_int_str():
        text = str(impl.fib(n, algorithm))
    assert len(text) == binet_digits(n)
    assert hashlib.sha256(text.encode()).hexdigest() == DECIMAL_SHA256[n]


def test_a_million_by_residues_and_size(impl):
    value = impl.fib(1_000_000, "doubling")
    for modulus in (10**18, 2**61 - 1, 1_000_000_007):
        assert value % modulus == fib_mod(1_000_000, modulus)
    assert value.bit_length() == 694_241
