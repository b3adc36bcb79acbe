"""A line chart of one faction's estimated area (or people) over time, with milestones marked and
the published figures it compares with overlaid.

Drawn on a :class:`matplotlib.figure.Figure` (no pyplot state), with geomap's own rc parameters,
and written atomically with reproducible metadata, like the maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from geomap.render.canvas import new_figure, rc_params, save_figure
from geomap.render.furniture import figure_title, fit_width
from geomap.render.symbology import area_fill_colour
from geomap.scenario.milestones import Milestone
from geomap.scenario.style import Style

CHART_SIZE_PX = (1600, 900)
MILESTONE_COLOUR = "#7a7a7a"
CHART_NOTE = "an estimate from who held which places, not a survey of front lines"


@dataclass(frozen=True)
class Published:
    """A published figure drawn over the estimate: its day, value and who published it."""

    day: date
    value: float
    publisher: str


MEASURE_UNITS = {"area": "km² (estimate)", "population": "people (estimate)"}


@dataclass(frozen=True)
class AreaPoint:
    """One faction's ground on one day (contested ground counts half in ``area_km2``)."""

    day: date
    area_km2: float
    held_km2: float
    contested_km2: float


def area_chart(
    points: Sequence[AreaPoint],
    *,
    title: str,
    subtitle: str,
    colour: str,
    label: str,
    milestones: Sequence[Milestone] = (),
    credit: str = "",
    style: Style | None = None,
    size_px: tuple[int, int] | None = None,
    dpi: int | None = None,
    published: Sequence[Published] = (),
    unit: str = MEASURE_UNITS["area"],
) -> Figure:
    """The chart as a figure: area line, a band for contested ground, milestone lines, and the
    ``published`` figures as markers (one marker style per publisher, named in the legend)."""
    import matplotlib.dates as mdates

    style = style or Style()
    dpi = dpi or style.dpi
    width_px, height_px = size_px or CHART_SIZE_PX
    rc = rc_params(style)
    with matplotlib.rc_context(rc):
        figure = new_figure((width_px, height_px), dpi)
        ax = figure.add_axes((0.08, 0.11, 0.89, 0.70))
        days = [p.day for p in points]
        area = [p.area_km2 for p in points]
        held = [p.held_km2 for p in points]
        upper = [p.held_km2 + p.contested_km2 for p in points]
        fill = area_fill_colour(colour)
        ax.fill_between(days, 0, area, color=fill, alpha=0.35, linewidth=0, gid="area-fill")
        if any(p.contested_km2 > 0 for p in points):
            ax.fill_between(
                days,
                held,
                upper,
                facecolor="none",
                edgecolor=fill,
                hatch="////",
                linewidth=0,
                gid="contested-band",
                label="Contested ground (line counts half)",
            )
        (line,) = ax.plot(days, area, color=colour, linewidth=2.0, marker="o", markersize=2.5)
        line.set_gid("area-line")
        line.set_label(
            f"{label}: {'estimated area' if unit == MEASURE_UNITS['area'] else 'estimate'}"
        )
        markers = "sD^vP*Xh"
        publishers = sorted({p.publisher for p in published})
        for number, publisher in enumerate(publishers):
            mine = sorted((p for p in published if p.publisher == publisher), key=lambda p: p.day)
            ax.plot(
                [p.day for p in mine],
                [p.value for p in mine],
                linestyle="none",
                marker=markers[number % len(markers)],
                markersize=6,
                markerfacecolor="white",
                markeredgecolor="#333333",
                markeredgewidth=1.2,
                zorder=4,
                gid=f"published-{number}",
                label=f"Published: {publisher}",
            )
        sizes = style.font_sizes
        highest = max([*upper, *(p.value for p in published)], default=0.0)
        # Headroom above the data for the milestone labels, which hang from the top.
        top = highest * (1.3 if milestones else 1.08) or 1.0
        ax.set_ylim(0, top)
        if days:
            first, last = min(days), max(days)
            end = last if last > first else date.fromordinal(first.toordinal() + 1)
            ax.set_xlim(first, end)
            span = (end - first).days
            halo = [patheffects.withStroke(linewidth=2.0, foreground="white")]
            previous: date | None = None
            right_side = False
            for milestone in (m for m in milestones if first <= m.date <= last):
                ax.axvline(
                    milestone.date,
                    color=MILESTONE_COLOUR,
                    linewidth=0.8,
                    linestyle=(0, (3, 2)),
                    zorder=1,
                    gid=f"milestone-{milestone.date.isoformat()}",
                )
                # Left of its line, unless the previous label is too close: then right of it.
                crowded = previous is not None and (milestone.date - previous).days < span * 0.02
                right_side = crowded and not right_side
                text = ax.text(
                    milestone.date,
                    top * 0.985,
                    f"{milestone.label} ",
                    rotation=90,
                    rotation_mode="anchor",
                    ha="right",
                    va="top" if right_side else "bottom",
                    fontsize=sizes["legend"] - 0.5,
                    color="#444444",
                    path_effects=halo,
                    zorder=3,
                )
                text.set_gid(f"milestone-label-{milestone.date.isoformat()}")
                previous = milestone.date
        locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        ax.set_ylabel(unit, fontsize=sizes["legend"] + 1)
        ax.tick_params(labelsize=sizes["legend"])
        ax.grid(axis="y", color="#e3e3e3", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        legend = ax.legend(loc="lower left", fontsize=sizes["legend"], framealpha=0.92)
        legend.set_gid("legend")
        figure_title(figure, title, 0.965, sizes["title"], gid="title")
        figure.text(
            0.5,
            0.905,
            subtitle,
            ha="center",
            va="top",
            fontsize=sizes["subtitle"],
            color="#444444",
            gid="subtitle",
        )
        if credit:
            text = figure.text(
                0.008,
                0.02,
                credit,
                ha="left",
                va="center",
                fontsize=sizes["credit"],
                color="#555555",
                gid="credit",
            )
            _fit_credit(text, figure)
    return figure


def _fit_credit(text, figure) -> None:
    """A credit line wider than the figure is broken between its sentences (``"  "``) onto as
    many lines as it needs, kept clear of the bottom edge, then shrunk if one line still does
    not fit: never cut at the edge."""
    renderer = figure.canvas.get_renderer()
    available = figure.bbox.width * (1 - 2 * 0.008)
    if text.get_window_extent(renderer).width <= available:
        return
    lines: list[str] = []
    for part in text.get_text().split("  "):
        candidate = f"{lines[-1]}  {part}" if lines else part
        text.set_text(candidate)
        if lines and text.get_window_extent(renderer).width <= available:
            lines[-1] = candidate
        else:
            lines.append(part)
    text.set_text("\n".join(lines))
    text.set_verticalalignment("bottom")
    text.set_y(0.006)
    fit_width(text, figure)


def save_chart(figure: Figure, path: Path, fmt: str, style: Style | None = None) -> Path:
    """Write ``figure`` to ``path`` atomically, with geomap's reproducible metadata."""
    return save_figure(figure, path, fmt, style or Style())


def faction_chart(
    scenario,
    days: Sequence[date],
    faction_id: str,
    style: Style,
    size_px: tuple[int, int] | None = None,
    dpi: int | None = None,
    measure: str = "area",
) -> Figure:
    """Estimate ``faction_id``'s area (or people, ``measure="population"``) on each of ``days``
    and chart it with the scenario's published figures for it (not yet written)."""
    from geomap.domain.dates import long_date
    from geomap.territory.areas import area_series

    first, last = days[0], days[-1]
    points = []
    for day, areas in area_series(scenario, days):
        area = areas.get(faction_id)
        if area is None:
            values = (0.0, 0.0, 0.0)
        elif measure == "population":
            values = (area.population, area.held_people, area.contested_people)
        else:
            values = (area.area_km2, area.held_km2, area.contested_km2)
        points.append(AreaPoint(day, *values))
    figures = [
        f
        for f in getattr(scenario, "figures", ())
        if f.faction == faction_id
        and f.measure == measure
        and f.country is None
        and first <= f.date <= last
    ]
    published = [Published(f.date, f.value, f.sources[0].publisher) for f in figures if f.sources]
    faction = scenario.factions[faction_id]
    publishers = sorted({c.publisher for m in scenario.milestones for c in m.sources})
    what = "people living in the ground" if measure == "population" else "area"
    credit = (
        f"Estimate: geomap, from the sourced control of places"
        f"{' and the GeoNames settlements' if measure == 'population' else ''} "
        "(see docs/territory.md)."
    )
    cited = sorted({c.publisher for f in figures for c in f.sources})
    if cited:
        credit += f"  Published: {', '.join(cited)}."
    if publishers:
        credit += f"  Milestones: {', '.join(publishers)}."
    return area_chart(
        points,
        title=f"Estimated {what} held by {faction.name}",
        subtitle=f"{scenario.title}, {long_date(first)} to {long_date(last)}  ·  {CHART_NOTE}",
        colour=faction.colour,
        label=faction.short,
        milestones=scenario.milestones,
        credit=credit,
        style=style,
        size_px=size_px,
        dpi=dpi,
        published=published,
        unit=MEASURE_UNITS[measure],
    )


def report_chart(scenario, style: Style, days: Sequence[date]) -> Figure | None:
    """The chart page of a PDF report: ISIS's area where the scenario has ISIS, else the first
    faction's; None for a series of one day."""
    if len(days) < 2 or not scenario.factions:
        return None
    faction_id = "isis" if "isis" in scenario.factions else next(iter(scenario.factions))
    return faction_chart(scenario, days, faction_id, style, size_px=(1754, 1240), dpi=150)


def write_area_chart(
    scenario,
    days: Sequence[date],
    faction_id: str,
    *,
    fmt: str | None = None,
    out=None,
    dpi: int | None = None,
    size_px: tuple[int, int] | None = None,
    force: bool = False,
    measure: str = "area",
) -> Path:
    """Estimate ``faction_id``'s area (or people) on each of ``days`` and write the chart;
    returns its path."""
    from geomap.output.files import check_writable
    from geomap.products.map import output_path
    from geomap.scenario.project import Project

    style = Project.of(scenario).style
    first, last = days[0], days[-1]
    kind = "area" if measure == "area" else "people"
    stem = f"geomap-{kind}-{faction_id}-{first.isoformat()}-{last.isoformat()}"
    path, chosen = output_path(out, stem, fmt)
    check_writable(path, force)
    figure = faction_chart(scenario, days, faction_id, style, size_px, dpi, measure)
    return save_chart(figure, path, chosen, style)
