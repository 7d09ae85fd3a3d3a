"""Where a measured run goes: result files (``--json``, ``--csv``, ``--markdown``) and saves
(``--save`` to the local results history, ``--save-to`` a site), for ``benchmark`` and
``benchmark load`` alike. A run is never lost: a file that cannot be written leaves the
document in the temporary folder, and every failure is one line for the user.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional

import httpx
import typer

from . import report
from .results import export, schema, store

#: The exit status of an error the user can act on (a refused option, an output that could
#: not be written, a site that would not save), as for argparse and click's usage errors;
#: 1 stays for the builds disagreeing and for a runtime that failed.
EXIT_ERROR = 2

console = report.terminal_console()


def check_writable(path: Optional[Path], option: str) -> None:
    """Refuse, before measuring anything, a result file that could not be written."""
    if path is None:
        return
    folder = path.parent.resolve()
    if path.is_dir():
        raise typer.BadParameter(f"{path} is a folder, not a file", param_hint=option)
    if path.is_fifo() or path.is_socket():  # writing would wait for a reader for ever
        raise typer.BadParameter(f"{path} is a pipe or a socket, not a file", param_hint=option)
    if not folder.is_dir():
        raise typer.BadParameter(f"no folder {folder} to write {path.name} in", param_hint=option)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise typer.BadParameter(f"{path} cannot be written", param_hint=option)


#: A result file asked for, and what writes it there.
File = tuple[Optional[Path], Callable[[Path], Any]]


def document_files(
    made: dict[str, Any], json_path: Optional[Path], csv_path: Optional[Path],
    markdown_path: Optional[Path],
) -> list[File]:  # fmt: skip
    """``--json``, ``--csv`` and ``--markdown``: the document, and its rows as tables."""
    return [
        (json_path, lambda path: path.write_text(json_text(made))),
        (csv_path, lambda path: path.write_text(export.csv_text(made))),
        (markdown_path, lambda path: path.write_text(export.markdown_text(made))),
    ]


def finish(made: dict[str, Any], files: list[File], save: bool, save_to: Optional[str]) -> None:
    """Writes every file asked for, then saves the run (``--save``, ``--save-to``) unless
    its builds disagree on an F(n). Exits 1 when they disagree (the files are written
    all the same: they show which), 2 when a file could not be written or a save failed."""
    all_written = True
    for path, write in files:
        if path:
            all_written &= write_or_keep(path, write, made)
    problems = schema.disagreements(made["rows"] + made["load"])
    if problems:
        console.print("[bold red]builds disagree on F(n):[/]\n  " + "\n  ".join(problems))
        raise typer.Exit(1)
    if save:
        save_locally(made)
    if save_to:
        save_to_site(save_to, made)
    if not all_written:
        raise typer.Exit(EXIT_ERROR)


def write_or_keep(path: Path, write: Callable[[Path], Any], made: dict[str, Any]) -> bool:
    """Writes one output; if that fails (a full disk, a path that is not a file), says so
    in one line and keeps the run's document elsewhere: a measured run is never lost."""
    try:
        write(path)
    except OSError as error:
        kept = keep_document(made)
        print(f"benchmark: error: cannot write {path}: {error.strerror or error}; "
              f"the run is kept in {kept}", file=sys.stderr)  # fmt: skip
        return False
    console.print(f"wrote {path}")
    return True


def json_text(made: dict[str, Any]) -> str:
    """The run's document as --json writes it."""
    return json.dumps(made, indent=1) + "\n"


def keep_document(made: dict[str, Any]) -> str:
    """Where the run's JSON document went: a new file in the temporary folder, or, if
    even that cannot be written, standard output."""
    text = json_text(made)
    try:
        handle, name = tempfile.mkstemp(prefix="py-rust-fib-run-", suffix=".json")
        with os.fdopen(handle, "w") as kept:
            kept.write(text)
    except OSError:
        sys.stdout.write(text)
        return "standard output (above)"
    return name


def check_site(site: str) -> None:
    """A --save-to that can be sent to: an http(s) address with a host."""
    try:
        url = httpx.URL(site)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        message = f"{site!r} is not an address: {error}"
        raise typer.BadParameter(message, param_hint="--save-to") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise typer.BadParameter(
            f"{site!r} is not an http:// or https:// address of a site", param_hint="--save-to"
        )


def save_locally(made: dict[str, Any]) -> None:
    try:
        saved = store.Store().save(made)
    except store.StoreError as error:
        not_saved(str(error))
    console.print(f"saved as run {saved.id}: /runs/{saved.id} on the local site (make serve); "
                  f"delete token {saved.delete_token}")  # fmt: skip


#: The longest a save may take in all, however the site answers (a site that sends a byte
#: every few seconds would otherwise hold the CLI for ever, each byte resetting a timeout).
SAVE_DEADLINE_S = float(os.environ.get("PY_RUST_FIB_SAVE_DEADLINE_S", "60"))
#: The most a site's answer to a save may hold: its id, permalink and token are short.
MAX_SAVE_ANSWER_BYTES = 64 * 1024


def save_to_site(site: str, made: dict[str, Any]) -> None:
    base = site.rstrip("/")
    deadline = time.monotonic() + SAVE_DEADLINE_S
    body = bytearray()
    try:
        timeout = httpx.Timeout(min(10.0, SAVE_DEADLINE_S))
        with httpx.stream("POST", f"{base}/api/runs", json=made, timeout=timeout) as response:
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    raise _NotSaved(f"{base} did not answer within {SAVE_DEADLINE_S:g} s")
                if len(body) > MAX_SAVE_ANSWER_BYTES:
                    raise _NotSaved(f"{base} answered more than a save's answer holds")
            status = response.status_code
    except httpx.HTTPError as error:
        not_saved(f"{base} cannot be reached ({error})")
    except _NotSaved as error:
        not_saved(str(error))
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if status != 201:
        detail = answer.get("detail") if isinstance(answer, dict) else None
        shown = detail if isinstance(detail, str) else body[:200].decode(errors="replace")
        not_saved(f"{base} answered {status}: {shown!r}")
    if not (isinstance(answer, dict) and isinstance(answer.get("url"), str)
            and isinstance(answer.get("delete_token"), str)
            and _PRINTABLE.fullmatch(answer["url"] + answer["delete_token"])):  # fmt: skip
        not_saved(f"{base} answered 201 but not as this project's site does (no permalink)")
    console.print(f"saved: {base}{answer['url']} (delete token {answer['delete_token']})")


#: What a permalink and a token may hold when shown: no control characters, no spaces.
_PRINTABLE = re.compile(r"[\x21-\x7e]{1,300}")


class _NotSaved(Exception):
    pass


def not_saved(reason: str) -> NoReturn:
    print(f"benchmark: error: not saved: {reason}", file=sys.stderr)
    raise typer.Exit(EXIT_ERROR)
