"""Where the site's files are, found from this package's location, not the working folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from fib_benchmarks import builds
from fib_benchmarks.results import store

REPO_ROOT = builds.REPO_ROOT


def _npm_version(package_dir: Path) -> Optional[str]:
    try:
        return json.loads((package_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


@dataclass(frozen=True)
class Settings:
    static_dir: Path = REPO_ROOT / "webapp-backend" / "static"
    worker_script: Path = REPO_ROOT / "webapp-worker" / "worker.mjs"
    javascript_worker_script: Path = REPO_ROOT / "webapp-worker" / "javascript_worker.mjs"
    javascript_harness: Path = REPO_ROOT / "benchmarks/measuring/fib_measuring/measure.mjs"
    javascript_dir: Path = REPO_ROOT / "fib-javascript"
    pyodide_dir: Path = REPO_ROOT / "node_modules" / "pyodide"
    # Made by `make wheels` (scripts/make-pyodide-snapshot.mjs); optional: without it the
    # workers start Pyodide from scratch, about 3 s each.
    pyodide_snapshot: Path = builds.BUILD_DIR / "pyodide" / "snapshot.bin"
    chartjs_dir: Path = REPO_ROOT / "node_modules" / "chart.js" / "dist"
    # Native timings run on this machine, one at a time: keep each request bounded.
    native_max_n: int = 1_000_000
    native_max_repeats: int = 10
    # A native run is refused if its estimated time exceeds this, and stopped (504) at its
    # deadline, derived from n, the algorithm, the builds and the calls (native.py);
    # `native_deadline_s` replaces the derived deadline (tests, small servers).
    native_max_run_s: float = 900.0
    native_deadline_s: Optional[float] = None
    # GET /api/fib (in_process.py): at most this many computations at a time per server
    # process (0: one per core) and this many requests waiting for one; a request whose
    # estimated time is beyond `fib_max_s` is refused, and one is stopped at its deadline
    # (10 s, or twice its estimate); `fib_deadline_s` replaces that deadline (tests).
    fib_slots: int = 0
    fib_queue: int = 256
    fib_max_s: float = 10.0
    fib_deadline_s: Optional[float] = None
    # `make dev` (dev.py): the page then watches /api/builds for rebuilt wheels.
    dev: bool = False
    # The Host header must name one of these (DNS rebinding); `python -m fib_webapp --host`
    # adds the address it listens on.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # Saved runs: SQLite under build/ unless PY_RUST_FIB_DATABASE_URL names another
    # database (postgresql+psycopg://...); at most this many saves a minute per client.
    database_url: str = ""
    saves_per_minute: int = 10
    # And at most this many bytes of them a minute per client: two of the largest documents.
    save_bytes_per_minute: int = 16 * 1024 * 1024

    @property
    def pyodide_version(self) -> Optional[str]:
        """None when node_modules is missing: the site is then incomplete, not broken."""
        return _npm_version(self.pyodide_dir)

    @property
    def chartjs_version(self) -> Optional[str]:
        return _npm_version(self.chartjs_dir.parent)


def from_environment(**overrides: Any) -> Settings:
    """Defaults, changed by PY_RUST_FIB_NATIVE_MAX_N, PY_RUST_FIB_NATIVE_DEADLINE_S,
    PY_RUST_FIB_ALLOWED_HOSTS (comma-separated, added to the defaults),
    PY_RUST_FIB_DATABASE_URL, PY_RUST_FIB_SAVES_PER_MINUTE and PY_RUST_FIB_DEV (1: make
    dev), then `overrides`."""
    values: dict[str, Any] = {}
    if max_n := os.environ.get("PY_RUST_FIB_NATIVE_MAX_N"):
        values["native_max_n"] = int(max_n)
    if deadline := os.environ.get("PY_RUST_FIB_NATIVE_DEADLINE_S"):
        values["native_deadline_s"] = float(deadline)
    values["database_url"] = store.url_from_environment()
    values["dev"] = os.environ.get("PY_RUST_FIB_DEV") == "1"
    if saves := os.environ.get("PY_RUST_FIB_SAVES_PER_MINUTE"):
        values["saves_per_minute"] = int(saves)
    if save_bytes := os.environ.get("PY_RUST_FIB_SAVE_BYTES_PER_MINUTE"):
        values["save_bytes_per_minute"] = int(save_bytes)
    hosts = [h.strip() for h in os.environ.get("PY_RUST_FIB_ALLOWED_HOSTS", "").split(",")]
    values["allowed_hosts"] = (*Settings.allowed_hosts, *(h for h in hosts if h))
    return Settings(**(values | overrides))
