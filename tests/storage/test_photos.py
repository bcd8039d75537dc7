"""Photos are kept upright, without EXIF, at most 1920 px, once per content hash; a file that is
not a usable photo is refused with a reason and leaves nothing behind."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from station_tui.domain import Activity, Lecture
from station_tui.storage import Store, photos
from tests.station_cli import run


def camera_photo(path: Path, size: tuple[int, int] = (4000, 3000), colour: tuple[int, int, int] = (200, 90, 40),
                 ) -> Path:
    """A phone photo lying on its side (EXIF orientation 6) with a GPS position in its EXIF."""
    image = Image.new("RGB", size, colour)
    image.paste((10, 10, 10), (0, 0, size[0] // 4, size[1] // 4))  # a dark top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


@pytest.fixture
def lecture_id(store: Store, station) -> str:
    lecture = store.lectures.add(Lecture(date=date(2026, 11, 6), topic="民法典与百姓生活"))
    assert lecture.id is not None
    return lecture.id


def test_a_photo_is_kept_upright_small_and_without_exif(store: Store, lecture_id: str, tmp_path: Path) -> None:
    added = photos.add(store, "lectures", lecture_id, [camera_photo(tmp_path / "IMG_0001.JPG")], caption="宣讲现场")
    assert added.refused == []
    (photo,) = added.photos
    kept = photos.file_of(store.path, photo.sha256)
    assert kept.parent.parent == store.path.with_name(f"{store.path.stem}-photos")
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == photo.sha256 and kept.stat().st_size == photo.size_bytes
    with Image.open(kept) as image:
        assert image.format == "JPEG" and image.size == (1440, 1920) == (photo.width, photo.height)
        assert dict(image.getexif()) == {}  # no orientation, no GPS, nothing
        # Turned the way the camera was held: the dark corner is now top right.
        assert image.getpixel((1400, 20))[0] < 60 and image.getpixel((20, 20))[0] > 150
    assert (photo.caption, photo.original_name) == ("宣讲现场", "IMG_0001.JPG")
    assert photos.count_of(store, "lectures", lecture_id) == 1


def test_bad_files_are_refused_each_with_its_reason_and_nothing_is_left(store: Store, lecture_id: str,
                                                                        tmp_path: Path) -> None:
    good = camera_photo(tmp_path / "good.jpg")
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(good.read_bytes()[:4000])
    text = tmp_path / "notes.jpg"
    text.write_text("不是照片", encoding="utf-8")
    huge = tmp_path / "video.jpg"
    with huge.open("wb") as f:  # sparse: 200 MB on paper, nothing on disk
        f.truncate(200 * 1024 * 1024)
    empty = tmp_path / "empty.jpg"
    empty.touch()
    gone = tmp_path / "pulled-out-usb" / "IMG_0002.JPG"
    added = photos.add(store, "lectures", lecture_id, [truncated, text, huge, empty, gone, good])
    reasons = [why for _, why in added.refused]
    assert [p.name for p, _ in added.refused] == ["cut.jpg", "notes.jpg", "video.jpg", "empty.jpg", "IMG_0002.JPG"]
    assert "已损坏或不完整" in reasons[0] and "不是图片" in reasons[1]
    assert "200 MB，太大了" in reasons[2] and "空文件" in reasons[3] and "找不到文件" in reasons[4]
    assert len(added.photos) == 1
    kept = sorted(p for p in photos.photos_dir(store.path).rglob("*") if p.is_file())
    assert kept == [photos.file_of(store.path, added.photos[0].sha256)]
    assert store.query_value("SELECT count(*) FROM photos") == 1


def test_the_same_picture_is_stored_once_and_removing_is_a_tombstone(store: Store, lecture_id: str,
                                                                     tmp_path: Path) -> None:
    picture = camera_photo(tmp_path / "a.jpg")
    activity = store.activities.add(Activity(date=date(2026, 11, 6), title="义诊", platform="教育服务"))
    first = photos.add(store, "lectures", lecture_id, [picture]).photos[0]
    again = photos.add(store, "lectures", lecture_id, [picture])
    assert again.photos == [] and "已经加过了" in again.refused[0][1]
    other = photos.add(store, "activities", str(activity.id), [picture]).photos[0]
    assert other.sha256 == first.sha256
    assert len(list(photos.photos_dir(store.path).rglob("*.jpg"))) == 1
    photos.remove(store, first)
    assert photos.count_of(store, "lectures", lecture_id) == 0
    assert photos.file_of(store.path, first.sha256).exists()  # the activity still shows it
    ops = [r["op"] for r in store.query("SELECT op FROM outbox WHERE record_id = ? ORDER BY seq", (first.id,))]
    assert ops == ["insert", "delete"]  # a tombstone the county learns of
    with pytest.raises(photos.PhotoError, match="宣讲、活动或群众点单"):
        photos.add(store, "people", lecture_id, [picture])


def test_the_command_finds_the_record_by_date_and_says_what_it_did(db_path: Path, store: Store, station,
                                                                   tmp_path: Path) -> None:
    lecture = store.lectures.add(Lecture(date=date(2026, 11, 6), topic="民法典与百姓生活"))
    store.lectures.add(Lecture(date=date(2026, 11, 8), topic="防范电信诈骗"))
    store.activities.add(Activity(date=date(2026, 11, 8), title="义诊", platform="教育服务"))
    store.close()
    picture = camera_photo(tmp_path / "IMG_0003.JPG")
    done = run("photo", "add", "2026-11-06", str(picture), "--caption", "现场", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "已添加 IMG_0003.JPG" in done.stdout and "2026-11-06 宣讲 民法典与百姓生活：现有照片 1 张" in done.stdout
    two = run("photo", "add", "2026-11-08", str(picture), db=db_path)
    assert two.returncode == 1 and "不止一条" in two.stderr and "防范电信诈骗" in two.stderr and "义诊" in two.stderr
    short = photos.short_id(lecture.id)
    listed = run("photo", "list", short, db=db_path)
    assert "照片 1 张" in listed.stdout and "IMG_0003.JPG" in listed.stdout and "现场" in listed.stdout
    photo_id = listed.stdout.splitlines()[1].split()[0]
    assert run("photo", "remove", photo_id, db=db_path).returncode == 0
    assert "照片 0 张" in run("photo", "list", short, db=db_path).stdout
    bad = run("photo", "add", "2026-11-06", str(tmp_path / "nothere.jpg"), db=db_path)
    assert bad.returncode == 1 and "找不到文件" in bad.stdout


def test_a_villager_request_takes_photos_by_the_day_it_came_in(db_path: Path, store: Store, station,
                                                                tmp_path: Path) -> None:
    from station_tui.domain.models import Request

    request = store.requests.add(Request(received_on=date(2026, 11, 2), wish="修补漏雨的屋顶", requester="王大妈"))
    store.close()
    done = run("photo", "add", "2026-11-02", str(camera_photo(tmp_path / "roof.jpg")), db=db_path)
    assert done.returncode == 0, done.stderr
    assert "2026-11-02 点单 王大妈：修补漏雨的屋顶：现有照片 1 张" in done.stdout
    with Store(db_path) as again:
        assert [p.original_name for p in photos.of_record(again, "requests", str(request.id))] == ["roof.jpg"]
