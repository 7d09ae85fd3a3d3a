"""Progress reports: bounded, monotonic, complete, and able to stop a computation."""

import threading
import time

import pytest

ALGORITHMS = ("iterative", "doubling")


def reports(impl, n, algorithm):
    seen = []
    value = impl.fib(n, algorithm, progress=lambda done, total: seen.append((done, total)))
    assert value == impl.fib(n, algorithm)
    return seen


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("n", [1, 2, 93, 5_000, 40_000])
def test_reports_are_monotonic_and_complete(impl, algorithm, n):
    seen = reports(impl, n, algorithm)
    total = n if algorithm == "iterative" else n.bit_length()
    assert seen, "never reported"
    assert all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})
    assert seen[-1] == (total, total)


def test_reports_are_bounded_not_per_step(impl):
    seen = reports(impl, 100_000, "iterative")
    assert 7 <= len(seen) <= 40, len(seen)  # at most 2^14 additions between reports
    assert len(reports(impl, 100_000, "doubling")) == 17  # one per bit of n


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_no_report_for_zero(impl, algorithm):
    assert reports(impl, 0, algorithm) == []


class Stop(Exception):
    pass


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_an_exception_in_progress_stops_the_computation(impl, algorithm):
    # MAX_N itself is accepted: the computation starts, and stops at the first report.
    calls = []

    def stop(done, total):
        calls.append(done)
        raise Stop(f"stopped at {done}/{total}")

    started = time.perf_counter()
    with pytest.raises(Stop, match="stopped at"):
        impl.fib(impl.MAX_N, algorithm, progress=stop)
    assert len(calls) == 1
    assert time.perf_counter() - started < 10, "did not stop promptly"


@pytest.mark.needs_threads
def test_ctrl_c_stops_a_long_computation(impl):
    """Ctrl-C (simulated with interrupt_main) must stop F(MAX_N) within seconds."""
    import _thread

    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    started = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            impl.fib(impl.MAX_N, "iterative")
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 5


@pytest.mark.needs_threads
def test_rust_builds_let_other_threads_run_while_computing(impl):
    """A Python thread keeps running at full speed while Rust computes in another: the
    PyO3 binding detaches from the interpreter, wasmtime's calls release the GIL. (Pure
    Python holds it: that build is not asked.)"""
    if impl.build_info()["implementation"] == "fib-python":
        pytest.skip("pure Python holds the GIL")

    def spin(seconds):
        count, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            count += 1
        return count

    alone = spin(0.2)
    worker = threading.Thread(target=impl.fib, args=(impl.MAX_N // 4, "doubling"))
    worker.start()
    alongside = spin(0.2)
    worker.join()
    # Holding the GIL would starve the spinning thread almost completely (< 5 %).
    assert alongside > 0.25 * alone, (alone, alongside)
