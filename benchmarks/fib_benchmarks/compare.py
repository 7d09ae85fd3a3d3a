"""``poetry run benchmark compare A.json B.json [C.json ...]``: runs side by side.

Every measurement of the first run (the baseline) is matched with the same build, runtime,
algorithm and n in the others, which get its ratio (their median over the baseline's).
A difference counts only beyond the measured noise: when the two runs' interquartile
ranges do not overlap (pyperf and pytest-benchmark compare the same way, on the spread of
the samples rather than on one number). With ``--fail-above PCT`` the command exits 1
when a measurement is slower than the baseline, beyond the noise, by more than PCT
percent, so that it can guard CI (as pytest-benchmark's ``--benchmark-compare-fail``).
Two runs that computed different F(n) are an error, whatever the times.

Runs of ``benchmark load`` are compared row by row too (server, build, n, connections):
requests a second, as a ratio over the baseline's. One wrk run per row has no spread to
test a difference against, so these ratios carry no verdict and ``--fail-above`` does not
apply to them.
"""

from __future__ import annotations

import functools
import re
import stat
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from pydantic import ValidationError
from rich.table import Table

from . import report, store
from .document import Document, measured_on
from .report import format_ms

console = report.terminal_console()
app = typer.Typer(add_completion=False, rich_markup_mode="rich")

Key = tuple[str, str, str, int]  # variant, runtime_kind, algorithm, n
LoadKey = tuple[str, str, str, int, int]  # server, variant, algorithm, n, concurrency


#: The largest document `compare` reads: the CLI's largest runs are a few megabytes.
MAX_DOCUMENT_BYTES = 64 << 20


@functools.cache
def _local_store() -> store.Store:
    """The local results history, opened (and migrated) once for all the ids given."""
    return store.Store()


def load(path: Path) -> dict[str, Any]:
    """A run's document, from a file or, by its id, from the local results history,
    checked against the schema; a BadParameter that says why not."""
    if not path.exists() and re.fullmatch(store.RUN_ID, str(path)):
        try:
            saved = _local_store().get(str(path))
        except store.StoreError as error:
            raise typer.BadParameter(str(error)) from None
        if saved is None:
            raise typer.BadParameter(f"no file {path}, and no saved run with that id")
        return saved
    try:
        # A regular file only, asked before opening it: opening a FIFO waits for a writer
        # for ever, and /dev/zero never ends.
        if not stat.S_ISREG(path.stat().st_mode):
            raise typer.BadParameter(f"{path} is not a file of its own (a pipe, a device?)")
        with path.open("rb") as file:
            text = file.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from None
    if len(text) > MAX_DOCUMENT_BYTES:
        raise typer.BadParameter(
            f"{path} is larger than any benchmark document ({MAX_DOCUMENT_BYTES >> 20} MB)"
        )
    try:
        return Document.model_validate_json(text).model_dump(mode="json", by_alias=True)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"])) or "the document"
        raise typer.BadParameter(
            f"{path} is not a benchmark document (schema version 2): {where}: {first['msg']}"
        ) from None


def _rows(document: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(r["variant"], r["runtime_kind"], r["algorithm"], r["n"]): r for r in document["rows"]}


def verdict(base: dict[str, Any], other: dict[str, Any]) -> str:
    """ "slower", "faster" or "same": same while the interquartile ranges overlap."""
    if other["q1_ms"] > base["q3_ms"]:
        return "slower"
    if other["q3_ms"] < base["q1_ms"]:
        return "faster"
    return "same"


