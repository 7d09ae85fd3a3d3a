"""A result document as CSV or Markdown: the CLI's ``--csv`` and ``--markdown``, and the
page's downloads (the server runs this same code on the page's document).

One line per measurement. The strings come from documents that may have come from
anywhere, so they are written as data: CSV cells that a spreadsheet would read as a
formula are quoted with a leading apostrophe, and Markdown cells have their pipes and
line breaks escaped.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .document import measured_on

#: The columns, in order: the case, the build, the statistics, the ratios, the result.
COLUMNS = (
    "algorithm", "n", "variant", "runtime_kind", "runtime", "median_ms", "q1_ms", "q3_ms",
    "min_ms", "max_ms", "repeats", "warmup", "outliers", "speedup_vs_python",
    "slowdown_vs_native", "debug_vs_release", "vs_gmp", "digits", "digest",
)  # fmt: skip

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_text(document: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in document["rows"]:
        writer.writerow([_csv_cell(row.get(column)) for column in COLUMNS])
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


def markdown_text(document: dict[str, Any]) -> str:
    code, host = document["code"], document["host"]
    commit = (code.get("commit") or "unknown")[:12]
    if code.get("dirty"):
        commit += " (with local changes)"
    machine = measured_on(host) or "unknown"
    lines = [
        f"# py-rust-fib benchmark, {_md_cell(document['created'])}",
        "",
        f"Commit {_md_cell(commit)}; {_md_cell(machine)}, {_md_cell(host.get('cpus'))} CPUs; "
        f"{_md_cell(document['settings']['source'])}. Medians of the timed calls; ratios "
        "from this run only.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---:" if column not in ("algorithm", "variant", "runtime_kind",
                                                 "runtime", "digest") else "---"
                       for column in COLUMNS) + "|",
    ]  # fmt: skip
    for row in document["rows"]:
        lines.append("| " + " | ".join(_md_cell(row.get(column)) for column in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


FORMATS = {"csv": (csv_text, "text/csv", "csv"), "markdown": (markdown_text, "text/markdown", "md")}
