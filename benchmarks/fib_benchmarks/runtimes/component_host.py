"""measure.py inside CPython for WASI as a component, run by wasmtime from this Python: the
``component`` runtime of the benchmark.

    python -m fib_benchmarks.runtimes.component_host PLAN_JSON

The component (``make wasi-component``: componentize-py from PyPI builds CPython 3.14 for
WASI with fib-python, measure.py and ``component/guest.py`` inside) exports ``run-plan`` and
imports ``emit`` (``component/measuring.wit``): the guest calls the host for each event,
which this prints as a JSON line, so that the runner reads it as it reads every other
runtime's. Before the plan, one line says what compiling the 19 MB component, or loading
its kept compilation, took.
"""

from __future__ import annotations

import json
import sys

import wasmtime
from wasmtime import component

from .. import builds
from . import wasi_host

MEASURING_COMPONENT = builds.BUILD_DIR / "wasi" / "measuring.wasm"


def run(plan: str) -> int:
    engine = wasmtime.Engine()
    measuring, phases = wasi_host.load(
        engine, MEASURING_COMPONENT, component.Component, "wasi-component"
    )
    print(json.dumps({"event": "startup", "phases": phases}), flush=True)
    linker = component.Linker(engine)
    linker.add_wasip2()
    with linker.root() as root:
        root.add_func("emit", lambda _store, event: print(event, flush=True))
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    instance = linker.instantiate(store, measuring)
    run_plan = instance.get_func(store, "run-plan")
    run_plan(store, plan)
    run_plan.post_return(store)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return run(argv[0])
    except builds.BuildError as error:
        print(json.dumps({"event": "error", "message": str(error)}), flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
