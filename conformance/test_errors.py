"""Bad input: the same exception type and the same message from every implementation."""

import pytest
from truth import N_OUT_OF_RANGE, UNKNOWN_ALGORITHMS

MAX_N = 10_000_000


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
    ]
    # Out of range: the cases every language's suite shares (cases.json).
    + [(n, ValueError, message) for n, message in N_OUT_OF_RANGE],
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
    ]
    + [(algorithm, ValueError, message) for algorithm, message in UNKNOWN_ALGORITHMS],
)
def test_bad_algorithm(impl, algorithm, error, message):
    with pytest.raises(error) as raised:
        impl.fib(10, algorithm)
    assert str(raised.value) == message


@pytest.mark.parametrize("sign", [1, -1])
def test_a_huge_n_is_refused_by_its_size(impl, sign):
    # Not written out: formatting it made a 3.9 MB message and took 1.4 s.
    with pytest.raises(ValueError) as raised:
        impl.fib(sign << 12_800_000)
    size = "an integer of 12800001 bits" if sign > 0 else "a negative integer of 12800001 bits"
    rule = "at most 10000000" if sign > 0 else "non-negative"
    assert str(raised.value) == f"n must be {rule}, got {size}"


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


class Liar(int):
    """An int whose comparisons and shifts lie: only its value may be trusted."""

    def __lt__(self, other):
        return False

    def __gt__(self, other):
        return False

    def __eq__(self, other):
        return True

    def __rshift__(self, other):
        return 1

    __hash__ = int.__hash__


@pytest.mark.parametrize("algorithm", ["iterative", "doubling"])
def test_an_int_subclass_counts_by_its_value(impl, algorithm):
    assert impl.fib(Liar(10), algorithm) == 55
    assert impl.fib(Liar(100), algorithm) == 354224848179261915075
    with pytest.raises(ValueError) as raised:
        impl.fib(Liar(-3), algorithm)
    assert str(raised.value) == "n must be non-negative, got -3"
    with pytest.raises(ValueError) as raised:
        impl.fib(Liar(MAX_N + 1), algorithm)
    assert str(raised.value) == "n must be at most 10000000, got 10000001"
    with pytest.raises(ValueError) as raised:
        impl.fib(Liar(-(2**80)), algorithm)
    assert str(raised.value) == "n must be non-negative, got a negative integer of 81 bits"
