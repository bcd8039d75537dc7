"""Refusals the county gives, each with a code, a Chinese message and an English one."""

from __future__ import annotations

from typing import Any

from sync.protocol import ErrorBody


class ApiError(Exception):
    """A refusal that becomes an ``ErrorBody`` answer (or a CLI message) as is."""

    def __init__(self, status: int, code: str, message: str, message_en: str, **extra: Any) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en
        self.extra = extra

    def body(self) -> ErrorBody:
        return ErrorBody(error=self.code, message=self.message, message_en=self.message_en, **self.extra)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.message}\n{self.message_en}"


class AckBehind(ApiError):
    """The county's ack for this epoch is behind what the station believes: it was restored
    from an old backup. The station rewinds to ``ack_seq`` and sends again."""

    def __init__(self, ack_seq: int, after_seq: int) -> None:
        super().__init__(
            409,
            "ack_behind",
            f"县中心只保存了本站到第 {ack_seq} 条的修改（本站以为已到第 {after_seq} 条），"
            f"县中心可能从备份恢复过。将从第 {ack_seq} 条之后重新上传。",
            f"the county holds this epoch up to seq {ack_seq}, behind after_seq {after_seq}; rewind and re-send",
            ack_seq=ack_seq,
        )


def bad_request(message: str, message_en: str) -> ApiError:
    return ApiError(400, "bad_request", message, message_en)


def too_large(limit: int, inflated: bool) -> ApiError:
    mib = limit / (1024 * 1024)
    if inflated:
        return ApiError(
            413,
            "too_large",
            f"上传的数据解压后超过 {mib:g} MiB 的上限，请分成更小的批次上传。",
            f"body inflates past the {limit} byte limit; send smaller batches",
        )
    return ApiError(
        413,
        "too_large",
        f"上传的数据超过 {mib:g} MiB 的上限，请分成更小的批次上传。",
        f"body is over the {limit} byte limit; send smaller batches",
    )


def too_slow(seconds: float | None, idle: bool) -> ApiError:
    """A body that did not arrive in time; the connection is closed after this answer."""
    if idle:
        return ApiError(
            408,
            "request_timeout",
            f"上传的数据 {seconds:g} 秒没有新内容，县中心已停止等待。"
            "网络恢复后会自动重新上传，本站数据已安全保存在本机。",
            f"no body bytes for {seconds:g}s; the request was dropped, send it again",
        )
    return ApiError(
        408,
        "request_timeout",
        f"上传的数据 {seconds:g} 秒内没有传完，县中心已停止等待。网络恢复后会自动重新上传，本站数据已安全保存在本机。",
        f"the body did not arrive within {seconds:g}s; the request was dropped, send it again",
    )


def unauthorized(revoked: bool = False) -> ApiError:
    if revoked:
        return ApiError(
            401,
            "unauthorized",
            "本站的同步凭证已被县中心注销，请向县中心索取新的注册码后重新注册（station enroll）。",
            "station token revoked; enroll again with a new enrollment code",
        )
    return ApiError(
        401,
        "unauthorized",
        "同步凭证无效：县中心不认识这个凭证。请向县中心索取注册码后重新注册（station enroll）。",
        "missing or unknown station token; enroll first",
    )
