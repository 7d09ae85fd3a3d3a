"""GET /api/fib: F(n) computed in the server process by each build, bounded and stoppable.

Checked against GMP's F(n) (gmpy2.fib: independent of every build of this project), and
each build must be the one asked for, loaded side by side (debug and release of fib_pyrs
are one module name, two shared libraries).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import gmpy2
import pytest
from conftest import free_port
from fastapi.testclient import TestClient
from fib_measuring import measure
from fib_webapp import in_process
from fib_webapp.app import create_app
from fib_webapp.settings import from_environment


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), base_url="http://127.0.0.1")


@pytest.mark.parametrize("variant", in_process.VARIANTS)
@pytest.mark.parametrize("algorithm", ["iterative", "doubling"])
@pytest.mark.parametrize("n", [0, 1, 2, 93, 94, 1000, 12_000])
def test_every_build_computes_f_n_in_process(client, variant, algorithm, n):
    answer = client.get(f"/api/fib?n={n}&algorithm={algorithm}&variant={variant}")
    assert answer.status_code == 200, answer.text
    result = answer.json()
    expected = int(gmpy2.fib(n))
    assert result["digits"] == len(str(expected))
    assert result["digest"] == measure.digest(expected)
    assert (result["variant"], result["algorithm"], result["n"]) == (variant, algorithm, n)
    assert result["seconds"] >= 0
    assert "number" not in result


def test_the_builds_are_the_ones_asked_for_side_by_side():
    profiles = {v: in_process.load(v).build_info().get("profile") for v in in_process.VARIANTS}
    assert profiles == {"python": None, "rust-release": "release", "rust-debug": "debug"}
    assert in_process.load("rust-release") is not in_process.load("rust-debug")


def test_the_number_itself_only_when_asked_and_small(client):
    result = client.get("/api/fib?n=20000&number=true").json()
    assert int(result["number"]) == gmpy2.fib(20_000)
    assert result["digits"] == len(result["number"])
    refused = client.get("/api/fib?n=20001&number=true")
    assert refused.status_code == 422
    assert "up to 20000" in refused.json()["detail"]


@pytest.mark.parametrize(
    "query, words",
    [
        ("n=-1", "greater than or equal to 0"),
        ("n=1000001", "less than or equal to 1000000"),
        ("n=ten", "valid integer"),
        ("", "Field required"),
        ("n=10&algorithm=matrix", "should match pattern"),
        ("n=10&variant=rust-wasm", "should match pattern"),
        ("n=10&number=maybe", "valid boolean"),
        # Estimated beyond the 10 s a request may take: refused at once.
        ("n=1000000&algorithm=iterative&variant=rust-debug", "would take about"),
        ("n=1000000&algorithm=doubling&variant=rust-debug&number=false", None),
    ],
)
def test_refusals_say_what_was_wrong(client, query, words):
    started = time.monotonic()
    answer = client.get(f"/api/fib?{query}")
    if words is None:  # within bounds: answered
        assert answer.status_code == 200
        return
    assert answer.status_code == 422
    assert words in answer.text
    assert time.monotonic() - started < 2


def test_a_computation_stops_at_its_deadline():
    # A deadline of 0.2 s for a call that takes seconds (rust-debug, iterative F(10^5)).
    settings = from_environment(fib_deadline_s=0.2, fib_max_s=1000.0)
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    started = time.monotonic()
    answer = client.get("/api/fib?n=100000&algorithm=iterative&variant=rust-debug")
    assert answer.status_code == 504
    assert "deadline" in answer.json()["detail"]
    assert time.monotonic() - started < 5


def test_waiting_requests_are_bounded():
    # One slot, no room to wait: while one long call runs, a second request is refused.
    settings = from_environment(fib_slots=1, fib_queue=0, fib_deadline_s=30.0)
    app = create_app(settings)
    client = TestClient(app, base_url="http://127.0.0.1")
    answers = {}

    def long_call() -> None:
        answers["long"] = client.get("/api/fib?n=150000&algorithm=iterative&variant=rust-debug")

    with client:
        worker = threading.Thread(target=long_call)
        worker.start()
        time.sleep(0.5)  # the long call holds the slot (about 2 s: rust-debug, n^2 additions)
        second = client.get("/api/fib?n=10&variant=rust-release")
        worker.join(timeout=60)
    assert answers["long"].status_code == 200
    assert second.status_code == 503
    assert second.headers["retry-after"] == "1"
    assert second.json()["detail"].startswith("busy:")


# ---------------------------------------------------------------------- the Robyn app


@pytest.fixture(scope="module")
def robyn_url(tmp_path_factory):
    """fib_webapp.robyn_app on a free loopback port, in a process group of its own."""
    port = free_port()
    log = (tmp_path_factory.mktemp("robyn") / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "fib_webapp.robyn_app", "--port", str(port), "--log-level", "WARN"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/health", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Robyn app did not start: {Path(log.name).read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.parametrize("variant", in_process.VARIANTS)
def test_the_robyn_app_computes_the_same_answers(robyn_url, client, variant):
    query = f"/api/fib?n=24681&variant={variant}"
    status, robyn = get_json(robyn_url + query)
    assert status == 200
    site = client.get(query).json()
    for key in ("variant", "algorithm", "n", "digits", "digest"):
        assert robyn[key] == site[key]
    assert robyn["digest"] == measure.digest(int(gmpy2.fib(24_681)))


@pytest.mark.parametrize(
    "query, words",
    [
        ("n=-1", "must be in 0..1000000"),
        ("n=ten", "not a valid integer"),
        ("", "Field required"),
        ("n=10&variant=rust-wasm", "variant: expected one of"),
        ("n=1000000&algorithm=iterative&variant=rust-debug", "would take about"),
        ("n=20001&number=true", "up to 20000"),
    ],
)
def test_the_robyn_app_refuses_the_same_requests(robyn_url, query, words):
    status, answer = get_json(f"{robyn_url}/api/fib?{query}")
    assert status == 422
    assert words in answer["detail"]
