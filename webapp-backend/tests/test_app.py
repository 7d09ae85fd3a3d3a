"""The backend through FastAPI's test client: allow-list, types, headers, API validation."""

from __future__ import annotations

import copy
import hashlib
import json
import time

import gmpy2
import pytest
from fastapi.testclient import TestClient
from fib_benchmarks import builds
from fib_benchmarks.results import export, schema
from fib_benchmarks.results.document import Document
from fib_measuring import measure
from fib_webapp import admission, native
from fib_webapp.app import create_app
from fib_webapp.settings import Settings, from_environment


@pytest.fixture(scope="module")
def client():
    # The Host header must name an allowed host: the test client's is 127.0.0.1.
    return TestClient(create_app(), base_url="http://127.0.0.1")


def get_raw(client: TestClient, raw_path: str):
    """GET a path exactly as written (no client-side normalisation of .. or %2e)."""
    return client.get(str(client.base_url).rstrip("/") + raw_path, follow_redirects=False)


@pytest.mark.parametrize(
    "path, media_type, cache",
    [
        ("/", "text/html", "no-cache"),
        ("/static/app.js", "text/javascript", "no-cache"),
        ("/static/style.css", "text/css", "no-cache"),
        ("/worker.mjs", "text/javascript", "no-cache"),
        ("/pyodide/314.0.7/pyodide.mjs", "text/javascript", "immutable"),
        ("/pyodide/314.0.7/pyodide.asm.mjs", "text/javascript", "immutable"),
        ("/pyodide/314.0.7/pyodide.asm.wasm", "application/wasm", "immutable"),
        ("/pyodide/314.0.7/python_stdlib.zip", "application/zip", "immutable"),
        ("/pyodide/314.0.7/pyodide-lock.json", "application/json", "immutable"),
        ("/vendor/chart.js/4.6.1/chart.umd.min.js", "text/javascript", "immutable"),
    ],
)
def test_allowed_files_with_their_types_and_cache_policy(client, path, media_type, cache):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert cache in response.headers["cache-control"]
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["cross-origin-embedder-policy"] == "require-corp"


@pytest.mark.parametrize(
    "path",
    [
        "/.git/config", "/.git/HEAD", "/.gitignore", "/README.md", "/Makefile", "/Cargo.toml",
        "/static/.hidden", "/static/../README.md", "/static/..%2fREADME.md",
        "/static/%2e%2e/%2e%2e/README.md", "/static/..%5c..%5cREADME.md",
        "/static/%2e%2e%2f%2e%2e%2fMakefile", "/static/app.js%00.css",
        "/webapp-backend/static/app.js", "/node_modules/pyodide/pyodide.mjs",
        "/build/wheels/manifest.json", "/pyodide/314.0.7/package.json",
        "/pyodide/314.0.7/README.md", "/pyodide/314.0.6/pyodide.mjs",
        "/pyodide/314.0.7/../../package.json", "/vendor/chart.js/4.6.0/chart.umd.min.js",
        "/wheels/0000/fib_python-0.1.0-py3-none-any.whl", "/etc/passwd", "//etc/passwd",
    ],
)  # fmt: skip
def test_everything_else_is_404(client, path):
    response = get_raw(client, path)
    assert response.status_code == 404, response.text[:200]
    assert response.headers["cross-origin-embedder-policy"] == "require-corp"


def test_symlinks_out_of_the_static_folder_are_refused(tmp_path):
    (tmp_path / "ok.css").write_text("body {}")
    (tmp_path / "leak.css").symlink_to("/etc/passwd")
    (tmp_path / "inside.css").symlink_to(tmp_path / "ok.css")
    client = TestClient(create_app(Settings(static_dir=tmp_path)), base_url="http://127.0.0.1")
    assert client.get("/static/ok.css").status_code == 200
    assert client.get("/static/inside.css").status_code == 200
    assert client.get("/static/leak.css").status_code == 404


