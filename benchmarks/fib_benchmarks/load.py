"""``benchmark load``: the site's ``GET /api/fib`` under concurrent load, per server and build.

What a Python web service gains from Rust: requests a second and tail latency when F(n)
is computed in the request handler, by fib-python (which holds the GIL) or by the Rust
extension (which releases it), behind uvicorn (one process, or one worker per core) or
granian (an HTTP server written in Rust, serving the same ASGI app), or on Robyn (a Python
framework on a Rust runtime; a minimal app with the same route, fib_webapp.robyn_app).

Each server is started by this command on 127.0.0.1, in its own process group, and
stopped after its runs (also on Ctrl-C or an error). The load comes from wrk (Debian's
``wrk``: C, event-driven), started per run and bounded by ``--duration``. The same
server's F(0) by Rust release at the highest concurrency is measured first, the route
with no computation: the ceiling of what wrk and the server do together; a row far below
it is not limited
by the load generator; wrk's own CPU use is in every row too.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from . import builds, outputs
from .results import export, schema
from .results.document import LoadRow

#: The servers this command can start, and what each is (document.Server names them too).
# The servers `benchmark load` measures unless told otherwise.
DEFAULT_SERVERS = ("uvicorn", "uvicorn-workers", "granian", "robyn")
SERVERS = {
    "uvicorn": "uvicorn, one process (the site's default: python -m fib_webapp)",
    "uvicorn-workers": "uvicorn, one worker process per core",
    "granian": "granian (a Rust HTTP server), one worker, the same ASGI app",
    "robyn": "Robyn (a Python framework on a Rust runtime): the same route, a minimal app",
}
#: The builds /api/fib can call in the server's process (fib_webapp.in_process).
VARIANTS = ("python", "rust-release", "rust-debug")
STARTUP_TIMEOUT_S = 60.0
#: wrk's own timeout per request: a slower answer counts as an error.
REQUEST_TIMEOUT_S = 10
#: The Python distribution behind each server, whose version a run records.
DISTRIBUTIONS = {"uvicorn": "uvicorn", "uvicorn-workers": "uvicorn", "granian": "granian",
                 "robyn": "robyn"}  # fmt: skip

app = typer.Typer(add_completion=False, rich_markup_mode="rich")


class LoadError(Exception):
    """A server that does not start, or a load generator that fails: one line for the user."""


def cores() -> int:
    return os.cpu_count() or 1


def server_command(server: str, port: int) -> list[str]:
    address = ["--host", "127.0.0.1", "--port", str(port)]
    if server == "uvicorn":
        return [sys.executable, "-m", "fib_webapp", *address]
    if server == "uvicorn-workers":
        return [sys.executable, "-m", "fib_webapp", *address, "--workers", str(cores())]
    if server == "granian":
        granian = Path(sys.executable).with_name("granian")
        return [str(granian), "--interface", "asgi", *address, "--workers", "1",
                "--log-level", "warning", "--factory", "fib_webapp.app:create_app"]  # fmt: skip
    if server == "robyn":
        return [sys.executable, "-m", "fib_webapp.robyn_app", *address, "--log-level", "WARN"]
    raise LoadError(f"unknown server {server!r}: expected one of {', '.join(SERVERS)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def started(server: str, log_dir: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """The server on a free loopback port, in a process group of its own: its base URL and
    process; the whole group is stopped after (SIGTERM, then SIGKILL)."""
    port = free_port()
    log_path = log_dir / f"{server}.log"
    command = server_command(server, port)
    try:
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
            )  # fmt: skip
    except FileNotFoundError:
        raise LoadError(f"{server}: {command[0]} is not installed (make setup)") from None
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text()[-1500:]
                raise LoadError(f"{server} did not start on port {port}: {tail.strip()}")
            time.sleep(0.2)
        yield url, process
    finally:
        stop_group(process)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=2):
            return True
    except OSError:
        return False


def stop_group(process: subprocess.Popen) -> None:
    """Stops the server and every process it started (workers): SIGTERM, then SIGKILL."""
    for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait_s)
            break
        except subprocess.TimeoutExpired:
            continue
    # Workers may outlive the parent for a moment: the group is gone when none is left.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def group_cpu_seconds(group: int) -> float:
    """User and system CPU seconds of every live process in a process group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name (field 2) may hold spaces: the fields after its ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # field 5: the process group
                total += (int(fields[11]) + int(fields[12])) / ticks  # fields 14, 15
    return total


LATENCY = re.compile(r"^\s*(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests, requests a second, latency percentiles and errors from wrk's report."""
    requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.MULTILINE)
    if requests is None or rate is None:
        raise LoadError(f"wrk's report was not understood: {output.strip()[-500:]}")
    # No percentile when no request was answered: None, not a number made up.
    latency = {p: float(v) * UNIT_MS[u] for p, v, u in LATENCY.findall(output)}
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {"requests": int(requests.group(1)), "requests_per_s": float(rate.group(1)),
            "p50": latency.get("50"), "p90": latency.get("90"), "p99": latency.get("99"),
            "errors": errors}  # fmt: skip


