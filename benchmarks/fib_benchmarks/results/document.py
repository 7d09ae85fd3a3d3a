"""The benchmark's result document, defined once: what ``--json`` writes, what the web page
downloads, and what a server may accept from either.

pydantic models, from which ``benchmark.schema.json`` (beside this file, in the repository)
is generated: ``python -m fib_benchmarks.results.document`` rewrites it, and a test fails when it is
out of date. Version 3 adds a second kind of row, ``load``: a web service's requests a second
and latencies under concurrent load (``benchmark load``); a version 2 document is a version 3
one without them, and is still read. Version 4 times several calls a sample where one call
is short for the clock (``loops``, the calls of each sample); a version 3 document is a
version 4 one whose samples are one call each, and is still read. Version 5 warms up in
samples too (``warmup_loops``, the calls of each warm-up sample: the first one call, the
others as many as the clock needs); a version 4 document is a version 5 one whose warm-up
samples are one call each, and is still read. Version 6 names each idea once: a row's
``runtime`` is where it ran (version 5's ``runtime_kind``; the CLI's ``chromium`` and the
page's ``browser`` are both ``browser``), its ``interpreter`` what ran it (version 5's
``runtime``), its ``build_info`` the build's own facts (version 5's ``build``); an older
document is read as version 6 says it (``upgraded``). Version 1 (before December 2026) was
the CLI's alone, and the page wrote a variant of it, and is refused.

Untrusted documents (``Document.model_validate``) are bounded: every list and string has a
maximum length, so that validating one costs at most what reading its bytes does.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .. import builds

SCHEMA = "py-rust-fib/benchmark"
VERSION = 6
#: The versions this code reads: what was saved before version 6 stays readable.
READABLE_VERSIONS = (2, 3, 4, 5, 6)
SCHEMA_FILE = Path(__file__).with_name("benchmark.schema.json")

# Bounds for documents that come from elsewhere (a saved run, an upload).
MAX_ROWS = 2_000
MAX_CALLS = 10_000  # timed or warm-up calls in one row
MAX_TEXT = 2_000  # characters in one string

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


def _web_address(url: str) -> str:
    """An absolute http(s) address, or a ValueError: a saved document's address becomes a
    link on the site, and `javascript:` (in any spelling) there would run in its origin."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// address")
    if any(ord(character) < 0x21 or ord(character) == 0x7F for character in url):
        raise ValueError("must not contain spaces or control characters")
    return url


WebAddress = Annotated[Text, AfterValidator(_web_address)]
# Where a row was measured: "browser" is the page's own workers, in whatever browser opened
# the page (the CLI's `--runtime browser` drives Debian's headless Chromium); the others run
# the measuring core from the CLI (fib_benchmarks.runtimes).
Runtime = Literal["native", "pyodide", "browser", "wasi", "component"]
Ratio = Optional[float]


#: A ratio's confidence interval: (low, high), both finite and positive.
Interval = Optional[
    tuple[
        Annotated[float, Field(gt=0, allow_inf_nan=False)],
        Annotated[float, Field(gt=0, allow_inf_nan=False)],
    ]
]


class Strict(BaseModel):
    """No field that the schema does not name: a typo or a drift is an error, not lost."""

    # Not a number and infinity are no measurement: JSON has neither, and a stored one came
    # back as null, which the document then refused.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Code(Strict):
    """Which code measured: the repository's commit, and whether it had local changes."""

    commit: Optional[str] = Field(None, pattern=r"^[0-9a-f]{7,64}$")
    dirty: Optional[bool] = None


class Host(Strict):
    """The machine (CLI), or the browser (page), that measured."""

    machine: Optional[Text] = None
    system: Optional[Text] = None
    cpus: Optional[int] = Field(None, ge=1, le=1_000_000)
    cpu_model: Optional[Text] = None
    python: Optional[Text] = None
    user_agent: Optional[Text] = None
    browser: Optional[Text] = None  # "Chrome 156.0.8078.73"
    cross_origin_isolated: Optional[bool] = None
    ready_after_s: Optional[float] = Field(None, ge=0)


#: The servers `benchmark load` starts (load.SERVERS says what each is).
Server = Literal["uvicorn", "uvicorn-workers", "granian", "robyn"]
MAX_CONNECTIONS = 1_024


class LoadSettings(Strict):
    """What a load run asked for, beside the n, algorithm and builds of ``RunSettings``."""

    servers: list[Server] = Field(min_length=1, max_length=8)
    concurrencies: list[int] = Field(min_length=1, max_length=32)
    duration_s: float = Field(gt=0, le=600)
    generator: Text  # the load generator and its version: "wrk 4.1.0"


