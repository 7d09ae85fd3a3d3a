"""fib_benchmarks.results.schema: the ratios between the rows of one run; builds that disagree."""

from fib_benchmarks.results import intervals, schema


def row(variant, runtime, median, digest="sha256:a", spread=0.02):
    """A row whose five samples lie within `spread` of its median."""
    ns = median * 1e6
    times = [round(ns * (1 + spread * k / 2)) for k in (-2, -1, 0, 1, 2)]
    return {"variant": variant, "runtime": runtime, "algorithm": "iterative", "n": 10,
            "median_ms": median, "times_ns": times, "digest": digest}  # fmt: skip


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


def test_every_ratio_between_two_rows_carries_its_interval():
    """Issue 20: a ratio of one run carries a 95 % interval (a bootstrap over both rows'
    samples), and one that holds 1 says there is no difference to see."""
    rows = [row("python", "native", 10.0), row("rust-release", "native", 2.0),
            row("rust-debug", "native", 2.02, spread=0.3)]  # fmt: skip
    schema.add_ratios(rows)
    python, release, debug = rows
    assert python["speedup_vs_python_interval"] is None  # Python against itself
    low, high = release["speedup_vs_python_interval"]
    assert 4.5 < low <= release["speedup_vs_python"] <= high < 5.5
    assert not intervals.spans_one(release["speedup_vs_python_interval"])
    assert intervals.spans_one(debug["debug_vs_release_interval"])  # 1.01x, spread 30 %
    assert release["vs_gmp_interval"] is None and release["slowdown_vs_native_interval"] is None


def test_disagreement_is_reported():
    rows = [
        row("python", "native", 1.0, "sha256:aaaa"),
        row("rust-debug", "native", 1.0, "sha256:bbbb"),
    ]
    assert schema.disagreements(rows) and "rust-debug" in schema.disagreements(rows)[0]
    assert schema.disagreements(rows[:1]) == []


def test_a_huge_run_gets_intervals_only_within_its_budget(monkeypatch):
    """A saved run is untrusted: 2 000 rows of thousands of samples would bootstrap for
    minutes. The intervals stop at the run's budget of draws; the ratios do not."""
    rows = [row("python", "native", 10.0), row("rust-release", "native", 2.0),
            row("rust-debug", "native", 20.0)]  # fmt: skip
    one = intervals.draws(5, 5)
    monkeypatch.setattr(schema, "RUN_DRAWS", one + one // 2)
    schema.add_ratios(rows)
    given = [(r["variant"], f) for r in rows for f in schema.RATIOS if r.get(f"{f}_interval")]
    assert given == [("rust-release", "speedup_vs_python")]  # the first, in row order
    assert rows[2]["speedup_vs_python"] == 0.5 and rows[2]["debug_vs_release"] == 10.0
