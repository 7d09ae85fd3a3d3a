"""The events of a measurement, defined once: what every harness says from inside the
measured runtime (``measure.py``, ``measure.mjs``, rust-core's ``fib_timer``), what the
page's workers post (the same events, with the ``id`` of the request they answer), and
what the runtimes and the page read. No harness, worker or runtime renames a key.

pydantic models, from which ``events.schema.json`` (beside this file) is generated:
``python -m fib_benchmarks.events`` rewrites it, and a test fails when it is out of date.
The tests check every harness's and worker's events against these models.

In the order a run says them:

- ``startup``: a worker's start-up phase has begun (``stage``: loading-runtime,
  installing, importing, first-calls; loading-modules in the worker with no Pyodide),
  or a runtime's start-up phases took so long (``phases``: Pyodide's under Node,
  wasmtime's compile);
- ``ready``: the build is loaded: its ``build_info()`` and the ``interpreter`` running it
  (a worker adds its ``variant`` and ``startup`` phases, a runner ``startup_s`` and
  ``startup_phases``);
- ``trace``: inside the first, untimed call of a case: ``done`` of ``total`` steps after
  ``elapsed_ns`` (the core's progress hook; a worker posts them at most every 50 ms, none
  in the call's first 50 ms, and the finish once the call has returned);
- ``warm``: the warm-up of a case is over (its samples: their time a call and calls);
- ``progress``: ``done`` of ``total`` timed samples, the last one ``last_ns`` a call;
- ``result``: one measurement, with every sample (its statistics are made where a
  document is made: ``measure.summarize``);
- ``error``: the run stopped; ``message`` is one line (``stage`` says where, in a worker).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .results.document import MAX_CALLS, Text

SCHEMA_FILE = Path(__file__).with_name("events.schema.json")

Nanoseconds = Annotated[int, Field(ge=0)]


class Event(BaseModel):
    """What every event has: its kind, and in a worker the request it answers."""

    model_config = ConfigDict(extra="forbid")

    id: Optional[int] = None  # the page's request (its workers' events only)


class Startup(Event):
    """A page's worker: the start-up phase that has begun (``stage``). A runtime the CLI
    starts (Pyodide under Node, wasmtime): what its start-up's phases took (``phases``),
    before anything else; its runner folds them into the ``ready`` event."""

    event: Literal["startup"]
    stage: Optional[Text] = None
    phases: Optional[dict[str, Union[float, bool]]] = None
    interpreter: Optional[Text] = None


class Ready(Event):
    event: Literal["ready"]
    build_info: dict[str, Any]  # the build's own facts: its build_info()
    interpreter: Text  # what runs it: "CPython 3.11.7", "Pyodide 314.0.7 (CPython 3.14.2)"
    variant: Optional[Text] = None  # a worker's
    startup: Optional[dict[str, Union[float, bool]]] = None  # a worker's phases
    startup_s: Optional[float] = None  # a runner's: the cold start, never timed
    startup_phases: Optional[dict[str, Union[float, bool]]] = None


class Case(Event):
    algorithm: Text
    n: int = Field(ge=0)


class Steps(Case):
    """How far along: ``done`` of ``total`` (steps of a call, or timed samples)."""

    done: int = Field(ge=0)
    total: int = Field(ge=0)


class Trace(Steps):
    event: Literal["trace"]
    elapsed_ns: Nanoseconds


class Warm(Case):
    event: Literal["warm"]
    warmup: int = Field(ge=0, le=MAX_CALLS)
    warmup_times_ns: list[Nanoseconds] = Field(max_length=MAX_CALLS)
    # The calls of each warm-up sample; none from rust-core's timer (one call a sample).
    warmup_loops: Optional[list[Annotated[int, Field(ge=1)]]] = None
    warmup_settled: Optional[bool]


class Progress(Steps):
    event: Literal["progress"]
    last_ns: Nanoseconds


class Result(Warm):
    event: Literal["result"]  # type: ignore[assignment]
    repeats: int = Field(ge=1, le=MAX_CALLS)
    loops: int = Field(1, ge=1)  # none from rust-core's timer
    times_ns: list[Nanoseconds] = Field(min_length=1, max_length=MAX_CALLS)
    timer_resolution_ns: Optional[int] = None
    digits: int = Field(ge=1)
    leading: str = Field(max_length=32)
    trailing: str = Field(max_length=32)
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")


class Error(Event):
    event: Literal["error"]
    message: Text
    stage: Optional[Text] = None  # a worker's: where it failed


AnyEvent = Annotated[
    Union[Startup, Ready, Trace, Warm, Progress, Result, Error], Field(discriminator="event")
]
EVENT = TypeAdapter(AnyEvent)


def check(event: dict[str, Any]) -> BaseModel:
    """The event as its model, or a ValidationError saying what is wrong with it."""
    return EVENT.validate_python(event)


def json_schema_text() -> str:
    schema = EVENT.json_schema()
    schema["$id"] = "py-rust-fib/events"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(json_schema_text())
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
