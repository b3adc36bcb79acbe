"""Drawing a map with matplotlib (the only module besides export that touches it).

A :class:`MapCanvas` draws what never changes once (basemap, furniture) and then redraws only the
control layer for each date, so a series reuses one figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from geomap.domain.dates import long_date
from geomap.domain.join import PlaceOnMap
from geomap.domain.model import Faction
from geomap.domain.projection import (
    fit_bounds_to_aspect,
    project_xy,
    projected_bounds,
)
from geomap.output.files import png_bytes, savefig_metadata, write_atomically
from geomap.render.placement import LabelRequest, overlaps, place_labels
from geomap.scenario.style import Style

# Vertical layout of the figure, as fractions of its height.
MAP_AXES = (0.0, 0.045, 1.0, 0.855)  # left, bottom, width, height
TITLE_Y = 0.972
SUBTITLE_Y = 0.922
CREDIT_Y = 0.016

LEFT_HALF = MarkerStyle(MplPath.wedge(90, 270))
RIGHT_HALF = MarkerStyle(MplPath.wedge(-90, 90))
STALE_ALPHA = 0.45
UNKNOWN_COLOUR = "#ffffff"
CHANGE_COLOUR = "#e6007e"
AREA_ALPHA = 0.35
AREA_DARK, AREA_DARK_FILL = 0.2, 0.43  # near-black colours (HLS lightness) fill as mid grey
AREA_HATCH = "////"

Z_LAND, Z_PROVINCE, Z_LAKE, Z_RIVER, Z_BORDER = 1, 2, 3, 4, 5
Z_COUNTRY_LABEL, Z_AREA, Z_RING, Z_MARKER, Z_LABEL, Z_FURNITURE = 6, 7, 8, 9, 10, 11


def rc_params(style: Style) -> dict:
    """Every rc parameter geomap relies on, so a user's matplotlibrc cannot change the output."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [style.font_family, "DejaVu Sans"],
        "svg.hashsalt": "geomap",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "path.simplify": True,
        "text.color": style.colours["text"],
        "axes.unicode_minus": False,
        "legend.frameon": True,
    }


