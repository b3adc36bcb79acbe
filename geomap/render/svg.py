"""SVG with its text kept as text: labels stay editable in a newsroom's drawing tool.

matplotlib writes text as ``<text>`` when ``svg.fonttype`` is ``none``, but draws text that has a
path effect (the white halo behind every place label) as glyph outlines. So the halo is taken off
while writing and put back as SVG paint: a white stroke painted under the fill
(``paint-order: stroke``), the same look as the halo in the PNG.

SVG collapses a run of spaces in text to one, so a text whose spaces count (the country names,
spaced out letter by letter with three spaces between words: "S A U D I   A R A B I A") is marked
``xml:space="preserve"``, or a browser or drawing tool reads it as "SAUDIARABIA".
"""

from __future__ import annotations

import re
from pathlib import Path

from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.text import Text

HALO_ID = "geomap-halo-"
_HALOED_TEXT = re.compile(r'(<g id="([^"]+)">\s*(?:<a [^>]*>\s*)?<text style=")')
# a <text> holding only characters, some of which SVG's default whitespace handling would drop:
# a leading or trailing space or a run of spaces
_SPACED_TEXT = re.compile(r"<text (?=[^>]*>(?: [^<]*|[^<]*  [^<]*|[^<]* )</text>)")


def _halo(text: Text) -> tuple[float, str] | None:
    """The width (points) and colour of a text's halo, if its path effects are one."""
    effects = text.get_path_effects()
    strokes = [e for e in effects if isinstance(e, patheffects.Stroke)]
    if len(strokes) != 1:
        return None
    stroke = getattr(strokes[0], "_gc", {})
    from matplotlib.colors import to_hex

    return float(stroke.get("linewidth", 2.0)), to_hex(stroke.get("foreground", "white"))


def write_svg_text(figure: Figure, path: Path, metadata: dict) -> None:
    """Write ``figure`` as SVG with ``<text>`` elements and halos as strokes (rc set by caller);
    ``path`` is the temporary file of an atomic write."""
    haloed: dict[str, tuple[float, str]] = {}
    saved = []
    for text in figure.findobj(Text):
        halo = _halo(text)
        if halo is None or not text.get_visible() or not text.get_text():
            continue
        own = text.get_gid()
        gid = own if own and own not in haloed else f"{HALO_ID}{len(haloed)}"
        haloed[gid] = halo
        saved.append((text, text.get_path_effects(), own))
        text.set_path_effects([])
        text.set_gid(gid)
    try:
        figure.savefig(path, format="svg", dpi=figure.dpi, metadata=metadata, facecolor="white")
    finally:
        for text, effects, gid in saved:
            text.set_path_effects(effects)
            text.set_gid(gid)

    def add_stroke(match: re.Match) -> str:
        if match.group(2) not in haloed:
            return match.group(0)
        width, colour = haloed[match.group(2)]
        return (
            f"{match.group(1)}stroke: {colour}; stroke-width: {width:g}px; "
            "stroke-linejoin: round; paint-order: stroke; "
        )

    svg = _HALOED_TEXT.sub(add_stroke, path.read_text(encoding="utf-8"))
    svg = _SPACED_TEXT.sub('<text xml:space="preserve" ', svg)
    path.write_text(svg, encoding="utf-8")
