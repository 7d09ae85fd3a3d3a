"""py-rust-fib's benchmark: Python vs Rust, debug vs release, native and inside Pyodide.

Data path: a *runner* (``runners``: ``native``, one subprocess per build; ``pyodide``, one
Pyodide instance per build under Node.js; ``wasi`` and ``component``, CPython for WASI;
``chromium_runner``: the web page's own workers) executes ``measure`` next to exactly one
build of the ``fib`` API; ``measure`` emits events whose result rows become the rows of a
result document (``document``, with ratios across builds by ``schema``); the CLI turns them
into a table and a chart (``report``) and files (``outputs``, ``export``), and saves them
(``store``); ``compare`` sets runs side by side.
"""

__version__ = "0.1.0"
