"""fib_measuring.measure: how F(n) is described, and the statistics of a row."""

import sys

import pytest
from fib_measuring import measure


@pytest.mark.parametrize("value", [0, 1, 9, 10, 99, 100, 10**20 - 1, 10**20, 3**5000, 2**9999])
def test_decimal_digits_matches_str(value):
    sys.set_int_max_str_digits(0)
    assert measure.decimal_digits(value) == len(str(value))


def test_describe_edges():
    described = measure.describe(12345678901234567890)
    assert described["digits"] == 20
    assert described["leading"] == "123456789012"
    assert described["trailing"] == "901234567890"
    small = measure.describe(55)
    assert (small["leading"], small["trailing"], small["digits"]) == ("55", "55", 2)


def test_summary_statistics_and_warnings():
    steady = measure.summarize([100_000, 100_400, 99_800, 100_500, 100_200], True, 50)
    assert steady["median_ms"] == 0.1002 and steady["warnings"] == []
    assert steady["q1_ms"] == 0.1 and steady["q3_ms"] == 0.1004 and steady["outliers"] == 0
    spiky = measure.summarize([10, 10, 11, 10, 90])
    assert spiky["outliers"] == 1 and spiky["median_ms"] == 10 / 1e6
    assert spiky["warnings"][0] == (
        "1 of 5 samples are outliers (beyond 1.5 IQR): something else may have used the CPU; "
        "rerun, or time more calls"
    )
    assert spiky["warnings"][1].startswith("unstable: the standard deviation is")
    assert spiky["warnings"][1].endswith(": rerun on a quieter machine, or time more calls")
    # Issue 20: "under 100 ticks of the clock (5000 ns)" read as if 100 ticks were 5 000 ns.
    unsettled = measure.summarize([12_000] * 3, False, 5_000)
    assert unsettled["warnings"] == [
        "warm-up stopped at its bound before the timings settled: the timed calls may still "
        "be warming up",
        "the median is 2 ticks of a 5 µs clock (under 100): the time is rounded to the tick; "
        "compare at a larger n",
    ]
    assert "1 tick of a 60 ns clock" in measure.summarize([100], None, 60)["warnings"][0]


def test_warm_up_stops_when_settled_or_at_a_bound():
    """Samples after a first, cold call, until three agree and are no faster than the ones
    before: a JIT compiling function after function makes the time drop in steps."""
    times = iter([900, 500, 100, 101, 102, 101, 100, 999])
    fake = lambda: next(times)  # noqa: E731
    originals = measure.timed_call, measure.timed_sample
    measure.timed_call = lambda call: (call(), 0)
    measure.timed_sample = lambda call, loops: (call(), 0)
    try:
        warm = measure.warm_up(fake, measure.AUTO)
        # [100, 101, 102] agree, but the samples before were 5x slower: two more.
        assert warm["warmup_times_ns"] == [900, 500, 100, 101, 102, 101, 100]
        assert warm["warmup"] == 7 and warm["warmup_settled"] is True
        # Each sample as many calls as 1 000 ticks (of 1 ns here) take at the last pace.
        paces = warm["warmup_times_ns"][:-1]
        assert warm["warmup_loops"] == [1] + [measure.calibrated_loops(t, 1) for t in paces]
        never = (int(1000 * 1.1**k) for k in range(1000))  # 10 % slower each time
        warm = measure.warm_up(lambda: next(never), measure.AUTO)
        assert warm["warmup"] == measure.WARMUP_MAX_SAMPLES and warm["warmup_settled"] is False
        slow = measure.warm_up(lambda: 10**9, measure.AUTO)  # 1 s a call: the time bound
        assert slow["warmup"] == 2 and slow["warmup_settled"] is False
        assert measure.warm_up(lambda: 5, 2) == {"warmup": 2, "warmup_times_ns": [5, 5],
                                                 "warmup_loops": [1, 200],
                                                 "warmup_settled": None}  # fmt: skip
        first = []
        measure.warm_up(lambda: 7, 3, first=lambda: first.append(1) or 7)
        assert first == [1]  # the traced call is the first warm-up call only
    finally:
        measure.timed_call, measure.timed_sample = originals


def test_settled_leaves_out_the_cold_call_and_waits_out_a_falling_time():
    assert not measure.settled([9_000, 100, 101])  # two samples after the cold call
    assert measure.settled([9_000, 100, 101, 102])  # the cold call is not compared
    assert not measure.settled([9_000, 100, 110, 101])  # 10 % apart
    assert not measure.settled([9_000, 300, 200, 100, 101, 102])  # still falling
    assert measure.settled([9_000, 103, 104, 100, 101, 102])  # level with the window before
    assert measure.settled([9_000, 90, 91, 100, 101, 102])  # slower than before: noise, settled


def test_short_calls_are_timed_many_to_a_sample_of_a_thousand_ticks():
    """Issue 20: calls shorter than the clock were timed one to a sample ("70 µs ± 0 µs"
    in Chromium's 5 µs ticks); now a sample lasts SAMPLE_TICKS ticks, in 1-2-5 steps."""
    assert measure.calibrated_loops(100_000, 60) == 1  # 1 667 ticks already
    assert measure.calibrated_loops(59, 60) == 2_000  # 1 967 ticks
    assert measure.calibrated_loops(20_000, 5_000) == 500  # 20 µs calls, 5 µs ticks
    assert [measure.calibrated_loops(1, 1)] == [1_000]
    assert measure.calibrated_loops(0, 10**6) == measure.MAX_LOOPS
    for call_ns in (1, 7, 99, 1_234, 5_000, 80_000):
        loops = measure.calibrated_loops(call_ns, 5_000)
        assert loops * call_ns >= measure.SAMPLE_TICKS * 5_000 or loops == measure.MAX_LOOPS
        # The fewest of 1, 2, 5, 10, ...: the step below would be short.
        below = {1: 0, 2: 1, 5: 2}[int(str(loops)[0])] * 10 ** (len(str(loops)) - 1)
        assert below * call_ns < measure.SAMPLE_TICKS * 5_000
    calls = []
    per_call, value = measure.timed_sample(lambda: calls.append(1) or len(calls), 40)
    assert (len(calls), value) == (40, 40) and per_call >= 0


def test_a_case_records_its_calls_a_sample_and_the_warning_counts_a_whole_sample():
    class Instant:
        """A build whose F(n) takes no time at all: many calls a sample."""

        @staticmethod
        def fib(n, algorithm="iterative", progress=None):
            return 55

    events = list(measure.measure_case(Instant, "doubling", 10, 3, 5))
    result = events[-1]
    assert result["loops"] > 1 and len(result["times_ns"]) == 3
    assert (
        result["loops"] * max(result["warmup_times_ns"][-1], 1)
        >= (measure.SAMPLE_TICKS * result["timer_resolution_ns"])
        or result["loops"] == measure.MAX_LOOPS
    )
    # No warm-up asked for: one (cold) call a sample, as asked.
    assert list(measure.measure_case(Instant, "doubling", 10, 2, 0))[-1]["loops"] == 1
    sample = measure.summarize([3_000] * 3, None, 5_000, loops=10)["warnings"]
    assert sample == ["the median sample of 10 calls is 6 ticks of a 5 µs clock (under 100): "
                      "the time is rounded to the tick; compare at a larger n"]  # fmt: skip
    assert measure.summarize([3_000] * 3, None, 5_000, loops=200)["warnings"] == []
