"""Prints the Makefile's view of contract.json, the constants every implementation shares.

    python3 scripts/contract.py wheel-variants    ->  python rust-debug rust-release rust-wasmtime
    python3 scripts/contract.py pyodide-variants  ->  python rust-debug rust-release
    python3 scripts/contract.py wasi-variants     ->  python
    python3 scripts/contract.py variants          ->  python,rust-debug,...,javascript

Standard library only: the Makefile runs it with the system's python3, before any venv.
"""

import json
import sys
from pathlib import Path

CONTRACT = json.loads((Path(__file__).resolve().parents[1] / "contract.json").read_text())


def wheels_running_in(runtime):
    return " ".join(
        v["name"]
        for v in CONTRACT["variants"]
        if v["package"] == "wheel" and runtime in v["runtimes"]
    )


VIEWS = {
    "wheel-variants": lambda: " ".join(
        v["name"] for v in CONTRACT["variants"] if v["package"] == "wheel"
    ),
    "pyodide-variants": lambda: wheels_running_in("pyodide"),
    "wasi-variants": lambda: wheels_running_in("wasi"),
    "variants": lambda: ",".join(v["name"] for v in CONTRACT["variants"]),
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in VIEWS:
        sys.exit(__doc__)
    print(VIEWS[sys.argv[1]]())
