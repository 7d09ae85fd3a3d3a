"""``component``: the measuring core inside CPython 3.14 for WASI built as a component
with fib-python (``component_guest/``), run by wasmtime from this Python
(``component_host``): the guest hands each event to a function of the host's."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Optional

from .base import Event, events, with_startup_phases


def run_component(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    # The component carries fib-python (the only build the contract runs there).
    plan = plan | {"module": "fib_python"}
    command = [sys.executable, "-m", "fib_benchmarks.runtimes.component_host", json.dumps(plan)]
    started = time.perf_counter()
    measured = events(command, dict(os.environ), f"{variant} (component)", stop=stop)
    yield from with_startup_phases(measured, started)
