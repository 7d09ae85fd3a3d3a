"""Native timings for the page: the CLI's own runner, one request at a time."""

from __future__ import annotations

import threading
from typing import Any

from fib_benchmarks import runners, schema


class Busy(Exception):
    """Another native run is under way."""


class NativeTimings:
    """Runs ``runners.run_native`` for each variant; refuses, rather than queues, a second run.

    Called from FastAPI's thread pool (the endpoint is a plain ``def``), so a run never
    blocks the event loop or the serving of files.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def measure(self, variants: list[str], plan: dict[str, Any]) -> dict[str, Any]:
        if not self._lock.acquire(blocking=False):
            raise Busy("busy: a native run is already in progress; try again when it ends")
        try:
            rows, startups = [], []
            for variant in variants:
                startup, measured = runners.measure_build("native", variant, plan)
                startups.append(startup)
                rows += measured
            schema.add_ratios(rows)
            return {"rows": rows, "startups": startups}
        finally:
            self._lock.release()
