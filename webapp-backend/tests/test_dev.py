"""`make dev` (fib_webapp.dev): a changed source rebuilds and restarts the server.

The real supervisor and a real server on 127.0.0.1, watching a folder of the test's own
with a build command that only leaves a trace (the real one, `make native-wheels
pyodide-wheels`, takes minutes): what is checked is when it runs and what follows.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import free_port

TIMEOUT_S = 30


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def builds_answer(url: str):
    try:
        with urllib.request.urlopen(f"{url}/api/builds", timeout=2) as answer:
            return json.load(answer)
    except OSError:
        return None


def wait_until(condition, what: str, timeout_s: float = TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout_s} s: {what}")


def test_a_source_change_rebuilds_and_restarts_and_a_failed_build_keeps_the_server(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    trace = tmp_path / "built.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The build reads the sources, as a real one does (which must not count as a change),
    # and fails while the folder holds a file named "broken".
    build = f"cat {source}/*.rs > /dev/null; test ! -e {tmp_path}/broken && echo built >> {trace}"
    dev = subprocess.Popen(
        [sys.executable, "-m", "fib_webapp.dev", "--port", str(port), "--watch", str(source),
         "--build-command", build],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        answer = wait_until(lambda: builds_answer(url), "the server answers")
        assert answer["dev"] is True  # the page will watch for rebuilt wheels
        first = wait_until(lambda: children(dev.pid), "the server process")

        (source / "lib.rs").write_text("// changed\n")
        wait_until(lambda: trace.exists(), "the build ran")
        second = wait_until(
            lambda: (children(dev.pid) - first) and builds_answer(url) and children(dev.pid),
            "a new server answers",
        )
        time.sleep(2)  # reading the sources started no second build
        assert trace.read_text() == "built\n"

        (source / "notes.txt").write_text("not a source\n")
        time.sleep(2)
        assert trace.read_text() == "built\n"  # no rebuild

        (tmp_path / "broken").touch()
        (source / "lib.rs").write_text("// changed again\n")
        time.sleep(3)
        assert trace.read_text() == "built\n"  # the build failed
        assert children(dev.pid) == second and builds_answer(url)  # the same server answers
    finally:
        dev.send_signal(signal.SIGINT)
        output, _ = dev.communicate(timeout=30)
    assert "the build failed" in output
    assert not builds_answer(url)  # stopped with the supervisor