def run_wrk(url: str, concurrency: int, duration_s: int, group: int, log: Path) -> dict[str, Any]:
    """wrk against ``url`` for ``duration_s`` with ``concurrency`` connections: its figures,
    the server group's CPU use and wrk's own over the run; wrk's report appended to ``log``."""
    threads = min(concurrency, cores())
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration_s}s", "--latency",
               f"--timeout={REQUEST_TIMEOUT_S}s", url]  # fmt: skip
    cpu_before, started_at = group_cpu_seconds(group), time.monotonic()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        finished = subprocess.run(command, capture_output=True, text=True,
                                  timeout=duration_s + REQUEST_TIMEOUT_S + 30)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise LoadError(f"wrk did not finish: {' '.join(command)}") from None
    elapsed = time.monotonic() - started_at
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n{finished.stdout}{finished.stderr}\n")
    if finished.returncode != 0:
        said = (finished.stderr.strip() or finished.stdout.strip())[-500:]
        raise LoadError(f"wrk failed ({finished.returncode}): {said}")
    figures = parse_wrk(finished.stdout)
    figures["server_cpu_cores"] = (group_cpu_seconds(group) - cpu_before) / elapsed
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (
        wrk_before.ru_utime + wrk_before.ru_stime
    )
    figures["wrk_cpu_cores"] = wrk_cpu / elapsed
    return figures


def measure_server(
    server: str, variants: list[str], ns: list[int], concurrencies: list[int], duration_s: int,
    algorithm: str, log_dir: Path, on_row,
) -> None:  # fmt: skip
    """Every run against one server, started once; ``on_row(row)`` after each."""
    with started(server, log_dir) as (url, process):
        # First F(0) with the fastest build at the highest concurrency: the route with no
        # computation, the ceiling of what this server and wrk do together.
        runs = [("rust-release", 0, max(concurrencies))]
        runs += [(v, n, c) for v in variants for n in ns for c in concurrencies]
        # One request per build and n before any load: the server loads the build, and
        # what it answers is F(n)'s digits and digest, checked as any run's are.
        cases = dict.fromkeys((v, n) for v, n, _ in runs)  # once each, not per concurrency
        answers = {(v, n): checked_answer(url, v, algorithm, n) for v, n in cases}
        for variant, n, concurrency in runs:
            target = f"{url}/api/fib?n={n}&algorithm={algorithm}&variant={variant}"
            figures = run_wrk(target, concurrency, duration_s, process.pid, log_dir / "wrk.log")
            on_row(LoadRow(server=server, variant=variant, algorithm=algorithm, n=n,
                           concurrency=concurrency, duration_s=duration_s,
                           requests=figures["requests"], requests_per_s=figures["requests_per_s"],
                           latency_p50_ms=figures["p50"], latency_p90_ms=figures["p90"],
                           latency_p99_ms=figures["p99"], errors=figures["errors"],
                           server_cpu_cores=figures["server_cpu_cores"],
                           wrk_cpu_cores=figures["wrk_cpu_cores"],
                           **answers[variant, n]))  # fmt: skip


def checked_answer(url: str, variant: str, algorithm: str, n: int) -> dict[str, Any]:
    """F(n)'s digits and digest as the server computes them with ``variant``; a LoadError
    with the server's answer if it is not a success (a build not built, say)."""
    query = f"{url}/api/fib?n={n}&algorithm={algorithm}&variant={variant}"
    try:
        with urllib.request.urlopen(query, timeout=60) as response:
            answer = json.loads(response.read())
        return {"digits": answer["digits"], "digest": answer["digest"]}
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:300]
        raise LoadError(f"{variant}: the server answered {error.code}: {detail}") from None
    except OSError as error:
        raise LoadError(f"{variant}: no answer from the server: {error}") from None
    except (ValueError, KeyError, TypeError):
        raise LoadError(f"{variant}: the server's answer to F({n}) is not /api/fib's") from None


def table(rows: list[LoadRow]) -> Table:
    out = Table(title="GET /api/fib under load (wrk on 127.0.0.1)")
    for name in export.LOAD_HEADINGS:
        out.add_column(name, justify="left" if name in ("server", "build") else "right")
    for row in rows:
        out.add_row(*export.load_cells(row.model_dump()))
    return out


def split(text: str, option: str, allowed: Optional[tuple[str, ...]] = None) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise typer.BadParameter("at least one value", param_hint=option)
    for item in items:
        if allowed is not None and item not in allowed:
            raise typer.BadParameter(f"{item!r}: expected one of {', '.join(allowed)}",
                                     param_hint=option)  # fmt: skip
    return items


def integers(text: str, option: str, low: int, high: int) -> list[int]:
    values = []
    for item in split(text, option):
        try:
            value = int(item.replace("_", ""))
        except ValueError:
            raise typer.BadParameter(f"{item!r} is not an integer", param_hint=option) from None
        if not low <= value <= high:
            raise typer.BadParameter(f"{value} is not in {low}..{high}", param_hint=option)
        values.append(value)
    return values


