"""fib_benchmarks.schema: the ratios between the rows of one run, and builds that disagree."""

from fib_benchmarks import schema


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
