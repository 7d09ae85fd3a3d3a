"""The result document, defined once (fib_benchmarks.results.document): its published JSON Schema,
what it refuses, and its CSV and Markdown forms."""

from __future__ import annotations

import copy
import csv
import io
import json
import re

import pytest
from fib_benchmarks import report
from fib_benchmarks.results import document, export, schema
from pydantic import ValidationError
from samples import FIB_1000, as_version, sample_document, sample_load_document


def test_the_schema_file_in_the_repository_is_the_models_own():
    """`python -m fib_benchmarks.results.document` rewrites it after a change to the models."""
    assert document.SCHEMA_FILE.read_text() == document.json_schema_text()
    published = json.loads(document.SCHEMA_FILE.read_text())
    assert published["$id"] == "py-rust-fib/benchmark/6"
    assert published["properties"]["version"]["const"] == 6


def test_a_document_records_what_a_later_comparison_needs():
    made = sample_document()
    assert made["schema"] == "py-rust-fib/benchmark" and made["version"] == 6
    assert len(made["code"]["commit"]) == 40 and isinstance(made["code"]["dirty"], bool)
    assert made["host"]["cpu_model"]
    assert made["versions"]["interpreters"] == ["CPython 3.11.7"]
    assert made["settings"]["source"] == "cli"
    assert all(row["timer_resolution_ns"] == 60 for row in made["rows"])


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d.update(extra="field"), "extra"),
        (lambda d: d.update(version=1), "version"),
        (lambda d: d["rows"][0].update(digest="sha256:not-hex"), "rows.0.digest"),
        (lambda d: d["rows"][0].update(n=-1), "rows.0.n"),
        (lambda d: d["rows"][0].update(times_ns=[]), "rows.0.times_ns"),
        (lambda d: d["rows"][0].update(runtime="firefox"), "rows.0.runtime"),
        (lambda d: d["rows"][0].update(interpreter="x" * 5000), "rows.0.interpreter"),
        (lambda d: d.update(rows=d["rows"] * 600), "rows"),
        (lambda d: d["code"].update(commit="<script>"), "code.commit"),
    ],
)
def test_what_is_not_a_document_is_refused_with_where(change, where):
    bad = copy.deepcopy(sample_document())
    change(bad)
    with pytest.raises(ValidationError) as raised:
        document.Document.model_validate(bad)
    assert any(".".join(map(str, e["loc"])).startswith(where) for e in raised.value.errors())


def test_csv_is_one_line_per_measurement_and_never_a_formula():
    made = sample_document()
    made["rows"][0]["interpreter"] = '=HYPERLINK("http://example.invalid")'
    lines = list(csv.reader(io.StringIO(export.csv_text(made))))
    assert lines[0] == list(export.COLUMNS)
    assert len(lines) == 1 + len(made["rows"])
    assert lines[1][export.COLUMNS.index("interpreter")].startswith("'=")
    medians = [float(line[export.COLUMNS.index("median_ms")]) for line in lines[1:]]
    assert medians == [row["median_ms"] for row in made["rows"]]


