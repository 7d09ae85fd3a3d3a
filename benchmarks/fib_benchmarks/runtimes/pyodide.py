"""``pyodide``: a fresh Pyodide instance under Node.js per build (``pyodide_host.mjs``,
beside this file), which micropip-installs the build's emscripten wheel and the measuring
core's pure one from local files: no network."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

from .. import builds
from .base import Event, events, node, with_startup_phases

PYODIDE_HOST = Path(__file__).with_name("pyodide_host.mjs")
PYODIDE_DIR = builds.REPO_ROOT / "node_modules" / "pyodide"


def pyodide_request(variant: str, mode: str, **fields: Any) -> dict[str, Any]:
    """What the Node runner needs for one build: Pyodide, micropip and the wheels."""
    node()
    if not (PYODIDE_DIR / "pyodide.mjs").exists():
        raise builds.BuildError(f"no Pyodide runtime in {PYODIDE_DIR}: run `make pyodide-wheels`")
    wheel = builds.find_wheel(variant, "pyodide")
    return {
        "pyodide": str(PYODIDE_DIR),
        "micropip": str(builds.find_package("micropip").path),
        "wheels": [str(wheel.path), *(str(w.path) for w in fields.pop("extra_wheels", []))],
        "env": {"FIB_IMPL": wheel.module, "FIB_EXPECT_PROFILE": wheel.profile or ""},
        "mode": mode,
        **fields,
    }


def host_command(request: dict[str, Any]) -> list[str]:
    """The command that runs ``request`` (``pyodide_request``) in a fresh Pyodide."""
    return [node(), str(PYODIDE_HOST), json.dumps(request)]


def run_pyodide(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    request = pyodide_request(
        variant,
        "measure",
        extra_wheels=[builds.find_package("fib-measuring")],
        plan=plan | {"module": builds.find_wheel(variant, "pyodide").module},
    )
    started = time.perf_counter()
    measured = events(host_command(request), dict(os.environ), f"{variant} (pyodide)", stop=stop)
    yield from with_startup_phases(measured, started)
