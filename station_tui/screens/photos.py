"""照片 (key i on a lecture or an activity): the record's photos with a preview, adding from a
folder or a USB stick, a caption, removing one. Storage is ``storage/photos.py``; this screen
only asks it, in workers (Pillow takes a moment per photo on an old PC)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, DirectoryTree, Label, Static

from station_tui.locale import t
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.table import RecordTable
from station_tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.text import Text

    from station_tui.domain.models import Photo

#: What the folder tree shows besides folders: the files Pillow reads as photos.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic"})


class PhotosScreen(Localized, ModalScreen[None]):
    DEFAULT_CSS = """
    PhotosScreen { background: $background 60%; }
    PhotosScreen > #photos { width: 100%; height: 100%; border: thick $primary; background: $surface; }
    PhotosScreen #photos-body { height: 1fr; }
    PhotosScreen #photos-list { width: 40; height: 1fr; }
    PhotosScreen #photos-preview { width: 1fr; height: 1fr; content-align: center middle; }
    PhotosScreen #photos-caption { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("a", "add", "photos.key_add", id="photos.add"),
        Binding("e", "caption", "photos.key_caption", id="photos.caption"),
        Binding("d,delete", "remove", "key.delete", id="photos.remove"),
        Binding("escape", "close", "key.close", id="photos.close"),
    ]

    class Listed(Message):
        def __init__(self, photos: list[Photo]) -> None:
            super().__init__()
            self.photos = photos

    class Drawn(Message):
        def __init__(self, photo_id: str, picture: Text | str) -> None:
            super().__init__()
            self.photo_id, self.picture = photo_id, picture

    def __init__(self, record_table: str, record_id: str, title: str) -> None:
        super().__init__()
        self.record_table, self.record_id, self.title_text = record_table, record_id, title
        self._photos: list[Photo] = []
        #: Where the last photos came from: the picker opens there next time.
        self.last_folder: Path | None = None

    @property
    def db_path(self) -> Path:
        return Path(self.app.store.path)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="photos") as box:
            box.border_title = t("photos.title", record=self.title_text)
            with Horizontal(id="photos-body"):
                yield RecordTable(id="photos-list", cursor_type="row", zebra_stripes=True)
                yield Static(t("photos.none"), id="photos-preview", markup=False)
            yield Static("", id="photos-caption", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("photos.col_id"), key="id", width=8)
        table.add_column(t("photos.col_size"), key="size", width=9)
        table.add_column(t("photos.col_caption"), key="caption", width=17)
        self.load()

    @work(thread=True, exclusive=True, group="photos_list")
    def load(self) -> None:
        try:
            from station_tui.storage import Store, photos

            with Store(self.db_path) as store:
                self.post_message(self.Listed(photos.of_record(store, self.record_table, self.record_id)))
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        from station_tui.storage.photos import short_id

        self._photos = event.photos
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for photo in event.photos:
            shown = photo.caption or photo.original_name or ""
            table.add_row(short_id(photo.id), f"{photo.width}×{photo.height}", shown, key=str(photo.id))
        if not event.photos:
            self.query_one("#photos-preview", Static).update(t("photos.none"))
            self.query_one("#photos-caption", Static).update("")
        else:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1))
            self._draw(self.chosen())

    def chosen(self) -> Photo | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((p for p in self._photos if str(p.id) == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._draw(self.chosen())

    def _draw(self, photo: Photo | None) -> None:
        if photo is None:
            return
        self.query_one("#photos-caption", Static).update(
            " ".join(part for part in (photo.original_name, photo.caption) if part)
        )
        preview = self.query_one("#photos-preview", Static)
        self._render_preview(photo, preview.size.width or 36, preview.size.height or 16)

    @work(thread=True, exclusive=True, group="photos_preview")
    def _render_preview(self, photo: Photo, width: int, height: int) -> None:
        try:
            from station_tui.storage.photos import file_of
            from station_tui.widgets.photo_preview import half_blocks

            try:
                picture: Text | str = half_blocks(file_of(self.db_path, photo.sha256), width, height)
            except OSError:
                picture = t("photos.file_missing")
            self.post_message(self.Drawn(str(photo.id), picture))
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")

    @on(Drawn)
    def _drawn(self, event: Drawn) -> None:
        current = self.chosen()
        if current is not None and str(current.id) == event.photo_id:
            self.query_one("#photos-preview", Static).update(event.picture)

    # -- adding ------------------------------------------------------------------------------
    def action_add(self) -> None:
        self.app.push_screen(PhotoPicker(self.last_folder or Path.home()), self._picked)

    def _picked(self, chosen: list[Path] | None) -> None:
        if chosen:
            self.last_folder = chosen[0].parent
            self.notify(t("photos.adding", n=len(chosen)), timeout=2)
            self._add(chosen)

    @work(thread=True, group="photos_write")
    def _add(self, paths: list[Path]) -> None:
        try:
            from station_tui.storage import Store, photos

            try:
                with Store(self.db_path) as store:
                    added = photos.add(store, self.record_table, self.record_id, paths)
            except photos.PhotoError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error")
                return
            for _path, why in added.refused:
                self.app.call_from_thread(self.notify, why, severity="error", timeout=8)
            if added.photos:
                self.app.call_from_thread(self.notify, t("photos.added", n=len(added.photos)))
            self.app.call_from_thread(self.load)
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")

    # -- caption and removal -----------------------------------------------------------------
    def action_caption(self) -> None:
        photo = self.chosen()
        if photo is not None:
            self.app.push_screen(CaptionDialog(photo.caption or ""), lambda text: self._caption(photo, text))

    def _caption(self, photo: Photo, text: str | None) -> None:
        if text is not None:
            self._write("caption", photo, text)

    def action_remove(self) -> None:
        from station_tui.modals.confirm import ConfirmModal

        photo = self.chosen()
        if photo is not None:
            question = t("photos.remove_question", name=photo.caption or photo.original_name or "")
            self.app.push_screen(ConfirmModal(question), lambda yes: self._removed(photo, yes))

    def _removed(self, photo: Photo, yes: bool | None) -> None:
        if yes:
            self._write("remove", photo, "")

    @work(thread=True, group="photos_write")
    def _write(self, what: str, photo: Photo, text: str) -> None:
        try:
            from pydantic import ValidationError

            from station_tui.domain.errors import explain_text
            from station_tui.storage import StaleRecord, Store, photos

            try:
                with Store(self.db_path) as store:
                    if what == "remove":
                        photos.remove(store, photo)
                    else:
                        photos.set_caption(store, photo, text.strip() or None)
            except StaleRecord:
                self.app.call_from_thread(self.notify, t("photos.changed_elsewhere"), severity="warning")
            except ValidationError as exc:
                self.app.call_from_thread(self.notify, explain_text(exc), severity="error")
            self.app.call_from_thread(self.load)
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")

    def action_close(self) -> None:
        self.dismiss(None)


class PhotoFolder(DirectoryTree):
    """Folders and photo files only: a USB stick's other files stay out of the way."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in PHOTO_SUFFIXES)]


class PhotoPicker(Localized, ModalScreen[list[Path] | None]):
    """A folder tree, keyboard first: ↑↓ to move, → or Enter opens a folder, Enter on a photo
    takes it, Ctrl+A takes every photo of the folder. A path typed in the box (a USB stick's
    /media/… or E:\\) opens there."""

    DEFAULT_CSS = """
    PhotoPicker { align: center middle; }
    PhotoPicker > #picker { width: 76; max-width: 100%; height: 22; border: thick $primary; background: $surface; }
    PhotoPicker #picker-tree { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+a", "whole_folder", "photos.key_whole_folder", id="photo_picker.whole_folder"),
        Binding("escape", "cancel", "key.cancel", id="photo_picker.cancel"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start if start.is_dir() else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker") as box:
            box.border_title = t("photos.picker_title")
            yield Label(t("photos.picker_path"), markup=False)
            yield TextInput(str(self.start), id="picker-path", compact=True)
            yield PhotoFolder(self.start, id="picker-tree")
            yield Static("", id="picker-problem", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        # The path first: a USB stick's folder is typed (or Enter takes the folder shown) and
        # the tree below then has the focus.
        path = self.query_one("#picker-path", TextInput)
        path.focus()
        path.action_end()

    @on(TextInput.Submitted, "#picker-path")
    def _go(self, event: TextInput.Submitted) -> None:
        folder = Path(event.value.strip()).expanduser()
        if folder.is_file() and folder.suffix.lower() in PHOTO_SUFFIXES:
            self.dismiss([folder])
        elif folder.is_dir():
            tree = self.query_one(PhotoFolder)
            tree.path = folder
            tree.focus()
            self.query_one("#picker-problem", Static).update("")
        else:
            self.query_one("#picker-problem", Static).update(t("photos.no_such_folder", path=str(folder)))

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss([Path(event.path)])

    def action_whole_folder(self) -> None:
        tree = self.query_one(PhotoFolder)
        node = tree.cursor_node
        folder = Path(tree.path)
        if node is not None and node.data is not None:
            here = Path(node.data.path)
            folder = here if here.is_dir() else here.parent
        found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
        if not found:
            self.query_one("#picker-problem", Static).update(t("photos.folder_empty", path=str(folder)))
            return
        self.dismiss(found)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CaptionDialog(Localized, ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="photo_caption.cancel")]

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.caption = caption

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = t("photos.caption_title")
            yield TextInput(self.caption, id="caption-text", max_length=200, compact=True)
        yield KeyFooter()

    @on(TextInput.Submitted)
    def _done(self, event: TextInput.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_photos(app: Any, kind: str, record_id: str, title: str) -> None:
    """The photos of a lecture (``kind`` "lecture"), an activity or a villager request, over
    the current screen."""
    table = {"lecture": "lectures", "activity": "activities", "request": "requests"}[kind]
    app.push_screen(PhotosScreen(table, record_id, title), lambda _none: app.data_changed())
