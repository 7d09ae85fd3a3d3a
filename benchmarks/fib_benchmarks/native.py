"""The native runner: one subprocess per build, each seeing exactly one build of ``fib``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from . import builds


class RunnerError(Exception):
    """A build could not be measured; the message says which and why."""


def run(variant: str, plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Events of ``measure.run_plan`` for ``variant``, read from a fresh subprocess.

    The ``ready`` event gains ``startup_s``: interpreter start plus import of the build.
    """
    env = builds.variant_environment(variant)
    command = [
        sys.executable,
        "-m",
        "fib_benchmarks.measure",
        json.dumps(plan | {"module": env["FIB_IMPL"]}),
    ]
    started = time.perf_counter()
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        try:
            for line in child.stdout:
                event = json.loads(line)
                if event["event"] == "ready":
                    event["startup_s"] = time.perf_counter() - started
                if event["event"] == "error":
                    raise RunnerError(f"{variant}: {event['message']}")
                yield event
        finally:
            if child.poll() is None:
                child.kill()
            stderr = child.stderr.read()
        if child.wait() != 0:
            last = stderr.strip().splitlines()[-1:] or ["no output"]
            raise RunnerError(f"{variant}: exited with status {child.returncode}: {last[0]}")
