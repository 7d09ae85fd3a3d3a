"""Result documents for the tests, made by the code that makes real ones."""

from __future__ import annotations

from fib_benchmarks.results import schema
from fib_measuring import measure


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
                "variant": variant, "runtime": "native", "interpreter": runtime,
                "build_info": {"implementation": variant}, "algorithm": "doubling", "n": n,
                "repeats": 3, "warmup": 1, "warmup_times_ns": [5000], "warmup_settled": None,
                "times_ns": times, "timer_resolution_ns": 60,
                **measure.summarize(times), **measure.describe(values[n]),
            })  # fmt: skip
    schema.add_ratios(rows)
    settings = {"ns": [10, 1000], "algorithms": ["doubling"], "runtimes": ["native"],
                "variants": ["python", "rust-release"], "repeats": 3, "warmup": 1,
                "rounds": 1}  # fmt: skip
    return schema.document(settings, [], rows)


def as_version(made: dict, version: int) -> dict:
    """``made`` (version 6) as version 2 to 5 wrote it, spelt out here rather than taken
    from the code under test: a row's and a start-up's ``runtime`` was ``runtime_kind``
    (the CLI's browser runs were "chromium"), its ``interpreter`` ``runtime``, its
    ``build_info`` ``build``; the interpreters of ``versions`` were its ``runtimes``."""
    old_names = {"runtime": "runtime_kind", "interpreter": "runtime", "build_info": "build"}

    def entry(new: dict) -> dict:
        old = {old_names.get(key, key): value for key, value in new.items()}
        old["runtime_kind"] = (
            "chromium" if old["runtime_kind"] == "browser" else old["runtime_kind"]
        )
        return old

    versions = {("runtimes" if k == "interpreters" else k): v for k, v in made["versions"].items()}
    runtimes = ["chromium" if r == "browser" else r for r in made["settings"]["runtimes"]]
    return {**made, "version": version, "versions": versions,
            "settings": {**made["settings"], "runtimes": runtimes},
            "rows": [entry(row) for row in made["rows"]],
            "startups": [entry(startup) for startup in made["startups"]]}  # fmt: skip


def sample_load_document() -> dict:
    """A small valid document of `benchmark load`: F(0) and F(1000) on two servers, rows
    with made-up rates (the real ones are test_load's) and real F(n) descriptions."""
    described = {0: measure.describe(0), 1000: measure.describe(FIB_1000)}
    load = []
    for server in ("uvicorn", "granian"):
        for variant, n, concurrency in (("rust-release", 0, 4), ("python", 1000, 1),
                                        ("python", 1000, 4), ("rust-release", 1000, 1),
                                        ("rust-release", 1000, 4)):  # fmt: skip
            rate = 1000.0 * concurrency * (3 if variant == "rust-release" else 1)
            load.append({
                "server": server, "variant": variant, "algorithm": "doubling", "n": n,
                "concurrency": concurrency, "duration_s": 2.0, "requests": int(2.02 * rate),
                "requests_per_s": rate, "latency_p50_ms": 1.0, "latency_p90_ms": 2.0,
                "latency_p99_ms": 4.5, "errors": 0, "server_cpu_cores": 0.9,
                "wrk_cpu_cores": 0.1, "digits": described[n]["digits"],
                "digest": described[n]["digest"],
            })  # fmt: skip
    settings = {"ns": [0, 1000], "algorithms": ["doubling"], "variants": ["rust-release", "python"],
                "runtimes": [], "repeats": 1, "warmup": 1, "rounds": 1,
                "load": {"servers": ["uvicorn", "granian"], "concurrencies": [1, 4],
                         "duration_s": 2.0, "generator": "wrk 4.1.0"}}  # fmt: skip
    return schema.document(settings, [], [], load=load, versions_too={"servers": ["uvicorn 0.1"]})


# F(1000), from the definition (the sample's independent truth).
FIB_1000 = 0
_next = 1
for _ in range(1000):
    FIB_1000, _next = _next, FIB_1000 + _next
