"""``poetry run benchmark``: time F(n) in every build of the fib API and compare them."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, NoReturn, Optional

import httpx
import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from typer import rich_utils
from typer._click.exceptions import ClickException
from typer.main import get_command

from . import builds, compare, export, load, measure, report, runners, schema, store

MAX_N = builds.MAX_N  # the contract of every implementation (contract.json)
#: The exit status of an error the user can act on (a refused option, an output that could
#: not be written, a site that would not save), as for argparse and click's usage errors;
#: 1 stays for the builds disagreeing and for a runtime that failed.
EXIT_ERROR = 2
DEFAULT_NS = [1_000, 10_000, 100_000]

console = report.terminal_console()
app = typer.Typer(add_completion=False, rich_markup_mode="rich")


# From contract.json (builds.CONTRACT), plus the two native references of this CLI.
Algorithm = Enum("Algorithm", {name: name for name in builds.ALGORITHMS}, type=str)
Variant = Enum(
    "Variant",
    {name: name for name in (*builds.LABELS, builds.GMP_REFERENCE, builds.RUST_CORE)},
    type=str,
)


class Runtime(str, Enum):
    native = "native"
    pyodide = "pyodide"
    chromium = "chromium"
    wasi = "wasi"
    component = "component"


def _split(values: list[str]) -> list[str]:
    """Accept both `--n 10 --n 20` and `--n 10,20`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _parse_ns(values: list[str]) -> list[int]:
    ns = []
    for text in _split(values):
        plain = text.replace("_", "")
        if plain.lstrip("+-").isdigit() and len(plain.lstrip("+-0")) > len(str(MAX_N)):
            # Far too large (or small): said so, without converting or echoing it whole.
            raise typer.BadParameter(f"{_shown(text)} is outside 0..{MAX_N}", param_hint="--n")
        try:
            n = int(plain)
        except ValueError:
            raise typer.BadParameter(
                f"{_shown(text)} is not an integer", param_hint="--n"
            ) from None
        if not 0 <= n <= MAX_N:
            raise typer.BadParameter(f"{n} is outside 0..{MAX_N}", param_hint="--n")
        ns.append(n)
    return sorted(set(ns))


def _shown(text: str) -> str:
    """A value as a message quotes it: whole if short, else its start and its length."""
    return repr(text) if len(text) <= 24 else f"{text[:12]!r}... ({len(text)} characters)"


def _check_writable(path: Optional[Path], option: str) -> None:
    """Refuse, before measuring anything, a result file that could not be written."""
    if path is None:
        return
    folder = path.parent.resolve()
    if path.is_dir():
        raise typer.BadParameter(f"{path} is a folder, not a file", param_hint=option)
    if path.is_fifo() or path.is_socket():  # writing would wait for a reader for ever
        raise typer.BadParameter(f"{path} is a pipe or a socket, not a file", param_hint=option)
    if not folder.is_dir():
        raise typer.BadParameter(f"no folder {folder} to write {path.name} in", param_hint=option)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise typer.BadParameter(f"{path} cannot be written", param_hint=option)


def _parse_warmup(text: str) -> int | str:
    if text.strip() == measure.AUTO:
        return measure.AUTO
    try:
        count = int(text)
    except ValueError:
        count = -1
    if not 0 <= count <= measure.WARMUP_MAX_CALLS * 5:
        raise typer.BadParameter(
            f"{text!r} is neither 'auto' nor a count from 0 to {measure.WARMUP_MAX_CALLS * 5}",
            param_hint="--warmup",
        )
    return count


def _choices(values: list[str], enum: type[Enum], hint: str) -> list[str]:
    allowed = [member.value for member in enum]
    chosen = []
    for value in _split(values):
        if value not in allowed:
            raise typer.BadParameter(
                f"{value!r} is not one of {', '.join(allowed)}", param_hint=hint
            )
        if value not in chosen:
            chosen.append(value)
    return chosen


