"""How fast the results history is with many runs: saves per second, then list latency.

    python -m fib_benchmarks.store_benchmark RUN.json [--runs 10000] [--url DATABASE_URL]

Saves RUN.json (a ``--json`` document) RUNS times into a fresh store (a temporary SQLite
file unless --url names a database, which must be empty), each save its own transaction as
the site's are, then times the queries the site answers: the latest runs, and the latest
with each filter. Prints medians; the figures belong in docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from .results.document import Document
from .results.store import Store


def median_ms(work, repeats: int = 20) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fib_benchmarks.store_benchmark")
    parser.add_argument("run", type=Path, help="a --json document to save again and again")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--url", help="an empty database (default: a temporary SQLite file)")
    options = parser.parse_args()
    document = Document.model_validate_json(options.run.read_text())
    made = document.model_dump(mode="json", by_alias=True)
    row = made["rows"][0]
    with tempfile.TemporaryDirectory() as folder:
        runs = Store(options.url or f"sqlite:///{folder}/runs.sqlite3")
        started = time.perf_counter()
        for _ in range(options.runs):
            runs.save(made)
        seconds = time.perf_counter() - started
        print(f"{options.runs} saves of {len(made['rows'])} measurements each: {seconds:.1f} s, "
              f"{options.runs / seconds:.0f} saves/s")  # fmt: skip
        queries = {
            "latest 50": lambda: runs.recent(),
            f"latest 50 with n = {row['n']}": lambda: runs.recent(n=row["n"]),
            f"latest 50 of {row['algorithm']}": lambda: runs.recent(algorithm=row["algorithm"]),
            "latest 50 in a browser named 'Chrome'": lambda: runs.recent(browser="Chrome"),
            # The worst case of a filter: no run matches, every run is looked at.
            f"latest 50 with n = {row['n'] + 1} (none)": lambda: runs.recent(n=row["n"] + 1),
            "one run by its id": lambda: runs.get(runs.recent(limit=1)[0]["id"]),
        }
        for name, query in queries.items():
            print(f"  {name}: median {median_ms(query):.2f} ms")


if __name__ == "__main__":
    main()
