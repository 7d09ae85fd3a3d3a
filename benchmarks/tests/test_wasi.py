"""CPython for WASI under wasmtime (``fib_benchmarks.runtimes.wasi_host``): the guest's exit
status, streams and sandbox, and the kept compilation of python.wasm."""

from __future__ import annotations

import json
import subprocess
import sys

from fib_benchmarks.runtimes import wasi_host


def guest(*arguments: str, paths: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fib_benchmarks.runtimes.wasi_host"]
    for path in paths:
        command += ["--path", path]
    command += ["--env", "GREETING=hello", "--", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_guest_is_cpython_for_wasi_with_its_own_exit_status_and_streams():
    code = "import os, sys; print(sys.platform, os.environ['GREETING']); sys.exit(3)"
    result = guest("-c", code)
    startup, printed = result.stdout.splitlines()
    assert json.loads(startup)["event"] == "startup"
    assert printed == "wasi hello"
    assert result.returncode == 3


def test_an_exception_in_the_guest_is_its_traceback_and_status_1_not_a_host_crash():
    result = guest("-c", "1 / 0")
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stderr


def test_the_guest_sees_only_what_it_is_given(tmp_path):
    (tmp_path / "given.py").write_text("VALUE = 42\n")
    code = """if True:
        import given
        print(given.VALUE)
        # The working folder is the guest's /; nothing above it, or above a given folder.
        for path in ("/etc/passwd", "/../etc/passwd", "/path0/../../etc/passwd"):
            try:
                open(path).read()
                print("read", path)
            except OSError as error:
                print("refused", path, type(error).__name__)
    """
    result = guest("-c", code, paths=(str(tmp_path),))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()[1:]
    assert lines[0] == "42"
    assert all(line.startswith("refused") for line in lines[1:]), lines


def test_a_damaged_compilation_is_compiled_again():
    assert guest("-c", "pass").returncode == 0
    compiled = sorted(wasi_host.PYTHON_WASM.parent.glob("*.cwasm"))
    assert compiled
    for path in compiled:
        path.write_bytes(b"not a compiled module")
    result = guest("-c", "print('still here')")
    assert result.returncode == 0, result.stderr
    startup = json.loads(result.stdout.splitlines()[0])
    assert list(startup["phases"]) == ["module compiled"]
    again = json.loads(guest("-c", "pass").stdout.splitlines()[0])
    assert list(again["phases"]) == ["compiled module loaded"]
