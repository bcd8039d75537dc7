"""HTTP to the county center, as docs/sync-protocol.md describes it.

Turns every answer into either a protocol model or one of the client's errors, and retries
transient failures (connection refused, 429, 5xx, a proxy's HTML page) with exponential
backoff and jitter through ``stamina``. httpx is imported here only, and only when used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync import protocol
from sync.errors import CountyBusy, NotOffered, Offline, ProtocolError, SyncError, TokenRefused

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx


@dataclass(frozen=True)
class RetryPolicy:
    """How long one request keeps trying before the run gives up with exit 75."""

    attempts: int = 4
    #: Seconds; the total a single request may spend retrying.
    timeout: float = 30.0
    wait_initial: float = 0.3
    wait_max: float = 5.0
    wait_jitter: float = 0.5
    #: Seconds to wait for a batch's answer before the batch is made smaller.
    read_timeout: float = 60.0
    connect_timeout: float = 5.0


class Transient(Exception):
    """Worth another try: the network or the county is having a bad moment."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.retry_after = kind, detail, retry_after


class AckBehind(Exception):
    """409 ack_behind: the county holds less of this epoch than the batch assumed."""

    def __init__(self, ack_seq: int) -> None:
        super().__init__(f"county ack is {ack_seq}")
        self.ack_seq = ack_seq


class TooLarge(Exception):
    """413, or no answer in time: the batch should be smaller."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.timed_out = timed_out


class PhotoOffset(Exception):
    """409 photo_offset: the county holds ``received`` bytes of the photo; send from there."""

    def __init__(self, received: int) -> None:
        super().__init__(f"county holds {received} bytes")
        self.received = received


class PhotoRefused(Exception):
    """403 photo_unknown or 422 photo_mismatch: this photo is not taken as sent."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


