"""The site's ``GET /api/fib`` on Robyn: a Python web framework on a Rust runtime.

A minimal app for ``benchmark load``: the same computation in the server process
(``in_process.compute``, the same builds loaded the same way) and the same refusals of
bad or too-long requests, answered the same way; none of the site's queue bounds or
deadlines, which Robyn leaves to the application. Robyn's own options (``--processes``,
``--workers``) are taken from the command line besides ``--host`` and ``--port``:

    python -m fib_webapp.robyn_app --port 8080 --workers 2
"""

from __future__ import annotations

import argparse
import json
import threading
from typing import Any

from fib_benchmarks import builds
from robyn import Request, Response, Robyn

from . import in_process
from .settings import from_environment

app = Robyn(__file__)
settings = from_environment()


def json_answer(status: int, body: dict[str, Any]) -> Response:
    return Response(status_code=status, headers={"Content-Type": "application/json"},
                    description=json.dumps(body))  # fmt: skip


def query(request: Request) -> tuple[int, str, str, bool]:
    """(n, algorithm, variant, number) from the query; ValueError with what was wrong."""
    params = request.query_params
    text = params.get("n", None)
    if text is None:
        raise ValueError("n: Field required")
    try:
        n = int(text)
    except ValueError:
        raise ValueError(f"n: not a valid integer: {text!r}") from None
    if not 0 <= n <= in_process.MAX_N:
        raise ValueError(f"n: must be in 0..{in_process.MAX_N}, got {n}")
    algorithm = params.get("algorithm", "doubling")
    if algorithm not in builds.ALGORITHMS:
        raise ValueError(f"algorithm: expected one of {', '.join(builds.ALGORITHMS)}")
    variant = params.get("variant", "rust-release")
    if variant not in in_process.VARIANTS:
        raise ValueError(f"variant: expected one of {', '.join(in_process.VARIANTS)}")
    number = params.get("number", "false").lower()
    if number not in ("true", "false"):
        raise ValueError("number: true or false")
    return n, algorithm, variant, number == "true"


@app.get("/api/fib")
def fib(request: Request) -> Response:
    try:
        n, algorithm, variant, number = query(request)
    except ValueError as error:
        return json_answer(422, {"detail": str(error)})
    refused = in_process.refusal(n, algorithm, variant, number, settings.fib_max_s)
    if refused:
        return json_answer(422, {"detail": refused})
    try:
        module = in_process.load(variant)
    except builds.BuildError as error:
        return json_answer(503, {"detail": f"{variant} is not built: {error}"})
    value, seconds = in_process.compute(module, n, algorithm, False, threading.Event())
    return json_answer(200, in_process.answer(variant, algorithm, n, value, seconds, number))


@app.get("/api/health")
def health() -> Response:
    return json_answer(200, {"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fib_webapp.robyn_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args, _robyn_options = parser.parse_known_args()
    app.start(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
