"""``make dev``: the site, rebuilt and restarted when the Rust sources change.

The Robyn ``--dev`` experience for a maturin project: edit fib-rust or fib-pyrs, save,
and the wheels are rebuilt (``make native-wheels pyodide-wheels``) and the server
restarted on them. A restart, not a reload: a compiled extension cannot be loaded again
into a running interpreter (``GET /api/fib`` calls it in process). The page, served with
``PY_RUST_FIB_DEV=1``, asks ``/api/builds`` every two seconds and restarts the worker of
a build whose wheel changed (app.js), so the browser runs the new code too.

A build that fails leaves the running server as it was, and says so.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from fib_benchmarks import builds
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

#: What a change to these folders rebuilds (relative to the repository).
WATCHED = ("fib-rust", "fib-pyrs")
#: Files whose change means a rebuild: sources and manifests, not editors' backups.
SOURCE_SUFFIXES = (".rs", ".toml", ".pyi")
BUILD_COMMAND = "make native-wheels pyodide-wheels"
#: What watchdog reports of a file that counts as a change.
CHANGES = {"created", "modified", "moved", "deleted", "closed"}
#: Saves come in bursts (format on save, several files): wait for this much quiet.
QUIET_S = 0.5


class Changes(FileSystemEventHandler):
    """Sets ``changed`` when a source file under the watched folders changes."""

    def __init__(self) -> None:
        self.changed = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Not "opened" nor "closed_no_write": the build itself reads the sources, and would
        # start the next one.
        if event.event_type not in CHANGES or event.is_directory:
            return
        paths = [str(event.src_path), str(getattr(event, "dest_path", ""))]
        sources = [path for path in paths if path.endswith(SOURCE_SUFFIXES)]
        if sources and not any("/target/" in path for path in sources):
            self.changed.set()


def start_server(server: list[str]) -> subprocess.Popen:
    print(f"dev: starting {shlex.join(server)}", flush=True)
    return subprocess.Popen(server, env=dict(os.environ, PY_RUST_FIB_DEV="1"))


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fib_webapp.dev", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--watch", action="append", type=Path,
                        help="a folder to watch (repeatable; default: fib-rust, fib-pyrs)",
                        )  # fmt: skip
    parser.add_argument("--build-command", default=BUILD_COMMAND,
                        help="what a change runs (default: %(default)s)")  # fmt: skip
    args = parser.parse_args(argv)
    watched = args.watch or [builds.REPO_ROOT / folder for folder in WATCHED]
    server = [sys.executable, "-m", "fib_webapp", "--host", args.host, "--port", str(args.port)]
    changes = Changes()
    observer = Observer()
    for folder in watched:
        observer.schedule(changes, str(folder), recursive=True)
    observer.start()
    process = start_server(server)
    print(f"dev: watching {', '.join(map(str, watched))} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            if not changes.changed.wait(timeout=1.0):
                if process.poll() is not None:
                    print(f"dev: the server exited ({process.returncode}); restarting it")
                    process = start_server(server)
                continue
            while changes.changed.is_set():  # until the saves stop for QUIET_S
                changes.changed.clear()
                time.sleep(QUIET_S)
            print(f"dev: a source changed: {args.build_command}", flush=True)
            built = subprocess.run(args.build_command, shell=True, cwd=builds.REPO_ROOT)
            if built.returncode != 0:
                print(f"dev: the build failed ({built.returncode}): the server keeps the "
                      "wheels it had", flush=True)  # fmt: skip
                continue
            stop_server(process)
            process = start_server(server)
    except KeyboardInterrupt:
        return 0
    finally:
        observer.stop()
        stop_server(process)
        observer.join(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
