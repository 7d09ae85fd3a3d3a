"""Fibonacci numbers computed by fib-rust compiled to WebAssembly, run from CPython by wasmtime.

The same API as ``fib_python`` and ``fib_pyrs`` (functions, constants, errors, progress),
so that one conformance suite and one benchmark cover it. The Rust is fib-rust itself,
built for ``wasm32-wasip1`` with simd128 by the ``fib-wasm`` crate, whose C ABI (described
in ``fib-wasm/src/lib.rs``) this package drives: it checks the arguments' types, hands ``n``
and the algorithm's name to the module (which checks their values, with fib-rust's
messages), answers the module's ``progress`` import (the callback, and Ctrl-C), and reads
F(n) out of the module's memory as an int.

Compiling the module takes a fraction of a second, so the compiled code is kept
(wasmtime's serialize) under ``$FIB_WASMTIME_CACHE`` or ``~/.cache/fib-wasmtime``, named by
the module's hash and wasmtime's version; ``build_info()["module"]`` says whether this
process compiled the module or loaded it, and how long that took.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import operator
import os
import signal
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable, Optional

import wasmtime

__version__ = "0.1.0"

__all__ = ["ALGORITHMS", "MAX_N", "__version__", "build_info", "fib"]

Progress = Optional[Callable[[int, int], object]]

_WASM = Path(__file__).with_name("fib_wasm.wasm")
_WASMTIME_VERSION = importlib.metadata.version("wasmtime")

# fib-wasm's statuses (fib-wasm/src/lib.rs: OK, VALUE_ERROR, CANCELLED).
_OK, _VALUE_ERROR, _CANCELLED = 0, 1, 2


def _cache_folder() -> Path:
    return Path(os.environ.get("FIB_WASMTIME_CACHE") or Path.home() / ".cache" / "fib-wasmtime")


def _compile(engine: wasmtime.Engine) -> tuple[wasmtime.Module, dict[str, Any]]:
    """The module, from the cache when it holds this module compiled by this wasmtime."""
    wasm = _WASM.read_bytes()
    digest = hashlib.sha256(wasm).hexdigest()
    cached = _cache_folder() / f"fib_wasm-{digest[:16]}-wasmtime-{_WASMTIME_VERSION}.cwasm"
    started = time.perf_counter()
    if cached.exists():
        try:
            module = wasmtime.Module.deserialize_file(engine, str(cached))
        except wasmtime.WasmtimeError:
            pass  # written for another CPU or engine settings: compile it again
        else:
            seconds = time.perf_counter() - started
            return module, {"sha256": digest, "compiled": False, "load_s": seconds}
    module = wasmtime.Module(engine, wasm)
    seconds = time.perf_counter() - started
    try:  # whole or not at all: another process may be loading it meanwhile
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as partial:
            partial.write(module.serialize())
        os.replace(partial.name, cached)
    except OSError:
        pass  # no cache (a read-only home): every process compiles
    return module, {"sha256": digest, "compiled": True, "load_s": seconds}


_ENGINE = wasmtime.Engine()
_MODULE, _LOADED = _compile(_ENGINE)


class _Instance:
    """One instance of the module with its store: wasmtime stores are not shared between
    threads (calls release the GIL), so each thread gets its own."""

    def __init__(self) -> None:
        self.store = wasmtime.Store(_ENGINE)
        wasi = wasmtime.WasiConfig()
        wasi.inherit_stderr()  # a panic's message
        if "FIB_RUST_ISA" in os.environ:  # fib-rust's override of the SIMD kernels
            wasi.env = [("FIB_RUST_ISA", os.environ["FIB_RUST_ISA"])]
        self.store.set_wasi(wasi)
        self.callback: Progress = None
        self.interruption: Optional[BaseException] = None
        self.signalled = False  # Ctrl-C arrived during the call: stop at the next report
        linker = wasmtime.Linker(_ENGINE)
        linker.define_wasi()
        i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
        linker.define_func("fib", "progress", wasmtime.FuncType([i64, i64], [i32]), self._progress)
        exports = linker.instantiate(self.store, _MODULE).exports(self.store)
        self.memory = exports["memory"]
        names = ("fib", "fib_check", "fib_input", "fib_build_info", "fib_test_panic")
        self.functions = {name: exports[name] for name in names}
        # Every call into the module, and every argument, costs microseconds in wasmtime-py
        # (checked and converted in Python): a call's arguments go through memory, into a
        # buffer kept, and so does the output's place (fib-wasm/src/lib.rs).
        self.output_location = exports["fib_output_location"](self.store)
        self.input_capacity = 256
        self.input = exports["fib_input"](self.store, self.input_capacity)

    def _progress(self, done: int, total: int) -> int:
        """The module's progress import: non-zero stops the computation. The callback's
        exception is kept and raised once the module has returned."""
        if self.signalled:
            return 1
        try:
            if self.callback is not None:
                self.callback(done, total)
        except BaseException as error:
            self.interruption = error
            return 1
        return 0

    def call(self, name: str, *arguments: int) -> Any:
        """Calls an export. A trap (a panic in Rust) leaves the instance's state unknown:
        this thread gets a new instance for its next call."""
        try:
            return self.functions[name](self.store, *arguments)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as trap:
            _local.instance = None
            raise RuntimeError(f"fib-wasm stopped with a trap: {trap}") from None

    def output(self) -> bytearray:
        location = self.memory.read(self.store, self.output_location, self.output_location + 8)
        start, length = struct.unpack("<II", location)
        return self.memory.read(self.store, start, start + length)

    def write_arguments(self, block: bytes) -> int:
        if len(block) > self.input_capacity:
            self.input_capacity = len(block)
            self.input = self.call("fib_input", self.input_capacity)
        self.memory.write(self.store, block, self.input)
        return len(block)


_local = threading.local()


@contextlib.contextmanager
def _sigint_deferred(instance: _Instance) -> Iterator[None]:
    """Ctrl-C while the module runs: noted, the computation stopped at its next progress
    report, and the signal handed to the usual handler (KeyboardInterrupt) after the call.

    Python runs a signal's handler at its next bytecode, which here is wasmtime-py's
    callback for the progress import: a KeyboardInterrupt raised there, before that
    callback's own ``try``, escapes into ctypes and crashes the process (wasmtime 50).
    Only the main thread receives signals; elsewhere nothing is changed.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        yield
        return
    received: list[Any] = []

    def defer(signum: int, frame: Any) -> None:
        received.append((signum, frame))
        instance.signalled = True

    signal.signal(signal.SIGINT, defer)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        instance.signalled = False
        if received:
            previous(*received[0])


