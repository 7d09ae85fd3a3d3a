"""Where the site's files are, found from this package's location, not the working folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from fib_benchmarks import builds

REPO_ROOT = builds.REPO_ROOT


def _npm_version(package_dir: Path) -> str:
    return json.loads((package_dir / "package.json").read_text())["version"]


@dataclass(frozen=True)
class Settings:
    static_dir: Path = REPO_ROOT / "webapp-backend" / "static"
    worker_script: Path = REPO_ROOT / "webapp-worker" / "worker.mjs"
    javascript_dir: Path = REPO_ROOT / "fib-javascript"
    pyodide_dir: Path = REPO_ROOT / "node_modules" / "pyodide"
    # Made by `make wheels` (scripts/make-pyodide-snapshot.mjs); optional: without it the
    # workers start Pyodide from scratch, about 3 s each.
    pyodide_snapshot: Path = builds.BUILD_DIR / "pyodide" / "snapshot.bin"
    chartjs_dir: Path = REPO_ROOT / "node_modules" / "chart.js" / "dist"
    # Native timings run on this machine, one at a time: keep each request bounded.
    native_max_n: int = 1_000_000
    native_max_repeats: int = 10

    @property
    def pyodide_version(self) -> str:
        return _npm_version(self.pyodide_dir)

    @property
    def chartjs_version(self) -> str:
        return _npm_version(self.chartjs_dir.parent)


def from_environment() -> Settings:
    """Defaults, with PY_RUST_FIB_NATIVE_MAX_N to change the native bound."""
    max_n = os.environ.get("PY_RUST_FIB_NATIVE_MAX_N")
    return Settings(native_max_n=int(max_n)) if max_n else Settings()
