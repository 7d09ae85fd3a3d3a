"""``poetry run benchmark compare A.json B.json [C.json ...]``: runs side by side.

Every measurement of the first run (the baseline) is matched with the same build, runtime,
algorithm and n in the others, which get its ratio (their median over the baseline's) and
that ratio's 95 % confidence interval: a bootstrap over the samples of both rows (each
resampled with replacement, the ratio of the medians taken each time; the interval is the
middle 95 % of those ratios), as the document keeps every sample. A difference counts only
when it is both sure and large enough: when the whole interval lies beyond a change of
``MIN_EFFECT`` (5 %). Runs of one build on a shared machine differ by a few per cent from
one process to the next, which no interval within one run sees: the minimum effect is what
keeps two runs of the same build (an A/A test) from reading as different (pyperf's
``compare_to`` likewise reports a change only when it is significant). With
``--fail-above PCT`` the command exits 1 when a measurement is slower than the baseline,
so counted, by more than PCT percent, so that it can guard CI (as pytest-benchmark's
``--benchmark-compare-fail``). Two runs that computed different F(n) are an error,
whatever the times.

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

from .. import report
from . import store
from .document import READABLE_VERSIONS, Document, measured_on
from .export import duration
from .intervals import Interval, ratio_interval

console = report.terminal_console()
app = typer.Typer(add_completion=False, rich_markup_mode="rich")

Key = tuple[str, str, str, int]  # variant, runtime, algorithm, n
LoadKey = tuple[str, str, str, int, int]  # server, variant, algorithm, n, concurrency


#: The smallest change counted (see above).
MIN_EFFECT = 0.05

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
            f"{path} is not a benchmark document (schema versions "
            f"{READABLE_VERSIONS[0]} to {READABLE_VERSIONS[-1]}): {where}: {first['msg']}"
        ) from None


def _rows(document: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(r["variant"], r["runtime"], r["algorithm"], r["n"]): r for r in document["rows"]}


def verdict(interval: Interval) -> str:
    """ "slower" or "faster" when the whole interval lies beyond MIN_EFFECT, else "same"."""
    if interval is None:
        return "same"
    low, high = interval
    if low > 1 + MIN_EFFECT:
        return "slower"
    if high < 1 / (1 + MIN_EFFECT):
        return "faster"
    return "same"


def compare(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per measurement of the baseline: each other run's median, ratio, its
    interval and the verdict; a line's ``digests_differ`` says that two runs computed
    different numbers."""
    base, others = _rows(documents[0]), [_rows(d) for d in documents[1:]]
    lines = []
    for key, row in base.items():
        line = {"key": key, "medians": [row["median_ms"]], "ratios": [], "intervals": [],
                "verdicts": [], "digests_differ": False}  # fmt: skip
        for rows in others:
            other = rows.get(key)
            if other is None:
                line["medians"].append(None)
                line["ratios"].append(None)
                line["intervals"].append(None)
                line["verdicts"].append("missing")
                continue
            line["medians"].append(other["median_ms"])
            line["ratios"].append(
                other["median_ms"] / row["median_ms"] if row["median_ms"] else None
            )
            interval = ratio_interval(row["times_ns"], other["times_ns"])
            line["intervals"].append(interval)
            line["verdicts"].append(verdict(interval))
            line["digests_differ"] |= other["digest"] != row["digest"]
        lines.append(line)
    return lines


def not_in_first(documents: list[dict[str, Any]]) -> list[int]:
    """For each run after the first, how many of its measurements the first has not made:
    a comparison is line by line of the first's measurements, so these are not compared,
    and the comparison says so."""
    base = _rows(documents[0]).keys()
    return [len(_rows(document).keys() - base) for document in documents[1:]]


def in_common(lines: list[dict[str, Any]]) -> bool:
    """Whether any of the first run's measurements was made by another run too."""
    return any(verdict != "missing" for line in lines for verdict in line["verdicts"])


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
    return "—" if value is None else duration(value)


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
            help="Two or more --json documents or ids of saved runs; the first is the baseline "
            "(an id saved before ids stopped beginning with '-' goes after `--`).",
        ),
    ],
    fail_above: Annotated[
        Optional[float],
        typer.Option(
            "--fail-above",
            min=0,
            metavar="PERCENT",
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
    # "\\[": a bracket that rich would otherwise take for markup, and drop.
    table = Table(
        title="Runs compared with the first (ratio: its median over the first's, "
        "\\[its 95 % interval])"
    )
    for heading in ("algorithm", "n", "build", "runtime", "first"):
        table.add_column(heading, justify="right" if heading in ("n", "first") else "left")
    for index in range(1, len(runs)):
        table.add_column(f"run {index + 1}", justify="right")
    marks = {"slower": "[red]slower[/]", "faster": "[green]faster[/]", "same": "within noise",
             "missing": "not measured"}  # fmt: skip
    regressions = []
    for line in lines:
        variant, runtime, algorithm, n = line["key"]
        cells = [algorithm, f"{n:,}", variant, runtime, _ms(line["medians"][0])]
        others = zip(line["medians"][1:], line["ratios"], line["intervals"], line["verdicts"])
        for median, ratio, interval, mark in others:
            shown = "—" if ratio is None else f"{ratio:.2f}x"
            sure = "" if interval is None else " [{:.2f} to {:.2f}]".format(*interval)
            cells.append(f"{_ms(median)} ({shown}{sure}, {marks[mark]})")
            over = ratio is not None and fail_above is not None and ratio > 1 + fail_above / 100
            if mark == "slower" and over:
                regressions.append(f"{variant} ({runtime}) {algorithm} F({n:,}): {shown}")
        table.add_row(*cells)
    who = "\n".join(
        f"{'first' if i == 0 else f'run {i + 1}'}: {_who(d, p)}"
        for i, (d, p) in enumerate(zip(documents, runs))
    )
    single = [f"run {i + 1}" if i else "first" for i, d in enumerate(documents)
              if d["settings"]["rounds"] == 1 and d["settings"]["source"] == "cli"]  # fmt: skip
    if single:
        who += (f"\n{', '.join(single)}: one process per build: its interval does not see how "
                "one process differs from the next (up to 20 % on a shared machine); make runs "
                "to compare with --rounds 10")  # fmt: skip
    table.caption = who
    table.caption_justify = "left"
    if lines:
        console.print(table)
    if lines and not in_common(lines):
        console.print("these runs have no measurement in common (the same build, runtime, "
                      "algorithm and n): there is nothing to compare")  # fmt: skip
    for index, count in enumerate(not_in_first(documents), start=2):
        if count:
            noun = "measurement" if count == 1 else "measurements"
            console.print(f"run {index} has {count} {noun} the first has not: not compared")
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
