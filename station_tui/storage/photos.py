"""Photos of lectures and activities: checked, made fit to keep, stored once by content hash.

A photo from a phone or a USB stick is opened with Pillow, turned the way its EXIF says,
stripped of EXIF (GPS included: a villager's house is nobody's business), scaled to at most
1920 px on its long side and written as JPEG into the station's photo directory under its
SHA-256. The original is not needed afterwards. The record in ``photos`` says whose it is;
removing a photo is a tombstone like any record, and the file stays while any record uses it.

The photo directory sits beside the database (``station.db`` → ``station-photos/``), so a
copy of the two is a copy of the station; ``station backup`` takes both.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from station_tui.domain.models import Photo
    from station_tui.storage.store import Store

#: The long side of a kept photo: enough to print two to a page of the 台账.
LONG_SIDE = 1920
JPEG_QUALITY = 85
#: A file larger than this is not read at all: no phone photo is, and a 200 MB "photo" from a
#: stick is a video or a scan that would take the old PC's memory with it.
MAX_FILE_BYTES = 40 * 1024 * 1024
#: Pillow's own guard against decompression bombs, made explicit: 80 megapixels.
MAX_PIXELS = 80_000_000


class PhotoError(ValueError):
    """A file that cannot be kept as a photo, said in plain Chinese."""


@dataclass(frozen=True)
class Prepared:
    jpeg: bytes
    sha256: str
    width: int
    height: int
    original_name: str


def short_id(record_id: object) -> str:
    """How a photo or a record is named to people: the last 8 characters of its id (its first
    ones are a time stamp, shared by records made in the same minute)."""
    return str(record_id)[-8:]


def photos_dir(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}-photos")


def file_of(db_path: Path, sha256: str) -> Path:
    return photos_dir(db_path) / sha256[:2] / f"{sha256}.jpg"


def prepare(path: Path) -> Prepared:
    """Read ``path`` and make the JPEG to keep, or say why it cannot be kept."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PhotoError(f"找不到文件 {path}（U 盘拔出了，或文件已移走？）") from None
    except OSError as exc:
        raise PhotoError(f"无法读取 {path}：{exc.strerror or exc}") from None
    if not path.is_file():
        raise PhotoError(f"{path} 不是文件")
    if size == 0:
        raise PhotoError(f"{name} 是空文件")
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024 // 1024
        raise PhotoError(f"{name} 有 {size / 1024 / 1024:.0f} MB，太大了（照片最多 {limit} MB），可能是视频或扫描件")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # a truncated file fails here, not half-way through writing
            upright = ImageOps.exif_transpose(image)
            if upright.mode != "RGB":
                upright = upright.convert("RGB")
            upright.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # No exif= argument: nothing of the original's EXIF (GPS, owner, device) is written.
            upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            width, height = upright.size
    except FileNotFoundError:
        raise PhotoError(f"找不到文件 {path}（U 盘拔出了，或文件已移走？）") from None
    except UnidentifiedImageError:
        raise PhotoError(f"{name} 不是图片（支持 JPEG、PNG 等常见照片格式）") from None
    except Image.DecompressionBombError:
        raise PhotoError(f"{name} 像素太多（超过 {MAX_PIXELS // 1_000_000} 百万像素），不像是照片") from None
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow says "image file is truncated" and the like.
        raise PhotoError(f"{name} 已损坏或不完整，无法打开（{exc}）") from None
    jpeg = out.getvalue()
    return Prepared(jpeg, hashlib.sha256(jpeg).hexdigest(), width, height, name[:255])


def _keep_file(db_path: Path, prepared: Prepared) -> None:
    """Write the JPEG under its hash, whole or not at all (a temporary file renamed into place)."""
    target = file_of(db_path, prepared.sha256)
    if target.exists() and target.stat().st_size == len(prepared.jpeg):
        return  # the same photo is already kept (for this record or another)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(prepared.jpeg)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Added:
    photos: list[Photo]
    #: (file, why) for each file not kept.
    refused: list[tuple[Path, str]]


def add(store: Store, record_table: str, record_id: str, paths: list[Path], caption: str | None = None) -> Added:
    """Attach the photos at ``paths`` to a lecture or an activity. Each good file is kept; each
    bad one is listed with why, and leaves nothing behind. The same picture twice on one record
    is kept once."""
    from station_tui.domain.models import PHOTO_TABLES, Photo

    if record_table not in PHOTO_TABLES:
        raise PhotoError(f"照片只能加在宣讲、活动或群众点单上，不能加在 {record_table} 上")
    if store.query_one(f"SELECT 1 FROM {record_table} WHERE id = ? AND deleted = 0", (record_id,)) is None:
        raise PhotoError("找不到这条记录（可能已被删除）")
    repo = store.repository("photos")
    result = Added([], [])
    for path in paths:
        try:
            prepared = prepare(path)
        except PhotoError as exc:
            result.refused.append((path, str(exc)))
            continue
        photo = Photo(record_table=record_table, record_id=record_id, sha256=prepared.sha256,
                      size_bytes=len(prepared.jpeg), width=prepared.width, height=prepared.height,
                      caption=caption, original_name=prepared.original_name)
        # The file first: a record never names a file that is not there. A file without a
        # record (a crash in between) is harmless and is used again by the next add.
        _keep_file(store.path, prepared)
        with store.write() as conn:
            twice = conn.execute(
                "SELECT 1 FROM photos WHERE record_table = ? AND record_id = ? AND sha256 = ? AND deleted = 0",
                (record_table, record_id, prepared.sha256),
            ).fetchone()
            if twice:
                result.refused.append((path, f"{path.name} 这张照片已经加过了"))
                continue
            result.photos.append(repo.add_in(conn, photo))
    return result


def of_record(store: Store, record_table: str, record_id: str) -> list[Photo]:
    repo = store.repository("photos")
    rows = store.query(
        "SELECT * FROM photos WHERE record_table = ? AND record_id = ? AND deleted = 0 ORDER BY created_at, id",
        (record_table, record_id),
    )
    return [repo.from_row(r) for r in rows]


def count_of(store: Store, record_table: str, record_id: str) -> int:
    return int(store.query_value(
        "SELECT count(*) FROM photos WHERE record_table = ? AND record_id = ? AND deleted = 0",
        (record_table, record_id),
    ))


def find(store: Store, photo_id: str) -> Photo:
    """A photo by its id, or the one photo whose id ends with what was typed (8 or more)."""
    repo = store.repository("photos")
    if len(photo_id) < 8:
        raise PhotoError("照片编号至少要写后 8 位")
    rows = store.query("SELECT * FROM photos WHERE deleted = 0 AND id LIKE '%' || ? LIMIT 2",
                       (photo_id.replace("%", "").replace("_", ""),))
    if not rows:
        raise PhotoError(f"找不到照片 {photo_id}")
    if len(rows) > 1:
        raise PhotoError(f"以 {photo_id} 结尾的照片不止一张，请多写几位")
    return repo.from_row(rows[0])


def remove(store: Store, photo: Photo) -> None:
    """A tombstone, as records are deleted: the county learns of it. The file stays while any
    other record uses the same picture, and for the county until it has it (photo upload)."""
    store.repository("photos").delete(str(photo.id), photo.row_version)


def set_caption(store: Store, photo: Photo, caption: str | None) -> Photo:
    from station_tui.domain.models import Photo as PhotoModel

    checked = PhotoModel.model_validate({**photo.model_dump(), "caption": caption})
    return store.repository("photos").update(checked)
