"""Bad input: the same exception type and the same message from every implementation."""

import pytest

MAX_N = 10_000_000
EXPECTED_ALGORITHMS = "expected one of 'iterative', 'doubling'"


def test_constants(impl):
    assert impl.MAX_N == MAX_N
    assert impl.ALGORITHMS == ("iterative", "doubling")
    assert isinstance(impl.__version__, str) and impl.__version__


@pytest.mark.parametrize(
    "n, error, message",
    [
        (1.0, TypeError, "n must be an int, not float"),
        ("10", TypeError, "n must be an int, not str"),
        (None, TypeError, "n must be an int, not NoneType"),
        (True, TypeError, "n must be an int, not bool"),
        ([1], TypeError, "n must be an int, not list"),
        (-5, ValueError, "n must be non-negative, got -5"),
        (-(2**80), ValueError, f"n must be non-negative, got {-(2**80)}"),
        (MAX_N + 1, ValueError, "n must be at most 10000000, got 10000001"),
        (2**100, ValueError, f"n must be at most 10000000, got {2**100}"),
    ],
)
@pytest.mark.parametrize("algorithm", ["iterative", "doubling"])
def test_bad_n(impl, n, error, message, algorithm):
    with pytest.raises(error) as raised:
        impl.fib(n, algorithm)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "algorithm, error, message",
    [
        (5, TypeError, "algorithm must be a str, not int"),
        (None, TypeError, "algorithm must be a str, not NoneType"),
        (b"iterative", TypeError, "algorithm must be a str, not bytes"),
        ("Iterative", ValueError, f"unknown algorithm 'Iterative': {EXPECTED_ALGORITHMS}"),
        ("", ValueError, f"unknown algorithm '': {EXPECTED_ALGORITHMS}"),
    ],
)
def test_bad_algorithm(impl, algorithm, error, message):
    with pytest.raises(error) as raised:
        impl.fib(10, algorithm)
    assert str(raised.value) == message


def test_n_is_checked_before_algorithm(impl):
    with pytest.raises(ValueError, match="n must be non-negative"):
        impl.fib(-1, "bogus")


def test_bad_progress(impl):
    with pytest.raises(TypeError) as raised:
        impl.fib(10, "iterative", progress=5)
    assert str(raised.value) == "progress must be callable or None, not int"


def test_keyword_arguments(impl):
    assert impl.fib(n=10, algorithm="doubling") == 55
    with pytest.raises(TypeError):
        impl.fib(10, "iterative", None)  # progress is keyword-only