def _instance() -> _Instance:
    instance = getattr(_local, "instance", None)
    if instance is None:
        instance = _local.instance = _Instance()
    return instance


# fib-wasm's arguments (fib-wasm/src/lib.rs, `Arguments`): n's magnitude within 64 bits,
# its bit length, negative, hex, reports, a reserved byte; then the algorithm's name.
_ARGUMENTS = struct.Struct("<QQBBBx")
_LITTLE_ENDIAN_BYTES = 0  # the output's form: int.from_bytes reads them in linear time
# Which progress reports the module sends: every one for a callback; without one, only
# those after about a millisecond of work, where Ctrl-C is checked (each is a Python call).
_REPORTS_AFTER_WARM_UP, _REPORTS_ALL = 1, 2


def _call(name: str, n: int, algorithm: str, reports: int = _REPORTS_AFTER_WARM_UP) -> int:
    """``fib`` or ``fib_check`` on (n, algorithm): its status, with a ValueError raised."""
    instance = _instance()
    bits = n.bit_length()
    magnitude = abs(n) if bits <= 64 else 0
    header = _ARGUMENTS.pack(magnitude, bits, n < 0, _LITTLE_ENDIAN_BYTES, reports)
    length = instance.write_arguments(header + algorithm.encode("utf-8", "surrogatepass"))
    status = instance.call(name, length)
    if status == _VALUE_ERROR:
        raise ValueError(instance.output().decode())
    return status


def fib(n: int, algorithm: str = "iterative", *, progress: Progress = None) -> int:
    """Return F(n), the n-th Fibonacci number (F(0) = 0, F(1) = 1).

    ``algorithm`` is one of ``ALGORITHMS``. ``progress(done, total)``, if given, is called
    at a bounded interval; an exception it raises stops the computation and propagates.
    """
    # Checked in the contract's order: n (type, value), algorithm (type, value), progress.
    if not isinstance(n, int) or isinstance(n, bool):
        raise _wrong_type("n", "an int", n)
    n = operator.index(n)  # a subclass of int may redefine its arithmetic: its plain value
    if not isinstance(algorithm, str):
        _call("fib_check", n, ALGORITHMS[0])  # an error in n comes first
        raise _wrong_type("algorithm", "a str", algorithm)
    if progress is not None and not callable(progress):
        _call("fib_check", n, algorithm)
        raise _wrong_type("progress", "callable or None", progress)
    instance = _instance()
    instance.callback, instance.interruption = progress, None
    try:
        with _sigint_deferred(instance):
            reports = _REPORTS_AFTER_WARM_UP if progress is None else _REPORTS_ALL
            status = _call("fib", n, algorithm, reports)
    finally:
        instance.callback = None
    if status == _CANCELLED:
        interruption, instance.interruption = instance.interruption, None
        raise interruption or RuntimeError("fib-wasm stopped without a reason")
    return int.from_bytes(instance.output(), "little")


def _wrong_type(argument: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{argument} must be {expected}, not {type(value).__name__}")


def build_info() -> dict[str, Any]:
    """Which build this is: fib-wasm's own description, wasmtime's version, and how this
    process got the compiled module."""
    info = _MODULE_INFO
    return {
        "implementation": "fib-wasmtime",
        "version": __version__,
        "profile": info["profile"],
        "opt_level": info["opt_level"],
        "rustc": info["rustc"],
        "target": info["target"],
        "isa": info["isa"],
        "basecase": info["basecase"],
        "ntt": info["ntt"],
        "dependencies": {**info["dependencies"], "wasmtime": _WASMTIME_VERSION},
        "module": {"file": _WASM.name, **_LOADED},
    }


def _panic() -> None:
    """Panics in Rust. Not part of the API: the tests check that it is a RuntimeError and
    that the next call works."""
    _instance().call("fib_test_panic")


def _module_info() -> dict[str, Any]:
    instance = _instance()
    instance.call("fib_build_info")
    return json.loads(instance.output())


_MODULE_INFO = _module_info()

#: Every algorithm, by name, as the module knows them.
ALGORITHMS: tuple[str, ...] = tuple(_MODULE_INFO["algorithms"])

#: The largest n the module accepts (fib-rust's ``MAX_N``).
MAX_N: int = _MODULE_INFO["max_n"]