@app.command()
def benchmark(
    n: Annotated[
        list[str],
        typer.Option("--n", "-n", help="n to compute F(n) for; repeat or comma-separate."),
    ] = [str(n) for n in DEFAULT_NS],  # noqa: B006
    algorithm: Annotated[
        list[str], typer.Option("--algorithm", "-a", help=f"{', '.join(builds.ALGORITHMS)}.")
    ] = list(builds.ALGORITHMS),  # noqa: B006
    variant: Annotated[
        list[str],
        typer.Option(
            "--variant",
            "-v",
            help="python, rust-debug, rust-release, rust-wasmtime (fib-rust as WebAssembly run by "
            "wasmtime, native), rust-wasm (the same WebAssembly with no Python: Node.js natively, "
            "a worker in Chromium), javascript (BigInt: Node.js natively, a worker in Chromium); "
            "references: gmp (GMP, native, doubling), rust-core (fib-rust timed from Rust, "
            "native).",
        ),
    ] = list(builds.VARIANTS),  # noqa: B006
    runtime: Annotated[
        list[str],
        typer.Option(
            "--runtime",
            "-r",
            help="native, pyodide (Pyodide under Node.js), chromium (the web page's own "
            "workers in Debian's headless Chromium), wasi (CPython for WASI under wasmtime: "
            "python only), component (CPython 3.14 for WASI as a component that calls the "
            "host back: python only).",
        ),
    ] = ["native"],  # noqa: B006
    repeats: Annotated[int, typer.Option(min=1, max=1000, help="Timed calls per case.")] = 5,
    warmup: Annotated[
        str,
        typer.Option(
            help="Untimed calls before them: a number, or 'auto' to warm up until the last "
            f"{measure.SETTLED_WINDOW} calls agree within {measure.SETTLED_SPREAD:.0%} (at most "
            f"{measure.WARMUP_MAX_CALLS} calls and {measure.WARMUP_MAX_SECONDS:g} s)."
        ),
    ] = measure.AUTO,
    rounds: Annotated[
        int,
        typer.Option(
            min=1,
            max=100,
            help="Run everything this many times, the builds taking turns; medians are over "
            "all rounds' calls. On a noisy machine this keeps a slow spell from landing on "
            "one build only.",
        ),
    ] = 1,
    json_path: Annotated[
        Optional[Path],
        typer.Option(
            "--json",
            help="Write the results: every sample, the builds, the host, the commit "
            "(schema: fib_benchmarks/benchmark.schema.json).",
        ),
    ] = None,
    csv_path: Annotated[
        Optional[Path], typer.Option("--csv", help="Write the results as CSV, a line each.")
    ] = None,
    markdown_path: Annotated[
        Optional[Path],
        typer.Option("--markdown", help="Write the results as a Markdown table."),
    ] = None,
    plot_path: Annotated[
        Optional[Path], typer.Option("--plot", help="Write a PNG chart of time against n.")
    ] = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Save the run in the local results history (SQLite under build/, or "
            f"${store.URL_VARIABLE}); `make serve` shows it at /runs/<id>.",
        ),
    ] = False,
    save_to: Annotated[
        Optional[str],
        typer.Option(
            "--save-to", metavar="URL", help="Save the run on the site at URL (its /api/runs)."
        ),
    ] = None,
) -> None:
    """Time F(n) with fib-python, the debug and release builds of fib-pyrs, and JavaScript.

    Each build runs in its own process, where it is the only build importable; timings are
    medians of REPEATS calls after WARMUP untimed ones, with the garbage collector off, and
    include the conversion of the result to a Python int. With ROUNDS > 1 the builds take
    turns ROUNDS times (each round a fresh process per build) and each median is over all
    ROUNDS x REPEATS calls. The run fails if two builds disagree on any F(n).

    `benchmark compare A.json B.json` compares saved runs (see `benchmark compare --help`).
    """
    settings = {
        "ns": _parse_ns(n),
        "algorithms": _choices(algorithm, Algorithm, "--algorithm"),
        "variants": _choices(variant, Variant, "--variant"),
        "runtimes": _choices(runtime, Runtime, "--runtime"),
        "repeats": repeats,
        "warmup": _parse_warmup(warmup),
        "rounds": rounds,
    }
    outputs = {"--json": json_path, "--csv": csv_path, "--markdown": markdown_path,
               "--plot": plot_path}  # fmt: skip
    for option, path in outputs.items():
        _check_writable(path, option)
    if save_to is not None:
        _check_site(save_to)
    if not settings["ns"] or not _runs(settings):
        raise typer.BadParameter(
            "nothing to measure: no n, no algorithm, or no build that runs this algorithm in "
            "these runtimes (gmp: doubling, native; rust-core: native)",
            param_hint="--n/--algorithm/--variant/--runtime",
        )
    try:
        startups, rows = _measure(settings)
    except (builds.BuildError, runners.RunnerError) as error:
        console.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: nothing written[/]")
        raise typer.Exit(130) from None

    schema.add_ratios(rows)
    console.print(report.table(rows, startups))
    made = schema.document(settings, startups, rows)
    written = (
        (json_path, lambda path: path.write_text(_json_text(made))),
        (csv_path, lambda path: path.write_text(export.csv_text(made))),
        (markdown_path, lambda path: path.write_text(export.markdown_text(made))),
        (plot_path, lambda path: report.plot(rows, path)),
    )
    all_written = True
    for path, write in written:
        if path:
            all_written &= _write_or_keep(path, write, made)
    problems = schema.disagreements(rows)
    if problems:
        console.print("[bold red]builds disagree on F(n):[/]\n  " + "\n  ".join(problems))
        raise typer.Exit(1)
    if save:
        _save_locally(made)
    if save_to:
        _save_to(save_to, made)
    if not all_written:
        raise typer.Exit(EXIT_ERROR)


