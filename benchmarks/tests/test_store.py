"""The results history against SQLite and against a real PostgreSQL server that this
test starts itself (Debian's, from `make postgresql`), on 127.0.0.1, for this session only."""

from __future__ import annotations

import datetime
import glob
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from fib_benchmarks.results import store
from fib_benchmarks.results.document import Document
from samples import as_version, sample_document


def checked(made: dict) -> dict:
    return Document.model_validate(made).model_dump(mode="json", by_alias=True)


@pytest.fixture(scope="session")
def postgresql_url():
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not binaries:
        pytest.fail("PostgreSQL is not installed: run `make postgresql`")
    pg_bin = Path(binaries[-1]).parent
    data = Path(tempfile.mkdtemp(prefix="fib-postgresql-"))
    # PostgreSQL refuses to run as root: as root, run it as the package's postgres user.
    as_owner = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = {"check": True, "capture_output": True, "timeout": 60}
    subprocess.run([*as_owner, pg_bin / "initdb", "-D", data, "-A", "trust", "-U", "fib",
                    "--no-sync", "-E", "UTF8"], **run)  # fmt: skip
    options = f"-p {port} -h 127.0.0.1 -k {data} -c fsync=off -c max_connections=60"
    subprocess.run([*as_owner, pg_bin / "pg_ctl", "-D", data, "-o", options, "-l",
                    data / "server.log", "-w", "-t", "30", "start"], **run)  # fmt: skip
    try:
        yield f"postgresql+psycopg://fib@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_owner, pg_bin / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.sqlite3'}"
    url = request.getfixturevalue("postgresql_url")
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # a clean database for each test
        for table in ("measurements", "runs", "save_attempts", "alembic_version"):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


def revision(database_url: str) -> str:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def test_a_new_database_is_migrated_to_the_latest_revision(database_url):
    store.Store(database_url)
    assert revision(database_url) == "0004"
    store.Store(database_url)  # opening it again changes nothing
    assert revision(database_url) == "0004"


def test_stores_opened_at_once_on_a_new_database_migrate_it_once(database_url):
    """Two (here eight) first requests at once each opened the store and ran the
    migrations: on SQLite the database was left without its version stamp, on PostgreSQL
    the two deadlocked (issue 19). Now the migration runs under a lock."""
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def open_store() -> None:
        barrier.wait(timeout=30)
        try:
            store.Store(database_url, lock_timeout_s=30).close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a store hangs (deadlock)"
    assert errors == []
    assert revision(database_url) == "0004"
    opened = store.Store(database_url)
    saved = opened.save(checked(sample_document((100, 110, 120))))
    assert opened.get(saved.id) is not None
    opened.close()


def test_the_migrations_make_the_tables_the_code_uses(database_url):
    """Alembic's own comparison of the migrated database with store.metadata: no change."""
    store.Store(database_url)
    with sa.create_engine(database_url).connect() as connection:
        changes = compare_metadata(MigrationContext.configure(connection), store.metadata)
    assert changes == []


def database_at(database_url: str, at_revision: str) -> sa.Engine:
    """The database migrated to ``at_revision`` only, as older code left it."""
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS))
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, at_revision)
    return engine


def test_a_database_of_an_older_revision_is_upgraded_and_keeps_its_runs(database_url):
    engine = database_at(database_url, "0001")
    assert revision(database_url) == "0001"
    made = checked(sample_document())
    with engine.begin() as connection:  # a run saved by the code of revision 0001
        connection.execute(store.runs.insert().values(
            id="old", saved_at=datetime.datetime.now(datetime.timezone.utc),
            created=datetime.datetime.now(datetime.timezone.utc), source="cli", cases=0,
            delete_token_sha256="0" * 64, document=json.dumps(made),
        ))  # fmt: skip
    runs = store.Store(database_url)
    assert revision(database_url) == "0004"
    assert runs.get("old") == made


def test_runs_saved_before_version_6_are_rewritten_with_its_names(database_url):
    """Revision 0004: a run saved at 0003 as a version 5 document, its measurements under
    the old columns (runtime_kind "chromium", runtime), comes back as version 6 says it, and
    the runtime filter finds it by its new name."""
    engine = database_at(database_url, "0003")
    made = checked(sample_document())
    for row in made["rows"][:2]:
        row["runtime"] = "browser"
    made["settings"]["runtimes"] = ["native", "browser"]
    made = checked(made)
    columns = ("run_id", "variant", "runtime_kind", "runtime", "algorithm", "n", "median_ms")
    old_lines = sa.table("measurements", *map(sa.column, columns))
    with engine.begin() as connection:  # what the code of revision 0003 saved
        connection.execute(store.runs.insert().values(
            id="v5", saved_at=datetime.datetime.now(datetime.timezone.utc),
            created=datetime.datetime.now(datetime.timezone.utc), source="cli", cases=4,
            delete_token_sha256="0" * 64, document=json.dumps(as_version(made, 5)),
        ))  # fmt: skip
        connection.execute(old_lines.insert(), [
            {"run_id": "v5", "variant": row["variant"], "runtime_kind": old["runtime_kind"],
             "runtime": row["interpreter"], "algorithm": row["algorithm"], "n": row["n"],
             "median_ms": row["median_ms"]}
            for row, old in zip(made["rows"], as_version(made, 5)["rows"])
        ])  # fmt: skip
    runs = store.Store(database_url)
    assert revision(database_url) == "0004"
    assert runs.get("v5") == made
    assert [run["id"] for run in runs.recent(runtime="browser")] == ["v5"]
    assert runs.recent(runtime="chromium") == []
    assert runs.recent()[0]["runtimes"] == ["browser", "native"]


