"""Admission of saved runs (/api/runs): what the server checks before it keeps a document.

A document from a client is untrusted: the schema and the size were checked on the way in
(app.py); here its numbers are. The builds of one run must agree with one another on each
F(n), and with the F(n) the server computes itself (GMP, through gmpy2): a run whose
digest differs is refused, so that nothing saved shows a wrong number as a right one.
What the samples say is derived again; what cannot be true is refused. (Saves are
limited per client in the store itself, store.Store.admit_save, shared by every process.)
"""

from __future__ import annotations

import collections
import datetime
import threading
from typing import Any
from urllib.parse import urlsplit

import gmpy2
from fib_benchmarks.results import schema
from fib_measuring import measure

#: At most this many different n in one saved run are checked (each is one F(n) by GMP:
#: 25 ms at n = 10^7); a run with more is refused.
MAX_CHECKED_NS = 64


class Refused(Exception):
    """The document cannot be saved; the message says why, for the client."""


#: The most work one save may ask of the checks below, in the sum of the n not checked
#: before (the cache remembers 256): F(10^7) takes GMP about 0.1 s to compute and describe,
#: so one save costs at most about half a second of this server's time.
MAX_UNCHECKED_N_PER_SAVE = 30_000_000


#: How many F(n) descriptions the server remembers between saves.
CACHED_DESCRIPTIONS = 256
_descriptions: collections.OrderedDict[int, dict[str, Any]] = collections.OrderedDict()
_descriptions_lock = threading.Lock()


def trusted_description(n: int) -> dict[str, Any]:
    """F(n) as every build describes it (measure.describe's digits, edges and digest),
    computed by GMP: its fib, and its subquadratic base conversion and division where
    CPython 3.11's are quadratic (describing F(10^7) with Python ints took seconds).
    The last CACHED_DESCRIPTIONS are remembered."""
    with _descriptions_lock:
        if n in _descriptions:
            _descriptions.move_to_end(n)
            return _descriptions[n]
    value = gmpy2.fib(n)
    digits = decimal_digits(value)
    leading, trailing = measure.edges(value, digits, ten=gmpy2.mpz(10))
    description = {
        "digits": digits,
        "leading": leading,
        "trailing": trailing,
        "digest": measure.digest(int(value)),
    }
    with _descriptions_lock:
        _descriptions[n] = description
        while len(_descriptions) > CACHED_DESCRIPTIONS:
            _descriptions.popitem(last=False)
    return description


def decimal_digits(value: Any) -> int:
    """How many decimal digits a non-negative integer has (a Python int or GMP's), by GMP:
    CPython 3.11's conversion to text is quadratic (and refused past 4 300 digits)."""
    value = gmpy2.mpz(value)
    digits = max(1, gmpy2.num_digits(value, 10))  # exact, or one too many
    if digits > 1 and value < gmpy2.mpz(10) ** (digits - 1):
        digits -= 1
    return int(digits)


def _is_cached(n: int) -> bool:
    with _descriptions_lock:
        return n in _descriptions


def check_numbers(document: dict[str, Any]) -> None:
    """Refused unless every row's F(n) is the right one, digits and edges included (a load
    row has the digits and digest of what its server answered)."""
    every_row = document["rows"] + document["load"]
    problems = schema.disagreements(every_row)
    if problems:
        raise Refused("the builds of this run disagree on F(n): " + "; ".join(problems[:3]))
    ns = sorted({row["n"] for row in every_row})
    if len(ns) > MAX_CHECKED_NS:
        raise Refused(f"a saved run has at most {MAX_CHECKED_NS} different n; this has {len(ns)}")
    cached = {n for n in ns if _is_cached(n)}
    if sum(n for n in ns if n not in cached) > MAX_UNCHECKED_N_PER_SAVE:
        raise Refused("this run asks too much checking at once (its F(n) add up to more "
                      f"than F({MAX_UNCHECKED_N_PER_SAVE:,}) this server has not checked "
                      "before): save it as several runs")  # fmt: skip
    for row in every_row:
        trusted = trusted_description(row["n"])
        for fact in ("digest", "digits", "leading", "trailing"):
            if fact in row and row[fact] != trusted[fact]:
                raise Refused(f"F({row['n']}) of {row['variant']} is not F({row['n']}): its "
                              f"{fact} differs from the one this server computes")  # fmt: skip


