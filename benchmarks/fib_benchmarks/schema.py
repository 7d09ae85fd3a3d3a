"""The benchmark's JSON document: what ``--json`` writes and the web page downloads.

Version 1::

    {
      "schema": "py-rust-fib/benchmark", "version": 1,
      "created": "2026-11-22T02:10:00+00:00",
      "host": {"machine": "x86_64", "system": "Linux", "cpus": 2, "python": "CPython 3.11.7"},
      "settings": {"ns": [...], "algorithms": [...], "variants": [...], "runtimes": [...],
                   "repeats": 5, "warmup": 1, "rounds": 1},
      "startups": [{"variant", "runtime_kind", "runtime", "build", "seconds",
                    "phases"}],  # first round's; phases: what a runtime timed itself
      "rows": [{
        "variant": "rust-release",          # a variant of contract.json, or gmp | rust-core
        "runtime_kind": "native",           # native | pyodide | chromium | wasi
        "runtime": "CPython 3.11.7",        # or "Pyodide 314.0.7 (CPython 3.14.2)", ...
        "build": {...},                     # the module's build_info(): profile, rustc, ...
        "algorithm": "iterative", "n": 100000, "repeats": 5, "warmup": 1,
        "times_ns": [...],                  # every timed call of every round, warm-up excluded
        "median_ms": 29.1, "min_ms": 28.7, "max_ms": 30.2,
        "speedup_vs_python": 3.4,           # python's median / this median, same runtime, same run
        "slowdown_vs_native": null,         # this median / the native median of the same variant
        "debug_vs_release": null,           # rust-debug rows: this median / rust-release's
        "vs_gmp": null,                     # this median / the native GMP reference's, if run
        "digits": 20899, "leading": "259740693472", "trailing": "374653428746",
        "digest": "sha256:..."              # of F(n)'s little-endian bytes
      }]
    }

Ratios are only ever computed between rows of one run, never across runs.
"""

from __future__ import annotations

import datetime
import os
import platform
from typing import Any, Optional

SCHEMA = "py-rust-fib/benchmark"
VERSION = 1

Row = dict[str, Any]


def host() -> dict[str, Any]:
    return {
        "machine": platform.machine(),
        "system": platform.system(),
        "cpus": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def document(settings: dict[str, Any], startups: list[Row], rows: list[Row]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": host(),
        "settings": settings,
        "startups": startups,
        "rows": rows,
    }


def _ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def add_ratios(rows: list[Row]) -> None:
    """Fill ``speedup_vs_python``, ``slowdown_vs_native``, ``debug_vs_release`` and
    ``vs_gmp`` from rows of the same run."""
    median = {
        (row["variant"], row["runtime_kind"], row["algorithm"], row["n"]): row["median_ms"]
        for row in rows
    }
    for row in rows:
        case = (row["algorithm"], row["n"])
        python = median.get(("python", row["runtime_kind"], *case))
        native = median.get((row["variant"], "native", *case))
        row["speedup_vs_python"] = _ratio(python, row["median_ms"])
        row["slowdown_vs_native"] = (
            _ratio(row["median_ms"], native) if row["runtime_kind"] != "native" else None
        )
        release = median.get(("rust-release", row["runtime_kind"], *case))
        row["debug_vs_release"] = (
            _ratio(row["median_ms"], release) if row["variant"] == "rust-debug" else None
        )
        # GMP is the physical limit for big-integer arithmetic: how far each build is from it.
        row["vs_gmp"] = _ratio(row["median_ms"], median.get(("gmp", "native", *case)))


def disagreements(rows: list[Row]) -> list[str]:
    """One line per (algorithm, n) for which two builds returned different numbers."""
    by_case: dict[tuple[str, int], dict[str, list[str]]] = {}
    for row in rows:
        digests = by_case.setdefault((row["algorithm"], row["n"]), {})
        digests.setdefault(row["digest"], []).append(f"{row['variant']}@{row['runtime_kind']}")
    return [
        f"F({n}) {algorithm}: "
        + "; ".join(f"{', '.join(who)} -> {digest[:19]}" for digest, who in found.items())
        for (algorithm, n), found in by_case.items()
        if len(found) > 1
    ]
