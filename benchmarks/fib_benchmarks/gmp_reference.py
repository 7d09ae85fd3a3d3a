"""GMP's own Fibonacci function (``mpz_fib_ui`` through gmpy2): the reference column.

Not an implementation of this project's API, and not the same algorithm: GMP computes
F(n) from Lucas-number identities on its hand-tuned assembly multiplication. It shows how
far the doubling algorithm's builds are from what this hardware allows. Native only
(gmpy2 is not built for Pyodide), doubling only; the conversion of GMP's number to a
Python int is timed, as it is for the other builds.
"""

from __future__ import annotations

from typing import Any

import gmpy2

ALGORITHMS = ("doubling",)


def fib(n: int, algorithm: str = "doubling", **_: Any) -> int:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"the GMP reference exists for {ALGORITHMS} only, not {algorithm!r}")
    return int(gmpy2.fib(n))


def build_info() -> dict[str, Any]:
    return {
        "implementation": "gmpy2",
        "version": gmpy2.version(),
        "profile": None,
        "gmp": gmpy2.mp_version(),
    }