def compare(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per measurement of the baseline: each other run's median, ratio, verdict;
    a line's ``digests_differ`` says that two runs computed different numbers."""
    base, others = _rows(documents[0]), [_rows(d) for d in documents[1:]]
    lines = []
    for key, row in base.items():
        line = {"key": key, "medians": [row["median_ms"]], "ratios": [], "verdicts": []}
        line["digests_differ"] = False
        for rows in others:
            other = rows.get(key)
            if other is None:
                line["medians"].append(None)
                line["ratios"].append(None)
                line["verdicts"].append("missing")
                continue
            line["medians"].append(other["median_ms"])
            line["ratios"].append(
                other["median_ms"] / row["median_ms"] if row["median_ms"] else None
            )
            line["verdicts"].append(verdict(row, other))
            line["digests_differ"] |= other["digest"] != row["digest"]
        lines.append(line)
    return lines


def compare_load(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per load row of the baseline: each run's requests a second, and each other
    run's ratio over the baseline's (above 1: it served more)."""

    def rows(document: dict[str, Any]) -> dict[LoadKey, dict[str, Any]]:
        return {(r["server"], r["variant"], r["algorithm"], r["n"], r["concurrency"]): r
                for r in document.get("load") or []}  # fmt: skip

    base, others = rows(documents[0]), [rows(d) for d in documents[1:]]
    lines = []
    for key, row in base.items():
        matched = [other.get(key) for other in others]
        rates = [row["requests_per_s"], *(m and m["requests_per_s"] for m in matched)]
        ratios = [m["requests_per_s"] / row["requests_per_s"] if m and row["requests_per_s"]
                  else None for m in matched]  # fmt: skip
        differ = any(m is not None and m["digest"] != row["digest"] for m in matched)
        lines.append({"key": key, "rates": rates, "ratios": ratios, "digests_differ": differ})
    return lines


def _load_table(lines: list[dict[str, Any]], runs: int, who: str) -> Table:
    table = Table(title="Under load: requests a second (ratio: the run's over the first's)")
    for heading in ("server", "build", "n", "connections", "first"):
        table.add_column(heading, justify="left" if heading in ("server", "build") else "right")
    for index in range(1, runs):
        table.add_column(f"run {index + 1}", justify="right")
    for line in lines:
        server, variant, _algorithm, n, concurrency = line["key"]
        cells = [server, variant, f"{n:,}", str(concurrency), f"{line['rates'][0]:,.0f}"]
        for rate, ratio in zip(line["rates"][1:], line["ratios"]):
            cells.append("not measured" if rate is None else f"{rate:,.0f} ({ratio:.2f}x)")
        table.add_row(*cells)
    no_verdict = "One wrk run per row: a ratio, not a verdict; --fail-above does not apply."
    table.caption = f"{who}\n{no_verdict}"
    table.caption_justify = "left"
    return table


def _ms(value: Optional[float]) -> str:
    return "—" if value is None else format_ms(value)


def _who(document: dict[str, Any], path: Path) -> str:
    code, host = document["code"], document["host"]
    commit = (code.get("commit") or "?")[:8] + ("+" if code.get("dirty") else "")
    where = measured_on(host) or "?"
    return f"{path.name}: {document['created']}, commit {commit}, {where}"


@app.command()
def main(
    runs: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more --json documents or ids of saved runs; the first is the baseline."
        ),
    ],
    fail_above: Annotated[
        Optional[float],
        typer.Option(
            "--fail-above",
            min=0,
            help="Exit 1 if a measurement is slower than the baseline, beyond the noise, by "
            "more than this many percent.",
        ),
    ] = None,
) -> None:
    """Compare benchmark runs, measurement by measurement, against the first."""
    if len(runs) < 2:
        raise typer.BadParameter("give two or more runs to compare", param_hint="RUNS")
    documents = [load(path) for path in runs]
    lines = compare(documents)
    load_lines = compare_load(documents)
    if not lines and not load_lines:
        console.print("the first run has no measurement to compare")
    table = Table(title="Runs compared with the first (ratio: its median over the first's)")
    for heading in ("algorithm", "n", "build", "runtime", "first"):
        table.add_column(heading, justify="right" if heading in ("n", "first") else "left")
    for index in range(1, len(runs)):
        table.add_column(f"run {index + 1}", justify="right")
    marks = {"slower": "[red]slower[/]", "faster": "[green]faster[/]", "same": "within noise",
             "missing": "not measured"}  # fmt: skip
    regressions = []
    for line in lines:
        variant, runtime_kind, algorithm, n = line["key"]
        cells = [algorithm, f"{n:,}", variant, runtime_kind, _ms(line["medians"][0])]
        for median, ratio, mark in zip(line["medians"][1:], line["ratios"], line["verdicts"]):
            shown = "—" if ratio is None else f"{ratio:.2f}x"
            cells.append(f"{_ms(median)} ({shown}, {marks[mark]})")
            over = ratio is not None and fail_above is not None and ratio > 1 + fail_above / 100
            if mark == "slower" and over:
                regressions.append(f"{variant} ({runtime_kind}) {algorithm} F({n:,}): {shown}")
        table.add_row(*cells)
    who = "\n".join(
        f"{'first' if i == 0 else f'run {i + 1}'}: {_who(d, p)}"
        for i, (d, p) in enumerate(zip(documents, runs))
    )
    table.caption = who
    table.caption_justify = "left"
    if lines:
        console.print(table)
    if load_lines:
        console.print(_load_table(load_lines, len(runs), who))
    differ = [line["key"] for line in lines + load_lines if line["digests_differ"]]
    if differ:
        console.print(
            "[bold red]the runs computed different F(n):[/] " + ", ".join(map(str, differ))
        )
        raise typer.Exit(1)
    if regressions:
        console.print(f"[bold red]slower than the first by more than {fail_above:g} %:[/]")
        console.print("\n".join(f"  {line}" for line in regressions))
        raise typer.Exit(1)
