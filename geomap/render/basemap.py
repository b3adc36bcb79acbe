"""The basemap: land, provinces, lakes, rivers, borders and the names of the countries."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.patches import Rectangle

from geomap.render.geometry import add_paths
from geomap.render.layer import (
    STATIC,
    Z_BORDER,
    Z_COUNTRY_LABEL,
    Z_LAKE,
    Z_LAND,
    Z_PROVINCE,
    Z_RIVER,
    Layer,
)
from geomap.render.placement import overlaps


class BasemapLayer(Layer):
    lifetime = STATIC

    def __init__(self, basemap: dict, focus_countries: Sequence[str] = ()):
        super().__init__()
        self.basemap = basemap
        self.focus_countries = focus_countries

    def setup(self, canvas) -> None:
        ax, colours, widths = canvas.ax, canvas.style.colours, canvas.style.line_widths
        x0, y0, x1, y1 = canvas.bounds
        background = Rectangle(
            (x0, y0), x1 - x0, y1 - y0, facecolor=colours["background"], edgecolor="none", zorder=0
        )
        ax.add_patch(background)
        self.artists.append(background)
        countries = self.basemap.get("countries")
        provinces = self.basemap.get("provinces")
        lakes = self.basemap.get("lakes")
        rivers = self.basemap.get("rivers")
        layers = []
        if countries is not None:
            fills = [
                colours["focus_land" if country_id in self.focus_countries else "land"]
                for country_id in countries.ids
            ]
            layers.append((countries, "countries-fill", Z_LAND, {"facecolors": fills}))
        if provinces is not None:
            outline = {"edgecolors": colours["province"], "linewidths": widths["province"]}
            layers.append((provinces, "provinces", Z_PROVINCE, {"facecolors": "none", **outline}))
        if lakes is not None:
            water = {"edgecolors": colours["river"], "linewidths": 0.3}
            layers.append((lakes, "lakes", Z_LAKE, {"facecolors": colours["lake"], **water}))
        if rivers is not None:
            line = {"edgecolors": colours["river"], "linewidths": widths["river"]}
            rounded = {"capstyle": "round", "joinstyle": "round"}
            layers.append((rivers, "rivers", Z_RIVER, {"facecolors": "none", **line, **rounded}))
        if countries is not None:
            border = {"edgecolors": colours["border"], "linewidths": widths["border"]}
            layers.append((countries, "borders", Z_BORDER, {"facecolors": "none", **border}))
        for features, gid, zorder, look in layers:
            look.setdefault("edgecolors", "none")
            self.artists.append(add_paths(ax, features.geometries, zorder=zorder, gid=gid, **look))


class CountryNamesLayer(Layer):
    """Each country's name, spaced out, where most of it shows and the legend is not."""

    lifetime = STATIC

    def __init__(self, basemap: dict):
        super().__init__()
        self.countries = basemap.get("countries")

    def setup(self, canvas) -> None:
        if self.countries is None:
            return
        import shapely
        from shapely.geometry import box

        ax = canvas.ax
        view = box(*canvas.bounds)
        inverse = ax.transData.inverted()
        legend_corners = inverse.transform(np.reshape(canvas.legend_space_px()[0], (2, 2)))
        free = shapely.difference(view, box(*legend_corners.ravel()))
        renderer = canvas.figure.canvas.get_renderer()
        countries = self.countries
        for name, geometry in zip(countries.names, countries.geometries, strict=True):
            visible = shapely.intersection(geometry, free)
            if visible.is_empty or visible.area < 0.02 * view.area:
                continue
            point = shapely.maximum_inscribed_circle(visible, tolerance=10_000).coords[0]
            text = ax.text(
                point[0],
                point[1],
                " ".join(name.upper()),
                fontsize=canvas.style.font_sizes["country"],
                color=canvas.style.colours["country_label"],
                ha="center",
                va="center",
                zorder=Z_COUNTRY_LABEL,
            )
            extent = tuple(text.get_window_extent(renderer).extents)
            if any(overlaps(extent, kept) for kept in canvas.legend_space_px()):
                text.remove()  # the legend sits there
                continue
            self.artists.append(text)
            canvas.obstacles_px.append(extent)
