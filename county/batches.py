"""From a decoded JSON body to a batch the store can apply, refusing what breaks the contract.

The split matters: a batch whose *envelope* is wrong (versions, epoch, seq order, a change
without a seq) is refused whole (400/426) because the county could not acknowledge
it safely. A single *change* that is wrong is accepted into quarantine instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, ValidationError

from county import rows
from county.errors import ApiError, bad_request
from sync.protocol import (
    MAX_CHANGES_PER_BATCH,
    MAX_COUNTER,
    MAX_SCHEMA_VERSION,
    MIN_SCHEMA_VERSION,
    PROTOCOL_VERSION,
    Wire,
    supported_window,
)


class _Envelope(Wire):
    protocol_version: int
    schema_version: int
    app_version: str = Field(min_length=1, max_length=40)
    station: str | None = None
    epoch: str = Field(min_length=1, max_length=64)
    after_seq: int = Field(ge=0, le=MAX_COUNTER)
    #: Checked one by one below (a pydantic copy of thousands of changes costs more than the checks).
    changes: list[Any] = Field(max_length=MAX_CHANGES_PER_BATCH)


@dataclass(slots=True)
class ParsedBatch:
    epoch: str
    after_seq: int
    app_version: str
    claimed_station: str | None
    items: list[rows.Incoming]


def check_versions(protocol_version: Any, schema_version: Any) -> None:
    """426 outside the window, with a message saying which side should upgrade."""
    if protocol_version != PROTOCOL_VERSION or not isinstance(protocol_version, int):
        newer = isinstance(protocol_version, int) and protocol_version > PROTOCOL_VERSION
        raise _upgrade(
            f"通信协议版本 {rows.quote(protocol_version)}",
            newer,
            f"通信协议版本 {PROTOCOL_VERSION}",
            f"protocol version {rows.quote(protocol_version)} not supported (county speaks {PROTOCOL_VERSION})",
        )
    if (
        not isinstance(schema_version, int)
        or isinstance(schema_version, bool)
        or not (MIN_SCHEMA_VERSION <= schema_version <= MAX_SCHEMA_VERSION)
    ):
        newer = isinstance(schema_version, int) and schema_version > MAX_SCHEMA_VERSION
        raise _upgrade(
            f"数据结构版本 {rows.quote(schema_version)}",
            newer,
            f"数据结构版本 {MIN_SCHEMA_VERSION}–{MAX_SCHEMA_VERSION}",
            f"schema version {rows.quote(schema_version)} is outside the supported window "
            f"{MIN_SCHEMA_VERSION}-{MAX_SCHEMA_VERSION}",
        )


def _upgrade(what: str, station_newer: bool, accepted: str, message_en: str) -> ApiError:
    if station_newer:
        message = (
            f"本站程序比县中心新（{what}），县中心暂时不能接收（只接收{accepted}）。"
            "本站数据已安全保存在本机，请联系县中心升级后再同步。"
        )
        message_en += "; upgrade the county center"
    else:
        message = (
            f"本站程序版本过旧（{what}），县中心只接收{accepted}。"
            "请升级本站程序后再同步，本站数据已安全保存在本机。"
        )
        message_en += "; upgrade the station app"
    return ApiError(426, "upgrade_required", message, message_en, supported=supported_window())


def parse(body: Any) -> ParsedBatch:
    if not isinstance(body, dict):
        raise bad_request("上传的内容应是一个 JSON 对象（批次）", "body must be a JSON object (a batch)")
    check_versions(body.get("protocol_version"), body.get("schema_version"))
    try:
        env = _Envelope.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise bad_request(
            f"批次格式不对：{where} {first.get('msg')}", f"malformed batch: {where}: {first.get('msg')}"
        ) from None
    for name in ("epoch", "app_version"):
        if not rows.clean_text(getattr(env, name)):
            raise bad_request(
                f"批次的 {name} 含有控制字符或无效的 Unicode 字符", f"{name} has control or invalid characters"
            )
    items: list[rows.Incoming] = []
    last = env.after_seq
    for n, raw in enumerate(env.changes):
        if type(raw) is not dict:
            raise bad_request(
                f"changes 中第 {n + 1} 条修改不是 JSON 对象", f"changes[{n}] is not a JSON object"
            )
        seq = raw.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_COUNTER:
            raise bad_request(f"第 {n + 1} 条修改没有有效的序号（seq）", f"change #{n + 1} has no valid seq")
        if seq <= last:
            raise bad_request(
                f"修改的序号应在 after_seq 之后且逐条递增：seq {seq} 出现在 {last} 之后",
                f"seqs must increase and exceed after_seq: {seq} after {last}",
            )
        last = seq
        items.append(rows.inspect(seq, raw))
    return ParsedBatch(
        epoch=env.epoch, after_seq=env.after_seq, app_version=env.app_version, claimed_station=env.station, items=items
    )
