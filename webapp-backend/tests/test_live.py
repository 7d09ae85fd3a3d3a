"""The backend behind a real uvicorn: what a browser sees, and one native run at a time."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from conftest import BODY_TIMEOUT_S, HEAD_TIMEOUT_S, started_server
from fib_benchmarks.results import schema, store
from fib_benchmarks.results.document import Document
from fib_webapp.limits import SERVER_LIMITS


def fetch(url: str, timeout: float = 30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_served_from_anywhere_with_types_and_isolation(live_server):
    status, headers, body = fetch(f"{live_server}/pyodide/314.0.7/pyodide.asm.wasm")
    assert status == 200 and body[:4] == b"\0asm"
    assert headers["content-type"] == "application/wasm"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    status, headers, _ = fetch(f"{live_server}/pyodide/314.0.7/pyodide.mjs")
    assert headers["content-type"].startswith("text/javascript")
    assert fetch(f"{live_server}/.git/config")[0] == 404
    assert fetch(f"{live_server}/static/%2e%2e/%2e%2e/Makefile")[0] == 404


def test_a_second_native_run_is_refused_and_files_keep_flowing(live_server):
    # rust-debug, iterative F(300 000): a few seconds, long enough to overlap.
    slow = f"{live_server}/api/native?n=300000&algorithm=iterative&repeats=2&variant=rust-debug"
    first: dict = {}
    runner = threading.Thread(target=lambda: first.update(result=fetch(slow, timeout=300)))
    runner.start()
    time.sleep(1.0)
    started = time.monotonic()
    status, headers, body = fetch(f"{live_server}/api/native?n=10&algorithm=doubling")
    assert status == 429, body
    assert b"busy" in body and headers["retry-after"] == "5"
    status, _, _ = fetch(f"{live_server}/static/app.js")
    assert status == 200
    assert time.monotonic() - started < 2, "the event loop was blocked by the native run"
    runner.join(timeout=300)
    assert first["result"][0] == 200


def test_cancel_kills_the_native_run_and_frees_the_server(live_server):
    # Python, iterative F(1 000 000): many seconds natively; cancelled after one.
    token = "test-cancel-1"
    slow = f"{live_server}/api/native?n=1000000&algorithm=iterative&repeats=5&variant=python"
    slow += f"&run={token}"
    first: dict = {}
    runner = threading.Thread(target=lambda: first.update(result=fetch(slow, timeout=300)))
    runner.start()
    time.sleep(1.5)
    request = urllib.request.Request(f"{live_server}/api/native/cancel?run=wrong", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b'{"cancelled":false}'  # another run's token stops nothing
    started = time.monotonic()
    request = urllib.request.Request(f"{live_server}/api/native/cancel?run={token}", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b'{"cancelled":true}'
    runner.join(timeout=30)
    assert first["result"][0] == 409 and b"cancelled" in first["result"][2]
    assert time.monotonic() - started < 5, "the child was not killed"
    status, _, body = fetch(f"{live_server}/api/native?n=10&algorithm=doubling&variant=python")
    assert status == 200, body  # not 429: the server is free again


def test_a_slow_request_head_is_dropped_and_others_are_served(live_server):
    """Slow-loris: connections that never finish their request head are closed."""
    host, port = live_server.removeprefix("http://").split(":")
    slow = [socket.create_connection((host, int(port)), timeout=10) for _ in range(5)]
    for connection in slow:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    started = time.monotonic()
    assert fetch(f"{live_server}/api/health")[0] == 200  # served meanwhile
    for connection in slow:
        connection.sendall(b"a")  # a byte now and then does not extend the deadline
    for connection in slow:
        assert connection.recv(1024) == b""  # closed by the server
        connection.close()
    assert time.monotonic() - started < HEAD_TIMEOUT_S + 3


def test_stalled_uploads_are_dropped_and_the_site_answers_meanwhile(live_server):
    """63 connections that send a request head and one byte of body, then nothing, held
    the site at 503 for as long as they stayed (issue 19). Now it answers meanwhile, and
    drops each after BODY_TIMEOUT_S without a byte."""
    host, port = live_server.removeprefix("http://").split(":")
    head = (f"POST /api/export?format=csv HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{")  # fmt: skip
    stalled = [socket.create_connection((host, int(port)), timeout=15) for _ in range(63)]
    try:
        for connection in stalled:
            connection.sendall(head.encode())
        started = time.monotonic()
        assert fetch(f"{live_server}/api/health", timeout=10)[0] == 200
        for connection in stalled:
            with contextlib.suppress(ConnectionResetError):  # dropped, the hard way
                assert connection.recv(1024) == b"", "answered instead of dropped"
        elapsed = time.monotonic() - started
    finally:
        for connection in stalled:
            connection.close()
    assert elapsed < BODY_TIMEOUT_S + 5, "stalled uploads were kept open"


def test_idle_keep_alive_clients_are_closed_and_hold_nothing_meanwhile(live_server):
    """63 slow keep-alive clients held the site at 503 (issue 19): each idle connection
    is closed after the keep-alive time, and the site answers meanwhile."""
    host = live_server.removeprefix("http://")
    idle = [socket.create_connection(tuple(host.split(":")), timeout=15) for _ in range(63)]
    try:
        for connection in idle:  # one request each, then nothing, the connection kept
            connection.sendall(f"GET /api/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        started = time.monotonic()
        assert fetch(f"{live_server}/api/health", timeout=10)[0] == 200  # served meanwhile
        for connection in idle:  # the answer, then the end: closed by the server
            answer = b""
            with contextlib.suppress(ConnectionResetError):
                while chunk := connection.recv(65536):
                    answer += chunk
            assert answer.startswith(b"HTTP/1.1 200 "), answer[:80]
        closed_after = time.monotonic() - started
    finally:
        for connection in idle:
            connection.close()
    assert closed_after < SERVER_LIMITS["timeout_keep_alive"] + 5


def test_beyond_the_connection_limit_the_server_answers_503(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    limit = SERVER_LIMITS["limit_concurrency"]
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(limit)]
    try:
        status, headers, _ = fetch(f"{live_server}/api/health", timeout=10)
        headers = {name.lower(): value for name, value in headers.items()}
        assert status == 503
        # uvicorn's own answer, with the site's headers (issue 19: it had none of them).
        assert headers["cross-origin-embedder-policy"] == "require-corp"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    finally:
        for connection in idle:
            connection.close()
    time.sleep(0.5)
    assert fetch(f"{live_server}/api/health")[0] == 200


def test_a_client_that_goes_away_stops_its_native_run(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)), timeout=10)
    query = "n=1000000&algorithm=iterative&repeats=5&variant=python"  # many seconds
    client.sendall(f"GET /api/native?{query} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    time.sleep(1.5)
    client.close()  # gone before any answer
    deadline = time.monotonic() + 5
    while True:  # the server notices, kills the run and takes the next one
        status, _, body = fetch(f"{live_server}/api/native?n=10&algorithm=doubling&variant=python")
        if status == 200:
            break
        assert status == 429, body
        assert time.monotonic() < deadline, "the abandoned run kept the server busy"
        time.sleep(0.25)


def test_the_cli_saves_a_run_on_the_site(live_server, tmp_path):
    """`benchmark --save-to URL`: the run goes to the site, which gives its permalink."""
    command = [sys.executable, "-m", "fib_benchmarks.cli", "--n", "100,2000", "--algorithm",
               "doubling", "--variant", "python,rust-release", "--repeats", "2",
               "--json", str(tmp_path / "run.json"), "--save-to", live_server]  # fmt: skip
    env = dict(os.environ, COLUMNS="40")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(r"saved: (\S+/runs/(\S+)) \(delete token (\S+)\)", result.stdout)
    assert found, result.stdout
    permalink, run_id, _token = found.groups()
    assert permalink == f"{live_server}/runs/{run_id}"
    status, _headers, body = fetch(f"{live_server}/api/runs/{run_id}")
    assert status == 200
    saved = json.loads(body)
    written = json.loads((tmp_path / "run.json").read_text())
    assert saved["rows"] == written["rows"] and saved["code"] == written["code"]
    # Nowhere to save to: said, not a traceback.
    nowhere = [*command[:-1], "http://127.0.0.1:9"]
    refused = subprocess.run(nowhere, capture_output=True, text=True, timeout=300, env=env)
    assert refused.returncode == 2  # an error the user can act on, as a refused option
    assert refused.stderr.startswith("benchmark: error: not saved: ")  # one line, on stderr
    assert "cannot be reached" in refused.stderr


def _run_document(site: str) -> dict:
    """A real run's document: the site's own native timings, as the CLI writes them."""
    query = "n=300&algorithm=doubling&repeats=2&variant=python"
    status, _, body = fetch(f"{site}/api/native?{query}")
    assert status == 200, body
    settings = {"ns": [300], "algorithms": ["doubling"], "variants": ["python"],
                "runtimes": ["native"], "repeats": 2, "warmup": "auto", "rounds": 1}  # fmt: skip
    return schema.document(settings, [], json.loads(body)["rows"])


def _saves_from(site: str, document: dict, addresses: range) -> list[int]:
    statuses = []
    for index in addresses:
        request = urllib.request.Request(
            f"{site}/api/runs", json.dumps(document).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "X-Forwarded-For": f"203.0.113.{index}"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


@pytest.mark.parametrize("trusted", [False, True])
def test_a_forwarded_for_header_is_believed_only_from_named_proxies(tmp_path, trusted):
    """A local client spread 100 saves over invented X-Forwarded-For addresses and escaped
    the rate limit (issue 19): now the header counts only with --forwarded-allow-ips."""
    options = ("--forwarded-allow-ips", "127.0.0.1") if trusted else ()
    with started_server(tmp_path, *options, PY_RUST_FIB_SAVES_PER_MINUTE="2") as (site, _):
        statuses = _saves_from(site, _run_document(site), range(4))
    if trusted:  # four clients behind a proxy this site believes: two saves each
        assert statuses == [201] * 4
    else:  # one client, whatever it claims
        assert statuses[:2] == [201, 201] and statuses[2:] == [429, 429]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the measuring child runs in a session of its
    own, but its parent is still the server)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines()
                          if ":\t" in line)  # fmt: skip
            if int(fields["PPid"]) == pid:
                found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_server_leaves_no_native_run_behind(tmp_path, stop):
    """SIGTERM waited for the native run's client (98 s), and SIGKILL left the measuring
    process running (issue 19). Now SIGTERM stops the run at once (503 to its client) and
    the server exits within seconds; SIGKILL takes the measuring process with it."""
    with started_server(tmp_path) as (site, server):
        answer: dict = {}
        query = "n=1000000&algorithm=iterative&repeats=5&variant=python"  # many seconds

        def ask() -> None:
            try:
                answer["result"] = fetch(f"{site}/api/native?{query}", timeout=120)
            except OSError as error:  # the server killed under it
                answer["result"] = error

        runner = threading.Thread(target=ask)
        runner.start()
        deadline = time.monotonic() + 30
        while not (children := _children(server.pid)):
            assert time.monotonic() < deadline, "the native run never started"
            time.sleep(0.1)
        server.send_signal(stop)
        stopped = time.monotonic()
        server.wait(timeout=30)
        exited_after = time.monotonic() - stopped
        runner.join(timeout=60)
        deadline = time.monotonic() + 10
        while any(_alive(child) for child in children):
            assert time.monotonic() < deadline, "the measuring process outlived the server"
            time.sleep(0.1)
    if stop == signal.SIGTERM:
        assert exited_after < 10, f"the server took {exited_after:.1f} s to exit"
        status, _, body = answer["result"]
        assert status == 503 and b"shutting down" in body, (status, body)


def _raw_request(site: str, head: bytes, timeout: float = 10) -> bytes:
    host, port = site.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(head)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                answer += chunk
        return answer


def test_a_request_head_over_16_kib_is_refused_whole_or_not(live_server):
    """A head of 200 KB sent in one piece was taken (h11 bounds incomplete heads only)."""
    host = live_server.removeprefix("http://")
    for size, refused in ((15 * 1024, False), (200 * 1024, True)):
        head = (f"GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                f"X-Padding: {'a' * size}\r\n\r\n").encode()  # fmt: skip
        answer = _raw_request(live_server, head)
        status = answer.split(b"\r\n", 1)[0]
        assert (status == b"HTTP/1.1 431 Request Header Fields Too Large") is refused, status
        assert b"x-content-type-options: nosniff" in answer.lower()


def test_an_unparsable_request_is_a_400_with_the_sites_headers(live_server):
    answer = _raw_request(live_server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad header\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:100]
    assert b"cross-origin-opener-policy: same-origin" in answer.lower()
    assert b"frame-ancestors 'none'" in answer


def test_an_abandoned_upload_leaves_no_traceback_in_the_log(tmp_path):
    """Each upload a client abandoned logged a 4 KB traceback at ERROR (issue 19)."""
    with started_server(tmp_path) as (site, _):
        host = site.removeprefix("http://")
        head = (f"POST /api/export?format=csv HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: application/json\r\nContent-Length: 9000\r\n\r\n")  # fmt: skip
        for _ in range(3):  # a head and a start of the body, then gone
            with socket.create_connection(tuple(host.split(":")), timeout=10) as connection:
                connection.sendall(head.encode() + b'{"rows": [')
                time.sleep(0.2)
        time.sleep(0.5)
        assert fetch(f"{site}/api/health")[0] == 200
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log, log[-3000:]


def test_two_server_processes_share_the_save_limit_and_the_native_run(tmp_path):
    """With --workers 2 each process kept its own save count and its own native run
    (issue 19): both live in the database now, which the processes share."""
    with started_server(tmp_path, "--workers", "2", PY_RUST_FIB_SAVES_PER_MINUTE="3") as (
        site,
        _,
    ):
        document = _run_document(site)
        statuses: list[int] = []
        threads = [
            threading.Thread(target=lambda: statuses.extend(_saves_from(site, document, range(1))))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [201] * 3 + [429] * 5, statuses
        slow = f"{site}/api/native?n=300000&algorithm=iterative&repeats=2&variant=python"
        answers: list[int] = []
        runs = [threading.Thread(target=lambda: answers.append(fetch(slow, timeout=120)[0]))
                for _ in range(2)]  # fmt: skip
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=150)
        assert sorted(answers) == [200, 429], answers


def test_the_results_database_is_migrated_at_start_up_not_by_a_request(tmp_path):
    """Migrations ran on a first request (two at once broke the database, issue 19)."""
    with started_server(tmp_path):
        database = sqlite3.connect(tmp_path / "runs.sqlite3")
        try:
            (version,) = database.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            database.close()
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS))
    assert version == ScriptDirectory.from_config(config).get_current_head()


def test_readers_of_big_runs_leave_the_site_answering(tmp_path):
    """16 parallel readers of big saved runs pushed /api/health to 7.8 s (issue 19): a
    saved run is now sent as stored, not parsed and written out again."""
    with started_server(tmp_path) as (site, _):
        big = _run_document(site)
        for row in big["rows"]:
            row["times_ns"] = list(range(1000, 11000))  # 10 000 calls a row
            row["repeats"] = len(row["times_ns"])
        big["rows"] = big["rows"] * 40  # a document of about 2 MB
        opened = store.Store(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
        checked = Document.model_validate(big).model_dump(mode="json", by_alias=True)
        run_id = opened.save(checked).id
        opened.close()
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                fetch(f"{site}/api/runs/{run_id}", timeout=60)

        readers = [threading.Thread(target=read) for _ in range(16)]
        for reader in readers:
            reader.start()
        try:
            time.sleep(1)
            waits = []
            for _ in range(5):
                started = time.monotonic()
                assert fetch(f"{site}/api/health", timeout=30)[0] == 200
                waits.append(time.monotonic() - started)
        finally:
            stop.set()
            for reader in readers:
                reader.join(timeout=60)
    assert sorted(waits)[2] < 1.0, waits


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_an_in_process_computation_stops_when_its_client_goes_away(tmp_path):
    with started_server(tmp_path) as (url, server):
        host, port = url.removeprefix("http://").split(":")
        client = socket.create_connection((host, int(port)), timeout=10)
        # About 6 s of Rust debug's additions in the server's own process (n^2 of them).
        query = "n=250000&algorithm=iterative&variant=rust-debug"
        client.sendall(f"GET /api/fib?{query} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        time.sleep(0.5)
        busy = cpu_seconds(server.pid)
        time.sleep(0.3)
        assert cpu_seconds(server.pid) - busy > 0.15, "the computation was not under way"
        client.close()  # gone before any answer
        time.sleep(0.8)  # the server looks at its client every 0.25 s
        idle = cpu_seconds(server.pid)
        time.sleep(1.0)
        assert cpu_seconds(server.pid) - idle < 0.2, "the abandoned computation went on"
        status, _, body = fetch(f"{url}/api/fib?n=1000")
        assert status == 200 and json.loads(body)["digits"] == 209
