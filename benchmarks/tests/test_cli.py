"""The `benchmark` command end to end, on tiny n, against the built wheels."""

from __future__ import annotations

import http.server
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fib_benchmarks.results import export
from fib_benchmarks.results.document import Document
from fib_measuring import measure

# The default builds, with the profile each must report.
PROFILES = {"python": None, "rust-debug": "debug", "rust-release": "release",
            "rust-wasmtime": "release"}  # fmt: skip
VARIANTS = list(PROFILES)


def run_benchmark(*args: str, **env: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fib_benchmarks.cli", *args]
    # A narrow terminal's width in the environment: the output must not depend on it (CI
    # and pipes have no terminal; issue 19 found a message folded across lines).
    env = {**os.environ, "COLUMNS": "40", **env}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def benchmark_document(folder, *args: str) -> dict:
    """Run the benchmark with ``args`` and ``--json``; its JSON document (it must succeed)."""
    out = folder / "result.json"
    result = run_benchmark(*args, "--json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = run_benchmark(
        "--n", "10,200", "--algorithm", "iterative", "--algorithm", "doubling",
        "--repeats", "3", "--warmup", "1",
        "--json", str(out / "result.json"), "--plot", str(out / "plot.png"),
        "--csv", str(out / "result.csv"), "--markdown", str(out / "result.md"),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "plot.png").read_bytes().startswith(b"\x89PNG")
    doc = json.loads((out / "result.json").read_text())
    # The other forms: the same rows, by the same code as the page's downloads.
    assert (out / "result.csv").read_text() == export.csv_text(doc)
    assert (out / "result.md").read_text() == export.markdown_text(doc)
    return doc, result.stdout


def test_every_build_and_case_has_a_row(document):
    doc, _ = document
    assert (doc["schema"], doc["version"]) == ("py-rust-fib/benchmark", 6)
    Document.model_validate(doc)  # the published schema's models
    cases = {(r["variant"], r["algorithm"], r["n"]) for r in doc["rows"]}
    assert cases == {
        (v, a, n) for v in VARIANTS for a in ("iterative", "doubling") for n in (10, 200)
    }
    assert {s["variant"] for s in doc["startups"]} == set(VARIANTS)


def test_rows_record_which_build_ran(document):
    doc, _ = document
    for row in doc["rows"]:
        assert row["build_info"]["profile"] == PROFILES[row["variant"]]
        assert row["interpreter"].startswith("CPython 3.")
        assert row["runtime"] == "native"


def test_wasmtime_reports_its_compile_apart_from_the_calls(document):
    doc, out = document
    (startup,) = (s for s in doc["startups"] if s["variant"] == "rust-wasmtime")
    ((phase, seconds),) = startup["phases"].items()
    assert phase in ("module compiled", "compiled module loaded")
    assert 0 < seconds < startup["seconds"]
    assert f"rust-wasmtime (native) {startup['seconds']:.2f} s ({phase}" in out


def test_statistics_are_consistent(document):
    doc, _ = document
    for row in doc["rows"]:
        times = row["times_ns"]
        assert len(times) == row["repeats"] == 3
        assert row["min_ms"] <= row["median_ms"] <= row["max_ms"]
        assert row["min_ms"] == pytest.approx(min(times) / 1e6)
        if row["variant"] == "python":
            assert row["speedup_vs_python"] == pytest.approx(1.0)
        assert row["speedup_vs_python"] > 0


def test_results_are_described_and_agree(document):
    doc, _ = document
    by_n = {}
    for row in doc["rows"]:
        by_n.setdefault(row["n"], set()).add((row["digest"], row["digits"], row["leading"]))
    ((_, digits, leading),) = by_n[10]
    assert (digits, leading) == (2, "55")
    ((digest, digits, leading),) = by_n[200]
    assert (
        digits == 42 and leading == "280571172992"
    )  # F(200) = 280571172992510140037611932413038677189525
    assert digest.startswith("sha256:")


def test_table_is_printed(document):
    _, stdout = document
    for word in ("rust-release", "rust-debug", "python", "median", "vs Python"):
        assert word in stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--n", "-5"], "outside 0..10000000"),
        (["--n", "abc"], "'abc' is not an integer"),
        (["--n", "10000001"], "outside 0..10000000"),
        (["--n", "9" * 5000], "'999999999999'... (5000 characters) is outside 0..10000000"),
        (["--variant", "rust"], "'rust' is not one of python, rust-debug, rust-release"),
        (["--variant", "rust-relase"], "gmp, rust-core: did you mean 'rust-release'?"),
        (["--runtime", "pyodid"], "component: did you mean 'pyodide'?"),
        (["--algorithm", "matrix"], "'matrix' is not one of iterative, doubling"),
        (["--repeats", "0"], "--repeats"),
        (["--warmup", "soon"], "neither 'auto' nor a count"),
        (
            ["--runtime", "firefox"],
            "'firefox' is not one of native, pyodide, browser, wasi, component",
        ),
        (["--n", ""], "nothing to measure"),
        (["--algorithm", ""], "nothing to measure"),
        (["--variant", "gmp", "--algorithm", "iterative"], "nothing to measure"),
        (["--variant", "rust-core", "--runtime", "pyodide"], "nothing to measure"),
        (["--variant", "rust-release,rust-wasmtime", "--runtime", "wasi"], "nothing to measure"),
        (["--json", "/nonexistent-dir/out.json"], "no folder /nonexistent-dir"),
        (["--save-to", ""], "is not an http:// or https:// address"),
        (["--save-to", "http://[::1"], "is not an address"),
        (["--save-to", "localhost:8000"], "is not an http:// or https:// address"),
        (["--plot", "/tmp"], "is a folder"),
    ],
)
def test_bad_options_are_explained_without_a_traceback(args, message):
    result = run_benchmark(*args)
    assert result.returncode == 2
    # Not a terminal: one plain line on stderr, whatever the width (no folded box).
    assert result.stderr.startswith("benchmark: error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [[], ["load"], ["compare"]])
def test_help_names_each_value_in_words(command):
    """--help showed Python types (`<list[str]>`, `<str>`, `<bool>` for a flag) and cut the
    schema's path mid-word at 80 columns (issue 21)."""
    result = run_benchmark(*command, "--help", COLUMNS="80")
    assert result.returncode == 0, result.stderr
    options = [line for line in result.stdout.splitlines() if line.startswith("│ --")]
    ours = [line for line in options if not line.startswith("│ --help ")]  # typer's own
    assert ours and not [line for line in ours if re.search(r"<\w", line)], ours
    assert "…" not in result.stdout


def test_missing_wheels_are_explained(tmp_path):
    result = run_benchmark("--n", "10", PY_RUST_FIB_BUILD=str(tmp_path))
    assert result.returncode == 1
    assert "make wheels" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_reference_columns_agree_with_the_builds_over_rounds(tmp_path):
    doc = benchmark_document(
        tmp_path, "--n", "0,10,300", "--variant", "python,gmp,rust-core", "--repeats", "2",
        "--rounds", "3",
    )  # fmt: skip
    rows = doc["rows"]
    # Each round adds its calls to the same row; one (cold) start-up per build.
    assert all(len(r["times_ns"]) == r["repeats"] == 6 for r in rows)
    assert all(r["min_ms"] <= r["median_ms"] <= r["max_ms"] for r in rows)
    assert sorted(s["variant"] for s in doc["startups"]) == ["gmp", "python", "rust-core"]
    gmp = {(r["algorithm"], r["n"]) for r in rows if r["variant"] == "gmp"}
    assert gmp == {("doubling", n) for n in (0, 10, 300)}  # GMP: doubling only
    core = {(r["algorithm"], r["n"]) for r in rows if r["variant"] == "rust-core"}
    assert core == {(a, n) for a in ("iterative", "doubling") for n in (0, 10, 300)}
    for n in (0, 10, 300):
        assert len({(r["digest"], r["digits"], r["trailing"]) for r in rows if r["n"] == n}) == 1
    assert all(r["interpreter"].startswith("Rust") for r in rows if r["variant"] == "rust-core")


def test_warm_up_is_adaptive_and_every_sample_is_kept(document):
    doc, _ = document
    for row in doc["rows"]:
        # --warmup 1 in this run: exactly one untimed call, recorded with its time.
        assert row["warmup"] == 1 and len(row["warmup_times_ns"]) == 1
        assert row["warmup_settled"] is None
        assert row["q1_ms"] <= row["median_ms"] <= row["q3_ms"]
        assert row["iqr_ms"] == pytest.approx(row["q3_ms"] - row["q1_ms"])
        assert isinstance(row["warnings"], list)


def test_auto_warm_up_settles_or_says_why(tmp_path):
    doc = benchmark_document(
        tmp_path, "--n", "5000", "--algorithm", "doubling",
        "--variant", "python,rust-core,javascript", "--repeats", "3",
    )  # fmt: skip
    for row in doc["rows"]:
        times = row["warmup_times_ns"]
        loops = row.get("warmup_loops") or [1] * len(times)  # rust-core: a call a sample
        assert 1 <= row["warmup"] == len(times) == len(loops) <= measure.WARMUP_MAX_SAMPLES
        assert loops[0] == 1  # the first, cold call alone
        if row["warmup_settled"]:  # the last three agree within 5 %, and no faster before
            assert max(times[-3:]) - min(times[-3:]) <= 0.05 * min(times[-3:])
            assert measure.settled(times)
        else:  # stopped by a bound: the count or the time
            spent = sum(t * calls for t, calls in zip(times, loops))
            assert len(times) == measure.WARMUP_MAX_SAMPLES or spent >= 2e9
            assert any("warm-up" in warning for warning in row["warnings"])


def test_the_page_workers_are_a_runtime_of_the_cli(tmp_path):
    """--runtime browser: the site's own workers in Debian's headless Chromium."""
    # Calls of tens of microseconds at least: the page's clock ticks every 5 us.
    ns = (20_000, 40_000)
    doc = benchmark_document(
        tmp_path, "--n", ",".join(map(str, ns)), "--algorithm", "doubling",
        "--variant", "python,rust-release,rust-wasm,javascript", "--runtime", "native,browser",
        "--repeats", "3",
    )  # fmt: skip
    rows = doc["rows"]
    cases = {(r["variant"], r["runtime"], r["n"]) for r in rows}
    assert cases == {(v, where, n) for v in ("python", "rust-release", "rust-wasm", "javascript")
                     for where in ("native", "browser") for n in ns}  # fmt: skip
    for n in ns:
        assert len({r["digest"] for r in rows if r["n"] == n}) == 1  # browser and native agree
        # Binet: F(n) has floor(n log10(phi) - log10(sqrt 5)) + 1 digits.
        digits = math.floor(n * math.log10((1 + 5**0.5) / 2) - math.log10(5**0.5)) + 1
        assert {r["digits"] for r in rows if r["n"] == n} == {digits}
    in_browser = [r for r in rows if r["runtime"] == "browser"]
    assert all(r["interpreter"].startswith(("Pyodide", "Chrome")) for r in in_browser)
    assert all(r["median_ms"] > 0 and r["slowdown_vs_native"] > 0 for r in in_browser)
    assert all(len(r["times_ns"]) == 3 and r["warmup"] >= 1 for r in in_browser)
    assert all(r["timer_resolution_ns"] > 0 for r in in_browser)
    assert {s["runtime"] for s in doc["startups"]} == {"native", "browser"}


@pytest.mark.parametrize(
    "runtime, python",
    [("wasi", "CPython 3.11.3 (WASI)"), ("component", "CPython 3.14.0 (WASI component)")],
)
def test_python_in_wasi_is_a_runtime_of_the_cli(tmp_path, runtime, python):
    """--runtime wasi: python.wasm under wasmtime runs measure.py next to fib-python and
    prints its events; --runtime component: CPython 3.14 as a component does the same and
    hands each event to a function of the host's. The other builds (native extensions,
    wasmtime itself) have no row there."""
    ns = (1_000, 20_000)
    doc = benchmark_document(
        tmp_path, "--n", ",".join(map(str, ns)), "--algorithm", "doubling,iterative",
        "--variant", "python,rust-release", "--runtime", f"native,{runtime}", "--repeats", "2",
    )  # fmt: skip
    rows = doc["rows"]
    guest = [r for r in rows if r["runtime"] == runtime]
    assert {(r["variant"], r["algorithm"], r["n"]) for r in guest} == {
        ("python", a, n) for a in ("doubling", "iterative") for n in ns
    }
    assert all(r["interpreter"] == python for r in guest)
    assert all(r["slowdown_vs_native"] > 0 for r in guest)
    for n in ns:  # the same F(n) in CPython for WASI as natively
        assert len({r["digest"] for r in rows if r["n"] == n}) == 1
    (startup,) = (s for s in doc["startups"] if s["runtime"] == runtime)
    ((phase, seconds),) = startup["phases"].items()
    assert phase in ("module compiled", "compiled module loaded")
    assert 0 < seconds < startup["seconds"]


def test_page_readiness_is_measured_first_visit_and_returning():
    command = [sys.executable, "-m", "fib_benchmarks.runtimes.browser", "ready", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["first", "returning"]
    assert all(0 < float(line.split("median ")[1].split()[0]) < 120 for line in lines)
    usage = subprocess.run([*command[:3], "soon"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "ready [TRIALS]" in usage.stderr


def _children(pid: int) -> list[str]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(stat.parent.name)
    return found


def test_ctrl_c_stops_cleanly_with_nothing_written(tmp_path):
    out = tmp_path / "never.json"
    command = [sys.executable, "-m", "fib_benchmarks.cli", "--n", "1000000", "--algorithm",
               "iterative", "--variant", "python", "--json", str(out)]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, COLUMNS="40"))  # fmt: skip
    # Interrupt while it measures: once the CLI has started its measuring process (F(10^6)
    # by iteration then takes CPython seconds a call).
    deadline = time.monotonic() + 60
    while not _children(child.pid):
        assert time.monotonic() < deadline and child.poll() is None, "it never started measuring"
        time.sleep(0.1)
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    output, _ = child.communicate(timeout=30)
    assert child.returncode == 130, output
    assert "interrupted: nothing written" in output
    assert "Traceback" not in output
    assert not out.exists()


def test_a_run_saved_locally_is_compared_by_its_id(tmp_path):
    """--save keeps the run in the local history; `compare` takes its id like a file."""
    env = {"PY_RUST_FIB_DATABASE_URL": f"sqlite:///{tmp_path / 'runs.sqlite3'}"}
    args = ("--n", "100,2000", "--algorithm", "doubling", "--variant", "python,rust-release",
            "--repeats", "2", "--json", str(tmp_path / "run.json"), "--save")  # fmt: skip
    result = run_benchmark(*args, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(r"saved as run (\S+): /runs/\1 ", result.stdout)
    assert found, result.stdout
    compared = run_benchmark("compare", found.group(1), str(tmp_path / "run.json"), **env)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    # The same run, twice: ratio 1, within noise, with its interval.
    same = re.findall(r"\(1\.00x \[[\d.]+ to [\d.]+\], within noise\)", compared.stdout)
    assert len(same) == 4, compared.stdout
    unknown = run_benchmark("compare", "no-such-run", str(tmp_path / "run.json"), **env)
    assert unknown.returncode == 2 and "no saved run with that id" in unknown.stderr


@pytest.mark.parametrize("folder", [".", "benchmarks"])
def test_poetry_run_benchmark_works_from_the_root_and_from_benchmarks(folder):
    """The original project's usage, `cd benchmarks && poetry run benchmark`, found no
    command there (Poetry made an empty environment of its own): issue 19."""
    poetry = shutil.which("poetry") or str(Path.home() / ".local/bin/poetry")
    root = Path(__file__).resolve().parents[2]
    command = [poetry, "run", "benchmark", "--n", "90", "--algorithm", "doubling",
               "--variant", "python", "--repeats", "1", "--rounds", "1"]  # fmt: skip
    result = subprocess.run(command, cwd=root / folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Command not found" not in result.stdout + result.stderr
    assert "doubling" in result.stdout


def test_a_failed_write_keeps_the_measured_run(tmp_path):
    """`--json /dev/full`: the run was measured; it is kept elsewhere, and the message says
    where, in one line (issue 19)."""
    options = ("--n", "10,20", "--algorithm", "doubling", "--variant", "python", "--repeats", "1")
    result = run_benchmark(*options, "--json", "/dev/full", TMPDIR=str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("benchmark: error: cannot write /dev/full: No space left on device")
    kept = Path(line.rsplit("the run is kept in ", 1)[1])
    document = Document.model_validate(json.loads(kept.read_text()))
    assert sorted(row.n for row in document.rows) == [10, 20]


class _Site(http.server.BaseHTTPRequestHandler):
    """A site that answers a save as no site of this project does (`answer` says how)."""

    answer = "html"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        bodies = {"html": b"<html>saved!</html>", "list": b"[1, 2]", "no-url": b'{"id": "x"}',
                  "control": b'{"url": "/runs/x\\u001b[2J", "delete_token": "t"}'}  # fmt: skip
        self.send_response(201)
        self.send_header("Content-Length", "1000" if self.answer == "drip" else "")
        self.end_headers()
        if self.answer == "drip":  # a byte every second, for longer than the CLI waits
            for _ in range(20):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        else:
            self.wfile.write(bodies[self.answer])

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("answer", ["html", "list", "no-url", "control", "drip"])
def test_a_site_that_answers_wrongly_is_one_line_and_the_run_is_written(tmp_path, answer):
    handler = type("Site", (_Site,), {"answer": answer})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        site = f"http://127.0.0.1:{server.server_address[1]}"
        started = time.monotonic()
        result = run_benchmark("--n", "10", "--algorithm", "doubling", "--variant", "python",
                               "--repeats", "1", "--json", str(tmp_path / "run.json"),
                               "--save-to", site, PY_RUST_FIB_SAVE_DEADLINE_S="3")  # fmt: skip
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"benchmark: error: not saved: {site}"), line
    assert "\x1b" not in result.stdout + result.stderr
    assert json.loads((tmp_path / "run.json").read_text())["rows"]  # written before saving
    assert elapsed < 60, "the save's deadline was not kept"


def test_a_pipe_as_an_output_is_refused_before_measuring(tmp_path):
    """`--json FIFO` waited for a reader for ever after the measurement (issue 19)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run_benchmark("--n", "10", "--variant", "python", "--json", str(fifo))
    assert result.returncode == 2
    assert (
        result.stderr
        == f"benchmark: error: Invalid value for --json: {fifo} is a pipe or a socket, not a file\n"
    )


def test_gmp_with_the_iterative_algorithm_is_said_not_dropped_silently(tmp_path):
    made = benchmark_document(tmp_path, "--variant", "gmp,python", "--algorithm",
                              "iterative,doubling", "--n", "30", "--repeats", "1")  # fmt: skip
    cases = {(row["variant"], row["algorithm"]) for row in made["rows"]}
    assert cases == {("python", "iterative"), ("python", "doubling"), ("gmp", "doubling")}
    said = run_benchmark("--variant", "gmp,python", "--algorithm", "iterative,doubling", "--n",
                         "30", "--repeats", "1")  # fmt: skip
    assert said.returncode == 0, said.stderr
    assert "no gmp row for iterative" in " ".join(said.stdout.split())
