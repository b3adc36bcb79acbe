"""Drawing a map with matplotlib: a figure, its map axes and an ordered list of layers.

A :class:`MapCanvas` builds its layers once (what never changes is drawn then) and redraws only
what changes for each date, so a series reuses one figure. What a layer draws, how long it
lasts and what it adds to the legend is the layer's business (:mod:`geomap.render.layer`); a
new layer is one module and one line in :meth:`MapCanvas.default_layers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geomap.domain.dates import long_date
from geomap.domain.join import PlaceOnMap
from geomap.domain.model import Faction
from geomap.domain.projection import fit_bounds_to_aspect, projected_bounds
from geomap.output.files import png_bytes, savefig_metadata, write_atomically
from geomap.render.areas import AreasLayer
from geomap.render.basemap import BasemapLayer, CountryNamesLayer
from geomap.render.changes import ChangesLayer
from geomap.render.frames import Compositor
from geomap.render.furniture import (
    AttributionLayer,
    NorthArrowLayer,
    ScaleBarLayer,
    SubtitleLayer,
    TitleLayer,
    draw_attribution,
)
from geomap.render.labels import LabelsLayer
from geomap.render.layer import Layer, LegendScope, MapFrame, Scene
from geomap.render.legend import LegendLayer
from geomap.render.markers import MarkersLayer
from geomap.scenario.cache import kept_xy
from geomap.scenario.style import Style

MAP_AXES = (0.0, 0.045, 1.0, 0.855)  # left, bottom, width, height (fractions of the figure)
REFERENCE_PX, REFERENCE_DPI = (1600, 1200), 150  # the size the style's sizes are drawn for
MIN_TEXT_PX = {  # however small the map, text stays readable: at least this many pixels
    "title": 13,
    "subtitle": 10,
    "label": 9,
    "label_major": 10,
    "country": 10,
    "legend": 9,
    "credit": 8,
}


def layout_scale(axes_px: tuple[float, float], dpi: float) -> float:
    """How much larger (in inches) a map's axes are than the reference map's, so text, symbols
    and lines keep their share of the map at any size and dpi: 1 at 1600x1200 and 150 dpi,
    0.5 at 800x600 (or at 1600x1200 and 300 dpi), 2 at 3200x2400."""
    ref_w = REFERENCE_PX[0] * MAP_AXES[2] / REFERENCE_DPI
    ref_h = REFERENCE_PX[1] * MAP_AXES[3] / REFERENCE_DPI
    scale = math.sqrt((axes_px[0] / dpi) * (axes_px[1] / dpi) / (ref_w * ref_h))
    return 1.0 if math.isclose(scale, 1.0, rel_tol=1e-9) else scale


def scaled_style(style: Style, scale: float, dpi: float) -> Style:
    """``style`` with its font sizes, marker sizes and line widths times ``scale``; text no
    smaller than :data:`MIN_TEXT_PX` pixels."""
    if scale == 1.0:
        return style
    fonts = {
        name: max(size * scale, MIN_TEXT_PX.get(name, 8) * 72 / dpi)
        for name, size in style.font_sizes.items()
    }
    markers = {rank: max(size * scale, 4 * 72 / dpi) for rank, size in style.marker_sizes.items()}
    widths = {name: width * scale for name, width in style.line_widths.items()}
    return replace(style, font_sizes=fonts, marker_sizes=markers, line_widths=widths)


def rc_params(style: Style) -> dict:
    """Every rc parameter geomap relies on, so a user's matplotlibrc cannot change the output."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [style.font_family, "DejaVu Sans"],
        "svg.hashsalt": "geomap",
        "svg.fonttype": "none" if style.svg_text == "text" else "path",
        "pdf.fonttype": 42,
        "path.simplify": True,
        "text.color": style.colours["text"],
        "axes.unicode_minus": False,
        "legend.frameon": True,
    }


def new_figure(size_px: tuple[int, int], dpi: float) -> Figure:
    """A white figure of ``size_px`` pixels at ``dpi``, with its own Agg canvas (no pyplot)."""
    width_px, height_px = size_px
    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure: Figure, path: Path, fmt: str, style: Style) -> Path:
    """Write ``figure`` atomically, with geomap's rc parameters and reproducible metadata."""

    def write(temp: Path) -> None:
        with matplotlib.rc_context(rc_params(style)):
            if fmt == "svg" and style.svg_text == "text":
                from geomap.render.svg import write_svg_text

                write_svg_text(figure, temp, savefig_metadata(fmt))
                return
            figure.savefig(
                temp, format=fmt, dpi=figure.dpi, metadata=savefig_metadata(fmt), facecolor="white"
            )

    return write_atomically(path, write)


