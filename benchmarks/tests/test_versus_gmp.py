"""`python -m fib_benchmarks.versus_gmp`: the release wheel against GMP on each SIMD path."""

from __future__ import annotations

import re
import subprocess
import sys

from fib_benchmarks import versus_gmp


def test_each_path_this_cpu_runs_gets_its_own_table():
    command = [sys.executable, "-m", "fib_benchmarks.versus_gmp", "--n", "1000,4321",
               "--paths", "scalar,avx2,avx512", "--samples", "3", "--markdown"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # Scalar runs everywhere: its table has both n, each with a ratio of two times.
    scalar = result.stdout.split("\nscalar (portable squarings, u64-scalar NTT):")[1]
    scalar = scalar.split("\navx2")[0]
    rows = re.findall(
        r"^\| ([\d ]+) \| ([\d.,]+ µs) \| ([\d.,]+ µs) \| ([\d.]+)x \|$", scalar, re.M
    )
    assert [row[0] for row in rows] == ["1 000", "4 321"], scalar
    # A path this CPU lacks is said to be missing, never measured as another path.
    # Each measured path says which squarings' loop and which NTT ran (build_info()'s
    # basecase and ntt).
    for path in ("avx2", "avx512"):
        section = result.stdout.split(f"\n{path}")[1]
        measured = re.match(
            r" \((portable|mulx-adx) squarings, (f64-fma|u32-lanes) NTT\): fib_pyrs", section
        )
        assert measured or section.startswith(": this CPU does not run it"), section


def test_calibration_reaches_the_sample_length():
    calls = []
    loops = versus_gmp.calibrated_loops(lambda: calls.append(sum(range(2000))))
    assert loops >= 1 and len(calls) >= loops
    assert versus_gmp.sample(lambda: sum(range(2000)), loops) * loops >= versus_gmp.SAMPLE_S / 4


def test_bad_n_is_one_line_not_a_traceback():
    command = [sys.executable, "-m", "fib_benchmarks.versus_gmp", "--n", "ten"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "not a list of integers" in result.stderr
    assert "Traceback" not in result.stderr
