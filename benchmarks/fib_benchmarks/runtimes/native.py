"""``native``: the measuring core in a subprocess of this machine, next to one build.

A Python build runs under ``python -m fib_measuring.measure`` with exactly that build on
its ``PYTHONPATH`` (``builds.variant_environment``); the JavaScript builds under Node.js
(``node_host.mjs``, beside this file, with ``fib_measuring/measure.mjs``); rust-core, the
Rust crate with no Python at all, is its own timer (``fib_timer``, same events).
"""

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
from .base import Event, events, node

JAVASCRIPT_HOST = Path(__file__).with_name("node_host.mjs")


def run_native(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    if variant == builds.RUST_CORE:
        if not builds.RUST_CORE_TIMER.exists():
            raise builds.BuildError(f"{builds.RUST_CORE_TIMER} is missing: run `make wheels`")
        cases = [f"{a}:{n}" for a in plan["algorithms"] for n in plan["ns"]]
        command = [str(builds.RUST_CORE_TIMER), str(plan["repeats"]), str(plan["warmup"]), *cases]
        env = dict(os.environ)
    elif variant in builds.JAVASCRIPT_VARIANTS:
        if variant == "rust-wasm" and not builds.FIB_WASM.exists():
            raise builds.BuildError(f"{builds.FIB_WASM} is missing: run `make wasm`")
        command = [node(), str(JAVASCRIPT_HOST), json.dumps(plan), variant]
        env = dict(os.environ)
    else:
        env = builds.variant_environment(variant)
        plan = plan | {"module": env["FIB_IMPL"]}
        command = [sys.executable, "-m", "fib_measuring.measure", json.dumps(plan)]
    started = time.perf_counter()
    for event in events(command, env, f"{variant} (native)", stop=stop):
        if event["event"] == "ready":
            event["startup_s"] = time.perf_counter() - started
            # A build that compiles code when it starts (wasmtime) says how long that took.
            module = event["build_info"].get("module")
            if module:
                phase = "module compiled" if module["compiled"] else "compiled module loaded"
                event["startup_phases"] = {phase: module["load_s"]}
        yield event