class RunSettings(Strict):
    """What was asked for."""

    source: Literal["cli", "web page"]
    ns: list[int] = Field(max_length=MAX_ROWS)
    algorithms: list[str] = Field(max_length=16)
    variants: list[str] = Field(max_length=64)
    runtimes: list[Runtime] = Field(max_length=8)
    repeats: int = Field(ge=1, le=MAX_CALLS)
    warmup: Union[int, Literal["auto"]]
    rounds: int = Field(ge=1, le=1_000)
    url: Optional[WebAddress] = None  # the page's address, which reproduces the run
    load: Optional[LoadSettings] = None  # `benchmark load` only


class Startup(Strict):
    """How long one build took to become ready in one runtime (first round)."""

    variant: Text  # which build of the fib API (contract.json)
    runtime: Runtime  # where it ran
    interpreter: Text  # what ran it: "CPython 3.11.7", "Node.js 20.19.2 (V8 ...)"
    build_info: dict[str, Any] = Field(max_length=64)  # the build's own facts
    seconds: float = Field(ge=0)
    # What the runtime timed itself: Pyodide's steps, wasmtime's compile.
    phases: Optional[dict[str, Union[float, int, None]]] = Field(None, max_length=64)
    ready_after_s: Optional[float] = Field(None, ge=0)  # page: since the page opened


class Row(Strict):
    """One measurement: one build, one runtime, one algorithm, one n."""

    variant: Text  # which build of the fib API (contract.json)
    runtime: Runtime  # where it ran
    interpreter: Text  # what ran it: "CPython 3.11.7", "Node.js 20.19.2 (V8 ...)"
    build_info: dict[str, Any] = Field(max_length=64)  # the build's own facts
    algorithm: Text
    n: int = Field(ge=0, le=builds.MAX_N)
    repeats: int = Field(ge=1, le=MAX_CALLS)
    # Calls a timed sample (version 4): each time in times_ns is its sample's over these.
    loops: int = Field(1, ge=1, le=1_000_000)
    # Untimed samples before the timed ones: their time a call, and (version 5) their calls;
    # None: one call each, as before version 5 and in rust-core's timer.
    warmup: int = Field(ge=0, le=MAX_CALLS)
    warmup_times_ns: list[int] = Field(max_length=MAX_CALLS)
    warmup_loops: Optional[list[Annotated[int, Field(ge=1, le=1_000_000)]]] = Field(
        None, max_length=MAX_CALLS
    )
    warmup_settled: Optional[bool]
    times_ns: list[int] = Field(min_length=1, max_length=MAX_CALLS)
    timer_resolution_ns: Optional[int] = Field(None, ge=0)
    median_ms: float
    min_ms: float
    max_ms: float
    mean_ms: float
    stdev_ms: float
    q1_ms: float
    q3_ms: float
    iqr_ms: float
    outliers: int = Field(ge=0)
    warnings: list[str] = Field(max_length=32)
    digits: int = Field(ge=1)
    leading: str = Field(max_length=32)
    trailing: str = Field(max_length=32)
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    # Ratios between rows of the same run only (schema.add_ratios), each with its 95 %
    # interval, a bootstrap over both rows' samples (version 4; absent before).
    speedup_vs_python: Ratio = None
    slowdown_vs_native: Ratio = None
    debug_vs_release: Ratio = None
    vs_gmp: Ratio = None
    speedup_vs_python_interval: Interval = None
    slowdown_vs_native_interval: Interval = None
    debug_vs_release_interval: Interval = None
    vs_gmp_interval: Interval = None


class Samples(BaseModel):
    """What a row's statistics come from (``schema.summarized``), checked before they are
    computed: a row from the page carries its samples and not yet its statistics."""

    model_config = ConfigDict(extra="allow")

    times_ns: list[Annotated[int, Field(ge=0)]] = Field(min_length=1, max_length=MAX_CALLS)
    loops: int = Field(1, ge=1, le=1_000_000)
    warmup_settled: Optional[bool] = None
    timer_resolution_ns: Optional[int] = Field(None, ge=0)


class Sampled(BaseModel):
    """A run whose rows carry their samples, checked before their statistics are made."""

    model_config = ConfigDict(extra="allow")

    rows: list[Samples] = Field(max_length=MAX_ROWS)


