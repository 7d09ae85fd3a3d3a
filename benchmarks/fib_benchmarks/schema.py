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

from . import builds
from .document import SCHEMA, VERSION, Document

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
    """What a later comparison needs to know ran: every runtime (CPython, Pyodide, Node.js,
    a browser), and every rustc and wasmtime a build names."""
    found: dict[str, set[str]] = {"runtimes": set(), "rustc": set(), "wasmtime": set()}
    for row in rows:
        found["runtimes"].add(row["runtime"])
        build = row.get("build") or {}
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
    """One line per (algorithm, n) for which two builds returned different numbers; the
    rows may be timed calls' or load rows (which name a server, not a runtime)."""
    by_case: dict[tuple[str, int], dict[str, list[str]]] = {}
    for row in rows:
        digests = by_case.setdefault((row["algorithm"], row["n"]), {})
        where = row.get("runtime_kind") or row["server"]
        digests.setdefault(row["digest"], []).append(f"{row['variant']}@{where}")
    return [
        f"F({n}) {algorithm}: "
        + "; ".join(f"{', '.join(who)} -> {digest[:19]}" for digest, who in found.items())
        for (algorithm, n), found in by_case.items()
        if len(found) > 1
    ]
