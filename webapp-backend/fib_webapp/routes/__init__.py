"""The site's routes, one router per concern (FastAPI's "bigger applications"):

- ``pages``: the page and every file it loads, from an allow-list;
- ``builds``: what the page loads (``/api/builds``) and the site's health;
- ``native``: timings of the builds on this machine, in a child process (``/api/native``);
- ``runs``: saved runs, the results history (``/api/runs``, ``/api/compare``);
- ``export``: a result document as CSV or Markdown (``/api/export``).

``GET /api/fib`` (F(n) in the server's own process) is ``fib_webapp.in_process``'s router.
``fib_webapp.app`` puts them together with the middleware and the exception handlers.
"""

from enum import Enum

# Under other names: `builds` here is this package's router module.
from fib_benchmarks import builds as contract
from fib_benchmarks.results import store as results

MAX_N = contract.MAX_N  # the contract of every implementation (contract.json)
RUN_ID = f"^{results.RUN_ID}$"  # a saved run's id
# The algorithms' names as a type, so that the API's schema lists them (contract.json).
AlgorithmName = Enum("AlgorithmName", {name: name for name in contract.ALGORITHMS}, type=str)
