"""py-rust-fib's benchmark: Python vs Rust, debug vs release, native and inside Pyodide.

Data path: a *runner* (``native``: one subprocess per build; ``pyodide``: one Pyodide
instance per build under Node.js) executes ``measure`` next to exactly one build of the
``fib`` API; ``measure`` emits events whose result rows follow ``schema``; the CLI turns
rows into a table, a JSON document and a chart (``report``).
"""

__version__ = "0.1.0"
