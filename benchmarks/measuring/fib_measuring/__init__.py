"""The measuring core of py-rust-fib's benchmark: what runs beside the build being timed.

Standard library only, so that the very same code runs in every runtime: CPython here,
Pyodide (under Node.js and in the page's workers), CPython for WASI and its component.
``measure`` times ``fib`` calls and describes their results, as events; ``measure.mjs`` is
its JavaScript twin for the JavaScript builds. Everything else of the benchmark (the
runtimes that start these, the result document, the CLI) is ``fib_benchmarks``, on the host.
"""

__version__ = "0.1.0"
