"""Result documents for the tests, made by the code that makes real ones."""

from __future__ import annotations

from fib_benchmarks import measure, schema


def sample_document(times_ns: tuple[int, ...] = (1200, 1100, 1300)) -> dict:
    """A small valid document: F(10) and F(1000) by two builds, each timed ``times_ns``,
    described by measure.py."""
    a, b = 0, 1
    values = {}
    for n in range(1001):
        values[n] = a
        a, b = b, a + b
    rows = []
    for variant, runtime in (("python", "CPython 3.11.7"), ("rust-release", "CPython 3.11.7")):
        for n in (10, 1000):
            times = list(times_ns)
            rows.append({
                "variant": variant, "runtime_kind": "native", "runtime": runtime,
                "build": {"implementation": variant}, "algorithm": "doubling", "n": n,
                "repeats": 3, "warmup": 1, "warmup_times_ns": [5000], "warmup_settled": None,
                "times_ns": times, "timer_resolution_ns": 60,
                **measure.summarize(times), **measure.describe(values[n]),
            })  # fmt: skip
    schema.add_ratios(rows)
    settings = {"ns": [10, 1000], "algorithms": ["doubling"], "runtimes": ["native"],
                "variants": ["python", "rust-release"], "repeats": 3, "warmup": 1,
                "rounds": 1}  # fmt: skip
    return schema.document(settings, [], rows)
