"""Chinese characters stay whole where an overlay lies over other widgets.

Textual's compositor cuts every screen line at every widget's left and right edge and cuts
each widget's line at all of those edges, also where the widget in front owns both sides. A
Chinese character (two cells wide) that a cut goes through is replaced by two spaces, so an
open list box over a form's buttons showed 文艺宣讲 as "文艺  讲", and a notice over a table's
column edge lost characters the same way (Textualize/textual#6357, open in 8.2.8).

The fix: a line is cut only where what is visible changes hands. Where one widget owns
several pieces in a row, it gets them as one piece, stored at the first; the others hold an
empty piece so that nothing behind claims them. A partial screen update then writes each
piece to its own length, not to the next cut.

Applied once, when the app module is imported, if the two methods it replaces still look as
they did in the Textual versions it was checked with (asking Textual its version would load
importlib.metadata and three dozen modules at start-up). tests/tui/test_wide_chars.py fails
on any other Textual version, so an upgrade is re-checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

#: Textual versions whose compositor this was written against (and tested with).
CHECKED_VERSIONS = ("8.2.8",)
_EMPTY = Strip([], 0)

applied = False


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    """Compositor._render_chops, cutting a widget's line only where ownership changes."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            # Renders come front to back: a piece already filled belongs to a widget in front.
            free = [line.get(cut) is None for cut in final_cuts[:-1]]
            if not free:
                continue
            starts = [0] + [i for i in range(1, len(free)) if not (free[i - 1] and free[i])]
            ends = [*starts[1:], len(free)]
            pieces = strip.divide([final_cuts[end] - render_x for end in ends])
            for start, end, piece in zip(starts, ends, pieces, strict=False):
                if not free[start]:
                    continue
                line[final_cuts[start]] = piece
                for i in range(start + 1, end):
                    line[final_cuts[i]] = _EMPTY
    # Typed as Textual's own method declares and casts its result (a cut nobody drew holds None).
    return cast("Sequence[Mapping[int, Strip]]", chops)


_chops_update_init = ChopsUpdate.__init__


def _chops_update(self: ChopsUpdate, chops: Any, spans: Any, chop_ends: list[list[int]]) -> None:
    """ChopsUpdate, each piece ending where it really ends (a merged one spans several cuts)."""
    ends = list(chop_ends)
    for y in {y for y, _x1, _x2 in spans}:
        ends[y] = [
            end if strip is None else x + strip.cell_length
            for end, (x, strip) in zip(chop_ends[y], chops[y].items(), strict=False)
        ]
    _chops_update_init(self, chops, spans, ends)


def _replaceable() -> bool:
    """The methods to replace take the arguments and use the names they did when checked."""
    chops, init = Compositor._render_chops.__code__, ChopsUpdate.__init__.__code__
    return (
        chops.co_varnames[:3] == ("self", "crop", "is_rendered_line")
        and {"cuts", "_get_renders", "divide"} <= set(chops.co_names)
        and init.co_varnames[:4] == ("self", "chops", "spans", "chop_ends")
    )


def apply() -> bool:
    """Patch the compositor if it is the one this was written for; True when in place."""
    global applied
    if not applied and _replaceable():
        Compositor._render_chops = _render_chops  # type: ignore[method-assign]
        ChopsUpdate.__init__ = _chops_update  # type: ignore[method-assign]
        applied = True
    return applied