def test_revalidation_gives_304(client):
    first = client.get("/static/app.js")
    again = client.get("/static/app.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_every_wheel_the_page_needs_is_served_by_content_address(client):
    config = client.get("/api/builds").json()
    variants = {b["variant"] for b in config["builds"]}
    assert variants == {"python", "rust-debug", "rust-release", "rust-wasm", "javascript"}
    wheels = [b["wheel"] for b in config["builds"] if b["wheel"] is not None]
    assert len(wheels) == 3
    urls = [*config["support_wheels"], *wheels]
    for url in urls:
        _, _, sha256, name = url.split("/")
        response = client.get(url)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == sha256
        assert name.endswith(".whl")
        assert "immutable" in response.headers["cache-control"]
    rust = [b for b in config["builds"] if b["variant"] in ("rust-debug", "rust-release")]
    assert all(b["wheel"].endswith("-cp314-cp314-pyemscripten_2026_0_wasm32.whl") for b in rust)


def test_the_page_gets_each_builds_facts_from_the_contract(client):
    """Colours and estimates of a call lived in app.js and native.py (issue 23); the page's
    estimate of a run (estimate.test.mjs) reads these, with measure's warm-up bounds."""
    config = client.get("/api/builds").json()
    contract = {variant["name"]: variant for variant in builds.CONTRACT["variants"]}
    for build in config["builds"]:
        facts = contract[build["variant"]]
        assert build["colour"] == facts["colour"]
        assert build["seconds_per_call"] == facts["seconds_per_call"]
        assert set(build["seconds_per_call"]) == {"native", "browser"}
    assert config["call_growth"] == builds.CALL_GROWTH == {"iterative": 2, "doubling": 1.5}
    assert config["warmup_max_s"] == measure.WARMUP_MAX_SECONDS
    assert config["settled_window"] == measure.SETTLED_WINDOW
    assert config["sample_ticks"] == measure.SAMPLE_TICKS
    assert config["native"]["startup_s"] == native.STARTUP_S
    assert client.get("/static/estimate.mjs").headers["content-type"].startswith("text/javascript")


def test_the_builds_javascript_runs_are_served_as_modules(client):
    config = client.get("/api/builds").json()
    workers = {b["variant"]: b["worker"] for b in config["builds"] if b["wheel"] is None}
    assert workers == {
        "rust-wasm": "/webapp-worker/javascript_worker.mjs?variant=rust-wasm",
        "javascript": "/webapp-worker/javascript_worker.mjs?variant=javascript",
    }
    # The worker, its harness and the builds, at their paths in the repository: their
    # relative imports hold on the site as under Node.
    paths = [
        "/webapp-worker/javascript_worker.mjs",
        "/benchmarks/measuring/fib_measuring/measure.mjs",
        *(f"/fib-javascript/{name}" for name in ("variants.mjs", "fib.mjs", "fib_wasm.mjs")),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/javascript")
    # Compiled by streaming in the worker: only with its own type.
    wasm = client.get("/fib-javascript/fib_wasm.wasm")
    assert wasm.headers["content-type"] == "application/wasm"
    assert wasm.content.startswith(b"\0asm")
    assert all(client.get(worker).status_code == 200 for worker in workers.values())
    # Only those: the folders' tests, runners and sources are not the site's.
    for path in ("/benchmarks/fib_benchmarks/runtimes/node_host.mjs",
                 "/benchmarks/measuring/fib_measuring/measure.py", "/webapp-worker/worker.mjs",
                 "/fib-javascript/test/fib.test.mjs"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.get("/fib-javascript/..%2fMakefile").status_code == 404


def test_the_pyodide_snapshot_is_served_when_built(client):
    config = client.get("/api/builds").json()
    assert config["pyodide_snapshot"] == f"{config['pyodide']}snapshot.bin"
    response = client.get(config["pyodide_snapshot"])
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache" and response.headers["etag"]
    assert len(response.content) > 10 * 2**20  # a whole wasm memory, not a stub
    etag = response.headers["etag"]
    assert (
        client.get(config["pyodide_snapshot"], headers={"If-None-Match": etag}).status_code == 304
    )


def test_health(client):
    assert client.get("/api/health").json()["status"] == "ok"


@pytest.mark.parametrize(
    "query, word",
    [
        ("n=-1&algorithm=doubling", "greater than or equal to 0"),
        ("n=1000001&algorithm=doubling", "less than or equal to 1000000"),
        ("n=ten&algorithm=doubling", "valid integer"),
        ("n=10&algorithm=matrix", "'iterative' or 'doubling'"),
        ("n=10&algorithm=doubling&repeats=0", "greater than or equal to 1"),
        ("n=10&algorithm=doubling&variant=rust", "unknown variant 'rust'"),
        ("algorithm=doubling", "Field required"),
    ],
)
def test_native_api_validates(client, query, word):
    response = client.get(f"/api/native?{query}")
    assert response.status_code == 422
    assert word in response.text


def test_native_api_measures_every_build_with_the_cli_runner(client):
    result = client.get("/api/native?n=300&algorithm=iterative&repeats=2").json()
    rows = {row["variant"]: row for row in result["rows"]}
    assert set(rows) == {"python", "rust-debug", "rust-release", "rust-wasm", "javascript"}
    assert len({row["digest"] for row in rows.values()}) == 1
    assert rows["python"]["speedup_vs_python"] == pytest.approx(1.0)
    assert rows["rust-release"]["build_info"]["profile"] == "release"
    assert all(len(row["times_ns"]) == 2 for row in rows.values())


# ---------------------------------------------------------------------- hardening


def test_weak_and_listed_validators_revalidate(client):
    etag = client.get("/static/style.css").headers["etag"]
    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        answer = client.get("/static/style.css", headers={"If-None-Match": header})
        assert answer.status_code == 304, header
    assert client.get("/static/style.css", headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_variant_counts_once_and_the_list_is_capped(client):
    rows = client.get("/api/native?n=300&algorithm=doubling" + "&variant=python" * 3).json()["rows"]
    assert [row["variant"] for row in rows] == ["python"]
    answer = client.get("/api/native?n=300&algorithm=doubling" + "&variant=python" * 50)
    assert answer.status_code == 422  # 50 copies are not 50 measurements


def test_a_run_longer_than_the_server_allows_is_refused_at_once(client):
    started = time.monotonic()
    answer = client.get("/api/native?n=1000000&algorithm=iterative&repeats=10&variant=rust-debug")
    assert answer.status_code == 422
    assert "would take about" in answer.json()["detail"]
    assert time.monotonic() - started < 2


def test_a_run_past_its_deadline_is_stopped_with_504():
    app = create_app(from_environment(native_deadline_s=1.0))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        started = time.monotonic()
        answer = client.get("/api/native?n=1000000&algorithm=iterative&variant=python")
        assert answer.status_code == 504
        assert "deadline of 1 s" in answer.json()["detail"]
        assert time.monotonic() - started < 10  # the child was killed, not waited for
        # ... and the server is free again.
        assert client.get("/api/native?n=10&algorithm=doubling&variant=python").status_code == 200


def test_only_allowed_hosts_are_served(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/health", headers={"Host": "rebound.example:8000"}).status_code == 400
    assert client.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
     {"Origin": "http://evil.example"}],
)  # fmt: skip
def test_cross_site_requests_to_the_api_are_refused(client, headers):
    answer = client.get("/api/native?n=10&algorithm=doubling", headers=headers)
    assert answer.status_code == 403
    assert answer.headers["cross-origin-opener-policy"] == "same-origin"
    # The page itself, and same-origin API calls, still work.
    assert client.get("/", headers=headers).status_code == 200
    same = {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1"}
    assert client.get("/api/health", headers=same).status_code == 200


def test_no_docs_page_that_would_load_from_a_cdn(client):
    assert client.get("/api/docs").status_code == 404
    assert client.get("/docs").status_code == 404
    assert client.get("/api/openapi.json").json()["info"]["title"] == "py-rust-fib"
    assert client.get("/api/health/", follow_redirects=False).status_code == 404  # no redirect


def test_an_unexpected_error_keeps_the_headers(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(builds, "find_wheel", broken)
    client = TestClient(create_app(), base_url="http://127.0.0.1", raise_server_exceptions=False)
    answer = client.get("/api/builds")
    assert answer.status_code == 500
    assert answer.json() == {"detail": "internal error: see the server's log"}
    assert answer.headers["cross-origin-embedder-policy"] == "require-corp"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_missing_node_modules_is_explained(tmp_path):
    settings = from_environment(pyodide_dir=tmp_path / "pyodide", chartjs_dir=tmp_path / "dist")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    page = client.get("/")
    assert page.status_code == 503 and "make serve" in page.text
    assert client.get("/api/health").json()["status"] == "incomplete"
    answer = client.get("/api/builds")
    assert answer.status_code == 503 and "make serve" in answer.json()["detail"]


def test_wheels_are_hashed_once_and_checked_when_served(client, tmp_path, monkeypatch):
    config = client.get("/api/builds").json()
    url = config["support_wheels"][0]
    reads = []
    original = builds.Path.read_bytes
    monkeypatch.setattr(
        builds.Path, "read_bytes", lambda path: reads.append(path) or original(path)
    )
    for _ in range(3):
        assert client.get("/api/builds").status_code == 200
        assert client.get(url).status_code == 200
    assert reads == []  # nothing re-read: every wheel was hashed before and is unchanged


@pytest.fixture(scope="module")
def run_document(client):
    """A real run's document: the server's own native timings, as the CLI writes them."""
    query = "n=300&algorithm=doubling&repeats=2&variant=python&variant=rust-release"
    rows = client.get(f"/api/native?{query}").json()["rows"]
    settings = {"ns": [300], "algorithms": ["doubling"], "variants": ["python", "rust-release"],
                "runtimes": ["native"], "repeats": 2, "warmup": "auto", "rounds": 1}  # fmt: skip
    return schema.document(settings, [], rows)


FORMATS = [("csv", "text/csv", "csv"), ("markdown", "text/markdown", "md")]


@pytest.mark.parametrize("format, media_type, extension", FORMATS)
def test_a_document_is_exported_by_the_clis_own_code(
    client, run_document, format, media_type, extension
):
    response = client.post(f"/api/export?format={format}", json=run_document)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    stamp = run_document["created"][:19].replace(":", "-")
    expected_name = f'attachment; filename="py-rust-fib-{stamp}.{extension}"'
    assert response.headers["content-disposition"] == expected_name
    render = export.csv_text if format == "csv" else export.markdown_text
    checked = Document.model_validate(run_document).model_dump(mode="json", by_alias=True)
    assert response.text == render(checked)
    assert ("rust-release" if format == "csv" else "Rust release") in response.text


def test_what_is_not_a_document_is_refused_with_reasons(client, run_document):
    bad = {**run_document, "rows": [{**run_document["rows"][0], "digest": "md5:x"}]}
    response = client.post("/api/export?format=csv", json=bad)
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert any(problem.startswith("rows.0.digest") for problem in problems)
    assert client.post("/api/export?format=csv", content=b"{not json").status_code == 422
    assert client.post("/api/export?format=html", json=run_document).status_code == 422


STATISTICS = ("median_ms", "min_ms", "max_ms", "mean_ms", "stdev_ms", "q1_ms", "q3_ms",
              "iqr_ms", "outliers", "warnings")  # fmt: skip


def test_the_pages_samples_are_made_a_document_by_the_clis_code(client, run_document):
    """Issue 20: the page sends its rows with their samples only; the statistics, warnings
    and ratios with their intervals come back, computed once, in Python."""
    page = copy.deepcopy(run_document) | {"settings": run_document["settings"] | {
        "source": "web page"}, "versions": {}}  # fmt: skip
    for row in page["rows"]:
        for key in (*STATISTICS, *(k for f in schema.RATIOS for k in (f, f"{f}_interval"))):
            row.pop(key, None)
    row = page["rows"][-1]
    row["times_ns"] = [40_000, 41_000, 39_000, 40_500, 900_000]  # an outlier, known quartiles
    response = client.post("/api/document", json=page)
    assert response.status_code == 200, response.text
    made = response.json()
    Document.model_validate(made)
    rust = made["rows"][-1]
    assert (rust["median_ms"], rust["q1_ms"], rust["q3_ms"]) == (0.0405, 0.04, 0.041)
    assert rust["outliers"] == 1 and rust["warnings"][0].startswith("1 of 5 samples are outliers")
    python = next(r for r in made["rows"] if r["variant"] == "python")
    assert rust["speedup_vs_python"] == python["median_ms"] / rust["median_ms"]
    low, high = rust["speedup_vs_python_interval"]
    assert low <= rust["speedup_vs_python"] <= high
    assert python["speedup_vs_python"] == 1.0 and python["speedup_vs_python_interval"] is None
    # The versions the rows name, gathered as the CLI gathers them.
    assert made["versions"]["interpreters"] == sorted({r["interpreter"] for r in page["rows"]})
    rustc = {r["build_info"]["rustc"] for r in page["rows"] if r["build_info"].get("rustc")}
    assert rustc and made["versions"]["rustc"] == sorted(rustc)


@pytest.mark.parametrize("spoil, problem", [
    (lambda d: d["rows"][0].update(times_ns=[]), "rows.0.times_ns"),
    (lambda d: d["rows"][0].update(times_ns=[5, -1]), "times_ns.1"),
    (lambda d: d["rows"][0].update(loops=0), "loops"),
    (lambda d: d["rows"][0].pop("variant"), "rows.0.variant"),
    (lambda d: d.update(rows={"not": "a list"}), "rows: Input should be a valid list"),
    (lambda d: d.clear(), "rows: Field required"),
])  # fmt: skip
def test_what_cannot_be_made_a_document_is_refused_with_reasons(client, run_document, spoil,
                                                                 problem):  # fmt: skip
    page = copy.deepcopy(run_document)
    spoil(page)
    response = client.post("/api/document", json=page)
    assert response.status_code == 422, response.text
    assert any(problem in line for line in response.json()["detail"]["problems"]), response.text
    for body in (b"{not json", b"[" * 100_000, b"17", b'"rows"'):
        assert client.post("/api/document", content=body).status_code == 422


def test_a_document_too_large_is_refused_before_it_is_read(client):
    huge = b"[" + b"0," * (5 * 1024 * 1024) + b"0]"
    response = client.post("/api/export?format=csv", content=huge)
    assert response.status_code == 413


def test_the_page_learns_which_commit_serves_it(client):
    code = client.get("/api/builds").json()["code"]
    assert len(code["commit"]) == 40 and isinstance(code["dirty"], bool)


@pytest.fixture
def history_client(tmp_path):
    """A server with a store of its own (SQLite in tmp_path), 3 saves a minute."""
    settings = from_environment(database_url=f"sqlite:///{tmp_path / 'runs.sqlite3'}",
                                saves_per_minute=3)  # fmt: skip
    return TestClient(create_app(settings), base_url="http://127.0.0.1")


def test_a_saved_run_has_a_permalink_and_comes_back_whole(history_client, run_document):
    response = history_client.post("/api/runs", json=run_document)
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["url"] == f"/runs/{saved['id']}" and len(saved["delete_token"]) >= 24
    again = history_client.get(f"/api/runs/{saved['id']}").json()
    assert again == Document.model_validate(run_document).model_dump(mode="json", by_alias=True)
    (listed,) = history_client.get("/api/runs?n=300&algorithm=doubling&runtime=native").json()
    # What tells saved runs apart in the list (issue 21): n, algorithms, builds, runtimes.
    assert 300 in listed["ns"] and listed["algorithms"] == ["doubling"]
    assert "native" in listed["runtimes"] and listed["variants"]
    assert listed["id"] == saved["id"]
    assert history_client.get("/api/runs?n=301").json() == []
    assert history_client.get("/api/runs/unknown").status_code == 404
    assert history_client.get("/api/runs/..%2f..").status_code in (404, 422)


def test_a_version_5_document_is_saved_under_version_6_names(history_client, run_document):
    """What an older CLI's --save-to sends: runtime_kind (its browser runs "chromium"),
    runtime, build. Kept as version 6 says it, and found by either name of the runtime."""
    older = copy.deepcopy(run_document)
    older["version"] = 5
    older["settings"]["runtimes"] = ["native", "chromium"]
    for row in older["rows"]:
        row["runtime_kind"] = "chromium" if row["variant"] == "python" else row.pop("runtime")
        row["runtime"] = row.pop("interpreter")
        row["build"] = row.pop("build_info")
    saved = history_client.post("/api/runs", json=older)
    assert saved.status_code == 201, saved.text
    again = history_client.get(f"/api/runs/{saved.json()['id']}").json()
    assert again["version"] == 6 and again["settings"]["runtimes"] == ["native", "browser"]
    assert {row["variant"]: row["runtime"] for row in again["rows"]} == {
        "python": "browser", "rust-release": "native"}  # fmt: skip
    assert all(row["interpreter"].startswith("CPython") for row in again["rows"])
    for name in ("browser", "chromium"):  # a link from before version 6 said "chromium"
        (listed,) = history_client.get(f"/api/runs?runtime={name}").json()
        assert listed["runtimes"] == ["browser", "native"]


def test_numbers_that_are_not_f_of_n_are_not_saved(history_client, run_document):
    disagreeing = copy.deepcopy(run_document)
    disagreeing["rows"][0]["digest"] = "sha256:" + "0" * 64
    response = history_client.post("/api/runs", json=disagreeing)
    assert response.status_code == 422
    assert "disagree" in response.json()["detail"]
    wrong = copy.deepcopy(run_document)
    for row in wrong["rows"]:  # all builds agree, on a wrong number
        row["digest"] = "sha256:" + "1" * 64
    response = history_client.post("/api/runs", json=wrong)
    assert response.status_code == 422
    assert "differs from the one this server computes" in response.json()["detail"]
    assert history_client.get("/api/runs").json() == []


def test_saves_are_limited_per_client(history_client, run_document):
    for _ in range(3):
        assert history_client.post("/api/runs", json=run_document).status_code == 201
    refused = history_client.post("/api/runs", json=run_document)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_refused_documents_count_against_the_limit(history_client, run_document):
    """Refused documents did not count (issue 19): a client could try without end."""
    for _ in range(3):
        assert history_client.post("/api/runs", content=b"{not json").status_code == 422
    refused = history_client.post("/api/runs", json=run_document)
    assert refused.status_code == 429


def test_a_run_is_deleted_with_its_token_only(history_client, run_document):
    saved = history_client.post("/api/runs", json=run_document).json()
    url = f"/api/runs/{saved['id']}"
    assert history_client.delete(f"{url}?token=guess").status_code == 403
    assert history_client.get(url).status_code == 200
    assert history_client.delete(f"{url}?token={saved['delete_token']}").status_code == 204
    assert history_client.get(url).status_code == 404
    assert history_client.delete(f"{url}?token={saved['delete_token']}").status_code == 404


def test_an_unusable_database_is_a_clear_503_not_a_500(tmp_path, run_document):
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the database's folder should be")
    settings = from_environment(database_url=f"sqlite:///{blocked / 'runs.sqlite3'}")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    response = client.post("/api/runs", json=run_document)
    assert response.status_code == 503, response.text
    assert "results database" in response.json()["detail"]


def test_saved_runs_compared_by_the_clis_code(history_client, run_document):
    ids = [history_client.post("/api/runs", json=run_document).json()["id"] for _ in range(2)]
    result = history_client.get(f"/api/compare?runs={','.join(ids)}").json()
    assert [run["id"] for run in result["runs"]] == ids
    assert len(result["lines"]) == len(run_document["rows"])
    assert all(line["verdicts"] == ["same"] and line["ratios"] == [1.0] for line in result["lines"])
    assert result["in_common"] is True and result["not_in_first"] == [0]
    assert history_client.get(f"/api/compare?runs={ids[0]},nope").status_code == 404
    assert history_client.get(f"/api/compare?runs={ids[0]}").status_code == 422  # one run
    assert history_client.get("/api/compare?runs=a,<b>").status_code == 422
    for path in (f"/runs/{ids[0]}", "/runs", "/compare?runs=a,b"):  # the page shows them
        response = history_client.get(path)
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]


# The nine spellings of a script address an outside review tried (issue 19), and others.
SCRIPT_ADDRESSES = (
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "javascript:/*http://127.0.0.1*/alert(1)", "\x01javascript:alert(1)", "jAvAsCrIpT:void(0)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/?n=1",
    "/?n=1", "http://evil.example/?n=1", "https://127.0.0.1.evil.example/?n=1",
)  # fmt: skip


@pytest.mark.parametrize("url", SCRIPT_ADDRESSES)
def test_a_saved_run_links_only_to_this_site(history_client, run_document, url):
    hostile = copy.deepcopy(run_document)
    hostile["settings"]["url"] = url
    response = history_client.post("/api/runs", json=hostile)
    assert response.status_code == 422, url
    assert history_client.get("/api/runs").json() == []


def test_a_saved_run_may_link_to_this_site(history_client, run_document):
    linked = copy.deepcopy(run_document)
    linked["settings"]["url"] = "http://127.0.0.1/?n=300&algorithm=doubling"
    assert history_client.post("/api/runs", json=linked).status_code == 201


@pytest.mark.parametrize(
    "path", ["/", "/static/app.js", "/api/health", "/no-such-page", "/api/runs/..%2f.."]
)
def test_every_answer_forbids_framing_and_foreign_scripts(client, path):
    answer = client.get(path)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in answer.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"  # no inline script, no eval
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert answer.headers["x-frame-options"] == "DENY"
    refused = client.get("/api/health", headers={"Sec-Fetch-Site": "cross-site"})
    assert (
        refused.status_code == 403
        and "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    )


def _forged(document: dict, change) -> dict:
    forged = copy.deepcopy(document)
    change(forged)
    return forged


FORGERIES = {
    "a median never measured": lambda d: d["rows"][0].update(median_ms=1e297),
    "min above max": lambda d: d["rows"][0].update(min_ms=5.0, max_ms=1.0),
    "q1 above q3": lambda d: d["rows"][0].update(q1_ms=9.0, q3_ms=1.0),
    "a ratio never measured": lambda d: d["rows"][0].update(speedup_vs_python=1000.0),
}
REFUSALS = {
    "a negative time": lambda d: d["rows"][0]["times_ns"].__setitem__(0, -5),
    "a row the settings do not ask for": lambda d: d["rows"][0].update(n=301),
    "a date past year 9999 in UTC": lambda d: d.update(created="9999-12-31T23:59:59-14:00"),
    "a date without its time zone": lambda d: d.update(created="2026-12-06T10:00:00"),
    "a date before this project": lambda d: d.update(created="1999-01-01T00:00:00+00:00"),
    "a NUL in a string": lambda d: d["host"].update(machine="x\x00y"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_what_the_samples_say_is_what_is_saved(history_client, run_document, forgery):
    """Statistics and ratios are derived again from the samples (issue 19: a forged
    median, min > max, q1 > q3 were stored and shown as agreeing)."""
    response = history_client.post("/api/runs", json=_forged(run_document, FORGERIES[forgery]))
    assert response.status_code == 201, response.text
    saved = history_client.get(f"/api/runs/{response.json()['id']}").json()
    for row in saved["rows"]:
        expected = measure.summarize(row["times_ns"], row["warmup_settled"],
                                     row.get("timer_resolution_ns"))  # fmt: skip
        for key in admission.DERIVED:
            assert row[key] == expected[key], (forgery, key)
        assert row["min_ms"] <= row["q1_ms"] <= row["median_ms"] <= row["q3_ms"] <= row["max_ms"]
    by_case = {(r["variant"], r["n"]): r for r in saved["rows"]}
    release, python = by_case[("rust-release", 300)], by_case[("python", 300)]
    assert release["speedup_vs_python"] == pytest.approx(python["median_ms"] / release["median_ms"])


@pytest.mark.parametrize("refusal", REFUSALS)
def test_what_cannot_be_true_is_not_saved(history_client, run_document, refusal):
    response = history_client.post("/api/runs", json=_forged(run_document, REFUSALS[refusal]))
    assert response.status_code == 422, (refusal, response.text)
    assert history_client.get("/api/runs").json() == []


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_non_finite_numbers_are_not_saved(history_client, run_document, literal):
    forged = json.dumps(run_document)
    key = '"mean_ms": '
    at = forged.index(key) + len(key)
    end = forged.index(",", at)
    forged = forged[:at] + literal + forged[end:]
    response = history_client.post(
        "/api/runs", content=forged.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text


@pytest.fixture(scope="module")
def load_document(client):
    """A document of `benchmark load` (version 3): its F(n) answered by this server's
    /api/fib, its rates made up (test_load.py measures real ones)."""
    rows = []
    for server in ("uvicorn", "robyn"):
        for variant, n, connections in (("rust-release", 0, 4), ("python", 300, 4),
                                        ("rust-release", 300, 4)):  # fmt: skip
            answer = client.get(f"/api/fib?n={n}&variant={variant}").json()
            rate = 2000.0 if variant == "rust-release" else 500.0
            rows.append({"server": server, "variant": variant, "algorithm": "doubling", "n": n,
                         "concurrency": connections, "duration_s": 1.0,
                         "requests": int(rate * 1.01), "requests_per_s": rate,
                         "latency_p50_ms": 1.5, "latency_p90_ms": 2.5, "latency_p99_ms": None,
                         "errors": 0, "server_cpu_cores": 1.0, "wrk_cpu_cores": 0.1,
                         "digits": answer["digits"], "digest": answer["digest"]})  # fmt: skip
    settings = {"ns": [0, 300], "algorithms": ["doubling"], "variants": ["rust-release", "python"],
                "runtimes": [], "repeats": 1, "warmup": 1, "rounds": 1,
                "load": {"servers": ["uvicorn", "robyn"], "concurrencies": [4],
                         "duration_s": 1.0, "generator": "wrk 4.1.0"}}  # fmt: skip
    return schema.document(settings, [], [], load=rows)


def test_a_load_run_is_saved_whole_and_listed_as_the_server_kind(history_client, load_document):
    response = history_client.post("/api/runs", json=load_document)
    assert response.status_code == 201, response.text
    run_id = response.json()["id"]
    again = history_client.get(f"/api/runs/{run_id}").json()
    assert again == Document.model_validate(load_document).model_dump(mode="json", by_alias=True)
    (listed,) = history_client.get("/api/runs?runtime=server&n=300").json()
    assert (listed["id"], listed["cases"]) == (run_id, len(load_document["load"]))
    assert history_client.get("/api/runs?runtime=native").json() == []
    markdown = history_client.post("/api/export?format=markdown", json=load_document).text
    assert "| robyn | rust-release | 300 | 4 | 2,000 | 1.5 ms | 2.5 ms | — | 0 |" in markdown


LOAD_REFUSALS = {
    "a wrong F(n)": (lambda d: [r.update(digest="sha256:" + "2" * 64) for r in d["load"]],
                     "differs from the one this server computes"),
    "builds that disagree": (lambda d: d["load"][2].update(digest="sha256:" + "2" * 64),
                             "disagree"),
    "a server not asked for": (lambda d: d["load"][0].update(server="granian"), "ask for"),
    "a concurrency not asked for": (lambda d: d["load"][1].update(concurrency=64), "ask for"),
    "more requests a second than requests": (lambda d: d["load"][1].update(requests=10),
                                             "more requests a second"),
    "latencies out of order": (lambda d: d["load"][1].update(latency_p99_ms=0.5,
                                                              latency_p50_ms=3.0), "out of order"),
    "load rows without load settings": (lambda d: d["settings"].update(load=None), "no load"),
}  # fmt: skip


@pytest.mark.parametrize("refusal", LOAD_REFUSALS)
def test_a_load_row_that_cannot_be_true_is_not_saved(history_client, load_document, refusal):
    change, words = LOAD_REFUSALS[refusal]
    response = history_client.post("/api/runs", json=_forged(load_document, change))
    assert response.status_code == 422, (refusal, response.text)
    assert words in response.text, refusal
    assert history_client.get("/api/runs").json() == []


@pytest.mark.parametrize("n", [0, 1, 2, 12, 13, 93, 94, 999, 1000, 24_681, 100_000])
def test_the_servers_own_description_of_f_n_is_the_builds(n):
    """GMP's fast description of F(n) (the server's check) against measure.describe, the
    one every build's row is made with, on Python's own int."""
    assert admission.trusted_description(n) == measure.describe(int(gmpy2.fib(n)))


def test_a_row_whose_digits_are_forged_is_not_saved(history_client, run_document):
    forged = _forged(run_document, lambda d: [row.update(digits=3) for row in d["rows"]])
    response = history_client.post("/api/runs", json=forged)
    assert response.status_code == 422 and "digits differs" in response.text


def test_checking_a_save_is_bounded(history_client, run_document):
    """Four n near 10^7 cost the server 7.8 s of GMP and decimal conversions per save
    (issue 19); now a save whose unchecked F(n) add up past the bound is refused at once."""
    big = [9_999_991, 9_999_993, 9_999_997, 9_999_999]

    def ask_for_big(document: dict) -> None:
        document["settings"]["ns"] = big
        rows = document["rows"]
        document["rows"] = [{**row, "n": n} for n in big for row in rows]

    started = time.monotonic()
    response = history_client.post("/api/runs", json=_forged(run_document, ask_for_big))
    assert response.status_code == 422 and "too much checking" in response.text
    assert time.monotonic() - started < 2


def test_the_markdown_export_shows_markup_as_text(client, run_document):
    """A saved run's `<script>` passed through the Markdown export (issue 19)."""
    hostile = _forged(run_document, lambda d: d["host"].update(machine="<script>x()</script>"))
    for row in hostile["rows"]:
        row["interpreter"] = '<img src=x onerror="y()">'
    response = client.post("/api/export?format=markdown", json=hostile)
    assert response.status_code == 200
    assert "<script>" not in response.text and "<img" not in response.text
    assert '&lt;img src=x onerror="y()"&gt;' in response.text


def test_a_browser_asking_for_no_such_page_gets_a_page(client):
    page = client.get("/no/such/page", headers={"Accept": "text/html,*/*"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "No such page" in page.text and 'href="/"' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    api = client.get("/api/no-such-thing", headers={"Accept": "text/html,*/*"})
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    assert client.get("/no/such/page").json() == {"detail": "Not Found"}  # a program's ask
