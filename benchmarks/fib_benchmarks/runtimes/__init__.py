"""The runtimes a build of the fib API is measured in, one module each, each build in a
fresh process, behind one registry (``RUNTIMES``), as hyperfine keeps one executor per way
of running:

- ``native``: this machine's CPython, Node.js for the JavaScript builds (``native``);
- ``pyodide``: Pyodide under Node.js (``pyodide``);
- ``browser``: the web page's own worker for the build, in Debian's headless Chromium
  (``browser``);
- ``wasi``: CPython for WASI under wasmtime (``wasi``, ``wasi_host``);
- ``component``: the same as a WebAssembly component (``component``, ``component_host``).

All run the measuring core (``fib_measuring``) and yield its events (``fib_benchmarks.events``)
over ``base``'s pump; the ``ready`` event gains ``startup_s``, the cold start (interpreter,
package installation, import), which is never part of a timing. ``measure_build`` turns one
run's events into result rows, each summarised by ``measure.summarize``, whichever harness
timed it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, Optional

from fib_measuring import measure

from .base import Cancelled, Event, RunnerError
from .component import run_component
from .native import run_native
from .pyodide import run_pyodide
from .wasi import run_wasi

__all__ = ["RUNTIMES", "Cancelled", "RunnerError", "measure_build"]


def run_browser(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    from . import browser  # Playwright and the site are needed by this runtime only

    yield from browser.run_browser(variant, plan, stop)


RUNTIMES: dict[str, Callable[..., Iterator[Event]]] = {
    "native": run_native,
    "pyodide": run_pyodide,
    "browser": run_browser,
    "wasi": run_wasi,
    "component": run_component,
}


def measure_build(
    runtime: str,
    variant: str,
    plan: dict[str, Any],
    on_progress: Optional[Callable[[Event], None]] = None,
    stop: Optional[threading.Event] = None,
) -> tuple[Event, list[Event]]:
    """Run ``plan`` against one build in one runtime: its start-up record and result rows.

    Rows follow ``schema`` (less the ratios, which need the other builds' rows). Setting
    ``stop`` kills the run's process and raises Cancelled.
    """
    where: dict[str, Any] = {"variant": variant, "runtime": runtime}
    startup: Event = {}
    rows = []
    for event in RUNTIMES[runtime](variant, plan, stop=stop):
        kind = event.pop("event")
        if kind == "ready":
            where |= {"interpreter": event["interpreter"], "build_info": event["build_info"]}
            startup = where | {"seconds": event["startup_s"], "phases": event.get("startup_phases")}
        elif kind == "progress" and on_progress is not None:
            on_progress(event)
        elif kind == "result":
            summary = measure.summarize(
                event["times_ns"],
                event["warmup_settled"],
                event.get("timer_resolution_ns"),
                event.get("loops", 1),  # a harness that times one call a sample names none
            )
            rows.append(where | event | summary)
    return startup, rows
