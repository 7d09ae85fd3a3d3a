"""Saved runs: a results history in SQLite by default, or PostgreSQL by URL.

A run is its document (``document.Document``, kept whole as JSON) plus a few columns and
one line per measurement to list and filter by (n, algorithm, runtime, browser). Alembic
manages the tables (``migrations/``): a store brings its database up to date when it
opens. Each save and each delete is one transaction: a crash or a kill in the middle
leaves the database as it was before it.

A run is deleted only with the token given when it was saved: the store keeps the token's
SHA-256, not the token.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from .. import builds
from .document import measured_on

MIGRATIONS = Path(__file__).with_name("migrations")
#: The store when none is named: a file under build/, created on first use.
DEFAULT_URL = f"sqlite:///{builds.BUILD_DIR / 'results' / 'runs.sqlite3'}"
URL_VARIABLE = "PY_RUST_FIB_DATABASE_URL"
#: What a saved run's id looks like (``new_run_id``: 11 such characters), with room to
#: spare: what the site and `benchmark compare` accept as one.
RUN_ID = r"[A-Za-z0-9_-]{1,16}"


def new_run_id() -> str:
    """A fresh run id: 8 random bytes, URL-safe, never beginning with a dash.

    One id in 64 would otherwise begin with "-", and `benchmark compare -di-N7mTAPg` reads
    that as an option (ids saved before this rule still work after ``--``).
    """
    while (run_id := secrets.token_urlsafe(8)).startswith("-"):
        pass
    return run_id


# The tables as the latest migration leaves them (migrations/versions/: a migration is
# history and never imports these); a test checks that the two agree.
metadata = sa.MetaData()
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("commit", sa.String(64)),
    sa.Column("dirty", sa.Boolean),
    sa.Column("machine", sa.Text),  # the browser, or the CPU model
    sa.Column("cases", sa.Integer, nullable=False),
    sa.Column("delete_token_sha256", sa.String(64), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Index("runs_newest", "saved_at", "id"),
)
measurements = sa.Table(
    "measurements",
    metadata,
    sa.Column(
        "run_id",
        sa.String(16),
        sa.ForeignKey("runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("variant", sa.String(64), nullable=False),
    sa.Column("runtime", sa.String(16), nullable=False),
    sa.Column("interpreter", sa.Text, nullable=False),
    sa.Column("algorithm", sa.String(32), nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
    sa.Column("median_ms", sa.Float, nullable=False),
    sa.Index("measurements_run_id", "run_id"),
    sa.Index("measurements_case", "algorithm", "n"),
    sa.Index("measurements_n_run", "n", "run_id"),
    sa.Index("measurements_algorithm_run", "algorithm", "run_id"),
    sa.Index("measurements_runtime_run", "runtime", "run_id"),
)
save_attempts = sa.Table(
    "save_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False),  # seconds since the epoch
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Index("save_attempts_client_at", "client", "at"),
)
#: The window of the save rate limit.
RATE_WINDOW_S = 60.0


#: PostgreSQL's advisory lock for migrations: any fixed number, the same in every process.
MIGRATION_LOCK_KEY = 0x7079_7275_7374_6669  # "pyrustfi"
#: PostgreSQL's advisory locks for the save rate limit (per client) and for exclusive
#: work such as the one native run (per name): fixed numbers, the same in every process.
RATE_LOCK_KEY = 7071
EXCLUSIVE_LOCK_KEY = 7072
#: How long a store waits for another one's migration of an SQLite file.
MIGRATION_LOCK_WAIT_S = 60.0


class StoreError(Exception):
    """The database cannot do what was asked (locked, full, unreachable): said plainly."""


@dataclass(frozen=True)
class Saved:
    id: str
    delete_token: str


def url_from_environment() -> str:
    return os.environ.get(URL_VARIABLE) or DEFAULT_URL


class Store:
    def __init__(self, url: Optional[str] = None, lock_timeout_s: float = 5.0) -> None:
        self.url = url or url_from_environment()
        # A plain postgresql:// URL means SQLAlchemy's default driver (psycopg2), which is
        # not installed: the project's is psycopg 3.
        for plain in ("postgresql://", "postgres://"):
            if self.url.startswith(plain):
                self.url = "postgresql+psycopg://" + self.url.removeprefix(plain)
        if self.url.startswith("sqlite:///"):
            folder = Path(self.url.removeprefix("sqlite:///")).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"the results database cannot be used now: no folder "
                                 f"{folder} ({error.strerror})") from None  # fmt: skip
        # SQLite waits this long for a lock before it says the database is locked.
        connect_args = {"timeout": lock_timeout_s} if self.url.startswith("sqlite") else {}
        try:
            self.engine = sa.create_engine(self.url, connect_args=connect_args)
        except (sa.exc.ArgumentError, ImportError) as error:
            raise StoreError(
                f"not a database this store can use ({URL_VARIABLE}?): {error}"
            ) from None
        if self.url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_foreign_keys)
        self._guarded(self.migrate)

    def close(self) -> None:
        """Gives back the database connections this store keeps in its pool."""
        self.engine.dispose()

    def migrate(self) -> None:
        """Brings the tables up to the latest migration (Alembic's upgrade to head).

        Under a lock that every thread and process opening the same database shares (a
        file lock beside an SQLite file, an advisory lock in PostgreSQL): two stores opened
        at once on a new database both created its tables, which left SQLite without its
        version stamp and deadlocked PostgreSQL. The second now waits, then finds the
        database at the latest revision and changes nothing.
        """
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._sqlite_file_lock(), self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                lock = sa.text("SELECT pg_advisory_xact_lock(:key)")
                connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextlib.contextmanager
    def _sqlite_file_lock(self) -> Iterator[None]:
        """The migration's lock for an SQLite file, waited for up to MIGRATION_LOCK_WAIT_S."""
        with self._file_lock("migration", MIGRATION_LOCK_WAIT_S) as held:
            if not held:
                raise StoreError(
                    f"the results database cannot be used now: another process has "
                    f"been migrating it for {MIGRATION_LOCK_WAIT_S:g} s"
                )
            yield

    @contextlib.contextmanager
    def _file_lock(self, name: str, wait_s: float) -> Iterator[bool]:
        """Whether an exclusive lock on `<database>.<name>-lock` beside an SQLite file was
        had within ``wait_s`` seconds (flock: released by the system if the process dies).
        True at once for other databases and for SQLite in memory: they lock otherwise,
        or live in one process."""
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not path or path == ":memory:":
            yield True
            return
        with open(f"{path}.{name}-lock", "a") as lock_file:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.05)
            try:
                yield True
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _guarded(self, work, *arguments):
        try:
            return work(*arguments)
        except sa.exc.OperationalError as error:
            reason = str(error.orig).splitlines()[0] if error.orig else str(error)
            raise StoreError(f"the results database cannot be used now: {reason}") from None

    def admit_save(self, client: str, size: int, per_minute: int, bytes_per_minute: int) -> float:
        """Counts a save attempt of ``size`` bytes by ``client`` if it is within the limits
        (at most ``per_minute`` attempts and ``bytes_per_minute`` bytes in any minute), and
        says how many seconds it must wait (0: go on, counted). Kept in the database, so
        every server process using it shares the limit; an attempt counts whether its
        document is then saved or refused."""

        def admit() -> float:
            now = time.time()
            with self.engine.begin() as connection:
                if self.engine.dialect.name == "postgresql":  # one client's attempts in turn
                    lock = sa.text("SELECT pg_advisory_xact_lock(:key, hashtext(:client))")
                    connection.execute(lock, {"key": RATE_LOCK_KEY, "client": client})
                # A write first: on SQLite it takes the database's write lock, so that
                # concurrent attempts are counted one after another.
                connection.execute(
                    save_attempts.delete().where(save_attempts.c.at < now - RATE_WINDOW_S)
                )
                inserted = connection.execute(
                    save_attempts.insert().values(client=client, at=now, bytes=size)
                ).inserted_primary_key[0]
                recent = sa.and_(save_attempts.c.client == client,
                                 save_attempts.c.at >= now - RATE_WINDOW_S)  # fmt: skip
                totals = sa.select(
                    sa.func.count(),
                    sa.func.sum(save_attempts.c.bytes),
                    sa.func.min(save_attempts.c.at),
                ).where(recent)
                count, total, oldest = connection.execute(totals).one()
                if count <= per_minute and total <= bytes_per_minute:
                    return 0.0
                connection.execute(save_attempts.delete().where(save_attempts.c.id == inserted))
                return max(0.1, oldest + RATE_WINDOW_S - now)

        return self._guarded(admit)

    @contextlib.contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Whether this caller holds the lock ``name`` while the block runs: no other
        thread or process using this database holds it meanwhile (PostgreSQL: an advisory
        lock; an SQLite file: a file lock beside it). Never waits: False if taken."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                key = {"key": EXCLUSIVE_LOCK_KEY, "name": name}
                held = connection.execute(
                    sa.text("SELECT pg_try_advisory_lock(:key, hashtext(:name))"), key
                ).scalar()
                try:
                    yield bool(held)
                finally:
                    if held:
                        unlock = sa.text("SELECT pg_advisory_unlock(:key, hashtext(:name))")
                        connection.execute(unlock, key)
                        connection.commit()
            return
        with self._file_lock(name, 0) as held:
            yield held

    def save(self, document: dict[str, Any]) -> Saved:
        """Stores a checked document (``Document.model_dump(mode="json", by_alias=True)``)."""
        return self._guarded(self._save, document)

    def _save(self, document: dict[str, Any]) -> Saved:
        saved = Saved(new_run_id(), secrets.token_urlsafe(24))
        host = document["host"]
        with self.engine.begin() as connection:  # the run and its lines, or nothing
            connection.execute(runs.insert().values(
                id=saved.id,
                saved_at=datetime.datetime.now(datetime.timezone.utc),
                created=datetime.datetime.fromisoformat(document["created"]),
                source=document["settings"]["source"],
                commit=document["code"].get("commit"),
                dirty=document["code"].get("dirty"),
                machine=measured_on(host),
                cases=len(document["rows"]) + len(document.get("load") or []),
                delete_token_sha256=_sha256(saved.delete_token),
                document=json.dumps(document),
            ))  # fmt: skip
            lines = [{"run_id": saved.id, **{key: row[key] for key in (
                "variant", "runtime", "interpreter", "algorithm", "n", "median_ms")}}
                for row in document["rows"]]  # fmt: skip
            # A load row is listed as a measurement in the runtime "server" (the
            # filter /runs?runtime=server finds it), its server as the runtime, and its
            # median latency as its median.
            lines += [{"run_id": saved.id, "variant": row["variant"], "runtime": "server",
                       "interpreter": row["server"], "algorithm": row["algorithm"], "n": row["n"],
                       "median_ms": row["latency_p50_ms"] or 0.0}
                      for row in document.get("load") or []]  # fmt: skip
            if lines:
                connection.execute(measurements.insert(), lines)
        return saved

    def get(self, run_id: str) -> Optional[dict[str, Any]]:
        text = self.get_text(run_id)
        return None if text is None else json.loads(text)

    def get_text(self, run_id: str) -> Optional[str]:
        """A saved run's document as stored, JSON text: what the site serves as it is (a
        document of megabytes parsed and written out again cost the server seconds)."""

        def read() -> Optional[str]:
            with self.engine.connect() as connection:
                query = sa.select(runs.c.document).where(runs.c.id == run_id)
                return connection.execute(query).scalar_one_or_none()

        return self._guarded(read)

    def recent(
        self,
        *,
        n: Optional[int] = None,
        algorithm: Optional[str] = None,
        runtime: Optional[str] = None,
        browser: Optional[str] = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """The latest saved runs, newest first; each filter keeps the runs with a
        measurement of that n, algorithm or runtime, or whose browser names it."""
        query = sa.select(runs.c.id, runs.c.saved_at, runs.c.created, runs.c.source,
                          runs.c.commit, runs.c.dirty, runs.c.machine, runs.c.cases)  # fmt: skip
        conditions = [
            (measurements.c.n, n),
            (measurements.c.algorithm, algorithm),
            (measurements.c.runtime, runtime),
        ]
        for column, value in conditions:
            if value is not None:
                # EXISTS, not IN: walking the runs newest first, the query stops at `limit`
                # matches instead of collecting every matching run (10 000 runs: 0.7 ms
                # where IN took 23 ms, docs/performance.md).
                matching = sa.select(measurements.c.run_id).where(
                    measurements.c.run_id == runs.c.id, column == value
                )
                query = query.where(matching.exists())
        if browser:
            query = query.where(runs.c.machine.contains(browser, autoescape=True))
        query = query.order_by(runs.c.saved_at.desc(), runs.c.id).limit(limit)

        def read() -> list[dict[str, Any]]:
            with self.engine.connect() as connection:
                found = connection.execute(query).mappings().all()
                measured = _what_was_measured(connection, [row["id"] for row in found])
            when = ("saved_at", "created")
            return [
                {**row, **{key: _utc(row[key]).isoformat() for key in when}, **measured[row["id"]]}
                for row in found
            ]

        return self._guarded(read)

    def delete(self, run_id: str, token: str) -> Optional[bool]:
        """True if deleted, False if the token is wrong, None if there is no such run."""

        def remove() -> Optional[bool]:
            with self.engine.begin() as connection:
                query = sa.select(runs.c.delete_token_sha256).where(runs.c.id == run_id)
                expected = connection.execute(query).scalar_one_or_none()
                if expected is None:
                    return None
                if not hmac.compare_digest(expected, _sha256(token)):
                    return False
                connection.execute(measurements.delete().where(measurements.c.run_id == run_id))
                connection.execute(runs.delete().where(runs.c.id == run_id))
                return True

        return self._guarded(remove)


def _what_was_measured(connection: sa.Connection, run_ids: list[str]) -> dict[str, dict[str, list]]:
    """For each run, what tells it apart in a list: its n, algorithms, variants and runtimes,
    each sorted and without repeats (from the measurements' index, not the documents)."""
    found: dict[str, dict[str, set]] = {
        run_id: {"ns": set(), "algorithms": set(), "variants": set(), "runtimes": set()}
        for run_id in run_ids
    }
    if run_ids:
        m = measurements.c
        query = (
            sa.select(m.run_id, m.n, m.algorithm, m.variant, m.runtime)
            .distinct()
            .where(m.run_id.in_(run_ids))
        )
        for run_id, n, algorithm, variant, runtime in connection.execute(query):
            summary = found[run_id]
            summary["ns"].add(n)
            summary["algorithms"].add(algorithm)
            summary["variants"].add(variant)
            summary["runtimes"].add(runtime)
    return {
        run_id: {key: sorted(values) for key, values in summary.items()}
        for run_id, summary in found.items()
    }


def _utc(moment: datetime.datetime) -> datetime.datetime:
    """SQLite gives back the UTC time it was given without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sqlite_foreign_keys(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA foreign_keys = ON")