def _write_or_keep(path: Path, write: Callable[[Path], Any], made: dict[str, Any]) -> bool:
    """Writes one output; if that fails (a full disk, a path that is not a file), says so
    in one line and keeps the run's document elsewhere: a measured run is never lost."""
    try:
        write(path)
    except OSError as error:
        kept = _keep_document(made)
        print(f"benchmark: error: cannot write {path}: {error.strerror or error}; "
              f"the run is kept in {kept}", file=sys.stderr)  # fmt: skip
        return False
    console.print(f"wrote {path}")
    return True


def _json_text(made: dict[str, Any]) -> str:
    """The run's document as --json writes it."""
    return json.dumps(made, indent=1) + "\n"


def _keep_document(made: dict[str, Any]) -> str:
    """Where the run's JSON document went: a new file in the temporary folder, or, if
    even that cannot be written, standard output."""
    text = _json_text(made)
    try:
        handle, name = tempfile.mkstemp(prefix="py-rust-fib-run-", suffix=".json")
        with os.fdopen(handle, "w") as kept:
            kept.write(text)
    except OSError:
        sys.stdout.write(text)
        return "standard output (above)"
    return name


def _check_site(site: str) -> None:
    """A --save-to that can be sent to: an http(s) address with a host."""
    try:
        url = httpx.URL(site)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        message = f"{site!r} is not an address: {error}"
        raise typer.BadParameter(message, param_hint="--save-to") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise typer.BadParameter(
            f"{site!r} is not an http:// or https:// address of a site", param_hint="--save-to"
        )


def _save_locally(made: dict[str, Any]) -> None:
    try:
        saved = store.Store().save(made)
    except store.StoreError as error:
        _not_saved(str(error))
    console.print(f"saved as run {saved.id}: /runs/{saved.id} on the local site (make serve); "
                  f"delete token {saved.delete_token}")  # fmt: skip


#: The longest a save may take in all, however the site answers (a site that sends a byte
#: every few seconds would otherwise hold the CLI for ever, each byte resetting a timeout).
SAVE_DEADLINE_S = float(os.environ.get("PY_RUST_FIB_SAVE_DEADLINE_S", "60"))
#: The most a site's answer to a save may hold: its id, permalink and token are short.
MAX_SAVE_ANSWER_BYTES = 64 * 1024


def _save_to(site: str, made: dict[str, Any]) -> None:
    base = site.rstrip("/")
    deadline = time.monotonic() + SAVE_DEADLINE_S
    body = bytearray()
    try:
        timeout = httpx.Timeout(min(10.0, SAVE_DEADLINE_S))
        with httpx.stream("POST", f"{base}/api/runs", json=made, timeout=timeout) as response:
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    raise _NotSaved(f"{base} did not answer within {SAVE_DEADLINE_S:g} s")
                if len(body) > MAX_SAVE_ANSWER_BYTES:
                    raise _NotSaved(f"{base} answered more than a save's answer holds")
            status = response.status_code
    except httpx.HTTPError as error:
        _not_saved(f"{base} cannot be reached ({error})")
    except _NotSaved as error:
        _not_saved(str(error))
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if status != 201:
        detail = answer.get("detail") if isinstance(answer, dict) else None
        shown = detail if isinstance(detail, str) else body[:200].decode(errors="replace")
        _not_saved(f"{base} answered {status}: {shown!r}")
    if not (isinstance(answer, dict) and isinstance(answer.get("url"), str)
            and isinstance(answer.get("delete_token"), str)
            and _PRINTABLE.fullmatch(answer["url"] + answer["delete_token"])):  # fmt: skip
        _not_saved(f"{base} answered 201 but not as this project's site does (no permalink)")
    console.print(f"saved: {base}{answer['url']} (delete token {answer['delete_token']})")


#: What a permalink and a token may hold when shown: no control characters, no spaces.
_PRINTABLE = re.compile(r"[\x21-\x7e]{1,300}")


class _NotSaved(Exception):
    pass


def _not_saved(reason: str) -> NoReturn:
    print(f"benchmark: error: not saved: {reason}", file=sys.stderr)
    raise typer.Exit(EXIT_ERROR)


