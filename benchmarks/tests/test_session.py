"""fib_benchmarks.session: which build runs where (contract.json), and rounds merged."""

from __future__ import annotations

import pytest
from fib_benchmarks import builds, runtimes
from fib_benchmarks.session import Session, merge
from fib_measuring import measure
from samples import sample_document


def session(**overrides) -> Session:
    values = {"ns": (10, 1000), "algorithms": ("iterative", "doubling"),
              "variants": ("python", "javascript", "rust-wasmtime", "gmp"),
              "runtimes": ("native", "pyodide"), "repeats": 3, "warmup": "auto"}  # fmt: skip
    return Session(**(values | overrides))


def test_each_build_runs_where_the_contract_says_and_gmp_only_doubling():
    runs = {(run.runtime, run.variant): run.plan["algorithms"] for run in session().runs()}
    assert runs == {
        ("native", "python"): ["iterative", "doubling"],
        ("native", "javascript"): ["iterative", "doubling"],
        ("native", "rust-wasmtime"): ["iterative", "doubling"],
        ("native", "gmp"): ["doubling"],  # a reference for doubling, natively only
        ("pyodide", "python"): ["iterative", "doubling"],  # JavaScript has no Pyodide
    }
    for runtime, variant in runs:
        assert variant == "gmp" or runtime in builds.RUNTIMES[variant]
    assert session(algorithms=("iterative",), variants=("gmp",)).runs() == []
    assert session().calls(session().runs()[3]) == 2 * 3  # gmp: one algorithm, two n


def test_the_documents_settings_are_the_sessions():
    settings = session(rounds=4).settings()
    assert settings["ns"] == [10, 1000] and settings["rounds"] == 4
    assert settings["variants"] == ["python", "javascript", "rust-wasmtime", "gmp"]


def test_rounds_merge_into_one_row_of_all_their_calls():
    first, later = (sample_document(times)["rows"][0] for times in ((1000, 1100), (1200, 900)))
    merged = merge(first, later)
    assert merged["times_ns"] == [1000, 1100, 1200, 900] and merged["repeats"] == 4
    assert merged["median_ms"] == measure.summarize([1000, 1100, 1200, 900])["median_ms"]
    assert merged["warmup"] == first["warmup"] + later["warmup"]
    with pytest.raises(runtimes.RunnerError, match="changed between rounds"):
        merge(first, later | {"digest": "sha256:" + "0" * 64})
