"""A result document as CSV or Markdown: the CLI's ``--csv`` and ``--markdown``, and the
page's downloads (the server runs this same code on the page's document).

One line per measurement: a timed row's (``COLUMNS``), or, for a run of ``benchmark load``,
a load row's (``LOAD_COLUMNS``; the Markdown table says them in units). The strings come
from documents that may have come from anywhere, so they are written as data: CSV cells
that a spreadsheet would read as a formula are quoted with a leading apostrophe, and
Markdown cells have their pipes and line breaks escaped.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Optional

from ..builds import LABELS
from .document import measured_on
from .intervals import Interval, spans_one

#: The columns, in order: the case, the build, the statistics, the ratios, the result.
COLUMNS = (
    "algorithm", "n", "variant", "runtime", "interpreter", "median_ms", "q1_ms", "q3_ms",
    "min_ms", "max_ms", "repeats", "warmup", "outliers", "speedup_vs_python",
    "slowdown_vs_native", "debug_vs_release", "vs_gmp", "digits", "digest",
)  # fmt: skip

#: A load row's columns (document.LoadRow), in order, and the Markdown table's headings.
LOAD_COLUMNS = (
    "server", "variant", "algorithm", "n", "concurrency", "duration_s", "requests",
    "requests_per_s", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "errors",
    "server_cpu_cores", "wrk_cpu_cores", "digits", "digest",
)  # fmt: skip
LOAD_HEADINGS = ("server", "build", "n", "connections", "requests/s", "p50", "p90", "p99",
                 "errors", "server CPU", "wrk CPU")  # fmt: skip


def load_cells(row: dict[str, Any]) -> list[str]:
    """A load row as people read it (LOAD_HEADINGS): the CLI's table and the Markdown's."""
    latencies = (row["latency_p50_ms"], row["latency_p90_ms"], row["latency_p99_ms"])
    cpu = (f"{row['server_cpu_cores']:.2f} cores", f"{row['wrk_cpu_cores']:.2f} cores")
    return [row["server"], row["variant"], f"{row['n']:,}", str(row["concurrency"]),
            f"{row['requests_per_s']:,.0f}", *map(_latency, latencies), str(row["errors"]),
            *cpu]  # fmt: skip


def _latency(milliseconds: Any) -> str:
    if milliseconds is None:
        return "—"
    return f"{milliseconds * 1000:.0f} µs" if milliseconds < 1 else f"{milliseconds:,.1f} ms"


# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_text(document: dict[str, Any]) -> str:
    """The timed rows; a load run's load rows (a run of `benchmark load` has no other)."""
    rows, columns = document["rows"], COLUMNS
    if document.get("load") and not rows:
        rows, columns = document["load"], LOAD_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _md_cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    # Markdown passes HTML through: a saved run's `<script>` would be markup wherever the
    # report is pasted (a pull request, a wiki). As entities, it is text.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())  # no line break can end the table's row


#: The Markdown report's columns for timed rows: what a reader of a pull request needs
#: (every other field is in the CSV and the JSON); "vs GMP" only where GMP ran.
REPORT_HEADINGS = ("Case", "Build", "Runtime", "Median", "± IQR/2", "vs Python", "F(n)")


#: Who made a document, in the report's words.
MADE_BY = {"cli": "the CLI (`benchmark`)", "web page": "the web page"}


def duration(milliseconds: float) -> str:
    """A duration given in milliseconds, in the unit that reads best: 1.2 s, 35.0 ms, 7.1 µs."""
    if milliseconds >= 1000:
        return f"{milliseconds / 1000:,.2f} s"
    if milliseconds >= 1:
        return f"{milliseconds:,.1f} ms"
    return f"{milliseconds * 1000:,.1f} µs"


def _multiple(value: float, decimals: int = 1) -> str:
    """4.6, 24, 1,300: two figures below 10, whole numbers from there."""
    return f"{value:.{decimals}f}" if value < 10 else f"{value:,.0f}"


def speed_against(ratio: Optional[float], interval: Interval = None) -> str:
    """A speed-up in words, the page's way: "5.8x faster", "10x slower" (not "0.10x"); with
    its 95 % interval, "5.8x faster (5.6-6.0)", or "no difference" when it holds 1."""
    if not ratio:
        return "—"
    if spans_one(interval):
        return "no difference"
    # A difference the interval is sure of, too small to show in one decimal, in two:
    # "1.04x faster (1.01-1.10)", not "1.0x faster (1.0-1.1)".
    decimals = 2 if interval is not None and _multiple(max(ratio, 1 / ratio)) == "1.0" else 1
    if ratio >= 1:
        said = f"{_multiple(ratio, decimals)}x faster"
    else:
        said = f"{_multiple(1 / ratio, decimals)}x slower"
    if interval is None:
        return said
    # "4.6x slower (4.4-4.8)": a slow-down's interval in the same words, as multiples.
    low, high = interval if ratio >= 1 else (1 / interval[1], 1 / interval[0])
    return f"{said} ({_multiple(low, decimals)}-{_multiple(high, decimals)})"


