"""The Python API for notebooks: ``geomap.open()`` and the tables, layers and maps of a scenario.

    >>> import geomap
    >>> s = geomap.open()                       # bundled scenario; geomap.open(path) for another
    >>> s.state("2017-11")                      # GeoDataFrame, EPSG:4326: the `state` columns
    >>> s.territory("2015-01")                  # GeoDataFrame: faction, status, area_km2, ...
    >>> s.changes("2017-10", "2017-11")         # DataFrame: the `geomap diff` rows
    >>> s.render("2017-11")                     # matplotlib Figure

Dates are text like the command line's (``"2017"``, ``"2017-11"``, ``"2017-11-30"``) or
``datetime.date``. Bad input raises the same located :class:`geomap.errors.InputError` the command
line prints.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from geomap.errors import InputError

STATE_COLUMNS = (
    *("id", "name", "aliases", "kind", "country", "lon", "lat"),
    *("holder", "status", "by", "since", "sources"),
)


def open(path: str | os.PathLike[str] | None = None) -> GeomapScenario:
    """Load and check a scenario (default: the bundled ISIS 2014-2017 one)."""
    from geomap.scenario.load import load_scenario

    return GeomapScenario(load_scenario(path))


class GeomapScenario:
    """A loaded scenario, asked for its state, territory, changes and maps on dates."""

    def __init__(self, scenario) -> None:
        self.scenario = scenario

    def __repr__(self) -> str:
        loaded = self.scenario
        return (
            f"<geomap scenario '{loaded.title}': {len(loaded.places)} places, "
            f"{len(loaded.factions)} factions, {loaded.timeline.covered_range()}>"
        )

    @property
    def title(self) -> str:
        return self.scenario.title

    @property
    def factions(self) -> dict[str, str]:
        """Faction id -> name."""
        return {key: faction.name for key, faction in self.scenario.factions.items()}

    def day(self, when: str | date) -> date:
        """The as-of day of ``when`` (``"2017-11"`` -> 30 November 2017), checked against the
        dates the scenario covers."""
        from geomap.domain.dates import DateSyntaxError, Period, parse_period

        if isinstance(when, date):
            when = when.isoformat()
        if not isinstance(when, str | Period):
            raise InputError.at(None, f"a date must be text like '2017-11' or a date, not {when!r}")
        try:
            period = when if isinstance(when, Period) else parse_period(when)
        except DateSyntaxError as error:
            raise InputError.at(None, str(error)) from None
        return self.scenario.timeline.as_of(period)

    def state(self, when: str | date):
        """Who held every place on ``when``: a GeoDataFrame in EPSG:4326 with the columns of
        ``geomap state`` (``since`` as a datetime, ``sources`` as lists of citations) and each
        place's own geometry (a point, or the area of a province or zone)."""
        import geopandas
        import pandas

        from geomap.domain.join import state_record
        from geomap.products.map import resolve

        loaded = self.scenario
        items = resolve(loaded, self.day(when))
        records = [state_record(item, loaded.citations) for item in items]
        frame = pandas.DataFrame.from_records(records, columns=list(STATE_COLUMNS))
        frame["since"] = pandas.to_datetime(frame["since"])
        geometry = [item.place.geometry for item in items]
        return geopandas.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")

    def territory(self, when: str | date):
        """The estimated areas of control on ``when``: one (Multi)Polygon per faction and class
        (``held``, ``contested``) with ``faction, status, area_km2, population`` (the km² of
        ``geomap area``), EPSG:4326."""
        import geopandas

        from geomap.output.gis import TERRITORY_FIELDS, territory_rows
        from geomap.scenario.project import Project

        loaded = self.scenario
        rows, shapes = territory_rows(loaded, Project.of(loaded).territory, self.day(when))
        frame = geopandas.GeoDataFrame(
            rows, columns=list(TERRITORY_FIELDS), geometry=shapes, crs="EPSG:4326"
        )
        frame["population"] = frame["population"].astype("Int64")
        return frame

    def changes(self, first: str | date, second: str | date):
        """The places that changed hands between two dates: the rows of ``geomap diff``."""
        import pandas

        from geomap.domain.changes import CHANGE_KEYS, change_records

        records = change_records(self.scenario, self.day(first), self.day(second))
        return pandas.DataFrame.from_records(records, columns=list(CHANGE_KEYS))

    def render(
        self,
        when: str | date,
        *,
        size: tuple[int, int] | None = None,
        dpi: int | None = None,
        areas: bool = True,
    ) -> Any:
        """The map of ``when`` as a matplotlib Figure (shown inline in a notebook; save it with
        ``figure.savefig``). ``size`` is (width, height) in pixels."""
        from geomap.products.map import draw_day, make_canvas
        from geomap.scenario.project import Project

        loaded = self.scenario
        day = self.day(when)
        style = Project.of(loaded).style
        canvas = make_canvas(loaded, style, size, dpi)
        draw_day(canvas, loaded, style, day, areas=areas)
        return canvas.figure
