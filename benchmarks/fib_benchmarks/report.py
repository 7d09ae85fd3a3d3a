"""Show benchmark rows: a terminal table (rich) and a chart (matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from fib_measuring import measure
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .results import intervals
from .results.export import duration as format_ms
from .results.schema import Row


def terminal_console() -> Console:
    """Where the CLI prints: the terminal as it is, or, when there is none (CI logs,
    `| tee`, a test), 160 columns for tables and plain lines never folded, so that a
    path or a URL can be copied whole whatever the COLUMNS variable says."""
    console = Console()
    return console if console.is_terminal else Console(width=160, soft_wrap=True)


def _sure(row: Row, field: str) -> str:
    """A ratio of the row with its 95 % interval: "5.80x [5.62-5.97]", or "no difference"
    when the interval holds 1 (a ratio of rows that share no samples has no interval)."""
    value, interval = row.get(field), row.get(f"{field}_interval")
    if value is None:
        return "—"
    if interval is None:
        return _ratio(value)
    if intervals.spans_one(interval):
        return "no difference"
    return f"{value:,.2f}x [{interval[0]:,.2f}-{interval[1]:,.2f}]"


def warmup_calls(row: Row) -> int:
    """Untimed calls before a row's timed ones: its warm-up samples' calls."""
    return sum(measure.warmup_loops(row))


def _ratio(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:,.2f}x"


def _phases(startup: dict[str, Any]) -> str:
    """What a start-up spent compiling WebAssembly under wasmtime (rust-wasmtime, the wasi
    runtime); Pyodide's and the page's many phases are in the JSON only."""
    phases = startup.get("phases") or {}
    if not phases or startup["runtime"] in ("pyodide", "browser"):
        return ""
    return " (" + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items()) + ")"


#: Columns left out, in this order, when the table is wider than the terminal: what the
#: JSON keeps anyway goes first. The case, the build, the median and the ratio to Python
#: always stay, whole (at 80 columns they were cut to "1…" and "rust-re…").
DROPPED_FIRST = ("digest", "min", "± IQR/2", "warm-up", "debug/release", "time/GMP",
                 "wasm/native", "runtime")  # fmt: skip


def table(rows: list[Row], startups: list[dict[str, Any]], width: Optional[int] = None) -> Table:
    """One line per (case, build, runtime), grouped by case; ratios from this run only.
    With a ``width`` (the terminal's), columns of DROPPED_FIRST are left out until the
    table fits, rather than every column cut short."""
    runtimes = sorted({row["interpreter"] for row in rows})
    several_runtimes = len({row["runtime"] for row in rows}) > 1
    with_gmp = any(row.get("vs_gmp") for row in rows)
    headings = ["algorithm", "n", "build"] + (["runtime"] if several_runtimes else [])
    headings += ["median", "± IQR/2", "min", "warm-up", "vs Python", "debug/release"]
    headings += (["time/GMP"] if with_gmp else []) + (["wasm/native"] if several_runtimes else [])
    headings.append("digest")
    notes: list[str] = []
    lines: list[list[str]] = []
    cases: list[tuple[str, int]] = []
    for row in rows:
        cases.append((row["algorithm"], row["n"]))
        cells = [row["algorithm"], f"{row['n']:,}", row["variant"]]
        if several_runtimes:
            cells.append(row["runtime"])
        flag = f" [yellow]![{len(notes) + 1}][/]" if row["warnings"] else ""
        if row["warnings"]:
            label = f"{row['variant']} ({row['runtime']}) {row['algorithm']} F({row['n']:,})"
            notes.append(f"[{len(notes) + 1}] {label}: {'; '.join(row['warnings'])}")
        cells.append(format_ms(row["median_ms"]) + flag)
        cells += [f"± {format_ms(row['iqr_ms'] / 2)}", format_ms(row["min_ms"])]
        cells.append(f"{warmup_calls(row):,}" + ("" if row["warmup_settled"] is not False else "*"))
        cells.append(_sure(row, "speedup_vs_python"))
        cells.append(_sure(row, "debug_vs_release") if row["debug_vs_release"] else "")
        if with_gmp:
            cells.append(_sure(row, "vs_gmp") if row["vs_gmp"] else "")
        if several_runtimes:
            cells.append(_sure(row, "slowdown_vs_native"))
        cells.append(row["digest"][7:15])
        lines.append(cells)
    kept = _columns_that_fit(headings, lines, width)
    grid = Table(
        title=f"F(n), median of timed calls; interpreter: {' · '.join(runtimes)}",
        title_justify="left",
    )
    left = ("algorithm", "build", "runtime", "digest")
    for index in kept:
        name = headings[index]
        grid.add_column(name, justify="left" if name in left else "right", no_wrap=True)
    for line, case, previous in zip(lines, cases, [None, *cases]):
        if previous is not None and case != previous:
            grid.add_section()
        grid.add_row(*(line[index] for index in kept))
    left_out = [name for index, name in enumerate(headings) if index not in kept]
    caption = [
        "median: of a call, over the timed samples (a short call is timed many to a sample "
        "of 1,000 ticks of the clock or more). ± IQR/2: half the interquartile range. warm-up: "
        "untimed calls before them, in samples (* = stopped by its bound before the timings "
        "settled). "
        "Every sample is in the JSON, with its calls (loops)."
    ]
    if startups:
        starts = ", ".join(
            f"{s['variant']} ({s['runtime']}) {s['seconds']:.2f} s{_phases(s)}" for s in startups
        )
        caption.append(f"Start-up, not included above: {starts}.")
    if left_out:
        caption.append(f"Left out to fit the terminal: {', '.join(left_out)} (all in --json).")
    grid.caption = "\n".join(caption + notes)
    grid.caption_justify = "left"
    return grid


def _columns_that_fit(
    headings: list[str], lines: list[list[str]], width: Optional[int]
) -> list[int]:
    """The indices of the columns to show: all, or without DROPPED_FIRST's, in order, until
    the table (each column its widest cell, plus 3 for borders and padding) fits."""
    widest = [max([len(heading)] + [Text.from_markup(line[i]).cell_len for line in lines])
              for i, heading in enumerate(headings)]  # fmt: skip
    kept = list(range(len(headings)))
    for name in DROPPED_FIRST:
        if width is None or sum(widest[i] + 3 for i in kept) + 1 <= width:
            break
        kept = [i for i in kept if headings[i] != name]
    return kept


def plot(rows: list[Row], path: Path) -> None:
    """Median time against n, log-log, one line per build, runtime and algorithm."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    import matplotlib.pyplot as plt

    algorithms = list(dict.fromkeys(row["algorithm"] for row in rows))
    # One colour per build, one line style per runtime: the same build is easy to follow.
    variants = list(dict.fromkeys(row["variant"] for row in rows))
    colour = {variant: f"C{i}" for i, variant in enumerate(variants)}
    figure, axes = plt.subplots(
        1, len(algorithms), figsize=(6 * len(algorithms), 4.5), squeeze=False
    )
    for axis, algorithm in zip(axes[0], algorithms):
        lines: dict[tuple[str, str], list[Row]] = {}
        for row in rows:
            if row["algorithm"] == algorithm:
                lines.setdefault((row["variant"], row["runtime"]), []).append(row)
        for (variant, runtime), points in lines.items():
            points.sort(key=lambda row: row["n"])
            axis.plot(
                [row["n"] for row in points],
                [row["median_ms"] for row in points],
                marker="o" if runtime == "native" else "s",
                color=colour[variant],
                linestyle="-" if runtime == "native" else "--",
                label=f"{variant} ({runtime})",
            )
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(f"F(n), {algorithm}")
        axis.set_xlabel("n")
        axis.set_ylabel("median time (ms)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