def markdown_text(document: dict[str, Any]) -> str:
    """A report to paste into a pull request: who measured what where, a table in units
    with ratios in words, each row's warnings as a footnote, and short digests."""
    code, host, settings = document["code"], document["host"], document["settings"]
    commit = (code.get("commit") or "unknown")[:12]
    if code.get("dirty"):
        commit += " (with local changes)"
    machine = measured_on(host) or "unknown"
    lines = [
        f"# py-rust-fib benchmark, {_md_cell(document['created'][:16].replace('T', ' '))} UTC",
        "",
        f"Commit {_md_cell(commit)} · {_md_cell(machine)}, {_md_cell(host.get('cpus'))} CPUs "
        f"· made by {_md_cell(MADE_BY.get(settings['source'], settings['source']))}.",
    ]
    if document["rows"]:
        lines += ["", *_rows_markdown(document["rows"], settings)]
    if document.get("load"):
        lines += ["", *_load_markdown(document)]
    return "\n".join(lines) + "\n"


def _rows_markdown(rows: list[dict[str, Any]], settings: dict[str, Any]) -> list[str]:
    """The timed rows as REPORT_HEADINGS, the runtimes named once above, warnings below."""
    runtimes = sorted({(row["runtime"], row["interpreter"]) for row in rows})
    with_gmp = any(row.get("vs_gmp") for row in rows)
    headings = [*REPORT_HEADINGS[:-1], *(["vs GMP"] if with_gmp else []), REPORT_HEADINGS[-1]]
    rounds = f" in {settings['rounds']} rounds" if settings.get("rounds", 1) > 1 else ""
    lines = [
        f"Medians of {_md_cell(settings['repeats'])} timed calls a row{rounds}, after warm-up; "
        "ratios from this run only. Runtimes: "
        + "; ".join(f"{_md_cell(kind)}: {_md_cell(runtime)}" for kind, runtime in runtimes)
        + ".",
        "",
        "| " + " | ".join(headings) + " |",
        "|---|---|---|" + "---:|" * (len(headings) - 4) + "---|",
    ]
    notes = []
    for row in rows:
        case = f"{row['algorithm']} F({row['n']:,})"
        build = LABELS.get(row["variant"], row["variant"])
        median = duration(row["median_ms"])
        if row.get("warnings"):
            notes.append(f"{build} ({row['runtime']}), {case}: {'; '.join(row['warnings'])}.")
            median += f"[^{len(notes)}]"
        cells = [case, build, row["runtime"], median, f"± {duration(row['iqr_ms'] / 2)}"]
        cells.append("—" if row["variant"] == "python" else speed_against(
            row["speedup_vs_python"], row.get("speedup_vs_python_interval")))  # fmt: skip
        if with_gmp:
            cells.append(f"{row['vs_gmp']:.2f}x GMP's time" if row.get("vs_gmp") else "—")
        digits = f"{row['digits']:,} digit" + ("" if row["digits"] == 1 else "s")
        cells.append(f"{digits}, {row['digest'].removeprefix('sha256:')[:12]}")
        lines.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    if notes:
        lines += ["", *(f"[^{i}]: {_md_cell(note)}" for i, note in enumerate(notes, start=1))]
    return lines


def _load_markdown(document: dict[str, Any]) -> list[str]:
    """The load rows as a table (LOAD_HEADINGS), after what the run asked for."""
    load = document["settings"].get("load") or {}
    algorithms = ", ".join(document["settings"]["algorithms"])
    lines = [
        f"GET /api/fib under load ({_md_cell(algorithms)}): {_md_cell(load.get('generator'))} "
        f"on 127.0.0.1, {_md_cell(load.get('duration_s'))} s per row; server CPU and the "
        "load generator's in cores.",
        "",
        "| " + " | ".join(LOAD_HEADINGS) + " |",
        "|---|---|" + "---:|" * (len(LOAD_HEADINGS) - 2),
    ]
    for row in document["load"]:
        lines.append("| " + " | ".join(_md_cell(cell) for cell in load_cells(row)) + " |")
    return lines


FORMATS = {"csv": (csv_text, "text/csv", "csv"), "markdown": (markdown_text, "text/markdown", "md")}
