"""Identities of the Fibonacci numbers, and the two algorithms agreeing, on random n."""

import random

import pytest

SEED = 20261122
rng = random.Random(SEED)
RANDOM_N = sorted(rng.sample(range(2, 30_000), 12))
RANDOM_K = sorted(rng.sample(range(1, 4_000), 8))


@pytest.mark.parametrize("n", RANDOM_N)
def test_algorithms_agree(impl, n):
    assert impl.fib(n, "iterative") == impl.fib(n, "doubling")


@pytest.mark.parametrize("k", RANDOM_K)
def test_doubling_identities_hold_for_iterative_results(impl, k):
    # F(2k) = F(k)(2F(k+1) - F(k)), F(2k+1) = F(k)² + F(k+1)², on the algorithm that
    # does not use them.
    fk, fk1 = impl.fib(k, "iterative"), impl.fib(k + 1, "iterative")
    assert impl.fib(2 * k, "iterative") == fk * (2 * fk1 - fk)
    assert impl.fib(2 * k + 1, "iterative") == fk * fk + fk1 * fk1


@pytest.mark.parametrize("n", RANDOM_N)
def test_cassini(impl, n):
    f = lambda m: impl.fib(m, "doubling")  # noqa: E731
    assert f(n - 1) * f(n + 1) - f(n) ** 2 == (-1) ** n


@pytest.mark.parametrize("m, n", list(zip(RANDOM_N[::2], RANDOM_N[1::2])))
def test_addition_formula(impl, m, n):
    # F(m+n) = F(m)F(n+1) + F(m-1)F(n)
    f = lambda k: impl.fib(k, "doubling")  # noqa: E731
    assert f(m + n) == f(m) * f(n + 1) + f(m - 1) * f(n)
