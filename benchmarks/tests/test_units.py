"""The pieces of the benchmark that do not need a build."""

import sys
import time

import pytest
from fib_benchmarks import builds, measure, runners, schema


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


def row(variant, runtime_kind, median, digest="sha256:a"):
    return {"variant": variant, "runtime_kind": runtime_kind, "algorithm": "iterative", "n": 10,
            "median_ms": median, "digest": digest}  # fmt: skip


def test_ratios_come_from_the_same_runtime():
    rows = [row("python", "native", 10.0), row("rust-release", "native", 2.0),
            row("python", "pyodide", 30.0), row("rust-release", "pyodide", 3.0)]  # fmt: skip
    schema.add_ratios(rows)
    assert [r["speedup_vs_python"] for r in rows] == [1.0, 5.0, 1.0, 10.0]
    assert [r["slowdown_vs_native"] for r in rows] == [None, None, 3.0, 1.5]
    assert all(r["debug_vs_release"] is None for r in rows)


def test_debug_builds_are_compared_with_release():
    rows = [row("rust-release", "native", 2.0), row("rust-debug", "native", 30.0)]
    schema.add_ratios(rows)
    assert rows[1]["debug_vs_release"] == 15.0
    assert rows[0]["debug_vs_release"] is None


def test_distance_to_gmp_is_native_and_per_case():
    rows = [row("gmp", "native", 2.0), row("rust-release", "native", 3.0),
            row("rust-release", "pyodide", 9.0), row("python", "native", 40.0)]  # fmt: skip
    rows.append(row("rust-release", "native", 5.0) | {"n": 20})  # no GMP row for n = 20
    schema.add_ratios(rows)
    assert [r["vs_gmp"] for r in rows] == [1.0, 1.5, 4.5, 20.0, None]


def test_disagreement_is_reported():
    rows = [
        row("python", "native", 1.0, "sha256:aaaa"),
        row("rust-debug", "native", 1.0, "sha256:bbbb"),
    ]
    assert schema.disagreements(rows) and "rust-debug" in schema.disagreements(rows)[0]
    assert schema.disagreements(rows[:1]) == []


def test_a_wheel_rebuilt_after_the_manifest_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(builds, "WHEELS_DIR", tmp_path)
    monkeypatch.setattr(builds, "MANIFEST", tmp_path / "manifest.json")
    wheel = tmp_path / "native-release" / "fib_pyrs-0.1.0-cp311-cp311-linux_x86_64.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"first build")
    builds.write_manifest()
    assert builds.find_wheel("rust-release").path == wheel
    wheel.write_bytes(b"second build")
    with pytest.raises(builds.BuildError, match=r"changed after manifest\.json was written"):
        builds.find_wheel("rust-release")


def test_a_silent_child_is_stopped_within_the_bound():
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    started = time.monotonic()
    with pytest.raises(runners.RunnerError, match=r"silent for 0\.5 s"):
        list(runners._events(sleeper, {}, "sleeper", silence_timeout_s=0.5))
    assert time.monotonic() - started < 5


def test_summary_statistics_and_warnings():
    steady = measure.summarize([100_000, 100_400, 99_800, 100_500, 100_200], True, 50)
    assert steady["median_ms"] == 0.1002 and steady["warnings"] == []
    assert steady["q1_ms"] == 0.1 and steady["q3_ms"] == 0.1004 and steady["outliers"] == 0
    spiky = measure.summarize([10, 10, 11, 10, 90])
    assert spiky["outliers"] == 1 and spiky["median_ms"] == 10 / 1e6
    assert spiky["warnings"][0] == "1 of 5 calls are outliers (beyond 1.5 IQR)"
    assert spiky["warnings"][1].startswith("unstable: the standard deviation is")
    unsettled = measure.summarize([1000] * 3, False, 5_000)
    assert unsettled["warnings"] == [
        "warm-up stopped at its bound before the timings settled",
        "the median is under 100 ticks of the clock (5000 ns)",
    ]


def test_warm_up_stops_when_settled_or_at_a_bound():
    times = iter([900, 500, 100, 101, 102, 999])
    fake = lambda: next(times)  # noqa: E731
    original = measure.timed_call
    measure.timed_call = lambda call: (call(), 0)
    try:
        warm = measure.warm_up(fake, measure.AUTO)
        assert warm == {"warmup": 5, "warmup_times_ns": [900, 500, 100, 101, 102],
                        "warmup_settled": True}  # fmt: skip
        never = iter(range(1000, 100_000, 1000))
        warm = measure.warm_up(lambda: next(never), measure.AUTO)
        assert warm["warmup"] == measure.WARMUP_MAX_CALLS and warm["warmup_settled"] is False
        assert measure.warm_up(lambda: 5, 2) == {"warmup": 2, "warmup_times_ns": [5, 5],
                                                 "warmup_settled": None}  # fmt: skip
        first = []
        measure.warm_up(lambda: 7, 3, first=lambda: first.append(1) or 7)
        assert first == [1]  # the traced call is the first warm-up call only
    finally:
        measure.timed_call = original
