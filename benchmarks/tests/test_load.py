"""`benchmark load`: a real server and a real wrk on 127.0.0.1, bounded to seconds.

Checks the report's fields and that no request failed, that the servers are stopped
afterwards (also on Ctrl-C), and the refusals.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import gmpy2
import pytest
from fib_benchmarks.results import store
from fib_benchmarks.results.document import Document
from fib_measuring import measure

BENCHMARK = [sys.executable, "-c", "from fib_benchmarks.cli import main; main()", "load"]


SERVER_MODULES = {b"fib_webapp", b"fib_webapp.app:create_app", b"fib_webapp.robyn_app"}


def servers_running() -> set[int]:
    """Processes of this machine that are a server `benchmark load` starts."""
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if SERVER_MODULES & set(words):
            found.add(int(cmdline.parent.name))
    return found


def test_a_short_load_run_reports_every_row_saves_it_and_stops_its_servers(tmp_path):
    before = servers_running()
    out = tmp_path / "load.json"
    database = f"sqlite:///{tmp_path / 'runs.sqlite3'}"
    command = [*BENCHMARK, "--server", "uvicorn,granian,robyn", "--variant",
               "python,rust-release", "--n", "1000", "--concurrency", "1,2", "--duration", "1",
               "--json", str(out), "--csv", str(tmp_path / "load.csv"),
               "--markdown", str(tmp_path / "load.md"), "--save"]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, **{store.URL_VARIABLE: database}))  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    document = Document.model_validate_json(out.read_text()).model_dump(by_alias=True)
    assert (document["schema"], document["version"]) == ("py-rust-fib/benchmark", 6)
    assert document["rows"] == []
    assert document["settings"]["load"]["servers"] == ["uvicorn", "granian", "robyn"]
    assert document["settings"]["load"]["generator"].startswith("wrk")
    assert {version.split()[0] for version in document["versions"]["servers"]} == {
        "uvicorn", "granian", "robyn"}  # fmt: skip
    rows = document["load"]
    # The ceiling (F(0), highest concurrency), then every build, n and concurrency.
    runs = [("rust-release", 0, 2),
            ("python", 1000, 1), ("python", 1000, 2),
            ("rust-release", 1000, 1), ("rust-release", 1000, 2)]  # fmt: skip
    assert [(r["server"], r["variant"], r["n"], r["concurrency"]) for r in rows] == [
        (server, *run) for server in ("uvicorn", "granian", "robyn") for run in runs
    ]
    for row in rows:
        assert row["errors"] == 0, row
        assert row["requests"] > 0 and row["requests_per_s"] > 0
        assert 0 < row["latency_p50_ms"] <= row["latency_p90_ms"] <= row["latency_p99_ms"]
        assert row["server_cpu_cores"] > 0 and row["wrk_cpu_cores"] >= 0
        # What each server answered before its load: F(n), as GMP computes it.
        assert (row["digits"], row["digest"]) == gmp_described(row["n"]), row
    assert "requests/s" in finished.stdout
    with (tmp_path / "load.csv").open() as table:
        lines = list(csv.DictReader(table))
    assert [line["requests"] for line in lines] == [str(row["requests"]) for row in rows]
    assert "| uvicorn | python | 1,000 | 2 |" in (tmp_path / "load.md").read_text()
    # Saved: the run whole, listed with the runtime kind "server".
    (saved,) = store.Store(database).recent(runtime="server")
    assert saved["cases"] == len(rows)
    assert store.Store(database).get(saved["id"]) == json.loads(out.read_text())
    assert f"saved as run {saved['id']}" in finished.stdout
    assert servers_running() <= before


def gmp_described(n: int) -> tuple[int, str]:
    value = gmpy2.fib(n)
    return len(str(value)) if n else 1, measure.digest(int(value))


def test_ctrl_c_stops_the_server_and_the_load(tmp_path):
    before = servers_running()
    command = [*BENCHMARK, "--server", "uvicorn", "--variant", "rust-release", "--n", "1000",
               "--concurrency", "1", "--duration", "30"]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # The ceiling's run (30 s) has begun once the server answers: then interrupt.
        deadline = time.monotonic() + 60
        while not (servers_running() - before) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)
        run.send_signal(signal.SIGINT)
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode != 0
    deadline = time.monotonic() + 10
    while servers_running() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert servers_running() <= before
    assert not any(b"wrk" in p.read_bytes() for p in _cmdlines_of_children(run.pid))


def _cmdlines_of_children(pid: int) -> list[Path]:
    """cmdline files of processes whose parent was ``pid`` (none once it has exited)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(stat.with_name("cmdline"))
        except (OSError, IndexError, ValueError):
            continue
    return children


@pytest.mark.parametrize(
    "options, words",
    [
        (
            ["--server", "nginx"],
            "'nginx': expected one of uvicorn, uvicorn-workers, granian, robyn",
        ),
        (["--variant", "rust-wasm"], "'rust-wasm': expected one of python, rust-release"),
        (["--n", "2000000"], "2000000 is not in 0..1000000"),
        (["--n", "ten"], "'ten' is not an integer"),
        (["--concurrency", "0"], "0 is not in 1..1024"),
        (["--duration", "600"], "less than or equal to 60"),
        (["--duration", "0.5"], "should be a valid integer"),
        (["--algorithm", "matrix"], "'matrix': expected one of"),
    ],
)
def test_refusals_are_one_line(options, words):
    finished = subprocess.run([*BENCHMARK, *options], capture_output=True, text=True,
                              timeout=30, env=dict(os.environ, COLUMNS="40"))  # fmt: skip
    assert finished.returncode == 2
    assert words in finished.stderr
    assert len(finished.stderr.strip().splitlines()) == 1
