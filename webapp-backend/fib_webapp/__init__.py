"""The py-rust-fib benchmark site: a FastAPI app that serves, from one origin and offline,

- the page (``webapp-backend/static``) and the worker glue (``webapp-worker/worker.mjs``),
- the Pyodide runtime and Chart.js from ``node_modules`` (under versioned, immutable URLs),
- the wheels listed in ``build/wheels/manifest.json`` (under content-addressed URLs),
- a JSON API: health, the builds, and native timings from the CLI's own runner.

Nothing else: every served path is on an explicit allow-list (``routes``).
"""

__version__ = "0.1.0"
