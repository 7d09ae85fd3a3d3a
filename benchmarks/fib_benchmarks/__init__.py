"""py-rust-fib's benchmark, the host's side: Python vs Rust, debug vs release, natively, in
Pyodide, in Chromium and in WASI.

Data path: a *runtime* (``runtimes``: ``native``, one subprocess per build; ``pyodide``, one
Pyodide instance per build under Node.js; ``browser``, the web page's own workers; ``wasi``
and ``component``, CPython for WASI) starts the measuring core (``fib_measuring``, a package
of its own, the only one shipped into those runtimes) next to exactly one build of the
``fib`` API; its events (``events``) become the rows of a result document
(``results.document``, with statistics and ratios across builds by ``results.schema``); the
CLI (``cli``, ``session``) turns them into a table and a chart (``report``) and files
(``outputs``, ``results.export``), and saves them (``results.store``); ``results.compare``
sets runs side by side.
"""

__version__ = "0.1.0"