class CountyAPI:
    def __init__(self, server: str, *, token: str | None = None, verify: str | bool = True,
                 policy: RetryPolicy | None = None, log: Callable[[str], None] | None = None) -> None:
        import socket

        import httpx

        self.policy = policy or RetryPolicy()
        #: Where retries are told (``station sync --verbose``); silent otherwise.
        self.log = log or (lambda _message: None)
        self.server = server.rstrip("/")
        headers = {"User-Agent": "station-tui-sync", "Accept": "application/json"}
        if token:
            headers.update(protocol.auth_header(token))
        timeout = httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout)
        if self.server.lower().startswith("http://"):
            verify = False  # no TLS on a county LAN: skip loading the CA roots (redirects are not followed)
        # TCP_NODELAY: a request goes out as headers then body, and Nagle's algorithm would
        # hold the body back until the county acknowledges the headers.
        transport = httpx.HTTPTransport(verify=verify, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        self._http = httpx.Client(base_url=self.server, headers=headers, timeout=timeout, transport=transport)
        #: Bytes of request bodies put on the wire (for --verbose and the benchmark).
        self.bytes_sent = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CountyAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the endpoints --------------------------------------------------------------------
    def enroll(self, request: protocol.EnrollRequest) -> protocol.EnrollResponse:
        body = request.model_dump_json().encode("utf-8")
        data = self._call("POST", protocol.ENROLL_PATH, content=body,
                          headers={"Content-Type": "application/json"})
        return _parse(protocol.EnrollResponse, data)

    def ack(self, epoch: str) -> protocol.AckStatus:
        data = self._call("GET", protocol.ACK_PATH, params={"epoch": epoch})
        return _parse(protocol.AckStatus, data)

    def post_batch(self, gz_body: bytes) -> protocol.BatchResult:
        data = self._call("POST", protocol.BATCHES_PATH, content=gz_body, headers={
            "Content-Type": "application/json", "Content-Encoding": "gzip"})
        return _parse(protocol.BatchResult, data)

    def downlink(self, after: int, feed: str | None, limit: int | None = None) -> Any:
        """``GET /api/v1/downlink``: the county's items after ``after`` (a ``downlink.DownlinkPage``)."""
        from sync import downlink

        params: dict[str, Any] = {"after": after}
        if feed:
            params["feed"] = feed
        if limit:
            params["limit"] = limit
        return _parse(downlink.DownlinkPage, self._call("GET", downlink.DOWNLINK_PATH, params=params))

    def own_rows(self, table: str, after: str | None, limit: int | None = None) -> Any:
        """``GET /api/v1/records``: this station's own records of ``table`` (a ``downlink.OwnRowsPage``)."""
        from sync import downlink

        params: dict[str, Any] = {"table": table}
        if after:
            params["after"] = after
        if limit:
            params["limit"] = limit
        return _parse(downlink.OwnRowsPage, self._call("GET", downlink.RECORDS_PATH, params=params))

    def photo_status(self, hashes: list[str]) -> protocol.PhotoStatusAnswer:
        """``POST /api/v1/photos/status``: where the county stands on each of these photos."""
        import json

        body = json.dumps({"sha256": hashes}, separators=(",", ":")).encode("ascii")
        data = self._call("POST", protocol.PHOTOS_STATUS_PATH, content=body,
                          headers={"Content-Type": "application/json"})
        return _parse(protocol.PhotoStatusAnswer, data)

    def photo_chunk(self, sha256: str, offset: int, chunk: bytes) -> protocol.PhotoChunkAnswer:
        """``POST /api/v1/photos/{sha256}?offset=N``: bytes of a photo, raw. Tried once: after a
        failure (``Transient``) the caller asks :meth:`photo_status` how much arrived (the county
        keeps the part of a cut chunk) rather than sending the whole chunk again. A slow link is
        not a dead one: the wait for the answer grows with the chunk (the bytes may still sit in
        the socket buffers when the last write returns), at least 1 KB/s."""
        import httpx

        p = self.policy
        wait = max(p.read_timeout, len(chunk) / 1000 + 30)
        data = self._once(
            "POST", f"{protocol.PHOTOS_PATH}/{sha256}", params={"offset": offset}, content=chunk,
            headers={"Content-Type": "application/octet-stream"},
            timeout=httpx.Timeout(wait, connect=p.connect_timeout),
        )
        return _parse(protocol.PhotoChunkAnswer, data)

    # -- plumbing -------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        import stamina

        # stamina's own hooks would write "stamina.retry_scheduled" to stderr through the
        # logging module's last-resort handler, in every cron mail; retries are told below.
        stamina.instrumentation.set_on_retry_hooks(())
        p = self.policy
        last: Transient | None = None
        try:
            for attempt in stamina.retry_context(
                on=_retry_hook, attempts=p.attempts, timeout=p.timeout,
                wait_initial=p.wait_initial, wait_max=p.wait_max, wait_jitter=p.wait_jitter,
            ):
                if last is not None:
                    self.log(f"{method} {path}: attempt {attempt.num} of {p.attempts} after: {last.detail}")
                with attempt:
                    try:
                        return self._once(method, path, **kwargs)
                    except Transient as exc:
                        last = exc
                        raise
        except Transient as exc:
            last = exc
        assert last is not None
        if last.kind == "offline":
            raise Offline(
                "连不上县中心（网络不通或县中心没有开机），修改都还保存在本机，下次同步时会接着上传。",
                f"Cannot reach the county center at {self.server}: {last.detail}",
            )
        raise CountyBusy(
            "县中心暂时忙，修改都还保存在本机，下次同步时会接着上传。",
            f"The county center at {self.server} is busy or failing: {last.detail}",
        )

    def _once(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        import httpx

        content = kwargs.get("content")
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            if method == "POST" and path == protocol.BATCHES_PATH and isinstance(
                exc, (httpx.ReadTimeout, httpx.WriteTimeout)
            ):
                raise TooLarge(f"no answer within {self.policy.read_timeout:.0f}s", timed_out=True) from exc
            raise Transient("offline", f"{type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:
            if _certificate_refused(exc):
                raise SyncError(
                    "县中心的证书无法验证，没有上传任何内容。如果县中心使用自己的证书，请向县中心要 CA 证书文件，"
                    "用 station enroll --ca-bundle 文件 重新登记。",
                    f"The county's TLS certificate could not be verified ({exc}); enroll with --ca-bundle.",
                ) from exc
            raise Transient("offline", f"{type(exc).__name__}: {exc}") from exc
        if content is not None:
            self.bytes_sent += len(content)
        return _interpret(response)


def _certificate_refused(exc: BaseException) -> bool:
    """A certificate that does not verify is not a network hiccup: retrying cannot help."""
    import ssl

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _retry_hook(exc: Exception) -> bool | float:
    if isinstance(exc, Transient):
        # Honour the county's Retry-After, within reason.
        return min(exc.retry_after, 30.0) if exc.retry_after else True
    return False


def _interpret(response: httpx.Response) -> dict[str, Any]:
    status = response.status_code
    try:
        data = response.json()
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError:
        # A proxy's HTML error page or a half-answer: treat like "unavailable".
        raise Transient("busy", f"HTTP {status} with a body that is not JSON") from None
    if status < 300:
        return data
    error = str(data.get("error", ""))
    message = str(data.get("message") or "")
    message_en = str(data.get("message_en") or "")
    if status == 401:
        raise TokenRefused(
            "县中心拒绝了本站的登记凭据（可能已被吊销或不是本站的），请向县中心要一个新的登记码，"
            "再运行 station enroll。",
            f"The county refused the station token ({message_en or error}); enroll again.",
        )
    if status == 409 and error == "ack_behind" and isinstance(data.get("ack_seq"), int):
        raise AckBehind(int(data["ack_seq"]))
    if status == 409 and error == "photo_offset" and isinstance(data.get("received"), int):
        raise PhotoOffset(int(data["received"]))
    if error in ("photo_unknown", "photo_mismatch") and status in (403, 422):
        raise PhotoRefused(error, message, message_en)
    if status == 413:
        raise TooLarge(message_en or "request too large")
    if status in (408, 429, 500, 502, 503, 504):
        retry_after = data.get("retry_after")
        header = response.headers.get("Retry-After")
        if retry_after is None and header and header.replace(".", "", 1).isdigit():
            retry_after = float(header)
        raise Transient("busy", f"HTTP {status} {error}: {message_en}",
                        float(retry_after) if isinstance(retry_after, (int, float)) else None)
    if status == 404 and not error:
        raise NotOffered("县中心的程序版本较旧，还不提供这项服务。", f"HTTP 404: the county has no {response.url.path}")
    if status == 426:
        raise SyncError(message or "县中心与本站程序版本不匹配，请升级。", message_en or "upgrade required")
    raise ProtocolError(
        message or f"县中心拒绝了这次上传（{status} {error}）。",
        f"HTTP {status} {error}: {message_en}",
    )


def _parse(model: type[Any], data: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProtocolError("县中心的回答看不懂，本次没有标记任何修改为已上传。",
                            f"Unexpected answer from the county: {exc}") from exc