@pytest.mark.parametrize("url", ["nonsense", "oracle://nobody@nowhere/db"])
def test_a_url_that_is_no_usable_database_is_a_clear_error(url):
    with pytest.raises(store.StoreError, match="not a database this store can use"):
        store.Store(url)


def test_a_plain_postgresql_url_uses_the_installed_driver(postgresql_url):
    plain = postgresql_url.replace("postgresql+psycopg://", "postgresql://")
    assert store.Store(plain).url == postgresql_url


def test_a_saved_run_comes_back_whole_and_is_listed(database_url):
    runs = store.Store(database_url)
    made = checked(sample_document())
    saved = runs.save(made)
    assert runs.get(saved.id) == made
    assert runs.get("no-such-run") is None
    (listed,) = runs.recent()
    assert listed["id"] == saved.id and listed["cases"] == len(made["rows"])
    assert listed["commit"] == made["code"]["commit"]
    assert listed["saved_at"].endswith("+00:00")
    # What tells runs apart in a list, from the document's own rows.
    rows = made["rows"]
    assert listed["ns"] == sorted({row["n"] for row in rows})
    assert listed["algorithms"] == sorted({row["algorithm"] for row in rows})
    assert listed["variants"] == sorted({row["variant"] for row in rows})
    assert listed["runtimes"] == sorted({row["runtime"] for row in rows})


def test_filters_keep_the_runs_with_such_a_measurement(database_url):
    runs = store.Store(database_url)
    first = runs.save(checked(sample_document()))
    browser = checked(sample_document())
    browser["host"]["browser"] = "Chrome 156.0.8078.73"
    for row in browser["rows"]:
        row["n"] = 77
    second = runs.save(browser)
    assert [r["id"] for r in runs.recent()] == [second.id, first.id]
    assert [r["id"] for r in runs.recent(n=77)] == [second.id]
    assert [r["id"] for r in runs.recent(n=1000, algorithm="doubling")] == [first.id]
    assert runs.recent(algorithm="iterative") == []
    assert [r["id"] for r in runs.recent(runtime="native")] == [second.id, first.id]
    assert [r["id"] for r in runs.recent(browser="Chrome")] == [second.id]
    assert runs.recent(browser="%") == []  # a pattern character is a character
    assert len(runs.recent(limit=1)) == 1


def test_a_run_is_deleted_only_with_its_token(database_url):
    runs = store.Store(database_url)
    saved = runs.save(checked(sample_document()))
    assert runs.delete(saved.id, "not-the-token") is False
    assert runs.get(saved.id) is not None
    assert runs.delete(saved.id, saved.delete_token) is True
    assert runs.get(saved.id) is None
    assert runs.delete(saved.id, saved.delete_token) is None


SAVE_FOREVER = """if True:
    import json, sys
    from fib_benchmarks.results import store
    runs = store.Store(sys.argv[1])
    document = json.loads(open(sys.argv[2]).read())
    print("saving", flush=True)
    while True:
        runs.save(document)
"""


def test_a_kill_in_the_middle_of_saving_leaves_every_run_whole(database_url, tmp_path):
    """SIGKILL a process that saves as fast as it can: every run left has all its lines."""
    store.Store(database_url)
    made = checked(sample_document())
    made["rows"] = made["rows"] * 200  # a longer transaction, more likely to be cut
    (tmp_path / "run.json").write_text(json.dumps(made))
    command = [sys.executable, "-c", SAVE_FOREVER, database_url, str(tmp_path / "run.json")]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "saving\n"
        time.sleep(1.5)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        counts = connection.execute(sa.text(
            "SELECT r.cases, COUNT(m.run_id) FROM runs r "
            "LEFT JOIN measurements m ON m.run_id = r.id GROUP BY r.id, r.cases"
        )).all()  # fmt: skip
    assert counts, "nothing was saved in 1.5 s"
    assert all(cases == lines == len(made["rows"]) for cases, lines in counts)


