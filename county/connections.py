"""HTTP/1.1 connections with a time limit on each request's head.

uvicorn closes a kept-alive connection that stays idle between requests, but only once it has
answered one: a new connection that sends nothing, or a request line and headers sent a byte
at a time, is held for as long as the client likes (each byte received even cancels the
idle timer). Hundreds of such connections cost the county a file descriptor and a buffer
each, forever. Here the head of every request — from the connection's opening, or from the
previous answer — must arrive within ``head_timeout`` seconds, or the connection is closed.
Bodies have their own limits (county/body.py), enforced by the app as it reads them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("county")

#: Seconds a request's head may take unless ``serve --head-timeout`` says otherwise.
DEFAULT_HEAD_TIMEOUT = 30.0


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose next request head is late."""

    head_timeout: float = DEFAULT_HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._wait_for_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            # A whole head arrived (the body, if any, is the app's to time), or the
            # connection is finished with.
            self._stop_waiting()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._wait_for_head()  # the next request's head, on a kept-alive connection

    def _wait_for_head(self) -> None:
        self._stop_waiting()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_late)

    def _stop_waiting(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        started = bool(self.conn.trailing_data[0])
        client = self.client[0] if self.client else "?"
        # A half-sent head is worth a line; a connection that never said anything is not.
        log.log(
            logging.INFO if started else logging.DEBUG,
            "client %s %s within %gs; connection closed",
            client,
            "did not finish a request's head" if started else "sent nothing",
            self.head_timeout,
        )
        self.transport.close()


def protocol_with(head_timeout: float) -> type[Any]:
    """The protocol class for ``uvicorn.Config(http=…)`` with this head timeout."""
    return type("CountyHTTPProtocol", (HeadTimeoutProtocol,), {"head_timeout": head_timeout})
