"""`benchmark compare`: runs side by side, differences beyond the noise, a CI guard."""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

from fib_benchmarks.results import compare
from samples import sample_document, sample_load_document

BASE = (1200, 1100, 1300)  # ns: interquartile range 1150..1250


def run_compare(tmp_path, *documents, options=()) -> subprocess.CompletedProcess:
    paths = []
    for index, made in enumerate(documents):
        paths.append(tmp_path / f"run{index}.json")
        paths[-1].write_text(json.dumps(made))
    command = [sys.executable, "-m", "fib_benchmarks.cli", "compare", *map(str, paths), *options]
    env = {"COLUMNS": "40", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


def test_a_difference_counts_only_beyond_the_noise():
    base = sample_document(BASE)
    overlapping = sample_document((1240, 1260, 1300))  # 1250..1280 touches 1150..1250
    slower = sample_document((1500, 1600, 1550))
    faster = sample_document((500, 600, 550))
    lines = compare.compare([base, overlapping, slower, faster])
    assert len(lines) == len(base["rows"])
    for line in lines:
        assert line["verdicts"] == ["same", "slower", "faster"]
        assert line["ratios"][1] == line["medians"][2] / line["medians"][0]
        assert not line["digests_differ"]


def test_the_guard_fails_only_on_a_slowdown_beyond_its_threshold(tmp_path):
    base, slower = sample_document(BASE), sample_document((1500, 1600, 1550))  # 1.29x
    assert run_compare(tmp_path, base, slower).returncode == 0  # reported, not failed
    tolerant = run_compare(tmp_path, base, slower, options=("--fail-above", "50"))
    assert tolerant.returncode == 0, tolerant.stdout
    guarded = run_compare(tmp_path, base, slower, options=("--fail-above", "10"))
    assert guarded.returncode == 1
    assert "slower than the first by more than 10 %" in guarded.stdout
    assert "1.29x" in guarded.stdout
    faster = run_compare(
        tmp_path, base, sample_document((500, 600, 550)), options=("--fail-above", "10")
    )
    assert faster.returncode == 0


def test_runs_that_computed_different_numbers_are_an_error(tmp_path):
    base, other = sample_document(BASE), sample_document(BASE)
    other["rows"][0]["digest"] = "sha256:" + "0" * 64
    result = run_compare(tmp_path, base, other)
    assert result.returncode == 1
    assert "computed different F(n)" in result.stdout


def test_bad_input_is_one_plain_line_not_a_traceback(tmp_path):
    # A path longer than any terminal: a box folded at 80 columns split it, and the words
    # around it, wherever pytest's temporary folder happened to be long (issue 19).
    folder = tmp_path / ("a-rather-long-folder-name-" * 6)
    folder.mkdir()
    (folder / "not.json").write_text("{}")
    not_json, missing = str(folder / "not.json"), str(folder / "missing.json")
    for arguments, message in (
        ([not_json, not_json], f"{not_json} is not a benchmark document"),
        ([missing, not_json], f"cannot read {missing}"),
        ([not_json], "two or more"),
    ):
        command = [sys.executable, "-m", "fib_benchmarks.cli", "compare", *arguments]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "40"}
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("benchmark compare: error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr  # one line, however long
        assert message in result.stderr


def test_what_is_no_document_is_refused_at_once(tmp_path):
    """A FIFO, /dev/zero and a binary file hung `compare`, used unbounded memory or gave
    a traceback (issue 19): each is one line now, within seconds."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    binary = tmp_path / "binary.json"
    binary.write_bytes(bytes(range(256)) * 8)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(sample_document(BASE)))
    for bad, message in ((fifo, "is not a file of its own"), (Path("/dev/zero"), "is not a "
                         "file of its own"), (binary, "is not a benchmark document")):  # fmt: skip
        command = [sys.executable, "-m", "fib_benchmarks.cli", "compare", str(good), str(bad)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_a_zero_baseline_with_fail_above_is_a_ratio_of_nothing(tmp_path):
    """A baseline median of 0 ns (a clock too coarse) with --fail-above was a traceback."""
    zero = sample_document((0, 0, 0))
    result = run_compare(tmp_path, zero, sample_document(BASE), options=("--fail-above", "10"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_load_runs_are_compared_by_requests_a_second_without_a_verdict(tmp_path):
    base, other = sample_load_document(), sample_load_document()
    other["load"][3]["requests_per_s"] *= 1.5  # uvicorn, rust-release, F(1000), 1 connection
    del other["load"][0]
    lines = compare.compare_load([base, other])
    assert [line["ratios"] for line in lines[:4]] == [[None], [1.0], [1.0], [1.5]]
    assert lines[0]["rates"] == [base["load"][0]["requests_per_s"], None]
    shown = run_compare(tmp_path, base, other, options=("--fail-above", "10"))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "1.50x" in shown.stdout and "not measured" in shown.stdout
    other["load"][2]["digest"] = "sha256:" + "0" * 64
    assert run_compare(tmp_path, base, other).returncode == 1


def test_measurements_the_first_run_has_not_are_counted_and_none_in_common_is_said(tmp_path):
    """Comparing runs with no case in common showed a table of "not measured" without a
    word, and a later run's extra measurements were dropped silently (issue 21)."""
    base, other = sample_document(BASE), sample_document(BASE)
    for row in other["rows"]:
        row["n"] += 1  # F(11) and F(1001): no case of the first's
    lines = compare.compare([base, other])
    assert not compare.in_common(lines)
    assert compare.not_in_first([base, other]) == [len(other["rows"])]
    shown = run_compare(tmp_path, base, other)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    words = " ".join(shown.stdout.split())
    assert "no measurement in common" in words
    assert f"run 2 has {len(other['rows'])} measurements the first has not" in words
    extra = sample_document(BASE)
    extra["rows"].append({**extra["rows"][0], "n": 12})
    assert compare.not_in_first([base, extra]) == [1]
    assert compare.in_common(compare.compare([base, extra]))


def samples(rng, median_ns: float, count: int = 15, spread: float = 0.05) -> list[int]:
    """Timings from a known distribution: log-normal around `median_ns`, a spread of 5 %."""
    return [int(median_ns * math.exp(rng.gauss(0, spread))) for _ in range(count)]


def test_two_runs_of_one_build_are_the_same_and_a_real_slowdown_is_caught():
    """Synthetic runs from known distributions, with the drift of a shared machine between
    runs (each run's median moved by up to 3 %): of 20 A/A pairs at most one false alarm;
    of 20 pairs 1.2x apart, at least 19 caught, and as many speed-ups the other way."""
    rng = random.Random(2026)

    def run(median_ns: float) -> list[int]:
        return samples(rng, median_ns * rng.uniform(0.97, 1.03))

    same = [compare.verdict(compare.ratio_interval(run(1e5), run(1e5))) for _ in range(20)]
    assert sum(v != "same" for v in same) <= 1, same
    slower = [compare.verdict(compare.ratio_interval(run(1e5), run(1.2e5))) for _ in range(20)]
    assert slower.count("slower") >= 19, slower
    faster = [compare.verdict(compare.ratio_interval(run(1.2e5), run(1e5))) for _ in range(20)]
    assert faster.count("faster") >= 19, faster


def test_the_interval_holds_the_true_ratio_about_as_often_as_it_says():
    """95 % intervals over 15 samples a side, with no drift: the true ratio (1.2) inside
    in at least 85 of 100 trials (a bootstrap of medians over so few samples covers a
    little less than it claims), and every interval around the measured ratio."""
    rng = random.Random(7)
    inside = 0
    for _ in range(100):
        base, other = samples(rng, 1e5), samples(rng, 1.2e5)
        low, high = compare.ratio_interval(base, other)
        inside += low <= 1.2 <= high
        measured = statistics.median(other) / statistics.median(base)
        assert low <= measured <= high
    assert inside >= 85, inside


def test_an_interval_of_a_zero_baseline_is_none():
    assert compare.ratio_interval([0, 0, 0], [5, 6, 7]) is None
    assert compare.verdict(None) == "same"
