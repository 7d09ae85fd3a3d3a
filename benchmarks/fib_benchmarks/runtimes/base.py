"""What every runtime's module shares: its errors, and the pump that reads a child
process's JSON-line events (``fib_benchmarks.events``) with a silence bound and a stop flag.

A runtime's module starts the measuring core (``fib_measuring``) next to exactly one build,
in a process of its own, and yields the events it prints; this module is the only place that
knows how such a process is started, followed and ended.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Optional

from .. import builds

Event = dict[str, Any]


class RunnerError(Exception):
    """A build could not be measured; the message says which and why."""


class Cancelled(RunnerError):
    """The caller asked the run to stop; its child process was killed."""


# How often a run that can be cancelled looks at its stop flag between two lines.
STOP_POLL_S = 0.1


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# Looked up here, in the parent: the child must not load anything between fork and exec.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child, before it runs: on Linux, be killed when the process that started
    it dies, however it dies (a server killed with SIGKILL left its measuring process
    running). PR_SET_PDEATHSIG follows the starting thread, which here waits on the child
    until it ends."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL))


def events(
    command: list[str],
    env: dict[str, str],
    label: str,
    silence_timeout_s: Optional[float] = None,
    stop: Optional[threading.Event] = None,
) -> Iterator[Event]:
    """JSON-line events from a child process; an ``error`` event becomes RunnerError, and
    so does ``silence_timeout_s`` seconds without a line; ``stop``, once set, ends the run
    with Cancelled. The child is killed whenever the run ends early."""
    # Its own process group: a Ctrl-C in the terminal reaches the parent alone (which then
    # stops the child here, without a second traceback from it), and ending the run ends
    # whatever the child started too.
    with subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    ) as child:
        assert child.stdout is not None
        lines: queue.Queue[Optional[str]] = queue.Queue()

        def pump(stream: Any = child.stdout) -> None:
            for line in stream:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        try:
            silent_since = time.monotonic()
            while True:
                if stop is not None and stop.is_set():
                    raise Cancelled(f"{label}: cancelled")
                wait = silence_timeout_s
                if stop is not None:
                    wait = STOP_POLL_S if wait is None else min(wait, STOP_POLL_S)
                try:
                    line = lines.get(timeout=wait)
                except queue.Empty:
                    silent = time.monotonic() - silent_since
                    if silence_timeout_s is not None and silent >= silence_timeout_s:
                        raise RunnerError(
                            f"{label}: silent for {silence_timeout_s} s; stopped"
                        ) from None
                    continue
                silent_since = time.monotonic()
                if line is None:
                    break
                event = json.loads(line)
                if event["event"] == "error":
                    raise RunnerError(f"{label}: {event['message']}")
                yield event
        finally:
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
        if child.wait() not in (0, None):
            raise RunnerError(f"{label}: exited with status {child.returncode}")


def node() -> str:
    node = shutil.which("node")
    if node is None:
        raise builds.BuildError(
            "Node.js is needed (Pyodide, the JavaScript build): apt-get install nodejs"
        )
    return node


def with_startup_phases(events: Iterator[Event], started: float) -> Iterator[Event]:
    """The events of a runtime that times its own start-up and says so first
    (``{"event": "startup", "phases": {...}}``: Pyodide's steps, wasmtime's compile): the
    ``ready`` event gains those phases, and the whole start-up since ``started``."""
    startup: Optional[Event] = None
    for event in events:
        if event["event"] == "startup":
            startup = event
            continue
        if event["event"] == "ready":
            event["startup_s"] = time.perf_counter() - started
            event["startup_phases"] = startup["phases"] if startup else {}
        yield event