def geometry_path(geometry) -> MplPath:
    """A matplotlib path for a shapely (multi)polygon or (multi)line, holes included."""
    import shapely

    parts = shapely.get_parts(geometry)
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for part in parts:
        if part.geom_type == "Polygon":
            rings = [part.exterior, *part.interiors]
            closed = True
        else:
            rings = [part]
            closed = False
        for ring in rings:
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 2:
                continue
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            if closed:
                ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    if not vertices:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _blend(pixels: np.ndarray, layer: tuple) -> None:
    """Paint a cached layer (see :meth:`MapCanvas._isolated_layer`) over ``pixels`` (RGBA, in
    place) with the "over" operator: opaque pixels are copied, the others blended."""
    opaque_index, opaque_rgb, index, premultiplied, inverse_alpha = layer
    flat = pixels.reshape(-1, 4)
    flat[opaque_index, :3] = opaque_rgb
    under = flat[index, :3].astype(np.uint32)
    flat[index, :3] = ((premultiplied + under * inverse_alpha) // 255).astype(np.uint8)


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
            figure.savefig(
                temp, format=fmt, dpi=figure.dpi, metadata=savefig_metadata(fmt), facecolor="white"
            )

    return write_atomically(path, write)


def _legend_marker(marker, size: float, face: str, edge: str, alpha: float | None = None):
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


@dataclass(frozen=True)
class MapFrame:
    """What a frame needs besides the places: its day and the scenario's words."""

    day: date
    title: str
    subtitle: str


class MapCanvas:
    """One figure: basemap and furniture drawn once, control layer redrawn per date."""

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
    ):
        """Draw the basemap into a new figure, or into ``rect`` of ``figure`` (a panel)."""
        self.style = style
        self.factions = factions
        self.projection = projection
        self.panel = figure is not None
        self._rc = rc_params(style)
        self._dynamic: list = []
        self._furniture: list = []
        self._background = None
        self._text_sizes: dict[tuple, tuple[float, float]] = {}
        self._glyph_sizes: dict[tuple, dict[str, tuple[float, float]]] = {}
        self._labels: list | None = None  # placed once: labels do not move between frames
        self._titles: list = []
        self._legend = None
        self._legend_signature: tuple = ()
        self._areas_drawn = False
        self._contested_drawn = False
        self._legend_space: tuple[float, float, float, float] | None = None
        self._layers: dict = {}  # cached RGBA layers of artists that rarely change
        with matplotlib.rc_context(self._rc):
            if figure is None:
                self.dpi = dpi or style.dpi
                width_px, height_px = size_px or style.size_px
                figure = new_figure((width_px, height_px), self.dpi)
            else:
                self.dpi = figure.dpi
                width_px, height_px = figure.get_size_inches() * figure.dpi
            self.size_px = (round(width_px), round(height_px))
            self.figure = figure
            self.ax = self.figure.add_axes(rect)
            self.ax.set_axis_off()
            self.ax.set_facecolor(style.colours["background"])
            axes_w = width_px * rect[2]
            axes_h = height_px * rect[3]
            bounds = projected_bounds(projection, extent_lonlat)
            self.bounds = fit_bounds_to_aspect(bounds, axes_w, axes_h)
            x0, y0, x1, y1 = self.bounds
            self.ax.set_xlim(x0, x1)
            self.ax.set_ylim(y0, y1)
            self.ax.set_aspect("auto")
            self.ax.add_patch(
                Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    facecolor=style.colours["background"],
                    edgecolor="none",
                    zorder=0,
                )
            )
            self._obstacles_px: list[tuple[float, float, float, float]] = []
            self._draw_basemap(basemap, focus_countries)
            self._draw_scale_bar()
            self._draw_north_arrow()
            if not self.panel:
                self.draw_attribution(attribution)

    def draw_attribution(self, attribution: str) -> None:
        """The data credits along the bottom edge of the figure."""
        if attribution:
            self.figure.text(
                0.008,
                CREDIT_Y,
                attribution,
                fontsize=self.style.font_sizes["credit"],
                color="#555555",
                ha="left",
                va="center",
                wrap=False,
            )

    # ----------------------------------------------------------------- static layers
    def _data_to_px(self, x, y) -> np.ndarray:
        return self.ax.transData.transform(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]))

    def _add_paths(self, geometries, *, facecolors, zorder, gid, **kwargs) -> PathCollection:
        """One collection per layer: far faster to add and draw than a patch per feature."""
        collection = PathCollection(
            [geometry_path(g) for g in geometries], facecolors=facecolors, zorder=zorder, **kwargs
        )
        collection.set_gid(gid)
        self.ax.add_collection(collection, autolim=False)
        return collection

    def _draw_basemap(self, basemap: dict, focus_countries: Sequence[str]) -> None:
        colours, widths = self.style.colours, self.style.line_widths
        countries = basemap.get("countries")
        if countries is not None:
            fills = [
                colours["focus_land" if country_id in focus_countries else "land"]
                for country_id in countries.ids
            ]
            self._add_paths(
                countries.geometries,
                facecolors=fills,
                edgecolors="none",
                zorder=Z_LAND,
                gid="countries-fill",
            )
        provinces = basemap.get("provinces")
        if provinces is not None:
            self._add_paths(
                provinces.geometries,
                facecolors="none",
                edgecolors=colours["province"],
                linewidths=widths["province"],
                zorder=Z_PROVINCE,
                gid="provinces",
            )
        lakes = basemap.get("lakes")
        if lakes is not None:
            self._add_paths(
                lakes.geometries,
                facecolors=colours["lake"],
                edgecolors=colours["river"],
                linewidths=0.3,
                zorder=Z_LAKE,
                gid="lakes",
            )
        rivers = basemap.get("rivers")
        if rivers is not None:
            self._add_paths(
                rivers.geometries,
                facecolors="none",
                edgecolors=colours["river"],
                linewidths=widths["river"],
                capstyle="round",
                joinstyle="round",
                zorder=Z_RIVER,
                gid="rivers",
            )
        if countries is not None:
            self._add_paths(
                countries.geometries,
                facecolors="none",
                edgecolors=colours["border"],
                linewidths=widths["border"],
                zorder=Z_BORDER,
                gid="borders",
            )
            self._draw_country_labels(countries)

    def _draw_country_labels(self, countries) -> None:
        import shapely
        from shapely.geometry import box

        view = box(*self.bounds)
        inverse = self.ax.transData.inverted()
        legend_corners = inverse.transform(np.reshape(self._legend_box_px()[0], (2, 2)))
        free = shapely.difference(view, box(*legend_corners.ravel()))
        renderer = self.figure.canvas.get_renderer()
        for name, geometry in zip(countries.names, countries.geometries, strict=True):
            visible = shapely.intersection(geometry, free)
            if visible.is_empty or visible.area < 0.02 * view.area:
                continue
            point = shapely.maximum_inscribed_circle(visible, tolerance=10_000).coords[0]
            text = self.ax.text(
                point[0],
                point[1],
                " ".join(name.upper()),
                fontsize=self.style.font_sizes["country"],
                color=self.style.colours["country_label"],
                ha="center",
                va="center",
                zorder=Z_COUNTRY_LABEL,
            )
            box = tuple(text.get_window_extent(renderer).extents)
            if any(overlaps(box, kept) for kept in self._legend_box_px()):
                text.remove()  # the legend sits there
                continue
            self._obstacles_px.append(box)

    def _add_furniture(self, patch) -> None:
        self.ax.add_patch(patch)
        self._furniture.append(patch)

    def _add_furniture_text(self, *args, **kwargs) -> None:
        self._furniture.append(self.ax.text(*args, **kwargs))

    def _draw_scale_bar(self) -> None:
        x0, y0, x1, y1 = self.bounds
        width_km = (x1 - x0) / 1000
        length_km = min((50, 100, 150, 200, 250, 300, 500), key=lambda v: abs(v - width_km / 6))
        height = (y1 - y0) * 0.008
        right = x1 - (x1 - x0) * 0.03
        left = right - length_km * 1000
        bottom = y0 + (y1 - y0) * 0.035
        half = length_km * 500
        for index in range(2):
            self._add_furniture(
                Rectangle(
                    (left + index * half, bottom),
                    half,
                    height,
                    facecolor="#333333" if index == 0 else "white",
                    edgecolor="#333333",
                    linewidth=0.6,
                    zorder=Z_FURNITURE,
                )
            )
        size = self.style.font_sizes["legend"]
        for x, text in ((left, "0"), (left + half, f"{length_km // 2:g}")):
            self._add_furniture_text(
                x,
                bottom + height * 1.6,
                text,
                fontsize=size,
                ha="center",
                va="bottom",
                zorder=Z_FURNITURE,
            )
        self._add_furniture_text(
            right,
            bottom + height * 1.6,
            f"{length_km} km",
            fontsize=size,
            ha="center",
            va="bottom",
            zorder=Z_FURNITURE,
        )
        corners = self._data_to_px([left, right], [bottom, bottom + height * 5])
        self._obstacles_px.append(
            (corners[0, 0] - 12, corners[0, 1] - 4, corners[1, 0] + 24, corners[1, 1] + 4)
        )

    def _draw_north_arrow(self) -> None:
        x0, y0, x1, y1 = self.bounds
        x = x1 - (x1 - x0) * 0.035
        y = y1 - (y1 - y0) * 0.11
        from pyproj import Transformer

        inverse = Transformer.from_crs(self.projection, "EPSG:4326", always_xy=True)
        lon, lat = inverse.transform(x, y)
        nx, ny = project_xy(self.projection, [lon, lon], [lat, lat + 0.5])
        angle = math.atan2(float(nx[1] - nx[0]), float(ny[1] - ny[0]))
        length = (y1 - y0) * 0.05
        dx, dy = length * math.sin(angle), length * math.cos(angle)
        arrow = self.ax.annotate(
            "",
            xy=(x + dx / 2, y + dy / 2),
            xytext=(x - dx / 2, y - dy / 2),
            arrowprops={
                "arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                "color": "#333333",
                "linewidth": 1.2,
            },
            zorder=Z_FURNITURE,
        )
        self._furniture.append(arrow)
        self._add_furniture_text(
            x + dx * 0.65,
            y + dy * 0.65,
            "N",
            ha="center",
            va="bottom",
            fontsize=self.style.font_sizes["legend"] + 1,
            fontweight="bold",
            zorder=Z_FURNITURE,
        )
        corners = self._data_to_px([x - length, x + length], [y - length, y + length * 1.3])
        self._obstacles_px.append(tuple(corners[0]) + tuple(corners[1]))

    # ----------------------------------------------------------------- control layer
    def _clear_dynamic(self) -> None:
        for artist in self._dynamic + self._titles:
            artist.remove()
        self._dynamic = []
        self._titles = []

    def _colour(self, faction_id: str | None) -> str:
        if faction_id is None or faction_id not in self.factions:
            return UNKNOWN_COLOUR
        return self.factions[faction_id].colour

    def draw(
        self,
        frame: MapFrame,
        places: Sequence[PlaceOnMap],
        legend_from: Sequence[PlaceOnMap] | None = None,
        areas=None,
        legend_contested_areas: bool | None = None,
    ) -> None:
        """Replace the control layer, labels, title and legend with those of ``frame``.

        ``legend_from`` lets panels of one figure share a legend (default: ``places``).
        ``areas`` (a :class:`geomap.territory.model.Territory`) adds the estimated areas of control.
        """
        with matplotlib.rc_context(self._rc):
            self._clear_dynamic()
            self._areas_drawn = areas is not None
            self._contested_drawn = bool(areas is not None and areas.contested)
            if legend_contested_areas is not None:  # panels of one figure share a legend
                self._contested_drawn = legend_contested_areas
            if areas is not None:
                self.draw_areas(areas.held, areas.contested)
            lon = [p.place.lonlat[0] for p in places]
            lat = [p.place.lonlat[1] for p in places]
            x, y = project_xy(self.projection, lon, lat)
            self._draw_markers(places, x, y)
            if self._labels is None:
                self._draw_labels(places, x, y)
            self._draw_titles(frame)
            self._draw_legend(legend_from if legend_from is not None else places)

    def draw_areas(self, areas: dict, contested: dict | None = None) -> None:
        """Translucent fills of estimated areas of control, under the markers (redrawn per frame).

        ``areas``: faction id -> (Multi)Polygon in map metres; ``contested``: (holder, attacker)
        -> ground filled in the holder's colour and hatched in the attacker's.
        """
        order = {faction_id: index for index, faction_id in enumerate(self.factions)}
        with matplotlib.rc_context(self._rc):
            for faction_id in sorted(areas, key=lambda f: (order.get(f, len(order)), f)):
                self._area_patch(
                    areas[faction_id], self._colour(faction_id), None, f"area-{faction_id}"
                )
            for (holder, by), geometry in sorted((contested or {}).items()):
                self._area_patch(
                    geometry,
                    self._colour(holder),
                    self._colour(by),
                    f"area-contested-{holder}-{by}",
                )

    def _area_patch(self, geometry, colour: str, hatch_colour: str | None, gid: str) -> None:
        if geometry is None or geometry.is_empty:
            return
        hatch = {"hatch": AREA_HATCH, "hatchcolor": hatch_colour} if hatch_colour else {}
        patch = PathPatch(
            geometry_path(geometry),
            facecolor=area_fill_colour(colour),
            edgecolor="none",
            linewidth=0,
            alpha=AREA_ALPHA,
            zorder=Z_AREA,
            **hatch,
        )
        patch.set_gid(gid)
        self.ax.add_artist(patch)  # not add_patch: its data-limit update walks every vertex
        self._dynamic.append(patch)

    def mark_changes(self, places: Sequence[PlaceOnMap]) -> None:
        """Ring the places that changed hands (used by comparisons)."""
        if not places:
            return
        with matplotlib.rc_context(self._rc):
            x, y = project_xy(
                self.projection,
                [p.place.lonlat[0] for p in places],
                [p.place.lonlat[1] for p in places],
            )
            sizes = np.array([self.style.marker_size(p.place.rank) * 2.3 for p in places])
            ring = self._scatter(
                x,
                y,
                marker="o",
                size_pt=sizes,
                colours="none",
                zorder=Z_MARKER + 0.5,
                edge=CHANGE_COLOUR,
                edge_width=1.6,
                gid="changes",
            )
            ring.set_label("Changed hands")

    def _scatter(
        self,
        x,
        y,
        *,
        marker,
        size_pt,
        colours,
        zorder,
        alpha=None,
        edge="white",
        edge_width=None,
        gid=None,
    ) -> PathCollection:
        # What Axes.scatter builds, without its argument parsing and data-limit updates.
        style = marker if isinstance(marker, MarkerStyle) else MarkerStyle(marker)
        path = style.get_path().transformed(style.get_transform())
        width = self.style.line_widths["marker_edge"] if edge_width is None else edge_width
        artist = PathCollection(
            (path,),
            sizes=np.square(np.broadcast_to(np.asarray(size_pt, float), np.shape(x))),
            offsets=np.column_stack([x, y]),
            offset_transform=self.ax.transData,
            facecolors=colours,
            edgecolors=edge,
            linewidths=width,
            alpha=alpha,
            zorder=zorder,
        )
        artist.set_transform(matplotlib.transforms.IdentityTransform())
        artist.set_gid(gid)
        self.ax.add_collection(artist, autolim=False)
        self._dynamic.append(artist)
        return artist

    def _draw_markers(self, places: Sequence[PlaceOnMap], x: np.ndarray, y: np.ndarray) -> None:
        style = self.style
        groups: dict[tuple, list[int]] = {}
        for index, item in enumerate(places):
            shape = style.marker_shape(item.place.kind)
            status = item.state.status if item.state.known else "unknown"
            if status == "contested":
                shape = "o"
            groups.setdefault((status, shape, item.stale), []).append(index)
        for (status, shape, stale), indices in sorted(groups.items()):
            alpha = STALE_ALPHA if stale else None
            xs, ys = x[indices], y[indices]
            sizes = np.array([style.marker_size(places[i].place.rank) for i in indices])
            holders = [self._colour(places[i].state.holder) for i in indices]
            others = [self._colour(places[i].state.by) for i in indices]
            gid = f"places-{status}-{shape}{'-stale' if stale else ''}"
            if status == "contested":
                self._scatter(
                    xs,
                    ys,
                    marker=LEFT_HALF,
                    size_pt=sizes,
                    colours=holders,
                    zorder=Z_MARKER,
                    alpha=alpha,
                    edge="none",
                    gid=gid + "-holder",
                )
                self._scatter(
                    xs,
                    ys,
                    marker=RIGHT_HALF,
                    size_pt=sizes,
                    colours=others,
                    zorder=Z_MARKER,
                    alpha=alpha,
                    edge="none",
                    gid=gid + "-by",
                )
                self._scatter(
                    xs,
                    ys,
                    marker="o",
                    size_pt=sizes,
                    colours="none",
                    zorder=Z_MARKER,
                    alpha=alpha,
                    edge="white",
                    gid=gid + "-edge",
                )
                continue
            if status == "besieged":
                self._scatter(
                    xs,
                    ys,
                    marker="o",
                    size_pt=sizes * 1.75,
                    colours=others,
                    zorder=Z_RING,
                    alpha=alpha,
                    gid=gid + "-by",
                )
            if status == "unknown":
                self._scatter(
                    xs,
                    ys,
                    marker=shape,
                    size_pt=sizes * 0.8,
                    colours=holders,
                    zorder=Z_MARKER,
                    edge="#555555",
                    gid=gid,
                )
                continue
            self._scatter(
                xs,
                ys,
                marker=shape,
                size_pt=sizes,
                colours=holders,
                zorder=Z_MARKER,
                alpha=alpha,
                gid=gid + "-holder",
            )

    def _draw_labels(self, places: Sequence[PlaceOnMap], x: np.ndarray, y: np.ndarray) -> None:
        """Place and draw the labels once; they stay for every later frame."""
        self._labels = []
        style = self.style
        renderer = self.figure.canvas.get_renderer()
        pixels = self._data_to_px(x, y)
        scale = self.dpi / 72
        x0, y0 = self.ax.transAxes.transform((0, 0))
        x1, y1 = self.ax.transAxes.transform((1, 1))
        requests, fonts = [], {}
        from matplotlib.font_manager import FontProperties

        for index, item in enumerate(places):
            if item.place.rank > style.label_max_rank:
                continue
            major = item.place.rank == 1
            size = style.font_sizes["label_major" if major else "label"]
            prop = FontProperties(
                family="sans-serif", size=size, weight="bold" if major else "normal"
            )
            name = item.place.name
            floor_width, floor_height = self._text_size_floor(name, prop)

            def measure(name=name, prop=prop, key=(name, size, major)):
                if key not in self._text_sizes:
                    width, height, _ = renderer.get_text_width_height_descent(
                        name, prop, ismath=False
                    )
                    self._text_sizes[key] = (width + 2 * scale, height + 2 * scale)
                return self._text_sizes[key]

            # room for a besieged ring around every marker, so labels never move between frames
            marker_radius = style.marker_size(item.place.rank) * scale / 2
            radius = marker_radius * 1.75
            requests.append(
                LabelRequest(
                    item.place.id,
                    float(pixels[index, 0]),
                    float(pixels[index, 1]),
                    radius,
                    floor_width + 2 * scale,
                    floor_height + 2 * scale,
                    marker_radius * 1.2,
                    item.place.rank,
                    measure,
                )
            )
            fonts[item.place.id] = (item, prop)
        frame = (x0 + 2, y0 + 2, x1 - 2, y1 - 2)
        placed = place_labels(requests, frame, self._obstacles_px + self._legend_box_px())
        inverse = self.ax.transData.inverted()
        halo = [patheffects.withStroke(linewidth=2.2, foreground=style.colours["halo"])]
        for label in placed:
            item, prop = fonts[label.key]
            dx = {"left": scale, "right": -scale, "center": 0}[label.ha]
            dy = {"bottom": scale, "top": -scale, "center": 0}[label.va]
            tx, ty = inverse.transform((label.x + dx, label.y + dy))
            text = self.ax.text(
                tx,
                ty,
                item.place.name,
                fontproperties=prop,
                ha=label.ha,
                va="center_baseline" if label.va == "center" else label.va,
                zorder=Z_LABEL,
                path_effects=halo,
            )
            text.set_gid(f"label-{item.place.id}")
            self._labels.append(text)
            if label.leader is not None:
                (x0, y0), (x1, y1) = inverse.transform(np.reshape(label.leader, (2, 2)))
                line = Line2D(
                    [x0, x1],
                    [y0, y1],
                    color="#555555",
                    linewidth=0.5,
                    zorder=Z_LABEL - 0.5,
                    solid_capstyle="round",
                )
                line.set_gid(f"leader-{item.place.id}")
                self.ax.add_line(line)
                self._labels.append(line)

    def _text_size_floor(self, text: str, prop) -> tuple[float, float]:
        """At most the width and height in pixels that ``text`` measures, from each character's
        advance and height (read once per font): far quicker than measuring the text."""
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.font_manager import findfont, get_font

        size = prop.get_size_in_points()
        key = (findfont(prop), size)
        glyphs = self._glyph_sizes.get(key)
        if glyphs is None:
            glyphs = self._glyph_sizes[key] = {}
        missing = set(text) - glyphs.keys()
        if missing:
            font = get_font(key[0])
            font.set_size(size, self.dpi)
            for char in missing:
                if font.get_char_index(ord(char)) == 0:
                    glyphs[char] = (0.0, 0.0)  # drawn from a fallback font: count nothing
                    continue
                glyph = font.load_char(ord(char), flags=get_hinting_flag())
                glyphs[char] = (glyph.horiAdvance / 64, (glyph.bbox[3] - glyph.bbox[1]) / 64)
        advance = sum(glyphs[char][0] for char in text)
        height = max((glyphs[char][1] for char in text), default=0.0)
        # kerning, ligatures, side bearings and hinting move the ink by a few pixels at most
        return max(0.8 * advance - 4.0, 0.0), 0.8 * height

    def _legend_box_px(self) -> list[tuple[float, float, float, float]]:
        """Space kept free for the legend in the lower-left corner of the map."""
        if self._legend_space is None:
            x0, y0, x1, y1 = self._largest_legend_box()
            self._legend_space = (x0 - 2, y0 - 2, x1 + 2, y1 + 2)
        return [self._legend_space]

    def _draw_titles(self, frame: MapFrame) -> None:
        sizes = self.style.font_sizes
        if self.panel:
            title = self.ax.text(
                0.5,
                1.012,
                frame.title,
                transform=self.ax.transAxes,
                ha="center",
                va="bottom",
                fontsize=sizes["title"] * 0.8,
                fontweight="bold",
            )
            title.set_gid("title")
            self._titles.append(title)
            return
        title = self.figure.text(
            0.5,
            TITLE_Y,
            frame.title,
            ha="center",
            va="top",
            fontsize=sizes["title"],
            fontweight="bold",
        )
        subtitle = self.figure.text(
            0.5,
            SUBTITLE_Y,
            frame.subtitle,
            ha="center",
            va="top",
            fontsize=sizes["subtitle"],
            color="#444444",
        )
        title.set_gid("title")
        subtitle.set_gid("subtitle")
        self._titles.extend([title, subtitle])

    def _draw_legend(self, places: Sequence[PlaceOnMap]) -> None:
        present = set()
        statuses = set()
        kinds = set()
        stale = False
        for item in places:
            if item.state.holder:
                present.add(item.state.holder)
            if item.state.by:
                present.add(item.state.by)
            statuses.add(item.state.status)
            kinds.add(item.place.kind)
            stale = stale or item.stale
        shaded = self._areas_drawn
        handles, labels = self._legend_entries(
            present, statuses, kinds, stale, shaded, self._contested_drawn
        )
        signature = (shaded, *labels)
        if self._legend is not None and signature == self._legend_signature:
            return  # the same legend as the last frame: keep it (and its cached pixels)
        if self._legend is not None:
            self._legend.remove()
        legend = self._make_legend(handles, labels, shaded)
        self._legend = legend
        self._legend_signature = signature

    def _make_legend(self, handles: list, labels: list[str], shaded: bool):
        legend = self.ax.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(0.008, 0.012),
            fontsize=self.style.font_sizes["legend"],
            handler_map={tuple: HandlerTuple(ndivide=1, pad=0)},
            framealpha=1.0,
            edgecolor="#999999",
            borderpad=0.6,
            labelspacing=0.45,
            title="Held by (shading: estimated area)" if shaded else "Held by",
            title_fontsize=self.style.font_sizes["legend"] + 0.5,
            alignment="left",
        )
        legend.set_zorder(Z_FURNITURE + 1)
        legend.set_gid("legend")
        return legend

    def _largest_legend_box(self) -> tuple[float, float, float, float]:
        """Pixels of the largest legend this map can have (every faction, status and kind),
        so labels drawn once keep clear of whatever legend a later frame shows."""
        from geomap.scenario.places import KINDS

        handles, labels = self._legend_entries(
            set(self.factions),
            {"contested", "besieged", "unknown"},
            set(KINDS),
            stale=self.style.stale_after_days > 0,
            shaded=True,
            contested_areas=True,
        )
        legend = self._make_legend(handles, labels, shaded=True)
        box = tuple(legend.get_window_extent(self.figure.canvas.get_renderer()).extents)
        legend.remove()
        return box

    def _legend_entries(self, present, statuses, kinds, stale, shaded, contested_areas):
        """Handles and texts of the legend, in a fixed order."""
        grey, light = "#555555", "#dddddd"
        handles, labels = [], []

        def add(handle, label: str) -> None:
            handles.append(handle)
            labels.append(label)

        for faction in self.factions.values():
            if faction.id in present:
                dot = _legend_marker("o", 8, faction.colour, "white")
                if shaded:  # the area swatch behind the dot: grey areas are ISIS's, etc.
                    swatch = Patch(
                        facecolor=area_fill_colour(faction.colour),
                        alpha=AREA_ALPHA,
                        edgecolor="none",
                    )
                    add((swatch, dot), faction.name)
                else:
                    add(dot, faction.name)
        if shaded and contested_areas:
            add(
                Patch(facecolor="#f2f2f2", edgecolor=grey, hatch=AREA_HATCH, linewidth=0),
                "Contested area (hatched in the attacker's colour)",
            )
        if "contested" in statuses:
            add(
                (
                    _legend_marker(LEFT_HALF, 8, grey, "none"),
                    _legend_marker(RIGHT_HALF, 8, light, "none"),
                ),
                "Contested (left: holder, right: attacker)",
            )
        if "besieged" in statuses:
            add(
                (_legend_marker("o", 13, light, "white"), _legend_marker("o", 7.5, grey, "white")),
                "Besieged (centre: holder, ring: besieger)",
            )
        if "unknown" in statuses:
            add(_legend_marker("o", 6, "white", grey), "No sourced claim yet")
        shapes = self.style.marker_shapes
        for kind, text in (
            ("border-crossing", "Border crossing"),
            ("dam", "Dam"),
            ("airbase", "Airbase"),
            ("oilfield", "Oil field / refinery"),
        ):
            if kind in kinds or (kind == "oilfield" and "refinery" in kinds):
                add(_legend_marker(shapes.get(kind, "o"), 6, light, grey), text)
        if stale:
            add(
                _legend_marker("o", 7, grey, "white", alpha=STALE_ALPHA),
                f"Faded: last claim over {self.style.stale_after_days} days old",
            )
        return handles, labels

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

    def _isolated_layer(self, artists: Sequence) -> tuple:
        """Pixels of ``artists`` alone on a transparent canvas, ready for :func:`_blend`: the
        opaque pixels (flat indices, colours) and the others (indices, colour times alpha,
        255 minus alpha)."""
        keep = {id(a) for a in artists}
        everything = [*self.ax.get_children(), *self.figure.texts, self.figure.patch, self.ax.patch]
        visible = [(a, a.get_visible()) for a in everything]
        for artist, _ in visible:
            artist.set_visible(id(artist) in keep)
        self.figure.canvas.draw()
        layer = np.asarray(self.figure.canvas.buffer_rgba()).reshape(-1, 4)
        for artist, was in visible:
            artist.set_visible(was)
        opaque = np.flatnonzero(layer[:, 3] == 255)
        index = np.flatnonzero((layer[:, 3] > 0) & (layer[:, 3] < 255))
        alpha = layer[index, 3:4].astype(np.uint32)
        premultiplied = layer[index, :3].astype(np.uint32) * alpha + 127
        return opaque, layer[opaque, :3].copy(), index, premultiplied, 255 - alpha

    def _capture_background(self) -> None:
        hidden = self._dynamic + self._titles + self._furniture + (self._labels or [])
        if self._legend is not None:
            hidden.append(self._legend)
        for artist in hidden:
            artist.set_visible(False)
        self.figure.canvas.draw()
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        for artist in hidden:
            artist.set_visible(True)

    def prepare(self) -> None:
        """Draw and cache what every frame shares (the basemap pixels, the label layer), so
        forked worker processes inherit it instead of each drawing it again."""
        with matplotlib.rc_context(self._rc):
            if self._background is None:
                self._capture_background()

    def fast_rgba(self) -> np.ndarray:
        """The current frame's pixels, redrawing only what changes between frames.

        The basemap is drawn once and kept as pixels; labels, scale bar and north arrow (which
        never change) and the legend (which rarely does) are drawn once onto transparent layers.
        Each frame restores the basemap, draws the areas and markers, blends the cached layers
        over them in drawing order, and draws the title. The result matches :meth:`to_rgba`
        except for rounding in anti-aliased edges (a level or two on a few pixels).
        """
        canvas = self.figure.canvas
        with matplotlib.rc_context(self._rc):
            if self._background is None:
                self._capture_background()
            static_key = ("static", len(self._labels or []))
            if static_key not in self._layers:
                self._layers[static_key] = self._isolated_layer(
                    (self._labels or []) + self._furniture
                )
            legend_key = ("legend", self._legend_signature)
            if self._legend is not None and legend_key not in self._layers:
                self._layers[legend_key] = self._isolated_layer([self._legend])
            cached_texts = {}  # the subtitle is the same on every frame: cached pixels
            for text in self._titles:
                if text.get_gid() == "subtitle":
                    key = ("subtitle", text.get_text(), text.get_position())
                    if key not in self._layers:
                        self._layers[key] = self._isolated_layer([text])
                    cached_texts[id(text)] = key
            canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            order = {id(a): i for i, a in enumerate(self.ax.get_children())}
            changing = sorted(
                (a for a in self._dynamic if id(a) in order),
                key=lambda a: (a.get_zorder(), order[id(a)]),
            )
            for artist in changing:
                artist.draw(renderer)
            pixels = np.asarray(canvas.buffer_rgba())
            _blend(pixels, self._layers[static_key])
            if self._legend is not None:
                _blend(pixels, self._layers[legend_key])
            for text in self._titles:
                if id(text) in cached_texts:
                    _blend(pixels, self._layers[cached_texts[id(text)]])
                else:
                    text.draw(renderer)
            return pixels

    def save_png_fast(self, path: Path) -> Path:
        """Write the current frame as PNG from the cached layers (see :meth:`fast_rgba`): the
        way a series writes its frames, after the first."""
        return self._write_png(self.fast_rgba(), path)

    def _write_png(self, rgba: np.ndarray, path: Path) -> Path:
        data = png_bytes(rgba, self.dpi)
        return write_atomically(path, lambda temp: temp.write_bytes(data))


def area_fill_colour(colour: str) -> str:
    """The fill of a faction's area: its own colour, except that a near-black one becomes mid grey
    (ISIS #1a1a1a fills as #6e6e6e), so black ground reads as held, not as a hole in the map."""
    import colorsys

    from matplotlib.colors import to_hex, to_rgb

    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(colour))
    if lightness >= AREA_DARK:
        return to_hex(colour)
    return to_hex(colorsys.hls_to_rgb(hue, AREA_DARK_FILL, saturation))


def frame_title(title: str, day: date) -> str:
    return f"{title}, {long_date(day)}"