def test_markdown_is_a_table_whose_cells_cannot_break_it():
    made = sample_document()
    made["rows"][0]["variant"] = "a | b\nc"  # an unknown build is shown by its name
    made["rows"][1]["interpreter"] = "<script>x</script>"
    text = export.markdown_text(made)
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(made["rows"])
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in table]
    assert unescaped_pipes == [len(export.REPORT_HEADINGS) + 1] * len(table)
    assert "a \\| b c" in table[2]
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_markdown_is_a_report_in_units_words_and_footnotes():
    """The Markdown export was a 19-column dump of field names, with empty columns and
    whole SHA-256s (issue 21): now what a pull request's reader needs."""
    made = sample_document((2_000_000, 2_100_000, 1_900_000))
    for row in made["rows"]:
        if row["variant"] == "rust-release":
            row.update(median_ms=row["median_ms"] / 5.8, speedup_vs_python=5.8,
                       speedup_vs_python_interval=(5.5, 6.1))  # fmt: skip
    made["rows"][0]["warnings"] = ["2 of 3 calls are outliers (beyond 1.5 IQR): rerun"]
    text = export.markdown_text(made)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| " + " | ".join(export.REPORT_HEADINGS) + " |"
    rust = "| doubling F(1,000) | Rust release | native | 344.8 µs | ± 50.0 µs |"
    assert f"{rust} 5.8x faster (5.5-6.1) |" in text
    assert "| doubling F(10) | Python | native | 2.0 ms[^1] |" in text
    assert "[^1]: Python (native), doubling F(10): 2 of 3 calls are outliers" in text
    digest = made["rows"][1]["digest"].removeprefix("sha256:")
    assert f"209 digits, {digest[:12]} |" in text and digest not in text
    assert "made by the CLI" in text and "build_info" not in text
    assert export.speed_against(0.1) == "10x slower" and export.speed_against(None) == "—"
    assert export.speed_against(1.02, (0.97, 1.08)) == "no difference"
    assert export.speed_against(1 / 4.6, (1 / 4.8, 1 / 4.4)) == "4.6x slower (4.4-4.8)"
    # A sure difference too small for one decimal gets two (never "1.0x faster (1.0-1.1)").
    assert export.speed_against(1.04, (1.01, 1.1)) == "1.04x faster (1.01-1.10)"
    assert export.speed_against(1 / 1.04, (1 / 1.1, 1 / 1.01)) == "1.04x slower (1.01-1.10)"


def test_a_version_4_document_is_still_read_and_its_warm_up_is_one_call_a_sample():
    older = as_version(sample_document(), 4)
    for row in older["rows"]:
        row.pop("warmup_loops", None)
    read = document.Document.model_validate(older).rows
    assert [row.warmup_loops for row in read] == [None] * 4
    assert [report.warmup_calls(row.model_dump()) for row in read] == [r.warmup for r in read]
    older["rows"][0]["warmup_loops"] = [1] * older["rows"][0]["warmup"]
    with pytest.raises(ValidationError, match="new in version 5"):
        document.Document.model_validate(older)


def test_a_version_5_document_is_read_with_version_6_names():
    """runtime_kind -> runtime (the CLI's "chromium" -> "browser"), runtime -> interpreter,
    build -> build_info, versions' runtimes -> interpreters; the rest as it was."""
    made = sample_document()
    made["rows"][0]["runtime"] = "browser"
    made["settings"]["runtimes"] = ["native", "browser"]
    older = as_version(made, 5)
    assert older["rows"][0]["runtime_kind"] == "chromium"
    read = document.Document.model_validate(older).model_dump(mode="json", by_alias=True)
    assert read == document.Document.model_validate(made).model_dump(mode="json", by_alias=True)
    mixed = copy.deepcopy(older)
    mixed["rows"][1]["interpreter"] = "CPython 3.11.7"  # a version 6 name in version 5
    with pytest.raises(ValidationError, match="new in version 6"):
        document.Document.model_validate(mixed)


def test_warm_up_calls_are_given_a_sample_each():
    made = sample_document()
    row = made["rows"][0]
    row["warmup_loops"] = [1, 200, 500][: row["warmup"]] + [500] * (row["warmup"] - 3)
    assert document.Document.model_validate(made).rows[0].warmup_loops == row["warmup_loops"]
    row["warmup_loops"] = row["warmup_loops"] + [1]
    with pytest.raises(ValidationError, match="the calls of each warm-up sample"):
        document.Document.model_validate(made)


def test_a_version_3_document_is_still_read_and_its_samples_are_one_call_each():
    older = as_version(sample_document(), 3)
    for row in older["rows"]:
        row.pop("loops", None)
        row.pop("warmup_loops", None)
    assert [row.loops for row in document.Document.model_validate(older).rows] == [1] * 4
    older["rows"][0]["loops"] = 10
    with pytest.raises(ValidationError, match="new in version 4"):
        document.Document.model_validate(older)


