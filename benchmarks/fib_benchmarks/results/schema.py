"""The benchmark's JSON document, as the CLI makes it: ``document.Document`` defines it
(and ``benchmark.schema.json``, generated from it, publishes it); this module fills it in,
computes the ratios between the rows of one run, and finds builds that disagree.

Ratios are only ever computed between rows of one run, never across runs.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path
from typing import Any, Optional

from fib_measuring import measure

from .. import builds
from .document import SCHEMA, VERSION, Document, Sampled
from .intervals import draws, ratio_interval

Row = dict[str, Any]


def code(folder: Path = builds.REPO_ROOT) -> dict[str, Any]:
    """The commit of the checkout that measured, and whether it had local changes; nulls
    outside a git checkout (an installed package)."""
    try:
        run = {"cwd": folder, "capture_output": True, "text": True, "timeout": 10, "check": True}
        commit = subprocess.run(["git", "rev-parse", "HEAD"], **run).stdout.strip()
        changes = subprocess.run(["git", "status", "--porcelain"], **run).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(changes)}


def cpu_model() -> Optional[str]:
    """The CPU's name as Linux reports it (/proc/cpuinfo), or the platform's guess."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def host() -> dict[str, Any]:
    return {
        "machine": platform.machine(),
        "system": platform.system(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def versions(rows: list[Row]) -> dict[str, list[str]]:
    """What a later comparison needs to know ran: every interpreter (CPython, Pyodide,
    Node.js, a browser), and every rustc and wasmtime a build names."""
    found: dict[str, set[str]] = {"interpreters": set(), "rustc": set(), "wasmtime": set()}
    for row in rows:
        found["interpreters"].add(row["interpreter"])
        build = row.get("build_info") or {}
        if build.get("rustc"):
            found["rustc"].add(build["rustc"])
        if (build.get("dependencies") or {}).get("wasmtime"):
            found["wasmtime"].add(build["dependencies"]["wasmtime"])
    return {name: sorted(values) for name, values in found.items()}


def document(
    settings: dict[str, Any], startups: list[Row], rows: list[Row],
    load: Optional[list[Row]] = None, versions_too: Optional[dict[str, list[str]]] = None,
) -> dict[str, Any]:  # fmt: skip
    """The run as a document of the schema, checked against it before anyone reads it:
    timed calls (``rows``), or a service under load (``load``: `benchmark load`), whose
    servers' versions come in ``versions_too``."""
    made = {
        "schema": SCHEMA,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "code": code(),
        "host": host(),
        "versions": versions(rows) | (versions_too or {}),
        "settings": {"source": "cli", **settings},
        "startups": startups,
        "rows": rows,
        "load": load or [],
    }
    Document.model_validate(made)
    return made


def _ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


#: Each ratio of a run: its field, the row it sets against this one (given this one's
#: variant and runtime, or None), and which is the numerator. A speed-up is the other's
#: time over this one's; the others are this one's time over the other's.
RATIOS = {
    "speedup_vs_python": (lambda variant, runtime: ("python", runtime), "other"),
    "slowdown_vs_native": (
        lambda variant, runtime: (variant, "native") if runtime != "native" else None,
        "this",
    ),
    "debug_vs_release": (
        lambda variant, runtime: ("rust-release", runtime) if variant == "rust-debug" else None,
        "this",
    ),
    # GMP is the physical limit for big-integer arithmetic: how far each build is from it.
    "vs_gmp": (lambda variant, runtime: ("gmp", "native"), "this"),
}


#: The values all the intervals of one run may draw: a run saved on the site is untrusted
#: (2 000 rows of thousands of samples would cost minutes); a CLI or page run draws a few
#: million at most. Intervals beyond it are left out (None), in row order.
RUN_DRAWS = 40_000_000


def add_ratios(rows: list[Row]) -> None:
    """Fill each ratio of ``RATIOS`` from rows of the same run, and its 95 % interval
    (``<ratio>_interval``: a bootstrap over both rows' samples, ``intervals``), for
    ratios between different rows only, within RUN_DRAWS."""
    budget = RUN_DRAWS
    by_case = {(row["variant"], row["runtime"], row["algorithm"], row["n"]): row for row in rows}
    for row in rows:
        for field, (other_of, numerator) in RATIOS.items():
            key = other_of(row["variant"], row["runtime"])
            other = None if key is None else by_case.get((*key, row["algorithm"], row["n"]))
            if other is None:
                row[field], row[f"{field}_interval"] = None, None
                continue
            top, bottom = (other, row) if numerator == "other" else (row, other)
            row[field] = _ratio(top["median_ms"], bottom["median_ms"])
            cost = draws(len(bottom["times_ns"]), len(top["times_ns"]))
            if other is row or row[field] is None or cost > budget:
                row[f"{field}_interval"] = None
                continue
            budget -= cost
            row[f"{field}_interval"] = ratio_interval(bottom["times_ns"], top["times_ns"])


def summarized(made: dict[str, Any]) -> dict[str, Any]:
    """A run whose rows carry their samples (the page's) as a document: each row's
    statistics and warnings from its samples (``measure.summarize``, as
    ``runtimes.measure_build`` does for the CLI), the versions its rows name (``versions``),
    the ratios between its rows with their intervals (``add_ratios``), the whole checked
    against the schema. A ValueError (a pydantic ValidationError among them) if it is not
    one."""
    sampled = Sampled.model_validate(made)  # first: `made` may be any JSON at all
    for row, samples in zip(made["rows"], sampled.rows):
        row.update(measure.summarize(samples.times_ns, samples.warmup_settled,
                                     samples.timer_resolution_ns, samples.loops))  # fmt: skip
    checked = Document.model_validate(made).model_dump(mode="json", by_alias=True)
    checked["versions"] |= versions(checked["rows"])
    add_ratios(checked["rows"])
    return checked


def disagreements(rows: list[Row]) -> list[str]:
    """One line per (algorithm, n) for which two builds returned different numbers; the
    rows may be timed calls' or load rows (which name a server, not a runtime)."""
    by_case: dict[tuple[str, int], dict[str, list[str]]] = {}
    for row in rows:
        digests = by_case.setdefault((row["algorithm"], row["n"]), {})
        where = row.get("runtime") or row["server"]
        digests.setdefault(row["digest"], []).append(f"{row['variant']}@{where}")
    return [
        f"F({n}) {algorithm}: "
        + "; ".join(f"{', '.join(who)} -> {digest[:19]}" for digest, who in found.items())
        for (algorithm, n), found in by_case.items()
        if len(found) > 1
    ]
