"""What the wasmtime host promises beyond the fib API (which conformance/ covers): traps,
Ctrl-C, threads, and the cache of the compiled module.

Runs natively with only this build importable (``make test-conformance``); the
subprocesses inherit that environment (PYTHONPATH), each with a cache folder of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import fib_wasmtime
import pytest

F100 = 354224848179261915075


def test_the_module_is_fib_rust_for_wasi_with_simd():
    info = fib_wasmtime.build_info()
    assert info["profile"] == os.environ.get("FIB_EXPECT_PROFILE", "release")
    assert info["target"] == "wasm32-wasip1"
    assert info["isa"] == "simd128"
    assert len(info["module"]["sha256"]) == 64


def test_a_rust_panic_is_a_runtime_error_and_the_next_call_works():
    with pytest.raises(RuntimeError, match="trap"):
        fib_wasmtime._panic()
    assert fib_wasmtime.fib(100, "doubling") == F100


def run_python(code: str, cache: Path, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, FIB_WASMTIME_CACHE=str(cache))
    return subprocess.Popen(
        [sys.executable, "-c", code], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs,
    )  # fmt: skip


def test_ctrl_c_stops_a_long_computation_and_the_module_lives_on(tmp_path):
    """A real SIGINT, not a simulated one, to a process computing F(MAX_N)."""
    code = """if True:
        import time, fib_wasmtime
        print("started", flush=True)
        started = time.perf_counter()
        try:
            fib_wasmtime.fib(fib_wasmtime.MAX_N, "iterative")
            print("finished")
        except KeyboardInterrupt:
            print("interrupted after", round(time.perf_counter() - started, 2))
        print("then", fib_wasmtime.fib(100, "doubling"))
    """
    child = run_python(code, tmp_path)
    try:
        assert child.stdout.readline() == "started\n"
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert "interrupted after" in out, out
    assert float(out.split("interrupted after")[1].split()[0]) < 5
    assert f"then {F100}" in out


def test_a_progress_callback_that_raises_stops_the_computation():
    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop(done)

    with pytest.raises(Stop):
        fib_wasmtime.fib(fib_wasmtime.MAX_N, "doubling", progress=stop)
    assert fib_wasmtime.fib(100) == F100


def test_threads_compute_at_once_each_with_its_own_instance():
    """Calls release the GIL (ctypes), so threads run the module at the same time: each
    has its own store and instance, and every answer is right."""
    expected, a, b = [], 0, 1  # F(0..3 000) summed with CPython's own ints
    for _ in range(3_000):
        expected.append(a)
        a, b = b, a + b
    errors, results = [], {}

    def work(index):
        try:
            for n in range(index, 3_000, 97):
                results[index, n] = fib_wasmtime.fib(n, ("iterative", "doubling")[n % 2])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert results and all(value == expected[n] for (_, n), value in results.items())


LOAD = """if True:
    import json, fib_wasmtime
    assert fib_wasmtime.fib(1000, "doubling") == fib_wasmtime.fib(1000, "iterative")
    print(json.dumps(fib_wasmtime.build_info()["module"]))
"""


def load(cache: Path) -> dict:
    child = run_python(LOAD, cache)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    return json.loads(out)


def test_the_compiled_module_is_cached_and_a_bad_cache_is_compiled_again(tmp_path):
    cache = tmp_path / "cache"
    first = load(cache)
    assert first["compiled"] is True
    (cached,) = cache.iterdir()
    second = load(cache)
    assert second["compiled"] is False
    assert second["sha256"] == first["sha256"]
    cached.write_bytes(b"not a compiled module")  # damaged, or from another wasmtime
    assert load(cache)["compiled"] is True
    assert load(cache)["compiled"] is False  # and replaced by a good one


def test_no_writable_cache_still_works(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("the cache folder cannot be created here")
    assert load(blocked / "cache")["compiled"] is True