#: A row's statistics that the server derives again from its samples, whatever it says.
DERIVED = ("median_ms", "min_ms", "max_ms", "mean_ms", "stdev_ms", "q1_ms", "q3_ms", "iqr_ms",
           "outliers")  # fmt: skip
#: The dates a saved run may carry: none before this project, none from the future.
EARLIEST = datetime.datetime(2022, 1, 1, tzinfo=datetime.timezone.utc)
CLOCK_SKEW = datetime.timedelta(days=1)


def derive_and_check(document: dict[str, Any]) -> None:
    """Refuses what cannot be true of a run, and recomputes what can be derived: a saved
    document is untrusted, and the site shows it as a fresh run. Each row's statistics
    come again from its samples (measure.summarize, as the CLI and the page compute them),
    then the ratios between rows (schema.add_ratios); the rows must be the cases the run's
    settings ask for; no string may hold a NUL (PostgreSQL's text cannot); the date must
    be a real one (PostgreSQL's timestamps stop at the year 9999 in UTC)."""
    if _holds_nul(document):
        raise Refused("a string in the run holds a NUL character")
    created = datetime.datetime.fromisoformat(document["created"])
    now = datetime.datetime.now(datetime.timezone.utc)
    if created.tzinfo is None or not EARLIEST <= created <= now + CLOCK_SKEW:
        raise Refused(f"the run's date {document['created']} is not a date it can have been "
                      "made on (with its time zone, not in the future)")  # fmt: skip
    settings = document["settings"]
    for row in document["rows"]:
        case = f"{row['variant']} {row['algorithm']} F({row['n']})"
        if (row["n"] not in settings["ns"] or row["algorithm"] not in settings["algorithms"]
                or row["variant"] not in settings["variants"]):  # fmt: skip
            raise Refused(f"the row {case} is not one of the cases the run's settings ask for")
        if min(row["times_ns"] + row["warmup_times_ns"], default=0) < 0:
            raise Refused(f"the row {case} has a negative time")
        resolution, loops = row.get("timer_resolution_ns"), row.get("loops", 1)
        summary = measure.summarize(row["times_ns"], row["warmup_settled"], resolution, loops)
        row.update({key: summary[key] for key in DERIVED})
    schema.add_ratios(document["rows"])
    _check_load_rows(document)


def _check_load_rows(document: dict[str, Any]) -> None:
    """A load row must be one of the cases its run asked for; what wrk counted cannot be
    derived again, but requests a second that are not the requests over the duration,
    or latencies out of order, cannot be true."""
    settings, load = document["settings"], document["settings"].get("load")
    if document["load"] and load is None:
        raise Refused("the run has load rows but no load settings")
    for row in document["load"]:
        case = f"{row['server']} {row['variant']} F({row['n']}) at {row['concurrency']}"
        asked = (row["n"] in settings["ns"] and row["algorithm"] in settings["algorithms"]
                 and row["variant"] in settings["variants"] and row["server"] in load["servers"]
                 and row["concurrency"] in load["concurrencies"]
                 and row["duration_s"] == load["duration_s"])  # fmt: skip
        if not asked:
            raise Refused(f"the load row {case} is not one of the cases the run's settings ask for")
        # wrk's rate is its requests over the time it ran, a little over the duration.
        if row["requests_per_s"] > 1.5 * row["requests"] / row["duration_s"] + 1:
            raise Refused(f"the load row {case} has more requests a second than requests")
        latencies = [row[f"latency_p{p}_ms"] for p in (50, 90, 99)]
        if None not in latencies and latencies != sorted(latencies):
            raise Refused(f"the load row {case} has its latency percentiles out of order")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def check_links(document: dict[str, Any], site: str) -> None:
    """Refused unless the run's address (the page's "Run the same again" link) is one of
    this site's: a saved run must not send its viewers elsewhere. The document's schema
    has already refused anything but http(s)."""
    url = document["settings"].get("url")
    if url is not None and urlsplit(url).netloc != site:
        raise Refused(f"the run's address must be on this site ({site}), not {url!r}")