class LoadRow(Strict):
    """One server, build, n and number of open connections under load: what the load
    generator saw in ``duration_s``, and the CPU the server and the generator used."""

    server: Server
    variant: Text
    algorithm: Text
    n: int = Field(ge=0, le=builds.MAX_N)
    concurrency: int = Field(ge=1, le=MAX_CONNECTIONS)
    duration_s: float = Field(gt=0, le=600)
    requests: int = Field(ge=0)
    requests_per_s: float = Field(ge=0)
    # None when the generator reported none (no request answered).
    latency_p50_ms: Optional[float] = Field(None, ge=0)
    latency_p90_ms: Optional[float] = Field(None, ge=0)
    latency_p99_ms: Optional[float] = Field(None, ge=0)
    errors: int = Field(ge=0)  # non-2xx answers, and connect, read, write and timeout errors
    server_cpu_cores: float = Field(ge=0)  # CPU seconds of the server's processes a second
    wrk_cpu_cores: float = Field(ge=0)  # the load generator's own, the same way
    # What the server answered for F(n) before the load, checked as the rows' are.
    digits: int = Field(ge=1)
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")


class Document(Strict):
    """A run: where, with what, what was asked, and every measurement with its samples."""

    model_config = ConfigDict(populate_by_name=True)

    schema_: Literal["py-rust-fib/benchmark"] = Field(alias="schema")
    version: Literal[6]  # older versions are upgraded as they are read (``upgraded``)
    created: datetime
    code: Code
    host: Host
    # The versions that later comparisons need, gathered from the rows: each interpreter
    # (CPython, Pyodide, Node.js, a browser), rustc, wasmtime.
    versions: dict[str, list[str]] = Field(max_length=16)
    settings: RunSettings
    startups: list[Startup] = Field(max_length=MAX_ROWS)
    rows: list[Row] = Field(max_length=MAX_ROWS)
    load: list[LoadRow] = Field(default_factory=list, max_length=MAX_ROWS)  # version 3

    @model_validator(mode="before")
    @classmethod
    def _older_versions_upgraded(cls, data: Any) -> Any:
        return upgraded(data)

    @model_validator(mode="after")
    def _warmup_loops_match(self) -> Document:
        for row in self.rows:
            if row.warmup_loops is not None and len(row.warmup_loops) != len(row.warmup_times_ns):
                raise ValueError("warmup_loops must give the calls of each warm-up sample")
        return self


# Version 5's names of a row's (and a start-up's) keys, by version 6's.
RENAMED_IN_6 = {"runtime": "runtime_kind", "interpreter": "runtime", "build_info": "build"}


def upgraded(data: Any) -> Any:
    """A document of version 2 to 5 as version 6 says it; anything else as it is (the model
    then says what is wrong with it). What a version added is refused in an older one."""
    if not isinstance(data, dict) or data.get("version") not in READABLE_VERSIONS[:-1]:
        return data
    version = data["version"]
    rows = [row for row in data.get("rows") or [] if isinstance(row, dict)]
    settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
    if version < 3 and (data.get("load") or settings.get("load") is not None):
        raise ValueError("load rows are new in version 3 of the document")
    if version < 4 and any(row.get("loops", 1) != 1 for row in rows):
        raise ValueError("calls a sample (loops) are new in version 4 of the document")
    if version < 5 and any(row.get("warmup_loops") is not None for row in rows):
        raise ValueError("warm-up samples of several calls (warmup_loops) are new in "
                         "version 5 of the document")  # fmt: skip

    def entry_6(entry: Any) -> Any:
        if not isinstance(entry, dict):
            return entry  # the model says what is wrong with it
        if "interpreter" in entry or "build_info" in entry:
            raise ValueError("interpreter and build_info are new in version 6 of the document")
        names = {old: new for new, old in RENAMED_IN_6.items()}
        return {
            names.get(key, key): runtime_from_version_5(value) if key == "runtime_kind" else value
            for key, value in entry.items()
        }

    result = {**data, "version": VERSION}
    for key in ("rows", "startups"):
        if isinstance(data.get(key), list):
            result[key] = [entry_6(entry) for entry in data[key]]
    if isinstance(settings.get("runtimes"), list):
        runtimes = [runtime_from_version_5(name) for name in settings["runtimes"]]
        result["settings"] = {**settings, "runtimes": runtimes}
    versions = data.get("versions")
    if isinstance(versions, dict) and "runtimes" in versions:
        result["versions"] = {
            ("interpreters" if key == "runtimes" else key): value for key, value in versions.items()
        }
    return result


def runtime_from_version_5(name: Any) -> Any:
    """Version 5's runtime kind as version 6 names it: the CLI's "chromium" is "browser"."""
    return "browser" if name == "chromium" else name


def measured_on(host: dict[str, Any]) -> Optional[str]:
    """The machine a run names, for people: its browser (page), else its CPU model, else
    its architecture (CLI)."""
    return host.get("browser") or host.get("cpu_model") or host.get("machine")


def json_schema() -> dict[str, Any]:
    schema = Document.model_json_schema(by_alias=True)
    schema["$id"] = f"{SCHEMA}/{VERSION}"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(json_schema_text())
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
