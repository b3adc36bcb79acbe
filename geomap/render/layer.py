"""What every map layer is: a lifetime, its artists, its legend entries, and the z-order it
draws at. The canvas keeps an ordered list of layers and calls them; it knows none of their
insides.

Lifetimes (the fast-frame compositor in :mod:`geomap.render.frames` is driven by them):

- ``STATIC``: drawn once when the canvas is built and never changed (basemap, country names,
  credits). A series keeps these as one background of pixels.
- ``FRAME``: redrawn for every frame (areas, markers, change rings, title).
- ``OVERLAY``: drawn above the frame layers but changing rarely (labels, scale bar, north arrow,
  legend, subtitle). A series keeps the pixels of each on a transparent layer, redrawn only when
  the layer's :meth:`Layer.cache_key` changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from geomap.domain.join import PlaceOnMap

if TYPE_CHECKING:
    from geomap.render.canvas import MapCanvas

STATIC, FRAME, OVERLAY = "static", "frame", "overlay"

Z_LAND, Z_PROVINCE, Z_LAKE, Z_RIVER, Z_BORDER = 1, 2, 3, 4, 5
Z_COUNTRY_LABEL, Z_AREA, Z_RING, Z_MARKER, Z_LABEL, Z_FURNITURE = 6, 7, 8, 9, 10, 11
Z_CHANGES = Z_MARKER + 0.5
Z_LEADER = Z_LABEL - 0.5
Z_LEGEND = Z_FURNITURE + 1


@dataclass(frozen=True)
class MapFrame:
    """What a frame needs besides the places: its day and the scenario's words."""

    day: date
    title: str
    subtitle: str


@dataclass(frozen=True)
class LegendScope:
    """What the legend has to explain: the factions, statuses and kinds present."""

    factions: frozenset[str]
    statuses: frozenset[str]
    kinds: frozenset[str]
    stale: bool
    areas: bool  # estimated areas are shaded
    contested_areas: bool  # and some of them are hatched as contested

    @classmethod
    def of(cls, places: Sequence[PlaceOnMap], areas: bool, contested_areas: bool) -> LegendScope:
        factions = {p.state.holder for p in places if p.state.holder}
        factions |= {p.state.by for p in places if p.state.by}
        return cls(
            frozenset(factions),
            frozenset(p.state.status for p in places),
            frozenset(p.place.kind for p in places),
            any(p.stale for p in places),
            areas,
            contested_areas,
        )


@dataclass(frozen=True)
class Scene:
    """One frame's content, handed to every layer's :meth:`Layer.draw`."""

    frame: MapFrame
    places: Sequence[PlaceOnMap]
    x: np.ndarray  # the places in map metres
    y: np.ndarray
    territory: Any  # a geomap.territory.model.Territory, or None: no areas drawn
    legend: LegendScope
    changes: Sequence[PlaceOnMap] = ()  # places ringed as having changed hands


@dataclass(frozen=True)
class LegendEntry:
    """One row of the legend. Rows of several layers with the same ``order`` and ``text`` are
    one row showing each layer's glyph, in layer order (an area swatch behind a faction's dot).
    ``short`` is its wording in a compact legend (a small map's), when shorter than ``text``."""

    order: tuple
    text: str
    handle: Any
    short: str = ""


class Layer:
    """A map layer. Subclasses set :attr:`lifetime` and override what they need."""

    lifetime: ClassVar[str] = FRAME
    shows_date: ClassVar[bool] = False  # draws only from the frame's date and words (the title)

    def __init__(self) -> None:
        self.artists: list = []

    def setup(self, canvas: MapCanvas) -> None:
        """Draw what is drawn once, when the canvas is built."""

    def draw(self, canvas: MapCanvas, scene: Scene) -> None:
        """Draw this frame's content (a ``FRAME`` layer replaces its artists every time)."""

    def clear(self) -> None:
        for artist in self.artists:
            artist.remove()
        self.artists = []

    def cache_key(self) -> tuple:
        """For an ``OVERLAY``: cached pixels are reused while this stays the same."""
        return (type(self).__name__, len(self.artists))

    def pixels_key(self, canvas: MapCanvas) -> str | None:
        """For an ``OVERLAY``: a digest of everything its pixels depend on, under which they are
        kept in the cache between runs; None (the default): drawn afresh in every run."""
        return None

    def legend_entries(self, canvas: MapCanvas, scope: LegendScope) -> list[LegendEntry]:
        return []

    def legend_title_note(self, scope: LegendScope) -> str | None:
        return None
