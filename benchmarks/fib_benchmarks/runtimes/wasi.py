"""``wasi``: the measuring core inside CPython for WASI, hosted by wasmtime from this
Python (``wasi_host``), with the build's folder and the core's preopened."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

from .. import builds
from .base import Event, events, with_startup_phases


def wasi_command(
    variant: str, arguments: list[str], extra_sites: tuple[Path, ...] = (), **env: str
) -> list[str]:
    """The command that runs ``python *arguments`` in CPython for WASI with the build's
    folder, and ``extra_sites``, on its path, and ``env`` in its environment."""
    site = builds.isolated_site(builds.find_wheel(variant, "wasi"))
    command = [sys.executable, "-m", "fib_benchmarks.runtimes.wasi_host"]
    for folder in (site, *extra_sites):
        command += ["--path", str(folder)]
    for name, value in {"PYTHONDONTWRITEBYTECODE": "1", **env}.items():
        command += ["--env", f"{name}={value}"]
    return [*command, "--", *arguments]


def run_wasi(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    measuring = builds.isolated_site(builds.find_package("fib-measuring"))
    plan = plan | {"module": builds.find_wheel(variant, "wasi").module}
    arguments = ["-m", "fib_measuring.measure", json.dumps(plan)]
    started = time.perf_counter()
    command = wasi_command(variant, arguments, (measuring,))
    measured = events(command, dict(os.environ), f"{variant} (wasi)", stop=stop)
    yield from with_startup_phases(measured, started)