def test_a_locked_database_is_a_clear_error_not_a_hang(tmp_path):
    path = tmp_path / "runs.sqlite3"
    runs = store.Store(f"sqlite:///{path}", lock_timeout_s=0.3)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(store.StoreError, match="database is locked"):
            runs.save(checked(sample_document()))
        assert time.monotonic() - started < 5
    finally:
        holder.rollback()
        holder.close()
    assert runs.save(checked(sample_document())).id  # and usable once the lock is gone


def test_a_full_disk_is_a_clear_error_and_nothing_half_saved(tmp_path):
    """SQLite told it may not grow (max_page_count), as on a full disk."""
    runs = store.Store(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    kept = runs.save(checked(sample_document()))
    runs.engine.dispose()  # new connections, each with the cap

    def cap(connection, _record):
        connection.execute("PRAGMA max_page_count = 12")

    sa.event.listen(runs.engine, "connect", cap)
    big = checked(sample_document())
    big["rows"] = big["rows"] * 400
    with pytest.raises(store.StoreError, match="full"):
        runs.save(big)
    assert [run["id"] for run in runs.recent()] == [kept.id]
    assert runs.get(kept.id) is not None


def test_the_save_rate_limit_is_shared_by_every_store_on_the_database(database_url):
    """Two server processes each kept their own count (issue 19): the limit lives in the
    database now. Twelve attempts at once, through four stores, by one client: four
    admitted; another client is not held back; refused documents count too (an attempt
    is counted before its document is read)."""
    stores = [store.Store(database_url) for _ in range(4)]
    barrier = threading.Barrier(12)
    waits: list[float] = []

    def attempt(index: int) -> None:
        barrier.wait(timeout=30)
        waits.append(stores[index % 4].admit_save("198.51.100.7", 1000, 4, 10**6))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(waits)[:4] == [0.0] * 4 and all(0 < wait <= 60 for wait in sorted(waits)[4:])
    assert stores[0].admit_save("198.51.100.8", 1000, 4, 10**6) == 0.0
    # The bytes too: two attempts of 600 kB fit in 10^6 bytes a minute, the second does not.
    assert stores[1].admit_save("198.51.100.9", 600_000, 4, 10**6) == 0.0
    assert stores[1].admit_save("198.51.100.9", 600_000, 4, 10**6) > 0
    for opened in stores:
        opened.close()


def test_an_exclusive_lock_is_held_by_one_store_at_a_time(database_url):
    """The one-native-run rule across server processes: a lock in the database."""
    first, second = store.Store(database_url), store.Store(database_url)
    with first.exclusive("native-run") as held:
        assert held
        with second.exclusive("native-run") as also:
            assert not also  # taken, and not waited for
        with second.exclusive("another") as other:
            assert other
    with second.exclusive("native-run") as now:
        assert now  # released with the block
    first.close()
    second.close()


def test_two_server_processes_serve_one_postgresql_database(postgresql_url, tmp_path):
    """The site with --workers 2 on the real PostgreSQL (issue 19: two first requests at
    once deadlocked it, and each process kept its own save limit): a fresh database
    migrated once at start-up by one of the two, eight saves at once admitted three
    (the limit is in the database), every saved run listed by either process."""
    engine = sa.create_engine(postgresql_url)
    with engine.begin() as connection:  # a new database
        for table in ("measurements", "runs", "save_attempts", "alembic_version"):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PY_RUST_FIB_DATABASE_URL=postgresql_url,
               PY_RUST_FIB_SAVES_PER_MINUTE="3")  # fmt: skip
    command = [sys.executable, "-m", "fib_webapp", "--port", str(port), "--workers", "2"]
    with (tmp_path / "server.log").open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{site}/api/runs", timeout=5) as response:
                    assert json.load(response) == []
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "server.log"
                ).read_text()[-2000:]
                time.sleep(0.3)
        body = json.dumps(checked(sample_document())).encode()
        statuses: list[int] = []

        def save() -> None:
            headers = {"Content-Type": "application/json"}
            request = urllib.request.Request(f"{site}/api/runs", body, headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

        threads = [threading.Thread(target=save) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert sorted(statuses) == [201] * 3 + [429] * 5, statuses
        for _ in range(6):  # each answer from whichever process took the connection
            with urllib.request.urlopen(f"{site}/api/runs", timeout=30) as response:
                assert len(json.load(response)) == 3
        assert revision(postgresql_url) == "0004"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_a_new_run_id_never_begins_with_a_dash(monkeypatch):
    """An id beginning with "-" reads as an option to `benchmark compare` (1 in 64 did)."""
    drawn = iter(["-di-N7mTAPg", "-x_________", "di-N7mTAPg_"])
    monkeypatch.setattr(store.secrets, "token_urlsafe", lambda size: next(drawn))
    run_id = store.new_run_id()
    assert run_id == "di-N7mTAPg_"
    assert re.fullmatch(store.RUN_ID, run_id)
