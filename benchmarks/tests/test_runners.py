"""fib_benchmarks.runtimes.base: the child processes a run starts."""

import sys
import time

import pytest
from fib_benchmarks.runtimes import base


def test_a_silent_child_is_stopped_within_the_bound():
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    started = time.monotonic()
    with pytest.raises(base.RunnerError, match=r"silent for 0\.5 s"):
        list(base.events(sleeper, {}, "sleeper", silence_timeout_s=0.5))
    assert time.monotonic() - started < 5
