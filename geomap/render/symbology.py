"""How statuses and kinds look: the glyphs a place is drawn with and the legend's words, in one
table each. A new status or kind is one row here."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path as MplPath

from geomap.render.layer import Z_MARKER, Z_RING

LEFT_HALF = MarkerStyle(MplPath.wedge(90, 270))
RIGHT_HALF = MarkerStyle(MplPath.wedge(-90, 90))
STALE_ALPHA = 0.45
UNKNOWN_COLOUR = "#ffffff"
CHANGE_COLOUR = "#e6007e"
AREA_ALPHA = 0.35
AREA_DARK, AREA_DARK_FILL = 0.2, 0.43  # near-black colours (HLS lightness) fill as mid grey
AREA_HATCH = "////"
LEGEND_GREY, LEGEND_LIGHT = "#555555", "#dddddd"

KIND = "kind"  # a glyph drawn in the shape of the place's kind (style.marker_shapes)


@dataclass(frozen=True)
class Glyph:
    """One mark drawn for each place of a status, in drawing order."""

    marker: object  # KIND, a matplotlib marker name, or a MarkerStyle
    scale: float  # times the marker size of the place's rank
    fill: str  # "holder", "by" or "none"
    edge: str  # a colour, or "none"; "white" uses the style's marker edge width
    zorder: float
    gid: str  # appended to the group's id
    fades: bool = True  # drawn faded when the claim is stale


@dataclass(frozen=True)
class LegendGlyph:
    marker: object
    size: float
    face: str
    edge: str


@dataclass(frozen=True)
class StatusLook:
    shape: object | None  # forces one shape whatever the kind (None: the kind's shape)
    glyphs: tuple[Glyph, ...]
    legend: tuple[LegendGlyph, ...] = ()  # no legend row when empty
    legend_text: str = ""
    legend_short: str = ""  # the words in a compact legend (a small map's), if shorter


G, L = LEGEND_GREY, LEGEND_LIGHT
STATUS_LOOKS: dict[str, StatusLook] = {
    "held": StatusLook(None, (Glyph(KIND, 1.0, "holder", "white", Z_MARKER, "-holder"),)),
    "contested": StatusLook(
        "o",
        (
            Glyph(LEFT_HALF, 1.0, "holder", "none", Z_MARKER, "-holder"),
            Glyph(RIGHT_HALF, 1.0, "by", "none", Z_MARKER, "-by"),
            Glyph("o", 1.0, "none", "white", Z_MARKER, "-edge"),
        ),
        (LegendGlyph(LEFT_HALF, 8, G, "none"), LegendGlyph(RIGHT_HALF, 8, L, "none")),
        "Contested (left: holder, right: attacker)",
        "Contested (holder | attacker)",
    ),
    "besieged": StatusLook(
        None,
        (
            Glyph("o", 1.75, "by", "white", Z_RING, "-by"),
            Glyph(KIND, 1.0, "holder", "white", Z_MARKER, "-holder"),
        ),
        (LegendGlyph("o", 13, L, "white"), LegendGlyph("o", 7.5, G, "white")),
        "Besieged (centre: holder, ring: besieger)",
        "Besieged (ring: besieger)",
    ),
    "unknown": StatusLook(
        None,
        (Glyph(KIND, 0.8, "holder", G, Z_MARKER, "", fades=False),),
        (LegendGlyph("o", 6, "white", G),),
        "No sourced claim yet",
    ),
}
"""Every status a map shows ("unknown": no sourced claim yet), in legend order."""

KIND_LEGEND: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("border-crossing", ("border-crossing",), "Border crossing"),
    ("dam", ("dam",), "Dam"),
    ("airbase", ("airbase",), "Airbase"),
    ("oilfield", ("oilfield", "refinery"), "Oil field / refinery"),
)
"""Kinds with their own legend row: (the kind whose shape is shown, kinds it stands for, text)."""


def status_of(place_on_map) -> str:
    return place_on_map.state.status if place_on_map.state.known else "unknown"


def legend_marker(marker, size: float, face: str, edge: str, alpha: float | None = None):
    """A marker-only legend handle."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=size,
        markerfacecolor=face,
        markeredgecolor=edge,
        alpha=alpha,
    )


def area_fill_colour(colour: str) -> str:
    """The fill of a faction's area: its own colour, except that a near-black one becomes mid grey
    (ISIS #1a1a1a fills as #6e6e6e), so black ground reads as held, not as a hole in the map."""
    import colorsys

    from matplotlib.colors import to_hex, to_rgb

    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(colour))
    if lightness >= AREA_DARK:
        return to_hex(colour)
    return to_hex(colorsys.hls_to_rgb(hue, AREA_DARK_FILL, saturation))
