"""The ``browser`` runtime: the web page's own workers, in Debian's headless Chromium.

For each build, a fresh Chromium opens the site (served by ``python -m fib_webapp`` on a
free loopback port, started once per CLI run) with only that build selected, waits until
its worker is ready, and calls ``window.pyRustFib.runPlan`` (``webapp-backend/static/app.js``):
the very code a visitor's Run button runs. The rows come back as the page's JSON document
and are turned into the events of ``measure.run_plan``, so they join the same table.

Playwright drives the browser; it never downloads one (no ``playwright install``).
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any, Optional

from ..results import schema
from .base import Cancelled, RunnerError

Event = dict[str, Any]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
SERVER_START_S = 30
READY_S = 120  # a cold Pyodide start on a slow machine, with a margin
# Between two events a run makes one call; F(MAX_N) by iteration in Pyodide's Python takes
# many minutes. Only a dead page is caught by this.
SILENCE_S = 3600


class ChromiumError(RunnerError):
    """The browser or the site could not be started, or the page reported an error."""


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(path):
        raise ChromiumError("Debian's chromium is needed for --runtime browser: make chromium")
    return path


def launch(driver: Any) -> Any:
    """Debian's Chromium, headless, through a Playwright driver."""
    return driver.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


_server: Optional[tuple[subprocess.Popen, str]] = None


def site_url() -> str:
    """The base URL of the benchmark site, started on first use and stopped at exit."""
    global _server
    if _server is not None and _server[0].poll() is None:
        return _server[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "fib_webapp", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    atexit.register(server.terminate)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                health = json.load(response)
            if health["status"] != "ok":
                server.terminate()
                raise ChromiumError(f"the site is incomplete: {health.get('detail')}")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                error = server.stderr.read() if server.stderr else ""
                raise ChromiumError(f"the site did not start: {error[-500:]}") from None
            time.sleep(0.2)
    _server = (server, url)
    return url


def run_browser(
    variant: str, plan: dict[str, Any], stop: Optional[threading.Event] = None
) -> Iterator[Event]:
    """Measure ``plan`` with the page's worker for ``variant``; ``measure.run_plan``'s events."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ChromiumError("playwright is needed for --runtime browser: make setup") from None
    query = urllib.parse.urlencode(
        {
            "variants": variant,
            "native": "0",
            "ready_timeout_s": READY_S,
            "silence_timeout_s": SILENCE_S,
        }
    )
    url = f"{site_url()}/?{query}"
    events: list[Event] = []
    started = time.perf_counter()
    try:
        with sync_playwright() as driver:
            browser = launch(driver)
            try:
                page = browser.new_page()
                page.expose_function("pyRustFibProgress", lambda message: events.append(message))
                page.goto(url)
                ready = page.evaluate(
                    f"""Promise.race([window.pyRustFib.ready,
                        new Promise(r => setTimeout(() => r({{ok: false,
                          message: "not ready within {READY_S} s"}}), {READY_S * 1000}))])"""
                )
                if not ready["ok"]:
                    raise ChromiumError(f"{variant} (browser): {ready['message']}")
                startup = page.evaluate("window.pyRustFib.startups()")[0]
                yield {"event": "ready", "build_info": startup["build_info"],
                       "interpreter": startup["interpreter"],
                       "startup_s": time.perf_counter() - started,
                       "startup_phases": startup["phases"]}  # fmt: skip
                request = {
                    "ns": plan["ns"], "algorithms": plan["algorithms"], "variants": [variant],
                    "repeats": plan["repeats"], "warmup": plan["warmup"], "native": False,
                }  # fmt: skip
                page.evaluate(
                    """plan => { window.pyRustFibOutcome = null;
                        window.pyRustFib.runPlan(plan).then(
                          (result) => (window.pyRustFibOutcome = {ok: true, rows: result.rows}),
                          (error) => (window.pyRustFibOutcome =
                            {ok: false, message: error.message})); }""",
                    request,
                )
                yield from _follow(page, variant, events, stop)
            finally:
                browser.close()
    except PlaywrightError as error:
        raise ChromiumError(f"{variant} (browser): {str(error).splitlines()[0]}") from None


# How often the CLI looks at the page while a run goes: Playwright delivers the page's
# progress callbacks while it waits, and a Ctrl-C or a stop request is seen this soon.
POLL_MS = 200


def _follow(
    page: Any, variant: str, events: list[Event], stop: Optional[threading.Event]
) -> Iterator[Event]:
    """The run's progress as it comes, then its rows as ``result`` events."""
    quiet_since = time.monotonic()
    while True:
        page.wait_for_timeout(POLL_MS)
        outcome = page.evaluate("window.pyRustFibOutcome")
        if events:
            quiet_since = time.monotonic()
        while events:
            # The worker's own events (fib_benchmarks.events), as the measuring core made
            # them; the page adds which build and request they belong to.
            event = events.pop(0)
            if event["event"] == "progress":
                yield {key: value for key, value in event.items() if key not in ("variant", "id")}
        if outcome is not None:
            break
        if stop is not None and stop.is_set():
            raise Cancelled(f"{variant} (browser): cancelled")
        if time.monotonic() - quiet_since > SILENCE_S:
            raise ChromiumError(f"{variant} (browser): silent for {SILENCE_S} s; stopped")
    if not outcome["ok"]:
        raise ChromiumError(f"{variant} (browser): {outcome['message']}")
    for row in outcome["rows"]:
        # The page's rows say where they ran, which the runner that called us says again,
        # and their ratios to the page's other rows, which the CLI's run has not.
        ratios = [key for field in schema.RATIOS for key in (field, f"{field}_interval")]
        for key in ("variant", "runtime", "interpreter", "build_info", *ratios):
            row.pop(key, None)
        yield {"event": "result", **row}


def page_ready_times(trials: int) -> dict[str, list[float]]:
    """Seconds from navigation until every worker of the page is ready (all builds), as a
    first visit (a fresh browser profile: empty caches) and as a returning one (a reload
    in the same profile, twice), ``trials`` times each."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"first visit": [], "returning": []}
    with sync_playwright() as driver:
        browser = launch(driver)
        try:
            for _ in range(trials):
                context = browser.new_context()
                page = context.new_page()
                for visit in ("first visit", "returning", "returning"):
                    page.goto(f"{site_url()}/?native=0")
                    ready = page.evaluate("window.pyRustFib.ready")
                    if not ready["ok"]:
                        raise ChromiumError(f"the page did not start: {ready['message']}")
                    times[visit].append(ready["seconds"])
                context.close()
        finally:
            browser.close()
    return times


def main(argv: list[str]) -> int:
    """``python -m fib_benchmarks.runtimes.browser ready [TRIALS]``: how soon the page is
    ready, first visit and returning, in Debian's headless Chromium."""
    if argv[1:2] != ["ready"] or len(argv) > 3 or not (argv[2:] or ["3"])[0].isdigit():
        print(main.__doc__, file=sys.stderr)
        return 2
    trials = int((argv[2:] or ["3"])[0])
    try:
        times = page_ready_times(trials)
    except RunnerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for visit, seconds in times.items():
        median = statistics.median(seconds)
        listed = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"{visit:12} median {median:.2f} s   ({listed})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
