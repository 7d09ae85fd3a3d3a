"""``poetry run benchmark``: time F(n) in every build of the fib API and compare them."""

from __future__ import annotations

import difflib
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from fib_measuring import measure
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

from . import builds, load, outputs, report, runtimes
from .results import compare, schema, store
from .session import Run, Session, measure_session

MAX_N = builds.MAX_N  # the contract of every implementation (contract.json)
EXIT_ERROR = outputs.EXIT_ERROR
DEFAULT_NS = [1_000, 10_000, 100_000]

console = outputs.console
app = typer.Typer(add_completion=False, rich_markup_mode="rich")


# From contract.json (builds.CONTRACT), plus the two native references of this CLI.
Algorithm = Enum("Algorithm", {name: name for name in builds.ALGORITHMS}, type=str)
Variant = Enum(
    "Variant",
    {name: name for name in (*builds.LABELS, builds.GMP_REFERENCE, builds.RUST_CORE)},
    type=str,
)


Runtime = Enum("Runtime", {name: name for name in runtimes.RUNTIMES}, type=str)


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


def _parse_warmup(text: str) -> int | str:
    if text.strip() == measure.AUTO:
        return measure.AUTO
    try:
        count = int(text)
    except ValueError:
        count = -1
    if not 0 <= count <= measure.WARMUP_MAX_SAMPLES:
        raise typer.BadParameter(
            f"{text!r} is neither 'auto' nor a count from 0 to {measure.WARMUP_MAX_SAMPLES}",
            param_hint="--warmup",
        )
    return count


def _choices(values: list[str], enum: type[Enum], hint: str) -> list[str]:
    allowed = [member.value for member in enum]
    chosen = []
    for value in _split(values):
        if value not in allowed:
            raise typer.BadParameter(
                f"{value!r} is not one of {', '.join(allowed)}{_did_you_mean(value, allowed)}",
                param_hint=hint,
            )
        if value not in chosen:
            chosen.append(value)
    return chosen


def _did_you_mean(value: str, allowed: list[str]) -> str:
    """The end of a refusal for a near miss (difflib's ratio): ": did you mean 'X'?", else ""."""
    close = difflib.get_close_matches(value, allowed, n=1)
    return f": did you mean {close[0]!r}?" if close else ""


@app.command()
def benchmark(
    n: Annotated[
        list[str],
        typer.Option(
            "--n", "-n", metavar="N", help="n to compute F(n) for; repeat or comma-separate."
        ),
    ] = [str(n) for n in DEFAULT_NS],  # noqa: B006
    algorithm: Annotated[
        list[str],
        typer.Option("--algorithm", "-a", metavar="NAME", help=f"{', '.join(builds.ALGORITHMS)}."),
    ] = list(builds.ALGORITHMS),  # noqa: B006
    variant: Annotated[
        list[str],
        typer.Option(
            "--variant",
            "-v",
            metavar="BUILD",
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
            metavar="RUNTIME",
            help="native, pyodide (Pyodide under Node.js), browser (the web page's own "
            "workers, in Debian's headless Chromium), wasi (CPython for WASI under wasmtime: "
            "python only), component (CPython 3.14 for WASI as a component that calls the "
            "host back: python only).",
        ),
    ] = ["native"],  # noqa: B006
    repeats: Annotated[
        int, typer.Option(min=1, max=1000, metavar="CALLS", help="Timed calls per case.")
    ] = 5,
    warmup: Annotated[
        str,
        typer.Option(
            metavar="SAMPLES|auto",
            help="Untimed samples before them (the first one call, the others as many calls "
            "as the timed ones): a number, or 'auto' to warm up until the last "
            f"{measure.SETTLED_WINDOW} samples agree within {measure.SETTLED_SPREAD:.0%} and "
            f"are no faster than the ones before (at most {measure.WARMUP_MAX_SAMPLES} samples "
            f"and {measure.WARMUP_MAX_SECONDS:g} s).",
        ),
    ] = measure.AUTO,
    rounds: Annotated[
        int,
        typer.Option(
            min=1,
            max=100,
            metavar="COUNT",
            help="Run everything this many times, the builds taking turns; medians are over "
            "all rounds' calls. On a noisy machine this keeps a slow spell from landing on "
            "one build only.",
        ),
    ] = 1,
    json_path: Annotated[
        Optional[Path],
        typer.Option(
            "--json",
            metavar="PATH",
            help="Write the results: every sample, the builds, the host, the commit (its "
            "JSON Schema: benchmark.schema.json in the fib_benchmarks package).",
        ),
    ] = None,
    csv_path: Annotated[
        Optional[Path],
        typer.Option("--csv", metavar="PATH", help="Write the results as CSV, a line each."),
    ] = None,
    markdown_path: Annotated[
        Optional[Path],
        typer.Option("--markdown", metavar="PATH", help="Write the results as a Markdown table."),
    ] = None,
    plot_path: Annotated[
        Optional[Path],
        typer.Option("--plot", metavar="PATH", help="Write a PNG chart of time against n."),
    ] = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            metavar="",
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
    session = Session(
        ns=tuple(_parse_ns(n)),
        algorithms=tuple(_choices(algorithm, Algorithm, "--algorithm")),
        variants=tuple(_choices(variant, Variant, "--variant")),
        runtimes=tuple(_choices(runtime, Runtime, "--runtime")),
        repeats=repeats,
        warmup=_parse_warmup(warmup),
        rounds=rounds,
    )
    files = {"--json": json_path, "--csv": csv_path, "--markdown": markdown_path,
             "--plot": plot_path}  # fmt: skip
    for option, path in files.items():
        outputs.check_writable(path, option)
    if save_to is not None:
        outputs.check_site(save_to)
    if builds.GMP_REFERENCE in session.variants and "iterative" in session.algorithms:
        # Said, not silently dropped: GMP's fib is the doubling algorithm's reference only.
        console.print("gmp: GMP's fib is a reference for the doubling algorithm only: no gmp "
                      "row for iterative", highlight=False)  # fmt: skip
    if not session.ns or not session.runs():
        raise typer.BadParameter(
            "nothing to measure: no n, no algorithm, or no build that runs this algorithm in "
            "these runtimes (gmp: doubling, native; rust-core: native)",
            param_hint="--n/--algorithm/--variant/--runtime",
        )
    try:
        startups, rows = _measure(session)
    except (builds.BuildError, runtimes.RunnerError) as error:
        console.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: nothing written[/]")
        raise typer.Exit(130) from None

    schema.add_ratios(rows)
    console.print(report.table(rows, startups, width=console.width))
    made = schema.document(session.settings(), startups, rows)
    files = outputs.document_files(made, json_path, csv_path, markdown_path)
    files.append((plot_path, lambda path: report.plot(rows, path)))
    outputs.finish(made, files, save, save_to)


def _measure(session: Session) -> tuple[list[schema.Row], list[schema.Row]]:
    """The session behind a progress bar: a bar per build and runtime, by timed calls."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    columns += [TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        tasks = {
            run.label: progress.add_task(run.label, total=session.calls(run))
            for run in session.runs()
        }

        def advance(run: Run, event: dict[str, Any]) -> None:
            case = f"{event['algorithm']} F({event['n']:,})"
            progress.update(tasks[run.label], advance=1, description=f"{run.label} {case}")

        return measure_session(session, advance)


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
