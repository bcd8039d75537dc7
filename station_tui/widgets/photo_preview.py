"""A photo drawn with half blocks: each cell is "▀" in the top pixel's colour on the bottom
pixel's, so a terminal of 80×24 shows a recognisable picture, over SSH too (nothing but text
and colours is sent). Pillow does the scaling; it is imported when a picture is drawn."""

from __future__ import annotations

from pathlib import Path

from rich.color import Color
from rich.style import Style
from rich.text import Text


def half_blocks(path: Path, width: int, height: int) -> Text:
    """The picture at ``path`` fitted into ``width`` × ``height`` cells (2 pixels a cell, upright)."""
    from PIL import Image

    with Image.open(path) as image:
        picture = image.convert("RGB")
    # A terminal cell is about twice as tall as wide: one cell column is one pixel wide, two tall.
    picture.thumbnail((max(1, width), max(2, height * 2)), Image.Resampling.LANCZOS)
    w, h = picture.size
    pixels = picture.load()
    assert pixels is not None
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple[object, object], Style] = {}
    for y in range(0, h - 1, 2):
        for x in range(w):
            top, bottom = pixels[x, y], pixels[x, y + 1]
            key = (top, bottom)
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
            text.append("▀", style)
        text.append("\n")
    if h % 2:  # an odd last row: its top half only
        for x in range(w):
            text.append("▀", Style(color=Color.from_rgb(*pixels[x, h - 1])))
    return text
