"""The server's connection limits: what a slow or greedy client may hold.

uvicorn bounds concurrency and the idle time between requests, but not the time a client
may take to send a request: a client that sends one header byte every few seconds
(slow-loris), or a head and then a body that never comes, would hold its connection, and
a place under the concurrency limit, for ever. ``ClientTimeoutProtocol`` closes a
connection whose request head is not complete within ``HEAD_TIMEOUT_S``, or whose body
stops for ``BODY_TIMEOUT_S`` between two reads (nginx's ``client_header_timeout`` and
``client_body_timeout``).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Optional

import h11
from uvicorn.protocols.http import h11_impl
from uvicorn.protocols.http.h11_impl import H11Protocol

from .headers import SECURITY_HEADERS

# Seconds a client has to send a whole request head (browsers send it at once).
HEAD_TIMEOUT_S = float(os.environ.get("PY_RUST_FIB_HEAD_TIMEOUT_S", "10"))
# Seconds a request body may pause between two reads (an 8 MB upload arrives in pieces).
BODY_TIMEOUT_S = float(os.environ.get("PY_RUST_FIB_BODY_TIMEOUT_S", "10"))

# The largest request head taken (browsers send a few kilobytes).
MAX_HEAD_BYTES = 16 * 1024
# uvicorn's own answers (400, 503) and this one carry the site's headers too.
_HEADERS = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n"
    + b"".join(name + b": " + value + b"\r\n" for name, value in _HEADERS)
    + b"\r\n"
)

SERVER_LIMITS = {
    # Beyond this many connections and tasks at once, new requests get 503 at once. Each
    # stalled request counts twice (its connection and its task) until a timeout above
    # closes it: 256 leaves room for 63 of them and everyone else. The work that costs
    # (native runs, saves) has limits of its own.
    "limit_concurrency": 256,
    # Idle keep-alive connections are closed after this many seconds.
    "timeout_keep_alive": 5,
    # A request head larger than this is refused (400) before it is parsed.
    "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
}


class ClientTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for every request head and a pause limit
    for every request body."""

    _head_timer: Optional[asyncio.TimerHandle] = None
    _body_timer: Optional[asyncio.TimerHandle] = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    _head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._head_too_large(data):
            self.transport.write(HEAD_TOO_LARGE)
            self.transport.close()
            return
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # still waiting for a complete head
            self._arm_head_timer()
            return
        self._head_bytes = 0
        self._cancel("_head_timer")
        self._cancel("_body_timer")
        if self.conn.their_state is h11.SEND_BODY:  # more body to come: this long at most
            self._body_timer = self.loop.call_later(BODY_TIMEOUT_S, self._body_timed_out)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request it cannot parse, with the site's headers."""
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        event = h11.Response(status_code=400, headers=headers + _HEADERS, reason=b"Bad Request")
        for part in (event, h11.Data(data=msg.encode("ascii", "replace")), h11.EndOfMessage()):
            self.transport.write(self.conn.send(part))
        self.transport.close()

    def _head_too_large(self, data: bytes) -> bool:
        """Counts the bytes of the request head under way: h11's own limit applies only to
        a head that is still incomplete, so one that arrived whole in a single read was
        taken at any size (200 KB were)."""
        end = data.find(b"\r\n\r\n")
        self._head_bytes += len(data) if end < 0 else end + 4
        too_large = self._head_bytes > MAX_HEAD_BYTES
        if end >= 0:
            self._head_bytes = 0  # the next request on this connection starts afresh
        return too_large

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._cancel("_head_timer")
        self._cancel("_body_timer")
        super().connection_lost(exc)

    def _cancel(self, name: str) -> None:
        timer = getattr(self, name)
        if timer is not None:
            timer.cancel()
            setattr(self, name, None)

    def _arm_head_timer(self) -> None:
        # Armed once per head: more bytes of the same head do not extend it.
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(HEAD_TIMEOUT_S, self._head_timed_out)

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if self.flow.read_paused:
            # The server stopped reading (the app has not taken what came yet): the pause is
            # the server's, not the client's. Looked at again a timeout later.
            self._body_timer = self.loop.call_later(BODY_TIMEOUT_S, self._body_timed_out)
            return
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            self.transport.close()


async def service_unavailable(scope: Any, receive: Any, send: Any) -> None:
    """uvicorn's answer beyond its concurrency limit, with the site's headers."""
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"19"),
               (b"connection", b"close"), *_HEADERS]  # fmt: skip
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": b"Service Unavailable", "more_body": False})


# uvicorn's h11 protocol names its 503 application at module level, not on the protocol:
# replaced there, for the server this site runs (the only user of that module here).
h11_impl.service_unavailable = service_unavailable
