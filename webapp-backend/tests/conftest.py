"""A real uvicorn server for the live and browser tests, started from an unrelated folder."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

STARTUP_TIMEOUT_S = 30
# A request head not complete within this is dropped (fib_webapp.limits); short for tests.
HEAD_TIMEOUT_S = 2
# A request body that pauses this long is dropped (fib_webapp.limits); short for tests.
BODY_TIMEOUT_S = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Started(NamedTuple):
    url: str
    process: subprocess.Popen


@contextlib.contextmanager
def started_server(folder: Path, *options: str, **env: str) -> Iterator[Started]:
    """`python -m fib_webapp OPTIONS` on a free loopback port, run from `folder` (the server
    must find its files anyway), with a database there: its base URL and its process,
    stopped after."""
    port = free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "fib_webapp", "--host", "127.0.0.1", "--port", str(port),
         *options],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, PY_RUST_FIB_HEAD_TIMEOUT_S=str(HEAD_TIMEOUT_S),
                 PY_RUST_FIB_BODY_TIMEOUT_S=str(BODY_TIMEOUT_S),
                 PY_RUST_FIB_DATABASE_URL=f"sqlite:///{folder / 'runs.sqlite3'}", **env),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"server did not start: {Path(log.name).read_text()[-2000:]}")
        time.sleep(0.2)
    try:
        yield Started(url, server)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of `python -m fib_webapp` on a free loopback port."""
    with started_server(tmp_path_factory.mktemp("cwd")) as started:
        yield started.url