def test_a_version_2_document_is_still_read_and_cannot_carry_load_rows():
    older = as_version(sample_document(), 2)
    del older["load"]
    for row in older["rows"]:
        row.pop("warmup_loops", None)
    assert document.Document.model_validate(older).load == []
    older["load"] = sample_load_document()["load"]
    with pytest.raises(ValidationError, match="new in version 3"):
        document.Document.model_validate(older)


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d["load"][0].update(server="nginx"), "load.0.server"),
        (lambda d: d["load"][0].update(concurrency=0), "load.0.concurrency"),
        (lambda d: d["load"][0].update(requests_per_s=-1.0), "load.0.requests_per_s"),
        (lambda d: d["load"][0].update(latency_p99_ms=float("nan")), "load.0.latency_p99_ms"),
        (lambda d: d["load"][0].update(digest="md5:x"), "load.0.digest"),
        (lambda d: d["load"][0].update(median_ms=1.0), "load.0.median_ms"),
        (lambda d: d["settings"]["load"].update(servers=[]), "settings.load.servers"),
    ],
)
def test_what_is_not_a_load_row_is_refused_with_where(change, where):
    bad = copy.deepcopy(sample_load_document())
    change(bad)
    with pytest.raises(ValidationError) as raised:
        document.Document.model_validate(bad)
    assert any(".".join(map(str, e["loc"])).startswith(where) for e in raised.value.errors())


def test_a_load_run_exports_its_own_columns_and_a_table_in_units():
    made = sample_load_document()
    lines = list(csv.DictReader(io.StringIO(export.csv_text(made))))
    assert list(lines[0]) == list(export.LOAD_COLUMNS)
    assert [float(line["requests_per_s"]) for line in lines] == [
        row["requests_per_s"] for row in made["load"]
    ]
    text = export.markdown_text(made)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| " + " | ".join(export.LOAD_HEADINGS) + " |"
    assert len(table) == 1 + len(made["load"])
    assert "| granian | rust-release | 1,000 | 4 | 12,000 | 1.0 ms | 2.0 ms | 4.5 ms | 0 |" in text
    assert "wrk 4.1.0" in text and "Medians of the timed calls" not in text


def test_load_rows_of_builds_that_disagree_are_found():
    made = sample_load_document()
    assert schema.disagreements(made["load"]) == []
    wrong = copy.deepcopy(made["load"])
    wrong[4]["digest"] = "sha256:" + "0" * 64
    (problem,) = schema.disagreements(wrong)
    assert problem.startswith("F(1000) doubling:") and "rust-release@uvicorn" in problem
    # The sample's truth: F(1000) has 209 digits and ends in 28875.
    assert made["load"][1]["digits"] == 209 and FIB_1000 % 10**5 == 28875


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_table_fits_the_terminal_and_cuts_no_case_or_build_short(width):
    """At 80 columns n read "1…" for 1 000 and 100 000, and builds "rust-re…" (issue 21):
    columns the JSON keeps are left out instead, and the caption says which."""
    from fib_benchmarks import report
    from rich.console import Console

    made = sample_document()
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(report.table(made["rows"], [], width=width))
    shown = console.export_text()
    table_lines = [line for line in shown.splitlines() if line.startswith(("┃", "│"))]
    assert all(len(line.rstrip()) <= width for line in table_lines)
    assert "…" not in "".join(table_lines)
    assert "rust-release" in shown and "1,000" in shown
    # Every column when there is room; else the caption names the ones left out.
    if width == 160:
        assert "Left out" not in shown and "digest" in shown
    if width == 80:
        said = " ".join(shown.split())
        assert "Left out to fit the terminal:" in said and "digest (all in --json)" in said
