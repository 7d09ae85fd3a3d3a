"""Native timings for the page: the CLI's own runner, one request at a time, cancellable."""

from __future__ import annotations

import threading
from typing import Any, Optional

from fib_benchmarks import runners, schema


class Busy(Exception):
    """Another native run is under way."""


class NativeTimings:
    """Runs ``runners.measure_build`` for each variant; refuses, rather than queues, a second run.

    Called from FastAPI's thread pool (the endpoint is a plain ``def``), so a run never
    blocks the event loop or the serving of files. A run may carry a token chosen by the
    page; ``cancel(token)`` kills that run's process, so the page's Cancel frees the server
    at once instead of leaving it busy (and the next run refused) until the run ends.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._stop = threading.Event()

    def measure(self, variants: list[str], plan: dict[str, Any], token: str = "") -> dict[str, Any]:
        if not self._lock.acquire(blocking=False):
            raise Busy("busy: a native run is already in progress; try again when it ends")
        try:
            self._token, self._stop = token, threading.Event()
            rows, startups = [], []
            for variant in variants:
                startup, measured = runners.measure_build("native", variant, plan, stop=self._stop)
                startups.append(startup)
                rows += measured
            schema.add_ratios(rows)
            return {"rows": rows, "startups": startups}
        finally:
            self._token = None
            self._lock.release()

    def cancel(self, token: str) -> bool:
        """Stop the run started with ``token``, if it is the one under way."""
        if token and self._token == token:
            self._stop.set()
            return True
        return False
