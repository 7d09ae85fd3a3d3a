"""``python -m fib_webapp [--host H] [--port P]``: serve the benchmark site with uvicorn."""

from __future__ import annotations

import argparse
import os
from types import FrameType
from typing import Optional

import uvicorn
from uvicorn.supervisors import Multiprocess

from .app import create_app
from .limits import SERVER_LIMITS, ClientTimeoutProtocol
from .native import NativeTimings
from .settings import from_environment

# Addresses that mean "every interface": the Host header then names whichever one the
# visitor used, and only the ones configured (PY_RUST_FIB_ALLOWED_HOSTS) are trusted.
ANY_ADDRESS = ("0.0.0.0", "::", "")


#: How long a stopping server lets requests under way finish (a native run is stopped at
#: once instead: see StoppingServer).
SHUTDOWN_GRACE_S = 3


class StoppingServer(uvicorn.Server):
    """uvicorn's server, which on SIGTERM or Ctrl-C first stops the native run under way
    (its client gets 503, its process is killed): a graceful shutdown waits for the
    requests under way, and a native run may take minutes."""

    def __init__(self, config: uvicorn.Config, native: NativeTimings) -> None:
        super().__init__(config)
        self.native = native

    def handle_exit(self, sig: int, frame: Optional[FrameType]) -> None:
        self.native.shut_down()
        super().handle_exit(sig, frame)


def main() -> None:
    parser = argparse.ArgumentParser(prog="fib-webapp", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--forwarded-allow-ips", metavar="ADDRESSES",
        help="comma-separated addresses of the proxies whose X-Forwarded-For and "
             "X-Forwarded-Proto to believe (default: none; '*' believes anyone)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=1, metavar="N",
        help="server processes (default 1); with more, use PostgreSQL "
             "(PY_RUST_FIB_DATABASE_URL): the save limit and the one native run are kept "
             "in the database, which they share",
    )  # fmt: skip
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers: at least 1")
    settings = from_environment()
    if args.host not in ANY_ADDRESS and args.host not in settings.allowed_hosts:
        # Through the environment, which the worker processes inherit.
        hosts = (*settings.allowed_hosts, args.host)
        os.environ["PY_RUST_FIB_ALLOWED_HOSTS"] = ",".join(hosts)
        settings = from_environment()
    print(f"py-rust-fib: open http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    # One process: the app itself, in a server that stops its native run on SIGTERM.
    # Several: uvicorn's workers each make theirs (a factory they import); on SIGTERM each
    # exits after the grace, and its measuring process dies with it (runtimes.base: PDEATHSIG).
    app = create_app(settings) if args.workers == 1 else "fib_webapp.app:create_app"
    config = uvicorn.Config(
        app,
        factory=args.workers > 1,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level="warning",
        http=ClientTimeoutProtocol,
        # A client's X-Forwarded-For names whoever it likes: believed only from the proxies
        # named (uvicorn's default believes 127.0.0.1, so any local client could spread its
        # saves over invented addresses and escape the rate limit).
        proxy_headers=bool(args.forwarded_allow_ips),
        forwarded_allow_ips=args.forwarded_allow_ips,
        # Requests still going this long after SIGTERM are cancelled: the server exits.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        **SERVER_LIMITS,
    )
    if args.workers == 1:
        StoppingServer(config, app.state.native).run()
    else:
        Multiprocess(config, sockets=[config.bind_socket()]).run()


if __name__ == "__main__":
    main()
