"""fib_benchmarks.runners: the child processes a run starts."""

import sys
import time

import pytest
from fib_benchmarks import runners


def test_a_silent_child_is_stopped_within_the_bound():
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    started = time.monotonic()
    with pytest.raises(runners.RunnerError, match=r"silent for 0\.5 s"):
        list(runners._events(sleeper, {}, "sleeper", silence_timeout_s=0.5))
    assert time.monotonic() - started < 5