def _plan_for(runtime_kind: str, variant: str, plan: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The part of ``plan`` one build runs in one runtime, or None if it runs nothing there.

    Each build runs where contract.json says (JavaScript has no Pyodide, wasmtime runs
    natively only); the references are native only, and GMP is a reference for the doubling
    algorithm only.
    """
    if runtime_kind not in builds.RUNTIMES.get(variant, ("native",)):
        return None
    if variant == builds.GMP_REFERENCE:
        plan = plan | {"algorithms": [a for a in plan["algorithms"] if a == "doubling"]}
    return plan if plan["algorithms"] else None


def _runs(settings: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (runtime, variant, plan) that measures something, in table order."""
    plan = {key: settings[key] for key in ("algorithms", "ns", "repeats", "warmup")}
    runs = [(r, v) for r in settings["runtimes"] for v in settings["variants"]]
    return [(r, v, p) for r, v in runs if (p := _plan_for(r, v, plan)) is not None]


def _measure(settings: dict[str, Any]) -> tuple[list[schema.Row], list[schema.Row]]:
    """Run every (runtime, variant) in turn, one at a time, behind a progress bar; with
    several rounds, the whole sequence again each round."""
    runs = _runs(settings)
    startups: dict[tuple[str, str], schema.Row] = {}
    rows: dict[tuple[str, str, str, int], schema.Row] = {}
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    columns += [TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        tasks = {}
        for runtime_kind, variant, run_plan in runs:
            cases = len(run_plan["algorithms"]) * len(run_plan["ns"])
            calls = cases * run_plan["repeats"] * settings["rounds"]
            tasks[variant, runtime_kind] = progress.add_task(
                f"{variant} ({runtime_kind})", total=calls
            )
        for _ in range(settings["rounds"]):
            for runtime_kind, variant, run_plan in runs:
                task, label = tasks[variant, runtime_kind], f"{variant} ({runtime_kind})"

                def advance(event: dict[str, Any], task=task, label=label) -> None:
                    case = f"{event['algorithm']} F({event['n']:,})"
                    progress.update(task, advance=1, description=f"{label} {case}")

                startup, measured = runners.measure_build(runtime_kind, variant, run_plan, advance)
                # The first round's start-up is the cold one: later rounds find files cached.
                startups.setdefault((runtime_kind, variant), startup)
                for row in measured:
                    key = (runtime_kind, variant, row["algorithm"], row["n"])
                    rows[key] = _merge(rows[key], row) if key in rows else row
    order = [(r, v) for r, v, _ in runs]
    return list(startups.values()), sorted(
        rows.values(),
        key=lambda row: (
            settings["algorithms"].index(row["algorithm"]),
            row["n"],
            order.index((row["runtime_kind"], row["variant"])),
        ),
    )


def _merge(row: schema.Row, later: schema.Row) -> schema.Row:
    """One row from the same case measured in two rounds: all their calls, new statistics."""
    if later["digest"] != row["digest"]:
        raise runners.RunnerError(
            f"{row['variant']} ({row['runtime_kind']}): F({row['n']:,}) changed between rounds"
        )
    times = row["times_ns"] + later["times_ns"]
    # Both rounds warmed up the same way: a fixed count (None) or auto (both must settle).
    settled = None if row["warmup_settled"] is None else (
        row["warmup_settled"] and later["warmup_settled"])  # fmt: skip
    return row | {
        "repeats": len(times),
        "times_ns": times,
        "warmup": row["warmup"] + later["warmup"],
        "warmup_times_ns": row["warmup_times_ns"] + later["warmup_times_ns"],
        "warmup_settled": settled,
        **measure.summarize(times, settled, row.get("timer_resolution_ns")),
    }


def main() -> None:
    # `benchmark compare A.json B.json` and `benchmark load`: commands of their own;
    # anything else measures.
    if sys.argv[1:2] == ["compare"]:
        run_command(compare.app, sys.argv[2:], "benchmark compare")
    elif sys.argv[1:2] == ["load"]:
        run_command(load.app, sys.argv[2:], "benchmark load")
    else:
        run_command(app, sys.argv[1:], "benchmark")


def run_command(command: typer.Typer, args: list[str], prog_name: str) -> NoReturn:
    """Runs a command and exits with its code; a refused argument exits with 2.

    At a terminal the refusal is rich's box, sized to the window; anywhere else (a pipe, a
    CI log, a test) it is one plain line on stderr, which a box folded at 80 columns would
    split mid-word, paths included (as git, curl and pip print theirs).
    """
    # Typer 0.29 carries its own copy of click (pinned in requirements.lock): its
    # ClickException is the base of typer.BadParameter and of every usage error.
    try:
        code = get_command(command).main(args=args, prog_name=prog_name, standalone_mode=False)
    except ClickException as error:
        if sys.stderr.isatty():
            rich_utils.rich_format_error(error)
        else:
            message = " ".join(error.format_message().split())
            print(f"{prog_name}: error: {message}", file=sys.stderr)
        sys.exit(error.exit_code)
    except typer.Abort:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