def frame_title(title: str, day: date) -> str:
    return f"{title}, {long_date(day)}"


class MapCanvas:
    """One figure: the layers that never change drawn once, the others redrawn per date."""

    def __init__(
        self,
        *,
        style: Style,
        factions: dict[str, Faction],
        basemap: dict,
        projection: str,
        extent_lonlat: tuple[float, float, float, float],
        focus_countries: Sequence[str] = (),
        attribution: str = "",
        size_px: tuple[int, int] | None = None,
        dpi: int | None = None,
        figure: Figure | None = None,
        rect: tuple[float, float, float, float] = MAP_AXES,
        source_urls: Mapping[str, str] | None = None,
        places_lonlat: Sequence[tuple[float, float]] = (),
        small_multiple: bool = False,
    ):
        """Draw the basemap into a new figure, or into ``rect`` of ``figure`` (a panel).

        ``source_urls`` (citation id to address) makes every marker a link to the first source
        of its place's claim, in SVG."""
        self.style = style
        self.source_urls = dict(source_urls or {})
        self.places_lonlat = list(places_lonlat)  # where the legend must not sit
        self.factions = factions
        self.projection = projection
        self.panel = figure is not None
        self._rc = rc_params(style)
        self.obstacles_px: list[tuple[float, float, float, float]] = []  # labels keep clear
        with matplotlib.rc_context(self._rc):
            if figure is None:
                self.dpi = dpi or style.dpi
                width_px, height_px = size_px or style.size_px
                figure = new_figure((width_px, height_px), self.dpi)
            else:
                self.dpi = figure.dpi
                width_px, height_px = figure.get_size_inches() * figure.dpi
            self.size_px = (round(width_px), round(height_px))
            self.scale = layout_scale((width_px * rect[2], height_px * rect[3]), self.dpi)
            scaled = scaled_style(style, self.scale, self.dpi)
            # legend symbols grow with the legend's text (which may be held at a readable size)
            self.legend_scale = scaled.font_sizes["legend"] / style.font_sizes["legend"]
            self.style = style = scaled
            self.figure = figure
            self.ax = self.figure.add_axes(rect)
            self.ax.set_axis_off()
            self.ax.set_facecolor(style.colours["background"])
            bounds = projected_bounds(projection, extent_lonlat, kept_xy)
            self.bounds = fit_bounds_to_aspect(bounds, width_px * rect[2], height_px * rect[3])
            x0, y0, x1, y1 = self.bounds
            self.ax.set_xlim(x0, x1)
            self.ax.set_ylim(y0, y1)
            self.ax.set_aspect("auto")
            self.legend = LegendLayer()
            if small_multiple:  # one of many small maps sharing a legend and credits
                self.layers: list[Layer] = [
                    BasemapLayer(basemap, focus_countries),
                    AreasLayer(),
                    MarkersLayer(),
                    LabelsLayer(),
                    TitleLayer(),
                ]
            else:
                self.layers = self.default_layers(basemap, focus_countries, attribution)
            # the scale bar and north arrow first: the legend's corner keeps clear of them
            furniture = (ScaleBarLayer, NorthArrowLayer)
            for layer in sorted(self.layers, key=lambda layer: not isinstance(layer, furniture)):
                layer.setup(self)
        self.compositor = Compositor(self)
        self._scene: Scene | None = None  # the last frame drawn
        self.content_key: tuple | None = None  # what it showed besides the date

    def default_layers(self, basemap: dict, focus_countries, attribution: str) -> list[Layer]:
        """The layers in drawing order (within a z-order, earlier layers draw first)."""
        return [
            BasemapLayer(basemap, focus_countries),
            CountryNamesLayer(basemap),
            AreasLayer(),
            MarkersLayer(),
            LabelsLayer(),
            ChangesLayer(),
            ScaleBarLayer(),
            NorthArrowLayer(),
            AttributionLayer(attribution),
            self.legend,
            TitleLayer(),
            SubtitleLayer(),
        ]

    def layer(self, kind: type) -> Layer:
        return next(layer for layer in self.layers if isinstance(layer, kind))

    def data_to_px(self, x, y) -> np.ndarray:
        return self.ax.transData.transform(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]))

    def legend_space_px(self) -> list[tuple[float, float, float, float]]:
        """Space kept free for the legend in the lower-left corner of the map."""
        if self.legend not in self.layers:
            return []
        return [self.legend.space_px(self)]

    def draw_attribution(self, attribution: str) -> None:
        """The data credits along the bottom edge of the figure."""
        draw_attribution(self, attribution)

    def draw(
        self,
        frame: MapFrame,
        places: Sequence[PlaceOnMap],
        legend_from: Sequence[PlaceOnMap] | None = None,
        areas=None,
        legend_contested_areas: bool | None = None,
        changes: Sequence[PlaceOnMap] = (),
        content_key: tuple | None = None,
    ) -> None:
        """Replace everything that depends on the date with what ``frame`` shows.

        ``content_key`` names what the map shows besides the date (see :meth:`redate`).

        ``legend_from`` lets panels of one figure share a legend (default: ``places``).
        ``areas`` (a :class:`geomap.territory.model.Territory`) adds the estimated areas of
        control; ``changes`` are ringed as having changed hands. Places that are areas
        (provinces, zones) get no marker, label or ring: their ground is in ``areas``.
        """
        places = [p for p in places if not p.place.is_area]
        changes = [p for p in changes if not p.place.is_area]
        if legend_from is not None:
            legend_from = [p for p in legend_from if not p.place.is_area]
        contested = bool(areas is not None and areas.contested)
        if legend_contested_areas is not None:  # panels of one figure share a legend
            contested = legend_contested_areas
        scope = LegendScope.of(
            legend_from if legend_from is not None else places, areas is not None, contested
        )
        x, y = kept_xy(
            self.projection,
            [p.place.lonlat[0] for p in places],
            [p.place.lonlat[1] for p in places],
        )
        scene = Scene(frame, places, x, y, areas, scope, changes)
        self._scene, self.content_key = scene, content_key
        self.compositor.map_changed()
        with matplotlib.rc_context(self._rc):
            for layer in self.layers:
                layer.draw(self, scene)

    def redate(self, frame: MapFrame, content_key: tuple) -> bool:
        """Show ``frame``'s date on the last frame's map when it showed the same content (the
        ``content_key`` it was drawn with: a series month without a change). Only the layers
        that show the date are redrawn, and a series frame starts from the last frame's pixels.
        False, drawing nothing, when the content or the subtitle differs: then :meth:`draw`."""
        last = self._scene
        if last is None or self.panel or content_key is None or self.content_key != content_key:
            return False
        if last.frame.subtitle != frame.subtitle:
            return False
        scene = replace(last, frame=frame)
        self._scene = scene
        texts = self.figure.texts
        with matplotlib.rc_context(self._rc):
            for layer in self.layers:
                if not layer.shows_date:
                    continue
                # the new title takes the old one's place among the figure's texts, so that a
                # vector file lists its texts in the same order as after a full draw
                slots = sorted(i for i, text in enumerate(texts) if text in layer.artists)
                layer.draw(self, scene)
                new = [text for text in layer.artists if text in texts]
                if len(new) == len(slots):
                    for text in new:
                        texts.remove(text)
                    for slot, text in zip(slots, new, strict=True):
                        texts.insert(slot, text)
        return True

    # ----------------------------------------------------------------- output
    def save(self, path: Path, fmt: str) -> Path:
        """Write the current frame to ``path`` atomically, with reproducible metadata."""
        if fmt == "png" and not self.panel:  # one full draw, encoded like a series frame
            return self._write_png(np.asarray(self._full_draw()), path)
        return save_figure(self.figure, path, fmt, self.style)

    def _full_draw(self) -> memoryview:
        with matplotlib.rc_context(self._rc):
            self.figure.canvas.draw()
            return self.figure.canvas.buffer_rgba()

    def to_rgba(self) -> np.ndarray:
        """The current frame as an RGBA pixel array, drawn the ordinary (full) way."""
        return np.asarray(self._full_draw()).copy()

    def fast_rgba(self) -> np.ndarray:
        """The current frame's pixels, redrawing only what changes between frames (see
        :mod:`geomap.render.frames`)."""
        with matplotlib.rc_context(self._rc):
            return self.compositor.rgba()

    def save_png_fast(self, path: Path) -> Path:
        """Write the current frame as PNG from the cached layers (see :meth:`fast_rgba`): the
        way a series writes its frames, after the first."""
        return self._write_png(self.fast_rgba(), path)

    def _write_png(self, rgba: np.ndarray, path: Path) -> Path:
        data = png_bytes(rgba, self.dpi)
        return write_atomically(path, lambda temp: temp.write_bytes(data))