@app.command()
def load(
    server: Annotated[
        str,
        typer.Option(
            metavar="NAMES",
            help="comma-separated, of " + ", ".join(SERVERS),
            # With spaces: a 80-column help cut the one long word short.
            show_default=", ".join(DEFAULT_SERVERS),
        ),
    ] = ",".join(DEFAULT_SERVERS),
    variant: Annotated[
        str, typer.Option(metavar="BUILDS", help="comma-separated builds called in the server")
    ] = "python,rust-release",
    n: Annotated[
        str, typer.Option(metavar="N", help="comma-separated n, at most 10^6")
    ] = "1000,10000,100000",
    concurrency: Annotated[
        str, typer.Option(metavar="COUNTS", help="comma-separated open connections")
    ] = "1,4,16,64",
    algorithm: Annotated[
        str, typer.Option(metavar="NAME", help="iterative or doubling")
    ] = "doubling",
    # Whole seconds: wrk takes no fraction of one (it prints its usage instead).
    duration: Annotated[
        int, typer.Option(min=1, max=60, metavar="SECONDS", help="seconds per run")
    ] = 5,
    json_path: Annotated[
        Optional[Path],
        typer.Option("--json", metavar="PATH", help="Write the run's document (JSON) here."),
    ] = None,
    csv_path: Annotated[
        Optional[Path], typer.Option("--csv", metavar="PATH", help="Write the rows as CSV here.")
    ] = None,
    markdown_path: Annotated[
        Optional[Path],
        typer.Option("--markdown", metavar="PATH", help="Write the table as Markdown here."),
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", metavar="", help="Save the run in the local results history.")
    ] = False,
    save_to: Annotated[
        Optional[str],
        typer.Option("--save-to", metavar="URL", help="Save the run on the site at URL."),
    ] = None,
) -> None:
    """Load the site's GET /api/fib with wrk: requests/s and latency per server, build, n
    and concurrency. The run is a benchmark document (version 3, load rows) that
    `--json`, `--save` and `--save-to` keep as `benchmark`'s are."""
    servers = split(server, "--server", tuple(SERVERS))
    variants = split(variant, "--variant", VARIANTS)
    ns = integers(n, "--n", 0, 1_000_000)
    concurrencies = integers(concurrency, "--concurrency", 1, 1024)
    if algorithm not in builds.ALGORITHMS:
        raise typer.BadParameter(f"{algorithm!r}: expected one of {', '.join(builds.ALGORITHMS)}",
                                 param_hint="--algorithm")  # fmt: skip
    for option, path in (("--json", json_path), ("--csv", csv_path), ("--markdown", markdown_path)):
        outputs.check_writable(path, option)
    if save_to is not None:
        outputs.check_site(save_to)
    generator = wrk_version()
    console = outputs.console
    rows: list[LoadRow] = []
    runs = len(servers) * (1 + len(variants) * len(ns) * len(concurrencies))
    console.print(f"{runs} runs of {duration} s on {cores()} cores ({', '.join(servers)})",
                  highlight=False)  # fmt: skip

    def on_row(row: LoadRow) -> None:
        rows.append(row)
        console.print(f"[{len(rows)}/{runs}] {row.server} {row.variant} n={row.n} "
                      f"c={row.concurrency}: {row.requests_per_s:,.0f}/s, {row.errors} errors",
                      highlight=False)  # fmt: skip

    log_dir = builds.BUILD_DIR / "load"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        for name in servers:
            measure_server(name, variants, ns, concurrencies, duration, algorithm, log_dir, on_row)
    except LoadError as error:
        console.print(f"benchmark load: {error}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    console.print(table(rows))
    settings = {
        # The ceiling's F(0) by Rust release is measured whatever was asked.
        "ns": sorted({0, *ns}), "algorithms": [algorithm],
        "variants": list(dict.fromkeys(["rust-release", *variants])), "runtimes": [],
        # One wrk run per row, after one untimed request per build and n.
        "repeats": 1, "warmup": 1, "rounds": 1,
        "load": {"servers": servers, "concurrencies": concurrencies, "duration_s": duration,
                 "generator": generator},
    }  # fmt: skip
    load_rows = [row.model_dump() for row in rows]
    made = schema.document(settings, [], [], load=load_rows,
                           versions_too={"servers": server_versions(servers)})  # fmt: skip
    outputs.finish(made, outputs.document_files(made, json_path, csv_path, markdown_path),
                   save, save_to)  # fmt: skip


def wrk_version() -> str:
    """The load generator and its version, "wrk debian/4.1.0-3+b2" (``wrk -v`` prints it,
    and exits with 1), or a refusal if there is none."""
    try:
        shown = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        raise typer.BadParameter("wrk is not installed (Debian's wrk): run `make load-tools`",
                                 param_hint="--server") from None  # fmt: skip
    words = (shown.stdout + shown.stderr).split()
    return " ".join(words[:2]) if words[:1] == ["wrk"] else "wrk"


def server_versions(servers: list[str]) -> list[str]:
    """Each server's distribution and its version as installed: "granian 2.5.0"."""
    found = set()
    for name in servers:
        distribution = DISTRIBUTIONS[name]
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found.add(f"{distribution} {importlib.metadata.version(distribution)}")
    return sorted(found)
