"""The station's key footer: Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys whenever a screen's bindings *may* have changed (every
focus move, every screen mount), and each new key restyles itself once or twice as its
``compact`` flag is set. On start-up that was the largest single cost after Textual's own (the
dashboard's footer was built four times), and in forms it made every Tab rebuild the same keys
on an old PC. This footer skips a rebuild that would show exactly the same keys, and makes its
keys with the right ``compact`` flag and class, so building one costs no restyle.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from station_tui.locale import t

#: Keys Textual's own widgets show, in our words: a Select's open list offers Esc.
_TEXTUAL_KEYS = {"Dismiss menu": "key.close_list"}


class KeyFooter(Footer):
    """A Footer that is rebuilt only when what it would show differs from what it shows."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._shown: Hashable = None
        # Footer shows nothing until its screen first says its bindings changed, then builds
        # its keys: a second build (and a held-back frame) on every screen's first paint. The
        # screen's bindings are there when the footer is composed; show them at once.
        self._bindings_ready = True

    def compose(self) -> ComposeResult:
        self._shown = self._keys_to_show()
        compact = self.compact
        for widget in super().compose():  # every key passes here, grouped ones too
            if isinstance(widget, FooterKey) and widget.description in _TEXTUAL_KEYS:
                widget.description = t(_TEXTUAL_KEYS[widget.description])
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                # As the data binding would set it once mounted, but before: no restyle. (The
                # command palette's key is not bound and keeps its own compact look.)
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        # Decided when the rebuild would run, not when the signal came: several signals in a
        # row (a screen mounting, then its focus settling) end in the same keys.
        if self.is_attached and self._keys_to_show() != self._shown:
            await self.recompose()

    def _keys_to_show(self) -> Hashable:
        """Everything Footer.compose reads, as one comparable value: the shown bindings (a
        focus move that only brings hidden ones, such as a table's arrow keys, changes nothing)
        and the command palette's."""
        app = self.app
        active = self.screen.active_bindings
        palette = active.get(app.COMMAND_PALETTE_BINDING) if self.show_command_palette else None
        return (
            app.ENABLE_COMMAND_PALETTE,
            None if palette is None else _key(app, *palette[1:]),
            tuple(_key(app, binding, enabled, tooltip)
                  for (_node, binding, enabled, tooltip) in active.values() if binding.show),
        )


def _key(app: App, binding: Binding, enabled: bool, tooltip: str) -> Hashable:
    return (binding.key, app.get_key_display(binding), binding.description, binding.action, binding.group,
            binding.tooltip, enabled, tooltip)
