"""load → resolve → join → render → write: the steps every map command runs."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from geomap.domain.dates import Period
from geomap.domain.join import PlaceOnMap, join_states
from geomap.errors import InputError, Location
from geomap.output.files import check_writable, format_for
from geomap.scenario.load import Scenario
from geomap.scenario.project import Project, open_project
from geomap.scenario.style import Style


def resolve(scenario: Scenario, day: date, style: Style | None = None) -> list[PlaceOnMap]:
    """Every place of the scenario with its state on ``day`` (pure)."""
    states = scenario.timeline.state_at(day, scenario.places)
    stale_days = style.stale_after_days if style is not None else None
    return join_states(scenario.places, states, day, stale_days)


def subtitle_for(scenario: Scenario, day: date, places: list[PlaceOnMap]) -> str:
    """The line under the title; the same on every frame of a series (the title has the date)."""
    return "Each place shows its latest sourced claim on or before the date"


def make_canvas(
    scenario: Scenario,
    style: Style,
    size_px: tuple[int, int] | None = None,
    dpi: int | None = None,
):
    """A canvas with the scenario's basemap drawn (imports matplotlib)."""
    from geomap.render.canvas import MapCanvas

    return MapCanvas(
        style=style,
        factions=scenario.factions,
        basemap=Project.of(scenario).basemap,
        projection=scenario.projection,
        extent_lonlat=scenario.extent_lonlat,
        focus_countries=scenario.focus_countries,
        attribution=scenario.attribution,
        size_px=size_px,
        dpi=dpi,
        source_urls={c.id: c.url for c in scenario.citations.values() if c.url},
        places_lonlat=[p.lonlat for p in scenario.places.values() if not p.is_area],
    )


def draw_day(
    canvas, scenario: Scenario, style: Style, day: date, areas: bool = True
) -> list[PlaceOnMap]:
    from geomap.render.canvas import MapFrame, frame_title

    places = resolve(scenario, day, style)
    subtitle = subtitle_for(scenario, day, places)
    if areas:
        from geomap.territory.areas import AREA_NOTE

        subtitle = f"{subtitle}  ·  {AREA_NOTE}"
    frame = MapFrame(day, frame_title(scenario.title, day), subtitle)
    # the same states give the same markers and areas: a month without a change redraws the date
    content = (id(scenario), areas, tuple((p.place.id, p.state, p.stale) for p in places))
    if canvas.redate(frame, content):
        return places
    territory = None
    if areas:  # estimated areas of control (geomap.territory.model), said to be estimates
        territory = Project.of(scenario).estimate(day)
    canvas.draw(frame, places, areas=territory, content_key=content)
    return places


def output_path(out: str | os.PathLike[str] | None, stem: str, fmt: str | None) -> tuple[Path, str]:
    """Where to write and in which format: ``out`` may be a file, a folder or nothing."""
    names_a_folder = out is not None and str(out).endswith(("/", os.sep))
    if names_a_folder and not Path(out).is_dir():
        raise InputError.at(Location.of_file(out), "output folder does not exist")
    if out is None or Path(out).is_dir():
        folder = Path(out) if out is not None else Path.cwd()
        chosen = fmt or "png"
        return folder / f"{stem}.{chosen}", chosen
    path = Path(out)
    chosen = format_for(path, fmt)
    suffix = path.suffix.lower().lstrip(".")
    if fmt and suffix and suffix != fmt:
        raise InputError.at(
            Location.of_file(path), f"file name ends in .{suffix} but --format is {fmt}"
        )
    return path, chosen


def render_map(
    scenario_path: str | os.PathLike[str] | None,
    period: Period,
    *,
    fmt: str | None = None,
    out: str | os.PathLike[str] | None = None,
    dpi: int | None = None,
    size_px: tuple[int, int] | None = None,
    force: bool = False,
) -> Path:
    """Render the map of ``period`` and write it; returns the path written."""
    project = open_project(scenario_path)
    scenario, style = project.scenario, project.style
    day = scenario.timeline.as_of(period)
    path, chosen = output_path(out, f"geomap-{day.isoformat()}", fmt)
    check_writable(path, force)
    canvas = make_canvas(scenario, style, size_px, dpi)
    draw_day(canvas, scenario, style, day)
    return canvas.save(path, chosen)
