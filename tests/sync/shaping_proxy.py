"""A TCP proxy on loopback that behaves like a village's link: a bandwidth cap and a one-way
latency in each direction, and, when asked, a cut after N bytes or one byte flipped on the way
up. It counts every byte it carries (HTTP headers included), so a test or a benchmark can say
what went over the wire.

asyncio in a thread of its own: ``with ShapingProxy(port, rate=8000, latency=0.3) as proxy:``
then point the station at ``proxy.url``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

_PIECE = 512


@dataclass
class Counters:
    #: Bytes delivered to the county (station → county), and back.
    up: int = 0
    down: int = 0
    connections: int = 0
    cuts: int = 0
    corrupted: int = 0
    #: Bytes delivered up, per connection, in the order connections opened.
    per_connection: list[int] = field(default_factory=list)


class ShapingProxy:
    def __init__(self, target_port: int, *, rate: float | None = None, latency: float = 0.0,
                 target_host: str = "127.0.0.1") -> None:
        """``rate``: bytes per second in each direction (None: as fast as loopback);
        ``latency``: seconds every byte waits before it is delivered, each way."""
        self.target = (target_host, target_port)
        self.rate, self.latency = rate, latency
        self.counters = Counters()
        self._cut_at: int | None = None
        self._corrupt_at: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what a test arms ------------------------------------------------------------------
    def cut_after(self, n: int) -> None:
        """Once, when ``n`` more bytes have gone up: drop that connection (both ends), mid-request."""
        self._cut_at = self.counters.up + n

    def corrupt_after(self, n: int) -> None:
        """Once: flip the bits of the byte that goes up after ``n`` more bytes."""
        self._corrupt_at = self.counters.up + n

    def reset(self) -> Counters:
        """The counters so far, and start counting again from zero."""
        old, self.counters = self.counters, Counters()
        self._cut_at = self._corrupt_at = None
        return old

    # -- life ------------------------------------------------------------------------------
    def __enter__(self) -> ShapingProxy:
        self._thread = threading.Thread(target=self._run, name="shaping-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the shaping proxy did not start")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        self._server = loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._close())
            loop.close()

    async def _close(self) -> None:
        for w in list(self._writers):
            w.transport.abort()
        if self._server is not None:
            self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- carrying bytes --------------------------------------------------------------------
    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            await self._carry(client_r, client_w)
        except asyncio.CancelledError:  # the proxy is closing: nothing to report
            client_w.transport.abort()

    async def _carry(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.transport.abort()
            return
        self.counters.connections += 1
        index = len(self.counters.per_connection)
        self.counters.per_connection.append(0)
        self._writers.update((client_w, server_w))

        def cut() -> None:
            for w in (client_w, server_w):
                w.transport.abort()

        up = asyncio.create_task(self._pipe(client_r, server_w, True, index, cut))
        down = asyncio.create_task(self._pipe(server_r, client_w, False, index, cut))
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.sleep(self.latency)  # what is still on its way arrives, then both go
        for task in (up, down):
            task.cancel()
        for w in (client_w, server_w):
            if not w.transport.is_closing():
                w.close()
            self._writers.discard(w)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upward: bool, index: int,
                    cut: Callable[[], None]) -> None:
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def deliver() -> None:
            while (item := await queue.get()) is not None:
                due, data = item
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if writer.transport.is_closing():
                    return
                cut_now = False
                if upward:
                    data, cut_now = self._shape_up(data, index)
                else:
                    self.counters.down += len(data)
                writer.write(data)
                await writer.drain()
                if cut_now:  # what came before the cut is delivered; then the line goes dead both ways
                    cut()
                    return
            if writer.can_write_eof() and not writer.transport.is_closing():
                writer.write_eof()

        delivering = asyncio.create_task(deliver())
        try:
            while True:
                data = await reader.read(_PIECE)
                if not data:
                    break
                if self.rate:
                    await asyncio.sleep(len(data) / self.rate)
                queue.put_nowait((time.monotonic() + self.latency, data))
        except (ConnectionError, OSError):
            pass
        queue.put_nowait(None)
        try:
            await delivering
        except (ConnectionError, OSError):
            pass

    def _shape_up(self, data: bytes, index: int) -> tuple[bytes, bool]:
        c = self.counters
        if self._corrupt_at is not None and c.up <= self._corrupt_at < c.up + len(data):
            at = self._corrupt_at - c.up
            data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
            self._corrupt_at = None
            c.corrupted += 1
        if self._cut_at is not None and c.up + len(data) >= self._cut_at:
            keep = data[: self._cut_at - c.up]
            self._cut_at = None
            c.cuts += 1
            c.up += len(keep)
            c.per_connection[index] += len(keep)
            return keep, True
        c.up += len(data)
        c.per_connection[index] += len(data)
        return data, False
