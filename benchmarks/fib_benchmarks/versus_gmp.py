"""``python -m fib_benchmarks.versus_gmp``: Rust release against GMP's own fib, per SIMD path.

The question of issue 18: on each path the Rust core can take (``FIB_RUST_ISA=scalar``,
``avx2``, ``avx512``: those this CPU runs), how does the release wheel's doubling compare
with GMP's ``mpz_fib_ui`` (``gmpy2.fib``)? Each path runs in a process of its own with
only the release wheel importable. In it the two are timed in alternation, sample after
sample, so that both see the same state of a shared, noisy machine: each sample is a loop
calibrated to last at least ``SAMPLE_S`` (as ``timeit.Timer.autorange`` does), and the
ratio is that of the two medians. ``--markdown`` prints the tables of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from . import builds

SAMPLE_S = 0.002
PATHS = ("scalar", "avx2", "avx512")
DEFAULT_NS = (10_000, 12_000, 24_681, 100_000, 300_000, 1_000_000, 10_000_000)


def calibrated_loops(call) -> int:
    """How many calls make a sample of at least SAMPLE_S (1, 2, 5, 10, 20, ...)."""
    loops = 1
    while True:
        for factor in (1, 2, 5):
            count = loops * factor
            start = time.perf_counter()
            for _ in range(count):
                call()
            if time.perf_counter() - start >= SAMPLE_S:
                return count
        loops *= 10


def sample(call, loops: int) -> float:
    """Seconds per call over one sample of ``loops`` calls."""
    start = time.perf_counter()
    for _ in range(loops):
        call()
    return (time.perf_counter() - start) / loops


def measure_here(ns: list[int], samples: int) -> None:
    """In the child: one JSON line per n, the two medians and this process's path."""
    import fib_pyrs  # the release wheel, the only build importable here
    import gmpy2

    info = fib_pyrs.build_info()
    isa, basecase = info["isa"], info.get("basecase", "portable")
    ntt = info.get("ntt", "u32-lanes")  # builds older than the key had only the lane NTT
    for n in ns:
        if fib_pyrs.fib(n, "doubling") != int(gmpy2.fib(n)):
            raise SystemExit(f"fib_pyrs and GMP disagree on F({n})")

        def rust(n=n):
            return fib_pyrs.fib(n, "doubling")

        def gmp(n=n):
            return gmpy2.fib(n)

        loops = {rust: calibrated_loops(rust), gmp: calibrated_loops(gmp)}
        times: dict = {rust: [], gmp: []}
        for _ in range(samples):
            for call in (rust, gmp):
                times[call].append(sample(call, loops[call]))
        rust_s, gmp_s = statistics.median(times[rust]), statistics.median(times[gmp])
        line = {
            "isa": isa,
            "basecase": basecase,
            "ntt": ntt,
            "n": n,
            "rust_s": rust_s,
            "gmp_s": gmp_s,
        }
        print(json.dumps(line), flush=True)


def measure_path(path: str, ns: list[int], samples: int) -> list[dict]:
    """One child process on ``path``; its lines, or an empty list if this CPU lacks it."""
    env = builds.variant_environment("rust-release") | {"FIB_RUST_ISA": path}
    command = [sys.executable, "-m", "fib_benchmarks.versus_gmp", "--child",
               "--n", ",".join(map(str, ns)), "--samples", str(samples)]  # fmt: skip
    child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"{path}: {child.stderr.strip() or child.returncode}")
    lines = [json.loads(line) for line in child.stdout.splitlines()]
    # fib-rust falls back to the widest path the CPU runs when asked for one it lacks.
    return [line for line in lines if line["isa"] == path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fib_benchmarks.versus_gmp",
                                     description=__doc__.split("\n\n")[1])  # fmt: skip
    parser.add_argument("--n", default=",".join(map(str, DEFAULT_NS)),
                        help="comma-separated n (default: %(default)s)")  # fmt: skip
    parser.add_argument("--paths", default=",".join(PATHS), help="default: %(default)s")
    parser.add_argument("--samples", type=int, default=15, help="default: %(default)s")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    try:
        ns = [int(part.replace("_", "")) for part in options.n.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--n: not a list of integers: {options.n!r}")
    if options.child:
        measure_here(ns, options.samples)
        return 0
    for path in options.paths.split(","):
        lines = measure_path(path, ns, options.samples)
        if not lines:
            print(f"\n{path}: this CPU does not run it ({os.uname().machine})")
            continue
        print(f"\n{path} ({lines[0]['basecase']} squarings, {lines[0]['ntt']} NTT): fib_pyrs "
              f"release doubling against gmpy2.fib, {options.samples} interleaved samples, "
              "medians\n")  # fmt: skip
        if options.markdown:
            print("| n | Rust | GMP | Rust / GMP |\n|---:|---:|---:|---:|")
        for line in lines:
            ratio = line["rust_s"] / line["gmp_s"]
            cells = (f"{line['n']:,}".replace(",", " "), microseconds(line["rust_s"]),
                     microseconds(line["gmp_s"]), f"{ratio:.2f}x")  # fmt: skip
            print(("| " + " | ".join(cells) + " |") if options.markdown else "  ".join(cells))
    return 0


def microseconds(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-2 else f"{seconds * 1e3:,.2f} ms"


if __name__ == "__main__":
    sys.exit(main())
