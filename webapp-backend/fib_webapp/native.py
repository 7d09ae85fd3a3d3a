"""Native timings for the page: the CLI's own runner, one request at a time, bounded."""

from __future__ import annotations

import contextlib
import threading
from contextlib import AbstractContextManager
from typing import Any, Callable, Optional

from fib_benchmarks import builds
from fib_benchmarks.results import schema
from fib_benchmarks.session import Session, measure_session
from fib_measuring import measure

#: A lock held around a block, which says whether it was had (False: another holds it).
Exclusive = AbstractContextManager[bool]


class Busy(Exception):
    """Another native run is under way."""


class ShuttingDown(Exception):
    """The server is stopping: no native run now."""


#: What the client of a native run hears when the server stops (503).
SHUTTING_DOWN = "the server is shutting down"


class TooLong(Exception):
    """A run whose estimated time exceeds what the server allows."""


STARTUP_S = 1.0  # a fresh process per build, its imports included (0.3-0.5 s measured)
# The deadline leaves this factor over the estimate: a shared machine has slow spells.
DEADLINE_FACTOR = 2.0
DEADLINE_MIN_S = 30.0


def plan_deadline(variants: list[str], algorithm: str, n: int, repeats: int, max_s: float) -> float:
    """Seconds a native run may take before it is stopped; TooLong if even the estimate
    is beyond ``max_s``."""
    estimate = 0.0
    for variant in variants:
        # The contract's upper estimate of one call (contract.json, seconds_per_call).
        call = builds.call_estimate_s(variant, "native", algorithm, n)
        # Warm-up: until settled, but no new call after WARMUP_MAX_SECONDS.
        warmup = measure.WARMUP_MAX_SECONDS + call
        estimate += STARTUP_S + warmup + repeats * call
    if estimate > max_s:
        raise TooLong(
            f"this native run would take about {estimate / 60:.0f} min, more than the "
            f"{max_s / 60:.0f} min the server allows: ask for fewer builds or calls, or a "
            "smaller n"
        )
    return min(max(DEADLINE_FACTOR * estimate, DEADLINE_MIN_S), max_s)


class NativeTimings:
    """Runs a session (``fib_benchmarks.session``) natively; refuses, rather than queues, a
    second run.

    Called from a worker thread, so a run never blocks the event loop or the serving of
    files. Setting the run's ``stop`` event kills its process; a run may also carry a token
    chosen by the page, and ``cancel(token)`` sets that run's event, so the page's Cancel
    frees the server at once instead of leaving it busy (and the next run refused).
    """

    def __init__(self, exclusive: Optional[Callable[[], Exclusive]] = None) -> None:
        # This process's runs, one at a time; `exclusive`, if given, is held around a run
        # too and says whether another process holds it (then this one is Busy).
        self._exclusive = exclusive or (lambda: contextlib.nullcontext(True))
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._stop = threading.Event()
        #: Set when the server is shutting down: the run under way stops, no other starts.
        self.closing = threading.Event()

    def measure(
        self,
        variants: list[str],
        plan: dict[str, Any],
        token: str = "",
        stop: Optional[threading.Event] = None,
    ) -> dict[str, Any]:
        if self.closing.is_set():
            raise ShuttingDown(SHUTTING_DOWN)
        if not self._lock.acquire(blocking=False):
            raise Busy("busy: a native run is already in progress; try again when it ends")
        try:
            self._token, self._stop = token, stop or threading.Event()
            if self.closing.is_set():  # shut down between the check above and now
                self._stop.set()
            with self._exclusive() as held:
                if not held:
                    raise Busy("busy: a native run is already in progress in another server "
                               "process; try again when it ends")  # fmt: skip
                # The CLI's session, natively and in one round.
                session = Session(ns=tuple(plan["ns"]), algorithms=tuple(plan["algorithms"]),
                                  variants=tuple(variants), runtimes=("native",),
                                  repeats=plan["repeats"], warmup=plan["warmup"])  # fmt: skip
                startups, rows = measure_session(session, stop=self._stop)
            schema.add_ratios(rows)
            return {"rows": rows, "startups": startups}
        finally:
            self._token = None
            self._lock.release()

    def shut_down(self) -> None:
        """Stops the run under way (its process is killed, its client answered 503) and
        refuses new ones: a server asked to stop must not wait minutes for a run."""
        self.closing.set()
        self._stop.set()

    def cancel(self, token: str) -> bool:
        """Stop the run started with ``token``, if it is the one under way."""
        if token and self._token == token:
            self._stop.set()
            return True
        return False
