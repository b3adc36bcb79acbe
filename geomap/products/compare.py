"""A before/after figure: two maps with the same extent, scale and legend, the places that
changed hands ringed on the second, and the list of changes beside them."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from geomap.domain.changes import describe_side, event_records
from geomap.domain.dates import long_date
from geomap.render.canvas import (
    REFERENCE_DPI,
    MapCanvas,
    MapFrame,
    new_figure,
    rc_params,
    save_figure,
    scaled_style,
)
from geomap.render.furniture import figure_title
from geomap.render.symbology import CHANGE_COLOUR
from geomap.scenario.load import Scenario
from geomap.scenario.style import Style

COMPARE_SIZE_PX = (2800, 1250)
LEFT = (0.004, 0.05, 0.33, 0.82)
RIGHT = (0.338, 0.05, 0.33, 0.82)
CHANGE_LIST = (0.68, 0.05, 0.315, 0.82)


def build_comparison(
    scenario: Scenario,
    style: Style,
    first: date,
    second: date,
    size_px: tuple[int, int] | None = None,
    dpi: int | None = None,
) -> Figure:
    """The comparison figure (not yet written)."""
    from geomap.products.map import resolve
    from geomap.scenario.project import Project
    from geomap.territory.areas import AREA_NOTE

    dpi = dpi or style.dpi
    width, height = size_px or COMPARE_SIZE_PX
    # the title and the list of changes keep their share of the figure at any size and dpi
    reference = COMPARE_SIZE_PX[0] * COMPARE_SIZE_PX[1] / REFERENCE_DPI**2
    figure_style = scaled_style(style, math.sqrt(width * height / dpi**2 / reference), dpi)
    with matplotlib.rc_context(rc_params(style)):
        figure = new_figure((width, height), dpi)
        project = Project.of(scenario)
        basemap = project.basemap
        before = resolve(scenario, first, style)
        after = resolve(scenario, second, style)
        records = event_records(scenario, first, second)
        changed = {r["id"] for r in records}
        canvases = []
        estimates = {day: project.estimate(day) for day in (first, second)}
        any_contested = any(bool(e.contested) for e in estimates.values())
        ringed = {first: [], second: [p for p in after if p.place.id in changed]}
        for rect, places, day in ((LEFT, before, first), (RIGHT, after, second)):
            canvas = MapCanvas(
                style=style,
                factions=scenario.factions,
                basemap=basemap,
                projection=scenario.projection,
                extent_lonlat=scenario.extent_lonlat,
                focus_countries=scenario.focus_countries,
                figure=figure,
                rect=rect,
                places_lonlat=[p.lonlat for p in scenario.places.values() if not p.is_area],
            )
            canvas.draw(
                MapFrame(day, long_date(day), ""),
                places,
                legend_from=before + after,
                areas=estimates[day],
                legend_contested_areas=any_contested,
                changes=ringed[day],
            )
            canvases.append(canvas)
        figure_title(
            figure,
            f"{scenario.title}: {long_date(first)} and {long_date(second)}",
            0.975,
            figure_style.font_sizes["title"],
        )
        canvases[0].draw_attribution(f"{scenario.attribution}  {AREA_NOTE.capitalize()}.")
        _draw_change_list(figure, scenario, figure_style, records)
    return figure


def _draw_change_list(figure: Figure, scenario: Scenario, style: Style, records) -> None:
    ax = figure.add_axes(CHANGE_LIST)
    ax.set_axis_off()
    size = style.font_sizes["legend"]
    ax.text(
        0.0,
        1.0,
        f"Changes of hands ({len(records)})",
        fontsize=size + 2,
        fontweight="bold",
        va="top",
        transform=ax.transAxes,
    )
    ax.legend(
        [
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=9,
                markerfacecolor="none",
                markeredgecolor=CHANGE_COLOUR,
                markeredgewidth=1.6,
            )
        ],
        ["ringed on the right-hand map (changed hands at least once)"],
        loc="upper left",
        bbox_to_anchor=(0.0, 0.975),
        frameon=False,
        fontsize=size,
        borderaxespad=0,
        handletextpad=0.3,
    )
    line_height = size * 1.45 / 72 * figure.dpi / (ax.bbox.height or 1)
    capacity = int(0.92 / line_height)
    shown = records if len(records) <= capacity else records[: capacity - 1]
    y = 0.92
    for record in shown:
        before = describe_side(record, "from", scenario.factions)
        after = describe_side(record, "to", scenario.factions)
        text = f"{record['name']}: {before} → {after}  ({record['date']})"
        line = ax.text(0.0, y, text, fontsize=size, va="top", transform=ax.transAxes)
        _fit_line(line, ax)
        y -= line_height
    if len(shown) < len(records):
        ax.text(
            0.0,
            y,
            f"… and {len(records) - len(shown)} more: see geomap diff",
            fontsize=size,
            va="top",
            style="italic",
            transform=ax.transAxes,
        )


def _fit_line(text, ax) -> None:
    """Shorten a line of the list with "…" until it fits the list's width (never cut off)."""
    renderer = ax.figure.canvas.get_renderer()
    words = text.get_text()
    while len(words) > 8 and text.get_window_extent(renderer).x1 > ax.bbox.x1:
        words = words[: max(8, int(len(words) * 0.9))]
        text.set_text(words.rstrip() + "…")


def write_comparison(figure: Figure, path: Path, fmt: str, style: Style) -> Path:
    return save_figure(figure, path, fmt, style)
