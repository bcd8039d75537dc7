"""Reading a request body without trusting it: size caps before and after inflating, a gzip
stream inflated piece by piece so a bomb is stopped at the cap, never held whole, and time
limits so a half-sent or trickled body cannot hold a connection (and its memory) forever."""

from __future__ import annotations

import asyncio
import json
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from county.errors import bad_request, too_large, too_slow

_M = TypeVar("_M", bound=BaseModel)

_GZIP_MAGIC = b"\x1f\x8b"
_STEP = 1 << 20


class Inflater:
    """Collects a (possibly gzip) body, raising 413 past either cap and 400 on broken gzip."""

    def __init__(self, max_body: int, max_inflated: int, gzipped: bool | None) -> None:
        self.max_body = max_body
        self.max_inflated = max_inflated
        self.gzipped = gzipped  # None: decide from the first bytes
        self.received = 0
        self.produced = 0
        self._parts: list[bytes] = []
        self._z: Any = None
        self._head = b""

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.received += len(chunk)
        if self.received > self.max_body:
            raise too_large(self.max_body, inflated=False)
        if self.gzipped is None:
            self._head += chunk
            if len(self._head) < 2:
                return
            chunk, self._head = self._head, b""
            self.gzipped = chunk.startswith(_GZIP_MAGIC)
        if not self.gzipped:
            self._keep(chunk)
            return
        if self._z is None:
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = chunk
        while True:
            if self._z.eof:
                if data:
                    raise bad_request("上传的数据在 gzip 结尾之后还有多余内容", "trailing bytes after the gzip stream")
                return
            # At most one byte over the cap (the bomb is never inflated further), and at most
            # _STEP at a time: one huge output buffer would be grown by copying, doubling the peak.
            limit = min(self.max_inflated - self.produced + 1, _STEP)
            try:
                out = self._z.decompress(data, limit)
            except zlib.error as exc:
                raise bad_request("上传的数据不是有效的 gzip 压缩内容", f"invalid gzip data: {exc}") from None
            self._keep(out)
            data = self._z.unconsumed_tail
            if not data and len(out) < limit:
                return  # this chunk is used up and nothing is held back
            if not out and data:  # no progress possible: corrupt stream
                raise bad_request("上传的数据不是有效的 gzip 压缩内容", "gzip stream makes no progress")

    def _keep(self, data: bytes) -> None:
        self.produced += len(data)
        if self.produced > self.max_inflated:
            raise too_large(self.max_inflated, inflated=True)
        self._parts.append(data)

    def finish(self) -> bytes:
        if self._head:  # a one-byte body
            head, self._head = self._head, b""
            self.gzipped = False
            self._keep(head)
        if self._z is not None:
            if not self._z.eof:
                raise bad_request("上传的数据不完整（gzip 压缩内容被截断）", "truncated gzip stream")
            if self._z.unused_data:
                raise bad_request("上传的数据在 gzip 结尾之后还有多余内容", "trailing bytes after the gzip stream")
        return b"".join(self._parts)


async def read_body(
    stream: AsyncIterator[bytes],
    *,
    content_length: str | None,
    content_encoding: str | None,
    max_body: int,
    max_inflated: int,
    deadline: float | None = None,
    idle_timeout: float | None = None,
) -> bytes:
    """The whole body, within the caps. ``deadline`` bounds the whole read (seconds from now)
    and ``idle_timeout`` each wait for the next piece; past either the answer is 408."""
    check_declared_length(content_length, max_body)
    encoding = (content_encoding or "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise bad_request(f"不支持的压缩方式 {encoding}，请用 gzip", f"unsupported Content-Encoding {encoding!r}")
    inflater = Inflater(max_body, max_inflated, True if "gzip" in encoding else None)
    async for chunk in timed_pieces(stream, deadline=deadline, idle_timeout=idle_timeout):
        inflater.feed(chunk)
    return inflater.finish()


def check_declared_length(content_length: str | None, cap: int) -> None:
    """Refuse at once a body whose Content-Length says it is over ``cap`` (413)."""
    if content_length is None:
        return
    try:
        declared = int(content_length)
    except ValueError:
        raise bad_request("Content-Length 不是数字", "Content-Length is not a number") from None
    if declared > cap:
        raise too_large(cap, inflated=False)


async def timed_pieces(
    stream: AsyncIterator[bytes], *, deadline: float | None, idle_timeout: float | None
) -> AsyncIterator[bytes]:
    """The body's pieces as they come. ``deadline`` bounds the whole read (seconds from now)
    and ``idle_timeout`` each wait for the next piece; past either the answer is 408."""
    pieces = aiter(stream)
    ends = time.monotonic() + deadline if deadline else None
    while True:
        wait = idle_timeout or None
        if ends is not None:
            left = ends - time.monotonic()
            wait = left if wait is None else min(wait, left)
            if wait <= 0:
                raise too_slow(deadline or 0, idle=False)
        try:
            chunk = await asyncio.wait_for(anext(pieces), wait)
        except StopAsyncIteration:
            return
        except TimeoutError:
            whole = ends is not None and time.monotonic() >= ends
            raise too_slow(deadline if whole else idle_timeout, idle=not whole) from None
        yield chunk


def parse_model(model: type[_M], raw: bytes, zh: str, en: str) -> _M:
    """``raw`` as JSON read into ``model``; a body that does not fit is a 400 naming the first
    field that does not, in both languages (``zh`` and ``en`` say what was sent)."""
    return validated(model, parse_json(raw), zh, en)


def validated(model: type[_M], data: Any, zh: str, en: str) -> _M:
    """``data`` (read from JSON already) as ``model``, or the 400 ``parse_model`` says."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise bad_request(f"{zh}：{where} {first.get('msg')}", f"{en}: {where}") from None


def parse_json(data: bytes) -> Any:
    if not data:
        raise bad_request("上传的内容为空", "empty body")
    try:
        # pydantic's own JSON reader (Rust) is several times faster on a large batch; whatever it
        # will not read (a lone surrogate, deep nesting, bad bytes) is judged by ``json`` as before.
        return from_json(data)
    except ValueError:
        pass
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise bad_request("上传的内容不是 UTF-8 编码的 JSON", "body is not UTF-8") from None
    except RecursionError:
        raise bad_request("上传的 JSON 嵌套过深", "JSON nested too deeply") from None
    except ValueError as exc:
        raise bad_request(f"上传的内容不是有效的 JSON（{exc}）", f"invalid JSON: {exc}") from None
