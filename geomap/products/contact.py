"""The contact sheet as small multiples: one small map per date, cropped to the focus countries,
under one title, with one legend and one credit line for all of them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from geomap.domain.dates import long_date
from geomap.scenario.load import Scenario
from geomap.scenario.style import Style

PANEL_WIDTH_PX = 420  # each small map, at the style's dpi
MAX_COLUMNS = 6
TITLE_PX, LEGEND_ROWS_PX, CREDIT_PX, GAP_PX, PANEL_TITLE_PX = 64, 30, 30, 14, 26


def focus_extent_lonlat(scenario: Scenario, basemap) -> tuple[float, float, float, float]:
    """The lon/lat box around the focus countries (the scenario's extent without any)."""
    import shapely

    from geomap.domain.projection import unproject_xy

    countries = basemap.get("countries")
    if countries is None or not scenario.focus_countries:
        return scenario.extent_lonlat
    focus = [
        g
        for country_id, g in zip(countries.ids, countries.geometries, strict=True)
        if country_id in scenario.focus_countries
    ]
    if not focus:
        return scenario.extent_lonlat
    x0, y0, x1, y1 = shapely.total_bounds(focus)
    pad_x, pad_y = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    steps = np.linspace(0, 1, 32)
    xs = np.concatenate(
        [x0 + (x1 - x0) * steps, np.full(32, x1), x0 + (x1 - x0) * steps, np.full(32, x0)]
    )
    ys = np.concatenate(
        [np.full(32, y0), y0 + (y1 - y0) * steps, np.full(32, y1), y0 + (y1 - y0) * steps]
    )
    xs = np.clip(xs, x0 - pad_x, x1 + pad_x)
    lon, lat = unproject_xy(
        scenario.projection,
        np.concatenate([xs - pad_x, xs + pad_x]),
        np.concatenate([ys - pad_y, ys + pad_y]),
    )
    return (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))


def build_contact_sheet(scenario: Scenario, style: Style, days: Sequence[date]) -> Figure:
    """The figure of small multiples (not yet written)."""
    from dataclasses import replace

    from matplotlib.legend_handler import HandlerTuple

    from geomap.domain.projection import projected_bounds
    from geomap.products.map import resolve
    from geomap.render.canvas import MapCanvas, MapFrame, new_figure, rc_params
    from geomap.render.furniture import figure_title, fit_width
    from geomap.render.layer import LegendScope
    from geomap.scenario.project import Project
    from geomap.territory.areas import AREA_NOTE

    days = list(days)
    dpi = style.dpi
    project = Project.of(scenario)
    basemap = project.basemap
    extent = focus_extent_lonlat(scenario, basemap)
    x0, y0, x1, y1 = projected_bounds(scenario.projection, extent)
    columns = min(MAX_COLUMNS, len(days), max(1, math.ceil(math.sqrt(len(days) * 1.2))))
    rows = math.ceil(len(days) / columns)
    panel_w = PANEL_WIDTH_PX
    panel_h = round(panel_w * (y1 - y0) / (x1 - x0))
    width = columns * (panel_w + GAP_PX) + GAP_PX
    panels_bottom = TITLE_PX + rows * (panel_h + PANEL_TITLE_PX + GAP_PX)
    # pixel boxes from the top-left: (left, top, width, height)
    boxes = [
        (
            GAP_PX + (n % columns) * (panel_w + GAP_PX),
            TITLE_PX + (n // columns) * (panel_h + PANEL_TITLE_PX + GAP_PX) + PANEL_TITLE_PX,
            panel_w,
            panel_h,
        )
        for n in range(len(days))
    ]
    height = panels_bottom + 200 + CREDIT_PX  # provisional: the legend decides the rest
    panel_style = replace(style, label_max_rank=1)  # small maps name the main places only
    with matplotlib.rc_context(rc_params(style)):
        figure = new_figure((width, height), dpi)
        scopes, canvas = [], None
        for day, (left, top, w, h) in zip(days, boxes, strict=True):
            canvas = MapCanvas(
                style=panel_style,
                factions=scenario.factions,
                basemap=basemap,
                projection=scenario.projection,
                extent_lonlat=extent,
                focus_countries=scenario.focus_countries,
                figure=figure,
                rect=(left / width, 1 - (top + h) / height, w / width, h / height),
                small_multiple=True,
            )
            canvas.ax.set_gid(f"panel-{day.isoformat()}")
            places = resolve(scenario, day, style)
            territory = project.estimate(day)
            canvas.draw(MapFrame(day, long_date(day), ""), places, areas=territory)
            for text in canvas.ax.texts:  # each panel's date, as large as the legend's title
                if text.get_gid() == "title":
                    text.set_fontsize(style.font_sizes["legend"] + 1.5)
            scopes.append(LegendScope.of(places, True, bool(territory.contested)))
        scope = LegendScope(
            frozenset().union(*(s.factions for s in scopes)),
            frozenset().union(*(s.statuses for s in scopes)),
            frozenset().union(*(s.kinds for s in scopes)),
            any(s.stale for s in scopes),
            True,
            any(s.contested_areas for s in scopes),
        )
        title = figure_title(
            figure,
            f"{scenario.title}, {long_date(days[0])} to {long_date(days[-1])}",
            0.0,
            style.font_sizes["title"],
            gid="title",
        )
        handles, texts, legend_title = canvas.legend.rows(canvas, scope)
        legend = figure.legend(
            handles,
            texts,
            loc="upper center",
            ncol=max(1, min(len(texts), width // 330)),
            fontsize=style.font_sizes["legend"],
            handler_map={tuple: HandlerTuple(ndivide=1, pad=0)},
            frameon=False,
            title=legend_title,
            title_fontsize=style.font_sizes["legend"] + 0.5,
            columnspacing=1.4,
        )
        legend.set_gid("legend")
        credit = figure.text(
            GAP_PX / width,
            0.0,
            f"{scenario.attribution}  {AREA_NOTE.capitalize()}.",
            fontsize=style.font_sizes["credit"],
            color="#555555",
            ha="left",
            va="center",
        )
        credit.set_gid("credit")
        fit_width(credit, figure)
        # now the legend's height is known: size the figure and put everything in place
        legend_h = legend.get_window_extent(figure.canvas.get_renderer()).height
        height = round(panels_bottom + legend_h + CREDIT_PX + GAP_PX)
        figure.set_size_inches(width / dpi, height / dpi)
        for ax, (left, top, w, h) in zip(figure.axes, boxes, strict=True):
            ax.set_position((left / width, 1 - (top + h) / height, w / width, h / height))
        title.set_position((0.5, 1 - 16 / height))
        legend.set_bbox_to_anchor((0.5, 1 - panels_bottom / height), transform=figure.transFigure)
        credit.set_position((GAP_PX / width, CREDIT_PX / 2 / height))
    return figure


def write_contact_sheet(scenario: Scenario, style: Style, days: Sequence[date], out: Path) -> Path:
    """Write the sheet as PNG, atomically."""
    from geomap.render.canvas import save_figure

    figure = build_contact_sheet(scenario, style, days)
    return save_figure(figure, out, "png", style)
