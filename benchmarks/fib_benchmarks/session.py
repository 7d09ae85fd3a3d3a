"""A benchmark session: which build runs which cases in which runtime, every run in turn for
a number of rounds, and each case's rows of all rounds merged into one.

The CLI (``benchmark``, with a progress bar) and the site's native runs
(``fib_webapp.native``: natively, one round, stoppable) both run one, so the rule of which
build runs where (``contract.json``, through ``builds.RUNTIMES``) and the merging of rounds
are written once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from fib_measuring import measure
from fib_measuring.measure import Event

from . import builds, runtimes


@dataclass(frozen=True)
class Run:
    """One build in one runtime, and the part of the session's plan it runs there."""

    runtime: str
    variant: str
    plan: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.variant} ({self.runtime})"


@dataclass(frozen=True)
class Session:
    """What a session measures, its values checked (the CLI's options, the page's query)."""

    ns: tuple[int, ...]
    algorithms: tuple[str, ...]
    variants: tuple[str, ...]
    runtimes: tuple[str, ...]
    repeats: int
    warmup: Union[int, str]
    rounds: int = 1

    def settings(self) -> dict[str, Any]:
        """As the result document records them (``schema.document``)."""
        return {"ns": list(self.ns), "algorithms": list(self.algorithms),
                "variants": list(self.variants), "runtimes": list(self.runtimes),
                "repeats": self.repeats, "warmup": self.warmup, "rounds": self.rounds}  # fmt: skip

    def runs(self) -> list[Run]:
        """Every build and runtime that measures something, in table order: each build runs
        where contract.json says (JavaScript has no Pyodide, wasmtime runs natively only);
        the references are native only, and GMP is a reference for doubling only."""
        plan = {"algorithms": list(self.algorithms), "ns": list(self.ns),
                "repeats": self.repeats, "warmup": self.warmup}  # fmt: skip
        runs = []
        for runtime in self.runtimes:
            for variant in self.variants:
                if runtime not in builds.RUNTIMES.get(variant, ("native",)):
                    continue
                own = plan
                if variant == builds.GMP_REFERENCE:
                    own = plan | {"algorithms": [a for a in plan["algorithms"] if a == "doubling"]}
                if own["algorithms"]:
                    runs.append(Run(runtime, variant, own))
        return runs

    def calls(self, run: Run) -> int:
        """How many timed calls ``run`` makes over all rounds: a progress bar's total."""
        cases = len(run.plan["algorithms"]) * len(run.plan["ns"])
        return cases * run.plan["repeats"] * self.rounds


def measure_session(
    session: Session,
    on_progress: Optional[Callable[[Run, Event], None]] = None,
    stop: Optional[threading.Event] = None,
) -> tuple[list[Event], list[Event]]:
    """Every run in turn, one at a time, ``session.rounds`` times: the start-ups (each
    run's first, the cold one) and the rows, one per case (its rounds merged), in table
    order. ``on_progress(run, event)`` hears each timed call; setting ``stop`` kills the
    run under way (``runtimes.Cancelled``)."""
    runs = session.runs()
    startups: dict[tuple[str, str], Event] = {}
    rows: dict[tuple[str, str, str, int], Event] = {}
    for _ in range(session.rounds):
        for run in runs:
            advance = (
                None if on_progress is None else (lambda event, run=run: on_progress(run, event))
            )
            startup, measured = runtimes.measure_build(
                run.runtime, run.variant, run.plan, advance, stop=stop
            )
            # The first round's start-up is the cold one: later rounds find files cached.
            startups.setdefault((run.runtime, run.variant), startup)
            for row in measured:
                key = (run.runtime, run.variant, row["algorithm"], row["n"])
                rows[key] = merge(rows[key], row) if key in rows else row
    order = [(run.runtime, run.variant) for run in runs]
    return list(startups.values()), sorted(
        rows.values(),
        key=lambda row: (
            session.algorithms.index(row["algorithm"]),
            row["n"],
            order.index((row["runtime"], row["variant"])),
        ),
    )


def _warmup_loops(row: Event, later: Event) -> Event:
    """The calls of both rounds' warm-up samples, if either round records them (rust-core's
    timer does not: one call a sample)."""
    if row.get("warmup_loops") is None and later.get("warmup_loops") is None:
        return {}
    return {"warmup_loops": measure.warmup_loops(row) + measure.warmup_loops(later)}


def merge(row: Event, later: Event) -> Event:
    """One row from the same case measured in two rounds: all their calls, new statistics."""
    if later["digest"] != row["digest"]:
        raise runtimes.RunnerError(
            f"{row['variant']} ({row['runtime']}): F({row['n']:,}) changed between rounds"
        )
    times = row["times_ns"] + later["times_ns"]
    # Both rounds warmed up the same way: a fixed count (None) or auto (both must settle).
    settled = None if row["warmup_settled"] is None else (
        row["warmup_settled"] and later["warmup_settled"])  # fmt: skip
    # Each round calibrates its own calls a sample: the row says the fewest, which is what
    # the clock's rounding is judged by.
    loops = min(row.get("loops", 1), later.get("loops", 1))
    return row | {
        "repeats": len(times),
        "loops": loops,
        "times_ns": times,
        "warmup": row["warmup"] + later["warmup"],
        "warmup_times_ns": row["warmup_times_ns"] + later["warmup_times_ns"],
        **_warmup_loops(row, later),
        "warmup_settled": settled,
        **measure.summarize(times, settled, row.get("timer_resolution_ns"), loops),
    }
