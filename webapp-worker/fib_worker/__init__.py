"""The Python half of a benchmark web worker: one build of the fib API, measured in Pyodide.

``worker.mjs`` (beside this package) is the thin JavaScript half: it loads Pyodide from our
own origin (from the server's memory snapshot when there is one), installs the wheels the
page names with Pyodide's own installer, then hands every message from the
page to :func:`fib_worker.runner.handle` and posts what it reports back. The messages are
described in :mod:`fib_worker.protocol`.
"""

__version__ = "0.1.0"
